"""Projects page: pipeline board by stage, eligibility gates, ranking with method switch and sensitivity,
portfolio with funding mix, gap and debt check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hromada.services import profile, projects
from hromada.web.deps import CurrentPrincipal, DbSession, locale_of, render
from hromada.web.i18n import translator
from hromada.web.strategy_charts import funding_figure, sensitivity_figure

router = APIRouter()


@router.get("/municipalities/{code}/projects")
def projects_page(
    request: Request, db: DbSession, principal: CurrentPrincipal, code: str, method: str = "topsis"
) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    tr = translator(locale_of(request))
    frame = projects.project_frame(db, principal, municipality)
    records = frame.to_dict(orient="records") if not frame.empty else []
    context: dict[str, Any] = {
        "municipality": municipality,
        "stages": projects.STAGES,
        "board": {stage: [r for r in records if r["stage"] == stage] for stage in projects.STAGES},
        "method": method,
        "methods": projects.RANK_METHODS,
        "can_write": principal.can("write", municipality.id),
        "figures": {},
    }
    if records:
        ranking = projects.rank_projects(db, principal, municipality, method=method, draws=1000)
        titles = {str(r["key"]): str(r["title"]) for r in records}
        context["ranking"] = ranking
        context["titles"] = titles
        if ranking["stability"]:
            context["figures"]["sensitivity"] = sensitivity_figure(ranking["stability"], titles, _=tr.gettext)
    run = projects.latest_portfolio(db, principal, municipality)
    if run is not None:
        context["portfolio"] = run.results
        sources = projects.source_frame(db, principal, municipality)
        context["figures"]["funding"] = funding_figure(
            run.results["selected"], list(sources.get("source_id", [])), _=tr.gettext
        )
    return render(request, "strategy/projects.html", context, principal=principal)


@router.post("/municipalities/{code}/projects/portfolio")
def projects_portfolio(
    db: DbSession, principal: CurrentPrincipal, code: str, method: Annotated[str, Form()] = "topsis"
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    projects.plan_portfolio(db, principal, municipality, method=method)
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/projects?method={method}#portfolio", status_code=303)


@router.post("/municipalities/{code}/projects/{key}/stage")
def projects_stage(
    db: DbSession, principal: CurrentPrincipal, code: str, key: str, stage: Annotated[str, Form()]
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    projects.set_stage(db, principal, municipality, key, stage)
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/projects#pipeline", status_code=303)
