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
from hromada.web.deps import AppSettings, CurrentPrincipal, DbSession, PostedForm, locale_of, render
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
    ledger = assessment.get_ledger(db, principal, municipality)
    summary = ledger.rollup
    figure = None
    if isinstance(summary, assessment.LedgerRollup):
        figure = ledger_figure(summary.by_sector, titles, _=tr.gettext)
    return {
        "municipality": municipality,
        "entries": ledger.entries,
        "summary": summary,
        "figure": figure,
        "titles": titles,
        "can_write": principal.can("write", municipality.id),
    }


@router.get("/municipalities/{code}/ledger")
def ledger_page(request: Request, db: DbSession, principal: CurrentPrincipal, code: str) -> Response:
    context = _ledger_context(request, db, principal, code)
    return render(request, "assessment/ledger.html", context, principal=principal)


@router.post("/municipalities/{code}/ledger/import")
def ledger_import(
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
    try:
        with saved_upload(request, file) as path:
            imported = assessment.import_ledger_entries(db, principal, municipality, path, dry_run=dry_run)
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
        message = {"imported": imported.rows, "dry_run": imported.dry_run}
    context = _ledger_context(request, db, principal, code)
    context.update(message)
    return render(request, "assessment/ledger.html", context, principal=principal, status_code=status)


def _radar(history: list[assessment.SelfAssessment], dims: list[str], tr: Any) -> dict[str, Any] | None:
    if not history:
        return None
    latest = history[-1]
    same = [h for h in history if h.framework == latest.framework]
    series = [(view.assessed_on.isoformat(), [d.score for d in view.by_dimension]) for view in same[-2:]]
    return radar_figure(dims, series, _=tr.gettext)


@router.get("/municipalities/{code}/resilience")
def resilience_page(
    request: Request, db: DbSession, settings: AppSettings, principal: CurrentPrincipal, code: str
) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    locale = locale_of(request)
    tr = translator(locale)
    history = assessment.self_assessments(db, principal, municipality, settings=settings)
    frameworks = assessment.frameworks(settings)
    catalogue = {f.id: f for f in frameworks}
    latest = history[-1] if history else None
    figure = changes = None
    if latest is not None:
        dims = [d.title.get(locale) or d.title["en"] for d in catalogue[latest.framework].dimensions]
        figure = _radar(history, dims, tr)
        changes = assessment.changes_since_previous(
            [h for h in history if h.framework == latest.framework], settings=settings
        )
    context = {
        "municipality": municipality,
        "history": history,
        "latest": latest,
        "catalogue": catalogue,
        "figure": figure,
        "comparison": None if changes is None else {c.dimension: c for c in changes},
        "frameworks": frameworks,
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
    history = assessment.self_assessments(db, principal, municipality, chosen.id, settings=settings)
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
def resilience_save(
    db: DbSession, settings: AppSettings, principal: CurrentPrincipal, code: str, form: PostedForm
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
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
            files[indicator] = (upload.filename, upload.file.read(20 * 1024 * 1024 + 1))
    try:
        assessed_on = dt.date.fromisoformat(str(form.get("assessed_on", "")))
    except ValueError:
        raise ValidationError("`assessed_on` must be a date such as 2026-11-24") from None
    assessment.add_self_assessment(
        db, settings, principal, municipality, framework=framework.id, assessed_on=assessed_on,
        assessor=str(form.get("assessor", "")), scores=scores, evidence=evidence, files=files,
    )  # fmt: skip
    return RedirectResponse(f"/municipalities/{code}/resilience", status_code=303)


@router.get("/municipalities/{code}/resilience/evidence/{name}")
def resilience_evidence(
    db: DbSession, settings: AppSettings, principal: CurrentPrincipal, code: str, name: str
) -> Response:
    """An evidence file, always as a download with a passive type, in a sandbox should a browser show it."""
    municipality = profile.get_municipality(db, principal, code)
    found = assessment.evidence_path(db, settings, principal, municipality, name)
    return FileResponse(
        found.path,
        filename=found.filename,
        media_type=found.media_type,
        content_disposition_type="attachment",
        headers={"Content-Security-Policy": "sandbox; default-src 'none'"},
    )
