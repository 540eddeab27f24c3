"""Log in, log out, and the language switcher."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hromada.errors import AuthenticationError
from hromada.http.security import csrf_token
from hromada.i18n import LOCALES
from hromada.services import accounts
from hromada.web.deps import DbSession, OptionalPrincipal, render

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
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/municipalities",
) -> Response:
    try:
        user = accounts.authenticate(db, email, password)
    except AuthenticationError as exc:
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "error": exc.message, "email": email},
            status_code=401,
        )
    locale = request.session.get("locale")
    request.session.clear()  # a new session on login: no fixation
    request.session["uid"] = user.id
    if locale in LOCALES:
        request.session["locale"] = locale
    elif user.locale in LOCALES:
        request.session["locale"] = user.locale
    csrf_token(request)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    locale = request.session.get("locale")
    request.session.clear()
    if locale in LOCALES:
        request.session["locale"] = locale
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
