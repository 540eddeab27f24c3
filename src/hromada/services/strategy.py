"""The ``strategy`` domain: vision, a data-backed SWOT, and goals -> objectives -> KPIs -> measures.

Hromada *suggests* SWOT items from the municipality's own analyses (economy quadrants and opportunities,
weak resilience dimensions, critical assets, the largest damage); the team accepts, edits or rejects them.
Every KPI is checked against SMART rules: a KPI without a baseline, a target or a deadline is flagged.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.data.nace import nace_title
from hromada.data.rdna import sector_title
from hromada.db.models import Goal, Kpi, Measure, Municipality, Strategy, SwotItem
from hromada.errors import ConflictError, NotFoundError, ValidationError
from hromada.services import audit, runs
from hromada.services._json import OpenModel, ServiceModel
from hromada.services.access import Principal, require

__all__ = [
    "QUADRANTS",
    "GoalView",
    "KpiView",
    "MeasureView",
    "StrategyView",
    "SwotEvidence",
    "SwotItemView",
    "SwotSuggestion",
    "add_goal",
    "add_kpi",
    "add_measure",
    "add_swot",
    "consultation_flags",
    "set_swot_status",
    "set_vision",
    "smart_flags",
    "strategy_view",
    "swot_suggestions",
]

logger = logging.getLogger(__name__)

Quadrant = Literal["strength", "weakness", "opportunity", "threat"]
QUADRANTS: tuple[Quadrant, ...] = ("strength", "weakness", "opportunity", "threat")
SwotStatus = Literal["suggested", "accepted", "edited", "rejected"]
STATUSES: tuple[SwotStatus, ...] = ("suggested", "accepted", "edited", "rejected")


def _get_strategy(session: Session, principal: Principal, municipality: Municipality) -> Strategy | None:
    """The municipality's strategy record (vision and horizon), if any."""
    require(principal, "read", municipality.id)
    return session.scalar(select(Strategy).where(Strategy.municipality_id == municipality.id))


def set_vision(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    vision: str,
    *,
    horizon_year: int | None = None,
) -> Strategy:
    """Write the vision statement (editors and admins)."""
    require(principal, "write", municipality.id)
    text = vision.strip()
    if not text:
        raise ValidationError("`vision` must not be empty")
    if horizon_year is not None and not 2020 <= horizon_year <= 2100:
        raise ValidationError(f"`horizon_year` must be a year between 2020 and 2100; got {horizon_year}")
    strategy = _get_strategy(session, principal, municipality)
    if strategy is None:
        strategy = Strategy(municipality_id=municipality.id)
        session.add(strategy)
    strategy.vision = text
    strategy.horizon_year = horizon_year
    session.flush()
    audit.record(session, principal, "update", "strategy", municipality_id=municipality.id)
    return strategy


# --------------------------------------------------------------------------------------------------------
# SWOT


def _english(message: str, **values: Any) -> str:
    return message % values if values else message


def _suggest_swot(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    locale: str = "en",
    gettext: Callable[..., str] | None = None,
    limit: int = 4,
) -> list[dict[str, Any]]:
    """SWOT items suggested from the stored analyses, each with its evidence (nothing is stored).

    Sources: the economy run (specialised and growing industries are strengths, specialised and declining
    ones threats, the best new potentials opportunities, a concentrated economy a weakness), the latest
    self-assessment (dimensions below 40 of 100 are weaknesses), the infrastructure criticality ranking (the
    asset whose failure cuts off most people is a threat) and the damage ledger (the sector with the largest
    damage is a weakness). Items already in the SWOT (same text) are not suggested again.

    The texts are English unless ``gettext`` (the interface's translation function for ``locale``, called as
    ``gettext(message, **values)``) is given; their messages are in the interface catalogue.
    """
    require(principal, "read", municipality.id)
    _ = gettext or _english
    suggestions: list[dict[str, Any]] = []

    def add(quadrant: Quadrant, text: str, kind: str, reference: str, **figures: Any) -> None:
        suggestions.append(
            {
                "quadrant": quadrant,
                "text": text,
                "evidence": {"kind": kind, "reference": reference, **figures},
            }
        )

    from hromada.services.assessment import LedgerRollup, framework_catalogue, get_ledger, self_assessments

    # The stored runs are read as stored: a run from an older version suggests what it has.
    economy = runs.latest(session, municipality, "economy")
    if economy is not None:
        results = economy.results
        quadrants = sorted(results.get("quadrants", []), key=lambda r: -float(r.get("value") or 0))
        pairs: tuple[tuple[Quadrant, str], ...] = (("strength", "strength"), ("threat", "threat"))
        for quadrant, label in pairs:
            for row in [r for r in quadrants if r.get("quadrant") == label][:limit]:
                code = str(row["industry"])
                growth = row.get("relative_growth")
                values = {"industry": f"{code} {nace_title(code, locale)}", "lq": f"{float(row['lq']):.2f}"}
                text = (
                    _("%(industry)s: specialised (LQ %(lq)s) and growing faster than peers", **values)
                    if quadrant == "strength"
                    else _("%(industry)s: specialised (LQ %(lq)s) and losing ground to peers", **values)
                ) + (f" ({100 * float(growth):+.0f} pp)" if growth is not None else "")
                add(
                    quadrant,
                    text,
                    "economy",
                    f"analysis_run:{economy.id}",
                    industry=code,
                    lq=row["lq"],
                    relative_growth=growth,
                )
        for row in results.get("opportunities", [])[:limit]:
            code = str(row["industry"])
            add(
                "opportunity",
                _(
                    "New potential: %(industry)s (feasibility %(density)s %%)",
                    industry=f"{code} {nace_title(code, locale)}",
                    density=f"{100 * float(row['density']):.0f}",
                ),
                "economy",
                f"analysis_run:{economy.id}",
                industry=code,
                density=row["density"],
                pci=row.get("pci"),
            )
        indices = results.get("indices", [])
        if indices and (indices[-1].get("hhi_normalized") or 0) > 0.15:
            latest = indices[-1]
            add(
                "weakness",
                _(
                    "Concentrated economy: as concentrated as %(n)s equally large sectors",
                    n=f"{float(latest['numbers_equivalent']):.1f}",
                ),
                "economy",
                f"analysis_run:{economy.id}",
                hhi=latest.get("hhi"),
            )

    history = self_assessments(session, principal, municipality)
    if history:
        latest_assessment = history[-1]
        scores = {d.dimension: d.score for d in latest_assessment.by_dimension}
        framework = next(f for f in framework_catalogue() if f.id == latest_assessment.framework)
        for dim in framework.dimensions:
            if dim.id in scores:
                value = scores[dim.id]
                if value is not None and value < 40:
                    add(
                        "weakness",
                        _(
                            "Resilience: %(dimension)s scored %(score)s of 100",
                            dimension=dim.title.get(locale) or dim.title["en"],
                            score=f"{value:.0f}",
                        ),
                        "resilience",
                        f"resilience_assessment:{latest_assessment.id}",
                        dimension=dim.id,
                        score=value,
                    )

    critical = runs.latest(session, municipality, "infrastructure-criticality")
    if critical is not None and critical.results.get("ranking"):
        top = critical.results["ranking"][0]
        add(
            "threat",
            _(
                "Single point of failure: %(asset)s cuts off %(people)s person-services if it fails",
                asset=top["asset_id"],
                people=f"{float(top['population_cut']):,.0f}",
            ),
            "infrastructure",
            f"analysis_run:{critical.id}",
            asset=top["asset_id"],
            population_cut=top["population_cut"],
        )

    rollup = get_ledger(session, principal, municipality).rollup
    if isinstance(rollup, LedgerRollup) and rollup.by_sector:
        worst = max(rollup.by_sector, key=lambda r: float(r.damage or 0))
        if float(worst.damage or 0) > 0:
            add(
                "weakness",
                _(
                    "Largest war damage: %(sector)s (%(amount)s million UAH)",
                    sector=sector_title(str(worst.sector), locale),
                    amount=f"{float(worst.damage) / 1e6:,.1f}",
                ),
                "ledger",
                "ledger",
                sector=worst.sector,
                damage=worst.damage,
            )

    existing = {item.text for item in _swot_items(session, principal, municipality)}
    return [s for s in suggestions if s["text"] not in existing]


def _swot_items(session: Session, principal: Principal, municipality: Municipality) -> list[SwotItem]:
    """The SWOT items of the municipality (rejected ones included, for the record)."""
    require(principal, "read", municipality.id)
    return list(
        session.scalars(
            select(SwotItem)
            .where(SwotItem.municipality_id == municipality.id)
            .order_by(SwotItem.quadrant, SwotItem.id)
        )
    )


def add_swot(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    quadrant: str,
    text: str,
    *,
    evidence: dict[str, Any] | None = None,
    status: str = "accepted",
) -> SwotItem:
    """Add a SWOT item (editors and admins); an accepted suggestion keeps its evidence."""
    require(principal, "write", municipality.id)
    if quadrant not in QUADRANTS:
        raise ValidationError(f"`quadrant` must be one of {', '.join(QUADRANTS)}; got {quadrant!r}")
    if status not in STATUSES:
        raise ValidationError(f"`status` must be one of {', '.join(STATUSES)}; got {status!r}")
    if not text.strip():
        raise ValidationError("`text` must not be empty")
    item = SwotItem(
        municipality_id=municipality.id,
        quadrant=quadrant,
        text=text.strip(),
        evidence=evidence or {},
        status=status,
    )
    session.add(item)
    session.flush()
    return item


def set_swot_status(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    item_id: int,
    status: str,
    *,
    text: str | None = None,
) -> SwotItem:
    """Accept, edit (with new text) or reject a SWOT item."""
    require(principal, "write", municipality.id)
    item = session.get(SwotItem, item_id)
    if item is None or item.municipality_id != municipality.id:
        raise NotFoundError("No such SWOT item in this municipality.")
    if status not in STATUSES:
        raise ValidationError(f"`status` must be one of {', '.join(STATUSES)}; got {status!r}")
    if text is not None and text.strip() and text.strip() != item.text:
        item.text = text.strip()
        status = "edited"
    item.status = status
    session.flush()
    return item


# --------------------------------------------------------------------------------------------------------
# Goals, objectives, KPIs, measures


def smart_flags(kpi: Kpi, *, today: dt.date | None = None) -> list[str]:
    """What keeps a KPI from being SMART: missing baseline, target or deadline, a deadline in the past, a
    target on the wrong side of the baseline for its direction, no unit or data source."""
    today = today or dt.date.today()
    flags = []
    if kpi.baseline_value is None or kpi.baseline_date is None:
        flags.append("no baseline (value and date)")
    if kpi.target_value is None:
        flags.append("no target")
    if kpi.target_date is None:
        flags.append("no deadline")
    elif kpi.target_date < today:
        flags.append("deadline passed")
    if kpi.baseline_value is not None and kpi.target_value is not None:
        if kpi.direction == "increase" and kpi.target_value <= kpi.baseline_value:
            flags.append("target is not above the baseline although the KPI should increase")
        if kpi.direction == "decrease" and kpi.target_value >= kpi.baseline_value:
            flags.append("target is not below the baseline although the KPI should decrease")
    if not kpi.unit:
        flags.append("no unit")
    if not kpi.data_source:
        flags.append("no data source")
    return flags


def _goal(session: Session, municipality: Municipality, key: str) -> Goal:
    goal = session.scalar(select(Goal).where(Goal.municipality_id == municipality.id, Goal.key == key))
    if goal is None:
        raise NotFoundError(f"No goal or objective {key!r} in this municipality.")
    return goal


def add_goal(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    key: str,
    title: str,
    *,
    parent: str | None = None,
    description: str = "",
) -> Goal:
    """Add a goal, or an objective under the goal ``parent`` (editors and admins)."""
    require(principal, "write", municipality.id)
    if not key.strip() or not title.strip():
        raise ValidationError("a goal needs a key (such as G1) and a title")
    if session.scalar(
        select(Goal.id).where(Goal.municipality_id == municipality.id, Goal.key == key.strip())
    ):
        raise ConflictError(f"The key {key!r} is already used in this strategy.")
    parent_id = None
    if parent is not None:
        parent_goal = _goal(session, municipality, parent)
        if parent_goal.parent_id is not None:
            raise ValidationError("objectives sit under goals, not under other objectives")
        parent_id = parent_goal.id
    goal = Goal(
        municipality_id=municipality.id,
        key=key.strip(),
        title=title.strip(),
        description=description,
        parent_id=parent_id,
    )
    session.add(goal)
    session.flush()
    return goal


def add_kpi(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    objective: str,
    name: str,
    *,
    unit: str = "",
    baseline: tuple[float, dt.date] | None = None,
    target: float | None = None,
    deadline: dt.date | None = None,
    direction: Literal["increase", "decrease"] = "increase",
    data_source: str = "",
) -> Kpi:
    """Add a KPI to an objective (editors and admins). Incomplete KPIs are allowed and flagged, not refused."""
    require(principal, "write", municipality.id)
    goal = _goal(session, municipality, objective)
    if goal.parent_id is None:
        raise ValidationError(f"KPIs belong to objectives; {objective!r} is a goal")
    if not name.strip():
        raise ValidationError("`name` must not be empty")
    if len(unit) > 32:
        raise ValidationError(f"`unit` must be at most 32 characters; got {len(unit)}")
    if direction not in ("increase", "decrease"):
        raise ValidationError(f"`direction` must be 'increase' or 'decrease'; got {direction!r}")
    kpi = Kpi(
        municipality_id=municipality.id, objective_id=goal.id, name=name.strip(), unit=unit,
        baseline_value=baseline[0] if baseline else None, baseline_date=baseline[1] if baseline else None,
        target_value=target, target_date=deadline, direction=direction, data_source=data_source,
    )  # fmt: skip
    session.add(kpi)
    session.flush()
    return kpi


def add_measure(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    objective: str,
    title: str,
    *,
    description: str = "",
) -> Measure:
    """Add a measure to an objective (editors and admins)."""
    require(principal, "write", municipality.id)
    goal = _goal(session, municipality, objective)
    if goal.parent_id is None:
        raise ValidationError(f"measures belong to objectives; {objective!r} is a goal")
    if not title.strip():
        raise ValidationError("`title` must not be empty")
    measure = Measure(
        municipality_id=municipality.id, objective_id=goal.id, title=title.strip(), description=description
    )
    session.add(measure)
    session.flush()
    return measure


@dataclass
class _GoalNode:
    """A goal with its objectives, or an objective with its KPIs (and their SMART flags) and measures."""

    goal: Goal
    children: list[_GoalNode] = field(default_factory=list)
    kpis: list[tuple[Kpi, list[str]]] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def _goal_tree(
    session: Session, principal: Principal, municipality: Municipality, *, today: dt.date | None = None
) -> list[_GoalNode]:
    """Goals -> objectives -> KPIs and measures, with flags: a goal without objectives, an objective without
    KPIs or measures, and every KPI's SMART flags."""
    require(principal, "read", municipality.id)
    goals = list(
        session.scalars(select(Goal).where(Goal.municipality_id == municipality.id).order_by(Goal.key))
    )
    kpis = list(session.scalars(select(Kpi).where(Kpi.municipality_id == municipality.id).order_by(Kpi.id)))
    measures = list(
        session.scalars(
            select(Measure).where(Measure.municipality_id == municipality.id).order_by(Measure.id)
        )
    )
    nodes = {g.id: _GoalNode(goal=g) for g in goals}
    roots: list[_GoalNode] = []
    for g in goals:
        (nodes[g.parent_id].children if g.parent_id in nodes else roots).append(nodes[g.id])
    for kpi in kpis:
        nodes[kpi.objective_id].kpis.append((kpi, smart_flags(kpi, today=today)))
    for measure in measures:
        nodes[measure.objective_id].measures.append(measure)
    for root in roots:
        if not root.children:
            root.flags.append("no objective")
        for child in root.children:
            if not child.kpis:
                child.flags.append("no KPI")
            if not child.measures:
                child.flags.append("no measure")
    return roots


def consultation_flags(starts_on: dt.date, ends_on: dt.date, *, minimum_days: int = 10) -> list[str]:
    """A consultation window shorter than the legal minimum is flagged (10 calendar days for the
    comprehensive recovery programme, Cabinet Resolution No. 1159 of 14 Oct 2022)."""
    if ends_on < starts_on:
        return ["the window ends before it starts"]
    days = (ends_on - starts_on).days + 1
    return (
        [f"window of {days} days is shorter than the minimum of {minimum_days}"]
        if days < minimum_days
        else []
    )


# --------------------------------------------------------------------------------------------------------
# Typed results (the REST API's response models)


class SwotEvidence(OpenModel):
    """What a suggested SWOT item rests on: the kind of analysis, the stored record, and its figures (further
    fields by kind, such as ``industry``, ``lq`` and ``relative_growth`` for the economy)."""

    kind: Literal["economy", "resilience", "infrastructure", "ledger"] = Field(
        description="The analysis the item comes from."
    )
    reference: str = Field(
        description="The stored record: analysis_run:<id>, resilience_assessment:<id> or ledger."
    )


class SwotSuggestion(ServiceModel):
    """A SWOT item Hromada suggests from the stored analyses (nothing stored), written in the asked language."""

    quadrant: Quadrant
    text: str
    evidence: SwotEvidence


class SwotItemView(ServiceModel):
    """A SWOT item of the strategy (rejected ones included, for the record)."""

    id: int
    quadrant: Quadrant
    text: str
    status: SwotStatus
    evidence: dict[str, Any] = Field(
        description="The evidence of an accepted suggestion (kind, reference and figures); empty when typed in."
    )


class KpiView(ServiceModel):
    """A KPI of an objective with what keeps it from being SMART."""

    name: str
    unit: str
    baseline: float | None
    baseline_date: dt.date | None
    target: float | None
    deadline: dt.date | None
    direction: Literal["increase", "decrease"]
    data_source: str
    flags: list[str] = Field(description="What keeps the KPI from being SMART; empty when it is.")


class MeasureView(ServiceModel):
    """A measure of an objective."""

    title: str
    description: str = Field(description="Empty when none is written.")


class GoalView(ServiceModel):
    """A goal with its objectives, or an objective with its KPIs and measures."""

    key: str = Field(description="Such as G1 (a goal) or G1.2 (an objective).")
    title: str
    flags: list[str] = Field(description="A goal without objectives, an objective without KPIs or measures.")
    objectives: list[GoalView] = Field(description="The objectives of a goal; empty for an objective.")
    kpis: list[KpiView] = Field(description="The KPIs of an objective; empty for a goal.")
    measures: list[str] = Field(description="The titles of an objective's measures; empty for a goal.")
    measure_details: list[MeasureView] = Field(
        description="The same measures with their descriptions, in the same order; empty for a goal."
    )


class StrategyView(ServiceModel):
    """Vision, SWOT (with evidence and status) and goals -> objectives -> KPIs (with SMART flags) -> measures."""

    vision: str = Field(description="Empty while none is written.")
    horizon_year: int | None
    swot: list[SwotItemView]
    goals: list[GoalView]


def _goal_view(node: _GoalNode) -> GoalView:
    return GoalView(
        key=node.goal.key,
        title=node.goal.title,
        flags=node.flags,
        objectives=[_goal_view(child) for child in node.children],
        kpis=[
            KpiView.model_validate(
                {
                    "name": k.name, "unit": k.unit, "baseline": k.baseline_value, "baseline_date": k.baseline_date,
                    "target": k.target_value, "deadline": k.target_date, "direction": k.direction,
                    "data_source": k.data_source, "flags": flags,
                }
            )
            for k, flags in node.kpis
        ],
        measures=[m.title for m in node.measures],
        measure_details=[MeasureView(title=m.title, description=m.description or "") for m in node.measures],
    )  # fmt: skip


def strategy_view(
    session: Session, principal: Principal, municipality: Municipality, *, today: dt.date | None = None
) -> StrategyView:
    """The whole strategy (readers and up): vision, SWOT and the goal tree with its flags."""
    record = _get_strategy(session, principal, municipality)
    return StrategyView.model_validate(
        {
            "vision": record.vision if record else "",
            "horizon_year": record.horizon_year if record else None,
            "swot": [
                {
                    "id": i.id,
                    "quadrant": i.quadrant,
                    "text": i.text,
                    "status": i.status,
                    "evidence": i.evidence,
                }
                for i in _swot_items(session, principal, municipality)
            ],
            "goals": [_goal_view(n) for n in _goal_tree(session, principal, municipality, today=today)],
        }
    )


def swot_suggestions(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    locale: str = "en",
    gettext: Callable[..., str] | None = None,
) -> list[SwotSuggestion]:
    """The SWOT items suggested from the stored analyses, each with its evidence, in the language of
    ``gettext`` (English without it); nothing is stored. The sources are listed in :func:`_suggest_swot`."""
    return [
        SwotSuggestion.model_validate(s)
        for s in _suggest_swot(session, principal, municipality, locale=locale, gettext=gettext)
    ]
