"""The profile page's chart: economic statistics by NACE section and year (plain plotly.js JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from hromada.services.classifications import nace_codes, nace_title, section_of
from hromada.services.profile import Statistic
from hromada.web.pages._charts import shorten

__all__ = ["ADDITIVE_MEASURES", "statistics_figure"]

#: Measures that add up over sectors; the others (wages) are averaged.
ADDITIVE_MEASURES = frozenset({"employment", "firms", "turnover", "value_added"})

_PALETTE = [
    "#1f5fa8",
    "#f2b705",
    "#2a9d8f",
    "#e76f51",
    "#6d597a",
    "#8ab17d",
    "#b56576",
    "#457b9d",
    "#e9c46a",
    "#264653",
    "#a8dadc",
    "#d62828",
    "#588157",
    "#bc6c25",
    "#7209b7",
    "#4d908e",
    "#f4a261",
    "#577590",
    "#90be6d",
    "#ff006e",
    "#3a0ca3",
]


def statistics_figure(
    statistics: Sequence[Statistic], *, measure: str, locale: str, title: str, unit: str | None = None
) -> dict[str, Any]:
    """A stacked bar chart of a measure by NACE section and year (lines for non-additive measures).

    ``statistics`` are the figures of one region and measure. Division, group and class figures are
    aggregated to their section; a total (``_T``) is drawn as a line.
    """
    frame = pd.DataFrame(
        {
            "year": [s.year for s in statistics],
            "sector_code": [s.sector_code for s in statistics],
            "value": [s.value for s in statistics],
        }
    )
    traces: list[dict[str, Any]] = []
    detailed = frame[(frame["sector_code"] != "_T") & frame["sector_code"].isin(nace_codes())]
    additive = measure in ADDITIVE_MEASURES
    if not detailed.empty:
        depth = detailed["sector_code"].str.len()
        detailed = detailed.assign(depth=depth, section=detailed["sector_code"].map(section_of))
        if additive:
            # Sum the finest level available per section so that divisions and classes are not both counted.
            detailed = detailed[detailed["depth"] == detailed.groupby("section")["depth"].transform("max")]
        else:
            detailed = detailed[detailed["depth"] == detailed["depth"].max()]
        grouped = detailed.groupby(["year", "section"])["value"]
        table = (grouped.sum() if additive else grouped.mean()).unstack("section")
        order = table.sum().sort_values(ascending=False).index
        for i, section in enumerate(order):
            series = table[section].dropna()
            name = f"{section} {shorten(nace_title(section, locale), 48)}"
            color = _PALETTE[i % len(_PALETTE)]
            trace: dict[str, Any] = {
                "x": [int(year) for year in series.index],
                "y": [float(value) for value in series],
                "name": name,
            }
            if additive:
                trace.update(type="bar", marker={"color": color})
            else:
                trace.update(type="scatter", mode="lines+markers", line={"color": color})
            traces.append(trace)
    totals = frame[frame["sector_code"] == "_T"].sort_values("year")
    if not totals.empty:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "Σ",
                "x": [int(year) for year in totals["year"]],
                "y": [float(value) for value in totals["value"]],
                "line": {"color": "#222", "width": 3},
            }
        )
    grid = "#e5e9f0"
    layout: dict[str, Any] = {
        "barmode": "stack",
        "title": {"text": title},
        "xaxis": {"dtick": 1, "gridcolor": grid},
        "yaxis": {
            "title": {"text": unit or ""},
            "rangemode": "tozero",
            "separatethousands": True,
            "gridcolor": grid,
            "zerolinecolor": grid,
        },
        "legend": {"orientation": "v", "font": {"size": 11}, "traceorder": "normal"},
        "margin": {"l": 60, "r": 10, "t": 50, "b": 40},
        "height": 480,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "font": {"family": "Noto Sans, sans-serif", "color": "#1d2330"},
        "separators": {"uk": ", ", "de": ",."}.get(locale, ".,"),
        "hovermode": "x unified",
    }
    return {"data": traces, "layout": layout}
