"""The partners page: the stakeholder register with its power-interest chart, partnerships, consultations
(windows shorter than the legal minimum flagged), the communication plan and the partner network's gaps."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hromada.i18n import translator
from hromada.services import partners, profile, strategy
from hromada.web.deps import CurrentPrincipal, DbSession, locale_of, render
from hromada.web.pages.partners_charts import (
    network_figure,
    power_interest_figure,
)

router = APIRouter()


@router.get("/municipalities/{code}/partners")
def partners_page(request: Request, db: DbSession, principal: CurrentPrincipal, code: str) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    tr = translator(locale_of(request))
    view = partners.partners_view(db, principal, municipality)
    goals = strategy.strategy_view(db, principal, municipality).goals
    context = {
        "municipality": municipality,
        "stakeholders": view.stakeholders,
        "partnerships": view.partnerships,
        "consultations": view.consultations,
        "communication": view.communication,
        "goals": [g for goal in goals for g in (goal, *goal.objectives)],
        "projects": partners.project_options(db, principal, municipality),
        "gaps": view.gaps,
        "figures": {
            "grid": power_interest_figure(view.stakeholders, _=tr.gettext),
            "network": network_figure(view.nodes, view.links, _=tr.gettext),
        },
        "types": partners.STAKEHOLDER_TYPES,
        "can_write": principal.can("write", municipality.id),
    }
    return render(request, "partners/page.html", context, principal=principal)


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
    return RedirectResponse(f"/municipalities/{code}/partners#communication", status_code=303)
