"""``hromada strategy``: a municipality's vision, SWOT and goal tree with its SMART checks, and SWOT items
suggested from the stored analyses."""

from __future__ import annotations

from rich.table import Table

from hromada.cli._common import LocaleOption, MunicipalityArgument, command_group, console, workspace

app = command_group("Strategy: vision, SWOT, goals and KPIs.")


@app.command("show")
def strategy_show(municipality: MunicipalityArgument) -> None:
    """The vision, the SWOT and the goal tree with its SMART checks."""
    from hromada.services import strategy

    with workspace(municipality) as ws:
        view = strategy.strategy_view(ws.session, ws.principal, ws.municipality)
    console.print(f"[bold]Vision[/]: {view.vision or '(none)'}")
    for item in view.swot:
        if item.status != "rejected":
            console.print(f"  {item.quadrant:<12} {item.text}")
    for goal in view.goals:
        console.print(f"[bold]{goal.key}[/] {goal.title} {' '.join(f'[yellow]({f})[/]' for f in goal.flags)}")
        for objective in goal.objectives:
            console.print(
                f"  {objective.key} {objective.title} {' '.join(f'[yellow]({f})[/]' for f in objective.flags)}"
            )
            for kpi in objective.kpis:
                console.print(f"    KPI {kpi.name}: {'SMART' if not kpi.flags else '; '.join(kpi.flags)}")


@app.command("suggest")
def strategy_suggest(municipality: MunicipalityArgument, locale: LocaleOption = "en") -> None:
    """SWOT items suggested from the stored analyses, with their evidence."""
    from hromada.i18n import translator
    from hromada.services import strategy

    with workspace(municipality) as ws:
        suggestions = strategy.swot_suggestions(
            ws.session, ws.principal, ws.municipality, locale=locale, gettext=translator(locale).gettext
        )
    table = Table("quadrant", "suggestion", "evidence", title="SWOT suggestions")
    for item in suggestions:
        table.add_row(item.quadrant, item.text, f"{item.evidence.kind} ({item.evidence.reference})")
    console.print(table)
