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
        user_id = authenticate_token(db, credentials.credentials)
        principal = load_principal(db, user_id)
        db.commit()  # records last_used_at
        return principal
    user_id = request.session.get("uid")
    if isinstance(user_id, int):
        await verify_csrf(request)
        return load_principal(db, user_id)
    raise AuthenticationError("Send 'Authorization: Bearer <token>'; create a token with `hromada user token`.")


ApiPrincipal = Annotated[Principal, Depends(_api_principal)]
