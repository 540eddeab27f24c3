"""Assessment pages: the damage, losses and needs ledger, and the resilience self-assessment."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from hromada.errors import ImportValidationError, ValidationError
from hromada.http.uploads import saved_upload
from hromada.i18n import translator
from hromada.i18n.import_messages import localize_issue
from hromada.services import assessment, classifications, profile
from hromada.web.deps import AppSettings, CurrentPrincipal, DbSession, locale_of, render
from hromada.web.pages.assessment_charts import ledger_figure, radar_figure

router = APIRouter()


def _sector_titles(locale: str) -> dict[str, str]:
    sectors = classifications.rdna_sectors()
    column = f"title_{locale}" if f"title_{locale}" in sectors.columns else "title_en"
    return dict(zip(sectors["code"], sectors[column], strict=True))


def _ledger_context(
    request: Request, db: DbSession, principal: CurrentPrincipal, code: str
) -> dict[str, Any]:
    municipality = profile.get_municipality(db, principal, code)
    locale = locale_of(request)
    tr = translator(locale)
    titles = _sector_titles(locale)
    entries = assessment.ledger_frame(db, principal, municipality)
    summary = assessment.ledger_rollup(db, principal, municipality)
    figure = None
    if not summary.get("empty"):
        figure = ledger_figure(summary["by_sector"], titles, _=tr.gettext)
    return {
        "municipality": municipality,
        "entries": entries.to_dict(orient="records"),
        "summary": summary,
        "figure": figure,
        "titles": titles,
        "rates": assessment.rates_frame(db, principal, municipality).to_dict(orient="records"),
        "can_write": principal.can("write", municipality.id),
    }


@router.get("/municipalities/{code}/ledger")
def ledger_page(request: Request, db: DbSession, principal: CurrentPrincipal, code: str) -> Response:
    context = _ledger_context(request, db, principal, code)
    return render(request, "assessment/ledger.html", context, principal=principal)


@router.post("/municipalities/{code}/ledger/import")
async def ledger_import(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    file: Annotated[UploadFile, File()],
    dry_run: Annotated[bool, Form()] = False,
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    status = 200
    message: dict[str, Any] = {}
    async with saved_upload(request, file) as path:
        try:
            rows = assessment.import_ledger(db, principal, municipality, path, dry_run=dry_run)
        except ImportValidationError as exc:
            db.rollback()
            tr = translator(locale_of(request))
            message = {"error": exc, "localized_issues": [localize_issue(i, tr) for i in exc.issues]}
            status = 422
        except ValidationError as exc:
            db.rollback()
            message = {"plain_error": exc.message}
            status = 422
        else:
            message = {"imported": rows, "dry_run": dry_run}
    context = _ledger_context(request, db, principal, code)
    context.update(message)
    return render(request, "assessment/ledger.html", context, principal=principal, status_code=status)


def _radar(history: list[assessment.AssessmentView], locale: str, tr: Any) -> dict[str, Any] | None:
    if not history:
        return None
    latest = history[-1]
    same = [h for h in history if h.framework.id == latest.framework.id]
    dims = [d.title.get(locale) or d.title["en"] for d in latest.framework.dimensions]
    series = []
    for view in same[-2:]:
        table = view.result.by_dimension
        series.append(
            (view.assessed_on.isoformat(), [None if v != v else float(v) for v in table["score"].tolist()])
        )
    return radar_figure(dims, series, _=tr.gettext)


@router.get("/municipalities/{code}/resilience")
def resilience_page(
    request: Request, db: DbSession, settings: AppSettings, principal: CurrentPrincipal, code: str
) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    locale = locale_of(request)
    tr = translator(locale)
    history = assessment.assessment_history(db, principal, municipality, settings=settings)
    context = {
        "municipality": municipality,
        "history": history,
        "latest": history[-1] if history else None,
        "figure": _radar(history, locale, tr),
        "comparison": assessment.comparison(
            [h for h in history if history and h.framework.id == history[-1].framework.id]
        ),
        "frameworks": assessment.frameworks(settings),
        "can_write": principal.can("write", municipality.id),
    }
    return render(request, "assessment/resilience.html", context, principal=principal)


@router.get("/municipalities/{code}/resilience/new")
def resilience_form(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    principal: CurrentPrincipal,
    code: str,
    framework: str | None = None,
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    frameworks = assessment.frameworks(settings)
    chosen = next((f for f in frameworks if f.id == framework), frameworks[0])
    history = assessment.assessment_history(db, principal, municipality, chosen.id, settings=settings)
    previous = history[-1] if history else None
    return render(
        request,
        "assessment/resilience_form.html",
        {
            "municipality": municipality,
            "framework": chosen,
            "frameworks": frameworks,
            "previous": previous,
            "today": dt.date.today().isoformat(),
        },
        principal=principal,
    )


@router.post("/municipalities/{code}/resilience/new")
async def resilience_save(
    request: Request, db: DbSession, settings: AppSettings, principal: CurrentPrincipal, code: str
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    form = await request.form()
    framework = assessment.frameworks_by_id(settings).get(str(form.get("framework", "")))
    if framework is None:
        raise ValidationError("Choose a framework.")
    scores: dict[str, float | None] = {}
    evidence: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for indicator in framework.indicator_ids:
        raw = str(form.get(f"score-{indicator}", "") or "")
        scores[indicator] = float(raw) if raw != "" else None
        text = str(form.get(f"evidence-{indicator}", "") or "")
        if text.strip():
            evidence[indicator] = text
        upload = form.get(f"file-{indicator}")
        if upload is not None and not isinstance(upload, str) and upload.filename:
            files[indicator] = (upload.filename, await upload.read(20 * 1024 * 1024 + 1))
    try:
        assessed_on = dt.date.fromisoformat(str(form.get("assessed_on", "")))
    except ValueError:
        raise ValidationError("`assessed_on` must be a date such as 2026-11-24") from None
    assessment.save_assessment(
        db, settings, principal, municipality, framework=framework.id, assessed_on=assessed_on,
        assessor=str(form.get("assessor", "")), scores=scores, evidence=evidence, files=files,
    )  # fmt: skip
    return RedirectResponse(f"/municipalities/{code}/resilience", status_code=303)


@router.get("/municipalities/{code}/resilience/evidence/{name}")
def resilience_evidence(
    db: DbSession, settings: AppSettings, principal: CurrentPrincipal, code: str, name: str
) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    path = assessment.evidence_path(settings, principal, municipality, name)
    return FileResponse(path, filename=name.split("-", 1)[-1], content_disposition_type="attachment")
