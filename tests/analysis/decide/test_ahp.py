"""AHP weights and consistency: a hand-computed 3 x 3 example, consistent matrices, and pymcdm's AHP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pymcdm.weights.subjective import AHP

from hromada.analysis.decide import RANDOM_INDEX, ahp_weights, comparisons_from_pairs
from hromada.errors import ValidationError

SAATY_SCALE = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9]


def test_hand_computed_3x3() -> None:
    # a12 = 2, a13 = 8, a23 = 2 (inconsistent: a12 * a23 = 4, not 8).
    # For a 3 x 3 reciprocal matrix det(A - lambda I) = 0 gives, with t = a12 a23 / a13 = 1/2,
    #   lambda_max = 1 + t^(1/3) + t^(-1/3) = 1 + 0.793700526 + 1.259921050 = 3.053621576.
    # CI = (3.053621576 - 3) / 2 = 0.026810788; Saaty's RI(3) = 0.58, CR = 0.046225497.
    # Row geometric means (which equal the eigenvector for every 3 x 3 matrix):
    #   (1 * 2 * 8)^(1/3) = 2.519842100, (1/2 * 1 * 2)^(1/3) = 1, (1/8 * 1/2 * 1)^(1/3) = 0.396850263;
    #   sum 3.916692363, weights 0.643361, 0.255318, 0.101323.
    a = pd.DataFrame(
        [[1, 2, 8], [1 / 2, 1, 2], [1 / 8, 1 / 2, 1]],
        index=["recovery", "jobs", "cost"],
        columns=["recovery", "jobs", "cost"],
    )
    expected = np.array([2.519842100, 1.0, 0.396850263]) / 3.916692363
    for method in ("eigenvector", "geometric"):
        result = ahp_weights(a, method=method)
        np.testing.assert_allclose(result.weights.to_numpy(), expected, atol=1e-8)
        assert result.weights.index.tolist() == ["recovery", "jobs", "cost"]
        assert result.lambda_max == pytest.approx(3.053621576, abs=1e-8)
        assert result.consistency_index == pytest.approx(0.026810788, abs=1e-8)
        assert result.random_index == 0.58
        assert result.consistency_ratio == pytest.approx(0.026810788 / 0.58, abs=1e-8)
        assert result.consistent
        assert result.random_index_table == "saaty"


def test_consistent_matrix_has_zero_cr() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    a = w[:, None] / w[None, :]  # a_ij = w_i / w_j is perfectly consistent
    result = ahp_weights(a)
    np.testing.assert_allclose(result.weights.to_numpy(), w, atol=1e-12)
    assert result.lambda_max == pytest.approx(4.0, abs=1e-10)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-10)
    assert result.consistent
    np.testing.assert_allclose(ahp_weights(a, method="geometric").weights.to_numpy(), w, atol=1e-12)


def test_random_index_tables_are_named() -> None:
    assert RANDOM_INDEX["saaty"][7] == 1.41
    assert RANDOM_INDEX["tummala-ling"][7] == 1.3952
    assert RANDOM_INDEX["alonso-lamata"][7] == 1.4056
    assert all(len(table) == 15 for table in RANDOM_INDEX.values())


@pytest.mark.parametrize("n", [3, 4, 6, 8])
def test_against_pymcdm_ahp(n: int) -> None:
    rng = np.random.default_rng(n)
    for _ in range(5):
        a = np.ones((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                a[i, j] = rng.choice(SAATY_SCALE)
                a[j, i] = 1 / a[i, j]
        reference = AHP(matrix=a)
        ours = ahp_weights(a, random_index="tummala-ling")
        np.testing.assert_allclose(ours.weights.to_numpy(), reference(), atol=1e-9)
        assert ours.consistency_ratio == pytest.approx(reference.get_cr(), abs=1e-9)


def test_validation_names_the_offending_pair() -> None:
    a = pd.DataFrame([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 0.9, 1]], index=list("xyz"), columns=list("xyz"))
    with pytest.raises(ValidationError, match=r"a\['y', 'z'\] = 2 and a\['z', 'y'\] = 0.9"):
        ahp_weights(a)
    with pytest.raises(ValidationError, match="square"):
        ahp_weights(np.ones((2, 3)))
    with pytest.raises(ValidationError, match="positive"):
        ahp_weights(np.array([[1.0, -2.0], [-0.5, 1.0]]))
    with pytest.raises(ValidationError, match="diagonal"):
        ahp_weights(np.array([[2.0, 1.0], [1.0, 1.0]]))
    with pytest.raises(ValidationError, match="at most 15"):
        ahp_weights(np.ones((16, 16)))
    # 0.33 for 1/3 passes the default tolerance
    assert ahp_weights(np.array([[1, 3, 1], [0.33, 1, 0.33], [1, 3, 1]])).consistency_ratio < 0.01


def test_two_criteria_are_always_consistent() -> None:
    result = ahp_weights(np.array([[1.0, 4.0], [0.25, 1.0]]))
    np.testing.assert_allclose(result.weights.to_numpy(), [0.8, 0.2])
    assert result.consistency_ratio == 0.0 and result.random_index == 0.0


def test_comparisons_from_pairs() -> None:
    matrix = comparisons_from_pairs({("cost", "impact"): 1 / 3, ("impact", "risk"): 6, ("cost", "risk"): 2})
    assert matrix.index.tolist() == ["cost", "impact", "risk"]
    assert matrix.loc["impact", "cost"] == pytest.approx(3.0)
    assert matrix.loc["risk", "impact"] == pytest.approx(1 / 6)
    ordered = comparisons_from_pairs({("a", "b"): 2, ("b", "a"): 0.5}, ["b", "a"])
    assert ordered.loc["b", "a"] == 0.5 and ordered.loc["a", "b"] == 2
    with pytest.raises(ValidationError, match=r"no value for \('a', 'c'\)"):
        comparisons_from_pairs({("a", "b"): 2, ("b", "c"): 3})
    with pytest.raises(ValidationError, match="consistent"):
        comparisons_from_pairs({("a", "b"): 2, ("b", "a"): 2})
    with pytest.raises(ValidationError, match="two different criteria"):
        comparisons_from_pairs({("a", "b"): 2}, ["a"])
