"""The layers of DESIGN.md: analysis and data are pure, and only services touch both db and analysis."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hromada"
HEAVY = ("fastapi", "sqlalchemy", "jinja2", "starlette", "typer", "alembic")


@pytest.mark.parametrize("module", ["hromada.analysis", "hromada.data", "hromada.io", "hromada.i18n"])
def test_pure_layers_load_no_web_or_database(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} loads {out.stdout.strip()}"


_EDGE_BELOW = ("hromada.db", "hromada.analysis", "hromada.data", "hromada.io")

#: What each layer must not import. The edges (web, api, cli) reach the database, the analyses, package data
#: and file readers only through services; they share HTTP plumbing (``http``) and wording (``i18n``), not
#: each other.
FORBIDDEN = {
    "analysis": (
        "hromada.db",
        "hromada.services",
        "hromada.web",
        "hromada.api",
        "hromada.cli",
        "hromada.http",
        "hromada.i18n",
        "hromada.reports",
        "hromada.io",
    ),
    "data": (
        "hromada.db",
        "hromada.services",
        "hromada.web",
        "hromada.api",
        "hromada.cli",
        "hromada.http",
        "hromada.i18n",
        "hromada.analysis",
    ),
    "io": ("hromada.db", "hromada.services", "hromada.web", "hromada.api", "hromada.cli", "hromada.http"),
    "db": (
        "hromada.services",
        "hromada.web",
        "hromada.api",
        "hromada.cli",
        "hromada.http",
        "hromada.analysis",
    ),
    "services": ("hromada.web", "hromada.api", "hromada.cli", "hromada.http", "hromada.i18n"),
    "i18n": ("hromada.db", "hromada.services", "hromada.web", "hromada.api", "hromada.cli", "hromada.http"),
    "http": (*_EDGE_BELOW, "hromada.web", "hromada.api", "hromada.cli"),
    "api": (*_EDGE_BELOW, "hromada.web", "hromada.cli"),
    "web": (*_EDGE_BELOW, "hromada.cli", "hromada.api"),
    "cli": (*_EDGE_BELOW, "hromada.web", "hromada.api", "hromada.http"),
}

#: The deliberate exceptions, each with its reason.
ALLOWED = {
    # The app factory is the composition root: it mounts the REST router beside the pages.
    ("web/app.py", "hromada.api"),
    # `hromada serve` and `hromada demo` build and serve the app: that is their job.
    ("cli/serve.py", "hromada.web"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_point_one_way(layer: str) -> None:
    offenders = []
    for path in (SRC / layer).rglob("*.py"):
        for name in _imports(path):
            allowed = any(
                path.relative_to(SRC).as_posix() == where and name.startswith(what) for where, what in ALLOWED
            )
            if name.startswith(FORBIDDEN[layer]) and not allowed:
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert not offenders, offenders


def test_every_layer_is_guarded() -> None:
    # A new top-level package must say what it may not import.
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - set(FORBIDDEN) == set(), sorted(packages - set(FORBIDDEN))


@pytest.mark.parametrize(("where", "what"), sorted(ALLOWED))
def test_exceptions_are_still_needed(where: str, what: str) -> None:
    # An exception nobody uses any more is removed, so the rule tightens by itself.
    assert any(name.startswith(what) for name in _imports(SRC / where)), f"{where} no longer imports {what}"
