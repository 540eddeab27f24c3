"""The web pages' dependencies: the signed-in user, the interface language and template rendering.

The unit of work, settings and uploads come from :mod:`hromada.http.deps`, shared with the REST API; they are
re-exported here so that a page module imports its dependencies from one place.
"""

from __future__ import annotations

from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from hromada.errors import AuthenticationError
from hromada.http.deps import (
    AppSettings,
    DbSession,
    PostedForm,
    SessionPrincipal,
    import_upload,
    request_locale,
)
from hromada.http.security import csrf_token
from hromada.i18n import LOCALES, Translator, translator
from hromada.services.access import Principal

__all__ = [
    "AppSettings",
    "CurrentPrincipal",
    "DbSession",
    "OptionalPrincipal",
    "PostedForm",
    "import_upload",
    "locale_of",
    "render",
]


def _principal(principal: SessionPrincipal) -> Principal:
    if principal is None:
        raise AuthenticationError("Please log in.")
    return principal


OptionalPrincipal = SessionPrincipal
CurrentPrincipal = Annotated[Principal, Depends(_principal)]
#: The interface language of a request (the session's choice, else the browser's, else the default).
locale_of = request_locale


def format_number(value: float | int | None, locale: str, digits: int = 0) -> str:
    """A number written the way the interface language writes it (``1 234,5`` in Ukrainian)."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    principal: Principal | None = None,
) -> HTMLResponse:
    """Render a template with the request's language, CSRF token and user."""
    templates: Jinja2Templates = request.app.state.templates
    tr: Translator = translator(locale_of(request))
    full: dict[str, Any] = {
        "request": request,
        "locale": tr.locale,
        "locales": LOCALES,
        "gettext": tr.gettext,
        "ngettext": tr.ngettext,
        "_": tr.gettext,
        "csrf_token": csrf_token(request),
        "principal": principal,
        "is_htmx": request.headers.get("hx-request") == "true",
        "number": lambda value, digits=0: format_number(value, tr.locale, digits),
    }
    full.update(context or {})
    return templates.TemplateResponse(request, template, full, status_code=status_code)
