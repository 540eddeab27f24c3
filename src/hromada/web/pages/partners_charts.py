"""The partners page's charts: the power-interest grid and the partnership network (plain plotly.js JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx

from hromada.services.partners import PartnerLink, PartnerNode, StakeholderView
from hromada.web.pages._charts import Gettext, edge_trace

__all__ = ["network_figure", "power_interest_figure"]

_TYPE_COLORS = {
    "public": "#1f5fa8",
    "private": "#f2b705",
    "civil_society": "#2a9d8f",
    "international": "#e76f51",
    "academia": "#6d597a",
    "donor": "#264653",
}


def power_interest_figure(stakeholders: Sequence[StakeholderView], *, _: Gettext) -> dict[str, Any]:
    """Influence (power) against interest, 1-5, jittered so equal positions stay readable."""
    traces = []
    for kind, color in _TYPE_COLORS.items():
        rows = [s for s in stakeholders if s.type == kind]
        if not rows:
            continue
        offsets = [((k % 3) - 1) * 0.12 for k in range(len(rows))]
        traces.append(
            {
                "type": "scatter", "mode": "markers+text", "name": kind.replace("_", " "),
                "x": [float(s.interest) + o for s, o in zip(rows, offsets, strict=True)],
                "y": [float(s.influence) - o for s, o in zip(rows, offsets, strict=True)],
                "text": [s.name for s in rows], "textposition": "top center",
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


def network_figure(
    nodes: Sequence[PartnerNode], links: Sequence[PartnerLink], *, _: Gettext
) -> dict[str, Any]:
    """Stakeholders, goals and projects and the partnerships that connect them (spring layout, fixed seed)."""
    graph = nx.Graph()
    graph.add_nodes_from((node.id, {"kind": node.kind}) for node in nodes)
    graph.add_edges_from((link.from_, link.to) for link in links)
    if graph.number_of_nodes() == 0:
        return {"data": [], "layout": {"height": 200}}
    pos = nx.spring_layout(graph, seed=7, k=0.9)
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    for a, b in graph.edges:
        edge_x += [float(pos[a][0]), float(pos[b][0]), None]
        edge_y += [float(pos[a][1]), float(pos[b][1]), None]
    traces: list[dict[str, Any]] = [edge_trace(edge_x, edge_y, width=1)]
    names = {"stakeholder": _("Partners"), "goal": _("Goals"), "project": _("Projects")}
    colors = {"stakeholder": "#1f5fa8", "goal": "#2a9d8f", "project": "#e76f51"}
    for kind in ("stakeholder", "goal", "project"):
        members = [n for n, d in graph.nodes(data=True) if d.get("kind") == kind]
        if not members:
            continue
        traces.append(
            {
                "type": "scatter", "mode": "markers+text", "name": names[kind],
                "x": [float(pos[n][0]) for n in members], "y": [float(pos[n][1]) for n in members],
                "text": [n.split(":", 1)[1] for n in members], "textposition": "bottom center",
                "marker": {"size": [10 if graph.degree(n) else 7 for n in members], "color": colors[kind],
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
