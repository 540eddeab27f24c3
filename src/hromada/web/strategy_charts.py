"""Plotly figures of the partners page: the power-interest grid and the partnership network."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import networkx as nx

__all__ = ["funding_figure", "network_figure", "power_interest_figure", "sensitivity_figure"]

Gettext = Callable[[str], str]
_TYPE_COLORS = {
    "public": "#1f5fa8",
    "private": "#f2b705",
    "civil_society": "#2a9d8f",
    "international": "#e76f51",
    "academia": "#6d597a",
    "donor": "#264653",
}


def power_interest_figure(stakeholders: Sequence[Mapping[str, Any]], *, _: Gettext) -> dict[str, Any]:
    """Influence (power) against interest, 1-5, jittered so equal positions stay readable."""
    traces = []
    for kind, color in _TYPE_COLORS.items():
        rows = [s for s in stakeholders if s["type"] == kind]
        if not rows:
            continue
        offsets = [((k % 3) - 1) * 0.12 for k in range(len(rows))]
        traces.append(
            {
                "type": "scatter", "mode": "markers+text", "name": kind.replace("_", " "),
                "x": [float(s["interest"]) + o for s, o in zip(rows, offsets, strict=True)],
                "y": [float(s["influence"]) - o for s, o in zip(rows, offsets, strict=True)],
                "text": [str(s["name"]) for s in rows], "textposition": "top center",
                "marker": {"size": 12, "color": color}, "hoverinfo": "text",
            }
        )  # fmt: skip
    line = {"color": "#999", "dash": "dot", "width": 1}
    return {
        "data": traces,
        "layout": {
            "height": 460,
            "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
            "xaxis": {"title": {"text": _("Interest")}, "range": [0.5, 5.5], "dtick": 1},
            "yaxis": {"title": {"text": _("Influence")}, "range": [0.5, 5.5], "dtick": 1},
            "shapes": [
                {"type": "line", "x0": 2.5, "x1": 2.5, "y0": 0.5, "y1": 5.5, "line": line},
                {"type": "line", "x0": 0.5, "x1": 5.5, "y0": 2.5, "y1": 2.5, "line": line},
            ],
            "legend": {"orientation": "h", "y": -0.2},
        },
    }


def network_figure(graph: nx.Graph, *, _: Gettext) -> dict[str, Any]:
    """Stakeholders, goals and projects and the partnerships that connect them (spring layout, fixed seed)."""
    if graph.number_of_nodes() == 0:
        return {"data": [], "layout": {"height": 200}}
    pos = nx.spring_layout(graph, seed=7, k=0.9)
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    for a, b in graph.edges:
        edge_x += [float(pos[a][0]), float(pos[b][0]), None]
        edge_y += [float(pos[a][1]), float(pos[b][1]), None]
    traces: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "x": edge_x, "y": edge_y, "hoverinfo": "skip", "showlegend": False,
         "line": {"color": "#c9ced6", "width": 1}}
    ]  # fmt: skip
    names = {"stakeholder": _("Partners"), "goal": _("Goals"), "project": _("Projects")}
    colors = {"stakeholder": "#1f5fa8", "goal": "#2a9d8f", "project": "#e76f51"}
    for kind in ("stakeholder", "goal", "project"):
        nodes = [n for n, d in graph.nodes(data=True) if d.get("kind") == kind]
        if not nodes:
            continue
        traces.append(
            {
                "type": "scatter", "mode": "markers+text", "name": names[kind],
                "x": [float(pos[n][0]) for n in nodes], "y": [float(pos[n][1]) for n in nodes],
                "text": [n.split(":", 1)[1] for n in nodes], "textposition": "bottom center",
                "marker": {"size": [10 if graph.degree(n) else 7 for n in nodes], "color": colors[kind],
                           "symbol": "circle" if kind == "stakeholder" else ("diamond" if kind == "goal" else "square")},
                "hoverinfo": "text",
            }
        )  # fmt: skip
    return {
        "data": traces,
        "layout": {
            "height": 480, "margin": {"l": 10, "r": 10, "t": 10, "b": 30},
            "xaxis": {"visible": False}, "yaxis": {"visible": False}, "legend": {"orientation": "h", "y": -0.05},
        },
    }  # fmt: skip


def sensitivity_figure(
    stability: Sequence[Mapping[str, Any]], titles: Mapping[str, str], *, _: Gettext
) -> dict[str, Any]:
    """Rank ranges under weight perturbation: the 5-95 % band of each project's rank and its mean."""
    rows = sorted(stability, key=lambda r: float(r["base_rank"]))[:25]
    labels = [f"{r['key']} {titles.get(str(r['key']), '')}"[:48] for r in rows]
    return {
        "data": [
            {
                "type": "bar", "orientation": "h", "y": labels,
                "x": [float(r["rank_p95"]) - float(r["rank_p5"]) + 0.6 for r in rows],
                "base": [float(r["rank_p5"]) - 0.3 for r in rows], "marker": {"color": "#a8dadc"},
                "name": _("Range of the rank, 5th to 95th percentile"), "hoverinfo": "skip",
            },
            {
                "type": "scatter", "mode": "markers", "y": labels, "x": [float(r["rank_mean"]) for r in rows],
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
    selected: Sequence[Mapping[str, Any]], sources: Sequence[str], *, _: Gettext
) -> dict[str, Any]:
    """The funding mix of each selected project, stacked by source, in million UAH."""
    colors = ["#1f5fa8", "#f2b705", "#2a9d8f", "#e76f51", "#6d597a", "#8ab17d", "#264653", "#b56576"]
    labels = [str(r["project_id"]) for r in selected]
    traces = [
        {
            "type": "bar", "name": source, "x": labels,
            "y": [float(r.get(source) or 0.0) / 1e6 for r in selected], "marker": {"color": colors[k % len(colors)]},
        }
        for k, source in enumerate(sources)
        if any(float(r.get(source) or 0.0) > 0 for r in selected)
    ]  # fmt: skip
    return {
        "data": traces,
        "layout": {
            "barmode": "stack", "height": 380, "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
            "yaxis": {"title": {"text": _("million UAH")}}, "legend": {"orientation": "h", "y": -0.2},
        },
    }  # fmt: skip


def debt_figure(rows: Sequence[Mapping[str, Any]], *, _: Gettext) -> dict[str, Any]:
    """Debt service by year, existing and new stacked, against the limit (million UAH)."""
    years = [int(r["year"]) for r in rows]
    return {
        "data": [
            {"type": "bar", "name": _("existing debt service"), "x": years,
             "y": [float(r["existing"]) / 1e6 for r in rows], "marker": {"color": "#8d99ae"}},
            {"type": "bar", "name": _("new loans"), "x": years, "y": [float(r["new"]) / 1e6 for r in rows],
             "marker": {"color": "#e76f51"}},
            {"type": "scatter", "mode": "lines", "name": _("limit"), "x": years,
             "y": [float(r["limit"]) / 1e6 for r in rows], "line": {"color": "#1d3557", "dash": "dash"}},
        ],
        "layout": {
            "barmode": "stack", "height": 320, "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
            "yaxis": {"title": {"text": _("million UAH")}}, "xaxis": {"dtick": 1},
            "legend": {"orientation": "h", "y": -0.25},
        },
    }  # fmt: skip
