"""REST endpoints of the ``accounts`` domain: the caller's own account and API tokens, and, for those who
manage accounts, the list of users with deactivation and reactivation (rules: :mod:`hromada.services.access`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from hromada.api._common import ERRORS
from hromada.api.deps import ApiPrincipal
from hromada.api.schemas import ErrorOut
from hromada.http.deps import DbSession
from hromada.services import accounts

router = APIRouter(tags=["accounts"])

#: Deactivating one's own account is refused as a conflict.
_WITH_CONFLICT: dict[int | str, dict[str, Any]] = {**ERRORS, 409: {"model": ErrorOut}}


@router.get("/me", responses=ERRORS)
def get_me(db: DbSession, principal: ApiPrincipal) -> accounts.AccountView:
    """The caller's account: status, last sign-in, live sessions, active tokens and roles."""
    return accounts.account(db, principal)


@router.get("/me/tokens", responses=ERRORS)
def get_my_tokens(db: DbSession, principal: ApiPrincipal) -> list[accounts.TokenView]:
    """The caller's API tokens, newest first (never their secrets)."""
    return accounts.list_tokens(db, principal)


@router.delete("/me/tokens/{token_id}", responses=ERRORS)
def revoke_my_token(db: DbSession, principal: ApiPrincipal, token_id: int) -> accounts.TokenView:
    """Revoke one of the caller's API tokens: it is refused from now on (revoking the token that authenticates
    this request is allowed). Someone else's token is not found."""
    return accounts.revoke_token(db, principal, token_id)


@router.get("/users", responses=ERRORS)
def get_users(db: DbSession, principal: ApiPrincipal) -> list[accounts.AccountView]:
    """Every account (facilitators), or the members of the municipalities the caller administers."""
    return accounts.list_users(db, principal)


@router.post("/users/{user_id}/deactivate", responses=_WITH_CONFLICT)
def deactivate_user(db: DbSession, principal: ApiPrincipal, user_id: int) -> accounts.AccountView:
    """Deactivate an account (facilitators): its sessions end and its API tokens are revoked at once."""
    return accounts.set_active(db, principal, user_id, False)


@router.post("/users/{user_id}/activate", responses=ERRORS)
def activate_user(db: DbSession, principal: ApiPrincipal, user_id: int) -> accounts.AccountView:
    """Reactivate an account (facilitators); its revoked API tokens stay revoked."""
    return accounts.set_active(db, principal, user_id, True)
