"""Alembic environment: uses the engine handed over by hromada.db.migrate, or the URL from settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from hromada.db import models  # noqa: F401  (registers the tables)
from hromada.db.base import Base

config = context.config
target_metadata = Base.metadata


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine  # type: ignore[no-any-return]
    from hromada.db.engine import make_engine
    from hromada.settings import get_settings

    url = config.get_main_option("sqlalchemy.url") or get_settings(demo_mode=True).resolved_database_url
    return make_engine(url)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
