"""The REST API's own dependencies: the principal from a bearer token, or from the web session (unsafe
methods then need the CSRF token; the session must be live on the server, as for the pages). The unit of work
and settings come from :mod:`hromada.http.deps`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hromada.errors import AuthenticationError
from hromada.http.deps import DbSession, live_session_user, session_token
from hromada.http.security import verify_csrf
from hromada.services.access import Principal, load_principal
from hromada.services.accounts import authenticate_token

__all__ = ["ApiPrincipal"]

_bearer = HTTPBearer(auto_error=False, description="A personal API token (`hromada user token`).")


async def _api_csrf(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """The CSRF check of a browser-session request (it may need the form body, hence async); none for tokens."""
    if credentials is None and session_token(request) is not None:
        await verify_csrf(request)


def _api_principal(
    request: Request,
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    _csrf: Annotated[None, Depends(_api_csrf)],
) -> Principal:
    # A plain function: FastAPI runs it in the thread pool, so the database work never blocks the event loop.
    if credentials is not None:
        return load_principal(db, authenticate_token(db, credentials.credentials))
    if session_token(request) is not None:
        user_id = live_session_user(request, db)  # an ended or expired session: AuthenticationError
        if user_id is not None:
            return load_principal(db, user_id)
    raise AuthenticationError(
        "Send 'Authorization: Bearer <token>'; create a token with `hromada user token`."
    )


ApiPrincipal = Annotated[Principal, Depends(_api_principal)]
