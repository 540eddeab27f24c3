"""``hromada serve`` and ``hromada demo``: the web application and the REST API, with or without the
synthetic demo data; the demo prints its accounts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from hromada.cli._common import console, database, load_settings, unit_of_work, user_errors

if TYPE_CHECKING:
    from hromada.services.demo import DemoLogin

Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(help="Port.")]
Workers = Annotated[int, typer.Option(min=1, max=32, help="Worker processes (one per CPU core is typical).")]


def _serve(host: str, port: int, demo: bool, workers: int = 1) -> None:
    import os

    import uvicorn

    from hromada.web import create_app  # the one import of the web layer: the command serves it

    settings = load_settings(host=host, port=port, **({"demo_mode": True} if demo else {}))
    console.print(f"Serving Hromada on [bold]http://{host}:{port}[/] (Ctrl+C stops).")
    if workers == 1:
        with user_errors():
            web_app = create_app(settings)
        uvicorn.run(web_app, host=host, port=port, log_level="info", proxy_headers=False)
        return
    # Several worker processes: each builds the app from the environment; the signing key is settled
    # here first so that every worker signs cookies with the same key.
    with user_errors():
        settings.signing_key()
    if demo:
        os.environ["HROMADA_DEMO_MODE"] = "1"
    uvicorn.run(
        "hromada.web.asgi:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=False,
    )


def serve(host: Host = "127.0.0.1", port: Port = 8000, workers: Workers = 1) -> None:
    """Serve the web application and the REST API."""
    with unit_of_work(load_settings(host=host, port=port)):
        pass
    _serve(host, port, demo=False, workers=workers)


def print_accounts(out: Console, logins: Iterable[DemoLogin], password: str) -> None:
    """The demo accounts as a table whose cells are never wrapped or cut: the table is as wide as its
    longest row, on a console narrower than that too (a pipe or a CI log is 80 columns wide)."""
    table = Table(title=f"Demo accounts (synthetic data; password for all: {password})")
    for name in ("email", "role", "municipality"):
        table.add_column(name, no_wrap=True)
    for login in logins:
        table.add_row(login.email, login.role, login.municipality or "all (network)")
    natural = Measurement.get(out, out.options.update_width(10_000), table).maximum
    if natural > out.width:
        table.width = natural
    out.print(table, crop=False)


def demo(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Only load the demo data.")] = False,
    workers: Workers = 1,
) -> None:
    """Create the database, load the synthetic demo data (idempotent) and serve the app."""
    from hromada.services.demo import DEMO_PASSWORD, seed_demo

    settings = load_settings(demo_mode=True, host=host, port=port)
    with user_errors(), console.status("Loading the demo data…"), database(settings) as session:
        summary = seed_demo(session, settings)
    print_accounts(console, summary.logins, DEMO_PASSWORD)
    console.print(
        f"{summary.municipalities} municipalities, {summary.values_written} statistics written "
        f"({summary.values_unchanged} already there); national panel: {summary.panel_rows:,} rows."
    )
    if not no_serve:
        _serve(host, port, demo=True, workers=workers)
