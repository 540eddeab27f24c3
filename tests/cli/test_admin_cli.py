"""``hromada user``: tokens listed and revoked, accounts deactivated and reactivated, passwords set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hromada.cli import app
from hromada.db.engine import make_engine, make_session_factory, session_scope
from hromada.db.models import ApiToken, User, UserSession
from hromada.errors import AuthenticationError, NotFoundError, ValidationError
from hromada.services import accounts
from hromada.settings import get_settings

EMAIL = "officer@example.org"
PASSWORD = "long-enough-pw"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HROMADA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HROMADA_SECRET_KEY", "s" * 40)
    monkeypatch.delenv("HROMADA_DATABASE_URL", raising=False)
    return tmp_path


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.output


@pytest.fixture
def db(env: Path) -> Iterator[Session]:
    """The command line's database, with one user who has a token and a browser session."""
    code, out = run("user", "add", EMAIL, "--password", PASSWORD)
    assert code == 0, out
    code, out = run("user", "token", EMAIL, "--name", "laptop")
    assert code == 0, out
    engine = make_engine(get_settings().resolved_database_url)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        user_id = accounts.get_user(s, EMAIL).id
        accounts.start_session(s, user_id, lifetime=dt.timedelta(hours=1))
    with factory() as s:
        yield s
    engine.dispose()


def _live_sessions(db: Session) -> int:
    db.rollback()  # a new read transaction: what the command wrote
    return len(db.scalars(select(UserSession).where(UserSession.ended_at.is_(None))).all())


def test_tokens_are_listed_and_revoked(db: Session) -> None:
    code, out = run("user", "tokens", EMAIL)
    assert code == 0, out
    token_id = db.scalars(select(ApiToken.id)).one()
    assert "laptop" in out and "active" in out and "hrm_" not in out  # never a secret
    code, out = run("user", "revoke-token", EMAIL, str(token_id))
    assert code == 0 and "revoked" in out
    db.rollback()
    assert db.scalars(select(ApiToken.revoked_at)).one() is not None
    code, out = run("user", "tokens", EMAIL)
    assert "revoked" in out
    code, out = run("user", "revoke-token", EMAIL, "999")
    assert code == NotFoundError.exit_code and "999" in out
    code, out = run("user", "tokens", "nobody@example.org")
    assert code == NotFoundError.exit_code


def test_deactivate_ends_sessions_and_revokes_tokens_and_activate_restores_sign_in(db: Session) -> None:
    assert _live_sessions(db) == 1
    code, out = run("user", "deactivate", EMAIL)
    assert code == 0 and "deactivated" in out
    db.rollback()
    user = db.scalars(select(User)).one()
    assert not user.is_active
    assert _live_sessions(db) == 0
    assert db.scalars(select(ApiToken.revoked_at)).one() is not None
    with pytest.raises(AuthenticationError):
        accounts.authenticate(db, EMAIL, PASSWORD)
    db.rollback()

    code, out = run("user", "activate", EMAIL)
    assert code == 0 and "activated" in out
    db.rollback()
    assert accounts.authenticate(db, EMAIL, PASSWORD).is_active
    assert db.scalars(select(ApiToken.revoked_at)).one() is not None  # tokens stay revoked
    db.rollback()


def test_password_is_asked_hidden_twice_and_ends_every_session(db: Session) -> None:
    new = "a-new-long-password"
    code, out = run("user", "password", EMAIL, input=f"{new}\n{new}\n")
    assert code == 0, out
    assert new not in out  # hidden input
    assert out.count("New password") >= 1 and "1 session(s) ended" in out
    assert _live_sessions(db) == 0
    assert accounts.authenticate(db, EMAIL, new).email == EMAIL
    db.rollback()


def test_password_confirmation_must_match_and_length_is_checked(db: Session) -> None:
    code, out = run("user", "password", EMAIL, input="a-new-long-password\nsomething-else-1\n")
    assert code != 0
    assert _live_sessions(db) == 1
    code, out = run("user", "password", EMAIL, "--password", "short")
    assert code == ValidationError.exit_code and "10 characters" in out
    assert _live_sessions(db) == 1
    assert accounts.authenticate(db, EMAIL, PASSWORD).email == EMAIL
    db.rollback()
