"""The economy page: sector structure, specialisation vs growth, diversification over time, opportunities."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hromada.i18n import translator
from hromada.services import classifications, economy, profile
from hromada.web.deps import AppSettings, CurrentPrincipal, DbSession, locale_of, render
from hromada.web.pages.economy_charts import QUADRANT_COLORS, bubble_figure, indices_figure, structure_figure

router = APIRouter()

QUADRANT_ORDER = ("strength", "opportunity", "threat", "weakness")


@router.get("/municipalities/{code}/economy")
def economy_page(request: Request, db: DbSession, principal: CurrentPrincipal, code: str) -> Response:
    municipality = profile.get_municipality(db, principal, code)
    run = economy.latest_analysis(db, principal, municipality)
    locale = locale_of(request)
    tr = translator(locale)
    context: dict[str, Any] = {
        "municipality": municipality,
        "run": run,
        "can_write": principal.can("write", municipality.id),
        "presets": economy.list_presets(),
        "title": lambda c: classifications.nace_title(str(c), locale),
        "quadrant_order": QUADRANT_ORDER,
        "quadrant_colors": QUADRANT_COLORS,
    }
    if run is not None:
        results = run.results
        context["figures"] = {
            "structure": structure_figure(results.structure, locale=locale, _=tr.gettext),
            "bubble": bubble_figure(results.quadrants, locale=locale, _=tr.gettext),
            "indices": indices_figure(results.indices, _=tr.gettext),
        }
        context["latest"] = results.indices[-1]
        context["first"] = results.indices[0]
        by_quadrant: dict[str, list[economy.QuadrantRow]] = {q: [] for q in QUADRANT_ORDER}
        for row in sorted(results.quadrants, key=lambda r: -float(r.value or 0)):
            by_quadrant[row.quadrant].append(row)
        context["by_quadrant"] = by_quadrant
        shift = results.shift_share.components
        context["shift_top"] = sorted(shift, key=lambda r: -abs(float(r.competitive or 0)))[:10]
    return render(request, "economy/page.html", context, principal=principal)


@router.post("/municipalities/{code}/economy/analyze")
def economy_analyze(
    db: DbSession,
    settings: AppSettings,
    principal: CurrentPrincipal,
    code: str,
    preset: Annotated[str, Form()] = "ecomplexity",
) -> Response:
    municipality = profile.get_municipality(db, principal, code, action="write")
    economy.run_analysis(db, settings, principal, municipality, preset=preset)
    return RedirectResponse(f"/municipalities/{code}/economy", status_code=303)
