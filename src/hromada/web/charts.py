"""Plotly figures built from service data; the browser draws them with the app's own plotly.js."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from hromada.data.nace import nace_codes, nace_title, section_of

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
    frame: pd.DataFrame, *, measure: str, locale: str, title: str, unit: str | None = None
) -> dict[str, Any]:
    """A stacked bar chart of a measure by NACE section and year (lines for non-additive measures).

    ``frame`` has the columns year, sector_code, value for one region and measure. Division, group and
    class rows are aggregated to their section; a total row (``_T``) is drawn as a line when no sector
    detail exists.
    """
    fig = go.Figure()
    data = frame.copy()
    detailed = data[data["sector_code"] != "_T"]
    detailed = detailed[detailed["sector_code"].isin(nace_codes())]
    additive = measure in ADDITIVE_MEASURES
    if not detailed.empty:
        level_of = {code: len(code) for code in detailed["sector_code"].unique()}
        finest = max(level_of.values()) if not additive else None
        if additive:
            # Sum the finest level available per section to avoid counting divisions and classes twice.
            detailed = detailed.assign(depth=detailed["sector_code"].map(level_of))
            detailed = detailed.assign(section=detailed["sector_code"].map(section_of))
            depth = detailed.groupby("section")["depth"].transform("max")
            detailed = detailed[detailed["depth"] == depth]
        else:
            detailed = detailed[detailed["sector_code"].map(level_of) == finest]
            detailed = detailed.assign(section=detailed["sector_code"].map(section_of))
        grouped = detailed.groupby(["year", "section"])["value"]
        table = (grouped.sum() if additive else grouped.mean()).unstack("section")
        order = table.sum().sort_values(ascending=False).index
        for i, section in enumerate(order):
            series = table[section].dropna()
            title = nace_title(section, locale)
            name = f"{section} {title if len(title) <= 48 else title[:47] + '…'}"
            color = _PALETTE[i % len(_PALETTE)]
            if additive:
                fig.add_bar(x=series.index.tolist(), y=series.tolist(), name=name, marker_color=color)
            else:
                fig.add_scatter(
                    x=series.index.tolist(),
                    y=series.tolist(),
                    name=name,
                    mode="lines+markers",
                    line={"color": color},
                )
    totals = data[data["sector_code"] == "_T"].sort_values("year")
    if not totals.empty:
        fig.add_scatter(
            x=totals["year"].tolist(),
            y=totals["value"].tolist(),
            name="Σ",
            mode="lines+markers",
            line={"color": "#222", "width": 3},
        )
    fig.update_layout(
        barmode="stack",
        title={"text": title},
        xaxis={"title": {"text": ""}, "dtick": 1},
        yaxis={"title": {"text": unit or ""}, "rangemode": "tozero", "separatethousands": True},
        legend={"orientation": "v", "font": {"size": 11}, "traceorder": "normal"},
        margin={"l": 60, "r": 10, "t": 50, "b": 40},
        height=480,
        template="plotly_white",
        font={"family": "Noto Sans, sans-serif"},
        separators={"uk": ", ", "de": ",."}.get(locale, ".,"),
    )
    return json.loads(fig.to_json())  # type: ignore[no-any-return]
