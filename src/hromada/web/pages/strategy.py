"""Strategy and partners pages: vision, SWOT board with suggestions, goal tree with KPIs and measures;
stakeholder register, power-interest chart, partnership network and list, consultation log, communication
plan (projects are in :mod:`hromada.web.pages.projects`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hromada.errors import ValidationError
from hromada.services import partners, profile, strategy
from hromada.web.deps import CurrentPrincipal, DbSession, locale_of, render
from hromada.web.i18n import translator
from hromada.web.strategy_charts import (
    network_figure,
    power_interest_figure,
)

router = APIRouter()


@router.get("/municipalities/{code}/strategy")
def strategy_page(request: Request, db: DbSession, principal: CurrentPrincipal, code: str) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    locale = locale_of(request)
    items = strategy.swot_items(db, principal, municipality)
    tree = strategy.goal_tree(db, principal, municipality)
    context: dict[str, Any] = {
        "municipality": municipality,
        "record": strategy.get_strategy(db, principal, municipality),
        "swot": {
            q: [i for i in items if i.quadrant == q and i.status != "rejected"] for q in strategy.QUADRANTS
        },
        "rejected": [i for i in items if i.status == "rejected"],
        "suggestions": strategy.suggest_swot(
            db, principal, municipality, locale=locale, gettext=translator(locale).gettext
        ),
        "tree": tree,
        "objectives": [child.goal for node in tree for child in node.children],
        "quadrants": strategy.QUADRANTS,
        "can_write": principal.can("write", municipality.id),
    }
    return render(request, "strategy/strategy.html", context, principal=principal)


@router.post("/municipalities/{code}/strategy/vision")
def strategy_vision(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    vision: Annotated[str, Form()],
    horizon_year: Annotated[int | None, Form()] = None,
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    strategy.set_vision(db, principal, municipality, vision, horizon_year=horizon_year)
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/strategy", status_code=303)


@router.post("/municipalities/{code}/strategy/swot")
def strategy_swot(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    quadrant: Annotated[str, Form()],
    text: Annotated[str, Form()],
    evidence: Annotated[str, Form()] = "{}",
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    try:
        data = json.loads(evidence) if evidence else {}
    except json.JSONDecodeError:
        raise ValidationError("`evidence` must be JSON") from None
    strategy.add_swot(
        db, principal, municipality, quadrant, text, evidence=data if isinstance(data, dict) else {}
    )
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/strategy#swot", status_code=303)


@router.post("/municipalities/{code}/strategy/swot/{item_id}")
def strategy_swot_status(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    item_id: int,
    status: Annotated[str, Form()],
    text: Annotated[str | None, Form()] = None,
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    strategy.set_swot_status(db, principal, municipality, item_id, status, text=text)
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/strategy#swot", status_code=303)


@router.post("/municipalities/{code}/strategy/goals")
def strategy_goal(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    key: Annotated[str, Form()],
    title: Annotated[str, Form()],
    parent: Annotated[str | None, Form()] = None,
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    strategy.add_goal(db, principal, municipality, key, title, parent=parent or None)
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/strategy#goals", status_code=303)


@router.post("/municipalities/{code}/strategy/kpis")
def strategy_kpi(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    objective: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    baseline: Annotated[float | None, Form()] = None,
    baseline_date: Annotated[dt.date | None, Form()] = None,
    target: Annotated[float | None, Form()] = None,
    deadline: Annotated[dt.date | None, Form()] = None,
    direction: Annotated[str, Form()] = "increase",
    data_source: Annotated[str, Form()] = "",
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    if (baseline is None) != (baseline_date is None):
        raise ValidationError("a baseline needs both a value and a date; give both or neither")
    base = (baseline, baseline_date) if baseline is not None and baseline_date is not None else None
    strategy.add_kpi(
        db, principal, municipality, objective, name, unit=unit, baseline=base, target=target, deadline=deadline,
        direction="decrease" if direction == "decrease" else "increase", data_source=data_source,
    )  # fmt: skip
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/strategy#goals", status_code=303)


@router.post("/municipalities/{code}/strategy/measures")
def strategy_measure(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    objective: Annotated[str, Form()],
    title: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    strategy.add_measure(db, principal, municipality, objective, title, description=description.strip())
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/strategy#goals", status_code=303)


@router.get("/municipalities/{code}/partners")
def partners_page(request: Request, db: DbSession, principal: CurrentPrincipal, code: str) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    tr = translator(locale_of(request))
    rows = partners.stakeholder_rows(db, principal, municipality)
    gaps = partners.partner_network(db, principal, municipality)
    tree = strategy.goal_tree(db, principal, municipality)
    context = {
        "municipality": municipality,
        "stakeholders": rows,
        "partnerships": partners.partnerships(db, principal, municipality),
        "consultations": partners.consultations(db, principal, municipality),
        "communication": partners.communication_plan(db, principal, municipality),
        "goals": [g for node in tree for g in (node.goal, *(child.goal for child in node.children))],
        "projects": partners.project_options(db, principal, municipality),
        "gaps": gaps,
        "figures": {
            "grid": power_interest_figure(rows, _=tr.gettext),
            "network": network_figure(gaps.graph, _=tr.gettext),
        },
        "types": partners.STAKEHOLDER_TYPES,
        "can_write": principal.can("write", municipality.id),
    }
    return render(request, "strategy/partners.html", context, principal=principal)


@router.post("/municipalities/{code}/partners/stakeholders")
def partners_add(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    name: Annotated[str, Form()],
    type: Annotated[str, Form()],
    role: Annotated[str, Form()] = "",
    influence: Annotated[int, Form()] = 3,
    interest: Annotated[int, Form()] = 3,
    contact: Annotated[str, Form()] = "",
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    partners.add_stakeholder(
        db,
        principal,
        municipality,
        name,
        type,
        role=role,
        influence=influence,
        interest=interest,
        contact=contact,
    )
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/partners#register", status_code=303)


@router.post("/municipalities/{code}/partners/partnerships")
def partners_partnership(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    stakeholder: Annotated[str, Form()],
    subject: Annotated[str, Form()] = "",
    partner: Annotated[str, Form()] = "",
    commitments: Annotated[str, Form()] = "",
    starts_on: Annotated[dt.date | None, Form()] = None,
    ends_on: Annotated[dt.date | None, Form()] = None,
    goal: Annotated[str, Form()] = "",
    project: Annotated[str, Form()] = "",
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    partners.add_partnership(
        db, principal, municipality, stakeholder, subject, partner=partner or None,
        commitments=commitments.strip(), starts_on=starts_on, ends_on=ends_on, goal=goal or None,
        project=project or None,
    )  # fmt: skip
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/partners#partnerships", status_code=303)


@router.post("/municipalities/{code}/partners/consultations")
def partners_consultation(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    topic: Annotated[str, Form()],
    starts_on: Annotated[dt.date, Form()],
    ends_on: Annotated[dt.date, Form()],
    proposals_received: Annotated[int, Form(ge=0)] = 0,
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    partners.add_consultation(
        db, principal, municipality, topic, starts_on, ends_on, proposals_received=proposals_received
    )
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/partners#consultations", status_code=303)


@router.post("/municipalities/{code}/partners/communications")
def partners_communication(
    db: DbSession,
    principal: CurrentPrincipal,
    code: str,
    audience: Annotated[str, Form()] = "",
    message: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    timing: Annotated[str, Form()] = "",
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    partners.add_communication(db, principal, municipality, audience, message, channel, timing)
    db.commit()
    return RedirectResponse(f"/municipalities/{code}/partners#communication", status_code=303)
