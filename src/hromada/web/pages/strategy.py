"""The strategy page: the vision, the SWOT board with items suggested from the analyses, and the goal tree
with its KPIs and measures (partners are in :mod:`hromada.web.pages.partners`, projects in
:mod:`hromada.web.pages.projects`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hromada.errors import ValidationError
from hromada.i18n import translator
from hromada.services import profile, strategy
from hromada.web.deps import CurrentPrincipal, DbSession, locale_of, render

router = APIRouter()


@router.get("/municipalities/{code}/strategy")
def strategy_page(request: Request, db: DbSession, principal: CurrentPrincipal, code: str) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    locale = locale_of(request)
    view = strategy.strategy_view(db, principal, municipality)
    items = view.swot
    context: dict[str, Any] = {
        "municipality": municipality,
        "record": view,
        "swot": {
            q: [i for i in items if i.quadrant == q and i.status != "rejected"] for q in strategy.QUADRANTS
        },
        "rejected": [i for i in items if i.status == "rejected"],
        "suggestions": strategy.swot_suggestions(
            db, principal, municipality, locale=locale, gettext=translator(locale).gettext
        ),
        "tree": view.goals,
        "objectives": [objective for goal in view.goals for objective in goal.objectives],
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
    return RedirectResponse(f"/municipalities/{code}/strategy#goals", status_code=303)
