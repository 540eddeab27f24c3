"""Accounts: users, memberships, password hashing (Argon2id), API tokens, server-side sessions and sign-in
throttling.

Sessions
    A browser session is a :class:`~hromada.db.models.UserSession` record; the signed cookie carries only a
    random 256-bit token whose SHA-256 hash identifies the record. A request is signed in while its record is
    live (not ended, not expired), so logging out, changing the password and deactivating the account end
    sessions at once, whatever copies of the cookie are still around.

Throttling
    Failed password checks are stored (:class:`~hromada.db.models.SignInFailure`), in the database that every
    worker process shares. Once an account had ``account`` failures within ``window`` (or a client address
    ``address`` failures, over any accounts), further attempts are refused for ``backoff`` after the last
    failure, *before* the password is hashed: a flood of refused attempts costs a query each, no Argon2 run.
    Unknown e-mails are counted and refused exactly like known ones, and checked against a dummy hash, so
    neither the answer nor its timing says whether an account exists. A successful sign-in clears the
    account's failures (they still count for the address).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import Field
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from hromada.db.base import utcnow
from hromada.db.engine import short_lock_wait
from hromada.db.models import (
    ApiToken,
    Membership,
    Municipality,
    Role,
    SignInFailure,
    User,
    UserSession,
)
from hromada.errors import (
    AuthenticationError,
    ConflictError,
    HromadaError,
    NotFoundError,
    ValidationError,
)
from hromada.services import audit
from hromada.services._json import ServiceModel
from hromada.services.access import (
    Principal,
    require,
    require_account_manager,
    require_member_viewer,
    require_self_or_account_manager,
)

if TYPE_CHECKING:
    from hromada.settings import Settings


logger = logging.getLogger(__name__)

__all__ = [
    "TOKEN_PREFIX",
    "AccountView",
    "IssuedToken",
    "LiveSession",
    "MembershipView",
    "SessionView",
    "SignInLimits",
    "TokenView",
    "TooManyAttemptsError",
    "WrongPasswordError",
    "account",
    "add_membership",
    "add_user",
    "authenticate",
    "authenticate_token",
    "change_password",
    "check_sign_in",
    "end_other_sessions",
    "end_own_session",
    "end_session",
    "get_user",
    "hash_password",
    "issue_token",
    "list_sessions",
    "list_tokens",
    "list_users",
    "live_session",
    "revoke_token",
    "set_active",
    "set_locale",
    "start_session",
    "touch_session",
    "verify_password",
]

TOKEN_PREFIX = "hrm_"  # noqa: S105 (a visible prefix, not a secret)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Argon2id with the argon2-cffi defaults (RFC 9106 "second recommended" profile: t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()
# A hash verified against when the user does not exist, so that timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10
_WRONG_CREDENTIALS = "Wrong email or password."
_SESSION_ENDED = "Your session has ended; please log in again."


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against its stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _normal_email(email: str) -> str:
    return email.strip().lower()


def add_user(
    session: Session,
    email: str,
    password: str,
    *,
    full_name: str = "",
    is_facilitator: bool = False,
    actor: Principal | None = None,
) -> User:
    """Create a user account; emails are unique and case-insensitive."""
    email = _normal_email(email)
    if not _EMAIL.match(email):
        raise ValidationError(f"email must look like name@example.org; got {email!r}")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ConflictError(f"A user with the email {email} already exists.")
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        is_facilitator=is_facilitator,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", entity_id=user.id, details={"email": email})
    return user


def add_membership(
    session: Session,
    user: User,
    municipality: Municipality,
    role: Role,
    *,
    actor: Principal | None = None,
) -> Membership:
    """Give ``user`` a role in ``municipality`` (or change the role they have)."""
    if actor is not None:
        require(actor, "admin", municipality.id)
    membership = session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.municipality_id == municipality.id)
    )
    if membership is None:
        membership = Membership(user_id=user.id, municipality_id=municipality.id, role=role)
        session.add(membership)
    else:
        membership.role = role
    session.flush()
    audit.record(
        session,
        actor,
        "membership.set",
        "membership",
        entity_id=membership.id,
        municipality_id=municipality.id,
        details={"user": user.email, "role": role.value},
    )
    return membership


# --------------------------------------------------------------------------------------------------------
# Sign-in throttling


class TooManyAttemptsError(HromadaError):
    """Sign-ins are refused for a while after too many failures (for the account or the client address).

    ``retry_after_s`` is the wait in whole seconds (the HTTP ``Retry-After``).
    """

    code = "too_many_attempts"
    http_status = 429
    exit_code = 75  # EX_TEMPFAIL

    def __init__(self, retry_after_s: int) -> None:
        minutes = max(1, math.ceil(retry_after_s / 60))
        super().__init__(
            f"Too many failed sign-in attempts. Try again in {minutes} minute{'s' if minutes > 1 else ''}."
        )
        self.retry_after_s = retry_after_s

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_s / 60))

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "retry_after_s": self.retry_after_s}


class WrongPasswordError(ValidationError):
    """The current password given to change it is wrong."""

    code = "wrong_password"


@dataclass(frozen=True, slots=True)
class SignInLimits:
    """How many failed sign-ins are tolerated, and for how long the next ones are refused.

    ``address`` 0 turns the per-address limit off (behind a reverse proxy every client has its address).
    """

    account: int = 5
    address: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    backoff: dt.timedelta = dt.timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInLimits:
        return cls(
            account=settings.sign_in_account_limit,
            address=settings.sign_in_address_limit,
            window=dt.timedelta(seconds=settings.sign_in_window_s),
            backoff=dt.timedelta(seconds=settings.sign_in_backoff_s),
        )

    @property
    def horizon(self) -> dt.timedelta:
        """How far back a failure can still matter."""
        return self.window + self.backoff


def _account_key(email: str) -> str:
    return hashlib.sha256(_normal_email(email).encode("utf-8")).hexdigest()


def _blocked_until(
    session: Session, where: Any, limit: int, limits: SignInLimits, now: dt.datetime
) -> dt.datetime | None:
    """When refusals end, if the newest ``limit`` failures under ``where`` fell within the window and the
    back-off after the newest has not passed yet."""
    if limit <= 0:
        return None
    times = session.scalars(
        select(SignInFailure.at)
        .where(where, SignInFailure.at > now - limits.horizon)
        .order_by(SignInFailure.at.desc())
        .limit(limit)
    ).all()
    if len(times) < limit or times[0] - times[-1] > limits.window:
        return None
    until = times[0] + limits.backoff
    return until if until > now else None


def check_sign_in(
    session: Session,
    email: str,
    address: str,
    limits: SignInLimits,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Raise :class:`TooManyAttemptsError` while the account or the address is in its back-off.

    Only reads: nothing is hashed and nothing is recorded for a refused attempt.
    """
    now = now or utcnow()
    ends = [
        _blocked_until(
            session,
            (SignInFailure.account_key == _account_key(email)) & SignInFailure.cleared.is_(False),
            limits.account,
            limits,
            now,
        ),
        _blocked_until(session, SignInFailure.address == address[:64], limits.address, limits, now),
    ]
    latest = max((end for end in ends if end is not None), default=None)
    if latest is not None:
        raise TooManyAttemptsError(max(1, math.ceil((latest - now).total_seconds())))


def _record_failure(
    session: Session, email: str, address: str, limits: SignInLimits, now: dt.datetime
) -> None:
    session.execute(delete(SignInFailure).where(SignInFailure.at < now - limits.horizon))
    session.add(SignInFailure(at=now, account_key=_account_key(email), address=address[:64]))
    session.flush()


def _clear_failures(session: Session, email: str) -> None:
    session.execute(
        update(SignInFailure)
        .where(SignInFailure.account_key == _account_key(email), SignInFailure.cleared.is_(False))
        .values(cleared=True)
    )


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    address: str = "",
    limits: SignInLimits | None = None,
    now: dt.datetime | None = None,
) -> User:
    """Return the active user with these credentials, within the sign-in limits.

    A failure is recorded in the session's transaction: the caller commits it although the sign-in failed.

    Raises
    ------
    TooManyAttemptsError
        While the account or ``address`` is in its back-off (the password is not checked then).
    AuthenticationError
        With the same message whether the email or the password was wrong.
    """
    limits = limits or SignInLimits()
    now = now or utcnow()
    email = _normal_email(email)
    check_sign_in(session, email, address, limits, now=now)
    user = session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        _record_failure(session, email, address, limits, now)
        raise AuthenticationError(_WRONG_CREDENTIALS)
    if not verify_password(user.password_hash, password):
        _record_failure(session, email, address, limits, now)
        raise AuthenticationError(_WRONG_CREDENTIALS)
    _clear_failures(session, email)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    return user


# --------------------------------------------------------------------------------------------------------
# API tokens


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A newly issued API token; ``secret`` is shown once and never stored."""

    id: int
    name: str
    secret: str


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(
    session: Session, user: User, name: str, *, expires_in: dt.timedelta | None = None
) -> IssuedToken:
    """Issue an API token for ``user`` (only its SHA-256 hash is stored)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=_token_hash(secret),
        expires_at=utcnow() + expires_in if expires_in else None,
    )
    session.add(token)
    session.flush()
    audit.record(session, None, "token.issue", "api_token", entity_id=token.id, details={"user": user.email})
    return IssuedToken(id=token.id, name=name, secret=secret)


def authenticate_token(session: Session, secret: str) -> int:
    """Return the user id of a valid, unexpired, unrevoked token."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(secret)))
    now = utcnow()
    if (
        token is None
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
    ):
        raise AuthenticationError("The API token is invalid, expired or revoked.")
    token.last_used_at = now
    return token.user_id


class TokenView(ServiceModel):
    """An API token as its owner (or a facilitator) sees it: never its secret."""

    id: int
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool = Field(description="Neither revoked nor expired: the token is accepted.")


def _token_view(token: ApiToken, now: dt.datetime) -> TokenView:
    expired = token.expires_at is not None and token.expires_at <= now
    return TokenView(
        id=token.id,
        name=token.name,
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
        active=token.revoked_at is None and not expired,
    )


def _owner_id(principal: Principal, user_id: int | None) -> int:
    """The account acted on: the caller's own unless ``user_id`` names another (see the access rules)."""
    target = principal.user_id if user_id is None else user_id
    if target is None:
        raise ValidationError("Name the user whose account this concerns.")
    require_self_or_account_manager(principal, target)
    return target


def list_tokens(session: Session, principal: Principal, *, user_id: int | None = None) -> list[TokenView]:
    """The API tokens of the caller (or, for an account manager, of ``user_id``), newest first."""
    owner = _owner_id(principal, user_id)
    now = utcnow()
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == owner).order_by(ApiToken.id.desc())
    ).all()
    return [_token_view(t, now) for t in tokens]


def revoke_token(
    session: Session, principal: Principal, token_id: int, *, user_id: int | None = None
) -> TokenView:
    """Revoke one of the caller's API tokens (or, for an account manager, one of ``user_id``'s); revoking a
    revoked token changes nothing. A token of someone else is not found."""
    owner = _owner_id(principal, user_id)
    token = session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == owner))
    if token is None:
        raise NotFoundError(f"No API token {token_id} among this account's tokens.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, principal, "token.revoke", "api_token", entity_id=token.id)
    return _token_view(token, utcnow())


# --------------------------------------------------------------------------------------------------------
# Server-side sessions


@dataclass(frozen=True, slots=True)
class LiveSession:
    """The live session a request's cookie points to."""

    id: int
    user_id: int
    stale: bool = False  # its last activity is older than the touch interval: see touch_session


def _agent_summary(user_agent: str) -> str:
    return " ".join(user_agent.split())[:200]


def start_session(
    session: Session,
    user_id: int,
    *,
    lifetime: dt.timedelta,
    user_agent: str = "",
    address: str = "",
    now: dt.datetime | None = None,
) -> str:
    """Open a session for the user ``user_id`` (just authenticated) and return its token, for the signed
    cookie (only its hash is stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user_id,
            token_hash=_token_hash(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            user_agent=_agent_summary(user_agent),
            address=address[:64],
        )
    )
    session.flush()
    return token


def live_session(
    session: Session,
    token: str,
    *,
    touch_every: dt.timedelta = dt.timedelta(minutes=1),
    now: dt.datetime | None = None,
) -> LiveSession:
    """The live session of a cookie's token, read only: ``stale`` says that its last activity is older than
    ``touch_every`` and should be written by :func:`touch_session` (outside the request's transaction, so that
    a read request never waits for the database's write lock).

    Raises
    ------
    AuthenticationError
        When no such session exists, or it was ended or has expired.
    """
    now = now or utcnow()
    record = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if record is None or record.ended_at is not None or record.expires_at <= now:
        raise AuthenticationError(_SESSION_ENDED)
    return LiveSession(id=record.id, user_id=record.user_id, stale=now - record.last_seen_at >= touch_every)


def touch_session(engine: Engine, session_id: int, *, now: dt.datetime | None = None) -> bool:
    """Write a session's last activity in a short transaction of its own; return whether it was written.

    Best effort: on SQLite, when the write lock is held (a large import writing), the touch is skipped at
    once rather than holding the request up; the next request touches it.
    """
    try:
        with engine.connect() as connection, short_lock_wait(connection):
            connection.execute(
                update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now or utcnow())
            )
            connection.commit()
        return True
    except OperationalError:
        logger.debug("session %s: last activity not written (database busy)", session_id)
        return False


def end_session(session: Session, token: str, *, reason: str = "logout") -> None:
    """End the session of a cookie's token (logging out); an unknown or ended one is left as it is."""
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )


def _end_user_sessions(session: Session, user_id: int, reason: str, *, keep: int | None = None) -> int:
    """End every live session of a user (but ``keep``); the number ended."""
    now = utcnow()
    where = [UserSession.user_id == user_id, UserSession.ended_at.is_(None), UserSession.expires_at > now]
    if keep is not None:
        where.append(UserSession.id != keep)
    ended = session.scalars(select(UserSession).where(*where)).all()
    for record in ended:
        record.ended_at = now
        record.end_reason = reason
    session.flush()
    return len(ended)


class SessionView(ServiceModel):
    """A live browser session of the caller."""

    id: int
    created_at: dt.datetime
    last_seen_at: dt.datetime = Field(description="Written at most once a minute.")
    expires_at: dt.datetime
    user_agent: str
    address: str = Field(description="The client address at sign-in.")
    current: bool = Field(description="The session of this request.")


def list_sessions(
    session: Session, principal: Principal, *, current_id: int | None = None
) -> list[SessionView]:
    """The caller's live sessions, the most recently active first."""
    owner = _owner_id(principal, None)
    now = utcnow()
    records = session.scalars(
        select(UserSession)
        .where(UserSession.user_id == owner, UserSession.ended_at.is_(None), UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()
    return [
        SessionView(
            id=r.id,
            created_at=r.created_at,
            last_seen_at=r.last_seen_at,
            expires_at=r.expires_at,
            user_agent=r.user_agent,
            address=r.address,
            current=r.id == current_id,
        )
        for r in records
    ]


def end_own_session(session: Session, principal: Principal, session_id: int) -> None:
    """End one of the caller's sessions (another browser); someone else's is not found."""
    owner = _owner_id(principal, None)
    record = session.scalar(
        select(UserSession).where(UserSession.id == session_id, UserSession.user_id == owner)
    )
    if record is None:
        raise NotFoundError(f"No session {session_id} among your sessions.")
    if record.ended_at is None:
        record.ended_at = utcnow()
        record.end_reason = "ended"
        audit.record(session, principal, "session.end", "user_session", entity_id=record.id)


def end_other_sessions(session: Session, principal: Principal, current_id: int | None) -> int:
    """Log the caller out everywhere but in the session ``current_id``; the number of sessions ended."""
    owner = _owner_id(principal, None)
    ended = _end_user_sessions(session, owner, "ended", keep=current_id)
    audit.record(session, principal, "session.end_others", "user", entity_id=owner, details={"ended": ended})
    return ended


# --------------------------------------------------------------------------------------------------------
# Managing accounts


def change_password(
    session: Session,
    principal: Principal,
    new_password: str,
    *,
    current_password: str | None = None,
    user_id: int | None = None,
    address: str = "",
    limits: SignInLimits | None = None,
) -> int:
    """Set a new password and end every session of the account; the number of sessions ended.

    The caller changing their own password gives the current one, checked within the sign-in limits (a
    stolen session cannot guess it at leisure); an account manager setting another user's password does not.

    Raises
    ------
    TooManyAttemptsError
        While the account or ``address`` is in its sign-in back-off.
    WrongPasswordError
        When the current password is wrong (the failure is recorded: the caller commits it).
    ValidationError
        When the new password is too short.
    """
    owner = _owner_id(principal, user_id)
    user = session.get(User, owner)
    if user is None:
        raise NotFoundError(f"No user {owner}.")
    if owner == principal.user_id:
        if current_password is None:
            raise ValidationError("Give your current password to change it.")
        limits = limits or SignInLimits()
        now = utcnow()
        check_sign_in(session, user.email, address, limits, now=now)
        if not verify_password(user.password_hash, current_password):
            _record_failure(session, user.email, address, limits, now)
            raise WrongPasswordError("The current password is wrong.")
    user.password_hash = hash_password(new_password)
    ended = _end_user_sessions(session, user.id, "password")
    audit.record(
        session, principal, "user.password", "user", entity_id=user.id, details={"sessions_ended": ended}
    )
    return ended


class MembershipView(ServiceModel):
    """A role of a user in a municipality."""

    code: str = Field(description="The municipality's KATOTTG code.")
    name: str = Field(description="The municipality's name in English transliteration.")
    role: Role


class AccountView(ServiceModel):
    """A user account with its status: for the user themself, and for those who manage accounts."""

    id: int
    email: str
    full_name: str
    is_facilitator: bool
    is_active: bool
    locale: str | None
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    active_sessions: int = Field(description="Live browser sessions.")
    active_tokens: int = Field(description="API tokens neither revoked nor expired.")
    memberships: list[MembershipView] = Field(
        description="Roles in municipalities (for a municipality admin: in their own municipalities only)."
    )


def _account_views(
    session: Session, users: list[User], *, visible: frozenset[int] | None = None
) -> list[AccountView]:
    """Views of ``users``; ``visible``: the municipalities whose memberships may be shown (None: all)."""
    if not users:
        return []
    ids = [u.id for u in users]
    now = utcnow()
    sessions = {
        uid: n
        for uid, n in session.execute(
            select(UserSession.user_id, func.count())
            .where(UserSession.user_id.in_(ids), UserSession.ended_at.is_(None), UserSession.expires_at > now)
            .group_by(UserSession.user_id)
        )
    }
    tokens = {
        uid: n
        for uid, n in session.execute(
            select(ApiToken.user_id, func.count())
            .where(
                ApiToken.user_id.in_(ids),
                ApiToken.revoked_at.is_(None),
                (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
            )
            .group_by(ApiToken.user_id)
        )
    }
    roles: dict[int, list[MembershipView]] = {}
    rows = session.execute(
        select(Membership.user_id, Municipality.id, Municipality.code, Municipality.name_en, Membership.role)
        .join(Municipality, Municipality.id == Membership.municipality_id)
        .where(Membership.user_id.in_(ids))
        .order_by(Municipality.code)
    )
    for uid, mid, code, name, role in rows:
        if visible is None or mid in visible:
            roles.setdefault(uid, []).append(MembershipView(code=code, name=name, role=role))
    return [
        AccountView(
            id=u.id,
            email=u.email,
            full_name=u.full_name,
            is_facilitator=u.is_facilitator,
            is_active=u.is_active,
            locale=u.locale,
            created_at=u.created_at,
            last_login_at=u.last_login_at,
            active_sessions=sessions.get(u.id, 0),
            active_tokens=tokens.get(u.id, 0),
            memberships=roles.get(u.id, []),
        )
        for u in users
    ]


def account(session: Session, principal: Principal) -> AccountView:
    """The caller's own account."""
    owner = _owner_id(principal, None)
    user = session.get(User, owner)
    if user is None:
        raise AuthenticationError(_SESSION_ENDED)
    return _account_views(session, [user])[0]


def list_users(session: Session, principal: Principal) -> list[AccountView]:
    """The accounts the caller may see: every account for an account manager; for a municipality admin, the
    members of the municipalities they administer (with those memberships only)."""
    administered = require_member_viewer(principal)
    query = select(User).order_by(User.email)
    if administered is not None:
        members = select(Membership.user_id).where(Membership.municipality_id.in_(administered))
        query = query.where(User.id.in_(members))
    users = list(session.scalars(query).all())
    return _account_views(session, users, visible=administered)


def set_active(session: Session, principal: Principal, user_id: int, active: bool) -> AccountView:
    """Deactivate an account (its sessions end and its API tokens are revoked at once) or reactivate it
    (revoked tokens stay revoked: the user gets new ones). Only an account manager may; nobody deactivates
    their own account."""
    require_account_manager(principal)
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"No user {user_id}.")
    if not active and user_id == principal.user_id:
        raise ConflictError("You cannot deactivate your own account.")
    details: dict[str, Any] = {"email": user.email}
    if active:
        user.is_active = True
    else:
        user.is_active = False
        details["sessions_ended"] = _end_user_sessions(session, user.id, "deactivated")
        tokens = session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ).all()
        for token in tokens:
            token.revoked_at = utcnow()
        details["tokens_revoked"] = len(tokens)
    session.flush()
    audit.record(
        session, principal, "user.activate" if active else "user.deactivate", "user", entity_id=user.id,
        details=details,
    )  # fmt: skip
    return _account_views(session, [user])[0]


def set_locale(session: Session, user_id: int, locale: str) -> None:
    """Remember a user's interface language."""
    user = session.get(User, user_id)
    if user is not None:
        user.locale = locale


def get_user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == _normal_email(email)))
    if user is None:
        raise NotFoundError(f"No user with the email {email}.")
    return user
