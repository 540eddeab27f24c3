"""Request-scoped dependencies shared by the web pages and the REST API.

``DbSession`` is the request's unit of work: one session, committed when the route returns without an error
and before the response is sent (a client that is told "done" finds its write stored; a failed route leaves
nothing behind), rolled back otherwise. Routes never call ``commit()`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, UploadFile
from sqlalchemy.orm import Session, sessionmaker

from hromada.errors import AuthenticationError
from hromada.i18n import LOCALES, negotiate
from hromada.services import profile
from hromada.services.access import Principal, load_principal
from hromada.services.files import client_filename
from hromada.settings import Settings

__all__ = [
    "AppSettings",
    "DbSession",
    "SessionPrincipal",
    "get_settings_dep",
    "import_upload",
    "request_locale",
    "unit_of_work",
]


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_settings_dep)]


def unit_of_work(request: Request) -> Iterator[Session]:
    """One database session per request: committed if the route succeeds, rolled back if it raises."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


#: ``scope="function"``: the commit happens when the route returns, before the response goes out.
DbSession = Annotated[Session, Depends(unit_of_work, scope="function")]


def _session_principal(request: Request, db: DbSession) -> Principal | None:
    """The user signed in through the browser session, if any (a stale session is cleared)."""
    user_id = request.session.get("uid")
    if not isinstance(user_id, int):
        return None
    try:
        return load_principal(db, user_id)
    except AuthenticationError:
        request.session.clear()
        return None


SessionPrincipal = Annotated[Principal | None, Depends(_session_principal)]


def request_locale(request: Request) -> str:
    """The interface language: the user's choice in this session, else the browser's, else the default."""
    chosen = request.session.get("locale") if "session" in request.scope else None
    if isinstance(chosen, str) and chosen in LOCALES:
        return chosen
    settings: Settings = request.app.state.settings
    return negotiate(request.headers.get("accept-language"), settings.default_locale)


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
        filename=client_filename(file.filename),
        dry_run=dry_run,
        max_bytes=settings.max_upload_bytes,
    )
