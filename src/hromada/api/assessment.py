"""REST endpoints of the ``assessment`` domain: the ledger and the resilience self-assessment."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from pydantic import BaseModel, Field

from hromada.api.deps import ApiPrincipal
from hromada.api.schemas import ErrorOut
from hromada.services import assessment, profile
from hromada.services._json import json_safe
from hromada.web.deps import AppSettings, DbSession
from hromada.web.uploads import saved_upload

router = APIRouter(tags=["assessment"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}


def _view(view: assessment.AssessmentView) -> dict[str, Any]:
    result = view.result
    return {
        "id": view.id,
        "framework": view.framework.id,
        "framework_version": view.framework.version,
        "assessed_on": view.assessed_on.isoformat(),
        "assessor": view.assessor,
        "scores": view.scores,
        "evidence": view.evidence,
        "overall": result.overall,
        "coverage": result.coverage,
        "by_dimension": json_safe(result.by_dimension.reset_index().to_dict(orient="records")),
        "gaps": list(result.gaps),
    }


@router.get("/assessment/frameworks")
def frameworks(settings: AppSettings) -> list[dict[str, Any]]:
    """The resilience frameworks shipped with Hromada: dimensions, indicators, scale and weights."""
    return [
        {
            "id": f.id,
            "version": f.version,
            "title": f.title,
            "scale": [f.scale_min, f.scale_max],
            "dimensions": [
                {
                    "id": d.id,
                    "title": d.title,
                    "weight": d.weight,
                    "indicators": [{"id": i.id, "title": i.title, "weight": i.weight} for i in d.indicators],
                }
                for d in f.dimensions
            ],
        }
        for f in assessment.frameworks(settings)
    ]


@router.get("/municipalities/{code}/ledger", responses=_ERRORS)
def ledger(db: DbSession, principal: ApiPrincipal, code: str) -> dict[str, Any]:
    """Damage, loss and need entries, and their roll-up in UAH at the stated rates."""
    municipality = profile.get_municipality(db, principal, code)
    entries = assessment.ledger_frame(db, principal, municipality)
    return {
        "entries": json_safe(entries.to_dict(orient="records")),
        "rollup": assessment.ledger_rollup(db, principal, municipality),
    }


@router.post("/municipalities/{code}/ledger/import", responses=_ERRORS)
async def ledger_import(
    request: Request,
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    file: Annotated[UploadFile, File()],
    dry_run: bool = False,
) -> dict[str, Any]:
    """Import ledger entries (editors and admins): all or nothing, every problem listed."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    async with saved_upload(request, file) as path:
        rows = assessment.import_ledger(db, principal, municipality, path, dry_run=dry_run)
    if not dry_run:
        db.commit()
    return {"rows": rows, "dry_run": dry_run}


class AssessmentIn(BaseModel):
    framework: str
    assessed_on: dt.date
    assessor: str = Field(min_length=1, max_length=200)
    scores: dict[str, float | None]
    evidence: dict[str, str] = {}


@router.get("/municipalities/{code}/resilience", responses=_ERRORS)
def resilience(
    db: DbSession, settings: AppSettings, principal: ApiPrincipal, code: str
) -> list[dict[str, Any]]:
    """The self-assessments of the municipality, oldest first, with scores by dimension and gaps."""
    municipality = profile.get_municipality(db, principal, code)
    return [_view(v) for v in assessment.assessment_history(db, principal, municipality, settings=settings)]


@router.post("/municipalities/{code}/resilience", responses=_ERRORS, status_code=201)
def resilience_add(
    db: DbSession, settings: AppSettings, principal: ApiPrincipal, code: str, body: AssessmentIn
) -> dict[str, Any]:
    """Record a self-assessment (editors and admins)."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    view = assessment.save_assessment(
        db, settings, principal, municipality, framework=body.framework, assessed_on=body.assessed_on,
        assessor=body.assessor, scores=body.scores, evidence=body.evidence,
    )  # fmt: skip
    db.commit()
    return _view(view)
