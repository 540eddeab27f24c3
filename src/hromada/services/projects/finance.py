"""A municipality's finance plan: planning years, the published ranking criteria and weights (typed in or
derived from AHP pairwise judgements), and the borrowing rule the portfolio must respect.

The plan is what makes a ranking reproducible and explainable: the criteria, weights and judgements are
stored, audited and published with every ranking and portfolio run.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.analysis.decide import DebtRule, ahp_weights, comparisons_from_pairs
from hromada.db.models import FinancePlan, Municipality
from hromada.errors import ValidationError
from hromada.services import audit
from hromada.services._json import ServiceModel
from hromada.services.access import Principal, require

__all__ = [
    "DEFAULT_CRITERIA",
    "DIRECTIONS",
    "AhpJudgements",
    "AhpOutcome",
    "AhpView",
    "AhpWorst",
    "CriterionView",
    "FinancePlanView",
    "GateView",
    "ahp_view",
    "criteria_of",
    "debt_rule",
    "default_years",
    "ensure_plan",
    "get_plan",
    "plan_view",
    "planning_years",
    "preview_ahp",
    "saaty_value",
    "set_ahp",
    "set_criteria",
    "set_plan",
    "weigh_criteria",
    "weights_from",
]

#: Published criteria of the demo call: name -> (weight, direction). A municipality publishes its own.
DEFAULT_CRITERIA: Mapping[str, tuple[float, str]] = {
    "population_served": (0.30, "benefit"),
    "urgency": (0.25, "benefit"),
    "jobs": (0.15, "benefit"),
    "readiness": (0.15, "benefit"),
    "cost_per_person": (0.15, "cost"),
}
DIRECTIONS = ("benefit", "cost")
SAATY_SCALE = (1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9)
_MAX_CR = 0.10  # Saaty's threshold for acceptable consistency
REPAYMENT_YEARS = 30  # years after the plan in which debt service is checked


def default_years(today: dt.date | None = None) -> tuple[int, int]:
    """The default planning horizon: next year and the two after it (a medium-term investment plan)."""
    year = (today or dt.date.today()).year + 1
    return year, year + 2


def get_plan(session: Session, principal: Principal, municipality: Municipality) -> FinancePlan | None:
    """The municipality's finance plan (readers and up), or None when none was set."""
    require(principal, "read", municipality.id)
    return session.scalar(select(FinancePlan).where(FinancePlan.municipality_id == municipality.id))


def ensure_plan(session: Session, municipality: Municipality) -> FinancePlan:
    """The municipality's plan, created with the default years when it has none (no permission check)."""
    plan = session.scalar(select(FinancePlan).where(FinancePlan.municipality_id == municipality.id))
    if plan is None:
        first, last = default_years()
        plan = FinancePlan(
            municipality_id=municipality.id, first_year=first, last_year=last, revenue={},
            existing_service={}, existing_debt={},
        )  # fmt: skip
        session.add(plan)
    return plan


def planning_years(plan: FinancePlan | None) -> tuple[int, ...]:
    """The plan's years, or the default horizon."""
    first, last = (plan.first_year, plan.last_year) if plan is not None else default_years()
    return tuple(range(first, last + 1))


def criteria_of(plan: FinancePlan | None) -> dict[str, tuple[float, str]]:
    """The published criteria: name -> (weight, direction); the default ones when the plan sets none."""
    if plan is None or not plan.criteria:
        return dict(DEFAULT_CRITERIA)
    return {name: (float(spec["weight"]), str(spec["direction"])) for name, spec in plan.criteria.items()}


def _amounts(values: Mapping[Any, Any] | None, name: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for year, amount in (values or {}).items():
        try:
            y, number = int(year), float(amount)
        except (TypeError, ValueError):
            raise ValidationError(f"`{name}` must map years to amounts; got {year!r}: {amount!r}") from None
        if not math.isfinite(number) or number < 0:
            raise ValidationError(f"`{name}` for {y} must be a non-negative amount; got {amount!r}")
        out[str(y)] = number
    return out


def set_plan(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    first_year: int,
    last_year: int,
    revenue: Mapping[Any, Any] | None = None,
    debt_service_share: float | None = None,
    max_debt_ratio: float | None = None,
    existing_service: Mapping[Any, Any] | None = None,
    existing_debt: Mapping[Any, Any] | None = None,
) -> FinancePlan:
    """Set the planning years and the borrowing rule (editors and admins).

    With a debt-service share, the revenue forecast must cover every planning year: the portfolio then
    keeps debt service of new loans plus ``existing_service`` within ``debt_service_share`` of revenue in
    every year (and, with ``max_debt_ratio``, outstanding debt within that multiple of revenue).
    """
    require(principal, "write", municipality.id)
    if not (1990 <= first_year <= last_year <= first_year + 15):
        raise ValidationError(
            f"the planning years must be increasing and at most 16 years; got {first_year}-{last_year}"
        )
    revenue_ = _amounts(revenue, "revenue")
    for name, value, upper in (
        ("debt_service_share", debt_service_share, 1.0),
        ("max_debt_ratio", max_debt_ratio, 20.0),
    ):
        if value is not None and not (math.isfinite(value) and 0 < value <= upper):
            raise ValidationError(f"`{name}` must be in (0, {upper:g}]; got {value!r}")
    if debt_service_share is not None or max_debt_ratio is not None:
        missing = [y for y in range(first_year, last_year + 1) if revenue_.get(str(y), 0) <= 0]
        if missing:
            raise ValidationError(
                "a borrowing limit needs a positive revenue forecast for every planning year; missing "
                + ", ".join(map(str, missing))
            )
    plan = ensure_plan(session, municipality)
    plan.first_year, plan.last_year = first_year, last_year
    plan.revenue = revenue_
    plan.debt_service_share = debt_service_share
    plan.max_debt_ratio = max_debt_ratio
    if existing_service is not None:  # None keeps what was stored
        plan.existing_service = _amounts(existing_service, "existing_service")
    if existing_debt is not None:
        plan.existing_debt = _amounts(existing_debt, "existing_debt")
    session.flush()
    audit.record(
        session, principal, "update", "finance_plan", municipality_id=municipality.id,
        details={"years": [first_year, last_year], "debt_service_share": debt_service_share,
                 "max_debt_ratio": max_debt_ratio},
    )  # fmt: skip
    return plan


def debt_rule(plan: FinancePlan | None) -> DebtRule | None:
    """The borrowing rule of the plan, or None when no limit is set."""
    if plan is None or (plan.debt_service_share is None and plan.max_debt_ratio is None):
        return None
    revenue = {int(y): float(v) for y, v in plan.revenue.items() if float(v) > 0}
    if revenue:
        # loans are repaid long after the plan: years without a forecast keep the last one, so repayments
        # falling in them are checked too (for REPAYMENT_YEARS after the plan)
        last = max(revenue)
        for year in range(last + 1, max(last, plan.last_year) + REPAYMENT_YEARS + 1):
            revenue[year] = revenue[last]
    return DebtRule(
        revenue=revenue,
        max_share=plan.debt_service_share if plan.debt_service_share is not None else 1.0,
        existing_service={int(y): float(v) for y, v in plan.existing_service.items()},
        max_debt_ratio=plan.max_debt_ratio,
        existing_debt={int(y): float(v) for y, v in plan.existing_debt.items()},
    )


def _check_criteria(spec: Mapping[str, tuple[float, str]]) -> dict[str, dict[str, Any]]:
    if len(spec) < 2:
        raise ValidationError(f"publish at least two criteria; got {len(spec)}")
    out: dict[str, dict[str, Any]] = {}
    for name, (weight, direction) in spec.items():
        label = str(name).strip()
        if not label:
            raise ValidationError("every criterion needs a name")
        if direction not in DIRECTIONS:
            raise ValidationError(
                f"criterion {label!r}: direction must be benefit or cost; got {direction!r}"
            )
        if not (math.isfinite(float(weight)) and float(weight) > 0):
            raise ValidationError(f"criterion {label!r}: weight must be positive; got {weight!r}")
        out[label] = {"weight": float(weight), "direction": direction}
    total = sum(v["weight"] for v in out.values())
    for value in out.values():
        value["weight"] = value["weight"] / total
    return out


def set_criteria(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    criteria: Mapping[str, tuple[float, str]],
) -> FinancePlan:
    """Publish criteria with typed-in weights (normalised to sum to 1); clears earlier AHP judgements."""
    require(principal, "write", municipality.id)
    spec = _check_criteria(criteria)
    plan = ensure_plan(session, municipality)
    plan.criteria, plan.ahp = spec, None
    session.flush()
    audit.record(
        session, principal, "update", "finance_plan", municipality_id=municipality.id,
        details={"criteria": spec, "source": "typed"},
    )  # fmt: skip
    return plan


@dataclass(frozen=True)
class AhpOutcome:
    """Weights from pairwise judgements and how consistent the judgements are."""

    weights: dict[str, float]
    consistency_ratio: float
    consistent: bool
    worst: tuple[str, str, float, float] | None  # (a, b, judged, implied by the weights)


def saaty_value(value: float | str, what: str = "judgement") -> float:
    """A judgement on Saaty's 1-9 scale as a number: ``3``, ``"3"``, ``"1/3"`` or ``0.3333333``."""
    try:
        number = float(Fraction(value.strip())) if isinstance(value, str) else float(value)
    except (ValueError, ZeroDivisionError):
        number = math.nan
    if not any(math.isclose(number, s, rel_tol=1e-6) for s in SAATY_SCALE):
        raise ValidationError(
            f"{what}: use Saaty's scale 1/9 ... 1 ... 9 (fractions such as 1/3); got {value!r}"
        )
    return number


def _ahp(criteria: Sequence[str], judgements: Sequence[tuple[str, str, float | str]]) -> AhpOutcome:
    names = list(criteria)
    pairs: dict[tuple[Hashable, Hashable], float] = {}
    for a, b, value in judgements:
        if a not in names or b not in names or a == b:
            raise ValidationError(f"judgement {a!r} vs {b!r}: both must be different published criteria")
        pairs[(a, b)] = saaty_value(value, f"judgement {a!r} vs {b!r}")
    needed = len(names) * (len(names) - 1) // 2
    covered = {frozenset(k) for k in pairs}
    if len(covered) < needed:
        missing = [
            f"{a} vs {b}"
            for i, a in enumerate(names)
            for b in names[i + 1 :]
            if frozenset((a, b)) not in covered
        ]
        raise ValidationError("judge every pair of criteria; missing " + ", ".join(missing))
    result = ahp_weights(comparisons_from_pairs(pairs, names))
    weights = {str(k): float(v) for k, v in result.weights.items()}
    worst: tuple[str, str, float, float] | None = None
    deviation = 0.0
    for (first, second), judged in pairs.items():
        a, b = str(first), str(second)
        implied = weights[a] / weights[b]
        gap = abs(math.log(judged / implied))
        if gap > deviation:
            deviation, worst = gap, (a, b, judged, implied)
    return AhpOutcome(
        weights, float(result.consistency_ratio), bool(result.consistency_ratio <= _MAX_CR), worst
    )


def preview_ahp(criteria: Sequence[str], judgements: Sequence[tuple[str, str, float | str]]) -> AhpOutcome:
    """Weights and consistency of a set of judgements, without storing anything."""
    return _ahp(criteria, judgements)


def set_ahp(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    judgements: Sequence[tuple[str, str, float | str]],
    *,
    directions: Mapping[str, str] | None = None,
) -> AhpOutcome:
    """Derive the published weights from pairwise judgements (Saaty's 1-9 scale) and store both.

    The criteria are the currently published ones (their directions are kept unless ``directions`` says
    otherwise). Judgements whose consistency ratio exceeds 0.10 are refused with the judgement that departs
    most from the weights it would give, so the committee knows which comparison to revisit.
    """
    require(principal, "write", municipality.id)
    stored = session.scalar(select(FinancePlan).where(FinancePlan.municipality_id == municipality.id))
    current = criteria_of(stored)
    names = list(current)
    outcome = _ahp(names, judgements)
    if not outcome.consistent:
        detail = ""
        if outcome.worst is not None:
            a, b, judged, implied = outcome.worst
            detail = (
                f"; revisit {a} vs {b}: judged {judged:.3g}, the other judgements imply about {implied:.2g}"
            )
        raise ValidationError(
            f"the judgements are inconsistent (consistency ratio {outcome.consistency_ratio:.2f} > {_MAX_CR:.2f})"
            + detail
        )
    direction_of = {n: (directions or {}).get(n, current[n][1]) for n in names}
    plan = ensure_plan(session, municipality)
    plan.criteria = _check_criteria({n: (outcome.weights[n], direction_of[n]) for n in names})
    plan.ahp = {
        "judgements": [[a, b, saaty_value(v)] for a, b, v in judgements],
        "consistency_ratio": outcome.consistency_ratio,
    }
    session.flush()
    audit.record(
        session, principal, "update", "finance_plan", municipality_id=municipality.id,
        details={"criteria": plan.criteria, "source": "ahp", "consistency_ratio": outcome.consistency_ratio},
    )  # fmt: skip
    return outcome


# --------------------------------------------------------------------------------------------------------
# Typed results (the REST API's response models)

WeightsFrom = Literal["ahp", "typed", "default"]


class CriterionView(ServiceModel):
    """A published ranking criterion and its weight (the weights sum to 1)."""

    criterion: str = Field(description="The name the projects score (column c:<criterion>).")
    weight: float = Field(description="Normalised weight; the published weights sum to 1.")
    direction: Literal["benefit", "cost"] = Field(
        description="benefit: more is better; cost: less is better."
    )


class GateView(ServiceModel):
    """A published eligibility rule (see :mod:`hromada.services.projects.eligibility`) and the rule in words."""

    name: str = Field(description="Short name, shown with every failure.")
    column: str = Field(description="The project column tested, or a criterion score c:<criterion>.")
    op: str = Field(description='The comparison: >=, >, <=, <, ==, !=, in, not in, "is true" or "is false".')
    value: float | str | list[str] | None = Field(
        description="The threshold (a share 0-1 for cofinancing_share, UAH for cost); a list for in/not in; "
        "null for is true/is false."
    )
    message: str = Field(
        default="", description="The municipality's own reason shown on failure; empty: the default."
    )
    description: str = Field(
        description="The rule in words (in the asked language where the route takes one)."
    )


class AhpJudgements(ServiceModel):
    """The pairwise judgements the published weights were derived from."""

    judgements: list[tuple[str, str, float]] = Field(
        description="[a, b, value]: how many times a matters more than b on Saaty's 1-9 scale."
    )
    consistency_ratio: float = Field(description="Saaty's consistency ratio of the judgements (<= 0.10).")


class FinancePlanView(ServiceModel):
    """The finance plan as published: planning years, revenue forecast, borrowing rule, criteria and gates.

    While no plan is stored, the defaults (``stored`` false): the default years and criteria, no borrowing
    limit, the default eligibility gates."""

    stored: bool = Field(description="Whether the municipality stored a plan; false: the defaults are shown.")
    first_year: int
    last_year: int
    years: list[int] = Field(description="The planning years, first to last.")
    revenue: dict[str, float] = Field(description="Year -> forecast revenue (UAH).")
    debt_service_share: float | None = Field(
        description="Largest share of revenue for debt service; null: not checked."
    )
    max_debt_ratio: float | None = Field(
        description="Largest outstanding debt as a multiple of revenue; null: not checked."
    )
    existing_service: dict[str, float] = Field(description="Year -> debt service already committed (UAH).")
    existing_debt: dict[str, float] = Field(description="Year -> debt already outstanding (UAH).")
    criteria: list[CriterionView] = Field(
        description="The published criteria (the defaults while none is set)."
    )
    weights_from: WeightsFrom = Field(
        description="ahp: from pairwise judgements; typed; or the default weights."
    )
    ahp: AhpJudgements | None = Field(
        description="The judgements behind the weights when weights_from is ahp."
    )
    gates: list[GateView] = Field(description="The published eligibility gates, described in English.")
    gates_from: Literal["default", "municipality"]
    updated_at: str | None = Field(description="When the plan was last changed (ISO 8601); null: not stored.")


class AhpWorst(ServiceModel):
    """The judgement that departs most from the weights it gives: the comparison to revisit."""

    a: str
    b: str
    judged: float = Field(description="How many times a matters more than b, as judged.")
    implied: float = Field(description="The ratio of their weights, as the judgements together imply.")


class AhpView(ServiceModel):
    """Weights of the published criteria from pairwise judgements, and how consistent the judgements are."""

    weights: dict[str, float] = Field(description="Criterion -> weight (summing to 1).")
    consistency_ratio: float | None = Field(
        description="Saaty's consistency ratio; above 0.10 is inconsistent."
    )
    consistent: bool = Field(description="Whether the consistency ratio is at most 0.10.")
    worst: AhpWorst | None = Field(
        description="The comparison to revisit first; null when every judgement agrees with the weights."
    )
    stored: bool = Field(description="Whether the weights were published (false for a dry run).")


def weights_from(plan: FinancePlan | None) -> WeightsFrom:
    """Where the published weights come from: AHP judgements, typed-in weights, or the defaults."""
    if plan is not None and plan.ahp:
        return "ahp"
    return "typed" if plan is not None and plan.criteria else "default"


def plan_view(session: Session, principal: Principal, municipality: Municipality) -> FinancePlanView:
    """The finance plan as published (readers and up): the defaults while none is stored."""
    from hromada.services.projects.eligibility import (  # eligibility builds on this module
        gate_specs,
        gate_views,
    )

    plan = get_plan(session, principal, municipality)
    years = planning_years(plan)
    return FinancePlanView.model_validate(
        {
            "stored": plan is not None,
            "first_year": years[0],
            "last_year": years[-1],
            "years": list(years),
            "revenue": plan.revenue if plan is not None else {},
            "debt_service_share": plan.debt_service_share if plan is not None else None,
            "max_debt_ratio": plan.max_debt_ratio if plan is not None else None,
            "existing_service": plan.existing_service if plan is not None else {},
            "existing_debt": plan.existing_debt if plan is not None else {},
            "criteria": [
                {"criterion": name, "weight": weight, "direction": direction}
                for name, (weight, direction) in criteria_of(plan).items()
            ],
            "weights_from": weights_from(plan),
            "ahp": plan.ahp if plan is not None else None,
            "gates": gate_views(gate_specs(plan)),
            "gates_from": "default" if plan is None or plan.gates is None else "municipality",
            "updated_at": plan.updated_at if plan is not None else None,
        }
    )


def ahp_view(outcome: AhpOutcome, *, stored: bool) -> AhpView:
    """An :class:`AhpOutcome` as the typed result."""
    worst = None
    if outcome.worst is not None:
        a, b, judged, implied = outcome.worst
        worst = AhpWorst(a=a, b=b, judged=judged, implied=implied)
    return AhpView(
        weights=outcome.weights,
        consistency_ratio=outcome.consistency_ratio,
        consistent=outcome.consistent,
        worst=worst,
        stored=stored,
    )


def weigh_criteria(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    judgements: Sequence[tuple[str, str, float | str]],
    *,
    directions: Mapping[str, str] | None = None,
    dry_run: bool = False,
) -> AhpView:
    """Weights of the published criteria from pairwise judgements: published (:func:`set_ahp`; editors and
    admins, inconsistent judgements refused) unless ``dry_run``, which only computes them and their
    consistency (inconsistent ones reported, not refused)."""
    if dry_run:
        names = list(criteria_of(get_plan(session, principal, municipality)))
        return ahp_view(preview_ahp(names, judgements), stored=False)
    return ahp_view(set_ahp(session, principal, municipality, judgements, directions=directions), stored=True)
