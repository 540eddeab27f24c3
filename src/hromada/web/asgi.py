"""ASGI entry point for process managers: ``uvicorn --factory hromada.web.asgi:app_from_environment``.

Settings are read from the ``HROMADA_*`` environment of each worker process.
"""

from __future__ import annotations

from fastapi import FastAPI

from hromada.settings import get_settings
from hromada.web.app import create_app

__all__ = ["app_from_environment"]


def app_from_environment() -> FastAPI:
    """Build the app from the environment (one call per worker process)."""
    return create_app(get_settings())
