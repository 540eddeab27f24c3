"""Accounts in the browser: ``/account`` (everyone signed in: own API tokens, own sessions, password change)
and ``/admin`` (facilitators: every account with deactivate/activate; municipality admins: their members).

Who may do what is decided in :mod:`hromada.services.access`; the forms carry the CSRF token, checked for
every page by the router."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hromada.errors import AuthenticationError, ValidationError
from hromada.http.deps import client_address, current_session_id, remember_sign_in
from hromada.services import accounts
from hromada.web.deps import AppSettings, CurrentPrincipal, DbSession, locale_of, render

router = APIRouter()

#: What the account page confirms after a redirect (``?done=...``).
_DONE = frozenset({"password", "revoked", "ended", "ended-others"})


def _account_page(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    *,
    done: str | None = None,
    error: str | None = None,
    retry_minutes: int | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "account": accounts.account(db, principal),
        "tokens": accounts.list_tokens(db, principal),
        "sessions": accounts.list_sessions(db, principal, current_id=current_session_id(request)),
        "done": done if done in _DONE else None,
        "error": error,
        "retry_minutes": retry_minutes,
        "min_length": accounts.MIN_PASSWORD_LENGTH,
    }
    return render(request, "admin/account.html", context, status_code=status_code, principal=principal)


@router.get("/account")
def account_page(
    request: Request, db: DbSession, principal: CurrentPrincipal, done: str | None = None
) -> Response:
    return _account_page(request, db, principal, done=done)


@router.post("/account/password")
def account_password(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    principal: CurrentPrincipal,
    current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
    new_password_again: Annotated[str, Form()],
) -> Response:
    """Change one's own password: every session of the account ends, this browser gets a new one."""
    if new_password != new_password_again:
        return _account_page(request, db, principal, error="mismatch", status_code=422)
    if len(new_password) < accounts.MIN_PASSWORD_LENGTH:
        return _account_page(request, db, principal, error="short", status_code=422)
    try:
        accounts.change_password(
            db,
            principal,
            new_password,
            current_password=current_password,
            address=client_address(request),
            limits=accounts.SignInLimits.from_settings(settings),
        )
    except accounts.TooManyAttemptsError as exc:
        response = _account_page(
            request, db, principal, error="throttled", retry_minutes=exc.retry_after_minutes, status_code=429
        )
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    except ValidationError as exc:
        # Returned, not raised: a wrong current password is recorded for the throttle and committed.
        error = "wrong" if isinstance(exc, accounts.WrongPasswordError) else "short"
        return _account_page(request, db, principal, error=error, status_code=422)
    if principal.user_id is None:  # a browser session always belongs to a user
        raise AuthenticationError("Please log in.")
    token = accounts.start_session(
        db,
        principal.user_id,
        lifetime=dt.timedelta(seconds=settings.session_max_age_s),
        user_agent=request.headers.get("user-agent", ""),
        address=client_address(request),
    )
    remember_sign_in(request, token, locale_of(request))
    return RedirectResponse("/account?done=password", status_code=303)


@router.post("/account/tokens/{token_id}/revoke")
def account_revoke_token(db: DbSession, principal: CurrentPrincipal, token_id: int) -> Response:
    accounts.revoke_token(db, principal, token_id)
    return RedirectResponse("/account?done=revoked#tokens", status_code=303)


@router.post("/account/sessions/{session_id}/end")
def account_end_session(db: DbSession, principal: CurrentPrincipal, session_id: int) -> Response:
    accounts.end_own_session(db, principal, session_id)
    return RedirectResponse("/account?done=ended#sessions", status_code=303)


@router.post("/account/sessions/end-others")
def account_end_other_sessions(request: Request, db: DbSession, principal: CurrentPrincipal) -> Response:
    """Log out everywhere else."""
    accounts.end_other_sessions(db, principal, current_session_id(request))
    return RedirectResponse("/account?done=ended-others#sessions", status_code=303)


@router.get("/admin")
def admin_page(request: Request, db: DbSession, principal: CurrentPrincipal) -> Response:
    users = accounts.list_users(db, principal)
    context = {"users": users, "can_manage": principal.is_facilitator}
    return render(request, "admin/users.html", context, principal=principal)


@router.post("/admin/users/{user_id}/deactivate")
def admin_deactivate(db: DbSession, principal: CurrentPrincipal, user_id: int) -> Response:
    accounts.set_active(db, principal, user_id, False)
    return RedirectResponse(f"/admin#user-{user_id}", status_code=303)


@router.post("/admin/users/{user_id}/activate")
def admin_activate(db: DbSession, principal: CurrentPrincipal, user_id: int) -> Response:
    accounts.set_active(db, principal, user_id, True)
    return RedirectResponse(f"/admin#user-{user_id}", status_code=303)
