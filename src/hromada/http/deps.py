"""Request-scoped dependencies shared by the web pages and the REST API.

``DbSession`` is the request's unit of work: one session, committed when the route returns without an error
and before the response is sent (a client that is told "done" finds its write stored; a failed route leaves
nothing behind), rolled back otherwise. Routes never call ``commit()`` themselves.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated, BinaryIO, Final

from fastapi import Depends, Request, UploadFile
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from hromada.errors import AuthenticationError, ImportIssue, ImportValidationError, ValidationError
from hromada.i18n import LOCALES, negotiate
from hromada.services import accounts, jobs, profile
from hromada.services.access import Principal, load_principal
from hromada.services.files import client_filename
from hromada.settings import Settings

__all__ = [
    "REQUEST_DB_CONCURRENCY",
    "AppSettings",
    "DbSession",
    "PostedForm",
    "SessionPrincipal",
    "get_settings_dep",
    "import_upload",
    "request_locale",
    "session_token",
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


#: At most this many requests of one server process hold a database session at once; the others wait
#: without holding a thread (FastAPI's ``max_concurrency``). It stays below the connection pool
#: (``Settings.db_pool_size``), so a request never times out waiting for a connection, and the threads left
#: over keep serving requests that need no database.
REQUEST_DB_CONCURRENCY: Final = 16

#: ``scope="function"``: the commit happens when the route returns, before the response goes out.
DbSession = Annotated[
    Session, Depends(unit_of_work, scope="function", max_concurrency=REQUEST_DB_CONCURRENCY)
]


async def posted_form(request: Request) -> AsyncIterator[FormData]:
    """The request's form, read on the event loop (it streams the body; Starlette caches it for the CSRF
    check), so that the route using it can be a plain function that FastAPI runs in its thread pool. Its
    uploaded files are closed once the response is sent."""
    form = await request.form()
    try:
        yield form
    finally:
        await form.close()


#: A form with fields not known in advance (``score-<indicator>``, ``pair_<a>__<b>``) for a plain route.
PostedForm = Annotated[FormData, Depends(posted_form)]


#: Where the signed cookie keeps the server-side session's token (the CSRF token and the locale sit beside it).
_SESSION_KEY = "sid"


def live_session_user(request: Request, db: Session) -> int | None:
    """The user id of the request's live server-side session; None when the cookie names none.

    The signed cookie only carries a token: the session is live while its record is neither ended (logout,
    password change, deactivation) nor expired, whatever the cookie says.

    Raises
    ------
    AuthenticationError
        When the cookie names a session that has ended or expired (the cookie's sign-in is forgotten, its
        language kept).
    """
    token = session_token(request)
    if token is None:
        if "uid" in request.session:  # a cookie of the signed-cookie-only sessions: sign in again
            forget_sign_in(request)
        return None
    settings: Settings = request.app.state.settings
    try:
        live = accounts.live_session(
            db, token, touch_every=dt.timedelta(seconds=settings.session_touch_interval_s)
        )
    except AuthenticationError:
        forget_sign_in(request)
        raise
    request.state.user_session_id = live.id
    if live.stale:
        bind = db.get_bind()
        accounts.touch_session(bind if isinstance(bind, Engine) else bind.engine, live.id)
    return live.user_id


def remember_sign_in(request: Request, token: str, locale: str | None) -> None:
    """Put a new server-side session's token in a fresh cookie (no fixation), with the interface language."""
    request.session.clear()
    request.session[_SESSION_KEY] = token
    if locale in LOCALES:
        request.session["locale"] = locale


def session_token(request: Request) -> str | None:
    """The server-side session's token the cookie carries, if any."""
    token = request.session.get(_SESSION_KEY)
    return token if isinstance(token, str) else None


def forget_sign_in(request: Request) -> None:
    """Empty the cookie's session but for its language (a new CSRF token comes with the next form)."""
    locale = request.session.get("locale")
    request.session.clear()
    if isinstance(locale, str) and locale in LOCALES:
        request.session["locale"] = locale


def current_session_id(request: Request) -> int | None:
    """The id of the request's live server-side session (after the principal was resolved), if any."""
    value = getattr(request.state, "user_session_id", None)
    return value if isinstance(value, int) else None


def client_address(request: Request) -> str:
    """The connection's peer address (behind a reverse proxy: the proxy's)."""
    return request.client.host if request.client else ""


def _session_principal(request: Request, db: DbSession) -> Principal | None:
    """The user signed in through a live server-side session, if any (an ended one is cleared)."""
    try:
        user_id = live_session_user(request, db)
        return None if user_id is None else load_principal(db, user_id)
    except AuthenticationError:
        forget_sign_in(request)
        return None


SessionPrincipal = Annotated[Principal | None, Depends(_session_principal)]


def request_locale(request: Request) -> str:
    """The interface language: the user's choice in this session, else the browser's, else the default."""
    chosen = request.session.get("locale") if "session" in request.scope else None
    if isinstance(chosen, str) and chosen in LOCALES:
        return chosen
    settings: Settings = request.app.state.settings
    return negotiate(request.headers.get("accept-language"), settings.default_locale)


def import_upload(
    request: Request,
    db: Session,
    principal: Principal,
    municipality: profile.Municipality,
    file: UploadFile,
    *,
    dry_run: bool,
    background: bool | None = None,
) -> profile.ImportSummary | jobs.JobView:
    """Run an uploaded statistics file through the import service, within the upload size limit.

    For plain (``def``) routes, which FastAPI runs in its thread pool: nothing here touches the event loop. A
    file of at most ``sync_import_bytes`` is imported in the request and the summary returned. A larger one,
    or any with ``background=True``, is copied in chunks to ``data_dir/uploads/<random name>`` and queued as a
    background job whose view is returned; ``background=False`` refuses a file too large for the request.
    The client's file name is only a label.
    """
    settings: Settings = request.app.state.settings
    name = client_filename(file.filename)
    limit, sync_limit = settings.max_upload_bytes, settings.sync_import_bytes
    head = bytearray()  # the file while it is small enough for the request
    stored: Path | None = None
    size = 0
    out: BinaryIO | None = None
    file.file.seek(0)
    try:
        while chunk := file.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                expected = f"a file of at most {limit:,} bytes"
                raise ImportValidationError(
                    [ImportIssue(name, None, None, expected, f"more than {limit:,} bytes")]
                )
            if out is None and (background or size > sync_limit):
                if background is False:
                    raise ValidationError(
                        f"A file larger than {sync_limit:,} bytes is imported in the background; "
                        "leave out background=false."
                    )
                folder = settings.data_dir / "uploads"
                folder.mkdir(parents=True, exist_ok=True)
                stored = folder / secrets.token_hex(16)
                out = stored.open("xb")
                out.write(head)
                head.clear()
            if out is not None:
                out.write(chunk)
            else:
                head += chunk
        if out is not None:
            out.close()
        if stored is None:
            return profile.import_statistics(
                db, principal, municipality, bytes(head), filename=name, dry_run=dry_run, max_bytes=limit
            )
        return jobs.submit_statistics_import(
            db, principal, municipality, stored, filename=name, dry_run=dry_run, max_bytes=limit
        )
    except BaseException:
        if out is not None:
            out.close()
        if stored is not None:
            stored.unlink(missing_ok=True)
        raise
