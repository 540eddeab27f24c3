"""Static input-output models against pymrio and the textbook.

References:
- Miller & Blair (2009), *Input-Output Analysis: Foundations and Extensions*, 2nd ed., Cambridge University
  Press, section 2.3: the two-sector example Z = [[150, 500], [200, 100]], x = [1000, 2000]; L printed as
  [[1.254, 0.330], [0.264, 1.122]], output multipliers 1.518 and 1.452.
- pymrio 0.7.0 (Stadler 2021, *Journal of Open Research Software* 9(1)) on its test MRIO
  (``pymrio.load_test()``, 6 regions x 8 sectors): ``L``, ``x`` and the Ghosh inverse ``calc_G``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hromada.analysis.shocks import IOTable, Money
from hromada.analysis.shocks.static import (
    ghosh_inverse,
    hypothetical_extraction,
    leontief_inverse,
    linkages,
    multipliers,
    output_impact,
    supply_impact,
)
from hromada.errors import ValidationError

UAH = Money("UAH", 1e6)


def textbook() -> IOTable:
    sectors = pd.Index(["agriculture", "manufacturing"])
    z = pd.DataFrame([[150.0, 500.0], [200.0, 100.0]], index=sectors, columns=sectors)
    y = pd.DataFrame({"households": [350.0, 1700.0]}, index=sectors)  # x - Z 1
    va = pd.DataFrame([[650.0, 1400.0]], index=["value_added"], columns=sectors)  # x - 1ᵀ Z
    return IOTable.from_frames(z, y, va, money=UAH, employment=pd.Series([20.0, 30.0], index=sectors))


def test_textbook_leontief_inverse_and_multipliers() -> None:
    table = textbook()
    np.testing.assert_allclose(
        leontief_inverse(table).to_numpy(), [[1.254, 0.330], [0.264, 1.122]], atol=5e-4
    )
    np.testing.assert_allclose(multipliers(table).values.to_numpy(), [1.518, 1.452], atol=5e-4)
    # Exact values: L = adj(I - A) / det(I - A) with det = 0.85 x 0.95 - 0.25 x 0.2 = 0.7575.
    np.testing.assert_allclose(
        leontief_inverse(table).to_numpy(), np.array([[0.95, 0.25], [0.2, 0.85]]) / 0.7575, rtol=1e-14
    )
    # The output of the table is reproduced from its final demand: x = L y.
    x = output_impact(table, table.Y["households"])
    np.testing.assert_allclose(x.to_numpy(), [1000.0, 2000.0], rtol=1e-12)
    # Value-added multipliers add to 1 per unit of final demand (all income ends up as value added).
    np.testing.assert_allclose(
        multipliers(table, kind="value_added").values.to_numpy(), [1.0, 1.0], rtol=1e-12
    )
    jobs = multipliers(table, kind="employment").values.to_numpy()
    np.testing.assert_allclose(
        jobs, np.array([0.02, 0.015]) @ (np.array([[0.95, 0.25], [0.2, 0.85]]) / 0.7575)
    )


def test_type_two_closes_the_model_with_households() -> None:
    sectors = pd.Index(["a", "b"])
    z = pd.DataFrame([[150.0, 500.0], [200.0, 100.0]], index=sectors, columns=sectors)
    y = pd.DataFrame({"households": [200.0, 1000.0], "exports": [150.0, 700.0]}, index=sectors)
    va = pd.DataFrame([[400.0, 900.0], [250.0, 500.0]], index=["compensation", "other"], columns=sectors)
    table = IOTable.from_frames(z, y, va, money=UAH)
    type1 = multipliers(table).values.to_numpy()
    type2 = multipliers(table, type="II").values.to_numpy()
    # Independent computation: invert the bordered matrix explicitly (Miller & Blair 2009, sec. 6.2.5).
    x = np.array([1000.0, 2000.0])
    closed = np.zeros((3, 3))
    closed[:2, :2] = z.to_numpy() / x
    closed[2, :2] = np.array([400.0, 900.0]) / x
    closed[:2, 2] = np.array([200.0, 1000.0]) / 1300.0
    inverse = np.linalg.inv(np.eye(3) - closed)
    np.testing.assert_allclose(type2, inverse[:2, :2].sum(axis=0), rtol=1e-12)
    assert (type2 > type1).all()
    with pytest.raises(ValidationError, match="compensation"):
        multipliers(table, type="II", compensation="wages")
    with pytest.raises(ValidationError, match="final-demand column"):
        multipliers(table, type="II", consumption="tourists")


@pytest.fixture(scope="module")
def mrio() -> Any:
    pymrio = pytest.importorskip("pymrio")
    return pymrio.load_test().calc_all()


def test_against_pymrio(mrio: Any) -> None:
    import pymrio

    table = IOTable.from_pymrio(mrio, money=Money("EUR", 1e6))
    assert list(table.labels) == list(mrio.Z.index)  # pymrio's order kept
    np.testing.assert_allclose(table.x.to_numpy(), mrio.x["indout"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(leontief_inverse(table).to_numpy(), mrio.L.to_numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        multipliers(table).values.to_numpy(), mrio.L.sum(axis=0).to_numpy(), rtol=1e-10
    )
    g = pymrio.calc_G(pymrio.calc_B(mrio.Z, mrio.x))
    np.testing.assert_allclose(ghosh_inverse(table).to_numpy(), np.asarray(g), rtol=1e-10, atol=1e-12)
    # Ghosh: the table's own value added gives its output back.
    va = table.value_added.sum(axis=0)
    np.testing.assert_allclose(supply_impact(table, va).to_numpy(), table.x.to_numpy(), rtol=1e-10)


def test_extraction_and_linkages_agree_with_their_definitions() -> None:
    table = textbook()
    hem = hypothetical_extraction(table)
    # Extracting agriculture's purchases: manufacturing alone, x_m = y_m / (1 - a_mm) = 1700 / 0.95.
    assert hem.loc[("all", "agriculture"), "backward"] == pytest.approx(2000.0 - 1700.0 / 0.95, rel=1e-12)
    assert hem.loc[("all", "manufacturing"), "backward"] == pytest.approx(1000.0 - 350.0 / 0.85, rel=1e-12)
    assert (hem[["backward", "forward"]] >= 0).all().all()
    links = linkages(table, forward="leontief").table
    l_inv = np.array([[0.95, 0.25], [0.2, 0.85]]) / 0.7575
    np.testing.assert_allclose(links["backward"], l_inv.sum(axis=0) / l_inv.sum(axis=0).mean(), rtol=1e-12)
    np.testing.assert_allclose(links["forward"], l_inv.sum(axis=1) / l_inv.sum(axis=1).mean(), rtol=1e-12)
    assert links["backward"].mean() == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2, max_value=7), st.integers(min_value=0, max_value=10_000))
def test_leontief_inverse_is_at_least_the_identity(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.uniform(10, 100, n)
    a = rng.uniform(0, 1, (n, n))
    a *= rng.uniform(0.1, 0.9) / a.sum(axis=0)  # column sums below 1: productive
    z = a * x
    labels = pd.Index([f"s{i}" for i in range(n)])
    y = pd.DataFrame({"fd": x - z.sum(axis=1)}, index=labels)
    if (y["fd"] < 0).any():
        return
    va = pd.DataFrame([x - z.sum(axis=0)], index=["va"], columns=labels)
    table = IOTable.from_frames(pd.DataFrame(z, index=labels, columns=labels), y, va, money=UAH)
    inverse = leontief_inverse(table).to_numpy()
    assert (inverse >= np.eye(n) - 1e-12).all()
    zero = output_impact(table, pd.Series(0.0, index=table.labels))
    assert (zero == 0).all()


def test_bad_tables_are_refused() -> None:
    sectors = pd.Index(["a", "b"])
    y = pd.DataFrame({"fd": [1.0, 1.0]}, index=sectors)
    # Every unit of output is used up by the industries themselves: balanced, but rho(A) = 1.
    circular = pd.DataFrame([[1.0, 1.0], [1.0, 1.0]], index=sectors, columns=sectors)
    with pytest.raises(ValidationError, match="not productive"):
        IOTable.from_frames(
            circular,
            pd.DataFrame({"fd": [0.0, 0.0]}, index=sectors),
            pd.DataFrame([[0.0, 0.0]], index=["va"], columns=sectors),
            money=UAH,
        )
    with pytest.raises(ValidationError, match="must be non-negative"):
        z = pd.DataFrame([[-1.0, 0.0], [0.0, 0.0]], index=sectors, columns=sectors)
        IOTable.from_frames(z, y, pd.DataFrame([[1.0, 1.0]], index=["va"], columns=sectors), money=UAH)
    with pytest.raises(ValidationError, match="does not balance"):
        z = pd.DataFrame([[1.0, 0.0], [0.0, 1.0]], index=sectors, columns=sectors)
        IOTable.from_frames(z, y, pd.DataFrame([[5.0, 1.0]], index=["va"], columns=sectors), money=UAH)
    with pytest.raises(ValidationError, match="same industries"):
        other = pd.DataFrame({"fd": [1.0, 1.0]}, index=pd.Index(["a", "c"]))
        z = pd.DataFrame([[0.0, 0.0], [0.0, 0.0]], index=sectors, columns=sectors)
        IOTable.from_frames(z, other, pd.DataFrame([[1.0, 1.0]], index=["va"], columns=sectors), money=UAH)
    with pytest.raises(ValidationError, match="million UAH"):
        UAH.check_same(Money("EUR", 1e6), "the damage")
    with pytest.raises(ValidationError, match="scale"):
        Money("UAH", 0)
