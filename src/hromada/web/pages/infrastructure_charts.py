"""The infrastructure page's charts: the dependency graph, a cascade's timeline and the restoration plan
(plain plotly.js JSON)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from hromada.services.infrastructure import AssetRow, DependencyRow, Repair, ServicesCut
from hromada.web.pages._charts import Gettext, edge_trace

__all__ = ["gantt_figure", "graph_figure", "timeline_figure"]

_SERVICE_COLORS = {
    "electricity": "#f2b705",
    "water": "#1f5fa8",
    "heating": "#e76f51",
    "sanitation": "#6d597a",
    "health": "#d62828",
    "education": "#2a9d8f",
    "shelter": "#588157",
    "transport": "#8d99ae",
    "telecom": "#7209b7",
    "administration": "#264653",
}


def graph_figure(
    assets: Sequence[AssetRow],
    dependencies: Sequence[DependencyRow],
    *,
    down: Mapping[str, float] | None = None,
    _: Gettext,
) -> dict[str, Any]:
    """The dependency graph: suppliers left, consumers right (layers by longest supply chain), coloured by service.

    Assets down in a cascade are drawn as crosses. No coordinates are used: the view shows structure, not
    locations (which are restricted).
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(a.asset_id for a in assets)
    graph.add_edges_from((d.supplier, d.consumer) for d in dependencies)
    condensed = nx.condensation(graph)
    depth: dict[int, int] = {}
    for node in nx.topological_sort(condensed):
        preds = list(condensed.predecessors(node))
        depth[node] = 1 + max((depth[p] for p in preds), default=-1)
    layer = {n: depth[condensed.graph["mapping"][n]] for n in graph.nodes}
    by_layer: dict[int, list[str]] = {}
    for node in sorted(graph.nodes):
        by_layer.setdefault(layer[node], []).append(node)
    pos: dict[str, tuple[float, float]] = {}
    for x, nodes in by_layer.items():
        for k, node in enumerate(nodes):
            pos[node] = (float(x), (k + 0.5) / len(nodes))
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    for s, c in graph.edges:
        edge_x += [pos[s][0], pos[c][0], None]
        edge_y += [pos[s][1], pos[c][1], None]
    info = {a.asset_id: a for a in assets}
    down = down or {}
    traces: list[dict[str, Any]] = [edge_trace(edge_x, edge_y, width=0.7)]
    services = sorted({a.service for a in assets})
    for service in services:
        nodes = [n for n in graph.nodes if info[n].service == service]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": service,
                "x": [pos[n][0] for n in nodes],
                "y": [pos[n][1] for n in nodes],
                "text": [
                    f"{n} {info[n].name}" + (f" — {_('down after')} {down[n]:g} h" if n in down else "")
                    for n in nodes
                ],
                "hoverinfo": "text",
                "marker": {
                    "color": _SERVICE_COLORS.get(service, "#555"),
                    "size": [8 + 3 * math.log10(1 + float(info[n].population_served or 0)) for n in nodes],
                    "symbol": ["x" if n in down else "circle" for n in nodes],
                    "line": {"width": 1, "color": "#fff"},
                },
            }
        )
    return {
        "data": traces,
        "layout": {
            "height": 520,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 30},
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "legend": {"orientation": "h", "y": -0.05},
            "hovermode": "closest",
        },
    }


def timeline_figure(
    timeline: Sequence[ServicesCut], *, x_key: str, x_title: str, _: Gettext
) -> dict[str, Any]:
    """Population cut by service over time (stacked areas as steps); ``x_key`` names the time field
    (``hours`` of a cascade step, ``day`` of a restoration plan)."""
    skip = {x_key, "assets_down", "total", "population_cut", "day", "hours"}
    fields = [*type(timeline[0]).model_fields, *(timeline[0].model_extra or {})] if timeline else []
    services = [k for k in fields if k not in skip]
    xs = [float(getattr(r, x_key)) for r in timeline]
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "line": {"shape": "hv", "color": _SERVICE_COLORS.get(s, "#555")},
            "stackgroup": "cut",
            "name": s,
            "x": xs,
            "y": [float(getattr(r, s, 0) or 0) for r in timeline],
        }
        for s in services
    ]
    return {
        "data": traces,
        "layout": {
            "height": 340,
            "margin": {"l": 60, "r": 10, "t": 10, "b": 50},
            "xaxis": {"title": {"text": x_title}},
            "yaxis": {"title": {"text": _("people without the service")}},
            "legend": {"orientation": "h", "y": -0.25},
        },
    }


def gantt_figure(schedule: Sequence[Repair], *, _: Gettext) -> dict[str, Any]:
    """The restoration plan: one bar per repair, by crew."""
    rows = sorted(schedule, key=lambda r: (float(r.start_day), r.asset))
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": [f"{r.asset}" for r in rows],
                "x": [float(r.finish_day) - float(r.start_day) for r in rows],
                "base": [float(r.start_day) for r in rows],
                "text": [f"{_('crew')} {r.crew}" for r in rows],
                "hovertemplate": "%{y}: %{base} – %{x}<extra>%{text}</extra>",
                "marker": {"color": "#2a9d8f"},
            }
        ],
        "layout": {
            "height": max(260, 22 * len(rows) + 80),
            "margin": {"l": 90, "r": 10, "t": 10, "b": 40},
            "xaxis": {"title": {"text": _("days from today")}},
            "yaxis": {"autorange": "reversed"},
        },
    }
