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
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the files and list what would be deleted; write nothing.")
    ] = False,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Confirm deleting the stored dependencies the file does not have."),
    ] = False,
) -> None:
    """Import a municipality's critical assets and their dependencies. All or nothing.

    The dependencies file replaces the stored dependencies; if that deletes any, the import is refused
    without --replace (see them with --dry-run first).
    """
    from hromada.services.infrastructure import import_network

    with workspace(municipality) as ws:
        summary = import_network(
            ws.session,
            ws.principal,
            ws.municipality,
            assets,
            dependencies,
            dry_run=dry_run,
            replace=replace,
        )
    console.print(
        f"{summary.assets:,} assets ({summary.new_assets:,} new), {summary.dependencies:,} dependencies {'checked' if dry_run else 'imported'}."
    )
    if summary.removed_dependencies:
        verb = "would delete" if dry_run else "deleted"
        console.print(f"The import {verb} {len(summary.removed_dependencies):,} stored dependencies:")
        for label in summary.removed_dependencies:
            console.print(f"  {label}", markup=False)


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
    from hromada.services.infrastructure import cascade_scenario

    with workspace(municipality) as ws:
        scenario = cascade_scenario(ws.session, ws.principal, ws.municipality, fail, horizon_hours=hours)
    console.print(
        f"Failed: {', '.join(scenario.failed)}; {len(scenario.down)} assets down within {hours:g} h."
    )
    table = Table("hours", "assets down", "people cut off (person-services)")
    for row in scenario.timeline:
        table.add_row(f"{row.hours:g}", str(row.assets_down), f"{row.total:,.0f}")
    console.print(table)


@app.command("criticality")
def infrastructure_criticality(
    municipality: MunicipalityArgument,
    top: Annotated[int, typer.Option("--top", min=1, help="Assets to list.")] = 15,
) -> None:
    """Rank assets by the people cut off if each fails alone (and the worst pairs); stored."""
    from hromada.services.infrastructure import rank_criticality

    with workspace(municipality) as ws:
        results = rank_criticality(ws.session, ws.principal, ws.municipality).results
    table = Table("rank", "asset", "people cut off", "assets lost", "dependents", title="Criticality")
    for row in results.ranking[:top]:
        table.add_row(
            str(row.rank),
            row.asset_id,
            f"{row.population_cut:,.0f}",
            str(row.assets_lost),
            str(row.dependents),
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
    from hromada.services.infrastructure import plan_restoration

    with workspace(municipality) as ws:
        results = plan_restoration(
            ws.session,
            ws.principal,
            ws.municipality,
            crews=crews,
            budget=budget,
            method="exact" if exact else "heuristic",
        ).results
    table = Table("asset", "crew", "start day", "finish day", "cost, UAH", title="Restoration plan")
    for row in sorted(results.schedule, key=lambda r: (r.start_day, r.asset)):
        table.add_row(
            row.asset,
            str(row.crew),
            f"{row.start_day:g}",
            f"{row.finish_day:g}",
            f"{(row.cost or 0):,.0f}",
        )
    console.print(table)
    console.print(f"Service lost until repaired: {results.objective:,.0f} person-days.")
