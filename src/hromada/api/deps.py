"""The REST API's own dependencies: the principal from a bearer token, or from the web session (unsafe
methods then need the CSRF token). The unit of work and settings come from :mod:`hromada.http.deps`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hromada.errors import AuthenticationError
from hromada.http.deps import DbSession
from hromada.http.security import verify_csrf
from hromada.services.access import Principal, load_principal
from hromada.services.accounts import authenticate_token

__all__ = ["ApiPrincipal"]

_bearer = HTTPBearer(auto_error=False, description="A personal API token (`hromada user token`).")


async def _api_principal(
    request: Request,
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is not None:
        return load_principal(db, authenticate_token(db, credentials.credentials))
    session_user = request.session.get("uid")
    if isinstance(session_user, int):
        await verify_csrf(request)
        return load_principal(db, session_user)
    raise AuthenticationError(
        "Send 'Authorization: Bearer <token>'; create a token with `hromada user token`."
    )


ApiPrincipal = Annotated[Principal, Depends(_api_principal)]
