"""Background jobs in the browser: the statistics import that hands large files to a job, the job's progress
(a fragment that polls itself every second until the job ends), cancelling, and a municipality's job list."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from hromada.errors import ImportValidationError
from hromada.i18n import translator
from hromada.i18n.import_messages import localize_issue
from hromada.services import jobs, profile
from hromada.services.access import Principal
from hromada.web.deps import CurrentPrincipal, DbSession, locale_of, render

router = APIRouter()

_MESSAGE = re.compile(r"^(?P<stage>[a-z_]+)(?: (?P<done>\d+)/(?P<total>\d+))?$")


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def job_path(code: str, job_id: int) -> str:
    return f"/municipalities/{code}/jobs/{job_id}"


def _job_context(
    request: Request, job: jobs.JobView, municipality: profile.Municipality, principal: Principal
) -> dict[str, Any]:
    """What the progress fragment shows: the stage, the share done, and once ended the outcome."""
    match = _MESSAGE.match(job.message)
    context: dict[str, Any] = {
        "job": job,
        "municipality": municipality,
        "stage": job.state if job.state == "queued" else (match["stage"] if match else ""),
        "counts": (int(match["done"]), int(match["total"])) if match and match["done"] else None,
        "percent": round(job.progress * 100),
        "can_cancel": principal.can("write", municipality.id),
        "summary": jobs.import_summary(job),
        "error": None,
        "failure": None,
    }
    if job.error is not None:
        if job.error.code == ImportValidationError.code:
            tr = translator(locale_of(request))
            context["error"] = job.error
            context["localized_issues"] = [
                localize_issue(issue, tr) for issue in jobs.import_issues(job.error)
            ]
        else:
            context["failure"] = job.error
    return context


def job_response(
    request: Request,
    job: jobs.JobView,
    municipality: profile.Municipality,
    principal: Principal,
    *,
    status_code: int = 200,
) -> Response:
    context = _job_context(request, job, municipality, principal)
    template = "jobs/_progress.html" if is_htmx(request) else "jobs/page.html"
    return render(request, template, context, status_code=status_code, principal=principal)


@router.get("/municipalities/{code}/jobs")
def job_list(request: Request, db: DbSession, principal: CurrentPrincipal, code: str) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    return render(
        request,
        "jobs/list.html",
        {"municipality": municipality, "jobs": jobs.list_jobs(db, principal, municipality)},
        principal=principal,
    )


@router.get("/municipalities/{code}/jobs/{job_id}")
def job_page(
    request: Request, db: DbSession, principal: CurrentPrincipal, code: str, job_id: int
) -> Response:
    """The job's page, or (for htmx) its progress fragment, polled every second until the job ends."""
    municipality = profile.get_municipality(db, principal, code)
    job = jobs.get(db, principal, job_id, municipality=municipality)
    return job_response(request, job, municipality, principal)


@router.post("/municipalities/{code}/jobs/{job_id}/cancel")
def job_cancel(
    request: Request, db: DbSession, principal: CurrentPrincipal, code: str, job_id: int
) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    job = jobs.cancel(db, principal, job_id, municipality=municipality)
    if not is_htmx(request):
        return RedirectResponse(job_path(code, job_id), status_code=303)
    return job_response(request, job, municipality, principal)
