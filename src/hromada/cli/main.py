"""Command groups: demo, serve, db, user, municipality, import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table

from hromada import __version__
from hromada.cli._common import configure_logging, console, database, load_settings, user_errors
from hromada.services.access import Role

app = typer.Typer(
    name="hromada",
    help="Hromada: recovery planning for war-affected municipalities.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts and API tokens.", no_args_is_help=True)
municipality_app = typer.Typer(help="Municipalities (tenants).", no_args_is_help=True)
import_app = typer.Typer(help="Import data files.", no_args_is_help=True)
economy_app = typer.Typer(
    help="Economy: structure, complexity and diversification opportunities.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(municipality_app, name="municipality")
app.add_typer(import_app, name="import")
app.add_typer(economy_app, name="economy")
assess_app = typer.Typer(
    help="Assessment: damage, losses and needs; resilience frameworks.", no_args_is_help=True
)
infra_app = typer.Typer(
    help="Critical infrastructure: import, cascade, criticality, restoration.", no_args_is_help=True
)
app.add_typer(assess_app, name="assess")
app.add_typer(infra_app, name="infra")
strategy_app = typer.Typer(help="Strategy: vision, SWOT, goals and KPIs.", no_args_is_help=True)
projects_app = typer.Typer(
    help="Projects: pipeline, funding sources, ranking, funding portfolio, finance plan, OC4IDS export.",
    no_args_is_help=True,
)
app.add_typer(strategy_app, name="strategy")
app.add_typer(projects_app, name="projects")


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


# ---------------------------------------------------------------------------------------------- serve


def _serve(host: str, port: int, demo: bool, workers: int = 1) -> None:
    import os

    import uvicorn

    from hromada.web import create_app

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


Workers = Annotated[int, typer.Option(min=1, max=32, help="Worker processes (one per CPU core is typical).")]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Workers = 1,
) -> None:
    """Serve the web application and the REST API."""
    settings = load_settings(host=host, port=port)
    with user_errors(), database(settings):
        pass
    _serve(host, port, demo=False, workers=workers)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Only load the demo data.")] = False,
    workers: Workers = 1,
) -> None:
    """Create the database, load the synthetic demo data (idempotent) and serve the app."""
    from hromada.services.demo import DEMO_PASSWORD, seed_demo

    settings = load_settings(demo_mode=True, host=host, port=port)
    with user_errors(), console.status("Loading the demo data…"), database(settings) as session:
        summary = seed_demo(session, settings)
    table = Table(title="Demo accounts (synthetic data; password for all: " + DEMO_PASSWORD + ")")
    table.add_column("email")
    table.add_column("role")
    table.add_column("municipality")
    for login in summary.logins:
        table.add_row(login.email, login.role, login.municipality or "all (network)")
    console.print(table)
    console.print(
        f"{summary.municipalities} municipalities, {summary.values_written} statistics written "
        f"({summary.values_unchanged} already there); national panel: {summary.panel_rows:,} rows."
    )
    if not no_serve:
        _serve(host, port, demo=True, workers=workers)


# ---------------------------------------------------------------------------------------------- db


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    settings = load_settings()
    with user_errors(), database(settings):
        pass
    console.print(f"Database is up to date: {settings.resolved_database_url.split('@')[-1]}")


# ---------------------------------------------------------------------------------------------- user


@user_app.command("add")
def user_add(
    email: str,
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="At least 10 characters."),
    ],
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    facilitator: Annotated[bool, typer.Option(help="Network-wide facilitator.")] = False,
    municipality: Annotated[str | None, typer.Option(help="KATOTTG code of a municipality to join.")] = None,
    role: Annotated[Role, typer.Option(help="Role in that municipality.")] = Role.VIEWER,
) -> None:
    """Create a user account, optionally with a role in one municipality."""
    from hromada.services import accounts
    from hromada.services.demo import municipality_by_code

    settings = load_settings()
    with user_errors(), database(settings) as session:
        user = accounts.add_user(session, email, password, full_name=name, is_facilitator=facilitator)
        if municipality:
            accounts.add_membership(session, user, municipality_by_code(session, municipality), role)
    console.print(f"User {email} created.")


@user_app.command("token")
def user_token(
    email: str,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
    days: Annotated[int | None, typer.Option(help="Expire after this many days.")] = None,
) -> None:
    """Issue a personal API token (shown once)."""
    import datetime as dt

    from hromada.services import accounts

    settings = load_settings()
    with user_errors(), database(settings) as session:
        user = accounts.get_user(session, email)
        issued = accounts.issue_token(
            session, user, name, expires_in=dt.timedelta(days=days) if days else None
        )
    console.print(issued.secret, highlight=False, soft_wrap=True)


# ---------------------------------------------------------------------------------------------- municipality


@municipality_app.command("add")
def municipality_add(
    code: Annotated[str, typer.Argument(help="KATOTTG code: UA followed by 17 digits.")],
    name_uk: Annotated[str, typer.Option(help="Name in Ukrainian.")],
    name_en: Annotated[str, typer.Option(help="Name in English transliteration.")],
    oblast: Annotated[str, typer.Option(help="Oblast code prefix, e.g. UA63.")],
    status: Annotated[str, typer.Option(help="frontline, de-occupied, hosting-idp or rear.")] = "rear",
    kind: Annotated[str, typer.Option(help="urban, settlement or rural.")] = "urban",
    population: Annotated[int | None, typer.Option(help="Population.")] = None,
    area: Annotated[float | None, typer.Option(help="Area in km².")] = None,
) -> None:
    """Add a municipality to the network."""
    from hromada.services.profile import MunicipalityInput, create_municipality

    settings = load_settings()
    with user_errors(), database(settings) as session:
        create_municipality(
            session,
            MunicipalityInput(
                code=code,
                name_uk=name_uk,
                name_en=name_en,
                oblast_code=oblast,
                status=status,
                kind=kind,
                population=population,
                area_km2=area,
            ),
        )
    console.print(f"Municipality {code} added.")


@municipality_app.command("list")
def municipality_list() -> None:
    """List the municipalities with their key figures."""
    from hromada.services.demo import system_principal
    from hromada.services.profile import list_municipalities

    settings = load_settings()
    table = Table("code", "name", "status", "population", "employment", "values")
    with user_errors(), database(settings) as session:
        for o in list_municipalities(session, system_principal()):
            m = o.municipality
            table.add_row(
                m.code,
                m.name_en,
                m.status.value,
                f"{m.population or 0:,}",
                f"{o.employment:,.0f}" if o.employment is not None else "",
                f"{o.n_values:,}",
            )
    console.print(table)


# ---------------------------------------------------------------------------------------------- import


class _Bars:
    """Rich progress bars for the read and write stages of an import."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            label = "Reading and checking" if stage == "read" else "Writing"
            self.tasks[stage] = self.progress.add_task(label, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


@import_app.command("stats")
def import_stats(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV or XLSX file.")
    ],
    municipality: Annotated[str, typer.Option("--municipality", "-m", help="KATOTTG code of the workspace.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file; write nothing.")] = False,
) -> None:
    """Import a statistics file (long or wide layout) into a municipality's workspace. All or nothing."""
    from hromada.services.demo import municipality_by_code, system_principal
    from hromada.services.profile import import_statistics

    settings = load_settings()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
    )
    with user_errors(), database(settings) as session, Progress(*columns, console=console) as progress:
        target = municipality_by_code(session, municipality)
        summary = import_statistics(
            session, system_principal(), target, file, dry_run=dry_run, progress=_Bars(progress)
        )
    verb = "would write" if dry_run else "written"
    console.print(
        f"{summary.filename}: {summary.rows:,} rows ({summary.layout} layout); {verb}: "
        f"{summary.inserted:,} new, {summary.updated:,} changed; {summary.unchanged:,} unchanged."
    )


@economy_app.command("analyze")
def economy_analyze(
    municipality: Annotated[str, typer.Argument(help="KATOTTG code of the municipality.")],
    preset: Annotated[
        str, typer.Option("--preset", help="Complexity conventions: ecomplexity, atlas or jaccard.")
    ] = "ecomplexity",
    year: Annotated[int | None, typer.Option("--year", help="Year analysed (default: the latest).")] = None,
    base_year: Annotated[
        int | None, typer.Option("--base-year", help="Start of growth comparisons (default: the first).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=25, help="Opportunities to list.")] = 10,
) -> None:
    """Analyse a municipality's economy against the national panel and store the run."""
    from hromada.services.demo import municipality_by_code, system_principal
    from hromada.services.economy import analyze

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        run = analyze(
            session, settings, system_principal(), target, preset=preset, year=year, base_year=base_year
        )
        name = target.name_en
    results = run.results
    latest = results["indices"][-1]
    console.print(
        f"[bold]{name}[/] ({run.municipality_code}), {results['base_year']}-{results['year']}, preset {run.preset}; "
        f"run {run.id}, data {run.data_hash[:12]}"
    )
    console.print(
        f"Employment {latest['employment']:,.0f}; ECI {latest['eci']:+.2f}; diversity {latest['diversity']:.0f}; "
        f"HHI {latest['hhi']:.3f} (= {latest['numbers_equivalent']:.1f} equal sectors); "
        f"entropy {latest['entropy']:.2f} bits; Krugman {latest['krugman']:.2f}"
    )
    counts: dict[str, int] = {}
    for row in results["quadrants"]:
        counts[row["quadrant"]] = counts.get(row["quadrant"], 0) + 1
    console.print("Quadrants: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    stability = results["stability"]["frequency"]
    table = Table(
        "rank", "NACE", "density", "PCI", "COG", "stable", "why", title="Diversification opportunities"
    )
    for row in results["opportunities"][:top]:
        freq = stability.get(row["industry"])
        table.add_row(
            str(row["rank"]),
            row["industry"],
            f"{row['density']:.2f}",
            f"{row['pci']:+.2f}" if row["pci"] is not None else "",
            f"{row['cog']:+.2f}" if row["cog"] is not None else "",
            "" if freq is None else f"{freq:.0%}",
            row["why"],
        )
    console.print(table)


@economy_app.command("complexity")
def economy_complexity(
    source: Annotated[
        Path,
        typer.Argument(dir_okay=False, help="Input: year,region,industry,value (.csv, .xlsx, .parquet)."),
    ],
    target: Annotated[Path, typer.Argument(dir_okay=False, help="Output (.csv, .xlsx, .parquet).")],
    preset: Annotated[
        str, typer.Option("--preset", help="ecomplexity (default), atlas or jaccard.")
    ] = "ecomplexity",
    sum_duplicates: Annotated[
        bool,
        typer.Option(
            "--sum-duplicates", help="Add repeated year/region/industry rows instead of refusing them."
        ),
    ] = False,
    missing_as_zero: Annotated[
        bool, typer.Option("--missing-as-zero", help="Read empty values as 0 instead of refusing them.")
    ] = False,
    proximity: Annotated[
        Path | None,
        typer.Option(
            "--proximity", dir_okay=False, help="External proximity: industry_1,industry_2,proximity."
        ),
    ] = None,
) -> None:
    """Compute complexity and relatedness for a whole panel, file to file (no database needed).

    OUTPUT has one row per year x region x industry with year, region, industry, value, rca, mcp, diversity,
    ubiquity, eci, pci, density, coi and cog.
    """
    from hromada.services.economy import complexity_file

    with user_errors():
        summary = complexity_file(
            source,
            target,
            preset=preset,
            duplicates="sum" if sum_duplicates else "raise",
            missing="zero" if missing_as_zero else "raise",
            proximity=proximity,
        )
    console.print(
        f"{source.name}: {summary.rows_in:,} rows, {len(summary.years)} year(s) {summary.years[0]}-{summary.years[-1]}, "
        f"{summary.regions:,} regions x {summary.industries:,} industries; preset {summary.preset}. "
        f"Wrote {summary.rows_out:,} rows to {target.name}."
    )
    if summary.excluded:
        console.print(
            f"{summary.excluded:,} region/industry-years had no value or no presence and were left out (NaN)."
        )


@assess_app.command("import-ledger")
def assess_import_ledger(
    file: Annotated[
        Path,
        typer.Argument(
            dir_okay=False, help="CSV, XLSX or Parquet with sector,kind,amount,currency,valuation_date,..."
        ),
    ],
    municipality: Annotated[str, typer.Option("--municipality", "-m", help="KATOTTG code of the workspace.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file; write nothing.")] = False,
) -> None:
    """Import damage, loss and need entries into a municipality's ledger. All or nothing."""
    from hromada.services.assessment import import_ledger
    from hromada.services.demo import municipality_by_code, system_principal

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        rows = import_ledger(session, system_principal(), target, file, dry_run=dry_run)
    console.print(f"{file.name}: {rows:,} entries {'checked' if dry_run else 'imported'}.")


@assess_app.command("rollup")
def assess_rollup(municipality: Annotated[str, typer.Argument(help="KATOTTG code.")]) -> None:
    """Totals of damage, losses and needs by sector in UAH, at the rates the workspace stated."""
    from hromada.services.assessment import ledger_rollup
    from hromada.services.demo import municipality_by_code, system_principal

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        summary = ledger_rollup(session, system_principal(), target)
    if summary.get("empty"):
        console.print("The ledger is empty.")
        return
    table = Table("sector", "damage", "loss", "need", title="Million UAH")
    for row in summary["by_sector"]:
        table.add_row(row["sector"], *(f"{(row.get(k) or 0) / 1e6:,.1f}" for k in ("damage", "loss", "need")))
    totals = summary["totals"]
    table.add_row("total", *(f"{(totals.get(k) or 0) / 1e6:,.1f}" for k in ("damage", "loss", "need")))
    console.print(table)


@assess_app.command("add-framework")
def assess_add_framework(
    file: Annotated[
        Path,
        typer.Argument(
            dir_okay=False, help="A framework file (YAML): dimensions, indicators, scale, weights."
        ),
    ],
) -> None:
    """Check a resilience framework file and make it available to every municipality of this installation."""
    from hromada.services.assessment import add_framework
    from hromada.services.demo import system_principal

    settings = load_settings()
    with user_errors():
        framework = add_framework(settings, system_principal(), file)
    n = sum(len(d.indicators) for d in framework.dimensions)
    console.print(
        f"Added {framework.id} (v{framework.version}): {len(framework.dimensions)} dimensions, {n} indicators."
    )


@assess_app.command("frameworks")
def assess_frameworks() -> None:
    """The resilience frameworks available: shipped with Hromada and added to this installation."""
    from hromada.services.assessment import frameworks

    settings = load_settings()
    for framework in frameworks(settings):
        n = sum(len(d.indicators) for d in framework.dimensions)
        console.print(
            f"{framework.id} (v{framework.version}): {len(framework.dimensions)} dimensions, {n} indicators, scale {framework.scale_min:g}-{framework.scale_max:g}"
        )


@infra_app.command("import")
def infra_import(
    assets: Annotated[
        Path,
        typer.Argument(
            dir_okay=False, help="Assets: asset_id,type,name,population_served,backup_hours,status,..."
        ),
    ],
    dependencies: Annotated[
        Path, typer.Argument(dir_okay=False, help="Dependencies: supplier,consumer,kind,group,required")
    ],
    municipality: Annotated[str, typer.Option("--municipality", "-m", help="KATOTTG code of the workspace.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the files; write nothing.")] = False,
) -> None:
    """Import a municipality's critical assets and their dependencies. All or nothing."""
    from hromada.services.demo import municipality_by_code, system_principal
    from hromada.services.infrastructure import import_network

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        summary = import_network(session, system_principal(), target, assets, dependencies, dry_run=dry_run)
    console.print(
        f"{summary.assets:,} assets ({summary.new_assets:,} new), {summary.dependencies:,} dependencies {'checked' if dry_run else 'imported'}."
    )


@infra_app.command("cascade")
def infra_cascade(
    municipality: Annotated[str, typer.Argument(help="KATOTTG code.")],
    fail: Annotated[
        list[str] | None,
        typer.Option("--fail", help="An asset that fails (repeat); default: the damaged ones."),
    ] = None,
    hours: Annotated[float, typer.Option("--hours", min=0, max=720, help="Time horizon.")] = 72.0,
) -> None:
    """What fails with the given assets, hour by hour, and who is cut off."""
    from hromada.services.demo import municipality_by_code, system_principal
    from hromada.services.infrastructure import what_if

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        scenario = what_if(session, system_principal(), target, fail, horizon_hours=hours)
    console.print(
        f"Failed: {', '.join(scenario['failed'])}; {len(scenario['down'])} assets down within {hours:g} h."
    )
    table = Table("hours", "assets down", "people cut off (person-services)")
    for row in scenario["timeline"]:
        table.add_row(f"{row['hours']:g}", str(row.get("assets_down")), f"{row.get('total', 0):,.0f}")
    console.print(table)


@infra_app.command("criticality")
def infra_criticality(
    municipality: Annotated[str, typer.Argument(help="KATOTTG code.")],
    top: Annotated[int, typer.Option("--top", min=1, help="Assets to list.")] = 15,
) -> None:
    """Rank assets by the people cut off if each fails alone (and the worst pairs); stored."""
    from hromada.services.demo import municipality_by_code, system_principal
    from hromada.services.infrastructure import run_criticality

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        run = run_criticality(session, system_principal(), target)
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


@infra_app.command("restore")
def infra_restore(
    municipality: Annotated[str, typer.Argument(help="KATOTTG code.")],
    crews: Annotated[int, typer.Option("--crews", min=1, help="Repair crews working in parallel.")] = 3,
    budget: Annotated[
        float | None, typer.Option("--budget", min=0, help="Budget in UAH (default: no limit).")
    ] = None,
    exact: Annotated[bool, typer.Option("--exact", help="Solve exactly (small networks only).")] = False,
) -> None:
    """Sequence the repairs of the damaged assets to restore the most service fastest; stored."""
    from hromada.services.demo import municipality_by_code, system_principal
    from hromada.services.infrastructure import run_restoration

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        run = run_restoration(
            session,
            system_principal(),
            target,
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


@strategy_app.command("show")
def strategy_show(municipality: Annotated[str, typer.Argument(help="KATOTTG code.")]) -> None:
    """The vision, the SWOT and the goal tree with its SMART checks."""
    from hromada.services import strategy
    from hromada.services.demo import municipality_by_code, system_principal

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        operator = system_principal()
        record = strategy.get_strategy(session, operator, target)
        console.print(f"[bold]Vision[/]: {record.vision if record else '(none)'}")
        for item in strategy.swot_items(session, operator, target):
            if item.status != "rejected":
                console.print(f"  {item.quadrant:<12} {item.text}")
        for goal in strategy.goal_tree(session, operator, target):
            console.print(
                f"[bold]{goal.goal.key}[/] {goal.goal.title} {' '.join(f'[yellow]({f})[/]' for f in goal.flags)}"
            )
            for objective in goal.children:
                console.print(
                    f"  {objective.goal.key} {objective.goal.title} {' '.join(f'[yellow]({f})[/]' for f in objective.flags)}"
                )
                for kpi, flags in objective.kpis:
                    console.print(f"    KPI {kpi.name}: {'SMART' if not flags else '; '.join(flags)}")


LocaleOption = Annotated[
    Literal["en", "uk", "de"], typer.Option("--locale", help="Language of the texts: en, uk or de.")
]


@strategy_app.command("suggest")
def strategy_suggest(
    municipality: Annotated[str, typer.Argument(help="KATOTTG code.")], locale: LocaleOption = "en"
) -> None:
    """SWOT items suggested from the stored analyses, with their evidence."""
    from hromada.services import strategy
    from hromada.services.demo import municipality_by_code, system_principal
    from hromada.web.i18n import translator

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        suggestions = strategy.suggest_swot(
            session, system_principal(), target, locale=locale, gettext=translator(locale).gettext
        )
    table = Table("quadrant", "suggestion", "evidence", title="SWOT suggestions")
    for item in suggestions:
        table.add_row(
            item["quadrant"], item["text"], f"{item['evidence']['kind']} ({item['evidence']['reference']})"
        )
    console.print(table)


@projects_app.command("import")
def projects_import(
    file: Annotated[
        Path, typer.Argument(dir_okay=False, help="key,title,stage,type,sector,cost,... (CSV, XLSX, Parquet)")
    ],
    municipality: Annotated[str, typer.Option("--municipality", "-m", help="KATOTTG code of the workspace.")],
) -> None:
    """Import projects into the pipeline (upsert by key). All or nothing, every problem listed."""
    from hromada.services import projects
    from hromada.services.demo import municipality_by_code, system_principal

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        rows = projects.import_projects(session, system_principal(), target, file)
    console.print(f"{file.name}: {rows:,} projects imported.")


@projects_app.command("sources")
def projects_sources(
    file: Annotated[
        Path,
        typer.Argument(dir_okay=False, help="source_id,name,kind,amount_<year>,... (CSV, XLSX, Parquet)"),
    ],
    municipality: Annotated[str, typer.Option("--municipality", "-m", help="KATOTTG code of the workspace.")],
) -> None:
    """Import funding sources (upsert by source_id)."""
    from hromada.services import projects
    from hromada.services.demo import municipality_by_code, system_principal

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        rows = projects.import_sources(session, system_principal(), target, file)
    console.print(f"{file.name}: {rows:,} funding sources imported.")


@projects_app.command("oc4ids")
def projects_oc4ids(
    municipality: Annotated[str, typer.Argument(help="KATOTTG code.")],
    output: Annotated[Path, typer.Argument(dir_okay=False, help="The JSON file to write.")],
) -> None:
    """Export the pipeline as an OC4IDS project package (JSON)."""
    import json

    from hromada.services import projects
    from hromada.services.demo import municipality_by_code, system_principal

    settings = load_settings()
    with user_errors(), database(settings) as session:
        target = municipality_by_code(session, municipality)
        package = projects.export_oc4ids(session, system_principal(), target)
    output.write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(
        f"{len(package['projects'])} projects written to {output.name} (OC4IDS {package['version']})."
    )


# ---------------------------------------------------------------------------------------- ranking and plan

RankMethod = Literal["topsis", "weighted_sum", "promethee_ii"]
MethodOption = Annotated[
    RankMethod, typer.Option("--method", help="Ranking method: topsis, weighted_sum or promethee_ii.")
]


def _export_path(output: Path | None) -> Literal["csv", "xlsx"] | None:
    """The export format of ``--output`` (checked before any work is done)."""
    from hromada.errors import ValidationError

    if output is None:
        return None
    suffix = output.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise ValidationError(
        f"`--output` must end in .xlsx (every table) or .csv (the main table); got {output.name!r}"
    )


def _year_range(text: str) -> list[int]:
    """``2026-2028`` (or one year, ``2026``) as the list of years."""
    from hromada.errors import ValidationError

    first, _, last = text.strip().partition("-")
    try:
        years = list(range(int(first), int(last or first) + 1))
    except ValueError:
        years = []
    if not years:
        raise ValidationError(f"`--years` must be FIRST-LAST, such as 2026-2028; got {text!r}")
    return years


def _money(value: float) -> str:
    return f"{value / 1e6:,.2f}"


@projects_app.command("rank")
def projects_rank(
    municipality: Annotated[str, typer.Argument(help="KATOTTG code.")],
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
    from hromada.services import project_exports, projects
    from hromada.services.demo import municipality_by_code, system_principal
    from hromada.web.i18n import translator

    settings = load_settings()
    with user_errors():
        fmt = _export_path(output)
        with database(settings) as session:
            target = municipality_by_code(session, municipality)
            ranking = projects.rank_projects(
                session, system_principal(), target, method=method, draws=draws,
                gettext=translator(locale).gettext,
            )  # fmt: skip
    cr = ranking["consistency_ratio"]
    published = ", ".join(
        "{} {:.2f} ({})".format(c["criterion"], c["weight"], c["direction"]) for c in ranking["criteria"]
    )
    console.print(
        f"Criteria: {published}; weights from {ranking['weights_from']}"
        + ("" if cr is None else f" (consistency ratio {cr:.3f})")
    )
    stability = {row["key"]: row for row in ranking["stability"]}
    table = Table(
        "rank", "project", "title", "score", "TOPSIS", "WSM", "PROMETHEE II", "rank 5-95 %",
        title=f"Ranking by {method} ({len(ranking['eligible'])} eligible projects)",
    )  # fmt: skip
    for row in ranking["ranking"]:
        band = stability.get(row["key"])
        table.add_row(
            str(row["rank"]), row["key"], row["title"], f"{row['score']:.3f}", str(row["topsis"]),
            str(row["weighted_sum"]), str(row["promethee_ii"]),
            "" if band is None else f"{band['rank_p5']}-{band['rank_p95']}",
        )  # fmt: skip
    console.print(table)
    if ranking["failures"]:
        failures = Table("project", "gate", "reason", title="Not eligible")
        for failure in ranking["failures"]:
            failures.add_row(str(failure["project"]), str(failure["gate"]), str(failure["reason"]))
        console.print(failures)
    else:
        console.print("Every active project passes the eligibility gates.")
    if output is not None and fmt is not None:
        with user_errors():
            project_exports.write_tables(project_exports.ranking_tables(ranking), output, fmt)
        console.print(f"Written to {output}.", soft_wrap=True, highlight=False)


@projects_app.command("portfolio")
def projects_portfolio(
    municipality: Annotated[str, typer.Argument(help="KATOTTG code.")],
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
    from hromada.services import portfolio_text, project_exports, projects
    from hromada.services.demo import municipality_by_code, system_principal
    from hromada.web.i18n import translator

    settings = load_settings()
    with user_errors():
        fmt = _export_path(output)
        plan_years = _year_range(years) if years else None
        with database(settings) as session:
            target = municipality_by_code(session, municipality)
            run = projects.plan_portfolio(
                session, system_principal(), target, method=method, years=plan_years, time_limit=time_limit
            )
            run_id, results = run.id, dict(run.results)
    gettext = translator(locale).gettext
    selected, gap_rows, explanation = portfolio_text.worded(results, gettext)
    span = results["years"]
    console.print(
        f"Portfolio run {run_id}: {portfolio_text.status_label(results['status'], gettext)}, {span[0]}-{span[-1]}, priorities by {results['ranking_method']} "
        f"(weights from {results['weights_from']})."
    )
    fixed = {"project_id", "title", "priority", "cost", "own_share", "loan_share", "note"}
    table = Table(
        "project", "title", "cost, m UAH", "funding mix, m UAH", "own", "loan",
        title=f"Funded: {len(selected)} projects",
    )  # fmt: skip
    for row in selected:
        mix = ", ".join(
            f"{k} {_money(float(v))}" for k, v in row.items() if k not in fixed and v and float(v) > 0.5
        )
        table.add_row(
            str(row["project_id"]), str(row["title"]), _money(float(row["cost"])), mix,
            f"{float(row['own_share']):.0%}", f"{float(row['loan_share']):.0%}",
        )  # fmt: skip
    console.print(table)
    if gap_rows:
        gap = Table(
            "project", "title", "cost, m UAH", "reason",
            title=f"Funding gap: {_money(float(results['funding_gap']))} m UAH",
        )  # fmt: skip
        for row in gap_rows:
            gap.add_row(
                str(row["project_id"]), str(row["title"]), _money(float(row["cost"])), str(row["reason"])
            )
        console.print(gap)
    else:
        console.print("Funding gap: none; every eligible project is funded.")
    check = results["debt_check"]
    if not check.get("checked"):
        console.print("Debt check: not checked (the finance plan sets no borrowing limit).")
    else:
        verdict = "within the limits" if check["within"] else "[bold red]over a limit[/]"
        text = (
            f"Debt check: {verdict}; worst year {check['worst_year']}, debt service {check['worst_share']:.1%} "
            f"of revenue (limit {check['limit_share']:.0%})"
        )
        if "worst_debt_ratio" in check:
            text += (
                f"; debt up to {check['worst_debt_ratio']:.2f}x revenue (limit {check['max_debt_ratio']:g}x)"
            )
        console.print(text + ".")
    for line in explanation:
        console.print(f"- {line}")
    if output is not None and fmt is not None:
        with user_errors():
            project_exports.write_tables(project_exports.portfolio_tables(results, gettext), output, fmt)
        console.print(f"Written to {output}.", soft_wrap=True, highlight=False)


def _judgements(path: Path) -> list[tuple[str, str, float]]:
    """Pairwise judgements from a table with columns a, b, value (a number or a fraction such as 1/3)."""
    from hromada.errors import ImportIssue, ImportValidationError, ValidationError
    from hromada.io.tables import read_table
    from hromada.services.finance import saaty_value

    frame = read_table(path, required=("a", "b", "value"), text_columns=("a", "b", "value"))
    out: list[tuple[str, str, float]] = []
    issues: list[ImportIssue] = []
    for i, row in enumerate(frame.to_dict(orient="records")):
        try:
            value = saaty_value(str(row["value"]))
        except ValidationError:
            issues.append(
                ImportIssue(
                    path.name,
                    i + 2,
                    "value",
                    "Saaty's scale 1/9 ... 9 (fractions such as 1/3)",
                    str(row["value"]),
                )
            )
            continue
        out.append((str(row["a"]).strip(), str(row["b"]).strip(), value))
    if issues:
        raise ImportValidationError(issues)
    return out


@projects_app.command("weights")
def projects_weights(
    municipality: Annotated[str, typer.Argument(help="KATOTTG code.")],
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
    from hromada.services import finance
    from hromada.services.demo import municipality_by_code, system_principal

    settings = load_settings()
    with user_errors():
        pairs = _judgements(judgements)
        with database(settings) as session:
            target = municipality_by_code(session, municipality)
            operator = system_principal()
            outcome = finance.set_ahp(session, operator, target, pairs)
            criteria = finance.criteria_of(finance.get_plan(session, operator, target))
    table = Table("criterion", "weight", "direction", title="Published weights (from AHP)")
    for name, (weight, direction) in criteria.items():
        table.add_row(name, f"{weight:.3f}", direction)
    console.print(table)
    console.print(f"Consistency ratio {outcome.consistency_ratio:.3f} (acceptable up to 0.10).")


@projects_app.command("plan")
def projects_plan(
    municipality: Annotated[str, typer.Argument(help="KATOTTG code.")],
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
    from hromada.errors import ValidationError
    from hromada.io.tables import read_table
    from hromada.services import finance
    from hromada.services.demo import municipality_by_code, system_principal

    settings = load_settings()
    with user_errors():
        span = _year_range(years)
        forecast: dict[str, Any] | None = None
        if revenue is not None:
            frame = read_table(revenue, required=("year", "revenue"), text_columns=("year",))
            listed = [str(y) for y in frame["year"]]
            repeated = sorted({y for y in listed if listed.count(y) > 1})
            if repeated:
                raise ValidationError(
                    f"{revenue.name}: every year must appear once; repeated {', '.join(repeated)}"
                )
            forecast = dict(zip(listed, frame["revenue"].tolist(), strict=True))
        with database(settings) as session:
            target = municipality_by_code(session, municipality)
            operator = system_principal()
            stored = finance.get_plan(session, operator, target)
            share, ratio = debt_service_share, max_debt_ratio
            if stored is not None and not clear_limits:
                share = stored.debt_service_share if share is None else share
                ratio = stored.max_debt_ratio if ratio is None else ratio
            plan = finance.set_plan(
                session, operator, target, first_year=span[0], last_year=span[-1],
                revenue=forecast if forecast is not None else (stored.revenue if stored is not None else None),
                debt_service_share=share, max_debt_ratio=ratio,
                existing_service=stored.existing_service if stored is not None else None,
                existing_debt=stored.existing_debt if stored is not None else None,
            )  # fmt: skip
            summary = (
                plan.first_year,
                plan.last_year,
                dict(plan.revenue),
                plan.debt_service_share,
                plan.max_debt_ratio,
            )
    first, last, money, share, ratio = summary
    console.print(f"Finance plan {first}-{last}.")
    table = Table("year", "revenue, m UAH", title="Revenue forecast")
    for year in range(first, last + 1):
        value = money.get(str(year))
        table.add_row(str(year), "" if value is None else _money(float(value)))
    console.print(table)
    limits = []
    if share is not None:
        limits.append(f"debt service at most {share:.0%} of revenue")
    if ratio is not None:
        limits.append(f"debt at most {ratio:g}x revenue")
    console.print("Borrowing rule: " + ("; ".join(limits) or "none (no debt check)") + ".")


def _gate_rules(path: Path) -> list[dict[str, Any]]:
    """Rules from JSON (a list of {name, column, op, value, message}) or CSV/XLSX with those columns (a list
    value for in/not in separated by ;)."""
    import json

    from hromada.errors import ValidationError
    from hromada.io.tables import read_table

    if path.suffix.lower() == ".json":
        try:
            rules = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValidationError(f"{path.name}: not a readable JSON file ({error})") from None
        if not isinstance(rules, list):
            raise ValidationError(f"{path.name}: expected a JSON list of rules; got {type(rules).__name__}")
        return rules
    frame = read_table(
        path, required=("name", "column", "op"), text_columns=("name", "column", "op", "value")
    )
    rules = []
    for record in frame.to_dict(orient="records"):
        raw = record.get("value")
        text = "" if raw is None or raw != raw else str(raw).strip()
        value: Any = text or None
        if str(record["op"]).strip() in ("in", "not in"):
            value = [v.strip() for v in text.split(";") if v.strip()]
        message = record.get("message")
        rules.append(
            {"name": record["name"], "column": record["column"], "op": str(record["op"]).strip(),
             "value": value, "message": "" if message is None or message != message else str(message)}
        )  # fmt: skip
    return rules


@projects_app.command("gates")
def projects_gates(
    municipality: Annotated[str, typer.Argument(help="KATOTTG code.")],
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
    from hromada.services import eligibility, finance
    from hromada.services.demo import municipality_by_code, system_principal

    settings = load_settings()
    with user_errors():
        if rules is not None and reset:
            from hromada.errors import ValidationError

            raise ValidationError("give either --rules or --reset, not both")
        specs = _gate_rules(rules) if rules is not None else None
        with database(settings) as session:
            target = municipality_by_code(session, municipality)
            operator = system_principal()
            if rules is not None or reset:
                eligibility.set_gates(session, operator, target, specs)
            plan = finance.get_plan(session, operator, target)
            published = eligibility.gate_specs(plan)
            source = "default" if plan is None or plan.gates is None else "municipality"
    console.print(f"Eligibility gates ({source}):")
    for spec in published:
        value = spec["value"]
        if isinstance(value, list):
            shown = "; ".join(map(str, value))
        else:
            shown = "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
        test = " ".join(part for part in (spec["column"], spec["op"], shown) if part)
        console.print(f"- {spec['name']}: {eligibility.describe(spec)} [{test}]", markup=False)
    if not published:
        console.print("No rule: every active project is ranked.")


def main() -> None:
    app()
