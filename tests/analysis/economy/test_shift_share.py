"""Shift-share: hand-computed classic, Esteban-Marquillas and dynamic examples, the adding-up identity,
zero bases and input validation."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hromada.analysis.economy.shift_share import ShiftShareResult, dynamic_shift_share, shift_share
from hromada.errors import ValidationError

INDUSTRIES = ["A", "B", "C"]
REGIONAL_BASE = pd.Series([100, 200, 50], index=INDUSTRIES)  # e_0 = 350
REGIONAL_FINAL = pd.Series([120, 190, 80], index=INDUSTRIES)  # e_t = 390
NATIONAL_BASE = pd.Series([1000, 4000, 5000], index=INDUSTRIES)  # E_0 = 10,000
NATIONAL_FINAL = pd.Series([1100, 4200, 5700], index=INDUSTRIES)  # E_t = 11,000


def assert_adds_up(result: ShiftShareResult) -> None:
    parts = result.components[["national_share", "industry_mix", "competitive"]].sum(axis=1)
    np.testing.assert_allclose(parts, result.components["change"], atol=1e-9)
    np.testing.assert_allclose(
        result.components["change"], result.components["final"] - result.components["base"]
    )
    if "allocation" in result.components:
        split = result.components["net_competitive"] + result.components["allocation"]
        np.testing.assert_allclose(split, result.components["competitive"], atol=1e-9)
    pd.testing.assert_series_equal(result.totals, result.components.sum().rename("total"))


def test_classic_three_industries() -> None:
    # Dunn (1960): G = 11000/10000 - 1 = 0.1; G_i = 0.1, 0.05, 0.14; g_i = 0.2, -0.05, 0.6.
    # NS = e_i0 G                 = 10, 20, 5               (total 35)
    # IM = e_i0 (G_i - G)         = 0, 200 (-0.05) = -10, 50 (0.04) = 2   (total -8)
    # change                      = 20, -10, 30             (total 40)
    # CE = change - NS - IM       = 10, -20, 23             (total 13) = e_i0 (g_i - G_i) = 100 (0.1), 200 (-0.1), 50 (0.46)
    result = shift_share(REGIONAL_BASE, REGIONAL_FINAL, NATIONAL_BASE, NATIONAL_FINAL)
    assert result.method == "classic"
    assert result.by_period is None
    expected = pd.DataFrame(
        {
            "base": [100.0, 200.0, 50.0],
            "final": [120.0, 190.0, 80.0],
            "change": [20.0, -10.0, 30.0],
            "national_share": [10.0, 20.0, 5.0],
            "industry_mix": [0.0, -10.0, 2.0],
            "competitive": [10.0, -20.0, 23.0],
        },
        index=INDUSTRIES,
    )
    pd.testing.assert_frame_equal(result.components, expected, atol=1e-9)
    assert result.totals.to_dict() == pytest.approx(
        {"base": 350, "final": 390, "change": 40, "national_share": 35, "industry_mix": -8, "competitive": 13}
    )
    assert_adds_up(result)


def test_esteban_marquillas_three_industries() -> None:
    # Esteban-Marquillas (1972): homothetic e*_i0 = e_0 E_i0 / E_0 = 350 (0.1, 0.4, 0.5) = 35, 140, 175.
    # g_i - G_i = 0.1, -0.1, 0.46.
    # net competitive e*_i0 (g_i - G_i)        = 3.5, -14, 80.5      (total 70)
    # allocation (e_i0 - e*_i0) (g_i - G_i)    = 65 (0.1) = 6.5, 60 (-0.1) = -6, -125 (0.46) = -57.5  (total -57)
    # sum = 10, -20, 23 = the classic competitive effect.
    result = shift_share(
        REGIONAL_BASE, REGIONAL_FINAL, NATIONAL_BASE, NATIONAL_FINAL, method="esteban-marquillas"
    )
    assert result.method == "esteban-marquillas"
    np.testing.assert_allclose(result.components["net_competitive"], [3.5, -14.0, 80.5])
    np.testing.assert_allclose(result.components["allocation"], [6.5, -6.0, -57.5])
    np.testing.assert_allclose(result.components["competitive"], [10.0, -20.0, 23.0])
    assert result.totals["net_competitive"] == pytest.approx(70.0)
    assert result.totals["allocation"] == pytest.approx(-57.0)
    assert_adds_up(result)


def test_zero_regional_base_is_all_competitive() -> None:
    # D is new in the region (e_D0 = 0): NS = IM = 0 and the whole change (5) is competitive.
    # G = 1100/1000 - 1 = 0.1, G_A = G_D = 0.1 -> A: NS 10, IM 0, CE 0.
    # EM: e* = 100 (0.9, 0.1) = 90, 10; A: 90 * 0 = 0 and 10 * 0 = 0; D: g_D undefined -> net 0, allocation 5.
    r0, r1 = pd.Series({"A": 100, "D": 0}), pd.Series({"A": 110, "D": 5})
    n0, n1 = pd.Series({"A": 900, "D": 100}), pd.Series({"A": 990, "D": 110})
    result = shift_share(r0, r1, n0, n1, method="esteban-marquillas")
    components = result.components
    assert list(components.loc["D", ["national_share", "industry_mix", "competitive"]]) == [0.0, 0.0, 5.0]
    assert list(components.loc["D", ["net_competitive", "allocation"]]) == [0.0, 5.0]
    assert list(components.loc["A", ["national_share", "industry_mix", "competitive"]]) == pytest.approx(
        [10, 0, 0]
    )
    assert_adds_up(result)


def test_zero_national_base_is_all_competitive() -> None:
    # N is new in the nation (E_N0 = 0, G_N undefined): NS = IM = 0, the regional change is competitive,
    # also in the (inconsistent) case of a positive regional base.
    r0, r1 = pd.Series({"A": 100, "N": 0, "M": 4}), pd.Series({"A": 100, "N": 10, "M": 6})
    n0, n1 = pd.Series({"A": 1000, "N": 0, "M": 0}), pd.Series({"A": 1000, "N": 50, "M": 9})
    for method in ("classic", "esteban-marquillas"):
        result = shift_share(r0, r1, n0, n1, method=method)
        components = result.components
        assert list(components.loc["N", ["national_share", "industry_mix", "competitive"]]) == [
            0.0,
            0.0,
            10.0,
        ]
        assert list(components.loc["M", ["national_share", "industry_mix", "competitive"]]) == [
            0.0,
            0.0,
            2.0,
        ]
        assert_adds_up(result)


def test_industries_are_aligned_by_label() -> None:
    shuffled = NATIONAL_FINAL.loc[["C", "A", "B"]]
    result = shift_share(REGIONAL_BASE, REGIONAL_FINAL, NATIONAL_BASE, shuffled)
    expected = shift_share(REGIONAL_BASE, REGIONAL_FINAL, NATIONAL_BASE, NATIONAL_FINAL)
    pd.testing.assert_frame_equal(result.components, expected.components)


def test_result_is_frozen() -> None:
    result = shift_share(REGIONAL_BASE, REGIONAL_FINAL, NATIONAL_BASE, NATIONAL_FINAL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cast(Any, result).method = "dynamic"  # frozen: the assignment must fail at run time


def test_dynamic_three_years() -> None:
    # Barff & Knight (1988): classic shift-share per pair of years, summed.
    #              regional A  B      national A     B     total  G     G_A   G_B
    #   2020             100  100          1000  1000     2000
    #   2021             110   90          1100  1100     2200   0.1   0.1   0.1
    #   2022             132   99          1320  1100     2420   0.1   0.2   0.0
    # 2020->21: NS 10, 10; IM 0, 0; change 10, -10; CE 0, -20
    # 2021->22: NS 11, 9; IM 110 (0.1) = 11, 90 (-0.1) = -9; change 22, 9; CE 22 - 11 - 11 = 0, 9 - 9 + 9 = 9
    # summed:   NS 21, 19; IM 11, -9; CE 0, -11; change 32, -1 (total 31 = 231 - 200)
    years = pd.Index([2020, 2021, 2022], name="year")
    regional = pd.DataFrame({"A": [100, 110, 132], "B": [100, 90, 99]}, index=years)
    national = pd.DataFrame({"B": [1000, 1100, 1100], "A": [1000, 1100, 1320]}, index=years)
    result = dynamic_shift_share(regional, national)
    assert result.method == "dynamic"
    components = result.components
    assert components.index.tolist() == ["A", "B"]
    np.testing.assert_allclose(components["national_share"], [21.0, 19.0])
    np.testing.assert_allclose(components["industry_mix"], [11.0, -9.0])
    np.testing.assert_allclose(components["competitive"], [0.0, -11.0], atol=1e-9)
    np.testing.assert_allclose(components["change"], [32.0, -1.0])
    assert result.totals["change"] == pytest.approx(31.0)
    assert_adds_up(result)

    by_period = result.by_period
    assert by_period is not None
    assert by_period["period_end"].tolist() == [2021, 2021, 2022, 2022]
    assert by_period["period_start"].tolist() == [2020, 2020, 2021, 2021]
    assert by_period["industry"].tolist() == ["A", "B", "A", "B"]
    np.testing.assert_allclose(by_period["industry_mix"], [0.0, 0.0, 11.0, -9.0])
    summed = by_period.groupby("industry")[["national_share", "industry_mix", "competitive"]].sum()
    pd.testing.assert_frame_equal(summed, components[summed.columns], check_names=False)

    # Over the same two years, the static classic analysis gives B a national share of 100 (0.21) = 21, not 19.
    static = shift_share(regional.iloc[0], regional.iloc[-1], national.iloc[0], national.iloc[-1])
    assert static.components.loc["B", "national_share"] == pytest.approx(21.0)
    assert static.totals["change"] == pytest.approx(result.totals["change"])


# ----------------------------------------------------------------------------------------- properties
AMOUNTS = st.integers(0, 10_000)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 8).flatmap(lambda n: st.tuples(*[hnp.arrays(np.int64, n, elements=AMOUNTS)] * 4)))
def test_components_add_up_to_change(arrays: tuple[np.ndarray, ...]) -> None:
    r0, r1, n0, n1 = (pd.Series(a, index=[f"i{j}" for j in range(len(a))]) for a in arrays)
    n0.iloc[0] += 1  # the national base total must be positive
    for method in ("classic", "esteban-marquillas"):
        assert_adds_up(shift_share(r0, r1, n0, n1, method=method))


@settings(max_examples=50, deadline=None)
@given(
    st.tuples(st.integers(2, 5), st.integers(1, 5)).flatmap(
        lambda shape: st.tuples(*[hnp.arrays(np.int64, shape, elements=AMOUNTS)] * 2)
    )
)
def test_dynamic_adds_up_over_the_period(arrays: tuple[np.ndarray, np.ndarray]) -> None:
    regional, national = (pd.DataFrame(a, index=range(2000, 2000 + a.shape[0])) for a in arrays)
    national.iloc[:, 0] += 1
    result = dynamic_shift_share(regional, national)
    assert_adds_up(result)
    np.testing.assert_allclose(result.totals["change"], regional.iloc[-1].sum() - regional.iloc[0].sum())


# ----------------------------------------------------------------------------------------- validation
def test_mismatched_industries() -> None:
    with pytest.raises(
        ValidationError,
        match=r"`national_base` must have the same industries as `regional_base`; got missing \['C'\]",
    ):
        shift_share(REGIONAL_BASE, REGIONAL_FINAL, NATIONAL_BASE.drop("C"), NATIONAL_FINAL)


def test_bad_method_and_values() -> None:
    with pytest.raises(
        ValidationError, match="`method` must be one of 'classic', 'esteban-marquillas'; got 'x'"
    ):
        shift_share(REGIONAL_BASE, REGIONAL_FINAL, NATIONAL_BASE, NATIONAL_FINAL, method=cast(Any, "x"))
    with pytest.raises(
        ValidationError, match="`regional_final` must be non-negative; got -1 at industry 'B'"
    ):
        shift_share(REGIONAL_BASE, REGIONAL_FINAL.replace(190, -1), NATIONAL_BASE, NATIONAL_FINAL)
    with pytest.raises(ValidationError, match="NaN is not allowed"):
        shift_share(
            REGIONAL_BASE.astype(float).replace(50.0, np.nan), REGIONAL_FINAL, NATIONAL_BASE, NATIONAL_FINAL
        )
    with pytest.raises(ValidationError, match="`national_base` must have a positive total; got 0"):
        shift_share(REGIONAL_BASE, REGIONAL_FINAL, NATIONAL_BASE * 0, NATIONAL_FINAL)
    with pytest.raises(ValidationError, match=r"unique industry labels; got duplicates \['A'\]"):
        shift_share(REGIONAL_BASE.set_axis(["A", "A", "C"]), REGIONAL_FINAL, NATIONAL_BASE, NATIONAL_FINAL)
    with pytest.raises(ValidationError, match="`regional_base` must be numeric"):
        shift_share(
            pd.Series(["1", "2", "3"], index=INDUSTRIES), REGIONAL_FINAL, NATIONAL_BASE, NATIONAL_FINAL
        )


def test_dynamic_validation() -> None:
    regional = pd.DataFrame({"A": [1, 2, 3]}, index=[2020, 2021, 2022])
    national = pd.DataFrame({"A": [10, 20, 30]}, index=[2020, 2021, 2022])
    with pytest.raises(ValidationError, match="`regional` must have at least 2 periods; got 1"):
        dynamic_shift_share(regional.iloc[:1], national.iloc[:1])
    with pytest.raises(ValidationError, match="`regional` must have periods sorted ascending"):
        dynamic_shift_share(regional.iloc[::-1], national.iloc[::-1])
    with pytest.raises(ValidationError, match="`national` must have the same periods as `regional`"):
        dynamic_shift_share(regional, national.iloc[:2])
    with pytest.raises(ValidationError, match=r"`national` must have the same industries .* extra \['B'\]"):
        dynamic_shift_share(regional, national.assign(B=1))
    with pytest.raises(ValidationError, match=r"positive total in every base period; got 0 in \[2021\]"):
        dynamic_shift_share(regional, national.assign(A=[10, 0, 30]))
    with pytest.raises(ValidationError, match=r"unique period labels; got duplicates \[2020\]"):
        dynamic_shift_share(regional.set_axis([2020, 2020, 2022]), national)
