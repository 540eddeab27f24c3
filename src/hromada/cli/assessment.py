"""``hromada assess``: the damage, loss and needs ledger of a municipality (import, totals by sector) and
the resilience frameworks of this installation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hromada.cli._common import (
    MunicipalityArgument,
    WorkspaceOption,
    command_group,
    console,
    load_settings,
    user_errors,
    workspace,
)

app = command_group("Assessment: damage, losses and needs; resilience frameworks.")


@app.command("import-ledger")
def assess_import_ledger(
    file: Annotated[
        Path,
        typer.Argument(
            dir_okay=False, help="CSV, XLSX or Parquet with sector,kind,amount,currency,valuation_date,..."
        ),
    ],
    municipality: WorkspaceOption,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file; write nothing.")] = False,
) -> None:
    """Import damage, loss and need entries into a municipality's ledger. All or nothing."""
    from hromada.services.assessment import import_ledger_entries

    with workspace(municipality) as ws:
        summary = import_ledger_entries(ws.session, ws.principal, ws.municipality, file, dry_run=dry_run)
    console.print(f"{file.name}: {summary.rows:,} entries {'checked' if summary.dry_run else 'imported'}.")


@app.command("rollup")
def assess_rollup(municipality: MunicipalityArgument) -> None:
    """Totals of damage, losses and needs by sector in UAH, at the rates the workspace stated."""
    from hromada.services.assessment import LedgerRollup, get_ledger

    with workspace(municipality) as ws:
        summary = get_ledger(ws.session, ws.principal, ws.municipality).rollup
    if not isinstance(summary, LedgerRollup):
        console.print("The ledger is empty.")
        return
    table = Table("sector", "damage", "loss", "need", title="Million UAH")
    for row in summary.by_sector:
        table.add_row(row.sector, *(f"{amount / 1e6:,.1f}" for amount in (row.damage, row.loss, row.need)))
    totals = summary.totals
    table.add_row("total", *(f"{amount / 1e6:,.1f}" for amount in (totals.damage, totals.loss, totals.need)))
    console.print(table)


@app.command("add-framework")
def assess_add_framework(
    file: Annotated[
        Path,
        typer.Argument(
            dir_okay=False, help="A framework file (YAML): dimensions, indicators, scale, weights."
        ),
    ],
) -> None:
    """Check a resilience framework file and make it available to every municipality of this installation."""
    from hromada.services.assessment import FrameworkInfo, add_framework
    from hromada.services.demo import system_principal

    settings = load_settings()
    with user_errors():
        framework = FrameworkInfo.of(add_framework(settings, system_principal(), file))
    n = sum(len(d.indicators) for d in framework.dimensions)
    console.print(
        f"Added {framework.id} (v{framework.version}): {len(framework.dimensions)} dimensions, {n} indicators."
    )


@app.command("frameworks")
def assess_frameworks() -> None:
    """The resilience frameworks available: shipped with Hromada and added to this installation."""
    from hromada.services.assessment import framework_catalogue

    settings = load_settings()
    for framework in framework_catalogue(settings):
        n = sum(len(d.indicators) for d in framework.dimensions)
        low, high = framework.scale
        console.print(
            f"{framework.id} (v{framework.version}): {len(framework.dimensions)} dimensions, {n} indicators, scale {low:g}-{high:g}"
        )
