"""What every command shares: settings, a database session, error reporting with exit codes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from sqlalchemy.orm import Session

from hromada.errors import HromadaError, ImportValidationError
from hromada.services.database import open_database
from hromada.settings import Settings, get_settings

console = Console()
err_console = Console(stderr=True)


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False, rich_tracebacks=False)],
        force=True,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


def load_settings(**overrides: Any) -> Settings:
    try:
        return get_settings(**overrides)
    except HromadaError as exc:
        report(exc)
        raise typer.Exit(exc.exit_code) from None


def report(exc: HromadaError) -> None:
    """Print an error as one clear message (and an import's problem list)."""
    err_console.print(f"[bold red]Error[/] ({exc.code}): {exc.message}", highlight=False)
    if isinstance(exc, ImportValidationError):
        from rich.table import Table

        table = Table("file", "row", "column", "expected", "got", title=f"{exc.total} problem(s)")
        for issue in exc.issues:
            table.add_row(
                issue.file,
                "" if issue.row is None else str(issue.row),
                issue.column or "",
                issue.expected,
                issue.got,
            )
        err_console.print(table)


@contextmanager
def database(settings: Settings, *, upgrade: bool = True) -> Iterator[Session]:
    """A committed-on-success unit of work; the schema is brought up to date first."""
    db = open_database(settings)
    try:
        if upgrade:
            db.upgrade()
        with db.unit_of_work() as session:
            yield session
    finally:
        db.dispose()


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn Hromada errors into a message and the error class's exit code."""
    try:
        yield
    except HromadaError as exc:
        report(exc)
        raise typer.Exit(exc.exit_code) from None
