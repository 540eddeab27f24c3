"""``hromada economy``: a municipality's economic structure, complexity and diversification opportunities
(stored runs), and complexity for a whole panel from file to file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hromada.cli._common import command_group, console, user_errors, workspace

app = command_group("Economy: structure, complexity and diversification opportunities.")


@app.command("analyze")
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
    from hromada.services.economy import run_analysis

    with workspace(municipality) as ws:
        run = run_analysis(
            ws.session,
            ws.settings,
            ws.principal,
            ws.municipality,
            preset=preset,
            year=year,
            base_year=base_year,
        )
        name = ws.municipality.name_en
    results = run.results
    latest = results.indices[-1]
    console.print(
        f"[bold]{name}[/] ({run.municipality}), {results.base_year}-{results.year}, preset {run.preset}; "
        f"run {run.id}, data {run.data_hash[:12]}"
    )
    console.print(
        f"Employment {latest.employment:,.0f}; ECI {latest.eci:+.2f}; diversity {latest.diversity:.0f}; "
        f"HHI {latest.hhi:.3f} (= {latest.numbers_equivalent:.1f} equal sectors); "
        f"entropy {latest.entropy:.2f} bits; Krugman {latest.krugman:.2f}"
    )
    counts: dict[str, int] = {}
    for quadrant in results.quadrants:
        counts[quadrant.quadrant] = counts.get(quadrant.quadrant, 0) + 1
    console.print("Quadrants: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    stability = results.stability.frequency
    table = Table(
        "rank", "NACE", "density", "PCI", "COG", "stable", "why", title="Diversification opportunities"
    )
    for row in results.opportunities[:top]:
        freq = stability.get(row.industry)
        table.add_row(
            str(row.rank),
            row.industry,
            f"{row.density:.2f}",
            f"{row.pci:+.2f}" if row.pci is not None else "",
            f"{row.cog:+.2f}" if row.cog is not None else "",
            "" if freq is None else f"{freq:.0%}",
            row.why,
        )
    console.print(table)


@app.command("complexity")
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
