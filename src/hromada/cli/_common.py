"""What every command shares: the consoles, settings, a database session or a municipality's workspace,
error reporting with exit codes, the command-group class and the options several groups use."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.console import Console
from rich.logging import RichHandler
from sqlalchemy.orm import Session
from typer.core import TyperGroup, TyperOption

from hromada.errors import HromadaError, ImportValidationError
from hromada.services.database import open_database
from hromada.settings import Settings, get_settings

if TYPE_CHECKING:
    from typer import _click  # the Click that Typer vendors: the types of TyperGroup's methods

    from hromada.services.access import Principal
    from hromada.services.profile import Municipality

console = Console()
err_console = Console(stderr=True)

# ---------------------------------------------------------------------------------------------- options

MunicipalityArgument = Annotated[str, typer.Argument(help="KATOTTG code.")]
WorkspaceOption = Annotated[str, typer.Option("--municipality", "-m", help="KATOTTG code of the workspace.")]
LocaleOption = Annotated[
    Literal["en", "uk", "de"], typer.Option("--locale", help="Language of the texts: en, uk or de.")
]

# ---------------------------------------------------------------------------------------------- groups


def _hide_flag_types(params: Iterable[object]) -> None:
    """Show no value type after a flag (``--dry-run``, ``--help``): a flag takes no value.

    Typer's Rich help prints every option's type, ``<bool>`` for a flag included (its plain help skips
    flags); an empty metavar is what the Rich help prints instead.
    """
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""


class HelpGroup(TyperGroup):
    """A command group whose help, and its commands' help, shows no ``<bool>`` after flags."""

    def get_params(self, ctx: _click.Context) -> list[_click.Parameter]:
        params = super().get_params(ctx)
        _hide_flag_types(params)
        return params

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _hide_flag_types(command.get_params(ctx))
        return command


def command_group(help: str) -> typer.Typer:
    """A group of sub-commands (``hromada economy ...``); without a sub-command it prints its help."""
    return typer.Typer(help=help, no_args_is_help=True, cls=HelpGroup)


# ---------------------------------------------------------------------------------------------- errors


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False, rich_tracebacks=False)],
        force=True,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


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
def user_errors() -> Iterator[None]:
    """Turn Hromada errors into a message and the error class's exit code."""
    try:
        yield
    except HromadaError as exc:
        report(exc)
        raise typer.Exit(exc.exit_code) from None


def load_settings(**overrides: Any) -> Settings:
    """The settings (environment and ``overrides``); an invalid one is reported and ends the command."""
    try:
        return get_settings(**overrides)
    except HromadaError as exc:
        report(exc)
        raise typer.Exit(exc.exit_code) from None


# ---------------------------------------------------------------------------------------------- database


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
def unit_of_work(settings: Settings | None = None) -> Iterator[Session]:
    """A database session for one command (settings loaded unless given), Hromada errors reported."""
    settings = load_settings() if settings is None else settings
    with user_errors(), database(settings) as session:
        yield session


@dataclass(frozen=True)
class Workspace:
    """One municipality's workspace as the command line's operator sees it."""

    settings: Settings
    session: Session
    municipality: Municipality
    principal: Principal


@contextmanager
def workspace(code: str, settings: Settings | None = None) -> Iterator[Workspace]:
    """The preamble of a command on one municipality's data: load the settings (unless given), open a unit of
    work, find the municipality by its KATOTTG code and act as the network-wide operator.

    A Hromada error raised here or in the ``with`` body (such as no municipality with that code) rolls the
    unit of work back, is printed as one message and ends the command with the error class's exit code.
    """
    from hromada.services.demo import municipality_by_code, system_principal

    settings = load_settings() if settings is None else settings
    with user_errors(), database(settings) as session:
        yield Workspace(settings, session, municipality_by_code(session, code), system_principal())
