"""Criticality against brute force (one cascade per asset and per pair) and hand-worked synergy."""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hromada.analysis.infrastructure import SERVICES, Network, cascade, criticality
from hromada.errors import ValidationError
from tests.analysis.infrastructure.helpers import tables
from tests.cells import number, text


def redundant_feeders() -> Network:
    # Two substations feed a hospital as a 1-of-2 group; a pump needs S1 only; a school needs the pump.
    assets = pd.DataFrame(
        {
            "asset_id": ["S1", "S2", "H", "P", "SCH"],
            "type": ["substation", "substation", "hospital", "water_pumping", "school"],
            "population_served": [0, 0, 30_000, 8_000, 600],
            "backup_hours": [0, 0, 24, 0, 0],
        }
    )
    deps = pd.DataFrame(
        {
            "supplier": ["S1", "S2", "S1", "P"],
            "consumer": ["H", "H", "P", "SCH"],
            "group": ["power", "power", None, None],
        }
    )
    return Network.from_tables(assets, deps)


def test_pair_synergy_of_redundant_substations() -> None:
    network = redundant_feeders()
    # At 24 h the hospital's backup is spent. S1 alone: P and SCH go down (8,600); S2 alone: nothing; the
    # hospital survives either on the other feeder. Both: 8,600 + 30,000, so the synergy is 30,000.
    result = criticality(network, horizon_hours=24)
    assert result.ranking.loc["S1", "population_cut"] == 8_600
    assert result.ranking.loc["S2", "population_cut"] == 0
    pair = result.pairs.iloc[0]
    assert {pair["first"], pair["second"]} == {"S1", "S2"}
    assert pair["population_cut"] == 38_600 and pair["sum_of_singles"] == 8_600 and pair["synergy"] == 30_000
    # At horizon 0 the hospital still runs on its backup: no synergy yet.
    now = criticality(network, horizon_hours=0)
    assert now.pairs["synergy"].max() == 0
    # Overlap is negative synergy: P is downstream of S1, so S1 + P loses P's area once, not twice.
    overlap = result.pairs.set_index(["first", "second"])
    key = ("S1", "P") if ("S1", "P") in overlap.index else ("P", "S1")
    assert overlap.loc[key, "synergy"] == -8_600


def test_ranking_and_columns() -> None:
    result = criticality(redundant_feeders(), horizon_hours=24)
    ranking = result.ranking
    assert list(ranking.index) == ["H", "S1", "P", "SCH", "S2"]
    assert ranking["rank"].tolist() == [1, 2, 3, 4, 5]
    assert list(ranking.columns) == [
        "rank", "type", "service", "population_cut", "assets_lost", "dependents", "population_at_risk",
    ]  # fmt: skip
    assert ranking.loc["S1", "assets_lost"] == 3 and ranking.loc["S1", "dependents"] == 3
    assert ranking.loc["S2", "dependents"] == 1 and ranking.loc["S2", "population_at_risk"] == 30_000
    assert list(result.by_service.columns) == list(SERVICES)
    assert result.by_service.loc["S1", "water"] == 8_000 and result.by_service.loc["S1", "education"] == 600
    assert list(result.centrality.index) == ["S1", "S2", "H", "P", "SCH"]
    assert list(result.pairs.columns) == [
        "first", "second", "population_cut", "sum_of_singles", "synergy", "assets_lost",
    ]  # fmt: skip
    assert len(result.pairs) == 10  # all pairs of the 5 assets


def test_options() -> None:
    network = redundant_feeders()
    only = criticality(network, candidates=["S2", "P"], pairs=0)
    assert list(only.ranking.index) == ["P", "S2"] and only.pairs.empty
    assert list(only.centrality.index) == ["S2", "P"]
    # The top three by single loss are H, S1 and P: the redundant S2 (0 alone) is not among them. By
    # population at risk they are S1 (38,600), H and S2 (30,000 each; H first on its single loss).
    by_loss = criticality(network, horizon_hours=24, pairs=3)
    pairs = {frozenset(p) for p in by_loss.pairs[["first", "second"]].itertuples(index=False)}
    assert pairs == {frozenset({"H", "S1"}), frozenset({"H", "P"}), frozenset({"S1", "P"})}
    at_risk = criticality(network, horizon_hours=24, pairs=3, pair_basis="at_risk")
    assert set(at_risk.pairs.iloc[0][["first", "second"]]) == {"S1", "S2"}
    between = criticality(network, betweenness=True).centrality["betweenness"]
    expected = nx.betweenness_centrality(network.to_networkx())
    assert between.to_dict() == pytest.approx(expected)
    empty = criticality(network, candidates=[])
    assert empty.ranking.empty and empty.pairs.empty


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pairs": -1}, "`pairs` must be a whole number >= 0; got -1"),
        ({"pairs": 2.5}, "`pairs` must be a whole number >= 0; got 2.5"),
        ({"horizon_hours": -3}, "`horizon_hours` must be a number of hours >= 0; got -3"),
        ({"pair_basis": "size"}, "`pair_basis` must be one of 'loss', 'at_risk'; got 'size'"),
        (
            {"candidates": ["S1", "nope"]},
            r"`candidates` must contain known asset ids; got unknown \['nope'\]",
        ),
    ],
)
def test_validation(kwargs: dict[str, Any], message: str) -> None:  # Any: deliberately wrong values
    with pytest.raises(ValidationError, match=message):
        criticality(redundant_feeders(), **kwargs)


@settings(max_examples=40, deadline=None)
@given(tables(), st.sampled_from([0.0, 6.0, float("inf")]))
def test_matches_brute_force(case: tuple[pd.DataFrame, pd.DataFrame], horizon: float) -> None:
    assets, deps = case
    network = Network.from_tables(assets, deps)
    result = criticality(network, horizon_hours=horizon, pairs=4)
    graph = network.to_networkx()
    single: dict[str, float] = {}
    for asset in network.asset_ids:
        alone = cascade(network, [asset], horizon_hours=horizon)
        single[asset] = float(alone.population_cut().sum())
        row = result.ranking.loc[asset]
        assert row["population_cut"] == single[asset]
        assert row["assets_lost"] == len(alone.down)
        np.testing.assert_array_equal(
            result.by_service.loc[asset].to_numpy(), alone.population_cut().to_numpy()
        )
        below = nx.descendants(graph, asset)
        assert row["dependents"] == len(below)
        population = network.assets["population_served"]
        assert row["population_at_risk"] == population[asset] + population[list(below)].sum()
    # ranked by loss, then assets lost, then population at risk
    keys = list(zip(-result.ranking["population_cut"], -result.ranking["assets_lost"],
                    -result.ranking["population_at_risk"], strict=True))  # fmt: skip
    assert keys == sorted(keys)
    top = list(result.ranking.index[:4])
    assert len(result.pairs) == len(list(itertools.combinations(top, 2)))
    for pair in result.pairs.itertuples():
        first, second = text(pair.first), text(pair.second)
        both = cascade(network, [first, second], horizon_hours=horizon)
        assert pair.population_cut == both.population_cut().sum()
        assert pair.synergy == number(pair.population_cut) - single[first] - single[second]
        assert pair.assets_lost == len(both.down)
    assert list(result.pairs["synergy"]) == sorted(result.pairs["synergy"], reverse=True)
