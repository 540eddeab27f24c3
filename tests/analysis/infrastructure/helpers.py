"""Independent reference implementations and random networks for the infrastructure tests.

The references read the raw tables (not the package's integer views) and use the simplest correct method:
repeated passes until nothing changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd
from hypothesis import strategies as st

from hromada.analysis.infrastructure import SERVICES

Groups = dict[str, list[tuple[int, list[str]]]]


def read_groups(deps: pd.DataFrame) -> Groups:
    """Each consumer's groups as (k, suppliers); an unlabelled row is a group of its own."""
    found: dict[str, dict[Any, list[Any]]] = {}
    for row in deps.to_dict(orient="records"):
        label = row.get("group")
        key = ("own", row["supplier"]) if label is None or label != label else ("label", label)
        required = row.get("required")
        k = 1 if required is None or required != required else int(required)
        entry = found.setdefault(row["consumer"], {}).setdefault(key, [k, []])
        entry[1].append(row["supplier"])
    return {c: [(int(k), list(s)) for k, s in g.values()] for c, g in found.items()}


def naive_times(
    assets: pd.DataFrame, deps: pd.DataFrame, failed: Iterable[str], *, ignore_backups: bool = False
) -> dict[str, float]:
    """Failure times: start from "never" and apply F = min over groups of the (n-k+1)-th smallest supplier
    time, plus backup, to every asset until nothing changes."""
    groups = read_groups(deps)
    backup = dict(
        zip(assets["asset_id"], assets.get("backup_hours", pd.Series(0.0, index=assets.index)), strict=True)
    )
    initial = set(failed)
    times = {a: (0.0 if a in initial else math.inf) for a in assets["asset_id"]}
    for _ in range(len(times) + 2):
        new = dict(times)
        for asset in times:
            if asset in initial:
                continue
            supply = math.inf
            for k, suppliers in groups.get(asset, []):
                ordered = sorted(times[s] for s in suppliers)
                supply = min(supply, ordered[len(suppliers) - k])
            new[asset] = supply + (0.0 if ignore_backups else float(backup[asset] or 0.0))
        if new == times:
            return times
        times = new
    raise AssertionError("no fixed point")


def naive_down(assets: pd.DataFrame, deps: pd.DataFrame, failed: Iterable[str]) -> set[str]:
    """Assets down at once (horizon 0): grow the failed set by every asset without backup one of whose
    groups has at least n - k + 1 suppliers down, until nothing changes."""
    groups = read_groups(deps)
    backup = dict(
        zip(assets["asset_id"], assets.get("backup_hours", pd.Series(0.0, index=assets.index)), strict=True)
    )
    down = set(failed)
    changed = True
    while changed:
        changed = False
        for asset in assets["asset_id"]:
            if asset in down or float(backup[asset] or 0.0) > 0:
                continue
            for k, suppliers in groups.get(asset, []):
                if sum(s in down for s in suppliers) >= len(suppliers) - k + 1:
                    down.add(asset)
                    changed = True
                    break
    return down


def naive_lost(
    assets: pd.DataFrame,
    deps: pd.DataFrame,
    damaged: list[str],
    finish: dict[str, int],
    horizon: int,
    period_days: float = 1.0,
) -> float:
    """Person-days lost for repairs finishing at ``finish`` (periods), backups ignored."""
    population = dict(zip(assets["asset_id"], assets["population_served"], strict=True))
    lost = 0.0
    for t in range(horizon):
        broken = [a for a in damaged if finish.get(a, math.inf) > t]
        times = naive_times(assets, deps, broken, ignore_backups=True)
        lost += sum(population[a] for a, f in times.items() if f <= 0) * period_days
    return lost


@st.composite
def tables(
    draw: st.DrawFn, *, min_assets: int = 2, max_assets: int = 8, backups: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random small network: assets with services, populations and backups; each asset has up to two
    groups of up to three suppliers (k drawn), cycles allowed."""
    n = draw(st.integers(min_assets, max_assets))
    ids = [f"a{i}" for i in range(n)]
    backup_choices = [0.0, 0.0, 0.0, 1.5, 6.0, 12.0] if backups else [0.0]
    assets = pd.DataFrame(
        {
            "asset_id": ids,
            "type": "other",
            "service": draw(st.lists(st.sampled_from(SERVICES), min_size=n, max_size=n)),
            "population_served": draw(st.lists(st.integers(0, 100), min_size=n, max_size=n)),
            "backup_hours": draw(st.lists(st.sampled_from(backup_choices), min_size=n, max_size=n)),
            "repair_days": draw(st.lists(st.integers(1, 4), min_size=n, max_size=n)),
            "repair_cost": draw(st.lists(st.integers(0, 10), min_size=n, max_size=n)),
        }
    )
    rows: list[dict[str, Any]] = []
    for j, consumer in enumerate(ids):
        others = [a for a in ids if a != consumer]
        used: set[str] = set()
        for g in range(draw(st.integers(0, 2))):
            free = [a for a in others if a not in used]
            if not free:
                break
            suppliers = draw(st.lists(st.sampled_from(free), min_size=1, max_size=3, unique=True))
            used.update(suppliers)
            k = draw(st.integers(1, len(suppliers)))
            label = None if len(suppliers) == 1 and draw(st.booleans()) else f"g{j}{g}"
            rows.extend(
                {"supplier": s, "consumer": consumer, "group": label, "required": k} for s in suppliers
            )
    deps = pd.DataFrame(rows, columns=["supplier", "consumer", "group", "required"])
    deps["group"] = deps["group"].astype(object)
    return assets, deps
