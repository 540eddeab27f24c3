"""REST endpoints of background jobs: see one, cancel it, list a municipality's jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hromada.api._common import ERRORS
from hromada.api.deps import ApiPrincipal
from hromada.http.deps import DbSession
from hromada.services import jobs, profile

router = APIRouter(tags=["jobs"])


@router.get("/jobs/{job_id}", responses=ERRORS)
def get_job(db: DbSession, principal: ApiPrincipal, job_id: int) -> jobs.JobView:
    """A background job: its state, progress and, once it ended, its result or error.

    Poll it about once a second until `state` is `done`, `failed` or `cancelled`.
    """
    return jobs.get(db, principal, job_id)


@router.post("/jobs/{job_id}/cancel", responses=ERRORS)
def cancel_job(db: DbSession, principal: ApiPrincipal, job_id: int) -> jobs.JobView:
    """Cancel a job (writers of its municipality): a queued job at once, a running one within moments.

    Nothing a cancelled job did is kept. Cancelling a job that already ended changes nothing.
    """
    return jobs.cancel(db, principal, job_id)


@router.get("/municipalities/{code}/jobs", responses=ERRORS)
def list_jobs(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many, newest first")] = 50,
) -> list[jobs.JobView]:
    """The municipality's background jobs, newest first."""
    municipality = profile.get_municipality(db, principal, code)
    return jobs.list_jobs(db, principal, municipality, limit=limit)
