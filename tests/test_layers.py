"""The layers of DESIGN.md: analysis and data are pure, and only services touch both db and analysis."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "hromada"
HEAVY = ("fastapi", "sqlalchemy", "jinja2", "starlette", "typer", "alembic")


@pytest.mark.parametrize("module", ["hromada.analysis", "hromada.data", "hromada.io"])
def test_pure_layers_load_no_web_or_database(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} loads {out.stdout.strip()}"


FORBIDDEN = {
    "analysis": (
        "hromada.db",
        "hromada.services",
        "hromada.web",
        "hromada.api",
        "hromada.cli",
        "hromada.reports",
        "hromada.io",
    ),
    "data": (
        "hromada.db",
        "hromada.services",
        "hromada.web",
        "hromada.api",
        "hromada.cli",
        "hromada.analysis",
    ),
    "io": ("hromada.db", "hromada.services", "hromada.web", "hromada.api", "hromada.cli"),
    "db": ("hromada.services", "hromada.web", "hromada.api", "hromada.cli", "hromada.analysis"),
    "services": ("hromada.web", "hromada.api", "hromada.cli"),
    "web": ("hromada.db",),
    "api": ("hromada.db",),
    "cli": ("hromada.db",),
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
            if name.startswith(FORBIDDEN[layer]):
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert not offenders, offenders
