"""REST endpoints of the ``economy`` domain: stored analyses, running one, and the named conventions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from hromada.api.deps import ApiPrincipal
from hromada.api.schemas import ErrorOut
from hromada.http.deps import AppSettings, DbSession
from hromada.services import economy, profile

router = APIRouter(tags=["economy"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
}


@router.get("/economy/presets")
def presets() -> list[economy.EconomyPreset]:
    """The named complexity conventions (presence rule, proximity measure and diagonal)."""
    return economy.list_presets()


@router.get("/municipalities/{code}/economy", responses=_ERRORS)
def latest(db: DbSession, principal: ApiPrincipal, code: str) -> economy.EconomyAnalysis:
    """The latest stored economy analysis: structure, indices over time, quadrants, opportunities with reasons,
    their bootstrap stability and shift-share, with provenance (data hash, preset, parameters, version)."""
    municipality = profile.get_municipality(db, principal, code)
    return economy.get_analysis(db, principal, municipality)


@router.post("/municipalities/{code}/economy/analyze", responses=_ERRORS, status_code=201)
def analyze(
    db: DbSession,
    settings: AppSettings,
    principal: ApiPrincipal,
    code: str,
    preset: str = "ecomplexity",
    year: int | None = None,
    base_year: int | None = None,
) -> economy.EconomyAnalysis:
    """Run the economy analysis against the national panel and store it (editors and admins)."""
    municipality = profile.get_municipality(db, principal, code, action="write")
    return economy.run_analysis(
        db, settings, principal, municipality, preset=preset, year=year, base_year=base_year
    )
