"""Log in, log out, and the language switcher."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hromada.errors import AuthenticationError
from hromada.http.deps import client_address, forget_sign_in, remember_sign_in, session_token
from hromada.http.security import csrf_token
from hromada.i18n import LOCALES
from hromada.services import accounts
from hromada.web.deps import AppSettings, DbSession, OptionalPrincipal, render

router = APIRouter()


def _safe_next(target: str | None, default: str = "/municipalities") -> str:
    """Only same-site relative paths are followed after login (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


@router.get("/")
def home(principal: OptionalPrincipal) -> RedirectResponse:
    return RedirectResponse("/municipalities" if principal else "/login", status_code=303)


@router.get("/login")
def login_form(request: Request, principal: OptionalPrincipal, next: str | None = None) -> Response:
    if principal is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login")
def login(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/municipalities",
) -> Response:
    try:
        user = accounts.authenticate(
            db,
            email,
            password,
            address=client_address(request),
            limits=accounts.SignInLimits.from_settings(settings),
        )
    except accounts.TooManyAttemptsError as exc:
        response = render(
            request,
            "login.html",
            {"next": _safe_next(next), "throttled": exc.retry_after_minutes, "email": email},
            status_code=429,
        )
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    except AuthenticationError:
        # Returned, not raised: the failure recorded for the throttle is committed.
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "error": True, "email": email},
            status_code=401,
        )
    token = accounts.start_session(
        db,
        user.id,
        lifetime=dt.timedelta(seconds=settings.session_max_age_s),
        user_agent=request.headers.get("user-agent", ""),
        address=client_address(request),
    )
    locale = request.session.get("locale")
    remember_sign_in(request, token, locale if locale in LOCALES else user.locale)
    csrf_token(request)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: DbSession) -> RedirectResponse:
    token = session_token(request)
    if token is not None:
        accounts.end_session(db, token)
    forget_sign_in(request)
    return RedirectResponse("/login", status_code=303)


@router.post("/language")
def set_language(
    request: Request,
    db: DbSession,
    principal: OptionalPrincipal,
    locale: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> RedirectResponse:
    if locale in LOCALES:
        request.session["locale"] = locale
        if principal is not None and principal.user_id is not None:
            accounts.set_locale(db, principal.user_id, locale)
    return RedirectResponse(_safe_next(next, "/"), status_code=303)
