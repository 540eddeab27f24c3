"""Critical infrastructure: cascades, criticality and restoration on large synthetic networks.

The network is a seeded synthetic municipality-of-municipalities: districts of 250 assets, layered as power
(generator plants -> power lines -> substations) -> utilities (water treatment and pumping, boiler houses and
heating networks, sewage, telecom, fuel) -> services (hospitals, clinics, schools, kindergartens, shelters,
administration), with 1-of-2 and 2-of-3 redundancy groups for power, roads and bridges for access, backup
autonomy of hours (discrete ratings, as generators and reservoirs have) and a few heat <-> water cycles.

Measured in one run, on the same network:

* **cascade** on 100,000 assets and about 300,000 dependencies, time-resolved (all failure times), for a
  few initial failures and for a blackout (every generator plant lost, so everything fails eventually);
  against a straightforward networkx implementation: repeated passes over the DiGraph, each node's groups
  checked against its suppliers' current failure times, until nothing changes. Both must agree exactly.
* **criticality**: every single failure on 10,000 assets (30,000 dependencies) at horizon 0 and at 24 h;
  the networkx baseline (the same passes, once per failure) runs on a random subset of assets and its time
  is extrapolated to all of them (it says so in the report); the subset's results must agree exactly.
* **restoration**: the heuristic plan for 1,000 damaged assets of the 10,000-asset network with 20 crews,
  against a plain "shortest repair first" list schedule evaluated the same way.
"""

from __future__ import annotations

import math
import time
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from benchmarks._util import timed

DISTRICT: dict[str, int] = {
    "generator_plant": 2,
    "power_line": 4,
    "substation": 12,
    "water_treatment": 2,
    "water_pumping": 14,
    "boiler_house": 8,
    "heating_network": 8,
    "sewage_pumping": 6,
    "telecom_node": 6,
    "fuel_depot": 2,
    "road_segment": 10,
    "bridge": 2,
    "hospital": 2,
    "clinic": 8,
    "school": 45,
    "kindergarten": 30,
    "shelter": 75,
    "administration": 4,
    "other": 10,
}
# population served (low, high) and backup ratings (hours) by type
POPULATION: dict[str, tuple[int, int]] = {
    "substation": (2_000, 9_000), "water_treatment": (20_000, 60_000), "water_pumping": (2_000, 9_000),
    "boiler_house": (2_000, 8_000), "heating_network": (2_000, 8_000), "sewage_pumping": (2_000, 10_000),
    "telecom_node": (5_000, 20_000), "hospital": (20_000, 60_000), "clinic": (5_000, 15_000),
    "school": (300, 1_200), "kindergarten": (80, 300), "shelter": (100, 500), "administration": (10_000, 30_000),
    "road_segment": (500, 3_000), "bridge": (2_000, 10_000),
}  # fmt: skip
BACKUP: dict[str, tuple[float, ...]] = {
    "water_treatment": (0, 12), "water_pumping": (0, 0, 6, 12), "sewage_pumping": (0, 4),
    "telecom_node": (2, 4, 8), "hospital": (24, 48, 72), "clinic": (0, 12, 24), "shelter": (12, 24, 36),
    "administration": (0, 8),
}  # fmt: skip
# consumer type -> [(kind, supplier type, n, k, probability)]
NEEDS: dict[str, list[tuple[str, str, int, int, float]]] = {
    "power_line": [("power", "generator_plant", 2, 1, 1.0)],
    "substation": [("power", "power_line", 2, 1, 1.0)],
    "water_treatment": [("power", "substation", 2, 1, 1.0)],
    "water_pumping": [("power", "substation", 1, 1, 1.0), ("water", "water_treatment", 2, 1, 1.0),
                      ("heat", "heating_network", 1, 1, 0.1)],
    "boiler_house": [("power", "substation", 1, 1, 1.0), ("water", "water_pumping", 1, 1, 1.0),
                     ("fuel", "fuel_depot", 2, 1, 1.0)],
    "heating_network": [("heat", "boiler_house", 1, 1, 1.0), ("power", "substation", 1, 1, 0.5)],
    "sewage_pumping": [("power", "substation", 1, 1, 1.0), ("water", "water_pumping", 1, 1, 0.5)],
    "telecom_node": [("power", "substation", 2, 1, 1.0)],
    "fuel_depot": [("access", "road_segment", 1, 1, 1.0)],
    "hospital": [("power", "substation", 3, 2, 1.0), ("water", "water_pumping", 2, 1, 1.0),
                 ("heat", "heating_network", 1, 1, 1.0), ("telecom", "telecom_node", 2, 1, 1.0),
                 ("access", "road_segment", 2, 1, 1.0), ("access", "bridge", 1, 1, 0.5)],
    "clinic": [("power", "substation", 2, 1, 1.0), ("water", "water_pumping", 1, 1, 1.0),
               ("heat", "heating_network", 1, 1, 1.0), ("telecom", "telecom_node", 1, 1, 0.5)],
    "school": [("power", "substation", 1, 1, 1.0), ("water", "water_pumping", 1, 1, 1.0),
               ("heat", "heating_network", 1, 1, 1.0), ("access", "road_segment", 1, 1, 0.5)],
    "kindergarten": [("power", "substation", 1, 1, 1.0), ("water", "water_pumping", 1, 1, 1.0),
                     ("heat", "heating_network", 1, 1, 1.0), ("access", "road_segment", 1, 1, 0.5)],
    "shelter": [("power", "substation", 2, 1, 1.0), ("water", "water_pumping", 1, 1, 1.0),
                ("telecom", "telecom_node", 1, 1, 0.5)],
    "administration": [("power", "substation", 2, 1, 1.0), ("telecom", "telecom_node", 2, 1, 1.0),
                       ("heat", "heating_network", 1, 1, 1.0)],
    "other": [("power", "substation", 1, 1, 1.0)],
}  # fmt: skip


def synthetic_tables(n_assets: int, *, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Asset and dependency tables of a layered synthetic network of about ``n_assets`` assets."""
    rng = np.random.default_rng(seed)
    size = sum(DISTRICT.values())
    districts = max(1, round(n_assets / size))
    types = np.array([t for t, k in DISTRICT.items() for _ in range(k)] * districts)
    district = np.repeat(np.arange(districts), size)
    n = types.size
    ids = np.array([f"A{i:06d}" for i in range(n)], dtype=object)
    population = np.zeros(n)
    backup = np.zeros(n)
    for asset_type, (low, high) in POPULATION.items():
        mask = types == asset_type
        population[mask] = rng.integers(low, high, int(mask.sum()))
    for asset_type, ratings in BACKUP.items():
        mask = types == asset_type
        backup[mask] = rng.choice(np.asarray(ratings, dtype=float), int(mask.sum()))
    assets = pd.DataFrame(
        {
            "asset_id": ids,
            "type": types,
            "population_served": population,
            "backup_hours": backup,
            "repair_days": np.round(rng.uniform(2, 40, n)),
            "repair_cost": np.round(rng.uniform(0.2, 20.0, n), 1) * 1e6,
        }
    )
    offset = {t: i for i, t in enumerate(DISTRICT)}
    start = np.cumsum([0, *DISTRICT.values()])[:-1]
    blocks: list[pd.DataFrame] = []
    for consumer_type, needs in NEEDS.items():
        consumers = np.flatnonzero(types == consumer_type)
        for kind, supplier_type, n_sup, k, probability in needs:
            chosen = consumers[rng.random(consumers.size) < probability]
            pool = DISTRICT[supplier_type]
            first = start[offset[supplier_type]]
            # suppliers from the consumer's district, 1 in 10 from the next district (ties between them)
            home = district[chosen] + (rng.random(chosen.size) < 0.1)
            home %= districts
            picks = np.argsort(rng.random((chosen.size, pool)), axis=1)[:, : min(n_sup, pool)]
            suppliers = (home * size + first)[:, None] + picks
            cons = np.repeat(chosen, picks.shape[1])
            sup = suppliers.ravel()
            keep = sup != cons
            blocks.append(
                pd.DataFrame(
                    {
                        "supplier": ids[sup[keep]],
                        "consumer": ids[cons[keep]],
                        "kind": kind,
                        "group": f"{kind}:{supplier_type}",
                        "required": min(k, picks.shape[1]),
                    }
                )
            )
    deps = pd.concat(blocks, ignore_index=True).drop_duplicates(["supplier", "consumer"], ignore_index=True)
    return assets, deps


# ------------------------------------------------------------------------------------ networkx baseline
def nx_groups(graph: nx.DiGraph) -> dict[Any, list[tuple[int, list[Any]]]]:
    """Each node's redundancy groups (k, suppliers) read from the edge attributes."""
    groups: dict[Any, dict[Any, tuple[int, list[Any]]]] = {}
    for u, v, data in graph.edges(data=True):
        key = data.get("group") or ("own", u)
        groups.setdefault(v, {}).setdefault(key, (int(data.get("required", 1)), []))[1].append(u)
    return {node: list(g.values()) for node, g in groups.items()}


def nx_failure_times(graph: nx.DiGraph, failed: list[Any]) -> dict[Any, float]:
    """Failure times by repeated passes over the DiGraph until nothing changes."""
    groups = nx_groups(graph)
    backup = nx.get_node_attributes(graph, "backup_hours")
    times = dict.fromkeys(graph.nodes, math.inf)
    initial = set(failed)
    for node in initial:
        times[node] = 0.0
    changed = True
    while changed:
        changed = False
        for node in graph.nodes:
            if node in initial:
                continue
            supply = math.inf
            for k, suppliers in groups.get(node, ()):
                ordered = sorted(times[s] for s in suppliers)
                supply = min(supply, ordered[len(suppliers) - k])
            new = supply + backup.get(node, 0.0)
            if new < times[node]:
                times[node] = new
                changed = True
    return times


# ---------------------------------------------------------------------------------------------- cases
def _cascade_case(network: Any, seed: int) -> dict[str, Any]:
    from hromada.analysis.infrastructure import cascade

    rng = np.random.default_rng(seed)
    types = network.assets["type"]
    ids = network.asset_ids
    cases = {
        "few failures": [
            *rng.choice(ids[(types == "substation").to_numpy()], 10, replace=False),
            *rng.choice(ids[(types == "water_treatment").to_numpy()], 3, replace=False),
            *rng.choice(ids[(types == "boiler_house").to_numpy()], 2, replace=False),
        ],
        "blackout": list(ids[(types == "generator_plant").to_numpy()]),
    }
    graph = network.to_networkx()
    out: dict[str, Any] = {}
    for name, failed in cases.items():
        cascade(network, failed)  # warm-up: builds the cached integer views once
        runs = []
        for _ in range(5):
            with timed() as clock:
                result = cascade(network, failed, horizon_hours=72)
            runs.append(clock.seconds)
        with timed() as base:
            reference = nx_failure_times(graph, failed)
        ours = result.failure_time.to_numpy()
        theirs = np.array([reference[i] for i in result.failure_time.index])
        same = bool(np.array_equal(ours, theirs))
        finite = np.isfinite(ours)
        out[name] = {
            "initial": len(failed),
            "seconds": float(np.median(runs)),
            "networkx_seconds": base.seconds,
            "ratio": base.seconds / float(np.median(runs)),
            "identical": same,
            "down_at_0h": int((ours <= 0).sum()),
            "down_at_24h": int((ours <= 24).sum()),
            "down_at_72h": int((ours <= 72).sum()),
            "down_eventually": int(finite.sum()),
            "distinct_times": int(np.unique(ours[finite]).size),
        }
    return out


def _criticality_case(network: Any, seed: int, subset: int) -> dict[str, Any]:
    from hromada.analysis.infrastructure import criticality

    graph = network.to_networkx()
    rng = np.random.default_rng(seed)
    sample = list(rng.choice(network.asset_ids, subset, replace=False))
    out: dict[str, Any] = {}
    for horizon in (0.0, 24.0):
        with timed() as clock:
            result = criticality(network, horizon_hours=horizon, pairs=20)
        pop = network.assets["population_served"]
        start = time.perf_counter()
        cuts = {}
        for asset in sample:
            times = nx_failure_times(graph, [asset])
            down = [i for i, t in times.items() if t <= horizon]
            cuts[asset] = float(pop[down].sum())
        base = time.perf_counter() - start
        per_asset = base / subset
        ours = result.ranking["population_cut"]
        same = all(abs(ours[a] - cuts[a]) <= 1e-6 * max(1.0, cuts[a]) for a in sample)
        extrapolated = per_asset * len(network.asset_ids)
        out[f"{horizon:g}h"] = {
            "seconds": clock.seconds,
            "networkx_subset": subset,
            "networkx_subset_seconds": base,
            "networkx_extrapolated_seconds": extrapolated,
            "ratio": extrapolated / clock.seconds,
            "identical_on_subset": same,
            "top": [str(i) for i in result.ranking.index[:3]],
            "top_cut": float(ours.iloc[0]),
            "largest_synergy": float(result.pairs["synergy"].max()) if len(result.pairs) else 0.0,
        }
    return out


def _restoration_case(network: Any, seed: int, damaged_n: int, crews: int) -> dict[str, Any]:
    from hromada.analysis.infrastructure import restoration_plan
    from hromada.analysis.infrastructure.restoration import _evaluate

    rng = np.random.default_rng(seed)
    damaged = list(rng.choice(network.asset_ids, damaged_n, replace=False))
    with timed() as clock:
        plan = restoration_plan(network, damaged, crews=crews)
    # Baseline: shortest repair first on the earliest free crew, evaluated on the same horizon.
    targets = network.positions(damaged)
    days = np.ceil(network.arrays.repair_days[targets]).astype(np.int64)
    free = np.zeros(crews, dtype=np.int64)
    finish = np.zeros(targets.size, dtype=np.int64)
    for i in np.argsort(days, kind="stable"):
        c = int(np.argmin(free))
        free[c] += days[i]
        finish[i] = free[c]
    horizon = round(plan.horizon_days)
    _, spt = _evaluate(network, targets, finish, max(horizon, int(free.max())), 1.0)
    served = plan.served["total"].to_numpy()
    return {
        "damaged": damaged_n,
        "crews": crews,
        "seconds": clock.seconds,
        "objective_person_days": plan.objective,
        "shortest_first_person_days": spt,
        "makespan_days": plan.horizon_days,
        "cut_at_day_0": float(served[0]),
        "days_to_half": float(plan.served["day"].to_numpy()[np.argmax(served <= served[0] / 2)]),
        "scheduled": len(plan.schedule),
    }


def run() -> dict[str, Any]:
    """Build the networks and time the three analyses against their baselines."""
    from hromada.analysis.infrastructure import Network

    result: dict[str, Any] = {}
    assets, deps = synthetic_tables(100_000, seed=1)
    with timed() as build:
        large = Network.from_tables(assets, deps)
    with timed() as views:
        _ = large.arrays
    result["large"] = {
        "assets": len(assets),
        "dependencies": len(deps),
        "groups": large.arrays.n_groups,
        "from_tables_seconds": build.seconds,
        "views_seconds": views.seconds,
    }
    result["cascade"] = _cascade_case(large, seed=2)
    del large
    assets, deps = synthetic_tables(10_000, seed=3)
    small = Network.from_tables(assets, deps)
    result["small"] = {"assets": len(assets), "dependencies": len(deps)}
    result["criticality"] = _criticality_case(small, seed=4, subset=100)
    result["restoration"] = _restoration_case(small, seed=5, damaged_n=1_000, crews=20)
    return result


def report(result: dict[str, Any]) -> str:
    large, small = result["large"], result["small"]
    lines = [
        f"network {large['assets']:,} assets, {large['dependencies']:,} dependencies "
        f"({large['groups']:,} groups): from_tables {large['from_tables_seconds']:.2f} s, "
        f"integer views {large['views_seconds']:.2f} s"
    ]
    for name, case in result["cascade"].items():
        lines.append(
            f"  cascade, {name} ({case['initial']} initial): {case['seconds'] * 1e3:.0f} ms "
            f"(median of 5) | networkx passes {case['networkx_seconds']:.1f} s | ratio {case['ratio']:.0f}x | "
            f"identical {case['identical']} | down 0/24/72 h/ever {case['down_at_0h']:,}/"
            f"{case['down_at_24h']:,}/{case['down_at_72h']:,}/{case['down_eventually']:,}, "
            f"{case['distinct_times']} distinct failure times"
        )
    lines.append(f"network {small['assets']:,} assets, {small['dependencies']:,} dependencies")
    for name, case in result["criticality"].items():
        lines.append(
            f"  criticality, all single failures at {name} + 190 pairs: {case['seconds']:.2f} s | networkx "
            f"passes on {case['networkx_subset']} random assets {case['networkx_subset_seconds']:.1f} s, "
            f"extrapolated to all {case['networkx_extrapolated_seconds']:.0f} s | ratio {case['ratio']:.0f}x "
            f"| identical on the subset {case['identical_on_subset']} | top {', '.join(case['top'])}"
        )
    r = result["restoration"]
    lines.append(
        f"  restoration, heuristic, {r['damaged']:,} damaged, {r['crews']} crews: {r['seconds']:.2f} s | "
        f"{r['objective_person_days']:,.0f} person-days lost vs {r['shortest_first_person_days']:,.0f} for "
        f"shortest-repair-first ({r['shortest_first_person_days'] / max(r['objective_person_days'], 1):.2f}x) "
        f"| cut at day 0 {r['cut_at_day_0']:,.0f}, halved by day {r['days_to_half']:g}, "
        f"all {r['scheduled']} repaired by day {r['makespan_days']:g}"
    )
    return "\n".join(lines)
