"""Typed results of the ``projects`` domain: the pipeline, its OC4IDS package, the ranking and the stored
funding portfolio (the REST API's response models; pages, the CLI and the downloads can read them too).

The builders wrap :mod:`hromada.services.projects`: :func:`pipeline_view`, :func:`oc4ids_package`,
:func:`ranking_view` and :func:`portfolio_run`. Table rows type their documented columns and keep the
columns that vary with the data (criterion scores ``c:<criterion>``, amounts ``amount_<year>``, one amount per
funding source) as further fields. A stored portfolio keeps whatever its version stored: the sections a
later version added are left out of an older run rather than shown empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import ConfigDict, Field
from sqlalchemy.orm import Session

from hromada.db.models import AnalysisRun, Municipality
from hromada.services import projects
from hromada.services._json import OpenModel, ServiceModel
from hromada.services.access import Principal
from hromada.services.projects import finance, portfolio_text
from hromada.services.projects.finance import CriterionView, GateView, WeightsFrom

__all__ = [
    "AgreementRow",
    "CashFlowRow",
    "DebtCheckView",
    "DebtServiceRow",
    "FundingRow",
    "GapRow",
    "GateFailure",
    "Oc4idsPackage",
    "PipelineView",
    "PortfolioParameters",
    "PortfolioResults",
    "PortfolioRun",
    "ProjectRow",
    "RankingRow",
    "RankingView",
    "SelectedProject",
    "SourceRow",
    "StabilityRow",
    "oc4ids_package",
    "pipeline_view",
    "plan_years",
    "portfolio_results",
    "portfolio_run",
    "ranking_view",
]

RankMethod = Literal["topsis", "weighted_sum", "promethee_ii"]
PortfolioStatus = Literal["optimal", "time_limit", "infeasible", "error"]


def _is_none(value: Any) -> bool:
    return value is None


def _optional(description: str) -> Any:
    """A field left out of the JSON when absent (None): one the data may not have."""
    return Field(default=None, exclude_if=_is_none, description=description)


# --------------------------------------------------------------------------------------------------------
# Pipeline and OC4IDS


class ProjectRow(OpenModel):
    """A project of the pipeline; further fields ``c:<criterion>`` hold its criterion scores."""

    key: str
    title: str
    description: str
    stage: str = Field(description="OC4IDS status: " + ", ".join(projects.STAGES) + ".")
    type: str = Field(description="OC4IDS project type, such as rehabilitation or construction.")
    sector: str = Field(description="RDNA sector code.")
    cost: float
    currency: str
    cost_date: dt.date | None = Field(description="The date the cost estimate refers to.")
    start_year: int | None
    duration_years: int
    location: str = Field(description="The project's public description of its place.")
    location_status: str = Field(description="rear, hosting-idp, de-occupied, frontline or occupied.")
    documents_ready: bool
    strategy_aligned: bool
    cofinancing_share: float = Field(description="Local co-financing as a share of the cost (0-1).")
    goal_keys: list[str] = Field(description="Goals and objectives of the strategy it serves.")
    asset_keys: list[str] = Field(description="Infrastructure assets it restores.")
    need_ids: list[int] = Field(description="Ledger needs it meets.")
    depends_on: list[str] = Field(description="Keys of projects it needs.")
    excludes: list[str] = Field(description="Keys of alternative projects (at most one of them is funded).")


class SourceRow(OpenModel):
    """A funding source; further fields ``amount_<year>`` hold the money available each year (UAH)."""

    source_id: str
    name: str
    kind: str = Field(
        description="own_budget, state_subvention, regional_fund, ifi_loan, grant, donor or ppp."
    )
    eligible_sectors: str = Field(description='Sectors it accepts, separated by ";"; "*": any.')
    eligible_types: str = Field(description='Project types it accepts, separated by ";"; "*": any.')
    max_share: float = Field(description="The largest share of a project's cost it may cover.")
    interest_rate: float | None = Field(description="Loans: annual interest rate (0.05 = 5 %).")
    tenor_years: int | None = Field(description="Loans: years to the last repayment, grace included.")
    grace_years: int | None = Field(description="Loans: years of interest-only payments.")


class PipelineView(ServiceModel):
    """The project pipeline and the funding sources."""

    projects: list[ProjectRow]
    sources: list[SourceRow]


class Oc4idsPublisher(OpenModel):
    """Who publishes the package: the municipality."""

    name: str


class Oc4idsPackage(ServiceModel):
    """An OC4IDS 0.9 project package (https://standard.open-contracting.org/infrastructure/)."""

    model_config = ConfigDict(
        frozen=True, validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    uri: str = Field(description="Where this package is published.")
    published_date: str = Field(alias="publishedDate", description="When it was published (ISO 8601, UTC).")
    publisher: Oc4idsPublisher
    version: str = Field(description="The OC4IDS version: 0.9.")
    projects: list[dict[str, Any]] = Field(
        description="The projects, each an OC4IDS project (see the OC4IDS 0.9 project schema: id, title, "
        "status, type, sector, budget, period, locations, additionalClassifications)."
    )


def pipeline_view(session: Session, principal: Principal, municipality: Municipality) -> PipelineView:
    """The pipeline and the funding sources (readers and up)."""
    return PipelineView.model_validate(
        {
            "projects": projects.project_frame(session, principal, municipality).to_dict(orient="records"),
            "sources": projects.source_frame(session, principal, municipality).to_dict(orient="records"),
        }
    )


def oc4ids_package(session: Session, principal: Principal, municipality: Municipality) -> Oc4idsPackage:
    """The pipeline as an OC4IDS project package (no restricted data; see :func:`projects.export_oc4ids`)."""
    return Oc4idsPackage.model_validate(projects.export_oc4ids(session, principal, municipality))


# --------------------------------------------------------------------------------------------------------
# Ranking


class GateFailure(ServiceModel):
    """A project failing an eligibility gate, and why (in the asked language)."""

    project: str
    gate: str
    reason: str


class RankingRow(ServiceModel):
    """An eligible project's rank by the chosen method, with its ranks by the other methods."""

    key: str
    title: str
    rank: int
    score: float | None = Field(description="The chosen method's score (higher is better).")
    topsis: int
    weighted_sum: int
    promethee_ii: int


class AgreementRow(ServiceModel):
    """How two methods' rankings agree (null where a ranking's scores are all equal)."""

    first: str
    second: str
    kendall_tau_b: float | None
    kendall_pvalue: float | None
    spearman: float | None
    spearman_pvalue: float | None


class StabilityRow(OpenModel):
    """A project's rank under seeded random perturbations of the weights."""

    key: str
    base_rank: int
    base_score: float | None
    rank_mean: float | None
    rank_std: float | None
    rank_p5: int = Field(description="5th percentile of the rank.")
    rank_p95: int = Field(description="95th percentile of the rank.")
    p_first: float = Field(description="Share of draws ranking it first.")
    p_top_k: float = Field(description="Share of draws ranking it in the top k (10, or all when fewer).")


class RankingView(ServiceModel):
    """The gated, ranked and stress-tested pipeline (nothing stored)."""

    method: RankMethod
    criteria: list[CriterionView]
    weights_from: WeightsFrom
    consistency_ratio: float | None = Field(
        description="Of the AHP judgements, when the weights come from them."
    )
    gates: list[GateView] = Field(
        description="The published eligibility gates, described in the asked language."
    )
    gates_from: Literal["default", "municipality"]
    failures: list[GateFailure] = Field(description="Every failed gate of every active project.")
    eligible: list[str] = Field(description="Keys of the projects that pass every gate.")
    ranking: list[RankingRow] = Field(description="The eligible projects, best first.")
    agreement: list[AgreementRow] = Field(description="Kendall and Spearman between every pair of methods.")
    stability: list[StabilityRow]
    top_k_unchanged: float | None = _optional(
        "Share of weight draws keeping the same top k; absent with fewer than two eligible projects."
    )
    draws: int | None = _optional("Weight perturbations drawn; absent with fewer than two eligible projects.")
    trace: dict[str, list[dict[str, Any]]] | None = _optional(
        "The chosen method's computation, table by table (tables over 500 rows left out); absent with fewer "
        "than two eligible projects."
    )


def ranking_view(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    method: str = "topsis",
    draws: int = 2000,
    gettext: Callable[..., str] | None = None,
) -> RankingView:
    """Gate, rank and stress-test the pipeline (:func:`projects.rank_projects`), typed."""
    return RankingView.model_validate(
        projects.rank_projects(session, principal, municipality, method=method, draws=draws, gettext=gettext)
    )


# --------------------------------------------------------------------------------------------------------
# Funding portfolio


class SelectedProject(OpenModel):
    """A funded project with its funding mix; further fields, one per source (by ``source_id``), hold the
    amount from that source (UAH)."""

    project_id: str
    priority: float | None = Field(description="The ranking score used as priority.")
    cost: float
    own_share: float | None = Field(description="Share of the cost from the own budget.")
    loan_share: float | None = Field(description="Share of the cost from loans.")
    title: str | None = _optional("The project's title.")
    note_why: dict[str, Any] | None = _optional(
        'Why its schedule was moved into the plan, as data ({"code": "moved_start", "start", "first"}); '
        "absent when it was not."
    )
    note: str | None = _optional("The same note in the asked language; absent when there is none.")

    def amounts(self) -> dict[str, float]:
        """The amount from each funding source (the further fields, by ``source_id``; UAH)."""
        return {str(k): float(v or 0.0) for k, v in (self.model_extra or {}).items()}


class FundingRow(ServiceModel):
    """Money from one source to one project in one year."""

    project_id: str
    source_id: str
    kind: str
    year: int
    amount: float


class CashFlowRow(ServiceModel):
    """A source's money in one year: available, used and remaining."""

    year: int
    source_id: str
    kind: str
    available: float
    used: float
    remaining: float


class GapRow(OpenModel):
    """An eligible project left unfunded, and why."""

    project_id: str
    priority: float | None
    cost: float
    reason: str = Field(description="Why it is not funded, in the asked language.")
    why: dict[str, Any] | None = _optional(
        'The same reason as data: {"code": "alone" | "needs" | "needs_unfundable" | "excludes" | "runs_past" | '
        '"outranked", ...}; absent in runs stored before reasons were kept as data.'
    )
    title: str | None = _optional("The project's title.")


class DebtServiceRow(ServiceModel):
    """Debt service (and, with a debt ratio, debt stock) in one checked year (UAH)."""

    year: int
    revenue: float
    limit: float = Field(description="The debt service the rule allows.")
    existing: float
    new: float
    total: float
    debt_limit: float | None = _optional("The debt stock the rule allows; absent without a debt ratio.")
    existing_debt: float | None = _optional("Absent without a debt ratio.")
    new_debt: float | None = _optional("Absent without a debt ratio.")
    total_debt: float | None = _optional("End-of-year debt; absent without a debt ratio.")


class DebtCheckView(ServiceModel):
    """The portfolio's debt service against the borrowing rule; only ``checked`` (false) without a rule."""

    checked: bool
    limit_share: float | None = _optional("The largest share of revenue for debt service.")
    worst_year: int | None = _optional("The year with the highest debt service share.")
    worst_share: float | None = _optional("That share.")
    within: bool | None = _optional("Whether the rule holds in every year.")
    max_debt_ratio: float | None = _optional("The debt-stock limit as a multiple of revenue, when set.")
    worst_debt_ratio: float | None = _optional("The highest end-of-year debt as a multiple of revenue.")


class PortfolioParameters(OpenModel):
    """What the portfolio was computed under."""

    years: list[int]
    criteria: list[CriterionView]
    gates: list[GateView] | None = _optional("The eligibility gates applied (described in English).")
    debt_service_share: float | None = Field(
        default=None, description="The borrowing rule's share; null: none."
    )
    max_debt_ratio: float | None = Field(default=None, description="The debt-stock limit; null: none.")


class PortfolioResults(OpenModel):
    """The funded projects, the money by source and year, the unfunded projects with their reasons, the debt
    check and the solver's explanation; reasons, notes and explanation worded in the asked language beside
    the same as data (``why``, ``note_why``, ``notices``)."""

    status: PortfolioStatus
    objective: float | None = Field(description="Total priority of the funded projects.")
    mip_gap: float | None = Field(description="Relative gap to the solver's bound (0: proven optimal).")
    years: list[int] | None = _optional("The planning years.")
    selected: list[SelectedProject] = Field(description="The funded projects, highest priority first.")
    funding: list[FundingRow]
    cash_flow: list[CashFlowRow]
    gap: list[GapRow] = Field(description="The eligible projects not funded, highest priority first.")
    funding_gap: float | None = Field(description="Total cost of the projects not funded (UAH).")
    debt_service: list[DebtServiceRow] = Field(description="By checked year; empty without a borrowing rule.")
    debt_check: DebtCheckView | None = _optional("The borrowing rule checked.")
    dependencies: list[tuple[str, str]] | None = _optional("[project, the project it needs] pairs applied.")
    exclusions: list[tuple[str, str]] | None = _optional("Pairs of alternative projects applied.")
    explanation: list[str] = Field(
        description="Why the portfolio is infeasible, empty or stopped early, in the asked language."
    )
    notices: list[dict[str, Any]] | None = _optional(
        'The explanation as data ({"code": ..., ...}); absent in runs stored before it was kept as data.'
    )
    seconds: float | None = Field(description="Wall time of the computation.")
    ranking_method: str = Field(description="The ranking that gave the priorities.")
    criteria: list[CriterionView] | None = _optional("The published criteria of that ranking.")
    weights_from: WeightsFrom | None = _optional("Where the weights came from.")
    gates: list[GateView] | None = _optional("The eligibility gates applied (described in English).")
    ineligible: list[GateFailure] | None = _optional("The projects failing a gate, and why (in English).")
    status_label: str = Field(description="The status in words, in the asked language.")


class PortfolioRun(ServiceModel):
    """A stored funding portfolio: the run's record and its results."""

    id: int
    domain: str
    created_at: str = Field(description="When it was computed (ISO 8601).")
    data_hash: str = Field(description="Hash of the projects, sources and rules it was computed from.")
    version: str = Field(description="The Hromada version that computed it.")
    parameters: PortfolioParameters
    results: PortfolioResults


def _worded(results: Mapping[str, Any], gettext: Callable[..., str] | None) -> dict[str, Any]:
    worded = dict(results)
    selected, gap, explanation = portfolio_text.worded(results, gettext, keep_data=True)
    worded.update(
        selected=selected, gap=gap, explanation=explanation,
        status_label=portfolio_text.status_label(str(results.get("status")), gettext),
    )  # fmt: skip
    return worded


def portfolio_results(
    results: Mapping[str, Any], gettext: Callable[..., str] | None = None
) -> PortfolioResults:
    """The stored results of a portfolio run with their reasons, notes, explanation and status worded in the
    interface language (English without ``gettext``), the reasons beside them as data.

    A run stores its reasons only as data (``why``, ``note_why``, ``notices``); a run stored by an older
    version that has the English text but not the data (``reason``, ``note``, ``explanation``) shows that text.
    """
    return PortfolioResults.model_validate(_worded(results, gettext))


def portfolio_run(row: AnalysisRun, gettext: Callable[..., str] | None = None) -> PortfolioRun:
    """A stored portfolio (:func:`projects.plan_portfolio`, :func:`projects.latest_portfolio`), its results
    worded as by :func:`portfolio_results`."""
    return PortfolioRun.model_validate(
        {
            "id": row.id, "domain": row.domain, "created_at": row.created_at.isoformat(),
            "data_hash": row.data_hash, "version": row.version, "parameters": row.parameters,
            "results": _worded(row.results, gettext),
        }
    )  # fmt: skip


def plan_years(session: Session, principal: Principal, municipality: Municipality) -> list[int]:
    """The years a portfolio would be planned for now: the finance plan's, else the years the pipeline's
    projects run (:func:`projects.portfolio_years`), else the default planning years (readers and up)."""
    plan = finance.get_plan(session, principal, municipality)
    frame = projects.project_frame(session, principal, municipality)
    return list(projects.portfolio_years(plan, frame) if not frame.empty else finance.planning_years(plan))
