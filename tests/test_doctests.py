"""Every ``Examples`` section in the package runs as a doctest: a module whose docstrings show ``>>>`` is
imported and its examples must pass (an example that no longer matches the code fails here)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules_with_examples() -> list[str]:
    names = []
    for path in sorted((SRC / "hromada").rglob("*.py")):
        if "migrations" in path.parts or ">>> " not in path.read_text(encoding="utf-8"):
            continue
        parts = path.relative_to(SRC).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _modules_with_examples()


def test_examples_are_found() -> None:
    # The walk itself is checked: the analysis packages document their functions with examples.
    assert any(name.startswith("hromada.analysis.decide") for name in MODULES)
    assert any(name.startswith("hromada.analysis.economy") for name in MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    outcome = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert outcome.attempted > 0, f"{name} shows '>>> ' but no example was collected"
    assert outcome.failed == 0, f"{outcome.failed} example(s) failed in {name}"
