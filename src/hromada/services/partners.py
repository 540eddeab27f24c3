"""The ``partners`` domain: stakeholders, partnerships, consultations and the communication plan.

Contacts are personal data: only the municipality's editors and admins see them. The network view links
partners to goals and projects and names the gaps: a goal no partner works on, a partner with no role in
any partnership.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
from pydantic import ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.db.models import (
    CommunicationItem,
    Consultation,
    Goal,
    Municipality,
    Partnership,
    Project,
    Stakeholder,
)
from hromada.errors import ConflictError, NotFoundError, ValidationError
from hromada.services._json import ServiceModel
from hromada.services.access import Principal, can_see_restricted, require
from hromada.services.strategy import consultation_flags

__all__ = [
    "STAKEHOLDER_TYPES",
    "CommunicationView",
    "ConsultationView",
    "NetworkGapsView",
    "PartnerLink",
    "PartnerNode",
    "PartnersView",
    "PartnershipView",
    "StakeholderView",
    "add_communication",
    "add_consultation",
    "add_partnership",
    "add_stakeholder",
    "partners_view",
    "power_interest",
    "project_options",
]

STAKEHOLDER_TYPES = ("public", "private", "civil_society", "international", "academia", "donor")


def add_stakeholder(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    name: str,
    type: str,
    *,
    role: str = "",
    influence: int = 3,
    interest: int = 3,
    contact: str = "",
) -> Stakeholder:
    """Register a stakeholder (editors and admins); influence and interest on a 1-5 scale."""
    require(principal, "write", municipality.id)
    if type not in STAKEHOLDER_TYPES:
        raise ValidationError(f"`type` must be one of {', '.join(STAKEHOLDER_TYPES)}; got {type!r}")
    for label, value in (("influence", influence), ("interest", interest)):
        if not 1 <= int(value) <= 5:
            raise ValidationError(f"`{label}` must be between 1 and 5; got {value}")
    if not name.strip():
        raise ValidationError("`name` must not be empty")
    if session.scalar(
        select(Stakeholder.id).where(
            Stakeholder.municipality_id == municipality.id, Stakeholder.name == name.strip()
        )
    ):
        raise ConflictError(f"{name!r} is already registered.")
    item = Stakeholder(
        municipality_id=municipality.id, name=name.strip(), type=type, role=role, influence=int(influence),
        interest=int(interest), contact=contact,
    )  # fmt: skip
    session.add(item)
    session.flush()
    return item


def _stakeholder_rows(
    session: Session, principal: Principal, municipality: Municipality
) -> list[dict[str, Any]]:
    """The register as the caller may see it (contacts only for the municipality's editors and admins)."""
    require(principal, "read", municipality.id)
    inside = can_see_restricted(principal, municipality.id)
    rows = session.scalars(
        select(Stakeholder).where(Stakeholder.municipality_id == municipality.id).order_by(Stakeholder.name)
    )
    return [
        {
            "id": s.id,
            "name": s.name,
            "type": s.type,
            "role": s.role,
            "influence": s.influence,
            "interest": s.interest,
            "contact": s.contact if inside else None,
            "quadrant": power_interest(s.influence, s.interest),
        }
        for s in rows
    ]


def power_interest(influence: int, interest: int) -> str:
    """The power-interest grid (Mendelow 1991): manage closely, keep satisfied, keep informed, monitor."""
    high_power, high_interest = influence >= 3, interest >= 3
    if high_power and high_interest:
        return "manage closely"
    if high_power:
        return "keep satisfied"
    if high_interest:
        return "keep informed"
    return "monitor"


def _stakeholder(session: Session, municipality: Municipality, name: str) -> Stakeholder:
    item = session.scalar(
        select(Stakeholder).where(Stakeholder.municipality_id == municipality.id, Stakeholder.name == name)
    )
    if item is None:
        raise NotFoundError(f"No stakeholder {name!r} in this municipality.")
    return item


def add_partnership(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    stakeholder: str,
    subject: str,
    *,
    partner: str | None = None,
    commitments: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    goal: str | None = None,
    project: str | None = None,
) -> Partnership:
    """Record who works with whom (the municipality when ``partner`` is None) on what (editors and admins)."""
    require(principal, "write", municipality.id)
    if not subject.strip():
        raise ValidationError("`subject` must not be empty")
    if partner is not None and partner == stakeholder:
        raise ValidationError(f"`partner` must be another stakeholder than {stakeholder!r}")
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError("a partnership cannot end before it starts")
    goal_id = project_id = None
    if goal is not None:
        found = session.scalar(
            select(Goal.id).where(Goal.municipality_id == municipality.id, Goal.key == goal)
        )
        if found is None:
            raise NotFoundError(f"No goal or objective {goal!r} in this municipality.")
        goal_id = found
    if project is not None:
        found = session.scalar(
            select(Project.id).where(Project.municipality_id == municipality.id, Project.key == project)
        )
        if found is None:
            raise NotFoundError(f"No project {project!r} in this municipality.")
        project_id = found
    item = Partnership(
        municipality_id=municipality.id, stakeholder_id=_stakeholder(session, municipality, stakeholder).id,
        partner_id=_stakeholder(session, municipality, partner).id if partner else None,
        subject=subject.strip(), commitments=commitments, starts_on=starts_on, ends_on=ends_on, goal_id=goal_id,
        project_id=project_id,
    )  # fmt: skip
    session.add(item)
    session.flush()
    return item


def _partnerships(session: Session, principal: Principal, municipality: Municipality) -> list[dict[str, Any]]:
    """The partnerships, oldest first: who works with whom (None: the municipality) on what, with the
    linked goal or objective and project by key."""
    require(principal, "read", municipality.id)
    names = {
        i: name
        for i, name in session.execute(
            select(Stakeholder.id, Stakeholder.name).where(Stakeholder.municipality_id == municipality.id)
        )
    }
    goals = {
        i: key
        for i, key in session.execute(
            select(Goal.id, Goal.key).where(Goal.municipality_id == municipality.id)
        )
    }
    projects = {
        i: key
        for i, key in session.execute(
            select(Project.id, Project.key).where(Project.municipality_id == municipality.id)
        )
    }
    rows = session.scalars(
        select(Partnership).where(Partnership.municipality_id == municipality.id).order_by(Partnership.id)
    )
    return [
        {
            "id": p.id,
            "stakeholder": names[p.stakeholder_id],
            "partner": names.get(p.partner_id) if p.partner_id is not None else None,
            "subject": p.subject,
            "commitments": p.commitments,
            "starts_on": p.starts_on.isoformat() if p.starts_on else None,
            "ends_on": p.ends_on.isoformat() if p.ends_on else None,
            "goal": goals.get(p.goal_id) if p.goal_id is not None else None,
            "project": projects.get(p.project_id) if p.project_id is not None else None,
        }
        for p in rows
    ]


def project_options(
    session: Session, principal: Principal, municipality: Municipality
) -> list[tuple[str, str]]:
    """The projects a partnership can be linked to, as ``(key, title)`` in key order."""
    require(principal, "read", municipality.id)
    return [
        (key, title)
        for key, title in session.execute(
            select(Project.key, Project.title)
            .where(Project.municipality_id == municipality.id)
            .order_by(Project.key)
        )
    ]


def add_consultation(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    topic: str,
    starts_on: dt.date,
    ends_on: dt.date,
    *,
    proposals_received: int = 0,
    responses: str = "",
) -> Consultation:
    """Log a public consultation (editors and admins); a window that ends before it starts is refused."""
    require(principal, "write", municipality.id)
    if ends_on < starts_on:
        raise ValidationError("a consultation window cannot end before it starts")
    item = Consultation(
        municipality_id=municipality.id, topic=topic, starts_on=starts_on, ends_on=ends_on,
        proposals_received=proposals_received, responses=responses,
    )  # fmt: skip
    session.add(item)
    session.flush()
    return item


def _consultations(
    session: Session, principal: Principal, municipality: Municipality, *, minimum_days: int = 10
) -> list[dict[str, Any]]:
    """The consultation log with flags (a window shorter than ``minimum_days`` calendar days)."""
    require(principal, "read", municipality.id)
    rows = session.scalars(
        select(Consultation)
        .where(Consultation.municipality_id == municipality.id)
        .order_by(Consultation.starts_on)
    )
    return [
        {
            "id": c.id,
            "topic": c.topic,
            "starts_on": c.starts_on.isoformat(),
            "ends_on": c.ends_on.isoformat(),
            "proposals_received": c.proposals_received,
            "responses": c.responses,
            "flags": consultation_flags(c.starts_on, c.ends_on, minimum_days=minimum_days),
        }
        for c in rows
    ]


def add_communication(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    audience: str,
    message: str,
    channel: str,
    timing: str,
) -> CommunicationItem:
    """Add a line to the communication plan (editors and admins)."""
    require(principal, "write", municipality.id)
    if not all(part.strip() for part in (audience, message, channel, timing)):
        raise ValidationError("a communication item needs an audience, a message, a channel and a timing")
    for label, value in (("channel", channel), ("timing", timing)):
        if len(value.strip()) > 100:
            raise ValidationError(f"`{label}` must be at most 100 characters; got {len(value.strip())}")
    item = CommunicationItem(
        municipality_id=municipality.id, audience=audience.strip(), message=message.strip(),
        channel=channel.strip(), timing=timing.strip(),
    )  # fmt: skip
    session.add(item)
    session.flush()
    return item


def _communication_plan(
    session: Session, principal: Principal, municipality: Municipality
) -> list[dict[str, Any]]:
    """The communication plan in the order the lines were added: audience, message, channel, timing."""
    require(principal, "read", municipality.id)
    rows = session.scalars(
        select(CommunicationItem)
        .where(CommunicationItem.municipality_id == municipality.id)
        .order_by(CommunicationItem.id)
    )
    return [
        {"id": c.id, "audience": c.audience, "message": c.message, "channel": c.channel, "timing": c.timing}
        for c in rows
    ]


@dataclass(frozen=True, slots=True)
class _NetworkGaps:
    """The partner network and what is missing in it."""

    graph: nx.Graph
    goals_without_partner: list[str]
    partners_without_role: list[str]
    projects_without_partner: list[str]


def _partner_network(session: Session, principal: Principal, municipality: Municipality) -> _NetworkGaps:
    """Who connects which goals and projects (an undirected graph of stakeholders, goals and projects)."""
    require(principal, "read", municipality.id)
    graph = nx.Graph()
    stakeholders = {
        s.id: s
        for s in session.scalars(select(Stakeholder).where(Stakeholder.municipality_id == municipality.id))
    }
    goals = {g.id: g for g in session.scalars(select(Goal).where(Goal.municipality_id == municipality.id))}
    projects = {
        p.id: p for p in session.scalars(select(Project).where(Project.municipality_id == municipality.id))
    }
    for s in stakeholders.values():
        graph.add_node(f"s:{s.name}", kind="stakeholder", type=s.type)
    for g in goals.values():
        graph.add_node(f"g:{g.key}", kind="goal", title=g.title)
    for p in projects.values():
        graph.add_node(f"p:{p.key}", kind="project", title=p.title)
    for link in session.scalars(select(Partnership).where(Partnership.municipality_id == municipality.id)):
        a = f"s:{stakeholders[link.stakeholder_id].name}"
        if link.partner_id is not None:
            graph.add_edge(a, f"s:{stakeholders[link.partner_id].name}", subject=link.subject)
        if link.goal_id is not None:
            graph.add_edge(a, f"g:{goals[link.goal_id].key}", subject=link.subject)
        if link.project_id is not None:
            graph.add_edge(a, f"p:{projects[link.project_id].key}", subject=link.subject)
        if link.partner_id is None and link.goal_id is None and link.project_id is None:
            graph.nodes[a]["role"] = True
    top_goals = [g for g in goals.values() if g.parent_id is None]

    def covered(goal: Goal) -> bool:
        keys = [goal.key, *[c.key for c in goals.values() if c.parent_id == goal.id]]
        return any(graph.degree(f"g:{k}") > 0 for k in keys)

    return _NetworkGaps(
        graph=graph,
        goals_without_partner=sorted(g.key for g in top_goals if not covered(g)),
        partners_without_role=sorted(
            s.name
            for s in stakeholders.values()
            if graph.degree(f"s:{s.name}") == 0 and not graph.nodes[f"s:{s.name}"].get("role")
        ),
        projects_without_partner=sorted(p.key for p in projects.values() if graph.degree(f"p:{p.key}") == 0),
    )


# --------------------------------------------------------------------------------------------------------
# Typed results (the REST API's response models)


class StakeholderView(ServiceModel):
    """A registered stakeholder as the caller may see it, with its place on the power-interest grid."""

    id: int
    name: str
    type: str = Field(description="One of " + ", ".join(STAKEHOLDER_TYPES) + ".")
    role: str
    influence: int = Field(description="1-5.")
    interest: int = Field(description="1-5.")
    contact: str | None = Field(
        description="Personal data: only for the municipality's editors and admins; null for everyone else."
    )
    quadrant: str = Field(description="manage closely, keep satisfied, keep informed or monitor (Mendelow).")


class PartnershipView(ServiceModel):
    """Who works with whom on what, and which goal or objective and project it serves."""

    id: int
    stakeholder: str = Field(description="The stakeholder's name.")
    partner: str | None = Field(description="The other stakeholder's name; null: the municipality itself.")
    subject: str
    commitments: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    goal: str | None = Field(description="Key of the goal or objective it serves, if any.")
    project: str | None = Field(description="Key of the project it serves, if any.")


class CommunicationView(ServiceModel):
    """A line of the communication plan."""

    id: int
    audience: str
    message: str
    channel: str
    timing: str


class ConsultationView(ServiceModel):
    """A logged public consultation with its flags."""

    id: int
    topic: str
    starts_on: dt.date
    ends_on: dt.date
    proposals_received: int
    responses: str
    flags: list[str] = Field(description="A window shorter than the legal minimum of 10 calendar days.")


class NetworkGapsView(ServiceModel):
    """What the partner network misses."""

    goals_without_partner: list[str] = Field(
        description="Keys of goals no partner works on (nor on their objectives)."
    )
    partners_without_role: list[str] = Field(description="Names of stakeholders with no partnership.")
    projects_without_partner: list[str] = Field(description="Keys of projects no partner works on.")


class PartnerLink(ServiceModel):
    """A link of the partner network: a stakeholder with another stakeholder, a goal or a project. Nodes are
    ``s:<stakeholder name>``, ``g:<goal key>`` and ``p:<project key>``."""

    model_config = ConfigDict(
        frozen=True, validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    from_: str = Field(alias="from")
    to: str
    subject: str = Field(description="What the partnership is about.")


class PartnerNode(ServiceModel):
    """A node of the partner network: every stakeholder, goal or objective, and project, linked or not."""

    id: str = Field(description="s:<stakeholder name>, g:<goal key> or p:<project key>.")
    kind: Literal["stakeholder", "goal", "project"]


class PartnersView(ServiceModel):
    """Stakeholders (contacts for the team only), partnerships, consultations with flags, the communication
    plan, and the partner network (nodes and links) with its gaps."""

    stakeholders: list[StakeholderView] = Field(description="By name.")
    partnerships: list[PartnershipView] = Field(description="Oldest first.")
    consultations: list[ConsultationView] = Field(description="By the start of the window.")
    communication: list[CommunicationView] = Field(
        description="The communication plan, in the order written."
    )
    gaps: NetworkGapsView
    nodes: list[PartnerNode] = Field(description="Stakeholders, then goals and objectives, then projects.")
    links: list[PartnerLink]


def partners_view(session: Session, principal: Principal, municipality: Municipality) -> PartnersView:
    """The partners domain at a glance (readers and up; contacts only for the municipality's team)."""
    gaps = _partner_network(session, principal, municipality)
    return PartnersView.model_validate(
        {
            "stakeholders": _stakeholder_rows(session, principal, municipality),
            "partnerships": _partnerships(session, principal, municipality),
            "consultations": _consultations(session, principal, municipality),
            "communication": _communication_plan(session, principal, municipality),
            "gaps": {
                "goals_without_partner": gaps.goals_without_partner,
                "partners_without_role": gaps.partners_without_role,
                "projects_without_partner": gaps.projects_without_partner,
            },
            "nodes": [{"id": node, "kind": kind} for node, kind in gaps.graph.nodes(data="kind")],
            "links": [{"from": a, "to": b, **data} for a, b, data in gaps.graph.edges(data=True)],
        }
    )
