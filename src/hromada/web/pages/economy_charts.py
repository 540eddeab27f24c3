"""The economy page's charts, built as plain plotly.js JSON from a stored analysis (typed)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from hromada.services.classifications import nace_title, section_of
from hromada.services.economy import IndexRow, QuadrantRow, StructureRow
from hromada.web.pages._charts import Gettext, shorten

__all__ = ["QUADRANT_COLORS", "bubble_figure", "indices_figure", "structure_figure"]

QUADRANT_COLORS = {
    "strength": "#2a9d8f",
    "opportunity": "#1f5fa8",
    "threat": "#e76f51",
    "weakness": "#8d99ae",
}


def structure_figure(structure: Sequence[StructureRow], *, locale: str, _: Gettext) -> dict[str, Any]:
    """A treemap of employment by NACE section and division, coloured by location quotient."""
    ids: list[str] = []
    labels: list[str] = []
    parents: list[str] = []
    values: list[float] = []
    colors: list[float] = []
    hover: list[str] = []
    lq_label = _("Location quotient")
    sections: dict[str, float] = {}
    for row in structure:
        code = str(row.industry)
        section = section_of(code)
        sections[section] = sections.get(section, 0.0) + float(row.value)
        lq = row.lq
        ids.append(code)
        labels.append(f"{code} {shorten(nace_title(code, locale), 32)}")
        parents.append(section)
        values.append(float(row.value))
        colors.append(math.log2(lq) if lq else 0.0)
        hover.append(f"{code} {nace_title(code, locale)}<br>{lq_label}: {lq:.2f}" if lq else code)
    for section, total in sections.items():
        ids.append(section)
        labels.append(f"{section} {shorten(nace_title(section, locale), 32)}")
        parents.append("")
        values.append(total)
        colors.append(0.0)
        hover.append(f"{section} {nace_title(section, locale)}")
    return {
        "data": [
            {
                "type": "treemap",
                "ids": ids,
                "labels": labels,
                "parents": parents,
                "values": values,
                "branchvalues": "total",
                "pathbar": {"visible": False},
                "hovertext": hover,
                "hoverinfo": "text+value+percent root",
                "marker": {
                    "colors": colors,
                    "colorscale": [[0, "#e76f51"], [0.5, "#f1f1f1"], [1, "#2a9d8f"]],
                    "cmid": 0,
                    "cmin": -3,
                    "cmax": 3,
                    # No colour bar: plotly.js draws it with an inline style attribute, which the strict
                    # content-security policy blocks; the page explains the colours in words instead.
                    "showscale": False,
                },
            }
        ],
        "layout": {"margin": {"l": 4, "r": 4, "t": 4, "b": 4}, "height": 460},
    }


def bubble_figure(quadrants: Sequence[QuadrantRow], *, locale: str, _: Gettext) -> dict[str, Any]:
    """Specialisation (LQ, log scale) against growth relative to peers; bubble size = employment."""
    names = {
        "strength": _("Strength"),
        "opportunity": _("Opportunity"),
        "threat": _("Threat"),
        "weakness": _("Weakness"),
    }
    largest = max((float(r.value or 0) for r in quadrants), default=1.0) or 1.0
    traces = []
    for quadrant, color in QUADRANT_COLORS.items():
        rows = [r for r in quadrants if r.quadrant == quadrant and r.lq]
        if not rows:
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": names[quadrant],
                "x": [float(r.lq or 0) for r in rows],
                "y": [100 * float(r.relative_growth or 0.0) for r in rows],
                "text": [f"{r.industry} {shorten(nace_title(str(r.industry), locale), 48)}" for r in rows],
                "hovertemplate": "%{text}<br>LQ %{x:.2f}<br>%{y:+.1f} pp<extra></extra>",
                "marker": {
                    "color": color,
                    "size": [8 + 42 * math.sqrt(float(r.value or 0) / largest) for r in rows],
                    "opacity": 0.75,
                    "line": {"width": 1, "color": "#ffffff"},
                },
            }
        )
    return {
        "data": traces,
        "layout": {
            "height": 460,
            "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
            "xaxis": {"type": "log", "title": {"text": _("Location quotient (specialisation)")}},
            "yaxis": {
                "title": {"text": _("Growth compared with peers, percentage points")},
                "zeroline": False,
            },
            "shapes": [
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": 1,
                    "x1": 1,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#555", "dash": "dot", "width": 1},
                },
                {
                    "type": "line",
                    "xref": "paper",
                    "yref": "y",
                    "x0": 0,
                    "x1": 1,
                    "y0": 0,
                    "y1": 0,
                    "line": {"color": "#555", "dash": "dot", "width": 1},
                },
            ],
            "legend": {"orientation": "h", "y": -0.18},
        },
    }


def indices_figure(indices: Sequence[IndexRow], *, _: Gettext) -> dict[str, Any]:
    """Diversification indices over time: entropy and its related/unrelated parts, ECI on a second axis."""
    years = [int(r.year) for r in indices]

    def series(key: str) -> list[float | None]:
        values = [getattr(r, key) for r in indices]
        return [None if value is None else float(value) for value in values]

    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("Entropy, bits"),
            "x": years,
            "y": series("entropy"),
            "line": {"color": "#1f5fa8"},
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": _("Related variety"),
            "x": years,
            "y": series("related_variety"),
            "line": {"color": "#2a9d8f", "dash": "dash"},
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": _("Unrelated variety"),
            "x": years,
            "y": series("unrelated_variety"),
            "line": {"color": "#f2b705", "dash": "dash"},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("Economic complexity (ECI)"),
            "x": years,
            "y": series("eci"),
            "yaxis": "y2",
            "line": {"color": "#e76f51"},
        },
    ]
    return {
        "data": traces,
        "layout": {
            "height": 360,
            "margin": {"l": 50, "r": 50, "t": 10, "b": 40},
            "xaxis": {"dtick": 1},
            "yaxis": {"title": {"text": _("bits")}, "rangemode": "tozero"},
            "yaxis2": {"title": {"text": "ECI"}, "overlaying": "y", "side": "right", "showgrid": False},
            "legend": {"orientation": "h", "y": -0.2},
        },
    }
