"""REST endpoints of the ``projects`` domain: the pipeline and its OC4IDS export, the ranking and the funding
portfolio (with spreadsheet downloads), the finance plan, eligibility gates and AHP weights."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from hromada.api._common import ERRORS, AcceptLanguage, Locale, asked_gettext
from hromada.api.deps import ApiPrincipal
from hromada.errors import NotFoundError, ValidationError
from hromada.http.deps import DbSession
from hromada.services import profile, projects
from hromada.services.projects import eligibility, finance, project_exports, project_results

router = APIRouter(tags=["projects"])


@router.get("/municipalities/{code}/projects", responses=ERRORS)
def get_projects(db: DbSession, principal: ApiPrincipal, code: str) -> project_results.PipelineView:
    """The project pipeline and the funding sources."""
    municipality = profile.get_municipality(db, principal, code)
    return project_results.pipeline_view(db, principal, municipality)


@router.get("/municipalities/{code}/projects/oc4ids", responses=ERRORS)
def oc4ids(db: DbSession, principal: ApiPrincipal, code: str) -> project_results.Oc4idsPackage:
    """The pipeline as an OC4IDS 0.9 project package."""
    municipality = profile.get_municipality(db, principal, code)
    return project_results.oc4ids_package(db, principal, municipality)


# ------------------------------------------------------------------------------------ ranking and portfolio

RankMethod = Literal["topsis", "weighted_sum", "promethee_ii"]
Draws = Annotated[
    int, Query(ge=100, le=5000, description="Weight perturbations for the stability analysis (seeded).")
]
_DOWNLOADS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    200: {
        "description": "The tables as an XLSX workbook (a sheet each) or the main table as CSV.",
        "content": {media: {} for media in project_exports.MEDIA_TYPES.values()},
    },
}


def _attachment(tables: dict[str, Any], fmt: project_exports.ExportFormat, stem: str) -> Response:
    content, media_type, extension = project_exports.export_bytes(tables, fmt)
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{extension}"'},
    )


@router.get("/municipalities/{code}/projects/ranking", responses=ERRORS)
def get_ranking(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    method: RankMethod = "topsis",
    draws: Draws = 2000,
    locale: Locale = None,
    accept_language: AcceptLanguage = None,
) -> project_results.RankingView:
    """Gate, rank and stress-test the pipeline under the published criteria (nothing stored): the criteria and
    weights, the published eligibility gates and every failed gate with its reason (in the asked language),
    the ranking by ``method`` with the other methods' ranks, their agreement, the rank stability under
    perturbed weights and the computation trace."""
    municipality = profile.get_municipality(db, principal, code)
    return project_results.ranking_view(
        db,
        principal,
        municipality,
        method=method,
        draws=draws,
        gettext=asked_gettext(locale, accept_language),
    )


@router.get("/municipalities/{code}/projects/ranking.{fmt}", responses=_DOWNLOADS, response_class=Response)
def download_ranking(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    fmt: project_exports.ExportFormat,
    method: RankMethod = "topsis",
    draws: Draws = 2000,
    locale: Locale = None,
    accept_language: AcceptLanguage = None,
) -> Response:
    """The ranking as a download: XLSX with the sheets ranking, criteria, eligibility, stability and about;
    CSV with the ranking table only."""
    municipality = profile.get_municipality(db, principal, code)
    ranking = projects.rank_projects(
        db,
        principal,
        municipality,
        method=method,
        draws=draws,
        gettext=asked_gettext(locale, accept_language),
    )
    return _attachment(
        project_exports.ranking_tables(ranking), fmt, f"hromada-{municipality.code}-ranking-{method}"
    )


class PortfolioIn(BaseModel):
    method: RankMethod = Field(default="topsis", description="The ranking that gives the priorities.")
    years: list[int] | None = Field(
        default=None,
        min_length=1,
        max_length=16,
        description="Consecutive planning years; default: the finance plan's.",
    )
    time_limit: float = Field(default=30.0, gt=0, le=120, description="Solver time limit in seconds.")


@router.post("/municipalities/{code}/projects/portfolio", responses=ERRORS, status_code=201)
def run_portfolio(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    body: Annotated[PortfolioIn | None, Body()] = None,
    locale: Locale = None,
    accept_language: AcceptLanguage = None,
) -> project_results.PortfolioRun:
    """Choose and fund the eligible projects from the sources within the borrowing rule (editors and admins);
    stored. The results hold the funded projects with their funding mix, the money by source and year, the
    unfunded projects with the reason (``reason`` in the asked language, ``why`` as data), the debt check
    and the solver's explanation (``explanation`` in the asked language, ``notices`` as data)."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    spec = body or PortfolioIn()
    row = projects.plan_portfolio(
        db, principal, municipality, method=spec.method, years=spec.years, time_limit=spec.time_limit
    )
    return project_results.portfolio_run(row, asked_gettext(locale, accept_language))


def _latest_portfolio(db: DbSession, principal: ApiPrincipal, code: str) -> Any:
    municipality = profile.get_municipality(db, principal, code)
    row = projects.latest_portfolio(db, principal, municipality)
    if row is None:
        raise NotFoundError(
            "No funding portfolio yet; an editor runs one with POST "
            f"/api/v1/municipalities/{municipality.code}/projects/portfolio."
        )
    return row


@router.get("/municipalities/{code}/projects/portfolio", responses=ERRORS)
def get_portfolio(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    locale: Locale = None,
    accept_language: AcceptLanguage = None,
) -> project_results.PortfolioRun:
    """The latest stored funding portfolio, its reasons and explanation in the asked language (``locale``,
    else Accept-Language, else English); ``why`` and ``notices`` hold the same as data."""
    return project_results.portfolio_run(
        _latest_portfolio(db, principal, code), asked_gettext(locale, accept_language)
    )


@router.get("/municipalities/{code}/projects/portfolio.{fmt}", responses=_DOWNLOADS, response_class=Response)
def download_portfolio(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    fmt: project_exports.ExportFormat,
    locale: Locale = None,
    accept_language: AcceptLanguage = None,
) -> Response:
    """The latest funding portfolio as a download: XLSX with the sheets selected, funding, cash_flow, gap,
    debt_service and about; CSV with the selected projects only. Reasons in the asked language."""
    row = _latest_portfolio(db, principal, code)
    stem = f"hromada-{code}-portfolio"
    tables = project_exports.portfolio_tables(row.results, asked_gettext(locale, accept_language))
    return _attachment(tables, fmt, stem)


# ------------------------------------------------------------------------------------------ finance plan


class CriterionIn(BaseModel):
    criterion: str = Field(
        min_length=1, max_length=100, description="The name the projects score (c:<name>)."
    )
    weight: float = Field(default=1.0, gt=0, description="Relative weight (normalised to sum to 1).")
    direction: Literal["benefit", "cost"] = "benefit"


class JudgementIn(BaseModel):
    a: str
    b: str
    value: float | str = Field(
        description='How many times ``a`` matters more than ``b`` on Saaty\'s 1-9 scale ("1/3" is accepted).'
    )


class FinancePlanIn(BaseModel):
    first_year: int
    last_year: int
    revenue: dict[int, float] = Field(default_factory=dict, description="Year -> forecast revenue (UAH).")
    debt_service_share: float | None = Field(
        default=None, description="Largest share of revenue for debt service; null: not checked."
    )
    max_debt_ratio: float | None = Field(
        default=None, description="Largest outstanding debt as a multiple of revenue; null: not checked."
    )
    existing_service: dict[int, float] = Field(default_factory=dict)
    existing_debt: dict[int, float] = Field(default_factory=dict)
    criteria: list[CriterionIn] | None = Field(
        default=None, description="Publish these criteria with typed weights; left out: the criteria stay."
    )
    judgements: list[JudgementIn] | None = Field(
        default=None, description="Derive the weights from AHP judgements (after ``criteria``, if given)."
    )


class GateIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="Short name, shown with every failure.")
    column: str = Field(
        description="The project column tested: "
        + ", ".join(eligibility.GATE_COLUMNS)
        + ", or a criterion score c:<criterion>."
    )
    op: Literal[">=", ">", "<=", "<", "==", "!=", "in", "not in", "is true", "is false"]
    value: float | str | list[str] | None = Field(
        default=None,
        description="The threshold (a share 0-1 for cofinancing_share, UAH for cost); a list for in/not in; "
        "nothing for is true/is false.",
    )
    message: str = Field(
        default="",
        max_length=300,
        description="Optional reason shown on failure, a template with {value}, {required}, {project}; "
        "default: a sentence in the asked language.",
    )


class GatesIn(BaseModel):
    gates: list[GateIn] | None = Field(
        description="The rules every project must pass; [] publishes none; null returns to the default rules."
    )


class AhpIn(BaseModel):
    judgements: list[JudgementIn] = Field(min_length=1)
    directions: dict[str, Literal["benefit", "cost"]] | None = None


@router.get("/municipalities/{code}/finance-plan", responses=ERRORS)
def get_finance_plan(db: DbSession, principal: ApiPrincipal, code: str) -> finance.FinancePlanView:
    """Planning years, revenue forecast, borrowing limits, the published criteria and the AHP judgements
    they came from (the defaults while none is stored: ``stored`` is false)."""
    municipality = profile.get_municipality(db, principal, code)
    return finance.plan_view(db, principal, municipality)


def _judgements(items: list[JudgementIn]) -> list[tuple[str, str, float | str]]:
    return [(j.a, j.b, j.value) for j in items]


@router.put("/municipalities/{code}/finance-plan", responses=ERRORS)
def put_finance_plan(
    db: DbSession, principal: ApiPrincipal, code: str, body: FinancePlanIn
) -> finance.FinancePlanView:
    """Set the planning years and the borrowing rule, and optionally publish criteria (typed weights, or
    weights from AHP judgements); editors and admins. All or nothing."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    finance.set_plan(
        db, principal, municipality, first_year=body.first_year, last_year=body.last_year,
        revenue=body.revenue, debt_service_share=body.debt_service_share, max_debt_ratio=body.max_debt_ratio,
        existing_service=body.existing_service, existing_debt=body.existing_debt,
    )  # fmt: skip
    if body.criteria is not None:
        names = [c.criterion.strip() for c in body.criteria]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValidationError(f"every criterion must be named once; repeated: {', '.join(repeated)}")
        finance.set_criteria(
            db, principal, municipality, {c.criterion.strip(): (c.weight, c.direction) for c in body.criteria}
        )
    if body.judgements is not None:
        finance.set_ahp(db, principal, municipality, _judgements(body.judgements))
    return finance.plan_view(db, principal, municipality)


@router.put("/municipalities/{code}/finance-plan/gates", responses=ERRORS)
def put_gates(db: DbSession, principal: ApiPrincipal, code: str, body: GatesIn) -> finance.FinancePlanView:
    """Publish the eligibility gates (editors and admins); a bad rule is refused (422) naming it, and
    nothing is stored. Answers with the whole finance plan."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    specs = None if body.gates is None else [g.model_dump() for g in body.gates]
    eligibility.set_gates(db, principal, municipality, specs)
    return finance.plan_view(db, principal, municipality)


@router.post("/municipalities/{code}/finance-plan/ahp", responses=ERRORS)
def post_ahp(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    body: AhpIn,
    dry_run: Annotated[bool, Query(description="Only compute the weights; store nothing.")] = False,
) -> finance.AhpView:
    """Weights of the published criteria from pairwise judgements (Saaty's 1-9 scale) and their consistency
    ratio; stored as the published weights unless ``dry_run`` (editors and admins). Judgements with a
    consistency ratio above 0.10 are refused (422) naming the comparison to revisit; a dry run reports them."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    return finance.weigh_criteria(
        db, principal, municipality, _judgements(body.judgements), directions=body.directions, dry_run=dry_run
    )
