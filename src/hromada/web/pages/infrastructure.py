"""Infrastructure pages: assets (restricted fields masked), the dependency graph, "what if this fails",
criticality ranking and the restoration plan."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from hromada.errors import ValidationError
from hromada.http.uploads import saved_upload
from hromada.i18n import translator
from hromada.services import infrastructure, profile
from hromada.services.access import can_see_restricted
from hromada.web.deps import CurrentPrincipal, DbSession, locale_of, render
from hromada.web.pages.infrastructure_charts import gantt_figure, graph_figure, timeline_figure

router = APIRouter()


def _context(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    failed: list[str] | None,
    horizon: float,
) -> dict[str, Any]:
    municipality = profile.get_municipality(db, principal, code)
    tr = translator(locale_of(request))
    assets = infrastructure.list_assets(db, principal, municipality)
    context: dict[str, Any] = {
        "municipality": municipality,
        "assets": assets,
        "inside": can_see_restricted(principal, municipality.id),
        "can_write": principal.can("write", municipality.id),
        "can_admin": principal.can("admin", municipality.id),
        "horizon": horizon,
        "failed": failed or [],
    }
    if not assets:
        return context
    dependencies = infrastructure.list_dependencies(db, principal, municipality)
    damaged = infrastructure.damaged_keys(db, principal, municipality)
    context["damaged"] = damaged
    scenario = (
        infrastructure.cascade_scenario(
            db, principal, municipality, failed or damaged or None, horizon_hours=horizon
        )
        if (failed or damaged)
        else None
    )
    context["scenario"] = scenario
    down = {d.asset_id: d.hours for d in scenario.down} if scenario else {}
    context["figures"] = {"graph": graph_figure(assets, dependencies, down=down, _=tr.gettext)}
    if scenario:
        context["figures"]["cascade"] = timeline_figure(
            scenario.timeline, x_key="hours", x_title=tr.gettext("hours after the failure"), _=tr.gettext
        )
    critical = infrastructure.latest_analysis(db, principal, municipality, "criticality")
    context["criticality"] = critical.results if isinstance(critical, infrastructure.CriticalityRun) else None
    restoration = infrastructure.latest_analysis(db, principal, municipality, "restoration")
    if isinstance(restoration, infrastructure.RestorationRun):
        context["restoration"] = restoration.results
        context["restoration_parameters"] = restoration.parameters
        context["figures"]["gantt"] = gantt_figure(restoration.results.schedule, _=tr.gettext)
        context["figures"]["served"] = timeline_figure(
            restoration.results.served, x_key="day", x_title=tr.gettext("days from today"), _=tr.gettext
        )
    context["names"] = {a.asset_id: a.name for a in assets}
    return context


@router.get("/municipalities/{code}/infrastructure")
def infrastructure_page(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    horizon: float = 72.0,
) -> Response:
    failed = request.query_params.getlist("fail") or None
    if not 0 <= horizon <= 24 * 30:
        raise ValidationError("`horizon` must be between 0 and 720 hours")
    return render(
        request,
        "infrastructure/page.html",
        _context(request, db, principal, code, failed, horizon),
        principal=principal,
    )


@router.post("/municipalities/{code}/infrastructure/criticality")
def criticality_run(db: DbSession, principal: CurrentPrincipal, code: str) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    infrastructure.rank_criticality(db, principal, municipality)
    return RedirectResponse(f"/municipalities/{code}/infrastructure#criticality", status_code=303)


@router.post("/municipalities/{code}/infrastructure/restoration")
def restoration_run(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    crews: Annotated[int, Form(ge=1, le=200)] = 3,
    budget: Annotated[float | None, Form(ge=0)] = None,
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    infrastructure.plan_restoration(db, principal, municipality, crews=crews, budget=budget)
    return RedirectResponse(f"/municipalities/{code}/infrastructure#restoration", status_code=303)


@router.post("/municipalities/{code}/infrastructure/import")
def network_import(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    assets_file: Annotated[UploadFile, File()],
    dependencies_file: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
    replace: Annotated[bool, Form()] = False,
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    try:
        with (
            saved_upload(request, assets_file) as assets_path,
            saved_upload(request, dependencies_file) as deps_path,
        ):
            summary = infrastructure.import_network(
                db, principal, municipality, assets_path, deps_path, dry_run=dry_run, replace=replace
            )
    except ValidationError as exc:
        db.rollback()
        outcome: dict[str, Any] = {"import_error": exc.message}
        status = 422
    else:
        if not dry_run:
            return RedirectResponse(f"/municipalities/{code}/infrastructure", status_code=303)
        outcome, status = {"import_check": summary}, 200
    context = _context(request, db, principal, code, None, 72.0)
    context.update(outcome)
    return render(request, "infrastructure/page.html", context, principal=principal, status_code=status)


@router.post("/municipalities/{code}/infrastructure/release")
def release(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    asset: Annotated[str, Form()],
    field: Annotated[str, Form()],
    released: Annotated[bool, Form()] = True,
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="admin")
    infrastructure.release_field(db, principal, municipality, asset, field, released=released)
    return RedirectResponse(f"/municipalities/{code}/infrastructure#assets", status_code=303)
