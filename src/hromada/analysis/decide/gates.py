"""Eligibility gates: pass/fail rules, stated as data, that a project must meet before it is ranked or funded.

A gate compares one column of the project table with a required value and explains every failure in words,
with the project's own value filled in ("local co-financing 6% is below the required 10%"). A project that
lacks the value (NaN, None) fails the gate: it has to show that it qualifies.

:data:`DEFAULT_GATES` states the eligibility of Ukrainian public-investment calls under Cabinet of Ministers
Resolutions No. 527 and No. 294 of 28 February 2025 and No. 903 of 9 August 2024 (projects assessed and
prioritised by published criteria): alignment with the regional development strategy, up-to-date design
documents, at least 10% local co-financing, and an object outside areas of active hostilities or occupation.
"""

from __future__ import annotations

import math
import string
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from hromada.errors import ValidationError

__all__ = ["DEFAULT_GATES", "Gate", "GateOp", "GateResult", "apply_gates"]

GateOp = Literal[">=", ">", "<=", "<", "==", "!=", "in", "not in", "is true", "is false"]
_OPS: tuple[str, ...] = get_args(GateOp)
_TRUE = {"true", "yes", "y", "1", "так", "t"}
_FALSE = {"false", "no", "n", "0", "ні", "f"}


@dataclass(frozen=True)
class Gate:
    """One eligibility rule: ``projects[column] <op> value`` must hold.

    Attributes
    ----------
    name
        Short name of the rule, shown in failure tables.
    column
        The project column tested.
    op
        The comparison; ``"in"``/``"not in"`` take a collection as `value`, ``"is true"``/``"is false"`` take
        no value (booleans, 0/1, or words such as ``"yes"``/``"no"``, ``"так"``/``"ні"``).
    value
        The required value (the right-hand side).
    message
        Reason shown when a project fails: a :meth:`str.format` template with the fields ``value`` (the
        project's value), ``required`` (the gate's `value`), ``project``, ``column``, ``name`` and ``op``; for example
        ``"local co-financing {value:.0%} is below the required {required:.0%}"``. Default: a plain sentence.
    """

    name: str
    column: str
    op: GateOp
    value: Any = None
    message: str = ""

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValidationError(f"`op` must be one of {', '.join(map(repr, _OPS))}; got {self.op!r}")
        if self.op in ("in", "not in"):
            if isinstance(self.value, str | bytes) or not isinstance(self.value, Collection):
                raise ValidationError(
                    f"`value` must be a collection of values for op {self.op!r}; got {self.value!r}"
                )
            object.__setattr__(self, "value", tuple(self.value))
        elif self.op not in ("is true", "is false") and self.value is None:
            raise ValidationError(f"`value` must be given for op {self.op!r}; got None")
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(self.message) if f is not None}
        except ValueError as error:
            raise ValidationError(
                f"`message` must be a format template; got {self.message!r} ({error})"
            ) from None
        unknown = {f.split(".")[0].split("[")[0] for f in fields} - {
            "value",
            "required",
            "project",
            "column",
            "name",
            "op",
        }
        if unknown:
            raise ValidationError(
                "`message` may use the fields value, required, project, column, name and op; "
                f"got {sorted(unknown)!r}"
            )

    def reason(self, project: Any, value: Any) -> str:
        """The failure message for `project` whose value is `value`."""
        if _missing(value):
            return f"{self.name}: {self.column} is missing"
        if isinstance(value, np.generic):
            value = value.item()
        template = self.message or "{column} is {value}; required {op} {required}"
        fields = {"value": value, "required": self.value, "project": project, "column": self.column}
        try:
            return template.format(name=self.name, op=self.op, **fields)
        except (ValueError, TypeError, KeyError, IndexError):
            return f"{self.name}: {self.column} is {value!r}; required {self.op} {self.value!r}"


@dataclass(frozen=True, eq=False)
class GateResult:
    """Which projects pass every gate, and why the others do not.

    Attributes
    ----------
    eligible
        True where a project passes every gate (indexed by project).
    failures
        Long table with columns ``project``, ``gate`` and ``reason``, one row per failed gate.
    checks
        Projects x gates, True where the project passes the gate.
    """

    eligible: pd.Series[bool]
    failures: pd.DataFrame
    checks: pd.DataFrame = field(repr=False)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _truth(value: Any) -> bool | None:
    if _missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return bool(value != 0)
    word = str(value).strip().lower()
    return True if word in _TRUE else False if word in _FALSE else None


def _passes(gate: Gate, column: pd.Series[Any]) -> pd.Series[bool]:
    missing = column.isna()
    if gate.op in ("is true", "is false"):
        wanted = gate.op == "is true"
        passed = column.map(lambda v: _truth(v) is wanted).astype(bool)
    elif gate.op in ("in", "not in"):
        inside = column.isin(list(gate.value))
        passed = inside if gate.op == "in" else ~inside
    elif gate.op in ("==", "!="):
        equal = column == gate.value
        passed = equal if gate.op == "==" else ~equal
    else:
        numeric = pd.to_numeric(column, errors="coerce")
        bad = numeric.isna() & ~missing
        if bad.any():
            raise ValidationError(
                f"`projects[{gate.column!r}]` must be numeric for gate {gate.name!r} ({gate.op}); "
                f"got {column[bad].iloc[0]!r}"
            )
        required = float(gate.value)
        compare = {">=": numeric.ge, ">": numeric.gt, "<=": numeric.le, "<": numeric.lt}[gate.op]
        passed = compare(required)
    return (passed & ~missing).astype(bool)


def apply_gates(
    projects: pd.DataFrame, gates: Sequence[Gate], *, id_column: str | None = "project_id"
) -> GateResult:
    """Check every project against every gate.

    Parameters
    ----------
    projects
        One row per project, with a column for every gate.
    gates
        The rules, for example :data:`DEFAULT_GATES`.
    id_column
        Column naming the projects (used when present; otherwise the index labels the projects).

    Returns
    -------
    GateResult
        Eligibility per project and the reasons for each failure.

    Examples
    --------
    >>> import pandas as pd
    >>> projects = pd.DataFrame({"project_id": ["school", "bridge"], "cofinancing_share": [0.15, 0.06]})
    >>> gate = Gate("co-financing", "cofinancing_share", ">=", 0.10,
    ...             "local co-financing {value:.0%} is below the required {required:.0%}")
    >>> result = apply_gates(projects, [gate])
    >>> result.eligible.tolist()
    [True, False]
    >>> result.failures["reason"].tolist()
    ['local co-financing 6% is below the required 10%']
    """
    if not isinstance(projects, pd.DataFrame):
        raise ValidationError(f"`projects` must be a DataFrame; got {type(projects).__name__}")
    if not all(isinstance(g, Gate) for g in gates):
        raise ValidationError(f"`gates` must be a sequence of Gate; got {gates!r}")
    names = [g.name for g in gates]
    if len(set(names)) != len(names):
        raise ValidationError(f"`gates` must have unique names; got {names!r}")
    missing = sorted({g.column for g in gates if g.column not in projects.columns})
    if missing:
        raise ValidationError(
            f"`projects` must have a column for every gate; got missing {missing!r} "
            f"(gates {[g.name for g in gates if g.column in missing]!r})"
        )
    labels = (
        pd.Index(projects[id_column], name=id_column)
        if id_column is not None and id_column in projects.columns
        else projects.index
    )
    checks = pd.DataFrame(
        {g.name: _passes(g, projects[g.column]).to_numpy() for g in gates}, index=labels, dtype=bool
    )
    rows = []
    for position in np.argwhere(~checks.to_numpy(dtype=bool)):
        i, j = int(position[0]), int(position[1])
        gate = gates[j]
        project = labels[i]
        rows.append((project, gate.name, gate.reason(project, projects[gate.column].iloc[i])))
    failures = pd.DataFrame(rows, columns=["project", "gate", "reason"])
    eligible = checks.all(axis=1).rename("eligible") if len(gates) else pd.Series(True, index=labels)
    return GateResult(eligible=eligible.astype(bool), failures=failures, checks=checks)


DEFAULT_GATES: tuple[Gate, ...] = (
    Gate(
        "co-financing",
        "cofinancing_share",
        ">=",
        0.10,
        "local co-financing {value:.0%} is below the required {required:.0%}",
    ),
    Gate(
        "strategy alignment",
        "strategy_aligned",
        "is true",
        message="not aligned with the regional development strategy",
    ),
    Gate(
        "design documents",
        "design_ready",
        "is true",
        message="up-to-date design documents are not ready",
    ),
    Gate(
        "location",
        "location_status",
        "not in",
        ("frontline", "occupied"),
        "the object is in a {value} area (active hostilities or occupation)",
    ),
)
"""Eligibility used in Ukrainian public-investment calls, as data (change or extend them per call).

Cabinet of Ministers Resolutions No. 527 and No. 294 of 28 February 2025 and No. 903 of 9 August 2024 require
communities to assess and prioritise public investment projects by published criteria; a 2025 call required
alignment with the regional development strategy, up-to-date design documents, at least 10% local
co-financing and an object outside areas of active hostilities or temporary occupation. Columns:
``cofinancing_share`` (share of cost from the local budget, 0-1), ``strategy_aligned`` and ``design_ready``
(yes/no), ``location_status`` (for example ``"rear"``, ``"de-occupied"``, ``"idp_host"``, ``"frontline"``,
``"occupied"``). The 10% threshold is the call's figure: check the current call before relying on it.
"""
