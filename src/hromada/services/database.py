"""Opening the workspace database for an edge (web app, command line): engine, sessions, migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hromada.db.engine import make_engine, make_session_factory, session_scope
from hromada.db.migrate import upgrade
from hromada.settings import Settings

__all__ = ["Database", "open_database"]


@dataclass
class Database:
    """An engine with its session factory."""

    engine: Engine
    sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = make_session_factory(self.engine)

    def upgrade(self) -> None:
        """Create or migrate the schema to the newest revision."""
        upgrade(self.engine)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise."""
        with session_scope(self.sessions) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(settings: Settings) -> Database:
    """Connect to the database the settings name (a SQLite file under the data directory by default)."""
    return Database(
        make_engine(settings.resolved_database_url, echo=settings.sql_echo, pool_size=settings.db_pool_size)
    )
