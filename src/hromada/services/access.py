"""Who may do what: the one place where permission rules live.

Rules
-----
- A facilitator may read and change every municipality of the network and manage accounts.
- A member of a municipality may act there according to their role: ``viewer`` reads, ``editor`` also
  changes data (imports), ``admin`` also manages the municipality's members.
- Anyone else gets :class:`~hromada.errors.NotFoundError` (not "forbidden"), so that the existence of
  another municipality's data is not disclosed.
- Restricted data (locations and weaknesses of critical infrastructure) is seen only inside the
  municipality's workspace by its editors and admins, and by the operator at the command line. A network
  facilitator is not inside a workspace and does not see it unless they are a member with such a role, or
  an admin of the municipality released the field. Restricted fields never enter peer comparisons, shared
  views or exports unless released.
- Releasing a restricted field is a decision of the municipality itself: only a member with the ``admin``
  role there (or the operator at the command line) may release or withdraw it; a network facilitator, who
  acts as admin elsewhere, may not.
- Accounts: everyone signed in manages their own account: sees it, lists and revokes their own API tokens,
  lists and ends their own browser sessions ("log out everywhere else"), and changes their own password by
  giving the current one (checked within the sign-in limits). A facilitator (and the operator at the command
  line) is the account manager: lists every account, deactivates and reactivates accounts, lists and revokes
  anyone's API tokens and sets anyone's password. Deactivating ends the account's sessions and revokes its
  tokens at once. Nobody deactivates their own account (the network must keep a facilitator).
- A municipality admin sees the members of the municipalities they administer (status, last sign-in, live
  sessions, their roles there only) but does not deactivate them: an account can belong to several
  municipalities and deactivating it locks the person out of all of them; the admin asks a facilitator.
  Others may not list accounts (``PermissionDeniedError``: the list of accounts is not a municipality's data).
- Someone else's token or session is "not found" to a caller who may not manage that account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.db.models import Membership, Role, User
from hromada.errors import AuthenticationError, NotFoundError, PermissionDeniedError

__all__ = [
    "Action",
    "Principal",
    "Role",
    "can_see_restricted",
    "load_principal",
    "require",
    "require_account_manager",
    "require_facilitator",
    "require_member_viewer",
    "require_own_admin",
    "require_restricted",
    "require_self_or_account_manager",
]

Action = Literal["read", "write", "admin"]

_NEEDED: dict[Action, Role] = {"read": Role.VIEWER, "write": Role.EDITOR, "admin": Role.ADMIN}


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller, with their roles per municipality id."""

    user_id: int | None
    email: str
    is_facilitator: bool = False
    roles: dict[int, Role] = field(default_factory=dict)

    def role_in(self, municipality_id: int) -> Role | None:
        """The caller's role in a municipality (facilitators act as admin everywhere)."""
        if self.is_facilitator:
            return Role.ADMIN
        return self.roles.get(municipality_id)

    def can(self, action: Action, municipality_id: int) -> bool:
        role = self.role_in(municipality_id)
        return role is not None and role.rank >= _NEEDED[action].rank

    @property
    def municipality_ids(self) -> frozenset[int]:
        return frozenset(self.roles)


def load_principal(session: Session, user_id: int) -> Principal:
    """Build the principal of an active user.

    Raises
    ------
    AuthenticationError
        When the user does not exist or was deactivated.
    """
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise AuthenticationError("Your session has ended; please log in again.")
    rows = session.execute(
        select(Membership.municipality_id, Membership.role).where(Membership.user_id == user_id)
    ).all()
    return Principal(
        user_id=user.id,
        email=user.email,
        is_facilitator=user.is_facilitator,
        roles={mid: Role(role) for mid, role in rows},
    )


def require(principal: Principal, action: Action, municipality_id: int) -> None:
    """Raise unless ``principal`` may perform ``action`` in the municipality.

    A caller with no role there gets ``NotFoundError``; a member whose role is too low gets
    ``PermissionDeniedError`` naming the role needed.
    """
    role = principal.role_in(municipality_id)
    if role is None:
        raise NotFoundError("No such municipality in your workspace.")
    needed = _NEEDED[action]
    if role.rank < needed.rank:
        raise PermissionDeniedError(
            f"This needs the role '{needed.value}' in this municipality; you have '{role.value}'."
        )


def require_facilitator(principal: Principal) -> None:
    """Raise unless the caller is a network facilitator."""
    if not principal.is_facilitator:
        raise PermissionDeniedError("Only a network facilitator may do this.")


def require_account_manager(principal: Principal) -> None:
    """Raise unless the caller manages accounts network-wide (a facilitator, or the command-line operator)."""
    if not principal.is_facilitator:
        raise PermissionDeniedError("Only a network facilitator may manage user accounts.")


def require_self_or_account_manager(principal: Principal, user_id: int) -> None:
    """Raise unless the account ``user_id`` is the caller's own or the caller manages accounts.

    Another person's account is reported as not found, so that account ids disclose nothing.
    """
    if principal.user_id == user_id or principal.is_facilitator:
        return
    raise NotFoundError("No such account among yours.")


def require_member_viewer(principal: Principal) -> frozenset[int] | None:
    """The municipalities whose members the caller may list: None for an account manager (every account),
    else the municipalities they administer; raise when there are none."""
    if principal.is_facilitator:
        return None
    administered = frozenset(mid for mid, role in principal.roles.items() if role == Role.ADMIN)
    if not administered:
        raise PermissionDeniedError(
            "Only a network facilitator or a municipality admin may list user accounts."
        )
    return administered


def can_see_restricted(principal: Principal, municipality_id: int) -> bool:
    """Whether the caller may see the municipality's restricted infrastructure fields (see the rules above)."""
    if principal.user_id is None and principal.is_facilitator:
        return True  # the operator at the command line, on their own machine
    role = principal.roles.get(municipality_id)
    return role is not None and role.rank >= Role.EDITOR.rank


def require_own_admin(principal: Principal, municipality_id: int) -> None:
    """Raise unless the caller is an admin member of the municipality itself (or the command-line operator).

    A facilitator who is not such a member gets ``PermissionDeniedError``: acting as admin across the network
    does not include deciding what the municipality discloses.
    """
    require(principal, "admin", municipality_id)
    if principal.user_id is None and principal.is_facilitator:
        return
    if principal.roles.get(municipality_id) != Role.ADMIN:
        raise PermissionDeniedError(
            "Only an admin of this municipality may release or withdraw restricted fields."
        )


def require_restricted(principal: Principal, municipality_id: int) -> None:
    """Raise unless the caller may see restricted fields; non-readers get ``NotFoundError`` as everywhere."""
    require(principal, "read", municipality_id)
    if not can_see_restricted(principal, municipality_id):
        raise PermissionDeniedError(
            "Locations and weaknesses of critical infrastructure are restricted to the municipality's editors and admins."
        )
