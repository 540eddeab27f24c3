"""Municipality list, profile with statistics chart, and statistics import."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from hromada.errors import ImportValidationError, ValidationError
from hromada.i18n import translator
from hromada.i18n.import_messages import localize_issue
from hromada.services import classifications, profile
from hromada.web.deps import CurrentPrincipal, DbSession, import_upload, locale_of, render
from hromada.web.pages.profile_charts import statistics_figure

router = APIRouter()


def _oblast_names(locale: str) -> dict[str, str]:
    regions = classifications.load_regions()
    column = f"name_{locale}" if f"name_{locale}" in regions.columns else "name_en"
    return dict(zip(regions["oblast_code"], regions[column], strict=True))


@router.get("/municipalities")
def municipality_list(request: Request, db: DbSession, principal: CurrentPrincipal) -> Response:
    overviews = profile.list_municipalities(db, principal)
    locale = locale_of(request)
    return render(
        request,
        "profile/list.html",
        {"overviews": overviews, "oblasts": _oblast_names(locale)},
        principal=principal,
    )


def _chart_context(
    db: DbSession, principal: CurrentPrincipal, code: str, measure: str, locale: str
) -> dict[str, Any]:
    municipality = profile.get_municipality(db, principal, code)
    if measure not in classifications.MEASURES:
        raise ValidationError(
            f"measure must be one of {', '.join(classifications.MEASURES)}; got {measure!r}"
        )
    frame = profile.statistics_frame(db, principal, municipality, measure=measure, region_code=code)
    spec = classifications.MEASURES[measure]
    title = getattr(spec, f"title_{locale}", spec.title_en)
    unit = frame["unit"].iloc[0] if not frame.empty else spec.default_unit
    figure = (
        statistics_figure(frame, measure=measure, locale=locale, title=title, unit=unit)
        if not frame.empty
        else None
    )
    years = sorted(frame["year"].unique().tolist()) if not frame.empty else []
    sources = sorted(frame["source"].unique().tolist()) if not frame.empty else []
    return {
        "municipality": municipality,
        "measure": measure,
        "measures": classifications.MEASURES,
        "figure": figure,
        "n_values": len(frame),
        "years": years,
        "sources": sources,
    }


@router.get("/municipalities/{code}")
def municipality_page(
    request: Request, db: DbSession, principal: CurrentPrincipal, code: str, measure: str = "employment"
) -> Response:
    locale = locale_of(request)
    context = _chart_context(db, principal, code, measure, locale)
    context["oblasts"] = _oblast_names(locale)
    context["can_write"] = principal.can("write", context["municipality"].id)
    return render(request, "profile/detail.html", context, principal=principal)


@router.get("/municipalities/{code}/chart")
def municipality_chart(
    request: Request, db: DbSession, principal: CurrentPrincipal, code: str, measure: str = "employment"
) -> Response:
    context = _chart_context(db, principal, code, measure, locale_of(request))
    return render(request, "profile/_chart.html", context, principal=principal)


@router.get("/municipalities/{code}/import")
def import_form(request: Request, db: DbSession, principal: CurrentPrincipal, code: str) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    return render(
        request,
        "profile/import.html",
        {"municipality": municipality, "measures": classifications.MEASURES},
        principal=principal,
    )


@router.post("/municipalities/{code}/import")
async def import_page_upload(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    file: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    context: dict[str, Any] = {
        "municipality": municipality,
        "measures": classifications.MEASURES,
        "filename": file.filename,
    }
    try:
        summary = await import_upload(request, db, principal, municipality, file, dry_run=dry_run)
    except ImportValidationError as exc:
        db.rollback()
        tr = translator(locale_of(request))
        context["error"] = exc
        context["localized_issues"] = [localize_issue(issue, tr) for issue in exc.issues]
        status = 422
    else:
        context["summary"] = summary
        status = 200
    template = (
        "profile/_import_result.html"
        if request.headers.get("hx-request") == "true"
        else "profile/import.html"
    )
    return render(request, template, context, status_code=status, principal=principal)
