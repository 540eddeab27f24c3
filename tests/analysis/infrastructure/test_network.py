"""The canonical network: defaults, integer views, networkx round trip and validation messages."""

from __future__ import annotations

import doctest
import importlib
from typing import Any, cast

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from hromada.analysis.infrastructure import (
    ASSET_TYPES,
    DEFAULT_REPAIR_DAYS,
    DEFAULT_SERVICE,
    SERVICES,
    Network,
    cascade,
)
from hromada.errors import ValidationError
from tests.analysis.infrastructure.helpers import tables


@pytest.fixture
def assets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "asset_id": ["S1", "S2", "P", "H", "X"],
            "type": ["substation", "substation", "water_pumping", "hospital", "other"],
            "population_served": [100, 200, 8_000, 30_000, None],
            "backup_hours": [None, 0, 6, 12, 0],
            "status": ["operational", "damaged", None, "", "destroyed"],
            "latitude": [50.1, 50.2, 50.3, 50.4, 50.5],
        }
    )


@pytest.fixture
def deps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "supplier": ["S1", "S2", "S1", "P"],
            "consumer": ["H", "H", "P", "H"],
            "group": ["power", "power", None, None],
        }
    )


def test_defaults_and_extra_columns(assets: pd.DataFrame, deps: pd.DataFrame) -> None:
    network = Network.from_tables(assets, deps)
    frame = network.assets
    assert list(frame.index) == ["S1", "S2", "P", "H", "X"]
    assert frame.loc["P", "service"] == "water" and frame.loc["X", "service"] is None
    assert frame.loc["X", "population_served"] == 0.0
    assert frame.loc["S1", "backup_hours"] == 0.0
    assert frame.loc["H", "repair_days"] == DEFAULT_REPAIR_DAYS["hospital"]
    assert frame["status"].tolist() == ["operational", "damaged", "operational", "operational", "destroyed"]
    assert frame.loc["S1", "name"] == "S1"
    assert frame.loc["H", "latitude"] == 50.4  # extra columns are kept
    assert network.damaged == ("S2", "X")
    assert list(network.asset_ids) == ["S1", "S2", "P", "H", "X"]
    d = network.dependencies
    assert d["kind"].tolist() == ["power", "power", "power", "water"]  # from the supplier's service
    assert d["required"].tolist() == [1, 1, 1, 1]
    assert d["group"].tolist() == ["power", "power", None, None]
    assert repr(network) == "Network(5 assets, 4 dependencies, 3 redundancy groups)"
    assert set(DEFAULT_SERVICE) == set(ASSET_TYPES)
    assert {s for s in DEFAULT_SERVICE.values() if s} <= set(SERVICES)


def test_integer_views(assets: pd.DataFrame, deps: pd.DataFrame) -> None:
    a = Network.from_tables(assets, deps).arrays
    # positions: S1 0, S2 1, P 2, H 3, X 4; groups by consumer: P {S1}; H {P} and H "power" {S1, S2}
    assert (a.n_assets, a.n_groups, a.n_edges) == (5, 3, 4)
    assert a.group_consumer.tolist() == [2, 3, 3]
    assert a.consumer_ptr.tolist() == [0, 0, 0, 1, 3, 3]
    assert a.group_n.tolist() == [1, 2, 1] and a.group_k.tolist() == [1, 1, 1]
    assert a.group_threshold.tolist() == [1, 2, 1]
    assert a.group_ptr.tolist() == [0, 1, 3, 4]
    assert a.group_suppliers.tolist() == [0, 0, 1, 2]
    assert a.supplier_ptr.tolist() == [0, 2, 3, 4, 4, 4]
    assert sorted(a.supplier_groups[0:2].tolist()) == [0, 1]
    assert sorted(a.consumers_of(0).tolist()) == [2, 3]
    assert sorted(a.suppliers_of(3).tolist()) == [0, 1, 2]
    assert a.service_code.tolist() == [0, 0, 1, 4, len(SERVICES)]
    with pytest.raises(ValueError, match="read-only"):
        a.group_k[0] = 2


def test_cost_falls_back_to_replacement_cost() -> None:
    assets = pd.DataFrame(
        {
            "asset_id": ["A", "B", "C"],
            "type": "other",
            "repair_cost": [5.0, None, None],
            "replacement_cost": [50.0, 70.0, None],
        }
    )
    assert Network.from_tables(assets).arrays.cost.tolist() == [5.0, 70.0, 0.0]


def test_networkx_round_trip(assets: pd.DataFrame, deps: pd.DataFrame) -> None:
    network = Network.from_tables(assets, deps)
    graph = network.to_networkx()
    assert isinstance(graph, nx.DiGraph)
    assert graph.edges["S1", "H"] == {"kind": "power", "group": "power", "required": 1}
    assert graph.edges["P", "H"] == {"kind": "water", "required": 1}
    assert graph.nodes["H"]["population_served"] == 30_000
    back = Network.from_networkx(graph)
    pd.testing.assert_frame_equal(back.assets, network.assets, check_dtype=False)

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:  # networkx lists edges by supplier
        return frame.sort_values(["supplier", "consumer"]).reset_index(drop=True)

    pd.testing.assert_frame_equal(
        ordered(back.dependencies), ordered(network.dependencies), check_dtype=False
    )
    with pytest.raises(ValidationError, match="`graph` must be a networkx DiGraph; got Graph"):
        Network.from_networkx(nx.Graph())


@settings(max_examples=30, deadline=None)
@given(tables())
def test_round_trip_keeps_cascades(case: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    assets, deps = case
    network = Network.from_tables(assets, deps)
    back = Network.from_networkx(network.to_networkx())
    for asset in network.asset_ids[:3]:
        pd.testing.assert_series_equal(
            cascade(network, [asset], horizon_hours=6).failure_time,
            cascade(back, [asset], horizon_hours=6).failure_time,
        )


def test_no_dependencies() -> None:
    network = Network.from_tables(pd.DataFrame({"asset_id": ["A"], "type": ["school"]}))
    assert network.arrays.n_groups == 0
    assert cascade(network, ["A"]).failure_time.to_dict() == {"A": 0.0}
    assert Network.from_networkx(network.to_networkx()).arrays.n_edges == 0


def test_k_of_n_groups() -> None:
    assets = pd.DataFrame({"asset_id": ["S1", "S2", "S3", "H"], "type": ["substation"] * 3 + ["hospital"]})
    deps = pd.DataFrame(
        {"supplier": ["S1", "S2", "S3"], "consumer": "H", "group": "power", "required": [2, None, 2]}
    )
    a = Network.from_tables(assets, deps).arrays
    assert a.group_n.tolist() == [3] and a.group_k.tolist() == [2] and a.group_threshold.tolist() == [2]


def test_blank_text_is_missing() -> None:
    assets = pd.DataFrame({"asset_id": ["A", "B"], "type": ["school", "substation"], "service": ["", " "]})
    deps = pd.DataFrame({"supplier": ["B"], "consumer": ["A"], "kind": [""], "group": [""]})
    network = Network.from_tables(assets, deps)
    assert network.assets["service"].tolist() == ["education", "electricity"]
    assert network.dependencies.loc[0, "kind"] == "power"
    assert network.dependencies.loc[0, "group"] is None


def bad_assets(**changes: tuple[int, str | float]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "asset_id": ["S", "H"],
            "type": ["substation", "hospital"],
            "population_served": [0.0, 10.0],
            "backup_hours": [0.0, 1.0],
        }
    )
    for column, (row, value) in changes.items():
        frame[column] = frame[column].astype(object) if column in frame else None
        frame.loc[row, column] = value
    return frame


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (bad_assets(asset_id=(1, "S")), r"`assets.asset_id` must be unique; got 'S' in rows 0 and 1"),
        (bad_assets(asset_id=(1, 7)), r"`assets.asset_id` must be a non-empty string; got 7 in row 1"),
        (bad_assets(type=(1, "castle")), r"`assets.type` must be one of substation, .*; got 'castle' in row 1 \(asset 'H'\)"),
        (bad_assets(service=(0, "magic")), r"`assets.service` must be one of electricity, .*; got 'magic' in row 0"),
        (bad_assets(population_served=(1, -5.0)), r"`assets.population_served` must be a number >= 0; got -5.0 in row 1 \(asset 'H'\)"),
        (bad_assets(population_served=(1, "many")), r"`assets.population_served` must be a number >= 0; got 'many' in row 1"),
        (bad_assets(population_served=(1, float("inf"))), r"`assets.population_served` must be a number >= 0 and finite; got inf"),
        (bad_assets(backup_hours=(0, -1.0)), r"`assets.backup_hours` must be a number >= 0; got -1.0 in row 0"),
        (bad_assets(repair_days=(0, 0.0)), r"`assets.repair_days` must be a number > 0; got 0.0 in row 0"),
        (bad_assets(repair_cost=(0, -3.0)), r"`assets.repair_cost` must be a number >= 0; got -3.0"),
        (bad_assets(status=(0, "burning")), r"`assets.status` must be one of operational, damaged, destroyed; got 'burning'"),
        (bad_assets(type=(1, "other")), r"`assets.type` must be given with a `service` when the asset serves people; got 'other' in row 1"),
        (pd.DataFrame({"asset_id": ["A"]}), r"`assets` must have the columns asset_id, type; got columns \['asset_id'\]"),
    ],
)  # fmt: skip
def test_asset_validation(frame: pd.DataFrame, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Network.from_tables(frame)


def test_assets_must_be_a_frame() -> None:
    with pytest.raises(ValidationError, match="`assets` must be a pandas DataFrame; got list"):
        Network.from_tables(cast(Any, []))  # a list, not a frame


def dep_frame(rows: list[tuple[str, str, str | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["supplier", "consumer", "group", "required"])


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("S1", "Z", None, None)], r"`dependencies.consumer` must be a known asset_id; got 'Z' in row 0 \('S1' -> 'Z'\)"),
        ([("S1", "H", None, None), ("Q", "H", None, None)], r"`dependencies.supplier` must be a known asset_id; got 'Q' in row 1"),
        ([("H", "H", None, None)], r"`dependencies.consumer` must be different from `supplier` \(no self-dependency\); got 'H' in row 0"),
        ([("S1", "H", None, None), ("S1", "H", "g", None)], r"each \(supplier, consumer\) pair once; got 'S1' -> 'H' in rows 0 and 1"),
        ([("S1", "H", "g", 3), ("S2", "H", "g", 3)], r"`dependencies.required` must be at most the number of suppliers in the group \(2\); got 3 for group 'g' of consumer 'H' in rows \[0, 1\]"),
        ([("S1", "H", None, 2)], r"must be at most the number of suppliers in the group \(1\); got 2 for a dependency without `group`"),
        ([("S1", "H", "g", 1.5), ("S2", "H", "g", 1.5)], r"`dependencies.required` must be a whole number >= 1; got 1.5 in row 0"),
        ([("S1", "H", "g", 0)], r"`dependencies.required` must be a number > 0; got 0"),
        ([("S1", "H", "g", 1), ("S2", "H", "g", 2)], r"`dependencies.required` must be the same on every row of a group; got \[1.0, 2.0\] in rows \[0, 1\]"),
    ],
)  # fmt: skip
def test_dependency_validation(rows: list[tuple[str, str, str | None, float | None]], message: str) -> None:
    assets = pd.DataFrame({"asset_id": ["S1", "S2", "H"], "type": ["substation", "substation", "hospital"]})
    with pytest.raises(ValidationError, match=message):
        Network.from_tables(assets, dep_frame(rows))


def test_dependency_columns_required() -> None:
    assets = pd.DataFrame({"asset_id": ["A"], "type": ["school"]})
    with pytest.raises(ValidationError, match="`dependencies` must have the columns supplier, consumer"):
        Network.from_tables(assets, pd.DataFrame({"from": ["A"]}))


def test_same_label_in_two_consumers_is_two_groups() -> None:
    assets = pd.DataFrame({"asset_id": ["S", "A", "B"], "type": ["substation", "school", "school"]})
    deps = pd.DataFrame({"supplier": ["S", "S"], "consumer": ["A", "B"], "group": "power"})
    a = Network.from_tables(assets, deps).arrays
    assert a.n_groups == 2 and a.group_n.tolist() == [1, 1]


def test_empty_network() -> None:
    network = Network.from_tables(pd.DataFrame({"asset_id": [], "type": []}, dtype=object))
    assert network.arrays.n_assets == 0
    assert cascade(network, []).failure_time.empty
    assert cascade(network, []).timeline()["total"].tolist() == [0.0]


def test_positions() -> None:
    network = Network.from_tables(pd.DataFrame({"asset_id": ["A", "B"], "type": "school"}))
    assert network.positions(["B", "A", "B"]).tolist() == [1, 0]
    assert network.positions(np.array(["A"], dtype=object)).tolist() == [0]


@pytest.mark.parametrize("name", ["network", "cascade", "criticality", "restoration"])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"hromada.analysis.infrastructure.{name}")
    outcome = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert outcome.failed == 0 and outcome.attempted > 0
