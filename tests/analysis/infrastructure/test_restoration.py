"""Restoration plans: hand-worked chains, exact against brute force, heuristic against exact, limits."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hromada.analysis.infrastructure import SERVICES, Network, restoration_plan
from hromada.analysis.infrastructure._greedy import greedy_plan, local_model
from hromada.errors import ValidationError
from tests.analysis.infrastructure.helpers import naive_lost, tables
from tests.cells import number, text


def frames(
    assets: list[tuple[str, str, float, float, float]], deps: list[tuple[str, str, str | None]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """assets: (id, type, population, repair days, repair cost); deps: (supplier, consumer, group)."""
    a = pd.DataFrame(assets, columns=["asset_id", "type", "population_served", "repair_days", "repair_cost"])
    a["backup_hours"] = 6.0  # ignored by restoration: periods are days
    d = pd.DataFrame(deps, columns=["supplier", "consumer", "group"])
    return a, d


def finishes(plan: pd.DataFrame, period_days: float = 1.0) -> dict[str, int]:
    return {text(r.asset): round(number(r.finish_day) / period_days) for r in plan.itertuples()}


def test_chain_supplier_first() -> None:
    # S (3 days) powers pump P (2 days), which supplies the undamaged hospital H; X is a school elsewhere.
    # Scores: X restores 600 in 1 day (600/day); P alone restores nothing (S is broken) but P with S, the
    # damaged supplier it needs, restores 8,000 + 30,000 in 3 + 2 days (7,600/day): the chain goes first,
    # supplier first: S 0-3, P 3-5, X 5-6. Lost: 38,600 for days 0-4, then 600 on day 5 = 193,600.
    # (X first would lose 38,600 + 5 * 38,000 = 228,600.)
    assets, deps = frames(
        [("S", "substation", 0, 3, 10), ("P", "water_pumping", 8_000, 2, 5), ("H", "hospital", 30_000, 9, 0),
         ("X", "school", 600, 1, 1)],
        [("S", "P", None), ("P", "H", None)],
    )  # fmt: skip
    network = Network.from_tables(assets, deps)
    plan = restoration_plan(network, ["X", "P", "S"], crews=1)
    assert plan.schedule[["asset", "start_day", "finish_day"]].values.tolist() == [
        ["S", 0.0, 3.0], ["P", 3.0, 5.0], ["X", 5.0, 6.0],
    ]  # fmt: skip
    assert plan.objective == 193_600
    assert plan.horizon_days == 6 and plan.total_cost == 16 and plan.unscheduled.empty
    served = plan.served
    assert list(served.columns) == ["day", "assets_down", *SERVICES, "total"]
    assert served["total"].tolist() == [38_600] * 5 + [600, 0]
    assert served["assets_down"].tolist() == [4] * 3 + [3] * 2 + [1, 0]
    assert served.loc[0, "health"] == 30_000 and served.loc[5, "education"] == 600
    exact = restoration_plan(network, ["X", "P", "S"], crews=1, method="exact")
    assert exact.objective == 193_600 and exact.method == "exact"
    # Two crews: the chain S, P is placed first, so S and P are repaired side by side (a pump can be
    # repaired while its substation is still down; it functions once both are done, on day 3) and X
    # follows P: everything is back on day 3, 3 * 38,600 = 115,800 lost.
    two = restoration_plan(network, ["X", "P", "S"], crews=2)
    assert finishes(two.schedule) == {"S": 3, "P": 2, "X": 3}
    assert sorted(two.schedule["crew"].unique().tolist()) == [1, 2]
    assert two.objective == 115_800


def tiny() -> tuple[pd.DataFrame, pd.DataFrame]:
    # Power: S1, S2 (1-of-2 for the boiler house B and the hospital H); pump P needs S1; B needs P; the
    # school SCH needs heat from B. Damaged: S1, S2, P, B.
    return frames(
        [("S1", "substation", 1_000, 3, 4), ("S2", "substation", 500, 2, 3), ("P", "water_pumping", 8_000, 2, 2),
         ("B", "boiler_house", 5_000, 4, 6), ("H", "hospital", 30_000, 5, 0), ("SCH", "school", 700, 5, 0)],
        [("S1", "B", "power"), ("S2", "B", "power"), ("S1", "H", "power"), ("S2", "H", "power"),
         ("S1", "P", None), ("P", "B", None), ("P", "H", None), ("B", "SCH", None)],
    )  # fmt: skip


def test_exact_equals_brute_force_over_orderings() -> None:
    assets, deps = tiny()
    damaged = ["S1", "S2", "P", "B"]
    days = dict(zip(assets["asset_id"], assets["repair_days"].astype(int), strict=True))
    horizon = sum(days[a] for a in damaged)
    best = np.inf
    for order in itertools.permutations(damaged):  # one crew, no idle time: a permutation is a schedule
        t, finish = 0, {}
        for asset in order:
            t += days[asset]
            finish[asset] = t
        best = min(best, naive_lost(assets, deps, damaged, finish, horizon))
    network = Network.from_tables(assets, deps)
    exact = restoration_plan(network, damaged, crews=1, method="exact")
    heuristic = restoration_plan(network, damaged, crews=1)
    assert exact.horizon_days == heuristic.horizon_days == horizon
    assert exact.objective == pytest.approx(best)
    assert exact.objective == pytest.approx(
        naive_lost(assets, deps, damaged, finishes(exact.schedule), horizon)
    )
    assert heuristic.objective >= exact.objective - 1e-9


def random_instance(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, list[str], int]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 13))
    ids = [f"a{i}" for i in range(n)]
    assets = pd.DataFrame(
        {
            "asset_id": ids,
            "type": "other",
            "service": rng.choice(list(SERVICES), n),
            "population_served": rng.integers(0, 1_000, n),
            "repair_days": rng.integers(1, 4, n),
            "repair_cost": rng.integers(1, 10, n),
        }
    )
    rows = []
    for c in range(1, n):  # mostly layered (suppliers earlier), a few back edges make cycles
        for g in range(int(rng.integers(0, 3))):
            pool = [i for i in range(n) if i != c and (i < c or rng.random() < 0.1)]
            if not pool:
                continue
            sup = rng.choice(pool, min(len(pool), int(rng.integers(1, 4))), replace=False)
            k = int(rng.integers(1, len(sup) + 1))
            rows += [{"supplier": ids[s], "consumer": ids[c], "group": f"g{g}", "required": k} for s in sup]
    deps = pd.DataFrame(rows, columns=["supplier", "consumer", "group", "required"])
    deps = deps.drop_duplicates(["supplier", "consumer"], ignore_index=True)
    sizes = deps.groupby(["consumer", "group"])["required"].transform("size")
    deps["required"] = np.minimum(deps.groupby(["consumer", "group"])["required"].transform("first"), sizes)
    damaged = list(rng.choice(ids, int(rng.integers(4, 9)), replace=False))
    return assets, deps, damaged, int(rng.integers(1, 3))


@pytest.mark.parametrize("seed", range(12))
def test_heuristic_against_exact(seed: int) -> None:
    assets, deps, damaged, crews = random_instance(seed)
    network = Network.from_tables(assets, deps)
    heuristic = restoration_plan(network, damaged, crews=crews)
    exact = restoration_plan(network, damaged, crews=crews, method="exact")
    horizon = round(heuristic.horizon_days)
    assert exact.horizon_days == heuristic.horizon_days
    # both objectives are what a naive day-by-day evaluation of their schedules gives
    for plan in (heuristic, exact):
        assert plan.objective == pytest.approx(
            naive_lost(assets, deps, damaged, finishes(plan.schedule), horizon)
        )
        assert len(plan.schedule) + len(plan.unscheduled) == len(damaged)
        # never more than `crews` repairs at once
        for day in range(horizon):
            busy = ((plan.schedule["start_day"] <= day) & (day < plan.schedule["finish_day"])).sum()
            assert busy <= crews
    assert exact.objective <= heuristic.objective + 1e-6
    gap = (heuristic.objective - exact.objective) / max(exact.objective, 1.0)
    assert gap <= 0.5


def test_gap_summary() -> None:
    # Heuristic vs exact over the same 12 seeded instances: the mean gap stays small (measured: mean 2.4 %,
    # max 10.8 %, optimal in 8 of 12).
    gaps = []
    for seed in range(12):
        assets, deps, damaged, crews = random_instance(seed)
        network = Network.from_tables(assets, deps)
        heuristic = restoration_plan(network, damaged, crews=crews).objective
        exact = restoration_plan(network, damaged, crews=crews, method="exact").objective
        gaps.append((heuristic - exact) / max(exact, 1.0))
    assert np.mean(gaps) <= 0.1
    assert sum(g < 1e-9 for g in gaps) >= 6


def test_budget_and_horizon() -> None:
    assets, deps = tiny()
    network = Network.from_tables(assets, deps)
    damaged = ["S1", "S2", "P", "B"]
    plan = restoration_plan(network, damaged, crews=2, budget=9)
    assert plan.total_cost <= 9
    assert set(plan.unscheduled["reason"]) == {"budget"}
    assert set(plan.schedule["asset"]) | set(plan.unscheduled["asset"]) == set(damaged)
    exact = restoration_plan(network, damaged, crews=2, budget=9, method="exact")
    assert exact.total_cost <= 9 and exact.objective <= plan.objective + 1e-9
    short = restoration_plan(network, damaged, crews=1, horizon_days=5)
    assert short.schedule["finish_day"].max() <= 5
    assert set(short.unscheduled["reason"]) == {"horizon"}
    assert short.horizon_days == 5 and len(short.served) == 6
    nothing = restoration_plan(network, damaged, crews=1, budget=0)
    assert nothing.schedule.empty and len(nothing.unscheduled) == 4


def test_periods_round_up() -> None:
    assets, deps = tiny()
    network = Network.from_tables(assets, deps)
    plan = restoration_plan(network, ["S1", "P"], crews=2, period_days=2.0)
    # S1: 3 days -> 2 periods (4 days); P: 2 days -> 1 period, but it needs S1
    assert finishes(plan.schedule, 2.0) == {"S1": 2, "P": 1}
    assert plan.served["day"].tolist() == [0.0, 2.0, 4.0]
    assert plan.objective == pytest.approx(2.0 * plan.served["total"].iloc[:2].sum())


def test_empty_plan() -> None:
    assets, deps = tiny()
    plan = restoration_plan(Network.from_tables(assets, deps), [], crews=3)
    assert plan.schedule.empty and plan.unscheduled.empty and plan.objective == 0
    assert plan.served["total"].tolist() == [0.0]


@settings(max_examples=40, deadline=None)
@given(tables(backups=False), st.data())
def test_selective_rescoring_equals_full_rescoring(
    case: tuple[pd.DataFrame, pd.DataFrame], data: st.DataObject
) -> None:
    assets, deps = case
    network = Network.from_tables(assets, deps)
    ids = list(assets["asset_id"])
    damaged = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
    crews = data.draw(st.integers(1, 2))
    a = network.arrays
    targets = network.positions(damaged)
    model = local_model(a, targets)
    local = {int(g): i for i, g in enumerate(model.nodes.tolist())}
    mine = [local[int(p)] for p in targets]
    durations = [int(d) for d in a.repair_days[targets]]
    costs = a.cost[targets].tolist()
    budget = data.draw(st.sampled_from([np.inf, 5.0, 12.0]))
    horizon = data.draw(st.sampled_from([None, 3, 6]))
    fast = greedy_plan(model, mine, durations, costs, crews=crews, budget=budget, horizon=horizon)
    slow = greedy_plan(
        model, mine, durations, costs, crews=crews, budget=budget, horizon=horizon, refresh_all=True
    )
    assert fast == slow


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"crews": 0}, "`crews` must be a whole number >= 1; got 0"),
        ({"crews": 1.5}, "`crews` must be a whole number >= 1; got 1.5"),
        ({"crews": 1, "period_days": 0}, "`period_days` must be a finite number > 0; got 0"),
        ({"crews": 1, "horizon_days": -2}, "`horizon_days` must be a finite number > 0; got -2"),
        ({"crews": 1, "budget": -1}, "`budget` must be a number >= 0 or None; got -1"),
        ({"crews": 1, "method": "magic"}, "`method` must be one of 'heuristic', 'exact'; got 'magic'"),
        ({"crews": 1, "method": "exact", "horizon_days": 2_000}, "`method` 'exact' must have at most 2,000 binary variables"),
    ],
)  # fmt: skip
def test_validation(kwargs: dict[str, Any], message: str) -> None:  # Any: deliberately wrong values
    assets, deps = tiny()
    with pytest.raises(ValidationError, match=message):
        restoration_plan(Network.from_tables(assets, deps), ["S1", "P"], **kwargs)


def test_exact_refuses_many_damaged() -> None:
    assets = pd.DataFrame({"asset_id": [f"a{i}" for i in range(16)], "type": "school"})
    with pytest.raises(
        ValidationError, match="`damaged` must have at most 15 assets for method 'exact'; got 16"
    ):
        restoration_plan(Network.from_tables(assets), list(assets["asset_id"]), crews=2, method="exact")
    with pytest.raises(
        ValidationError, match=r"`damaged` must contain known asset ids; got unknown \['zz'\]"
    ):
        restoration_plan(Network.from_tables(assets), ["zz"], crews=2)
