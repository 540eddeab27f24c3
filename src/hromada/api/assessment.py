"""REST endpoints of the ``assessment`` domain: the ledger and the resilience self-assessment."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from pydantic import BaseModel, Field

from hromada.api.deps import ApiPrincipal
from hromada.api.schemas import ErrorOut
from hromada.http.deps import AppSettings, DbSession
from hromada.http.uploads import saved_upload
from hromada.services import assessment, profile

router = APIRouter(tags=["assessment"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}


@router.get("/assessment/frameworks")
def frameworks(settings: AppSettings) -> list[assessment.FrameworkInfo]:
    """The resilience frameworks shipped with Hromada: dimensions, indicators, scale and weights."""
    return assessment.framework_catalogue(settings)


@router.get("/municipalities/{code}/ledger", responses=_ERRORS)
def ledger(db: DbSession, principal: ApiPrincipal, code: str) -> assessment.Ledger:
    """Damage, loss and need entries, and their roll-up in UAH at the stated rates."""
    municipality = profile.get_municipality(db, principal, code)
    return assessment.get_ledger(db, principal, municipality)


@router.post("/municipalities/{code}/ledger/import", responses=_ERRORS)
def ledger_import(
    request: Request,
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    file: Annotated[UploadFile, File()],
    dry_run: bool = False,
) -> assessment.LedgerImportSummary:
    """Import ledger entries (editors and admins): all or nothing, every problem listed."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    with saved_upload(request, file) as path:
        return assessment.import_ledger_entries(db, principal, municipality, path, dry_run=dry_run)


class AssessmentIn(BaseModel):
    framework: str
    assessed_on: dt.date
    assessor: str = Field(min_length=1, max_length=200)
    scores: dict[str, float | None]
    evidence: dict[str, str] = {}


@router.get("/municipalities/{code}/resilience", responses=_ERRORS)
def resilience(
    db: DbSession, settings: AppSettings, principal: ApiPrincipal, code: str
) -> list[assessment.SelfAssessment]:
    """The self-assessments of the municipality, oldest first, with scores by dimension and gaps."""
    municipality = profile.get_municipality(db, principal, code)
    return assessment.self_assessments(db, principal, municipality, settings=settings)


@router.post("/municipalities/{code}/resilience", responses=_ERRORS, status_code=201)
def resilience_add(
    db: DbSession, settings: AppSettings, principal: ApiPrincipal, code: str, body: AssessmentIn
) -> assessment.SelfAssessment:
    """Record a self-assessment (editors and admins)."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    return assessment.add_self_assessment(
        db, settings, principal, municipality, framework=body.framework, assessed_on=body.assessed_on,
        assessor=body.assessor, scores=body.scores, evidence=body.evidence,
    )  # fmt: skip
