"""The ``hromada`` command line (Typer + Rich)."""

from hromada.cli.main import app, main

__all__ = ["app", "main"]
