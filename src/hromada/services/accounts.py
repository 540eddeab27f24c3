"""Accounts: users, memberships, password hashing (Argon2id) and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.db.base import utcnow
from hromada.db.models import ApiToken, Membership, Municipality, Role, User
from hromada.errors import AuthenticationError, ConflictError, NotFoundError, ValidationError
from hromada.services import audit
from hromada.services.access import Principal, require

__all__ = [
    "TOKEN_PREFIX",
    "IssuedToken",
    "add_membership",
    "add_user",
    "authenticate",
    "authenticate_token",
    "get_user",
    "hash_password",
    "issue_token",
    "set_locale",
    "verify_password",
]

TOKEN_PREFIX = "hrm_"  # noqa: S105 (a visible prefix, not a secret)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Argon2id with the argon2-cffi defaults (RFC 9106 "second recommended" profile: t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()
# A hash verified against when the user does not exist, so that timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against its stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def add_user(
    session: Session,
    email: str,
    password: str,
    *,
    full_name: str = "",
    is_facilitator: bool = False,
    actor: Principal | None = None,
) -> User:
    """Create a user account; emails are unique and case-insensitive."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise ValidationError(f"email must look like name@example.org; got {email!r}")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ConflictError(f"A user with the email {email} already exists.")
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(password),
        is_facilitator=is_facilitator,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", entity_id=user.id, details={"email": email})
    return user


def add_membership(
    session: Session,
    user: User,
    municipality: Municipality,
    role: Role,
    *,
    actor: Principal | None = None,
) -> Membership:
    """Give ``user`` a role in ``municipality`` (or change the role they have)."""
    if actor is not None:
        require(actor, "admin", municipality.id)
    membership = session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.municipality_id == municipality.id)
    )
    if membership is None:
        membership = Membership(user_id=user.id, municipality_id=municipality.id, role=role)
        session.add(membership)
    else:
        membership.role = role
    session.flush()
    audit.record(
        session,
        actor,
        "membership.set",
        "membership",
        entity_id=membership.id,
        municipality_id=municipality.id,
        details={"user": user.email, "role": role.value},
    )
    return membership


def authenticate(session: Session, email: str, password: str) -> User:
    """Return the active user with these credentials.

    Raises
    ------
    AuthenticationError
        With the same message whether the email or the password was wrong.
    """
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        verify_password(_DUMMY_HASH, password)
        raise AuthenticationError("Wrong email or password.")
    if not verify_password(user.password_hash, password):
        raise AuthenticationError("Wrong email or password.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    return user


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A newly issued API token; ``secret`` is shown once and never stored."""

    id: int
    name: str
    secret: str


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(
    session: Session, user: User, name: str, *, expires_in: dt.timedelta | None = None
) -> IssuedToken:
    """Issue an API token for ``user`` (only its SHA-256 hash is stored)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=_token_hash(secret),
        expires_at=utcnow() + expires_in if expires_in else None,
    )
    session.add(token)
    session.flush()
    audit.record(session, None, "token.issue", "api_token", entity_id=token.id, details={"user": user.email})
    return IssuedToken(id=token.id, name=name, secret=secret)


def authenticate_token(session: Session, secret: str) -> int:
    """Return the user id of a valid, unexpired, unrevoked token."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(secret)))
    now = utcnow()
    if (
        token is None
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
    ):
        raise AuthenticationError("The API token is invalid, expired or revoked.")
    token.last_used_at = now
    return token.user_id


def set_locale(session: Session, user_id: int, locale: str) -> None:
    """Remember a user's interface language."""
    user = session.get(User, user_id)
    if user is not None:
        user.locale = locale


def get_user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFoundError(f"No user with the email {email}.")
    return user
