"""REST endpoints of the ``profile`` domain: municipalities and their statistics."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from hromada.api.deps import ApiPrincipal
from hromada.api.schemas import ErrorOut
from hromada.http.deps import DbSession, import_upload
from hromada.services import jobs, profile

router = APIRouter(tags=["profile"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
}


@router.get("/municipalities", responses=_ERRORS)
def list_municipalities(db: DbSession, principal: ApiPrincipal) -> list[profile.MunicipalityProfile]:
    """The municipalities you may see, with key figures."""
    return profile.municipality_profiles(db, principal)


@router.get("/municipalities/{code}", responses=_ERRORS)
def get_municipality(db: DbSession, principal: ApiPrincipal, code: str) -> profile.MunicipalityProfile:
    """One municipality's profile."""
    return profile.municipality_profile(db, principal, code)


@router.get("/municipalities/{code}/statistics", responses=_ERRORS)
def get_statistics(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    measure: str | None = None,
    region_code: str | None = None,
) -> list[profile.Statistic]:
    """The statistics stored in a municipality's workspace (long format)."""
    municipality = profile.get_municipality(db, principal, code)
    return profile.list_statistics(db, principal, municipality, measure=measure, region_code=region_code)


@router.post(
    "/municipalities/{code}/statistics/import",
    response_model=profile.ImportSummary,
    responses={
        **_ERRORS,
        202: {
            "model": jobs.JobView,
            "description": "The import runs in the background: poll the job at the Location header",
        },
        422: {"model": ErrorOut, "description": "The file was rejected; nothing written"},
    },
)
def import_statistics(
    request: Request,
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or XLSX, long or wide layout")],
    dry_run: Annotated[bool, Query(description="Validate only; write nothing")] = False,
    background: Annotated[
        bool | None,
        Query(
            description="Run as a background job and answer 202 with the job at once. Default: in the "
            "background when the file is larger than the server's limit for imports in the request "
            "(`sync_import_bytes`, 5 MB unless configured); false refuses such a file."
        ),
    ] = None,
) -> profile.ImportSummary | JSONResponse:
    """Import a statistics file into the workspace (editors and admins). All or nothing.

    A small file is imported at once (200, the summary). A large one becomes a background job (202, the job,
    `Location: /api/v1/jobs/{id}`): poll it until its state is done (the summary is its result), failed
    (its error lists the file's problems) or cancelled.
    """
    municipality = profile.get_municipality(db, principal, code, action="write")
    outcome = import_upload(
        request, db, principal, municipality, file, dry_run=dry_run, background=background
    )
    if isinstance(outcome, jobs.JobView):
        return JSONResponse(
            outcome.model_dump(mode="json"),
            status_code=202,
            headers={"Location": f"/api/v1/jobs/{outcome.id}"},
        )
    return outcome


@router.get("/classifications/nace")
def nace(
    principal: ApiPrincipal,
    level: profile.NaceLevel | None = None,
    locale: Annotated[Literal["uk", "en", "de"], Query()] = "uk",
) -> list[profile.NaceEntry]:
    """The NACE Rev. 2 classification (KVED-2010 is harmonised with it), with titles in one language."""
    return profile.nace_classification(level, locale)
