"""Municipality list, profile with statistics chart, and statistics import."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from hromada.errors import ImportValidationError, ValidationError
from hromada.i18n import translator
from hromada.i18n.import_messages import localize_issue
from hromada.services import classifications, jobs, profile
from hromada.services.files import client_filename
from hromada.web.deps import CurrentPrincipal, DbSession, import_upload, locale_of, render
from hromada.web.pages.jobs import is_htmx, job_path, job_response
from hromada.web.pages.profile_charts import statistics_figure

router = APIRouter()


def _oblast_names(locale: str) -> dict[str, str]:
    regions = classifications.load_regions()
    column = f"name_{locale}" if f"name_{locale}" in regions.columns else "name_en"
    return dict(zip(regions["oblast_code"], regions[column], strict=True))


@router.get("/municipalities")
def municipality_list(request: Request, db: DbSession, principal: CurrentPrincipal) -> Response:
    municipalities = profile.municipality_profiles(db, principal)
    locale = locale_of(request)
    return render(
        request,
        "profile/list.html",
        {"municipalities": municipalities, "oblasts": _oblast_names(locale)},
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
    figures = profile.list_statistics(db, principal, municipality, measure=measure, region_code=code)
    spec = classifications.MEASURES[measure]
    title = getattr(spec, f"title_{locale}", spec.title_en)
    unit = figures[0].unit if figures else spec.default_unit
    figure = (
        statistics_figure(figures, measure=measure, locale=locale, title=title, unit=unit)
        if figures
        else None
    )
    years = sorted({f.year for f in figures})
    sources = sorted({f.source for f in figures})
    return {
        "municipality": municipality,
        "measure": measure,
        "measures": classifications.MEASURES,
        "figure": figure,
        "n_values": len(figures),
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
def import_page_upload(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    file: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    """A small file is imported in the request; a large one becomes a background job, whose page (or, for htmx,
    progress fragment) answers at once."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    context: dict[str, Any] = {
        "municipality": municipality,
        "measures": classifications.MEASURES,
        "filename": client_filename(file.filename),
    }
    try:
        outcome = import_upload(request, db, principal, municipality, file, dry_run=dry_run)
    except ImportValidationError as exc:
        db.rollback()
        tr = translator(locale_of(request))
        context["error"] = exc
        context["localized_issues"] = [localize_issue(issue, tr) for issue in exc.issues]
        status = 422
    else:
        if isinstance(outcome, jobs.JobView):
            if not is_htmx(request):
                return RedirectResponse(job_path(code, outcome.id), status_code=303)
            return job_response(request, outcome, municipality, principal, status_code=202)
        context["summary"] = outcome
        status = 200
    template = "profile/_import_result.html" if is_htmx(request) else "profile/import.html"
    return render(request, template, context, status_code=status, principal=principal)
