"""The application factory: ``create_app(settings)`` builds the engine, the web pages and the REST API."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.resources
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp

from hromada import __version__
from hromada.errors import AuthenticationError, HromadaError
from hromada.http.security import SecurityHeadersMiddleware
from hromada.services import jobs
from hromada.services.database import open_database
from hromada.settings import Settings

__all__ = ["create_app"]

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).parent


def _plotly_js() -> Path:
    return Path(str(importlib.resources.files("plotly") / "package_data" / "plotly.min.js"))


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(WEB_DIR / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


class _App(FastAPI):
    """FastAPI whose outermost layer adds the security headers, so that every response carries them, the
    server's own 500 page included (user middleware sits inside Starlette's error middleware)."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeadersMiddleware(super().build_middleware_stack())


@asynccontextmanager
async def _job_workers(app: FastAPI) -> AsyncIterator[None]:
    """Run ``settings.job_workers`` background job workers while the app serves (none when 0)."""
    settings: Settings = app.state.settings
    workers = [
        jobs.Worker(app.state.session_factory, stale_after=dt.timedelta(seconds=settings.job_stale_after_s))
        for _ in range(settings.job_workers)
    ]
    for worker in workers:
        worker.start()
    app.state.job_workers = workers
    try:
        yield
    finally:
        for worker in workers:
            worker.request_stop()
        for worker in workers:
            await asyncio.to_thread(worker.stop)


def create_app(settings: Settings) -> FastAPI:
    """Build the web application for ``settings`` (nothing global: two apps may coexist in a process)."""
    from hromada.api import build_api_router
    from hromada.web.pages import build_pages_router

    app = _App(
        lifespan=_job_workers,
        title="Hromada",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        description="Recovery planning for war-affected municipalities. Authenticate with "
        "`Authorization: Bearer <token>` (create one with `hromada user token`).",
    )
    database = open_database(settings)
    app.state.settings = settings
    app.state.database = database
    app.state.session_factory = database.sessions
    app.state.templates = _templates()

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.signing_key(),
        session_cookie="hromada_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.cookie_secure,
    )

    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    plotly_js = _plotly_js()

    @app.get("/static-vendor/plotly.min.js", include_in_schema=False)
    def plotly_asset() -> FileResponse:
        return FileResponse(
            plotly_js,
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=604800"},
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        # On the event loop itself: it needs no thread, so it answers even when every worker thread waits
        # for the database.
        return {"status": "ok", "version": __version__}

    app.include_router(build_api_router())
    app.include_router(build_pages_router())

    @app.exception_handler(HromadaError)
    async def hromada_error(request: Request, exc: HromadaError) -> Response:
        return _error_response(request, exc)

    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_response(request: Request, exc: HromadaError) -> Response:
    if _wants_json(request):
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return JSONResponse({"error": exc.to_dict()}, status_code=exc.http_status, headers=headers)
    is_htmx = request.headers.get("hx-request") == "true"
    if isinstance(exc, AuthenticationError):
        target = "/login"
        if request.method == "GET" and request.url.path not in ("/", "/login"):
            target += f"?next={request.url.path}"
        if is_htmx:
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    from hromada.web.deps import render

    context: dict[str, Any] = {"error": exc}
    template = "fragments/error.html" if is_htmx else "error.html"
    response = render(request, template, context, status_code=exc.http_status)
    if is_htmx:
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    return response
