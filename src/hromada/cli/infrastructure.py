"""``hromada infrastructure``: a municipality's critical assets and their dependencies (import), what fails
with which assets (cascade), which assets matter most (criticality) and the repair sequence (restore).

The group was called ``infra``; that name still works, hidden from the help.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hromada.cli._common import MunicipalityArgument, WorkspaceOption, command_group, console, workspace

app = command_group("Critical infrastructure: import, cascade, criticality, restoration.")


@app.command("import")
def infrastructure_import(
    assets: Annotated[
        Path,
        typer.Argument(
            dir_okay=False, help="Assets: asset_id,type,name,population_served,backup_hours,status,..."
        ),
    ],
    dependencies: Annotated[
        Path, typer.Argument(dir_okay=False, help="Dependencies: supplier,consumer,kind,group,required")
    ],
    municipality: WorkspaceOption,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the files; write nothing.")] = False,
) -> None:
    """Import a municipality's critical assets and their dependencies. All or nothing."""
    from hromada.services.infrastructure import import_network

    with workspace(municipality) as ws:
        summary = import_network(
            ws.session, ws.principal, ws.municipality, assets, dependencies, dry_run=dry_run
        )
    console.print(
        f"{summary.assets:,} assets ({summary.new_assets:,} new), {summary.dependencies:,} dependencies {'checked' if dry_run else 'imported'}."
    )


@app.command("cascade")
def infrastructure_cascade(
    municipality: MunicipalityArgument,
    fail: Annotated[
        list[str] | None,
        typer.Option("--fail", help="An asset that fails (repeat); default: the damaged ones."),
    ] = None,
    hours: Annotated[float, typer.Option("--hours", min=0, max=720, help="Time horizon.")] = 72.0,
) -> None:
    """What fails with the given assets, hour by hour, and who is cut off."""
    from hromada.services.infrastructure import what_if

    with workspace(municipality) as ws:
        scenario = what_if(ws.session, ws.principal, ws.municipality, fail, horizon_hours=hours)
    console.print(
        f"Failed: {', '.join(scenario['failed'])}; {len(scenario['down'])} assets down within {hours:g} h."
    )
    table = Table("hours", "assets down", "people cut off (person-services)")
    for row in scenario["timeline"]:
        table.add_row(f"{row['hours']:g}", str(row.get("assets_down")), f"{row.get('total', 0):,.0f}")
    console.print(table)


@app.command("criticality")
def infrastructure_criticality(
    municipality: MunicipalityArgument,
    top: Annotated[int, typer.Option("--top", min=1, help="Assets to list.")] = 15,
) -> None:
    """Rank assets by the people cut off if each fails alone (and the worst pairs); stored."""
    from hromada.services.infrastructure import run_criticality

    with workspace(municipality) as ws:
        run = run_criticality(ws.session, ws.principal, ws.municipality)
        results = run.results
    table = Table("rank", "asset", "people cut off", "assets lost", "dependents", title="Criticality")
    for row in results["ranking"][:top]:
        table.add_row(
            str(row["rank"]),
            row["asset_id"],
            f"{row['population_cut']:,.0f}",
            str(row["assets_lost"]),
            str(row["dependents"]),
        )
    console.print(table)


@app.command("restore")
def infrastructure_restore(
    municipality: MunicipalityArgument,
    crews: Annotated[int, typer.Option("--crews", min=1, help="Repair crews working in parallel.")] = 3,
    budget: Annotated[
        float | None, typer.Option("--budget", min=0, help="Budget in UAH (default: no limit).")
    ] = None,
    exact: Annotated[bool, typer.Option("--exact", help="Solve exactly (small networks only).")] = False,
) -> None:
    """Sequence the repairs of the damaged assets to restore the most service fastest; stored."""
    from hromada.services.infrastructure import run_restoration

    with workspace(municipality) as ws:
        run = run_restoration(
            ws.session,
            ws.principal,
            ws.municipality,
            crews=crews,
            budget=budget,
            method="exact" if exact else "heuristic",
        )
        results = run.results
    table = Table("asset", "crew", "start day", "finish day", "cost, UAH", title="Restoration plan")
    for row in sorted(results["schedule"], key=lambda r: (r["start_day"], r["asset"])):
        table.add_row(
            row["asset"],
            str(row["crew"]),
            f"{row['start_day']:g}",
            f"{row['finish_day']:g}",
            f"{(row.get('cost') or 0):,.0f}",
        )
    console.print(table)
    console.print(f"Service lost until repaired: {results['objective']:,.0f} person-days.")
