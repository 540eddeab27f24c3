"""REST endpoints of the ``infrastructure`` domain (restricted fields masked as on the pages)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from hromada.api.deps import ApiPrincipal
from hromada.api.schemas import ErrorOut
from hromada.errors import NotFoundError
from hromada.http.deps import DbSession
from hromada.services import infrastructure, profile

router = APIRouter(tags=["infrastructure"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}


@router.get("/municipalities/{code}/infrastructure/assets", responses=_ERRORS)
def assets(db: DbSession, principal: ApiPrincipal, code: str) -> list[infrastructure.AssetRow]:
    """The assets; locations and weaknesses only for the municipality's editors and admins, or when released."""
    municipality = profile.get_municipality(db, principal, code)
    return infrastructure.list_assets(db, principal, municipality)


@router.get("/municipalities/{code}/infrastructure/dependencies", responses=_ERRORS)
def dependencies(db: DbSession, principal: ApiPrincipal, code: str) -> list[infrastructure.DependencyRow]:
    """Who needs whom: supplier, consumer, kind, redundancy group and how many of the group are required."""
    municipality = profile.get_municipality(db, principal, code)
    return infrastructure.list_dependencies(db, principal, municipality)


@router.get("/municipalities/{code}/infrastructure/cascade", responses=_ERRORS)
def cascade(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    fail: Annotated[list[str] | None, Query()] = None,
    horizon_hours: Annotated[float, Query(ge=0, le=720)] = 72.0,
) -> infrastructure.CascadeScenario:
    """What fails with the given assets (default: the damaged ones) over the horizon, hour by hour."""
    municipality = profile.get_municipality(db, principal, code)
    return infrastructure.cascade_scenario(db, principal, municipality, fail, horizon_hours=horizon_hours)


class RestorationIn(BaseModel):
    crews: int = Field(ge=1, le=200)
    budget: float | None = Field(default=None, ge=0)
    method: Literal["heuristic", "exact"] = "heuristic"


@router.post("/municipalities/{code}/infrastructure/criticality", responses=_ERRORS, status_code=201)
def criticality(db: DbSession, principal: ApiPrincipal, code: str) -> infrastructure.CriticalityRun:
    """Rank the assets by what their failure cuts off (editors and admins); stored."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    return infrastructure.rank_criticality(db, principal, municipality)


@router.post("/municipalities/{code}/infrastructure/restoration", responses=_ERRORS, status_code=201)
def restoration(
    db: DbSession, principal: ApiPrincipal, code: str, body: RestorationIn
) -> infrastructure.RestorationRun:
    """Sequence the repairs of the damaged assets under crews and budget (editors and admins); stored."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    return infrastructure.plan_restoration(
        db, principal, municipality, crews=body.crews, budget=body.budget, method=body.method
    )


@router.get("/municipalities/{code}/infrastructure/runs/{kind}", responses=_ERRORS)
def latest(
    db: DbSession, principal: ApiPrincipal, code: str, kind: Literal["criticality", "restoration"]
) -> infrastructure.CriticalityRun | infrastructure.RestorationRun:
    """The latest stored criticality ranking or restoration plan."""
    municipality = profile.get_municipality(db, principal, code)
    run = infrastructure.latest_analysis(db, principal, municipality, kind)
    if run is None:
        raise NotFoundError(f"No {kind} analysis yet.")
    return run
