"""The root of the ``hromada`` command: ``--version``, ``--verbose`` and the commands of every module.

``serve`` and ``demo`` (module ``serve``); ``db``, ``user`` and ``municipality`` (``admin``); ``import``
(``profile``); ``economy``; ``assess`` (``assessment``); ``infrastructure``, also reachable under its
former name ``infra``, hidden; ``strategy``; ``projects``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from hromada import __version__
from hromada.cli import admin, assessment, economy, infrastructure, profile, projects, serve, strategy
from hromada.cli._common import HelpGroup, configure_logging, console

__all__ = ["app", "main"]

app = typer.Typer(
    name="hromada",
    help="Hromada: recovery planning for war-affected municipalities.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=HelpGroup,
)
app.command()(serve.serve)
app.command()(serve.demo)
app.add_typer(admin.db_app, name="db")
app.add_typer(admin.user_app, name="user")
app.add_typer(admin.municipality_app, name="municipality")
app.add_typer(profile.app, name="import")
app.add_typer(economy.app, name="economy")
app.add_typer(assessment.app, name="assess")
app.add_typer(infrastructure.app, name="infrastructure")
app.add_typer(infrastructure.app, name="infra", hidden=True)  # the former name: old scripts keep working
app.add_typer(strategy.app, name="strategy")
app.add_typer(projects.app, name="projects")


def _version(value: bool) -> None:
    if value:
        console.print(f"hromada {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    configure_logging(verbose)


def main() -> None:
    app()
