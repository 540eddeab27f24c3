"""REST endpoints of the ``strategy``, ``partners`` and ``projects`` domains: the read side, the ranking and
the funding portfolio (with spreadsheet downloads) and the finance plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from hromada.api.deps import ApiPrincipal
from hromada.api.schemas import ErrorOut
from hromada.errors import NotFoundError, ValidationError
from hromada.services import (
    eligibility,
    finance,
    partners,
    portfolio_text,
    profile,
    project_exports,
    projects,
    strategy,
)
from hromada.services._json import json_safe
from hromada.web.deps import DbSession
from hromada.web.i18n import negotiate, translator

router = APIRouter(tags=["strategy"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}


Locale = Annotated[
    Literal["uk", "en", "de"] | None,
    Query(description="Language of the explanations; default: from Accept-Language, else English."),
]
AcceptLanguage = Annotated[str | None, Header(include_in_schema=False)]


def _locale(locale: str | None, accept_language: str | None) -> str:
    """The asked language: the ``locale`` parameter, else Accept-Language, else English."""
    return locale or negotiate(accept_language, default="en")


def _gettext(locale: str | None, accept_language: str | None) -> Callable[..., str]:
    """The translation function for the asked language."""
    return translator(_locale(locale, accept_language)).gettext


def _node(node: strategy.GoalNode) -> dict[str, Any]:
    return {
        "key": node.goal.key,
        "title": node.goal.title,
        "flags": node.flags,
        "objectives": [_node(child) for child in node.children],
        "kpis": [
            {
                "name": k.name, "unit": k.unit, "baseline": k.baseline_value,
                "baseline_date": k.baseline_date, "target": k.target_value, "deadline": k.target_date,
                "direction": k.direction, "data_source": k.data_source, "flags": flags,
            }
            for k, flags in node.kpis
        ],
        "measures": [m.title for m in node.measures],
    }  # fmt: skip


@router.get("/municipalities/{code}/strategy", responses=_ERRORS)
def get_strategy(db: DbSession, principal: ApiPrincipal, code: str) -> dict[str, Any]:
    """Vision, SWOT (with evidence and status) and goals -> objectives -> KPIs (with SMART flags) -> measures."""
    municipality = profile.get_municipality(db, principal, code)
    record = strategy.get_strategy(db, principal, municipality)
    return json_safe(
        {
            "vision": record.vision if record else "",
            "horizon_year": record.horizon_year if record else None,
            "swot": [
                {
                    "id": i.id,
                    "quadrant": i.quadrant,
                    "text": i.text,
                    "status": i.status,
                    "evidence": i.evidence,
                }
                for i in strategy.swot_items(db, principal, municipality)
            ],
            "goals": [_node(n) for n in strategy.goal_tree(db, principal, municipality)],
        }
    )


@router.get("/municipalities/{code}/strategy/swot-suggestions", responses=_ERRORS)
def swot_suggestions(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    locale: Locale = None,
    accept_language: AcceptLanguage = None,
) -> list[dict[str, Any]]:
    """SWOT items Hromada suggests from the stored analyses, each with its evidence (nothing stored), written
    in the asked language."""
    municipality = profile.get_municipality(db, principal, code)
    chosen = _locale(locale, accept_language)
    return json_safe(
        strategy.suggest_swot(db, principal, municipality, locale=chosen, gettext=translator(chosen).gettext)
    )


@router.get("/municipalities/{code}/partners", responses=_ERRORS)
def get_partners(db: DbSession, principal: ApiPrincipal, code: str) -> dict[str, Any]:
    """Stakeholders (contacts for the team only), consultations with flags, and the network's gaps."""
    municipality = profile.get_municipality(db, principal, code)
    gaps = partners.partner_network(db, principal, municipality)
    return json_safe(
        {
            "stakeholders": partners.stakeholder_rows(db, principal, municipality),
            "consultations": partners.consultations(db, principal, municipality),
            "gaps": {
                "goals_without_partner": gaps.goals_without_partner,
                "partners_without_role": gaps.partners_without_role,
                "projects_without_partner": gaps.projects_without_partner,
            },
            "links": [{"from": a, "to": b, **data} for a, b, data in gaps.graph.edges(data=True)],
        }
    )


@router.get("/municipalities/{code}/projects", responses=_ERRORS)
def get_projects(db: DbSession, principal: ApiPrincipal, code: str) -> dict[str, Any]:
    """The project pipeline and the funding sources."""
    municipality = profile.get_municipality(db, principal, code)
    return json_safe(
        {
            "projects": projects.project_frame(db, principal, municipality).to_dict(orient="records"),
            "sources": projects.source_frame(db, principal, municipality).to_dict(orient="records"),
        }
    )


@router.get("/municipalities/{code}/projects/oc4ids", responses=_ERRORS)
def oc4ids(db: DbSession, principal: ApiPrincipal, code: str) -> dict[str, Any]:
    """The pipeline as an OC4IDS 0.9 project package."""
    municipality = profile.get_municipality(db, principal, code)
    return projects.export_oc4ids(db, principal, municipality)


# ------------------------------------------------------------------------------------ ranking and portfolio

RankMethod = Literal["topsis", "weighted_sum", "promethee_ii"]
Draws = Annotated[
    int, Query(ge=100, le=5000, description="Weight perturbations for the stability analysis (seeded).")
]
_DOWNLOADS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
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


@router.get("/municipalities/{code}/projects/ranking", responses=_ERRORS)
def get_ranking(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    method: RankMethod = "topsis",
    draws: Draws = 2000,
    locale: Locale = None,
    accept_language: AcceptLanguage = None,
) -> dict[str, Any]:
    """Gate, rank and stress-test the pipeline under the published criteria (nothing stored): the criteria and
    weights, the published eligibility gates and every failed gate with its reason (in the asked language),
    the ranking by ``method`` with the other methods' ranks, their agreement, the rank stability under
    perturbed weights and the computation trace."""
    municipality = profile.get_municipality(db, principal, code)
    return projects.rank_projects(
        db, principal, municipality, method=method, draws=draws, gettext=_gettext(locale, accept_language)
    )


@router.get("/municipalities/{code}/projects/ranking.{fmt}", responses=_DOWNLOADS)
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
        db, principal, municipality, method=method, draws=draws, gettext=_gettext(locale, accept_language)
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


def _run(row: Any) -> dict[str, Any]:
    return {
        "id": row.id, "domain": row.domain, "created_at": row.created_at.isoformat(), "data_hash": row.data_hash,
        "version": row.version, "parameters": row.parameters, "results": row.results,
    }  # fmt: skip


@router.post("/municipalities/{code}/projects/portfolio", responses=_ERRORS, status_code=201)
def run_portfolio(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    body: Annotated[PortfolioIn | None, Body()] = None,
    locale: Locale = None,
    accept_language: AcceptLanguage = None,
) -> dict[str, Any]:
    """Choose and fund the eligible projects from the sources within the borrowing rule (editors and admins);
    stored. The results hold the funded projects with their funding mix, the money by source and year, the
    unfunded projects with the reason (``reason`` in the asked language, ``why`` as data), the debt check
    and the solver's explanation (``explanation`` in the asked language, ``notices`` as data)."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    spec = body or PortfolioIn()
    row = projects.plan_portfolio(
        db, principal, municipality, method=spec.method, years=spec.years, time_limit=spec.time_limit
    )
    db.commit()
    return _portfolio_run(row, _gettext(locale, accept_language))


def _portfolio_run(row: Any, gettext: Callable[..., str]) -> dict[str, Any]:
    """A stored portfolio with its reasons, notes, explanation and status worded in the asked language."""
    out = _run(row)
    results = dict(out["results"])
    selected, gap, explanation = portfolio_text.worded(results, gettext, keep_data=True)
    results.update(
        selected=selected, gap=gap, explanation=explanation,
        status_label=portfolio_text.status_label(str(results.get("status")), gettext),
    )  # fmt: skip
    return {**out, "results": results}


def _latest_portfolio(db: DbSession, principal: ApiPrincipal, code: str) -> Any:
    municipality = profile.get_municipality(db, principal, code)
    row = projects.latest_portfolio(db, principal, municipality)
    if row is None:
        raise NotFoundError(
            "No funding portfolio yet; an editor runs one with POST "
            f"/api/v1/municipalities/{municipality.code}/projects/portfolio."
        )
    return row


@router.get("/municipalities/{code}/projects/portfolio", responses=_ERRORS)
def get_portfolio(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    locale: Locale = None,
    accept_language: AcceptLanguage = None,
) -> dict[str, Any]:
    """The latest stored funding portfolio, its reasons and explanation in the asked language (``locale``,
    else Accept-Language, else English); ``why`` and ``notices`` hold the same as data."""
    return _portfolio_run(_latest_portfolio(db, principal, code), _gettext(locale, accept_language))


@router.get("/municipalities/{code}/projects/portfolio.{fmt}", responses=_DOWNLOADS)
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
    tables = project_exports.portfolio_tables(row.results, _gettext(locale, accept_language))
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


def _plan_out(db: DbSession, principal: ApiPrincipal, municipality: Any) -> dict[str, Any]:
    plan = finance.get_plan(db, principal, municipality)
    years = finance.planning_years(plan)
    return json_safe(
        {
            "stored": plan is not None,
            "first_year": years[0],
            "last_year": years[-1],
            "years": list(years),
            "revenue": plan.revenue if plan is not None else {},
            "debt_service_share": plan.debt_service_share if plan is not None else None,
            "max_debt_ratio": plan.max_debt_ratio if plan is not None else None,
            "existing_service": plan.existing_service if plan is not None else {},
            "existing_debt": plan.existing_debt if plan is not None else {},
            "criteria": [
                {"criterion": name, "weight": weight, "direction": direction}
                for name, (weight, direction) in finance.criteria_of(plan).items()
            ],
            "weights_from": "ahp"
            if plan is not None and plan.ahp
            else ("typed" if plan is not None and plan.criteria else "default"),
            "ahp": plan.ahp if plan is not None else None,
            "gates": [
                {**spec, "description": eligibility.describe(spec)} for spec in eligibility.gate_specs(plan)
            ],
            "gates_from": "default" if plan is None or plan.gates is None else "municipality",
            "updated_at": plan.updated_at if plan is not None else None,
        }
    )


@router.get("/municipalities/{code}/finance-plan", responses=_ERRORS)
def get_finance_plan(db: DbSession, principal: ApiPrincipal, code: str) -> dict[str, Any]:
    """Planning years, revenue forecast, borrowing limits, the published criteria and the AHP judgements
    they came from (the defaults while none is stored: ``stored`` is false)."""
    municipality = profile.get_municipality(db, principal, code)
    return _plan_out(db, principal, municipality)


def _judgements(items: list[JudgementIn]) -> list[tuple[str, str, float | str]]:
    return [(j.a, j.b, j.value) for j in items]


@router.put("/municipalities/{code}/finance-plan", responses=_ERRORS)
def put_finance_plan(
    db: DbSession, principal: ApiPrincipal, code: str, body: FinancePlanIn
) -> dict[str, Any]:
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
    db.commit()
    return _plan_out(db, principal, municipality)


@router.put("/municipalities/{code}/finance-plan/gates", responses=_ERRORS)
def put_gates(db: DbSession, principal: ApiPrincipal, code: str, body: GatesIn) -> dict[str, Any]:
    """Publish the eligibility gates (editors and admins); a bad rule is refused (422) naming it, and
    nothing is stored. Answers with the whole finance plan."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    specs = None if body.gates is None else [g.model_dump() for g in body.gates]
    eligibility.set_gates(db, principal, municipality, specs)
    db.commit()
    return _plan_out(db, principal, municipality)


@router.post("/municipalities/{code}/finance-plan/ahp", responses=_ERRORS)
def post_ahp(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    body: AhpIn,
    dry_run: Annotated[bool, Query(description="Only compute the weights; store nothing.")] = False,
) -> dict[str, Any]:
    """Weights of the published criteria from pairwise judgements (Saaty's 1-9 scale) and their consistency
    ratio; stored as the published weights unless ``dry_run`` (editors and admins). Judgements with a
    consistency ratio above 0.10 are refused (422) naming the comparison to revisit; a dry run reports them."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    judgements = _judgements(body.judgements)
    if dry_run:
        names = list(finance.criteria_of(finance.get_plan(db, principal, municipality)))
        outcome = finance.preview_ahp(names, judgements)
    else:
        outcome = finance.set_ahp(db, principal, municipality, judgements, directions=body.directions)
        db.commit()
    worst = None
    if outcome.worst is not None:
        a, b, judged, implied = outcome.worst
        worst = {"a": a, "b": b, "judged": judged, "implied": implied}
    return json_safe(
        {
            "weights": outcome.weights,
            "consistency_ratio": outcome.consistency_ratio,
            "consistent": outcome.consistent,
            "worst": worst,
            "stored": not dry_run,
        }
    )
