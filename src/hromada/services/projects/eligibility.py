"""Eligibility gates a municipality publishes with its ranking: which rules apply and their thresholds.

The rules are stored in the finance plan as data, a list of ``{name, column, op, value, message}`` (see
:class:`hromada.analysis.decide.Gate`); ``None`` means the default rules of a 2025 public-investment call
(:data:`hromada.analysis.decide.DEFAULT_GATES`: at least 10 % local co-financing, aligned with the
development strategy, design documents ready, not in a frontline or occupied area). A municipality or a call
may change the thresholds, drop a rule, or add its own on any project column listed in :data:`GATE_COLUMNS`
or on a criterion score (``c:<criterion>``).

Every failure is explained in the interface language when a ``gettext`` is given (a rule's own ``message``,
written by the municipality, is shown as written).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.analysis.decide import DEFAULT_GATES, Gate, apply_gates
from hromada.db.models import FinancePlan, Municipality
from hromada.errors import ValidationError
from hromada.services import audit
from hromada.services.access import Principal, require
from hromada.services.projects import finance
from hromada.services.projects.finance import GateView

__all__ = [
    "GATE_COLUMNS",
    "LOCATION_STATUSES",
    "STANDARD",
    "GateView",
    "check_projects",
    "default_specs",
    "describe",
    "gate_specs",
    "gate_views",
    "set_gates",
    "split_standard",
    "standard_spec",
    "validate_specs",
]

Gettext = Callable[..., str]


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


LOCATION_STATUSES = ("rear", "hosting-idp", "de-occupied", "frontline", "occupied")
LOCATION_LABELS: Mapping[str, str] = {
    "rear": N_("rear area"),
    "hosting-idp": N_("hosting displaced people"),
    "de-occupied": N_("de-occupied"),
    "frontline": N_("frontline"),
    "occupied": N_("occupied"),
}

#: Project columns a gate may test, with their kind: share (0-1), number, flag (yes/no), area (a location
#: status) or text. Criterion scores (``c:<criterion>``) are numbers.
GATE_COLUMNS: Mapping[str, str] = {
    "cofinancing_share": "share",
    "strategy_aligned": "flag",
    "documents_ready": "flag",
    "location_status": "area",
    "cost": "number",
    "start_year": "number",
    "duration_years": "number",
    "sector": "text",
    "type": "text",
}
OPS: Mapping[str, tuple[str, ...]] = {
    "share": (">=", ">", "<=", "<"),
    "number": (">=", ">", "<=", "<", "==", "!="),
    "flag": ("is true", "is false"),
    "area": ("not in", "in"),
    "text": ("in", "not in", "==", "!="),
}

COLUMN_LABELS: Mapping[str, str] = {
    "cofinancing_share": N_("local co-financing share"),
    "strategy_aligned": N_("strategy alignment"),
    "documents_ready": N_("design documents status"),
    "location_status": N_("location status"),
    "cost": N_("cost"),
    "start_year": N_("start year"),
    "duration_years": N_("duration in years"),
    "sector": N_("sector"),
    "type": N_("type"),
}

#: The rules the web form offers, by key: (default name, column, op).
STANDARD: Mapping[str, tuple[str, str, str]] = {
    "cofinancing": ("co-financing", "cofinancing_share", ">="),
    "strategy": ("strategy alignment", "strategy_aligned", "is true"),
    "documents": ("design documents", "documents_ready", "is true"),
    "location": ("location", "location_status", "not in"),
    "cost": ("cost limit", "cost", "<="),
}
_COLUMN_OF_DEFAULT = {"design_ready": "documents_ready"}


def _english(message: str, **values: Any) -> str:
    return message % values if values else message


def default_specs() -> list[dict[str, Any]]:
    """The default rules (:data:`~hromada.analysis.decide.DEFAULT_GATES`) as specs on project columns."""
    return [
        {
            "name": g.name,
            "column": _COLUMN_OF_DEFAULT.get(g.column, g.column),
            "op": g.op,
            "value": list(g.value) if isinstance(g.value, tuple) else g.value,
            "message": "",
        }
        for g in DEFAULT_GATES
    ]


def gate_specs(plan: FinancePlan | None) -> list[dict[str, Any]]:
    """The municipality's rules, or the default ones when it set none."""
    if plan is None or plan.gates is None:
        return default_specs()
    return [dict(spec) for spec in plan.gates]


def standard_spec(key: str, value: Any = None, *, name: str | None = None) -> dict[str, Any]:
    """One of the form's rules (:data:`STANDARD`) with its threshold."""
    default_name, column, op = STANDARD[key]
    return {"name": name or default_name, "column": column, "op": op, "value": value, "message": ""}


def split_standard(
    specs: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The rules the web form offers (by :data:`STANDARD` key; the first rule of each kind) and the others."""
    standard: dict[str, dict[str, Any]] = {}
    other: list[dict[str, Any]] = []
    for spec in specs:
        key = next(
            (k for k, (_, column, op) in STANDARD.items() if (column, op) == (spec["column"], spec["op"])),
            None,
        )
        if key is not None and key not in standard and not spec.get("message"):
            standard[key] = dict(spec)
        else:
            other.append(dict(spec))
    return standard, other


def _kind(column: str, criteria: Sequence[str]) -> str:
    if column.startswith("c:"):
        if column[2:] not in criteria:
            raise ValidationError(
                f"gate column {column!r}: {column[2:]!r} is not a published criterion ({', '.join(criteria)})"
            )
        return "number"
    if column not in GATE_COLUMNS:
        raise ValidationError(
            f"a gate may test {', '.join(GATE_COLUMNS)} or a criterion score c:<criterion>; got {column!r}"
        )
    return GATE_COLUMNS[column]


def validate_specs(specs: Sequence[Mapping[str, Any]], criteria: Sequence[str]) -> list[dict[str, Any]]:
    """Check and normalise rules; every problem names the rule and what was expected."""
    out: list[dict[str, Any]] = []
    names: set[str] = set()
    for i, raw in enumerate(specs, start=1):
        if not isinstance(raw, Mapping):
            raise ValidationError(f"gate {i}: expected a rule with name, column, op and value; got {raw!r}")
        name = str(raw.get("name") or "").strip()
        label = f"gate {i} ({name})" if name else f"gate {i}"
        if not name:
            raise ValidationError(f"{label}: every gate needs a name")
        if name in names:
            raise ValidationError(f"{label}: every gate must be named once; {name!r} is repeated")
        names.add(name)
        column = str(raw.get("column") or "").strip()
        try:
            kind = _kind(column, criteria)
        except ValidationError as error:
            raise ValidationError(f"{label}: {error}") from None
        op = str(raw.get("op") or "").strip()
        if op not in OPS[kind]:
            raise ValidationError(f"{label}: {column} takes {', '.join(OPS[kind])}; got op {op!r}")
        value: Any = raw.get("value")
        if kind in ("share", "number"):
            try:
                value = float(value)
            except (TypeError, ValueError):
                value = math.nan
            if not math.isfinite(value):
                raise ValidationError(f"{label}: {column} {op} needs a number; got {raw.get('value')!r}")
            if kind == "share" and not 0 <= value <= 1:
                raise ValidationError(f"{label}: {column} is a share between 0 and 1; got {value!r}")
        elif kind == "flag":
            value = None
        elif op in ("in", "not in"):
            items = [value] if isinstance(value, str) else list(value or [])
            value = [str(v).strip() for v in items if str(v).strip()]
            if not value:
                raise ValidationError(f"{label}: {column} {op} needs at least one value")
            if kind == "area":
                unknown = [v for v in value if v not in LOCATION_STATUSES]
                if unknown:
                    raise ValidationError(
                        f"{label}: location statuses are {', '.join(LOCATION_STATUSES)}; got {unknown!r}"
                    )
        else:
            value = str(value or "").strip()
            if not value:
                raise ValidationError(f"{label}: {column} {op} needs a value")
        message = str(raw.get("message") or "").strip()
        spec = {"name": name, "column": column, "op": op, "value": value, "message": message}
        _gate(spec)  # the message template is checked here
        out.append(spec)
    return out


def set_gates(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    specs: Sequence[Mapping[str, Any]] | None,
) -> list[dict[str, Any]]:
    """Publish the eligibility rules (editors and admins); ``None`` returns to the default rules.

    An empty list publishes no rule: every active project is ranked.
    """
    require(principal, "write", municipality.id)
    stored = session.scalar(select(FinancePlan).where(FinancePlan.municipality_id == municipality.id))
    criteria = list(finance.criteria_of(stored))
    checked = None if specs is None else validate_specs(specs, criteria)
    plan = finance.ensure_plan(session, municipality)
    plan.gates = checked
    session.flush()
    audit.record(
        session, principal, "update", "finance_plan", municipality_id=municipality.id,
        details={"gates": checked if checked is not None else "default"},
    )  # fmt: skip
    return gate_specs(plan)


def _gate(spec: Mapping[str, Any]) -> Gate:
    value = spec["value"]
    return Gate(
        spec["name"], spec["column"], spec["op"], tuple(value) if isinstance(value, list) else value,
        spec.get("message") or "",
    )  # fmt: skip


def _number(value: float) -> str:
    return f"{value:,.6g}".replace(",", " ")


def _areas(values: Sequence[str], _: Gettext) -> str:
    return ", ".join(_(LOCATION_LABELS.get(v, v)) for v in values)


def describe(spec: Mapping[str, Any], gettext: Gettext | None = None) -> str:
    """The rule in words, in the interface language: "local co-financing at least 10 %"."""
    _ = gettext or _english
    column, op, value = spec["column"], spec["op"], spec["value"]
    if column == "cofinancing_share" and op == ">=":
        return _("local co-financing at least %(share)s%%", share=_number(float(value) * 100))
    if column == "strategy_aligned" and op == "is true":
        return _("aligned with the development strategy")
    if column == "documents_ready" and op == "is true":
        return _("design documents ready")
    if column == "location_status" and op == "not in":
        return _("not in these areas: %(areas)s", areas=_areas(value, _))
    if column == "location_status" and op == "in":
        return _("only in these areas: %(areas)s", areas=_areas(value, _))
    if column == "cost" and op == "<=":
        return _("cost at most %(amount)s million UAH", amount=_number(float(value) / 1e6))
    if op in ("is true", "is false"):
        return f"{column} {op}"
    if isinstance(value, list):
        shown = ", ".join(map(str, value))
    else:
        shown = _number(value) if isinstance(value, float) else str(value)
    return f"{column} {op} {shown}"


def gate_views(specs: Sequence[Mapping[str, Any]], gettext: Gettext | None = None) -> list[GateView]:
    """The rules with their descriptions (:func:`describe`, in the interface language when ``gettext`` is
    given), as published with the finance plan and the ranking."""
    return [GateView.model_validate({**spec, "description": describe(spec, gettext)}) for spec in specs]


def _label(column: str, _: Gettext) -> str:
    return column[2:] if column.startswith("c:") else _(COLUMN_LABELS.get(column, column))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _reason(spec: Mapping[str, Any], value: Any, _: Gettext) -> str:
    column, op, required = spec["column"], spec["op"], spec["value"]
    if _missing(value) or (isinstance(value, str) and not value.strip()):
        return _("%(column)s is not given, so the rule “%(rule)s” cannot be checked",
                 column=_label(column, _), rule=describe(spec, _))  # fmt: skip
    if column == "cofinancing_share" and op == ">=":
        return _(
            "local co-financing %(value)s%% is below the required %(required)s%%",
            value=_number(float(value) * 100), required=_number(float(required) * 100),
        )  # fmt: skip
    if column == "strategy_aligned" and op == "is true":
        return _("not aligned with the development strategy")
    if column == "documents_ready" and op == "is true":
        return _("up-to-date design documents are not ready")
    if column == "location_status" and op == "not in":
        return _("the object is in an excluded area (%(area)s)", area=_areas([str(value)], _))
    if column == "location_status" and op == "in":
        return _("the object's area (%(area)s) is not among: %(areas)s",
                 area=_areas([str(value)], _), areas=_areas(required, _))  # fmt: skip
    if column == "cost" and op == "<=":
        return _(
            "cost %(value)s million UAH is above the limit of %(required)s million UAH",
            value=_number(float(value) / 1e6), required=_number(float(required) / 1e6),
        )  # fmt: skip
    return _("fails the rule “%(rule)s” (%(column)s is %(value)s)",
             rule=describe(spec, _), column=_label(column, _), value=value)  # fmt: skip


def check_projects(
    frame: pd.DataFrame,
    specs: Sequence[Mapping[str, Any]],
    *,
    gettext: Gettext | None = None,
) -> tuple[pd.Series[bool], pd.DataFrame]:
    """Which projects (rows of ``frame``, keyed by ``key``) pass every rule, and why the others fail.

    Returns the eligibility per project key and a table ``project, gate, reason`` with one row per failed
    rule. A rule on a criterion the projects are not scored on is an error naming the rule.
    """
    _ = gettext or _english
    missing = [s for s in specs if s["column"] not in frame.columns]
    if missing:
        names = ", ".join(f"{s['name']} ({s['column']})" for s in missing)
        raise ValidationError(
            f"the eligibility gates {names} test a column the projects do not have; change the gates"
        )
    gates = [_gate(s) for s in specs]
    result = apply_gates(frame, gates, id_column="key")
    by_name = {s["name"]: s for s in specs}
    values = frame.set_index("key")
    rows = []
    for project, name, english in result.failures.itertuples(index=False):
        spec = by_name[name]
        value = values.at[project, spec["column"]]
        if isinstance(value, float) and math.isnan(value):
            value = None
        reason = english if spec.get("message") and not _missing(value) else _reason(spec, value, _)
        rows.append((project, name, reason))
    failures = pd.DataFrame(rows, columns=["project", "gate", "reason"])
    return result.eligible, failures
