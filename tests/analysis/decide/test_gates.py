"""Eligibility gates: every operator, the default Ukrainian gates, and the failure messages."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd
import pytest

from hromada.analysis.decide import DEFAULT_GATES, Gate, apply_gates
from hromada.errors import ValidationError


def _projects() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": ["school", "bridge", "clinic", "boiler"],
            "cofinancing_share": [0.15, 0.06, 0.10, np.nan],
            "strategy_aligned": [True, True, "так", "no"],
            "design_ready": [True, False, 1, True],
            "location_status": ["rear", "frontline", "de-occupied", "occupied"],
        }
    )


def test_default_gates() -> None:
    result = apply_gates(_projects(), DEFAULT_GATES)
    assert result.eligible.to_dict() == {"school": True, "bridge": False, "clinic": True, "boiler": False}
    reasons = result.failures.groupby("project")["reason"].apply(list).to_dict()
    assert reasons["bridge"] == [
        "local co-financing 6% is below the required 10%",
        "up-to-date design documents are not ready",
        "the object is in a frontline area (active hostilities or occupation)",
    ]
    assert reasons["boiler"] == [
        "co-financing: cofinancing_share is missing",
        "not aligned with the regional development strategy",
        "the object is in a occupied area (active hostilities or occupation)",
    ]
    assert list(result.failures.columns) == ["project", "gate", "reason"]
    assert result.checks.shape == (4, 4)
    from hromada.analysis.decide import gates

    assert "Resolutions No. 527 and No. 294 of 28 February 2025 and No. 903" in (gates.__doc__ or "")


def test_every_operator() -> None:
    frame = pd.DataFrame({"x": [1, 5, 10], "kind": ["a", "b", "c"], "flag": [True, False, True]})
    cases = [
        (Gate("ge", "x", ">=", 5), [False, True, True]),
        (Gate("gt", "x", ">", 5), [False, False, True]),
        (Gate("le", "x", "<=", 5), [True, True, False]),
        (Gate("lt", "x", "<", 5), [True, False, False]),
        (Gate("eq", "kind", "==", "b"), [False, True, False]),
        (Gate("ne", "kind", "!=", "b"), [True, False, True]),
        (Gate("in", "kind", "in", ["a", "c"]), [True, False, True]),
        (Gate("not in", "kind", "not in", {"a"}), [False, True, True]),
        (Gate("true", "flag", "is true"), [True, False, True]),
        (Gate("false", "flag", "is false"), [False, True, False]),
    ]
    for gate, expected in cases:
        assert apply_gates(frame, [gate], id_column=None).eligible.tolist() == expected, gate.name


def test_default_message_and_template_fields() -> None:
    frame = pd.DataFrame({"project_id": ["p"], "x": [3]})
    plain = apply_gates(frame, [Gate("size", "x", ">=", 5)])
    assert plain.failures["reason"].tolist() == ["x is 3; required >= 5"]
    custom = apply_gates(
        frame, [Gate("size", "x", ">=", 5, "{project}: {name} needs {column} {op} {required}")]
    )
    assert custom.failures["reason"].tolist() == ["p: size needs x >= 5"]


def test_errors() -> None:
    with pytest.raises(ValidationError, match=r"missing \['cofinancing_share'\]"):
        apply_gates(pd.DataFrame({"project_id": ["p"]}), DEFAULT_GATES[:1])
    with pytest.raises(ValidationError, match="`op` must be one of"):
        Gate("g", "x", cast(Any, "approx"), 1)  # not an operator
    with pytest.raises(ValidationError, match="collection"):
        Gate("g", "x", "in", "abc")
    with pytest.raises(ValidationError, match="`value` must be given"):
        Gate("g", "x", ">=")
    with pytest.raises(ValidationError, match="may use the fields"):
        Gate("g", "x", ">=", 1, "{cost} too high")
    with pytest.raises(ValidationError, match="must be numeric"):
        apply_gates(pd.DataFrame({"x": ["high"]}), [Gate("g", "x", ">=", 1)])
    with pytest.raises(ValidationError, match="unique names"):
        apply_gates(pd.DataFrame({"x": [1]}), [Gate("g", "x", ">=", 1), Gate("g", "x", "<=", 1)])
