"""The projects page's charts: rank stability under weight perturbation, the funding mix of the selected
projects and debt service against the borrowing limit (plain plotly.js JSON)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hromada.services.projects.project_results import DebtServiceRow, SelectedProject, StabilityRow
from hromada.web.pages._charts import Gettext

__all__ = ["debt_figure", "funding_figure", "sensitivity_figure"]


def sensitivity_figure(
    stability: Sequence[StabilityRow], titles: Mapping[str, str], *, _: Gettext
) -> dict[str, Any]:
    """Rank ranges under weight perturbation: the 5-95 % band of each project's rank and its mean."""
    rows = sorted(stability, key=lambda r: float(r.base_rank))[:25]
    labels = [f"{r.key} {titles.get(r.key, '')}"[:48] for r in rows]
    return {
        "data": [
            {
                "type": "bar", "orientation": "h", "y": labels,
                "x": [float(r.rank_p95) - float(r.rank_p5) + 0.6 for r in rows],
                "base": [float(r.rank_p5) - 0.3 for r in rows], "marker": {"color": "#a8dadc"},
                "name": _("Range of the rank, 5th to 95th percentile"), "hoverinfo": "skip",
            },
            {
                "type": "scatter", "mode": "markers", "y": labels, "x": [float(r.rank_mean or 0) for r in rows],
                "marker": {"color": "#1f5fa8", "size": 9}, "name": _("mean rank"),
            },
        ],
        "layout": {
            "height": max(260, 26 * len(rows) + 90), "margin": {"l": 300, "r": 10, "t": 10, "b": 40},
            "xaxis": {"title": {"text": _("rank (1 = best)")}, "rangemode": "tozero", "dtick": 1},
            "yaxis": {"autorange": "reversed"}, "legend": {"orientation": "h", "y": -0.2},
        },
    }  # fmt: skip


def funding_figure(
    selected: Sequence[SelectedProject], sources: Sequence[str], *, _: Gettext
) -> dict[str, Any]:
    """The funding mix of each selected project, stacked by source, in million UAH."""
    colors = ["#1f5fa8", "#f2b705", "#2a9d8f", "#e76f51", "#6d597a", "#8ab17d", "#264653", "#b56576"]
    labels = [r.project_id for r in selected]
    amounts = [r.amounts() for r in selected]
    traces = [
        {
            "type": "bar", "name": source, "x": labels,
            "y": [a.get(source, 0.0) / 1e6 for a in amounts], "marker": {"color": colors[k % len(colors)]},
        }
        for k, source in enumerate(sources)
        if any(a.get(source, 0.0) > 0 for a in amounts)
    ]  # fmt: skip
    return {
        "data": traces,
        "layout": {
            "barmode": "stack", "height": 380, "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
            "yaxis": {"title": {"text": _("million UAH")}}, "legend": {"orientation": "h", "y": -0.2},
        },
    }  # fmt: skip


def debt_figure(rows: Sequence[DebtServiceRow], *, _: Gettext) -> dict[str, Any]:
    """Debt service by year, existing and new stacked, against the limit (million UAH)."""
    years = [r.year for r in rows]
    return {
        "data": [
            {"type": "bar", "name": _("existing debt service"), "x": years,
             "y": [r.existing / 1e6 for r in rows], "marker": {"color": "#8d99ae"}},
            {"type": "bar", "name": _("new loans"), "x": years, "y": [r.new / 1e6 for r in rows],
             "marker": {"color": "#e76f51"}},
            {"type": "scatter", "mode": "lines", "name": _("limit"), "x": years,
             "y": [r.limit / 1e6 for r in rows], "line": {"color": "#1d3557", "dash": "dash"}},
        ],
        "layout": {
            "barmode": "stack", "height": 320, "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
            "yaxis": {"title": {"text": _("million UAH")}}, "xaxis": {"dtick": 1},
            "legend": {"orientation": "h", "y": -0.25},
        },
    }  # fmt: skip
