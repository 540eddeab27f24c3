"""Helpers shared by the pages' chart modules (``<domain>_charts.py`` beside each page).

Every figure is a plain plotly.js JSON document (``{"data": [...], "layout": {...}}``) that a template embeds
with ``tojson`` and the app's own plotly.js draws; building it with plotly's Python objects would cost tens of
milliseconds per page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["Gettext", "edge_trace", "shorten"]

Gettext = Callable[[str], str]
"""The page's translation function, passed to a chart for its axis titles and legend names."""


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def edge_trace(x: Sequence[float | None], y: Sequence[float | None], *, width: float) -> dict[str, Any]:
    """The grey lines of a network drawing: segments separated by ``None``, no hover, no legend entry."""
    return {
        "type": "scatter",
        "mode": "lines",
        "x": list(x),
        "y": list(y),
        "hoverinfo": "skip",
        "showlegend": False,
        "line": {"color": "#c9ced6", "width": width},
    }
