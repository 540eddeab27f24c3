"""The ``Examples`` of every decide module run as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["ahp", "mcda", "sensitivity", "gates", "debt", "portfolio"])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"hromada.analysis.decide.{name}")
    outcome = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert outcome.failed == 0 and outcome.attempted > 0
