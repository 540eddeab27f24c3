"""The JSON REST API under ``/api/v1``, one router per domain name, with OpenAPI docs at /api/v1/docs."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from hromada.api import (
    accounts,
    assessment,
    economy,
    infrastructure,
    jobs,
    partners,
    profile,
    projects,
    strategy,
)

__all__ = ["build_api_router"]

_SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)
_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hromada API</title>
<link rel="stylesheet" href="/api/v1/docs-assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/v1/docs-assets/swagger-ui-bundle.js"></script>
<script src="/static/js/swagger-init.js"></script></body></html>"""


def build_api_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    router.include_router(profile.router)
    router.include_router(economy.router)
    router.include_router(assessment.router)
    router.include_router(infrastructure.router)
    router.include_router(strategy.router)
    router.include_router(partners.router)
    router.include_router(projects.router)
    router.include_router(jobs.router)
    router.include_router(accounts.router)

    @router.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_PAGE)

    @router.get("/docs-assets/{name}", include_in_schema=False)
    def docs_asset(name: str) -> FileResponse:
        from hromada.errors import NotFoundError

        if name not in {"swagger-ui.css", "swagger-ui-bundle.js"}:
            raise NotFoundError("No such asset.")
        return FileResponse(_SWAGGER_DIR / name)

    return router
