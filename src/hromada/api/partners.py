"""REST endpoints of the ``partners`` domain: stakeholders, consultations and the partner network's gaps."""

from __future__ import annotations

from fastapi import APIRouter

from hromada.api._common import ERRORS
from hromada.api.deps import ApiPrincipal
from hromada.http.deps import DbSession
from hromada.services import partners, profile

router = APIRouter(tags=["partners"])


@router.get("/municipalities/{code}/partners", responses=ERRORS)
def get_partners(db: DbSession, principal: ApiPrincipal, code: str) -> partners.PartnersView:
    """Stakeholders (contacts for the team only), consultations with flags, and the network's gaps."""
    municipality = profile.get_municipality(db, principal, code)
    return partners.partners_view(db, principal, municipality)
