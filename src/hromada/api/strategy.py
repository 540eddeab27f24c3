"""REST endpoints of the ``strategy`` domain: vision, SWOT with evidence, goals -> KPIs -> measures, and the
SWOT items suggested from the stored analyses."""

from __future__ import annotations

from fastapi import APIRouter

from hromada.api._common import ERRORS, AcceptLanguage, Locale, asked_locale
from hromada.api.deps import ApiPrincipal
from hromada.http.deps import DbSession
from hromada.i18n import translator
from hromada.services import profile, strategy

router = APIRouter(tags=["strategy"])


@router.get("/municipalities/{code}/strategy", responses=ERRORS)
def get_strategy(db: DbSession, principal: ApiPrincipal, code: str) -> strategy.StrategyView:
    """Vision, SWOT (with evidence and status) and goals -> objectives -> KPIs (with SMART flags) -> measures."""
    municipality = profile.get_municipality(db, principal, code)
    return strategy.strategy_view(db, principal, municipality)


@router.get("/municipalities/{code}/strategy/swot-suggestions", responses=ERRORS)
def swot_suggestions(
    db: DbSession,
    principal: ApiPrincipal,
    code: str,
    locale: Locale = None,
    accept_language: AcceptLanguage = None,
) -> list[strategy.SwotSuggestion]:
    """SWOT items Hromada suggests from the stored analyses, each with its evidence (nothing stored), written
    in the asked language."""
    municipality = profile.get_municipality(db, principal, code)
    chosen = asked_locale(locale, accept_language)
    return strategy.swot_suggestions(
        db, principal, municipality, locale=chosen, gettext=translator(chosen).gettext
    )
