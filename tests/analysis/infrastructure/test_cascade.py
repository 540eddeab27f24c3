"""Cascades: hand-worked examples, a naive fixed-point reference and the invariants that must hold."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hromada.analysis.infrastructure import SERVICES, Network, cascade
from hromada.errors import ValidationError
from tests.analysis.infrastructure.helpers import naive_down, naive_times, tables

INF = math.inf
PROPERTY = settings(max_examples=60, deadline=None)


def net(assets: list[tuple[str, str, float, float]], deps: list[tuple[str, str, str | None, int]]) -> Network:
    """assets: (id, type, population, backup hours); deps: (supplier, consumer, group, required)."""
    a = pd.DataFrame(assets, columns=["asset_id", "type", "population_served", "backup_hours"])
    d = pd.DataFrame(deps, columns=["supplier", "consumer", "group", "required"])
    return Network.from_tables(a, d)


# ------------------------------------------------------------------------------------ hand-worked cases
def test_chain_substation_pump_hospital() -> None:
    # (a) S feeds pump P (power), P feeds hospital H (water); nobody has a backup.
    # S is hit at t=0; P's only power group has n=1, k=1, so it fails when its 1st supplier is down: t=0;
    # P has no backup, so F_P = 0 + 0 = 0. The same for H through P: F_H = 0.
    network = net(
        [("S", "substation", 5_000, 0), ("P", "water_pumping", 8_000, 0), ("H", "hospital", 30_000, 0)],
        [("S", "P", None, 1), ("P", "H", None, 1)],
    )
    result = cascade(network, ["S"])
    assert result.failure_time.to_dict() == {"S": 0.0, "P": 0.0, "H": 0.0}
    assert list(result.down) == ["S", "P", "H"]
    cut = result.population_cut()
    assert cut["electricity"] == 5_000 and cut["water"] == 8_000 and cut["health"] == 30_000
    assert cut.sum() == 43_000  # person-services
    assert result.services_cut() == ("electricity", "water", "health")
    # Hitting the hospital alone takes nothing else down: dependencies run one way.
    assert list(cascade(network, ["H"]).down) == ["H"]


def test_redundancy_one_of_two() -> None:
    # (b) H has one power group {S1, S2} with k = 1 (n - k + 1 = 2): it fails only when both are down.
    network = net(
        [("S1", "substation", 0, 0), ("S2", "substation", 0, 0), ("H", "hospital", 30_000, 0)],
        [("S1", "H", "power", 1), ("S2", "H", "power", 1)],
    )
    assert cascade(network, ["S1"]).failure_time["H"] == INF  # one feeder left: survives
    assert cascade(network, ["S2"]).failure_time["H"] == INF
    assert cascade(network, ["S1", "S2"]).failure_time["H"] == 0.0  # second feeder down: fails
    # Without a group label each dependency is its own group: both feeders are required.
    strict = net(
        [("S1", "substation", 0, 0), ("S2", "substation", 0, 0), ("H", "hospital", 30_000, 0)],
        [("S1", "H", None, 1), ("S2", "H", None, 1)],
    )
    assert cascade(strict, ["S1"]).failure_time["H"] == 0.0


def test_redundancy_two_of_three() -> None:
    # (b) 2-of-3: n = 3, k = 2, so the group fails at its (3 - 2 + 1) = 2nd supplier down.
    network = net(
        [("S1", "substation", 0, 0), ("S2", "substation", 0, 0), ("S3", "substation", 0, 0),
         ("H", "hospital", 30_000, 0)],
        [("S1", "H", "power", 2), ("S2", "H", "power", 2), ("S3", "H", "power", 2)],
    )  # fmt: skip
    assert cascade(network, ["S1"]).failure_time["H"] == INF
    assert cascade(network, ["S1", "S3"]).failure_time["H"] == 0.0
    assert cascade(network, ["S1", "S2", "S3"]).failure_time["H"] == 0.0


def test_backups_run_out() -> None:
    # (c) S -> P (6 h generator) -> H (12 h backup). S is hit at 0; P loses supply at L_P = 0 and goes down
    # at F_P = 0 + 6 = 6; H loses its water at L_H = F_P = 6 and goes down at F_H = 6 + 12 = 18.
    network = net(
        [("S", "substation", 0, 0), ("P", "water_pumping", 8_000, 6), ("H", "hospital", 30_000, 12)],
        [("S", "P", None, 1), ("P", "H", None, 1)],
    )
    result = cascade(network, ["S"], horizon_hours=12)
    assert result.failure_time.to_dict() == {"S": 0.0, "P": 6.0, "H": 18.0}
    # At the 12 h horizon only the pump (and S) are down; the hospital still runs on its backup.
    assert list(result.down) == ["S", "P"]
    assert result.population_cut()["water"] == 8_000 and result.population_cut()["health"] == 0
    assert list(result.down_at(18)) == ["S", "P", "H"]
    assert list(result.down_at(0)) == ["S"]
    # A backup covers loss of supply only: the pump hit itself is down at once.
    assert cascade(network, ["P"]).failure_time["P"] == 0.0
    assert cascade(network, ["P"]).failure_time["H"] == 12.0
    timeline = result.timeline()
    assert list(timeline.index) == [0.0, 6.0, 12.0, 18.0]
    assert timeline["assets_down"].tolist() == [1, 2, 2, 3]
    assert timeline["total"].tolist() == [0.0, 8_000.0, 8_000.0, 38_000.0]


def test_cycle_boiler_and_pump() -> None:
    # (d) In winter the boiler house B needs water from pump P, and P needs heat from B; both need S.
    # Nothing failed: every group keeps its supplier, nothing goes down (the cycle supports itself).
    network = net(
        [("S", "substation", 0, 0), ("B", "boiler_house", 5_000, 0), ("P", "water_pumping", 8_000, 0)],
        [("S", "B", None, 1), ("S", "P", None, 1), ("P", "B", None, 1), ("B", "P", None, 1)],
    )
    assert np.isinf(cascade(network, []).failure_time).all()
    # Hit B: P loses its heat (its B group fails at 0), goes down; then B would too (it already is).
    assert cascade(network, ["B"]).failure_time.to_dict() == {"S": INF, "B": 0.0, "P": 0.0}
    # Hit P: symmetric.
    assert cascade(network, ["P"]).failure_time.to_dict() == {"S": INF, "B": 0.0, "P": 0.0}
    # Hit S: both lose power at once.
    assert set(cascade(network, ["S"]).down) == {"S", "B", "P"}


def test_cycle_with_backups_is_the_earliest_path() -> None:
    # A <-> B with backups 2 h and 3 h, both fed by S. S hit: A down at 2, B at 3 (its power group fails at
    # 0); through the cycle B could also lose A at 2 -> 2 + 3 = 5, later, so 3 stands.
    network = net(
        [("S", "substation", 0, 0), ("A", "other", 0, 2), ("B", "other", 0, 3)],
        [("S", "A", None, 1), ("S", "B", None, 1), ("A", "B", None, 1), ("B", "A", None, 1)],
    )
    assert cascade(network, ["S"]).failure_time.to_dict() == {"S": 0.0, "A": 2.0, "B": 3.0}


def test_infinite_backup_never_fails() -> None:
    network = net(
        [("S", "substation", 0, 0), ("H", "hospital", 10, INF), ("X", "other", 0, 0)],
        [("S", "H", None, 1), ("H", "X", None, 1)],
    )
    result = cascade(network, ["S"], horizon_hours=INF)
    assert result.failure_time["H"] == INF and result.failure_time["X"] == INF
    assert list(result.down) == ["S"]  # "never" is not "by an infinite horizon"
    assert result.population_cut().sum() == 0


def test_timeline_given_times_and_result_fields() -> None:
    network = net(
        [("S", "substation", 1, 0), ("P", "water_pumping", 10, 6), ("H", "hospital", 100, 12)],
        [("S", "P", None, 1), ("P", "H", None, 1)],
    )
    result = cascade(network, ["S", "S"], horizon_hours=24)
    assert result.initial == ("S",)
    frame = result.timeline([0, 5, 6, 100])
    assert frame.index.name == "hours"
    assert list(frame.columns) == ["assets_down", *SERVICES, "total"]
    assert frame["total"].tolist() == [1.0, 1.0, 11.0, 111.0]
    for t in (0, 5, 6, 100):
        assert frame.at[float(t), "total"] == result.population_cut(t).sum()
    assert result.timeline().index[-1] == 24.0  # the horizon is on the default grid


def test_validation() -> None:
    network = net([("S", "substation", 0, 0)], [])
    with pytest.raises(ValidationError, match=r"`failed` must contain known asset ids; got unknown \['X'\]"):
        cascade(network, ["S", "X"])
    with pytest.raises(ValidationError, match="`failed` must be a collection of asset ids, not one string"):
        cascade(network, "S")
    with pytest.raises(ValidationError, match="`horizon_hours` must be a number of hours >= 0; got -1"):
        cascade(network, ["S"], horizon_hours=-1)
    with pytest.raises(ValidationError, match="`horizon_hours`"):
        cascade(network, ["S"], horizon_hours=float("nan"))
    with pytest.raises(ValidationError, match="`t` must be"):
        cascade(network, ["S"]).down_at(-2)


# ------------------------------------------------------------------------------------------ properties
@st.composite
def scenario(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    assets, deps = draw(tables())
    failed = draw(st.lists(st.sampled_from(list(assets["asset_id"])), max_size=4, unique=True))
    return assets, deps, failed


@PROPERTY
@given(scenario())
def test_matches_naive_fixed_point(case: tuple[pd.DataFrame, pd.DataFrame, list[str]]) -> None:
    assets, deps, failed = case
    result = cascade(Network.from_tables(assets, deps), failed)
    assert result.failure_time.to_dict() == naive_times(assets, deps, failed)
    assert set(result.down_at(0)) == naive_down(assets, deps, failed)


@PROPERTY
@given(scenario(), st.data())
def test_more_failures_never_fewer_outages(
    case: tuple[pd.DataFrame, pd.DataFrame, list[str]], data: st.DataObject
) -> None:
    assets, deps, failed = case
    network = Network.from_tables(assets, deps)
    extra = data.draw(st.lists(st.sampled_from(list(assets["asset_id"])), max_size=3))
    small, large = cascade(network, failed), cascade(network, [*failed, *extra])
    assert (large.failure_time <= small.failure_time).all()
    for t in (0.0, 6.0, INF):
        assert (large.population_cut(t) >= small.population_cut(t)).all()
    # Restoring (dropping) one failed asset never reduces the population served.
    if failed:
        fewer = cascade(network, failed[1:])
        assert (fewer.failure_time >= small.failure_time).all()
        assert fewer.population_cut(INF).sum() <= small.population_cut(INF).sum()


@PROPERTY
@given(scenario(), st.data())
def test_redundant_supplier_never_hurts(
    case: tuple[pd.DataFrame, pd.DataFrame, list[str]], data: st.DataObject
) -> None:
    assets, deps, failed = case
    if deps.empty:
        return
    row = data.draw(st.integers(0, len(deps) - 1))
    consumer = deps.at[row, "consumer"]
    taken = set(deps.loc[deps["consumer"] == consumer, "supplier"]) | {consumer}
    free = [a for a in assets["asset_id"] if a not in taken]
    if not free:
        return
    extra = data.draw(st.sampled_from(free))
    more = deps.copy()
    label = more.at[row, "group"]
    if not isinstance(label, str):  # None: a group of one gets a label so it can take a second supplier
        label = "new-group"
        more.at[row, "group"] = label
    same = (more["consumer"] == consumer) & (more["group"] == label)
    k = int(more.loc[same, "required"].iloc[0])
    more = pd.concat(
        [more, pd.DataFrame([{"supplier": extra, "consumer": consumer, "group": label, "required": k}])],
        ignore_index=True,
    )
    before = cascade(Network.from_tables(assets, deps), failed)
    after = cascade(Network.from_tables(assets, more), failed)
    assert (after.failure_time >= before.failure_time).all()
    for t in (0.0, 12.0, INF):
        assert set(after.down_at(t)) <= set(before.down_at(t))
        assert after.population_cut(t).sum() <= before.population_cut(t).sum()


def test_large_random_network_matches_reference() -> None:
    # A few hundred assets with long zero-backup chains, cycles and many distinct failure times.
    rng = np.random.default_rng(7)
    n = 300
    ids = [f"x{i}" for i in range(n)]
    assets = pd.DataFrame(
        {
            "asset_id": ids,
            "type": "other",
            "backup_hours": rng.choice([0.0, 0.0, 0.5, 1.25, 3.0], n),
        }
    )
    rows = []
    for c in range(n):
        for g in range(rng.integers(0, 3)):
            sup = rng.choice([i for i in range(n) if i != c], rng.integers(1, 4), replace=False)
            k = int(rng.integers(1, len(sup) + 1))
            rows += [{"supplier": ids[s], "consumer": ids[c], "group": f"g{g}", "required": k} for s in sup]
    deps = pd.DataFrame(rows).drop_duplicates(["supplier", "consumer"], ignore_index=True)
    deps["required"] = deps.groupby(["consumer", "group"])["required"].transform(
        lambda s: min(int(s.iloc[0]), len(s))
    )
    network = Network.from_tables(assets, deps)
    failed = list(rng.choice(ids, 5, replace=False))
    assert cascade(network, failed).failure_time.to_dict() == naive_times(assets, deps, failed)
