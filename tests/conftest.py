"""Shared fixtures: settings in a temporary data directory, migrated databases (SQLite and a real,
throwaway PostgreSQL 15 server), and a seeded demo workspace."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from hromada.db.engine import make_engine, make_session_factory
from hromada.db.migrate import upgrade
from hromada.settings import Settings, get_settings
from tests.pgserver import PostgresServer, pg_bin

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return get_settings(data_dir=tmp_path / "data", secret_key=TEST_SECRET, demo_mode=False)


@pytest.fixture
def sqlite_engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(sqlite_engine: Engine) -> Iterator[Session]:
    factory = make_session_factory(sqlite_engine)
    with factory() as s:
        yield s


# ------------------------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = pg_bin()
    if bindir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) are not installed; `make test` installs them"
        )
    server = PostgresServer(bindir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty database on the throwaway server for one test."""
    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(postgres_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_server.url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_engine(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Engine]:
    """A migrated engine on SQLite and, as a second run, on a real PostgreSQL server."""
    if request.param == "sqlite":
        url = settings.resolved_database_url
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")
