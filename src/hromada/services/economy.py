"""The ``economy`` domain: a municipality's sector structure and its diversification opportunities.

A municipality is analysed against the national panel (the registered reference dataset): its own employment
statistics, where the workspace has them, replace its row of the panel, so that imported figures are what
the analysis sees. The run is stored (:class:`~hromada.db.models.AnalysisRun`) with the data hash, preset,
parameters and version, and the pages and the API show the stored run.

The file-to-file computation for analysts (:func:`complexity_file`) needs no database at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.analysis.economy import (
    PRESETS,
    bootstrap_stability,
    complexity,
    dynamic_shift_share,
    herfindahl,
    krugman_specialisation,
    location_quotient,
    opportunities,
    quadrants,
    shannon_entropy,
    variety,
)
from hromada.data.nace import nace_codes, section_of
from hromada.db.models import AnalysisRun, Municipality, ReferenceDataset
from hromada.errors import NotFoundError, ValidationError
from hromada.io.tables import check_format, read_table, write_frames
from hromada.services import runs
from hromada.services._json import OpenModel, ServiceModel, json_safe
from hromada.services.access import Principal, require
from hromada.services.profile import statistics_frame
from hromada.services.reference import NATIONAL_PANEL, load_reference_panel
from hromada.settings import Settings

__all__ = [
    "DOMAIN",
    "EconomyAnalysis",
    "EconomyParameters",
    "EconomyPreset",
    "EconomyResults",
    "analysis_panel",
    "complexity_file",
    "get_analysis",
    "latest_analysis",
    "list_presets",
    "run_analysis",
]

logger = logging.getLogger(__name__)

DOMAIN = "economy"
_TOP_OPPORTUNITIES = 25
_BOOTSTRAP_DRAWS = 30
_BOOTSTRAP_SEED = 20220224
#: NACE sections never suggested as a new potential: public administration (O), households as employers (T)
#: and extraterritorial organisations (U) are not industries a municipality can develop.
NOT_SUGGESTED = frozenset({"O", "T", "U"})


# --------------------------------------------------------------------------------------------------------
# Typed results (what the REST API, the page and the CLI read)


class PresetConventions(OpenModel):
    """One named set of complexity conventions (:class:`hromada.analysis.economy.ComplexityPreset`)."""

    name: str = Field(description="The stable name stored with results")
    threshold: float = Field(description="The RCA value at which an industry counts as present")
    strict: bool = Field(description="True: present only strictly above `threshold`; False: at or above it")
    proximity: Literal["min_conditional", "jaccard", "cosine"] = Field(
        description="How co-occurrence of two industries becomes a proximity in [0, 1]"
    )
    proximity_diagonal: float = Field(description="The proximity of an industry to itself (1 or 0)")
    description: str


class EconomyPreset(PresetConventions):
    """A named convention as offered to users, with its presence rule in words."""

    presence_rule: str = Field(description='The presence test as text, for example ">= 1"')


def list_presets() -> list[EconomyPreset]:
    """The named complexity conventions, for pickers and the API."""
    return [
        EconomyPreset(**preset.to_dict(), presence_rule=preset.presence_rule) for preset in PRESETS.values()
    ]


class ComplexitySettings(OpenModel):
    presence: str = Field(description="The presence measure (rca or rpop)")
    external_proximity: bool = Field(description="Whether an external proximity matrix was used")


class PanelShape(OpenModel):
    years: int
    regions: int
    industries: int


class BootstrapSettings(OpenModel):
    draws: int = Field(description="Bootstrap draws")
    seed: int = Field(description="Random seed of the draws")
    top: int = Field(description="How many top opportunities each draw compares")


class PanelSources(OpenModel):
    reference: str = Field(description="Name of the registered reference dataset (the national panel)")
    reference_sha256: str | None = Field(description="Checksum of the reference dataset's file")
    reference_synthetic: bool = Field(description="Whether the national panel is synthetic demo data")
    workspace_rows: int = Field(
        description="Employment figures of the workspace that replaced the panel's row of the municipality"
    )


class EconomyParameters(OpenModel):
    """How a stored economy analysis was computed."""

    method: str = Field(description="The computation (module path)")
    version: str = Field(description="Hromada version that computed it")
    preset: PresetConventions
    parameters: ComplexitySettings
    shape: PanelShape = Field(description="Years, regions and industries of the panel analysed")
    references: list[str] = Field(description="Literature the method follows")
    year: int = Field(description="The year analysed")
    base_year: int = Field(description="Start of growth comparisons")
    opportunities_top: int = Field(description="How many opportunities are kept")
    bootstrap: BootstrapSettings
    sources: PanelSources


class StructureRow(OpenModel):
    """One industry the municipality has (employment > 0) in the year analysed."""

    industry: str = Field(description="NACE Rev. 2 division")
    value: float = Field(description="Employment (persons)")
    share: float | None = Field(description="Share of the municipality's employment (0-1)")
    lq: float | None = Field(description="Location quotient against the national panel")
    rca: float | None = Field(description="Revealed comparative advantage")
    mcp: int = Field(description="1 if the industry is present under the preset's rule, else 0")
    pci: float | None = Field(description="Product (industry) complexity index")
    density: float | None = Field(description="Relatedness density (0-1)")


class IndexRow(OpenModel):
    """Diversification and complexity indices of the municipality in one year."""

    year: int
    employment: float | None = Field(description="Total employment (persons)")
    hhi: float | None = Field(description="Herfindahl-Hirschman index of employment shares (0-1)")
    hhi_normalized: float | None
    numbers_equivalent: float | None = Field(description="1 / HHI: the number of equal sectors")
    entropy: float | None = Field(description="Shannon entropy of employment shares (bits)")
    related_variety: float | None = Field(description="Entropy within NACE sections (bits)")
    unrelated_variety: float | None = Field(description="Entropy between NACE sections (bits)")
    krugman: float | None = Field(description="Krugman specialisation index against the national panel")
    eci: float | None = Field(description="Economic complexity index")
    coi: float | None = Field(description="Complexity outlook index")
    diversity: float | None = Field(description="Industries present")


class RelatedIndustry(OpenModel):
    related_industry: str = Field(description="NACE division the municipality already has")
    proximity: float | None = Field(description="Proximity to the opportunity (0-1)")


class OpportunityRow(OpenModel):
    """A diversification opportunity, best first, with the reasons."""

    industry: str = Field(description="NACE Rev. 2 division")
    rank: int = Field(description="1 = best")
    score: float | None = Field(description="Weighted percentile score (0-1)")
    density: float | None = Field(description="Relatedness density (0-1)")
    pci: float | None = Field(description="Industry complexity index")
    cog: float | None = Field(description="Complexity outlook gain")
    rca: float | None = Field(description="Revealed comparative advantage today")
    value: float | None = Field(description="The municipality's employment in it (persons)")
    national_value: float | None = Field(description="National employment in it (persons)")
    national_growth: float | None = Field(description="National growth per year (share, 0.05 = 5 %)")
    why: str = Field(description="The reasons, in words")
    related: list[RelatedIndustry] = Field(description="Industries the municipality has that it is close to")


class QuadrantRow(OpenModel):
    """An industry of the municipality placed by specialisation and growth against its peers."""

    industry: str = Field(description="NACE Rev. 2 division")
    value: float | None = Field(description="Employment in the year analysed (persons)")
    share: float | None = Field(description="Share of the municipality's employment (0-1)")
    lq: float | None = Field(description="Location quotient against the peers")
    growth: float | None = Field(description="Growth since the base year (share); null for a new industry")
    new: bool = Field(description="Absent in the base year")
    peer_growth: float | None = Field(description="The peers' growth in the industry (share)")
    relative_growth: float | None = Field(description="growth - peer_growth")
    quadrant: Literal["strength", "opportunity", "threat", "weakness"]


class Stability(OpenModel):
    """How stable the top opportunities are under bootstrap resampling."""

    top_k: list[str] = Field(description="The top opportunities (NACE divisions)")
    frequency: dict[str, float | None] = Field(
        description="Per NACE division: share of draws (0-1) in which it is among the top"
    )
    mean_jaccard: float | None = Field(description="Mean Jaccard similarity of the draws' top sets (0-1)")
    draws: int
    seed: int


class ShiftShareComponents(OpenModel):
    """Employment change (persons) decomposed; ``change = national_share + industry_mix + competitive``."""

    base: float | None = Field(description="Employment in the base year (persons)")
    final: float | None = Field(description="Employment in the year analysed (persons)")
    change: float | None = Field(description="final - base (persons)")
    national_share: float | None = Field(description="Change had the industry grown as the nation (persons)")
    industry_mix: float | None = Field(description="Change due to the industry's national trend (persons)")
    competitive: float | None = Field(description="Change due to local performance (persons)")


class ShiftShareRow(ShiftShareComponents):
    industry: str = Field(description="NACE Rev. 2 division")


class ShiftShare(OpenModel):
    method: str = Field(description="classic, esteban-marquillas or dynamic")
    components: list[ShiftShareRow]
    totals: ShiftShareComponents = Field(description="The municipality as a whole")


class DiagnosticsRow(OpenModel):
    """What the complexity computation used in one year."""

    year: int
    regions: int
    industries: int
    regions_without_presence: int
    industries_without_presence: int
    second_eigenvalue: float | None
    external_proximity: bool


class EconomyResults(OpenModel):
    """Everything the economy page shows."""

    region: str = Field(description="KATOTTG code of the municipality")
    year: int = Field(description="The year analysed")
    base_year: int = Field(description="Start of growth comparisons")
    years: list[int] = Field(description="The years of the panel")
    structure: list[StructureRow] = Field(description="Sector structure, largest first")
    indices: list[IndexRow] = Field(description="Indices over time, oldest first")
    opportunities: list[OpportunityRow]
    opportunity_weights: dict[str, float] = Field(description="Weight of each criterion in the score")
    not_suggested_sections: list[str] = Field(description="NACE sections never suggested")
    quadrants: list[QuadrantRow]
    stability: Stability
    shift_share: ShiftShare
    diagnostics: list[DiagnosticsRow]
    excluded: int = Field(description="Regions or industries excluded from the computation")


class EconomyAnalysis(ServiceModel):
    """A stored economy analysis with its provenance (data hash, preset, parameters, version)."""

    id: int
    municipality: str = Field(description="KATOTTG code")
    created_at: str = Field(description="When it was computed (ISO 8601)")
    preset: str = Field(description="The complexity conventions (see /economy/presets)")
    data_hash: str = Field(description="Hash of the panel analysed")
    version: str = Field(description="Hromada version that computed it")
    parameters: EconomyParameters
    results: EconomyResults

    @classmethod
    def of(cls, row: AnalysisRun, code: str) -> EconomyAnalysis:
        """A stored run (:class:`~hromada.db.models.AnalysisRun`) of the municipality ``code``."""
        return cls.model_validate(
            {
                "id": row.id,
                "municipality": code,
                "created_at": row.created_at.isoformat(),
                "preset": row.preset,
                "data_hash": row.data_hash,
                "version": row.version,
                "parameters": row.parameters,
                "results": row.results,
            }
        )


_clean = json_safe


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in _clean(row).items()} for row in frame.to_dict(orient="records")]


def analysis_panel(
    session: Session, settings: Settings, principal: Principal, municipality: Municipality
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The national employment panel with the municipality's own statistics in its row.

    Returns the long frame ``year, region, industry, value`` (NACE divisions) and a description of the
    sources (reference dataset and checksum, whether workspace statistics replaced the panel's row).
    """
    require(principal, "read", municipality.id)
    panel = load_reference_panel(session, settings)
    national = panel.employment.rename(columns={"region_code": "region", "sector_code": "industry"})
    national = national.astype({"region": str, "industry": str})
    own = statistics_frame(
        session, principal, municipality, measure="employment", region_code=municipality.code
    )
    divisions = nace_codes("division")
    own = own[own["sector_code"].isin(divisions)]
    dataset = session.scalar(select(ReferenceDataset).where(ReferenceDataset.name == NATIONAL_PANEL))
    sources: dict[str, Any] = {
        "reference": NATIONAL_PANEL,
        "reference_sha256": dataset.sha256 if dataset is not None else None,
        "reference_synthetic": bool(panel.provenance.get("synthetic", True)),
        "workspace_rows": len(own),
    }
    if not own.empty:
        own_long = pd.DataFrame(
            {
                "year": own["year"].astype(int),
                "region": municipality.code,
                "industry": own["sector_code"].astype(str),
                "value": own["value"].astype(float),
            }
        )
        years = set(own_long["year"])
        keep = ~((national["region"] == municipality.code) & national["year"].isin(years))
        national = pd.concat([national[keep], own_long], ignore_index=True)
    if municipality.code not in set(national["region"]):
        raise ValidationError(
            f"No employment figures for {municipality.code}: import employment by NACE division first."
        )
    return national[["year", "region", "industry", "value"]], sources


def _indices_over_time(matrix_by_year: dict[int, pd.DataFrame], code: str) -> pd.DataFrame:
    grouping = {industry: section_of(industry) for industry in next(iter(matrix_by_year.values())).columns}
    rows = []
    for year, matrix in matrix_by_year.items():
        own = matrix.loc[[code]]
        national = matrix.sum(axis=0)
        hhi = herfindahl(own).iloc[0]
        var = variety(own, grouping).iloc[0]
        rows.append(
            {
                "year": year,
                "employment": float(own.to_numpy().sum()),
                "hhi": hhi["hhi"],
                "hhi_normalized": hhi["hhi_normalized"],
                "numbers_equivalent": hhi["numbers_equivalent"],
                "entropy": float(shannon_entropy(own, base=2.0).iloc[0]),
                "related_variety": var["related_variety"],
                "unrelated_variety": var["unrelated_variety"],
                "krugman": float(krugman_specialisation(own, reference=national).iloc[0]),
            }
        )
    return pd.DataFrame(rows)


def _compute(
    data: pd.DataFrame, code: str, *, preset: str, year: int | None, base_year: int | None
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Everything the economy pages show, as JSON-ready tables; plus the parameters and the data hash."""
    result = complexity(data, preset=preset)
    years = [int(y) for y in result.years]
    year = years[-1] if year is None else year
    base_year = years[0] if base_year is None else base_year
    if year not in years or base_year not in years or base_year >= year:
        raise ValidationError(
            f"`base_year` and `year` must be years of the panel ({years[0]}-{years[-1]}), base first"
        )
    panel = result.panel
    by_year = {y: panel.frame(y) for y in years}
    current = by_year[year]
    own = current.loc[code]
    lq = location_quotient(current).loc[code]
    t = panel.year_position(year)
    r = panel.region_position(code)
    structure = pd.DataFrame(
        {
            "industry": current.columns,
            "value": own.to_numpy(),
            "share": (own / own.sum()).to_numpy(),
            "lq": lq.to_numpy(),
            "rca": result.rca[t, r],
            "mcp": result.mcp[t, r],
            "pci": result.pci[t],
            "density": result.density[t, r],
        }
    )
    structure = structure[structure["value"] > 0].sort_values("value", ascending=False)

    indices = _indices_over_time(by_year, code)
    indices["eci"] = result.eci[:, r]
    indices["coi"] = result.coi[:, r]
    indices["diversity"] = result.diversity[:, r]

    opp = opportunities(result, code, year=year, growth_from=base_year)
    candidates = opp.table[~opp.table["industry"].map(section_of).isin(NOT_SUGGESTED)]
    top = candidates.head(_TOP_OPPORTUNITIES).assign(rank=lambda f: range(1, len(f) + 1))
    related = opp.related[opp.related["industry"].isin(top["industry"])]
    related_map = {
        industry: _records(group[["related_industry", "proximity"]])
        for industry, group in related.groupby("industry", sort=False)
    }
    top_records = _records(top)
    for row in top_records:
        row["related"] = related_map.get(row["industry"], [])

    quad = quadrants(panel, code, base_year=base_year, year=year)
    stability = bootstrap_stability(
        panel,
        code,
        year=year,
        top=10,
        draws=_BOOTSTRAP_DRAWS,
        seed=_BOOTSTRAP_SEED,
        preset=preset,
    )
    regional = pd.DataFrame({y: by_year[y].loc[code] for y in years}).T
    national = pd.DataFrame({y: by_year[y].sum(axis=0) for y in years}).T
    window = [y for y in years if base_year <= y <= year]
    shift = dynamic_shift_share(regional.loc[window], national.loc[window])
    components = shift.components.reset_index()
    components = components.rename(columns={components.columns[0]: "industry"})
    components = components[(components["base"] > 0) | (components["final"] > 0)]

    results = {
        "region": code,
        "year": year,
        "base_year": base_year,
        "years": years,
        "structure": _records(structure),
        "indices": _records(indices),
        "opportunities": top_records,
        "opportunity_weights": opp.weights,
        "not_suggested_sections": sorted(NOT_SUGGESTED),
        "quadrants": _records(quad.table),
        "stability": {
            "top_k": list(stability.top_k),
            "frequency": _clean(stability.frequency.to_dict()),
            "mean_jaccard": _clean(stability.mean_jaccard),
            "draws": stability.draws,
            "seed": _BOOTSTRAP_SEED,
        },
        "shift_share": {
            "method": shift.method,
            "components": _records(components),
            "totals": _clean(shift.totals.to_dict()),
        },
        "diagnostics": _records(result.diagnostics.reset_index()),
        "excluded": len(result.excluded),
    }
    parameters = {
        **{k: v for k, v in result.parameters.items() if k != "references"},
        "references": list(result.parameters.get("references", [])),
        "year": year,
        "base_year": base_year,
        "opportunities_top": _TOP_OPPORTUNITIES,
        "bootstrap": {"draws": _BOOTSTRAP_DRAWS, "seed": _BOOTSTRAP_SEED, "top": 10},
    }
    return _clean(results), _clean(parameters), panel.data_hash


def run_analysis(
    session: Session,
    settings: Settings,
    principal: Principal,
    municipality: Municipality,
    *,
    preset: str = "ecomplexity",
    year: int | None = None,
    base_year: int | None = None,
) -> EconomyAnalysis:
    """Analyse the municipality's economy against the national panel and store the run (editors and admins)."""
    require(principal, "write", municipality.id)
    if preset not in PRESETS:
        raise ValidationError(f"`preset` must be one of {', '.join(PRESETS)}; got {preset!r}")
    data, sources = analysis_panel(session, settings, principal, municipality)
    results, parameters, data_hash = _compute(
        data, municipality.code, preset=preset, year=year, base_year=base_year
    )
    parameters["sources"] = _clean(sources)
    row = runs.store(
        session, principal, municipality, domain=DOMAIN, preset=preset, parameters=parameters, results=results,
        data_hash=data_hash,
    )  # fmt: skip
    logger.info("economy analysis %s for %s (%s)", row.id, municipality.code, preset)
    return EconomyAnalysis.of(row, municipality.code)


def latest_analysis(
    session: Session, principal: Principal, municipality: Municipality
) -> EconomyAnalysis | None:
    """The most recent stored economy analysis of the municipality, if any (viewers and up)."""
    require(principal, "read", municipality.id)
    row = runs.latest(session, municipality, DOMAIN)
    return None if row is None else EconomyAnalysis.of(row, municipality.code)


def get_analysis(session: Session, principal: Principal, municipality: Municipality) -> EconomyAnalysis:
    """Like :func:`latest_analysis`, but a missing run is a :class:`NotFoundError` with a hint."""
    analysis = latest_analysis(session, principal, municipality)
    if analysis is None:
        raise NotFoundError("This municipality has no economy analysis yet; run one first.")
    return analysis


@dataclass(frozen=True, slots=True)
class ComplexityFileSummary:
    """What :func:`complexity_file` read, computed and wrote."""

    rows_in: int
    rows_out: int
    years: list[int]
    regions: int
    industries: int
    preset: str
    excluded: int
    data_hash: str


def complexity_file(
    source: Path,
    target: Path,
    *,
    preset: str = "ecomplexity",
    duplicates: Literal["raise", "sum"] = "raise",
    missing: Literal["raise", "zero"] = "raise",
    proximity: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ComplexityFileSummary:
    """Read ``year,region,industry,value`` from ``source``, compute complexity, write one row per cell to ``target``.

    The formats follow the file extensions (``.csv``, ``.xlsx``, ``.parquet``). Output is written year by year
    so that national panels do not need the whole long table in memory. Nothing is written when the input is
    invalid.
    """
    check_format(target)
    data = read_table(
        source, required=("year", "region", "industry", "value"), text_columns=("region", "industry")
    )
    external = None
    if proximity is not None:
        external = read_table(
            proximity,
            required=("industry_1", "industry_2", "proximity"),
            text_columns=("industry_1", "industry_2"),
        )
    try:
        result = complexity(data, preset=preset, duplicates=duplicates, missing=missing, proximity=external)
    except ValidationError as error:
        raise ValidationError(f"{source.name}: {error.message}") from None
    rows = write_frames(target, result.iter_frames(), total=len(result.years), progress=progress)
    return ComplexityFileSummary(
        rows_in=len(data),
        rows_out=rows,
        years=[int(y) for y in result.years],
        regions=len(result.regions),
        industries=len(result.industries),
        preset=result.preset.name,
        excluded=len(result.excluded),
        data_hash=result.panel.data_hash,
    )
