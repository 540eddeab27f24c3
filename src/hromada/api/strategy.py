"""REST endpoints of the ``strategy``, ``partners`` and ``projects`` domains (read side and exports)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from hromada.api.deps import ApiPrincipal
from hromada.api.schemas import ErrorOut
from hromada.services import partners, profile, projects, strategy
from hromada.services._json import json_safe
from hromada.web.deps import DbSession

router = APIRouter(tags=["strategy"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}


def _node(node: strategy.GoalNode) -> dict[str, Any]:
    return {
        "key": node.goal.key,
        "title": node.goal.title,
        "flags": node.flags,
        "objectives": [_node(child) for child in node.children],
        "kpis": [
            {
                "name": k.name, "unit": k.unit, "baseline": k.baseline_value,
                "baseline_date": k.baseline_date, "target": k.target_value, "deadline": k.target_date,
                "direction": k.direction, "data_source": k.data_source, "flags": flags,
            }
            for k, flags in node.kpis
        ],
        "measures": [m.title for m in node.measures],
    }  # fmt: skip


@router.get("/municipalities/{code}/strategy", responses=_ERRORS)
def get_strategy(db: DbSession, principal: ApiPrincipal, code: str) -> dict[str, Any]:
    """Vision, SWOT (with evidence and status) and goals -> objectives -> KPIs (with SMART flags) -> measures."""
    municipality = profile.get_municipality(db, principal, code)
    record = strategy.get_strategy(db, principal, municipality)
    return json_safe(
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
                for i in strategy.swot_items(db, principal, municipality)
            ],
            "goals": [_node(n) for n in strategy.goal_tree(db, principal, municipality)],
        }
    )


@router.get("/municipalities/{code}/strategy/swot-suggestions", responses=_ERRORS)
def swot_suggestions(db: DbSession, principal: ApiPrincipal, code: str) -> list[dict[str, Any]]:
    """SWOT items Hromada suggests from the stored analyses, each with its evidence (nothing stored)."""
    municipality = profile.get_municipality(db, principal, code)
    return json_safe(strategy.suggest_swot(db, principal, municipality))


@router.get("/municipalities/{code}/partners", responses=_ERRORS)
def get_partners(db: DbSession, principal: ApiPrincipal, code: str) -> dict[str, Any]:
    """Stakeholders (contacts for the team only), consultations with flags, and the network's gaps."""
    municipality = profile.get_municipality(db, principal, code)
    gaps = partners.partner_network(db, principal, municipality)
    return json_safe(
        {
            "stakeholders": partners.stakeholder_rows(db, principal, municipality),
            "consultations": partners.consultations(db, principal, municipality),
            "gaps": {
                "goals_without_partner": gaps.goals_without_partner,
                "partners_without_role": gaps.partners_without_role,
                "projects_without_partner": gaps.projects_without_partner,
            },
            "links": [{"from": a, "to": b, **data} for a, b, data in gaps.graph.edges(data=True)],
        }
    )


@router.get("/municipalities/{code}/projects", responses=_ERRORS)
def get_projects(db: DbSession, principal: ApiPrincipal, code: str) -> dict[str, Any]:
    """The project pipeline and the funding sources."""
    municipality = profile.get_municipality(db, principal, code)
    return json_safe(
        {
            "projects": projects.project_frame(db, principal, municipality).to_dict(orient="records"),
            "sources": projects.source_frame(db, principal, municipality).to_dict(orient="records"),
        }
    )


@router.get("/municipalities/{code}/projects/oc4ids", responses=_ERRORS)
def oc4ids(db: DbSession, principal: ApiPrincipal, code: str) -> dict[str, Any]:
    """The pipeline as an OC4IDS 0.9 project package."""
    municipality = profile.get_municipality(db, principal, code)
    return projects.export_oc4ids(db, principal, municipality)
