"""Projects page: pipeline board by stage, eligibility gates, ranking with method switch and sensitivity,
portfolio with funding mix, gap and debt check."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hromada.errors import NotFoundError, ValidationError
from hromada.i18n import translator
from hromada.services import profile, projects
from hromada.services.projects import eligibility, finance, project_exports, project_results
from hromada.web.deps import CurrentPrincipal, DbSession, PostedForm, locale_of, render
from hromada.web.pages.projects_charts import debt_figure, funding_figure, sensitivity_figure

#: Saaty's scale as the form offers it, left criterion first: ("9", "◀ 9") ... ("1", "= 1") ... ("1/9", "9 ▶").
SCALE: tuple[tuple[str, str], ...] = (
    *((str(v), f"◀ {v}") for v in range(9, 1, -1)),
    ("1", "= 1"),
    *((f"1/{v}", f"{v} ▶") for v in range(2, 10)),
)

router = APIRouter()


@router.get("/municipalities/{code}/projects")
def projects_page(
    request: Request, db: DbSession, principal: CurrentPrincipal, code: str, method: str = "topsis"
) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    tr = translator(locale_of(request))
    pipeline = project_results.pipeline_view(db, principal, municipality)
    records = pipeline.projects
    context: dict[str, Any] = {
        "municipality": municipality,
        "stages": projects.STAGES,
        "board": {stage: [r for r in records if r.stage == stage] for stage in projects.STAGES},
        "method": method,
        "methods": projects.RANK_METHODS,
        "can_write": principal.can("write", municipality.id),
        "figures": {},
    }
    plan = finance.plan_view(db, principal, municipality)
    years = project_results.plan_years(db, principal, municipality)
    revenue = {int(y): float(v) for y, v in plan.revenue.items()}
    criteria = [c.criterion for c in plan.criteria]
    judged = {(a, b): v for a, b, v in (plan.ahp.judgements if plan.ahp is not None else [])}
    specs = eligibility.gate_specs(finance.get_plan(db, principal, municipality))
    standard, custom = eligibility.split_standard(specs)
    context.update(
        gates=[(spec, eligibility.describe(spec, tr.gettext)) for spec in specs],
        gates_from=plan.gates_from,
        standard_gates=standard,
        custom_gates=[(spec, eligibility.describe(spec, tr.gettext)) for spec in custom],
        default_names={key: name for key, (name, _, _) in eligibility.STANDARD.items()},
        areas=[(a, tr.gettext(eligibility.LOCATION_LABELS[a])) for a in eligibility.LOCATION_STATUSES],
    )
    context.update(
        plan=plan, years=years, revenue=revenue,
        revenue_years=list(range(years[0], years[-1] + 1)),
        scale=[(value, label, finance.saaty_value(value)) for value, label in SCALE],
        pairs=[
            (a, b, judged.get((a, b), 1 / judged[(b, a)] if (b, a) in judged else 1.0))
            for i, a in enumerate(criteria) for b in criteria[i + 1 :]
        ],
    )  # fmt: skip
    if records:
        ranking = project_results.ranking_view(
            db, principal, municipality, method=method, draws=1000, gettext=tr.gettext
        )
        titles = {r.key: r.title for r in records}
        context["ranking"] = ranking
        context["titles"] = titles
        if ranking.stability:
            context["figures"]["sensitivity"] = sensitivity_figure(ranking.stability, titles, _=tr.gettext)
    row = projects.latest_portfolio(db, principal, municipality)
    if row is not None:
        portfolio = project_results.portfolio_run(row, tr.gettext).results
        context["portfolio"] = portfolio
        source_ids = [s.source_id for s in pipeline.sources]
        context["source_ids"] = [
            s for s in source_ids if any(r.amounts().get(s, 0.0) > 0 for r in portfolio.selected)
        ]
        context["figures"]["funding"] = funding_figure(portfolio.selected, source_ids, _=tr.gettext)
        if portfolio.debt_service:
            context["figures"]["debt"] = debt_figure(portfolio.debt_service, _=tr.gettext)
    return render(request, "projects/page.html", context, principal=principal)


@router.post("/municipalities/{code}/projects/portfolio")
def projects_portfolio(
    db: DbSession, principal: CurrentPrincipal, code: str, method: Annotated[str, Form()] = "topsis"
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    projects.plan_portfolio(db, principal, municipality, method=method)
    return RedirectResponse(f"/municipalities/{code}/projects?method={method}#portfolio", status_code=303)


@router.post("/municipalities/{code}/projects/{key}/stage")
def projects_stage(
    db: DbSession, principal: CurrentPrincipal, code: str, key: str, stage: Annotated[str, Form()]
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    projects.set_stage(db, principal, municipality, key, stage)
    return RedirectResponse(f"/municipalities/{code}/projects#pipeline", status_code=303)


@router.post("/municipalities/{code}/projects/weights")
def projects_weights(db: DbSession, principal: CurrentPrincipal, code: str, form: PostedForm) -> Response:
    """Publish criteria weights from the pairwise judgements of the AHP form."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    judgements: list[tuple[str, str, float | str]] = []
    for name, raw in form.multi_items():
        if name.startswith("pair_") and "__" in name:
            a, b = name[5:].split("__", 1)
            judgements.append((a, b, str(raw)))
    finance.set_ahp(db, principal, municipality, judgements)
    method = str(form.get("method") or "topsis")
    method = method if method in projects.RANK_METHODS else "topsis"
    return RedirectResponse(f"/municipalities/{code}/projects?method={method}#ranking", status_code=303)


def _form_number(
    form: Any, name: str, *, scale: float = 1.0, label: str = "", required: bool = False
) -> float | None:
    """A form field as a number times ``scale`` (a decimal comma is accepted); None when left empty."""
    raw = str(form.get(name) or "").strip().replace(",", ".")
    what = label or f"`{name}`"
    if not raw:
        if required:
            raise ValidationError(f"{what}: give a number")
        return None
    try:
        return float(raw) * scale
    except ValueError:
        raise ValidationError(f"{what} must be a number; got {raw!r}") from None


@router.post("/municipalities/{code}/projects/plan")
def projects_plan(db: DbSession, principal: CurrentPrincipal, code: str, form: PostedForm) -> Response:
    """Save the planning years, the borrowing limits and the revenue forecast."""
    municipality = profile.get_municipality(db, principal, code, action="write")

    def number(name: str, *, scale: float = 1.0) -> float | None:
        return _form_number(form, name, scale=scale)

    first, last = number("first_year"), number("last_year")
    if first is None or last is None:
        raise ValidationError("give the first and the last planning year")
    current = finance.get_plan(db, principal, municipality)
    revenue = {int(y): float(v) for y, v in (current.revenue if current is not None else {}).items()}
    for name in form:
        if name.startswith("revenue_") and name[8:].isdigit():
            value = number(name, scale=1e6)
            if value is None:
                revenue.pop(int(name[8:]), None)
            else:
                revenue[int(name[8:])] = value
    share, ratio = number("debt_service_share", scale=0.01), number("max_debt_ratio", scale=0.01)
    finance.set_plan(
        db, principal, municipality, first_year=int(first), last_year=int(last), revenue=revenue,
        debt_service_share=share, max_debt_ratio=ratio,
        existing_service=current.existing_service if current is not None else None,
        existing_debt=current.existing_debt if current is not None else None,
    )  # fmt: skip
    return RedirectResponse(f"/municipalities/{code}/projects#plan", status_code=303)


@router.post("/municipalities/{code}/projects/gates")
def projects_gates(db: DbSession, principal: CurrentPrincipal, code: str, form: PostedForm) -> Response:
    """Publish the eligibility gates: the form's rules with their thresholds, plus the other rules kept."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    if form.get("reset"):
        eligibility.set_gates(db, principal, municipality, None)
        return RedirectResponse(f"/municipalities/{code}/projects#gates", status_code=303)
    standard, custom = eligibility.split_standard(
        eligibility.gate_specs(finance.get_plan(db, principal, municipality))
    )

    def value(key: str) -> object:
        if key == "cofinancing":
            return _form_number(
                form, "cofinancing_min", scale=0.01, label="local co-financing, percent", required=True
            )
        if key == "cost":
            return _form_number(form, "cost_max", scale=1e6, label="cost limit, million UAH", required=True)
        if key == "location":
            return [str(v) for v in form.getlist("exclude_area")]
        return None

    specs = [
        eligibility.standard_spec(key, value(key), name=standard[key]["name"] if key in standard else None)
        for key in eligibility.STANDARD
        if form.get(f"gate_{key}")
    ]
    keep = set(map(str, form.getlist("keep")))
    specs += [spec for spec in custom if spec["name"] in keep]
    eligibility.set_gates(db, principal, municipality, specs)
    return RedirectResponse(f"/municipalities/{code}/projects#gates", status_code=303)


@router.get("/municipalities/{code}/projects/ranking.{fmt}")
def projects_ranking_download(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    fmt: Literal["csv", "xlsx"],
    method: str = "topsis",
) -> Response:
    """The ranking, criteria, eligibility and stability as a spreadsheet."""
    municipality = profile.get_municipality(db, principal, code)
    ranking = project_results.ranking_view(
        db, principal, municipality, method=method, draws=1000, gettext=translator(locale_of(request)).gettext
    )
    content, media_type, extension = project_exports.export_bytes(
        project_exports.ranking_tables(ranking), fmt
    )
    return _attachment(content, media_type, f"hromada-{code}-ranking-{method}.{extension}")


@router.get("/municipalities/{code}/projects/portfolio.{fmt}")
def projects_portfolio_download(
    request: Request, db: DbSession, principal: CurrentPrincipal, code: str, fmt: Literal["csv", "xlsx"]
) -> Response:
    """The latest funding portfolio (selected, funding, cash flow, gap, debt service) as a spreadsheet."""
    municipality = profile.get_municipality(db, principal, code)
    row = projects.latest_portfolio(db, principal, municipality)
    if row is None:
        raise NotFoundError("No funding portfolio yet: choose and fund projects first.")
    portfolio = project_results.portfolio_run(row, translator(locale_of(request)).gettext)
    tables = project_exports.portfolio_tables(portfolio)
    content, media_type, extension = project_exports.export_bytes(tables, fmt)
    return _attachment(content, media_type, f"hromada-{code}-portfolio.{extension}")


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
