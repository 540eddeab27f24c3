"""The assessment pages' charts: the damage, losses and needs ledger and the resilience radar (plain
plotly.js JSON)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hromada.services.assessment import SectorAmounts
from hromada.web.pages._charts import Gettext

__all__ = ["KIND_COLORS", "ledger_figure", "radar_figure"]

KIND_COLORS = {"damage": "#e76f51", "loss": "#f2b705", "need": "#1f5fa8"}


def ledger_figure(
    by_sector: Sequence[SectorAmounts], titles: Mapping[str, str], *, _: Gettext
) -> dict[str, Any]:
    """Horizontal stacked bars: damage, losses and needs by sector (in the roll-up's order), in million UAH."""
    sectors = list(dict.fromkeys(r.sector for r in by_sector))
    names = {"damage": _("Damage"), "loss": _("Losses"), "need": _("Needs")}
    traces = []
    for kind, color in KIND_COLORS.items():
        values = {r.sector: float(getattr(r, kind) or 0.0) / 1e6 for r in by_sector}
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": names[kind],
                "y": [titles.get(s, s) for s in sectors],
                "x": [values.get(s, 0.0) for s in sectors],
                "marker": {"color": color},
            }
        )
    return {
        "data": traces,
        "layout": {
            "barmode": "group",
            "height": max(320, 34 * len(sectors) + 120),
            "margin": {"l": 230, "r": 10, "t": 10, "b": 50},
            "xaxis": {"title": {"text": _("million UAH")}},
            "yaxis": {"autorange": "reversed"},
            "legend": {"orientation": "h", "y": -0.15},
        },
    }


def radar_figure(
    dimensions: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, _: Gettext
) -> dict[str, Any]:
    """A radar of dimension scores (0-100), one trace per assessment (latest last)."""
    colors = ["#8d99ae", "#1f5fa8"]
    traces = []
    for i, (name, values) in enumerate(series[-2:]):
        closed = [
            *(v if v is not None else 0 for v in values),
            values[0] if values and values[0] is not None else 0,
        ]
        traces.append(
            {
                "type": "scatterpolar",
                "r": closed,
                "theta": [*dimensions, dimensions[0]] if dimensions else [],
                "fill": "toself",
                "name": name,
                "line": {"color": colors[i % 2]},
                "opacity": 0.7 if i == len(series[-2:]) - 1 else 0.45,
            }
        )
    return {
        "data": traces,
        "layout": {
            "height": 460,
            "margin": {"l": 70, "r": 70, "t": 30, "b": 30},
            "polar": {"radialaxis": {"range": [0, 100], "tickvals": [0, 25, 50, 75, 100]}},
            "legend": {"orientation": "h", "y": -0.1},
        },
    }
