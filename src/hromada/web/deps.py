"""Request-scoped dependencies shared by the web pages and the REST API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import Depends, Request, UploadFile
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import HTMLResponse

from hromada.errors import AuthenticationError
from hromada.services import profile
from hromada.services.access import Principal, load_principal
from hromada.settings import Settings
from hromada.web.i18n import LOCALES, Translator, negotiate, translator
from hromada.web.security import csrf_token

__all__ = [
    "AppSettings",
    "CurrentPrincipal",
    "DbSession",
    "OptionalPrincipal",
    "get_db",
    "get_settings_dep",
    "import_upload",
    "locale_of",
    "render",
]


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_settings_dep)]


def get_db(request: Request) -> Iterator[Session]:
    """A database session for one request; routes that change data commit explicitly."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    session = factory()
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


DbSession = Annotated[Session, Depends(get_db)]


def _optional_principal(request: Request, db: DbSession) -> Principal | None:
    user_id = request.session.get("uid")
    if not isinstance(user_id, int):
        return None
    try:
        return load_principal(db, user_id)
    except AuthenticationError:
        request.session.clear()
        return None


def _principal(principal: Annotated[Principal | None, Depends(_optional_principal)]) -> Principal:
    if principal is None:
        raise AuthenticationError("Please log in.")
    return principal


OptionalPrincipal = Annotated[Principal | None, Depends(_optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(_principal)]


async def import_upload(
    request: Request,
    db: Session,
    principal: Principal,
    municipality: profile.Municipality,
    file: UploadFile,
    *,
    dry_run: bool,
) -> profile.ImportSummary:
    """Run an uploaded statistics file through the import service, within the upload size limit."""
    settings: Settings = request.app.state.settings
    content = await file.read(settings.max_upload_bytes + 1)
    return profile.import_statistics(
        db,
        principal,
        municipality,
        content,
        filename=file.filename or "upload",
        dry_run=dry_run,
        max_bytes=settings.max_upload_bytes,
    )


def locale_of(request: Request) -> str:
    """The interface language: the user's choice in this session, else the browser's, else the default."""
    chosen = request.session.get("locale")
    if isinstance(chosen, str) and chosen in LOCALES:
        return chosen
    settings: Settings = request.app.state.settings
    return negotiate(request.headers.get("accept-language"), settings.default_locale)


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
