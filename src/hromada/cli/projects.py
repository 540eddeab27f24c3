"""``hromada projects``: a municipality's project pipeline and funding sources (import, OC4IDS export), the
finance plan and the eligibility gates, the criteria weights from AHP judgements, the ranking and the
funding portfolio (printed, and written to XLSX or CSV on request)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table

from hromada.cli._common import (
    LocaleOption,
    MunicipalityArgument,
    WorkspaceOption,
    command_group,
    console,
    load_settings,
    user_errors,
    workspace,
)
from hromada.cli._project_inputs import export_format, year_range

app = command_group(
    "Projects: pipeline, funding sources, ranking, funding portfolio, finance plan, OC4IDS export."
)

RankMethod = Literal["topsis", "weighted_sum", "promethee_ii"]
MethodOption = Annotated[
    RankMethod, typer.Option("--method", help="Ranking method: topsis, weighted_sum or promethee_ii.")
]


def _money(value: float) -> str:
    return f"{value / 1e6:,.2f}"


# ---------------------------------------------------------------------------------------------- pipeline


@app.command("import")
def projects_import(
    file: Annotated[
        Path, typer.Argument(dir_okay=False, help="key,title,stage,type,sector,cost,... (CSV, XLSX, Parquet)")
    ],
    municipality: WorkspaceOption,
) -> None:
    """Import projects into the pipeline (upsert by key). All or nothing, every problem listed."""
    from hromada.services import projects

    with workspace(municipality) as ws:
        rows = projects.import_projects(ws.session, ws.principal, ws.municipality, file)
    console.print(f"{file.name}: {rows:,} projects imported.")


@app.command("sources")
def projects_sources(
    file: Annotated[
        Path,
        typer.Argument(dir_okay=False, help="source_id,name,kind,amount_<year>,... (CSV, XLSX, Parquet)"),
    ],
    municipality: WorkspaceOption,
) -> None:
    """Import funding sources (upsert by source_id)."""
    from hromada.services import projects

    with workspace(municipality) as ws:
        rows = projects.import_sources(ws.session, ws.principal, ws.municipality, file)
    console.print(f"{file.name}: {rows:,} funding sources imported.")


@app.command("oc4ids")
def projects_oc4ids(
    municipality: MunicipalityArgument,
    output: Annotated[Path, typer.Argument(dir_okay=False, help="The JSON file to write.")],
) -> None:
    """Export the pipeline as an OC4IDS project package (JSON)."""
    import json

    from hromada.services.projects import project_results

    with workspace(municipality) as ws:
        package = project_results.oc4ids_package(ws.session, ws.principal, ws.municipality)
    document = package.model_dump(mode="json", by_alias=True)
    output.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(f"{len(package.projects)} projects written to {output.name} (OC4IDS {package.version}).")


# ---------------------------------------------------------------------------------------- ranking and plan


@app.command("rank")
def projects_rank(
    municipality: MunicipalityArgument,
    method: MethodOption = "topsis",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="Write the tables: .xlsx (every sheet) or .csv (the ranking).",
        ),
    ] = None,
    draws: Annotated[int, typer.Option("--draws", min=100, max=20000, help="Weight perturbations.")] = 2000,
    locale: LocaleOption = "en",
) -> None:
    """Gate and rank the pipeline under the published criteria; list the gate failures (nothing stored)."""
    from hromada.i18n import translator
    from hromada.services.projects import project_exports, project_results

    settings = load_settings()
    with user_errors():
        fmt = export_format(output)
    with workspace(municipality, settings) as ws:
        ranking = project_results.ranking_view(
            ws.session, ws.principal, ws.municipality, method=method, draws=draws,
            gettext=translator(locale).gettext,
        )  # fmt: skip
    cr = ranking.consistency_ratio
    published = ", ".join(f"{c.criterion} {c.weight:.2f} ({c.direction})" for c in ranking.criteria)
    console.print(
        f"Criteria: {published}; weights from {ranking.weights_from}"
        + ("" if cr is None else f" (consistency ratio {cr:.3f})")
    )
    stability = {row.key: row for row in ranking.stability}
    table = Table(
        "rank", "project", "title", "score", "TOPSIS", "WSM", "PROMETHEE II", "rank 5-95 %",
        title=f"Ranking by {method} ({len(ranking.eligible)} eligible projects)",
    )  # fmt: skip
    for row in ranking.ranking:
        band = stability.get(row.key)
        table.add_row(
            str(row.rank), row.key, row.title, f"{row.score:.3f}", str(row.topsis),
            str(row.weighted_sum), str(row.promethee_ii),
            "" if band is None else f"{band.rank_p5}-{band.rank_p95}",
        )  # fmt: skip
    console.print(table)
    if ranking.failures:
        failures = Table("project", "gate", "reason", title="Not eligible")
        for failure in ranking.failures:
            failures.add_row(failure.project, failure.gate, failure.reason)
        console.print(failures)
    else:
        console.print("Every active project passes the eligibility gates.")
    if output is not None and fmt is not None:
        with user_errors():
            project_exports.write_tables(project_exports.ranking_tables(ranking), output, fmt)
        console.print(f"Written to {output}.", soft_wrap=True, highlight=False)


@app.command("portfolio")
def projects_portfolio(
    municipality: MunicipalityArgument,
    method: MethodOption = "topsis",
    years: Annotated[
        str | None, typer.Option("--years", help="Planning years, such as 2026-2028 (default: the plan's).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="Write the tables: .xlsx (every sheet) or .csv (the selection).",
        ),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=1, max=600, help="Solver time limit in seconds.")
    ] = 30.0,
    locale: LocaleOption = "en",
) -> None:
    """Choose and fund the eligible projects from the sources within the borrowing rule; stored."""
    from hromada.i18n import translator
    from hromada.services import projects
    from hromada.services.projects import project_exports, project_results

    settings = load_settings()
    with user_errors():
        fmt = export_format(output)
        plan_years = year_range(years) if years else None
    with workspace(municipality, settings) as ws:
        row = projects.plan_portfolio(
            ws.session, ws.principal, ws.municipality, method=method, years=plan_years, time_limit=time_limit
        )
        portfolio = project_results.portfolio_run(row, translator(locale).gettext)
    results = portfolio.results
    span = results.years or []
    console.print(
        f"Portfolio run {portfolio.id}: {results.status_label}, {span[0]}-{span[-1]}, priorities by {results.ranking_method} "
        f"(weights from {results.weights_from})."
    )
    table = Table(
        "project", "title", "cost, m UAH", "funding mix, m UAH", "own", "loan",
        title=f"Funded: {len(results.selected)} projects",
    )  # fmt: skip
    for funded in results.selected:
        mix = ", ".join(f"{k} {_money(v)}" for k, v in funded.amounts().items() if v and v > 0.5)
        table.add_row(
            funded.project_id, str(funded.title), _money(funded.cost), mix,
            f"{float(funded.own_share or 0):.0%}", f"{float(funded.loan_share or 0):.0%}",
        )  # fmt: skip
    console.print(table)
    if results.gap:
        gap = Table(
            "project", "title", "cost, m UAH", "reason",
            title=f"Funding gap: {_money(float(results.funding_gap or 0))} m UAH",
        )  # fmt: skip
        for unfunded in results.gap:
            gap.add_row(unfunded.project_id, str(unfunded.title), _money(unfunded.cost), unfunded.reason)
        console.print(gap)
    else:
        console.print("Funding gap: none; every eligible project is funded.")
    check = results.debt_check
    if check is None or not check.checked:
        console.print("Debt check: not checked (the finance plan sets no borrowing limit).")
    else:
        verdict = "within the limits" if check.within else "[bold red]over a limit[/]"
        text = (
            f"Debt check: {verdict}; worst year {check.worst_year}, debt service {check.worst_share:.1%} "
            f"of revenue (limit {check.limit_share:.0%})"
        )
        if check.worst_debt_ratio is not None:
            text += f"; debt up to {check.worst_debt_ratio:.2f}x revenue (limit {check.max_debt_ratio:g}x)"
        console.print(text + ".")
    for line in results.explanation:
        console.print(f"- {line}")
    if output is not None and fmt is not None:
        with user_errors():
            project_exports.write_tables(project_exports.portfolio_tables(portfolio), output, fmt)
        console.print(f"Written to {output}.", soft_wrap=True, highlight=False)


@app.command("weights")
def projects_weights(
    municipality: MunicipalityArgument,
    judgements: Annotated[
        Path,
        typer.Option(
            "--judgements",
            dir_okay=False,
            help="CSV/XLSX with a,b,value: how many times a matters more than b.",
        ),
    ],
) -> None:
    """Derive the published criteria weights from AHP pairwise judgements (Saaty's 1-9 scale) and store them.

    Judgements with a consistency ratio above 0.10 are refused, naming the comparison to revisit.
    """
    from hromada.services.projects import finance

    settings = load_settings()
    with user_errors():
        from hromada.services.projects.inputs import read_judgements

        pairs = read_judgements(judgements)
    with workspace(municipality, settings) as ws:
        outcome = finance.weigh_criteria(ws.session, ws.principal, ws.municipality, pairs)
        criteria = finance.plan_view(ws.session, ws.principal, ws.municipality).criteria
    table = Table("criterion", "weight", "direction", title="Published weights (from AHP)")
    for criterion in criteria:
        table.add_row(criterion.criterion, f"{criterion.weight:.3f}", criterion.direction)
    console.print(table)
    console.print(f"Consistency ratio {outcome.consistency_ratio:.3f} (acceptable up to 0.10).")


@app.command("plan")
def projects_plan(
    municipality: MunicipalityArgument,
    years: Annotated[str, typer.Option("--years", help="Planning years, such as 2026-2028.")],
    revenue: Annotated[
        Path | None,
        typer.Option("--revenue", dir_okay=False, help="Revenue forecast: CSV/XLSX with year,revenue (UAH)."),
    ] = None,
    debt_service_share: Annotated[
        float | None,
        typer.Option("--debt-service-share", help="Largest share of revenue for debt service, e.g. 0.1."),
    ] = None,
    max_debt_ratio: Annotated[
        float | None,
        typer.Option("--max-debt-ratio", help="Largest outstanding debt as a multiple of revenue, e.g. 2.0."),
    ] = None,
    clear_limits: Annotated[
        bool, typer.Option("--clear-limits", help="Remove the borrowing limits (no debt check).")
    ] = False,
) -> None:
    """Set the planning years and the borrowing rule. Options left out keep their stored values."""
    from hromada.services.projects import finance

    settings = load_settings()
    with user_errors():
        span = year_range(years)
        from hromada.services.projects.inputs import read_revenue

        forecast: dict[str, Any] | None = read_revenue(revenue) if revenue is not None else None
    with workspace(municipality, settings) as ws:
        stored = finance.plan_view(ws.session, ws.principal, ws.municipality)
        share, ratio = debt_service_share, max_debt_ratio
        if stored.stored and not clear_limits:
            share = stored.debt_service_share if share is None else share
            ratio = stored.max_debt_ratio if ratio is None else ratio
        finance.set_plan(
            ws.session, ws.principal, ws.municipality, first_year=span[0], last_year=span[-1],
            revenue=forecast if forecast is not None else (stored.revenue if stored.stored else None),
            debt_service_share=share, max_debt_ratio=ratio,
            existing_service=stored.existing_service if stored.stored else None,
            existing_debt=stored.existing_debt if stored.stored else None,
        )  # fmt: skip
        plan = finance.plan_view(ws.session, ws.principal, ws.municipality)
    console.print(f"Finance plan {plan.first_year}-{plan.last_year}.")
    table = Table("year", "revenue, m UAH", title="Revenue forecast")
    for year in range(plan.first_year, plan.last_year + 1):
        value = plan.revenue.get(str(year))
        table.add_row(str(year), "" if value is None else _money(float(value)))
    console.print(table)
    limits = []
    if plan.debt_service_share is not None:
        limits.append(f"debt service at most {plan.debt_service_share:.0%} of revenue")
    if plan.max_debt_ratio is not None:
        limits.append(f"debt at most {plan.max_debt_ratio:g}x revenue")
    console.print("Borrowing rule: " + ("; ".join(limits) or "none (no debt check)") + ".")


@app.command("gates")
def projects_gates(
    municipality: MunicipalityArgument,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            dir_okay=False,
            help="JSON list of {name, column, op, value, message}, or CSV/XLSX with those columns.",
        ),
    ] = None,
    reset: Annotated[bool, typer.Option("--reset", help="Return to the default rules.")] = False,
) -> None:
    """Show or publish the eligibility gates every project must pass to be ranked and funded.

    Without options, prints the published rules. A bad rule is refused, naming it, and nothing is stored.
    """
    from hromada.errors import ValidationError
    from hromada.services.projects import eligibility, finance

    settings = load_settings()
    with user_errors():
        if rules is not None and reset:
            raise ValidationError("give either --rules or --reset, not both")
        from hromada.services.projects.inputs import read_gate_rules

        specs = read_gate_rules(rules) if rules is not None else None
    with workspace(municipality, settings) as ws:
        if rules is not None or reset:
            eligibility.set_gates(ws.session, ws.principal, ws.municipality, specs)
        plan = finance.plan_view(ws.session, ws.principal, ws.municipality)
    console.print(f"Eligibility gates ({plan.gates_from}):")
    for gate in plan.gates:
        value = gate.value
        if isinstance(value, list):
            shown = "; ".join(map(str, value))
        else:
            shown = "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
        test = " ".join(part for part in (gate.column, gate.op, shown) if part)
        console.print(f"- {gate.name}: {gate.description} [{test}]", markup=False)
    if not plan.gates:
        console.print("No rule: every active project is ranked.")
