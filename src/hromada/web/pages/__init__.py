"""HTML pages, one module per domain name."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from hromada.http.security import verify_csrf
from hromada.web.pages import (
    admin,
    assessment,
    auth,
    economy,
    infrastructure,
    jobs,
    partners,
    profile,
    projects,
    strategy,
)

__all__ = ["build_pages_router"]


def build_pages_router() -> APIRouter:
    """Every HTML page; each unsafe request must carry the session's CSRF token."""
    router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
    router.include_router(auth.router)
    router.include_router(profile.router)
    router.include_router(jobs.router)
    router.include_router(economy.router)
    router.include_router(assessment.router)
    router.include_router(infrastructure.router)
    router.include_router(strategy.router)
    router.include_router(partners.router)
    router.include_router(projects.router)
    router.include_router(admin.router)
    return router
