"""The input-output table: construction, validation (every error path), views and hash.

Reference table: Miller & Blair (2009), *Input-Output Analysis: Foundations and Extensions*, 2nd ed.,
Cambridge University Press, section 2.3: Z = [[150, 500], [200, 100]], x = [1000, 2000], so final demand
y = x - Z 1 = [350, 1700] and value added v = x - 1ᵀZ = [650, 1400]. pymrio 0.7.0's test MRIO
(``pymrio.load_test()``) for the pymrio constructor.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from hromada.analysis.shocks.table import IOTable, Money
from hromada.errors import ImportValidationError, ValidationError

UAH = Money("UAH", 1e6)
SECTORS = pd.Index(["agriculture", "manufacturing"])


def _parts() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    z = pd.DataFrame([[150.0, 500.0], [200.0, 100.0]], index=SECTORS, columns=SECTORS)
    y = pd.DataFrame({"households": [350.0, 1700.0]}, index=SECTORS)
    va = pd.DataFrame([[400.0, 900.0], [250.0, 500.0]], index=["compensation", "other"], columns=SECTORS)
    return z, y, va


def textbook() -> IOTable:
    z, y, va = _parts()
    return IOTable.from_frames(z, y, va, money=UAH, employment=pd.Series([20.0, 30.0], index=SECTORS))


def test_money() -> None:
    assert str(UAH) == "million UAH"
    assert str(Money("EUR")) == "EUR"
    assert str(Money("USD", 1e3)) == "thousand USD"
    assert str(Money("UAH", 250.0)) == "250 UAH"
    UAH.check_same(Money("UAH", 1e6), "the damage")
    with pytest.raises(
        ValidationError, match="the damage must be in million UAH, the table's money; got million EUR"
    ):
        UAH.check_same(Money("EUR", 1e6), "the damage")
    with pytest.raises(ValidationError, match="got thousand UAH"):
        UAH.check_same(Money("UAH", 1e3), "the damage")
    with pytest.raises(ValidationError, match="`scale` must be a positive number; got 0"):
        Money("UAH", 0)
    with pytest.raises(ValidationError, match="`unit` must be a currency code"):
        Money("", 1.0)


def test_textbook_table_views() -> None:
    table = textbook()
    assert table.n == 2
    assert list(table.labels) == [("all", "agriculture"), ("all", "manufacturing")]
    assert table.labels.names == ["region", "sector"]
    assert list(table.regions) == ["all"]
    assert list(table.sectors) == ["agriculture", "manufacturing"]
    np.testing.assert_allclose(table.x.to_numpy(), [1000.0, 2000.0], rtol=1e-15)
    # Miller & Blair (2009) sec. 2.3: A = [[0.15, 0.25], [0.20, 0.05]].
    np.testing.assert_allclose(table.A.to_numpy(), [[0.15, 0.25], [0.2, 0.05]], rtol=1e-15)
    assert all(dtype == np.float64 for dtype in table.Z.dtypes)
    assert table.employment is not None
    assert table.employment.index.equals(table.labels)
    assert "n=2" in repr(table)


def test_order_is_kept_and_parts_are_aligned() -> None:
    z, y, va = _parts()
    order = SECTORS[::-1]
    table = IOTable.from_frames(z.loc[order], y, va, money=UAH, region="Bucha")
    assert list(table.sectors) == ["manufacturing", "agriculture"]  # Z's row order, not sorted
    assert list(table.regions) == ["Bucha"]
    np.testing.assert_allclose(table.x.to_numpy(), [2000.0, 1000.0])
    np.testing.assert_allclose(table.Z.to_numpy(), [[100.0, 200.0], [500.0, 150.0]])


def test_content_hash_is_stable_and_sensitive() -> None:
    first, second = textbook(), textbook()
    assert first.content_hash() == second.content_hash()
    assert len(first.content_hash()) == 64
    z, y, va = _parts()
    other_money = IOTable.from_frames(z, y, va, money=Money("UAH", 1e3))
    assert other_money.content_hash() != IOTable.from_frames(z, y, va, money=UAH).content_hash()
    assert IOTable.from_frames(z, y, va, money=UAH).content_hash() != first.content_hash()  # no employment


def test_subsidies_may_be_negative_cells() -> None:
    z, y, _ = _parts()
    va = pd.DataFrame([[700.0, 1400.0], [-50.0, 0.0]], index=["compensation", "taxes"], columns=SECTORS)
    IOTable.from_frames(z, y, va, money=UAH)


def _refused(match: str, **change: Any) -> None:
    z, y, va = _parts()
    parts: dict[str, Any] = {"Z": z, "Y": y, "value_added": va, **change}
    with pytest.raises(ValidationError, match=match):
        IOTable.from_frames(
            parts["Z"], parts["Y"], parts["value_added"], money=UAH, employment=parts.get("employment")
        )


def test_every_error_path_of_the_table() -> None:
    z, y, va = _parts()
    # Every unit of output is used by the industries themselves: balanced, but rho(A) = 1.
    circular = pd.DataFrame([[1.0, 1.0], [1.0, 1.0]], index=SECTORS, columns=SECTORS)
    with pytest.raises(ValidationError, match="not productive: spectral radius of A is 1 >= 1"):
        IOTable.from_frames(
            circular,
            pd.DataFrame({"fd": [0.0, 0.0]}, index=SECTORS),
            pd.DataFrame([[0.0, 0.0]], index=["va"], columns=SECTORS),
            money=UAH,
        )
    negative = z.copy()
    negative.iloc[0, 1] = -1.0
    _refused(r"`Z` must be non-negative; got -1 at row \('all', 'agriculture'\)", Z=negative)
    _refused("`Y` must be non-negative", Y=-y)
    nan = z.copy()
    nan.iloc[1, 1] = np.nan
    _refused("`Z` must hold finite numbers; got nan", Z=nan)
    _refused("`value_added` must hold finite numbers", value_added=va.replace(250.0, np.inf))
    _refused("`Z` must be numeric", Z=z.astype(object).replace(150.0, "lots"))
    _refused(
        r"the table does not balance: .*\('all', 'agriculture'\): input 1,010, output 1,000 \(1 of 2",
        value_added=va.replace(250.0, 260.0),
    )
    relabelled = y.rename(index={"manufacturing": "mining"})
    _refused(
        r"`the rows of Y` must have the same industries as Z; got missing \[\('all', 'manufacturing'\)\], "
        r"extra \[\('all', 'mining'\)\]",
        Y=relabelled,
    )
    _refused("`the rows of Y` must have unique labels", Y=pd.concat([y, y.iloc[:1]]))
    _refused("`value_added` must have the same industries", value_added=va.iloc[:, :1])
    _refused("`employment` must be non-negative", employment=pd.Series([-1.0, 3.0], index=SECTORS))
    _refused("`employment` must hold finite numbers", employment=pd.Series([np.nan, 3.0], index=SECTORS))
    _refused("`employment` must have the same industries", employment=pd.Series([1.0], index=SECTORS[:1]))
    # Total value added below zero: industry buys more than it sells (with a subsidy making up the gap).
    big = pd.DataFrame([[150.0, 500.0], [200.0, 2100.0]], index=SECTORS, columns=SECTORS)
    with pytest.raises(ValidationError, match=r"total value added of every industry must be >= 0.*-300"):
        IOTable.from_frames(
            big,
            pd.DataFrame({"fd": [350.0, 0.0]}, index=SECTORS),
            pd.DataFrame([[650.0, -300.0]], index=["va"], columns=SECTORS),
            money=UAH,
        )
    # An industry that is zero everywhere.
    three = pd.Index(["a", "b", "idle"])
    with pytest.raises(ValidationError, match=r"zero output .*\('all', 'idle'\).*cannot be used"):
        IOTable.from_frames(
            pd.DataFrame(np.diag([1.0, 1.0, 0.0]), index=three, columns=three),
            pd.DataFrame({"fd": [1.0, 1.0, 0.0]}, index=three),
            pd.DataFrame([[1.0, 1.0, 0.0]], index=["va"], columns=three),
            money=UAH,
        )
    with pytest.raises(ValidationError, match="`money` must be a Money"):
        IOTable(textbook().Z, textbook().Y, textbook().value_added, "UAH")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="two-level"):
        IOTable(z, y, va, UAH)
    table = textbook()
    with pytest.raises(ValidationError, match="in the order of Z"):
        IOTable(table.Z, table.Y.iloc[::-1], table.value_added, UAH)
    with pytest.raises(ValidationError, match="`Z` must be a pandas DataFrame; got ndarray"):
        IOTable.from_frames(z.to_numpy(), y, va, money=UAH)  # type: ignore[arg-type]


def _long() -> pd.DataFrame:
    rows = [
        ("Z", "agriculture", "agriculture", 150.0),
        ("Z", "agriculture", "manufacturing", 500.0),
        ("Z", "manufacturing", "agriculture", 200.0),
        ("Z", "manufacturing", "manufacturing", 100.0),
        ("Y", "agriculture", "households", 350.0),
        ("Y", "manufacturing", "households", 1700.0),
        ("VA", "compensation", "agriculture", 400.0),
        ("VA", "compensation", "manufacturing", 900.0),
        ("VA", "other", "agriculture", 250.0),
        ("VA", "other", "manufacturing", 500.0),
        ("employment", "agriculture", "", 20.0),
        ("employment", "manufacturing", "", 30.0),
    ]
    return pd.DataFrame(rows, columns=["kind", "row_sector", "col_sector", "value"])


def test_from_long_equals_from_frames() -> None:
    table = IOTable.from_long(_long(), money=UAH)
    assert table.content_hash() == textbook().content_hash()
    # Without VA rows, value added is derived as output minus inputs.
    derived = IOTable.from_long(_long().query("kind != 'VA'"), money=UAH)
    np.testing.assert_allclose(derived.value_added.to_numpy(), [[650.0, 1400.0]])
    # Multi-regional: (region, category) final-demand columns.
    frame = _long().assign(row_region="r1", col_region="r1")
    table = IOTable.from_long(frame, money=UAH)
    assert list(table.regions) == ["r1"]
    assert isinstance(table.Y.columns, pd.MultiIndex)
    assert list(table.Y.columns) == [("r1", "households")]


def test_from_long_names_row_and_column() -> None:
    bad = _long().astype({"value": object})
    bad.loc[2, "value"] = "n/a"  # data row 2 (0-based) = spreadsheet row 4
    bad.loc[5, "kind"] = "X"  # row 7
    bad.loc[0, "value"] = -3.0  # row 2
    with pytest.raises(ImportValidationError) as caught:
        IOTable.from_long(bad, money=UAH, source="table.csv")
    issues = caught.value.issues
    assert [(i.row, i.column) for i in issues] == [(2, "value"), (4, "value"), (7, "kind")]
    assert (
        "table.csv, row 2, column 'value': expected a non-negative amount; got -3.0" in caught.value.message
    )
    repeated = pd.concat([_long(), _long().iloc[[1]]], ignore_index=True)
    with pytest.raises(
        ImportValidationError,
        match="row 14, column 'kind': expected one row per entry; got a repeat of row 3",
    ):
        IOTable.from_long(repeated, money=UAH)
    blank = _long()
    blank.loc[4, "col_sector"] = None
    with pytest.raises(ImportValidationError, match="row 6, column 'col_sector'"):
        IOTable.from_long(blank, money=UAH)
    with pytest.raises(ValidationError, match=r"`frame` must have the columns .*missing \['value'\]"):
        IOTable.from_long(_long().drop(columns="value"), money=UAH)
    unbalanced = _long()
    unbalanced.loc[9, "value"] = 600.0
    with pytest.raises(ValidationError, match="does not balance"):
        IOTable.from_long(unbalanced, money=UAH)


@pytest.fixture(scope="module")
def mrio() -> Any:
    pymrio = pytest.importorskip("pymrio")
    return pymrio.load_test().calc_all()


def test_from_pymrio(mrio: Any) -> None:
    table = IOTable.from_pymrio(mrio, money=Money("EUR", 1e6))
    assert list(table.labels) == list(mrio.Z.index)  # pymrio's order kept
    assert table.Y.columns.equals(mrio.Y.columns)
    np.testing.assert_allclose(table.x.to_numpy(), mrio.x["indout"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(table.A.to_numpy(), mrio.A.to_numpy(), rtol=1e-10, atol=1e-15)
    assert list(table.value_added.index) == ["value_added"]
    # The test MRIO's factor_inputs account does not close the columns: refused, not silently accepted.
    with pytest.raises(ValidationError, match="does not balance"):
        IOTable.from_pymrio(mrio, money=Money("EUR", 1e6), value_added="factor_inputs")
    with pytest.raises(ValidationError, match="`value_added` must name an account"):
        IOTable.from_pymrio(mrio, money=Money("EUR", 1e6), value_added="wages")
    with pytest.raises(ValidationError, match="`value_added_rows` must be rows"):
        IOTable.from_pymrio(
            mrio, money=Money("EUR", 1e6), value_added="factor_inputs", value_added_rows=["x"]
        )
    with pytest.raises(ValidationError, match="pymrio IOSystem"):
        IOTable.from_pymrio(object(), money=Money("EUR", 1e6))
