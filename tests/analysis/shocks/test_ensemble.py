"""Ensembles: seeded, independent of chunking and engine, and a one-member ensemble is the single run."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from hromada.analysis.shocks import (
    CapitalDestruction,
    Fixed,
    IOTable,
    Money,
    Outage,
    Triangular,
    Uniform,
    draw_members,
    run_ensemble,
    simulate,
)
from hromada.analysis.shocks.ensemble import Distribution
from hromada.errors import ValidationError
from tests.cells import number

pymrio = pytest.importorskip("pymrio")


@pytest.fixture(scope="module")
def table() -> IOTable:
    return IOTable.from_pymrio(pymrio.load_test().calc_all(), money=Money("EUR", 1e6))


def _events(table: IOTable) -> list[Any]:
    va = table.x - table.Z.sum(axis=0)
    damage = pd.Series({("reg2", "manufactoring"): 0.3 * 4 * float(va[("reg2", "manufactoring")])})
    return [
        CapitalDestruction(damage, day=2, recovery_days=120),
        Outage(pd.Series({("reg1", "electricity"): 0.3}), day=5, duration=7),
    ]


UNCERTAIN: dict[str, Distribution] = {
    "damage": Triangular(0.5, 1.0, 1.5),
    "recovery_days": Uniform(60, 240),
    "psi": Uniform(0.7, 0.9),
}


def test_a_one_member_ensemble_is_the_single_run(table: IOTable) -> None:
    events = _events(table)
    ensemble = run_ensemble(table, events, {"damage": Fixed(1.0)}, members=1, seed=3, days=90)
    single = simulate(table, events, days=90)
    np.testing.assert_array_equal(
        ensemble.members[single.summary.columns].to_numpy(), single.summary.to_numpy()
    )
    np.testing.assert_array_equal(
        ensemble.bands["p50"].to_numpy(), single.daily_value_added_lost[0].to_numpy()
    )


def test_the_same_seed_gives_the_same_numbers_whatever_the_chunks(table: IOTable) -> None:
    events = _events(table)
    one = run_ensemble(table, events, UNCERTAIN, members=12, seed=7, days=60, chunk_size=12)
    many = run_ensemble(table, events, UNCERTAIN, members=12, seed=7, days=60, chunk_size=5)
    pd.testing.assert_frame_equal(one.members, many.members, check_exact=True)
    pd.testing.assert_frame_equal(one.bands, many.bands, check_exact=True)
    other = run_ensemble(table, events, UNCERTAIN, members=12, seed=8, days=60)
    assert not one.members["damage"].equals(other.members["damage"])
    # Members are drawn from their own streams: member 3 is the same in an ensemble of 4.
    first4, _ = draw_members(events, UNCERTAIN, members=4, seed=7)
    later, _ = draw_members(events, UNCERTAIN, members=1, seed=7, first=3)
    first_event, later_event = first4[3][0], later[0][0]
    assert isinstance(first_event, CapitalDestruction) and isinstance(later_event, CapitalDestruction)
    assert later_event.damage.equals(first_event.damage)
    # The bands are ordered and the uncertainty is real.
    bands = one.bands.to_numpy()
    assert (bands[:, 0] <= bands[:, 1]).all() and (bands[:, 1] <= bands[:, 2]).all()
    quantiles = one.quantiles
    assert number(quantiles.loc["p95", "value_added_lost"]) > number(quantiles.loc["p5", "value_added_lost"])


@pytest.mark.slow
def test_dask_gives_the_same_numbers_as_a_local_run(table: IOTable) -> None:
    pytest.importorskip("dask.distributed")
    events = _events(table)
    local = run_ensemble(table, events, UNCERTAIN, members=8, seed=11, days=40, chunk_size=3)
    on_dask = run_ensemble(table, events, UNCERTAIN, members=8, seed=11, days=40, chunk_size=3, engine="dask")
    pd.testing.assert_frame_equal(local.members, on_dask.members, check_exact=True)
    pd.testing.assert_frame_equal(local.losses_by_industry, on_dask.losses_by_industry, check_exact=True)
    assert on_dask.parameters["engine"] == "dask"


def test_bad_ensembles_are_refused(table: IOTable) -> None:
    events = _events(table)
    luck: dict[str, Distribution] = {"luck": Fixed(1.0)}
    with pytest.raises(ValidationError, match="uncertain values"):
        run_ensemble(table, events, luck, members=2)
    backwards: dict[str, Distribution] = {"damage": Triangular(2, 1, 3)}
    with pytest.raises(ValidationError, match="low <= mode <= high"):
        run_ensemble(table, events, backwards, members=2)
    with pytest.raises(ValidationError, match="members"):
        run_ensemble(table, events, {}, members=0)
