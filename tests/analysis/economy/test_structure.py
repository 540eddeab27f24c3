"""Structure measures: hand-computed examples, invariants (hypothesis) and input validation."""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hromada.analysis.economy.structure import (
    balassa_rca,
    gini_localisation,
    herfindahl,
    hoover_localisation,
    krugman_specialisation,
    location_quotient,
    shannon_entropy,
    variety,
)
from hromada.errors import ValidationError

# Two regions x three industries used by several examples.
#            x    y    z   | total
#   A       10   20   70   |  100
#   B       30   20   50   |  100
#   total   40   40  120   |  200
TABLE = pd.DataFrame([[10, 20, 70], [30, 20, 50]], index=["A", "B"], columns=["x", "y", "z"])


# ------------------------------------------------------------------------------------------- examples
class TestLocationQuotient:
    def test_two_by_three_table(self) -> None:
        # LQ_ri = (x_ri / x_r) / (X_i / X) (Isard 1960). National shares X_i/X = 0.2, 0.2, 0.6.
        # A: shares 0.1, 0.2, 0.7 -> 0.1/0.2 = 0.5, 0.2/0.2 = 1, 0.7/0.6 = 7/6
        # B: shares 0.3, 0.2, 0.5 -> 0.3/0.2 = 1.5, 1, 0.5/0.6 = 5/6
        expected = pd.DataFrame(
            [[0.5, 1.0, 7 / 6], [1.5, 1.0, 5 / 6]], index=TABLE.index, columns=TABLE.columns
        )
        pd.testing.assert_frame_equal(location_quotient(TABLE), expected)

    def test_one_region_against_reference(self) -> None:
        # Town shares 5/50, 15/50, 30/50 = 0.1, 0.3, 0.6; nation 100/1000, 100/1000, 800/1000 = 0.1, 0.1, 0.8
        # -> LQ 1, 3, 0.75. The extra national industry "w" is ignored: shares are over x, y, z only.
        town = pd.Series({"x": 5, "y": 15, "z": 30}, name="town")
        nation = pd.Series({"w": 999, "z": 800, "y": 100, "x": 100})
        lq = location_quotient(town, reference=nation)
        assert lq.index.tolist() == ["town"]
        np.testing.assert_allclose(lq.loc["town"].to_numpy(), [1.0, 3.0, 0.75])

    def test_zero_region_and_zero_reference_give_nan(self) -> None:
        values = pd.DataFrame([[1, 0, 3], [0, 0, 0]], index=["r1", "r2"], columns=["a", "b", "c"])
        lq = location_quotient(values)
        assert lq.loc["r2"].isna().all()  # region with zero total
        assert lq["b"].isna().all()  # industry with zero reference total
        np.testing.assert_allclose(lq.loc["r1", ["a", "c"]].to_numpy(), [1.0, 1.0])

    def test_balassa_rca_is_the_location_quotient(self) -> None:
        pd.testing.assert_frame_equal(balassa_rca(TABLE), location_quotient(TABLE))


class TestDiversity:
    def test_herfindahl_known_shares(self) -> None:
        # Shares 0.5, 0.3, 0.2: H = 0.25 + 0.09 + 0.04 = 0.38 (Hirschman 1964);
        # normalised (H - 1/N) / (1 - 1/N) = (0.38 - 1/3) / (2/3) = 0.07; numbers equivalent 1/0.38 (Adelman 1969).
        # The zero industry "d" does not count in N.
        result = herfindahl(pd.Series({"a": 50, "b": 30, "c": 20, "d": 0}, name="r"))
        row = result.loc["r"]
        assert row["hhi"] == pytest.approx(0.38)
        assert row["hhi_normalized"] == pytest.approx(0.07)
        assert row["numbers_equivalent"] == pytest.approx(1 / 0.38)
        assert row["n_industries"] == 3
        assert result["n_industries"].dtype == np.int64

    def test_herfindahl_single_industry_and_empty_region(self) -> None:
        values = pd.DataFrame([[0, 7, 0], [0, 0, 0]], index=["one", "none"], columns=["a", "b", "c"])
        result = herfindahl(values)
        assert list(result.loc["one"]) == [1.0, 1.0, 1.0, 1]  # N == 1: normalised HHI defined as 1
        assert result.loc["none", ["hhi", "hhi_normalized", "numbers_equivalent"]].isna().all()
        assert result.loc["none", "n_industries"] == 0

    def test_entropy_base_two_and_e(self) -> None:
        # Shares 0.5, 0.25, 0.25: -(0.5 log2 0.5 + 2 * 0.25 log2 0.25) = 0.5 + 1 = 1.5 bits (Shannon 1948);
        # in nats 1.5 * ln 2.
        values = pd.Series({"a": 2, "b": 1, "c": 1, "d": 0})
        bits = shannon_entropy(values)
        nats = shannon_entropy(values, base=math.e)
        assert bits.iloc[0] == pytest.approx(1.5)
        assert nats.iloc[0] == pytest.approx(1.5 * math.log(2))
        assert bits.name == "entropy_base2"
        assert nats.name == "entropy_basee"
        assert nats.attrs["base"] == math.e

    def test_entropy_uniform_and_empty(self) -> None:
        values = pd.DataFrame([[3, 3, 3, 3], [0, 0, 0, 0]], index=["even", "none"])
        entropy = shannon_entropy(values)
        assert entropy["even"] == pytest.approx(2.0)  # log2 4
        assert math.isnan(entropy["none"])

    def test_variety_decomposition(self) -> None:
        # Industries a1, a2 in group A; b1, b2, b3 in group B; amounts 2, 2, 2, 1, 1 (total 8):
        # shares 0.25, 0.25, 0.25, 0.125, 0.125; group shares A 0.5, B 0.5.
        # unrelated = -(2 * 0.5 log2 0.5) = 1
        # within A (0.5, 0.5) -> 1 bit; within B (0.5, 0.25, 0.25) -> 1.5 bits;
        # related = 0.5 * 1 + 0.5 * 1.5 = 1.25 (Frenken, Van Oort & Verburg 2007)
        # total = 3 * 0.25 * 2 + 2 * 0.125 * 3 = 2.25 = 1 + 1.25 (Theil 1972)
        values = pd.Series({"a1": 2, "a2": 2, "b1": 2, "b2": 1, "b3": 1}, name="r")
        grouping = {"a1": "A", "a2": "A", "b1": "B", "b2": "B", "b3": "B", "c1": "C"}
        result = variety(values, grouping)
        assert list(result.loc["r"]) == pytest.approx([2.25, 1.0, 1.25])
        by_series = variety(values, pd.Series(grouping))
        pd.testing.assert_frame_equal(by_series, result)


class TestSpecialisationAndLocalisation:
    def test_krugman(self) -> None:
        # K_r = sum_i |s_ri - s_i| (Krugman 1991). National shares 0.2, 0.2, 0.6.
        # A: |0.1 - 0.2| + |0.2 - 0.2| + |0.7 - 0.6| = 0.2;  B: |0.3 - 0.2| + 0 + |0.5 - 0.6| = 0.2
        k = krugman_specialisation(TABLE)
        np.testing.assert_allclose(k.to_numpy(), [0.2, 0.2])
        assert k.name == "krugman"

    def test_krugman_against_reference(self) -> None:
        # Region shares 0.5, 0.5, 0; reference shares 0, 0, 1 -> no industry in common -> K = 2
        k = krugman_specialisation(
            pd.Series({"x": 1, "y": 1, "z": 0}), reference=pd.Series({"x": 0, "y": 0, "z": 5})
        )
        assert k.iloc[0] == pytest.approx(2.0)

    def test_hoover(self) -> None:
        # HL_i = 0.5 * sum_r |x_ri/X_i - x_r/X| (Hoover 1936); x_r/X = 0.5, 0.5.
        # x: 0.5 * (|10/40 - 0.5| + |30/40 - 0.5|) = 0.25
        # y: 20/40 = 0.5 in both -> 0
        # z: 0.5 * (|70/120 - 0.5| + |50/120 - 0.5|) = 0.5 * (1/12 + 1/12) = 1/12
        np.testing.assert_allclose(hoover_localisation(TABLE).to_numpy(), [0.25, 0.0, 1 / 12])

    def test_gini_three_regions(self) -> None:
        # Regions of unequal size; industry i and the rest:
        #        i   other | total  a = total/100  b_i = i/40  LQ_i
        #   R1   5    45   |   50       0.5          0.125     0.25
        #   R2  15    15   |   30       0.3          0.375     1.25
        #   R3  20     0   |   20       0.2          0.5       2.5
        # Regions by ascending LQ: R1, R2, R3; cumulative B = 0.125, 0.5, 1.
        # G = 1 - sum_k a_k (B_{k-1} + B_k)
        #   = 1 - [0.5 (0 + 0.125) + 0.3 (0.125 + 0.5) + 0.2 (0.5 + 1)] = 1 - 0.55 = 0.45
        # other: b = 0.75, 0.25, 0; LQ = 1.5, 0.833, 0 -> order R3, R2, R1; cumulative B = 0, 0.25, 1
        # G = 1 - [0.2 (0 + 0) + 0.3 (0 + 0.25) + 0.5 (0.25 + 1)] = 1 - 0.7 = 0.3
        # (Lorenz-curve Gini as in Krugman 1991.) Hoover: i 0.5 (0.375 + 0.075 + 0.3) = 0.375,
        # other 0.5 (0.25 + 0.05 + 0.2) = 0.25; HL <= G <= 2 HL holds for both.
        values = pd.DataFrame([[5, 45], [15, 15], [20, 0]], index=["R1", "R2", "R3"], columns=["i", "other"])
        gini = gini_localisation(values)
        np.testing.assert_allclose(gini.to_numpy(), [0.45, 0.3])
        np.testing.assert_allclose(hoover_localisation(values).to_numpy(), [0.375, 0.25])
        # The order of the rows does not matter, and an empty region or industry changes nothing / gives NaN.
        shuffled = values.loc[["R3", "R1", "R2"]].assign(empty=0)
        shuffled.loc["R0"] = 0
        result = gini_localisation(shuffled)
        np.testing.assert_allclose(result[["i", "other"]].to_numpy(), [0.45, 0.3])
        assert math.isnan(result["empty"])


# ----------------------------------------------------------------------------------------- properties
@st.composite
def matrices(draw: st.DrawFn, *, max_rows: int = 6, max_cols: int = 8) -> pd.DataFrame:
    """Non-negative integer matrices in which every region has a positive total."""
    shape = draw(st.tuples(st.integers(1, max_rows), st.integers(1, max_cols)))
    arr = draw(hnp.arrays(np.int64, shape, elements=st.integers(0, 1000)))
    positive = draw(hnp.arrays(np.int64, shape[0], elements=st.integers(0, shape[1] - 1)))
    arr[np.arange(shape[0]), positive] += 1
    return pd.DataFrame(
        arr, index=[f"r{i}" for i in range(shape[0])], columns=[f"i{j}" for j in range(shape[1])]
    )


SCALE = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(matrices(), SCALE)
def test_measures_do_not_depend_on_units(values: pd.DataFrame, scale: float) -> None:
    scaled = values * scale
    pd.testing.assert_frame_equal(location_quotient(scaled), location_quotient(values), rtol=1e-9)
    pd.testing.assert_frame_equal(herfindahl(scaled), herfindahl(values), rtol=1e-9)
    pd.testing.assert_series_equal(shannon_entropy(scaled), shannon_entropy(values), rtol=1e-9)
    pd.testing.assert_series_equal(krugman_specialisation(scaled), krugman_specialisation(values), rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(matrices())
def test_location_quotient_weighted_means_are_one(values: pd.DataFrame) -> None:
    # sum_i (X_i/X) LQ_ri = sum_i s_ri = 1 per region; sum_r (x_r/X) LQ_ri = sum_r x_ri/X_i = 1 per industry.
    arr = values.to_numpy(dtype=float)
    lq = location_quotient(values).to_numpy()
    national = arr.sum(axis=0) / arr.sum()
    present = national > 0
    np.testing.assert_allclose(lq[:, present] @ national[present], 1.0)
    regional = arr.sum(axis=1) / arr.sum()
    np.testing.assert_allclose(regional @ lq[:, present], 1.0)


@settings(max_examples=60, deadline=None)
@given(matrices())
def test_concentration_and_entropy_bounds(values: pd.DataFrame) -> None:
    hhi = herfindahl(values)
    n = hhi["n_industries"].to_numpy()
    eps = 1e-12
    assert np.all(hhi["hhi"] >= 1 / n - eps) and np.all(hhi["hhi"] <= 1 + eps)
    assert np.all(hhi["hhi_normalized"].between(0, 1))
    assert np.all(hhi["numbers_equivalent"] >= 1 - eps) and np.all(hhi["numbers_equivalent"] <= n + 1e-9)
    entropy = shannon_entropy(values, base=math.e).to_numpy()
    assert np.all(entropy >= -eps) and np.all(entropy <= np.log(n) + 1e-9)
    k = krugman_specialisation(values)
    assert np.all(k >= 0) and np.all(k <= 2 + eps)


@settings(max_examples=60, deadline=None)
@given(matrices(), st.data())
def test_variety_decomposes_entropy(values: pd.DataFrame, data: st.DataObject) -> None:
    groups = data.draw(st.lists(st.sampled_from("PQR"), min_size=values.shape[1], max_size=values.shape[1]))
    result = variety(values, dict(zip(values.columns, groups, strict=True)))
    np.testing.assert_allclose(
        result["total_variety"], result["related_variety"] + result["unrelated_variety"], atol=1e-12
    )
    np.testing.assert_allclose(result["total_variety"], shannon_entropy(values), atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(matrices())
def test_localisation_bounds_and_row_order(values: pd.DataFrame) -> None:
    hoover = hoover_localisation(values).dropna().to_numpy()
    gini = gini_localisation(values).dropna().to_numpy()
    assert np.all(hoover >= -1e-12) and np.all(hoover < 1)
    assert np.all(gini >= -1e-12) and np.all(gini < 1)
    assert np.all(hoover <= gini + 1e-9) and np.all(gini <= 2 * hoover + 1e-9)
    reversed_rows = values.iloc[::-1]
    pd.testing.assert_series_equal(gini_localisation(reversed_rows), gini_localisation(values), atol=1e-12)


# ----------------------------------------------------------------------------------------- validation
class TestValidation:
    def test_negative_value_is_named(self) -> None:
        values = TABLE.copy()
        values.loc["B", "y"] = -4
        with pytest.raises(
            ValidationError, match=r"`values` must be non-negative; got -4 at region 'B', industry 'y'"
        ):
            location_quotient(values)

    def test_nan_names_the_policy(self) -> None:
        values = TABLE.astype(float)
        values.loc["A", "z"] = np.nan
        with pytest.raises(
            ValidationError, match=r"region 'A', industry 'z'\. NaN is not allowed; fill missing cells"
        ):
            herfindahl(values)

    def test_infinite_value(self) -> None:
        with pytest.raises(ValidationError, match="must be finite; got inf"):
            shannon_entropy(pd.Series({"a": 1.0, "b": np.inf}))

    def test_duplicate_labels(self) -> None:
        with pytest.raises(ValidationError, match=r"unique region labels; got duplicates \['A'\]"):
            krugman_specialisation(TABLE.set_axis(["A", "A"], axis=0))
        with pytest.raises(ValidationError, match=r"unique industry labels; got duplicates \['x'\]"):
            hoover_localisation(TABLE.set_axis(["x", "x", "z"], axis=1))

    def test_non_numeric(self) -> None:
        values = TABLE.assign(y=["many", "few"])
        with pytest.raises(ValidationError, match=r"`values` must be numeric; got dtype .* for industry 'y'"):
            gini_localisation(values)
        with pytest.raises(ValidationError, match="must be numeric"):
            herfindahl(pd.Series({"a": True, "b": False}))

    def test_wrong_type_and_empty(self) -> None:
        with pytest.raises(
            ValidationError, match=r"`values` must be a pandas DataFrame .* or Series; got list"
        ):
            location_quotient(cast(Any, [[1, 2]]))  # a list, not a frame
        with pytest.raises(ValidationError, match=r"must be a pandas DataFrame .*; got Series"):
            hoover_localisation(cast(Any, pd.Series({"a": 1})))  # a Series, not a frame
        with pytest.raises(ValidationError, match="at least one region and one industry"):
            herfindahl(pd.DataFrame())

    def test_unknown_industry_in_grouping(self) -> None:
        with pytest.raises(
            ValidationError, match=r"`grouping` must give a group for every industry; got none for \['z'\]"
        ):
            variety(TABLE, {"x": "g", "y": "g"})
        with pytest.raises(ValidationError, match="missing group for"):
            variety(TABLE, pd.Series({"x": "g", "y": None, "z": "h"}))

    def test_reference_must_cover_industries(self) -> None:
        with pytest.raises(ValidationError, match=r"`reference` must contain every industry .* \['z'\]"):
            location_quotient(TABLE, reference=pd.Series({"x": 1, "y": 2}))
        with pytest.raises(ValidationError, match="`reference` must be non-negative"):
            krugman_specialisation(TABLE, reference=pd.Series({"x": 1, "y": 2, "z": -1}))

    @pytest.mark.parametrize("base", [1, 0, -2.0, math.inf, math.nan])
    def test_bad_entropy_base(self, base: float) -> None:
        with pytest.raises(ValidationError, match="`base` must be a positive number other than 1"):
            shannon_entropy(TABLE, base=base)


def test_national_scale_is_fast() -> None:
    # 1,470 regions x 615 industries: every measure is vectorised (a loop over cells would take seconds).
    rng = np.random.default_rng(7)
    values = pd.DataFrame(rng.poisson(3.0, size=(1470, 615)))
    grouping = {industry: position // 30 for position, industry in enumerate(values.columns)}
    lq = location_quotient(values)
    assert lq.shape == (1470, 615)
    assert variety(values, grouping).shape == (1470, 3)
    assert gini_localisation(values).notna().all()
