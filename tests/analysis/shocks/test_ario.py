"""ARIO against BoARIO, and the properties a daily shock model must have.

Reference: BoARIO 0.7.2 (Juhel et al., "BoARIO: A Python package implementing the ARIO indirect economic
cost model", Journal of Open Source Software 9(98), 6547, 2024), its ``ARIOPsiModel`` with default parameters,
run in this test on pymrio's test MRIO (``pymrio.load_test()``, 6 regions x 8 sectors; pymrio 0.7.0).
BoARIO sorts labels alphabetically; its production is re-ordered to the table's order before comparing.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hromada.analysis.shocks import (
    ARIOParams,
    CapitalDestruction,
    DemandLoss,
    Event,
    IOTable,
    LabourLoss,
    Money,
    Outage,
    simulate,
)
from hromada.errors import ValidationError
from tests.cells import number

pymrio = pytest.importorskip("pymrio")

DAYS = 365


@pytest.fixture(scope="module")
def mrio() -> Any:
    return pymrio.load_test().calc_all()


@pytest.fixture(scope="module")
def table(mrio: Any) -> IOTable:
    return IOTable.from_pymrio(mrio, money=Money("EUR", 1e6))


def _boario(mrio: Any, impact: pd.Series[float], kind: str) -> pd.DataFrame:
    """BoARIO's realised production for one event (default model parameters)."""
    from boario.event import from_series
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ARIOPsiModel(mrio, monetary_factor=10**6)
        sim = Simulation(model, n_temporal_units_to_sim=DAYS)
        if kind == "recovery":
            event = from_series(
                impact,
                event_type="recovery",
                recovery_tau=180,
                recovery_function="linear",
                occurrence=5,
                duration=1,
                event_monetary_factor=10**6,
            )
        else:
            event = from_series(
                impact,
                event_type="rebuild",
                rebuild_tau=100,
                rebuilding_sectors={"construction": 0.7, "manufactoring": 0.3},
                rebuilding_factor=1.0,
                occurrence=5,
                duration=1,
                event_monetary_factor=10**6,
            )
        sim.add_event(event)
        sim.loop()
    for handler in list(logging.getLogger("boario").handlers):  # BoARIO adds a file handler per simulation
        if isinstance(handler, logging.FileHandler):
            logging.getLogger("boario").removeHandler(handler)
            handler.close()
    production: pd.DataFrame = sim.production_realised
    columns: list[Any] = list(production.columns)
    production.columns = pd.MultiIndex.from_tuples(columns, names=["region", "sector"])
    return production


def _impact(table: IOTable) -> pd.Series[float]:
    """30 % of manufacturing's and 50 % of mining's capital in reg2 (capital = 4 x value added, as BoARIO)."""
    va = table.x - table.Z.sum(axis=0)
    return pd.Series(
        {
            ("reg2", "manufactoring"): 0.3 * 4 * float(va[("reg2", "manufactoring")]),
            ("reg2", "mining"): 0.5 * 4 * float(va[("reg2", "mining")]),
        }
    ).rename_axis(["region", "sector"])


@pytest.mark.parametrize("kind", ["recovery", "rebuild"])
def test_production_equals_boario(mrio: Any, table: IOTable, kind: str) -> None:
    pytest.importorskip("boario")
    impact = _impact(table)
    if kind == "recovery":
        event = CapitalDestruction(impact, day=5, duration=1, recovery="linear", recovery_days=180)
    else:
        event = CapitalDestruction(
            impact, day=5, duration=1, rebuild={"construction": 0.7, "manufactoring": 0.3}, rebuild_days=100
        )
    ours = simulate(table, [event], days=DAYS, record="production").production
    assert ours is not None
    reference = _boario(mrio, impact, kind)[ours.columns]
    # Labels keep the table's order (BoARIO sorts them alphabetically).
    assert list(ours.columns) == list(table.labels)
    np.testing.assert_allclose(ours.to_numpy(), reference.to_numpy(), rtol=1e-9)
    # The shock is real: output falls by more than 2 % on the day of the event.
    assert ours.iloc[5].sum() < 0.98 * ours.iloc[0].sum()


def test_no_event_keeps_the_steady_state(table: IOTable) -> None:
    run = simulate(table, [], days=60, record="production")
    assert run.production is not None
    np.testing.assert_allclose(
        run.production.to_numpy(), np.tile(table.x.to_numpy() / 365, (60, 1)), rtol=1e-12
    )
    assert run.summary.loc[0, "value_added_lost"] == pytest.approx(0.0, abs=1e-6)


def test_an_ensemble_of_members_equals_the_single_runs(table: IOTable) -> None:
    impact = _impact(table)
    scenarios = [
        [CapitalDestruction(impact * factor, day=3, recovery_days=days)]
        for factor, days in ((0.5, 90), (1.0, 180))
    ]
    params = [ARIOParams(), ARIOParams(psi=0.9, alpha_max=1.1)]
    together = simulate(table, scenarios, days=120, params=params, record="production")
    for member, (events, member_params) in enumerate(zip(scenarios, params, strict=True)):
        alone = simulate(table, events, days=120, params=member_params, record="production")
        assert together.production is not None and alone.production is not None
        np.testing.assert_array_equal(together.production.loc[member].to_numpy(), alone.production.to_numpy())
        np.testing.assert_array_equal(
            together.summary.loc[[member]].to_numpy(), alone.summary.loc[[0]].to_numpy()
        )


def test_outage_labour_and_demand_events_cut_what_they_should(table: IOTable) -> None:
    outage = Outage(pd.Series({("reg1", "electricity"): 0.6}), day=2, duration=10)
    run = simulate(table, [outage], days=40, record="production")
    assert run.production is not None
    electricity = run.production[("reg1", "electricity")]
    x0 = float(table.x[("reg1", "electricity")]) / 365
    # Capacity capped at 40 % for days 2-11 (overproduction can only lift it by a sliver), then back.
    assert electricity.iloc[2:12].max() < 0.42 * x0
    assert electricity.iloc[1] == pytest.approx(x0, rel=1e-12)
    assert number(run.summary.loc[0, "value_added_lost"]) > 0

    labour = simulate(table, [LabourLoss(pd.Series({"reg3": 0.2}), day=0, duration=30)], days=30)
    demand = simulate(table, [DemandLoss(pd.Series({"food": 0.5}), day=0, duration=30)], days=30)
    assert number(labour.summary.loc[0, "value_added_lost"]) > 0
    # Less demand, all of it met; the food industries lose value added.
    assert number(demand.summary.loc[0, "final_demand_unmet"]) == pytest.approx(0.0, abs=1e-6)
    assert number(demand.losses_by_industry.loc[0, ("reg1", "food")]) > 0


def test_bad_events_are_refused_with_the_name(table: IOTable) -> None:
    with pytest.raises(ValidationError, match="moon"):
        simulate(table, [Outage(pd.Series({"moon": 0.5}))])
    with pytest.raises(ValidationError, match="at most 1"):
        simulate(table, [Outage(pd.Series({"food": 1.5}))])
    with pytest.raises(ValidationError, match="more capital"):
        simulate(table, [CapitalDestruction(pd.Series({("reg1", "food"): 1e15}))], days=5)
    mixed: list[list[Event]] = [[Outage(pd.Series({"food": 0.1}))], [LabourLoss(pd.Series({"food": 0.1}))]]
    with pytest.raises(ValidationError, match="same kinds"):
        simulate(table, mixed)
    with pytest.raises(ValidationError, match="rebuilding sectors"):
        simulate(table, [CapitalDestruction(pd.Series({("reg1", "food"): 1.0}), rebuild={"bakery": 1.0})])
    with pytest.raises(ValidationError, match="psi"):
        ARIOParams(psi=1.5)
