"""The web application: server-rendered pages with htmx, and the REST API."""

from hromada.web.app import create_app

__all__ = ["create_app"]
