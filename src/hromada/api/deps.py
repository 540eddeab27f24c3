"""Authentication for the REST API: a bearer token, or the web session (unsafe methods then need CSRF)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hromada.errors import AuthenticationError
from hromada.services.access import Principal, load_principal
from hromada.services.accounts import authenticate_token
from hromada.web.deps import DbSession
from hromada.web.security import verify_csrf

__all__ = ["ApiPrincipal"]

_bearer = HTTPBearer(auto_error=False, description="A personal API token (`hromada user token`).")


async def _api_principal(
    request: Request,
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is not None:
        principal = load_principal(db, authenticate_token(db, credentials.credentials))
        db.commit()  # records last_used_at
        return principal
    session_user = request.session.get("uid")
    if isinstance(session_user, int):
        await verify_csrf(request)
        return load_principal(db, session_user)
    raise AuthenticationError(
        "Send 'Authorization: Bearer <token>'; create a token with `hromada user token`."
    )


ApiPrincipal = Annotated[Principal, Depends(_api_principal)]
