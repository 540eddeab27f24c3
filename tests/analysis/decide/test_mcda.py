"""TOPSIS, weighted sum and PROMETHEE II: worked examples, pymcdm on random instances, invariants."""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymcdm import normalizations as pn
from pymcdm.methods import PROMETHEE_II, TOPSIS, WSM

from hromada.analysis.decide import PreferenceFunction, promethee_ii, rank_agreement, topsis, weighted_sum
from hromada.errors import ValidationError


def _instance(
    n: int, m: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    values = rng.uniform(1.0, 100.0, size=(n, m))
    weights = rng.dirichlet(np.ones(m))
    types = np.where(rng.random(m) < 0.4, -1, 1)
    types[0] = 1
    matrix = pd.DataFrame(values, index=[f"p{i:03d}" for i in range(n)], columns=[f"c{j}" for j in range(m)])
    criteria = pd.DataFrame(
        {"weight": weights, "direction": np.where(types > 0, "benefit", "cost")}, index=matrix.columns
    )
    return matrix, criteria, values, weights, types


# ------------------------------------------------------------------------------------------------- TOPSIS
def test_topsis_hand_computed_vector() -> None:
    # c1 benefit (w 0.6): [3, 4, 0], norm sqrt(9 + 16) = 5 -> r = [0.6, 0.8, 0]
    # c2 cost (w 0.4): [2, 1, 2], norm sqrt(4 + 1 + 4) = 3 -> r = [2/3, 1/3, 2/3]
    # v1 = [0.36, 0.48, 0]; v2 = [4/15, 2/15, 4/15]
    # ideal (0.48, 2/15), anti-ideal (0, 4/15)
    # A: D+ = sqrt(0.12^2 + (2/15)^2) = sqrt(0.0144 + 0.017778) = 0.179382; D- = 0.36;
    #    C = 0.36 / (0.36 + 0.179382) = 0.667431
    # B: D+ = 0, C = 1;  C: D- = 0, C = 0
    matrix = pd.DataFrame({"c1": [3, 4, 0], "c2": [2, 1, 2]}, index=["A", "B", "C"])
    result = topsis(matrix, {"c1": (0.6, "benefit"), "c2": (0.4, "cost")})
    d_plus_a = np.sqrt(0.0144 + 4 / 225)
    np.testing.assert_allclose(
        result.trace["normalized"].to_numpy(), [[0.6, 2 / 3], [0.8, 1 / 3], [0, 2 / 3]]
    )
    np.testing.assert_allclose(result.trace["ideal"].to_numpy(), [[0.48, 2 / 15], [0.0, 4 / 15]])
    np.testing.assert_allclose(
        result.trace["distances"]["to_ideal"], [d_plus_a, 0.0, np.sqrt(0.48**2 + 4 / 225)]
    )
    np.testing.assert_allclose(result.scores.to_numpy(), [0.36 / (0.36 + d_plus_a), 1.0, 0.0])
    assert result.scores["A"] == pytest.approx(0.667431, abs=1e-6)
    assert result.ranks.tolist() == [2, 1, 3]
    assert result.method == "topsis" and result.normalization == "vector"


def test_topsis_pymcdm_documented_example() -> None:
    # pymcdm.methods.TOPSIS docstring (min-max normalisation): cost [1, 2, 5], benefit [3000, 3750, 4500],
    # equal weights -> [0.500, 0.617, 0.500]. By hand: r = [[1, 0], [0.75, 0.5], [0, 1]], v = r / 2,
    # ideal (0.5, 0.5), anti (0, 0); B: D+ = sqrt(0.125^2 + 0.25^2) = 0.279508, D- = sqrt(0.375^2 + 0.25^2)
    # = 0.450694, C = 0.617218.
    matrix = pd.DataFrame({"price": [1, 2, 5], "value": [3000, 3750, 4500]})
    result = topsis(matrix, {"price": (0.5, "cost"), "value": (0.5, "benefit")}, normalization="minmax")
    np.testing.assert_allclose(result.scores.to_numpy(), [0.5, 0.617218, 0.5], atol=1e-6)
    assert result.ranks.tolist() == [2, 1, 3]  # the tie between 0 and 2 goes to the smaller label


@pytest.mark.parametrize(("n", "m"), [(3, 2), (12, 4), (60, 7), (400, 12)])
@pytest.mark.parametrize("normalization", ["vector", "minmax"])
def test_topsis_matches_pymcdm(n: int, m: int, normalization: Literal["vector", "minmax"]) -> None:
    function = pn.vector_normalization if normalization == "vector" else pn.minmax_normalization
    for seed in range(3):
        matrix, criteria, values, weights, types = _instance(n, m, seed)
        ours = topsis(matrix, criteria, normalization=normalization)
        theirs = TOPSIS(function)(values, weights, types, validation=False)
        np.testing.assert_allclose(ours.scores.to_numpy(), theirs, rtol=0, atol=1e-9)


def test_topsis_trace_and_ranking_table() -> None:
    matrix, criteria, *_ = _instance(8, 3, 1)
    result = topsis(matrix, criteria)
    assert set(result.trace) == {"normalized", "weighted", "ideal", "distances"}
    assert result.trace["weighted"].shape == (8, 3)
    np.testing.assert_allclose(result.weights.sum(), 1.0)
    table = result.table()
    assert table["rank"].tolist() == list(range(1, 9))
    assert table["score"].is_monotonic_decreasing
    assert result.top(2).tolist() == table.index[:2].tolist()


# ------------------------------------------------------------------------------------------- weighted sum
@pytest.mark.parametrize(
    ("normalization", "function"),
    [
        ("minmax", pn.minmax_normalization),
        ("vector", pn.vector_normalization),
        ("max", pn.max_normalization),
        ("sum", pn.sum_normalization),
    ],
)
def test_weighted_sum_matches_pymcdm(
    normalization: Literal["minmax", "vector", "max", "sum"], function: Any
) -> None:
    for n, m, seed in [(4, 2, 0), (30, 5, 1), (200, 12, 2)]:
        matrix, criteria, values, weights, types = _instance(n, m, seed)
        ours = weighted_sum(matrix, criteria, normalization=normalization)
        theirs = WSM(function)(values, weights, types, validation=False)
        np.testing.assert_allclose(ours.scores.to_numpy(), theirs, rtol=0, atol=1e-9)


def test_weighted_sum_constant_column_and_refusals() -> None:
    matrix = pd.DataFrame({"a": [1.0, 2.0], "b": [5.0, 5.0]})
    result = weighted_sum(matrix, {"a": (1, "benefit"), "b": (1, "cost")})
    np.testing.assert_allclose(result.scores.to_numpy(), [0.5, 1.0])  # constant column scores 1 for everyone
    with pytest.raises(ValidationError, match="positive for normalization 'sum'"):
        weighted_sum(pd.DataFrame({"a": [0.0, 1.0]}), {"a": (1, "cost")}, normalization="sum")


# --------------------------------------------------------------------------------------------- PROMETHEE
def test_promethee_hand_computed_usual() -> None:
    # pymcdm's documented example (a = (4, 3, 2), b = (3, 2, 4), c = (5, 1, 3), weights 0.5, 0.3, 0.2).
    # Usual function: P = 1 where one alternative beats the other on the criterion.
    # pi(a, b) = 0.5 + 0.3 = 0.8; pi(a, c) = 0.3; pi(b, a) = 0.2; pi(b, c) = 0.3 + 0.2 = 0.5;
    # pi(c, a) = 0.5 + 0.2 = 0.7; pi(c, b) = 0.5.
    # phi+ = [1.1, 0.7, 1.2] / 2 = [0.55, 0.35, 0.6]; phi- = [0.9, 1.3, 0.8] / 2 = [0.45, 0.65, 0.4];
    # net = [0.1, -0.3, 0.2], as pymcdm documents.
    matrix = pd.DataFrame({"g1": [4, 3, 5], "g2": [3, 2, 1], "g3": [2, 4, 3]}, index=["a", "b", "c"])
    spec = {"g1": (0.5, "benefit"), "g2": (0.3, "benefit"), "g3": (0.2, "benefit")}
    result = promethee_ii(matrix, spec)
    np.testing.assert_allclose(result.trace["flows"]["leaving"], [0.55, 0.35, 0.6])
    np.testing.assert_allclose(result.trace["flows"]["entering"], [0.45, 0.65, 0.4])
    np.testing.assert_allclose(result.scores.to_numpy(), [0.1, -0.3, 0.2])
    assert result.ranks.tolist() == [2, 3, 1]
    # the net flow is the weighted sum of the unicriterion net flows
    phi = result.trace["criterion_flows"].to_numpy()
    np.testing.assert_allclose(phi @ np.array([0.5, 0.3, 0.2]), result.scores.to_numpy())


_PYMCDM_NAMES = {
    "usual": "usual",
    "u-shape": "ushape",
    "v-shape": "vshape",
    "level": "level",
    "linear": "vshape_2",
}


@pytest.mark.parametrize("function", list(_PYMCDM_NAMES))
def test_promethee_matches_pymcdm(function: PreferenceFunction) -> None:
    for n, m, seed in [(3, 2, 0), (15, 4, 1), (80, 6, 2)]:
        matrix, criteria, values, weights, types = _instance(n, m, seed)
        spread = values.std(axis=0)
        q, p = 0.2 * spread, 0.9 * spread
        kwargs: dict[str, Any] = {}
        theirs_kwargs: dict[str, Any] = {}
        if function in ("u-shape", "level", "linear"):
            kwargs["q"] = dict(zip(matrix.columns, q, strict=True))
            theirs_kwargs["q"] = list(q)
        if function in ("v-shape", "level", "linear"):
            kwargs["p"] = dict(zip(matrix.columns, p, strict=True))
            theirs_kwargs["p"] = list(p)
        ours = promethee_ii(matrix, criteria, preference=function, **kwargs)
        theirs = PROMETHEE_II(_PYMCDM_NAMES[function], **theirs_kwargs)(
            values, weights, types, validation=False
        )
        np.testing.assert_allclose(ours.scores.to_numpy(), theirs, rtol=0, atol=1e-9)


def test_promethee_gaussian_and_mixed_functions() -> None:
    # One benefit criterion, x = [0, 1, 3], s = 1: P(d) = 1 - exp(-d^2 / 2) for d > 0.
    # phi(a) = (1/2) sum_b [P(x_a - x_b) - P(x_b - x_a)]
    x = np.array([0.0, 1.0, 3.0])

    def pref(d: np.ndarray) -> np.ndarray:
        return np.where(d > 0, 1 - np.exp(-(d**2) / 2), 0.0)

    expected = np.array([(pref(x[i] - x) - pref(x - x[i])).sum() / 2 for i in range(3)])
    result = promethee_ii(pd.DataFrame({"g": x}), {"g": (1, "benefit")}, preference="gaussian", s=1.0)
    np.testing.assert_allclose(result.scores.to_numpy(), expected)
    mixed = promethee_ii(
        pd.DataFrame({"g": x, "h": [5.0, 1.0, 2.0]}),
        {"g": (1, "benefit"), "h": (1, "cost")},
        preference={"g": "gaussian"},
        s={"g": 1.0},
    )
    assert mixed.trace["parameters"]["function"].tolist() == ["gaussian", "usual"]


def test_promethee_blocks_equal_one_shot(monkeypatch: pytest.MonkeyPatch) -> None:
    from hromada.analysis.decide import mcda

    matrix, criteria, *_ = _instance(50, 3, 4)
    whole = promethee_ii(matrix, criteria, preference="linear", q=1.0, p=20.0)
    monkeypatch.setattr(mcda, "_CELLS_PER_BLOCK", 7 * 50)  # 7 rows at a time
    blocked = promethee_ii(matrix, criteria, preference="linear", q=1.0, p=20.0)
    np.testing.assert_allclose(blocked.scores.to_numpy(), whole.scores.to_numpy(), atol=1e-14)


def test_promethee_parameter_errors() -> None:
    matrix = pd.DataFrame({"g": [1.0, 2.0]})
    spec = {"g": (1, "benefit")}
    with pytest.raises(ValidationError, match="`p` must be given for criterion 'g'"):
        promethee_ii(matrix, spec, preference="v-shape")
    with pytest.raises(ValidationError, match="`q` must be smaller than `p`"):
        promethee_ii(matrix, spec, preference="linear", q=2.0, p=1.0)
    with pytest.raises(ValidationError, match="`preference` must be one of"):
        promethee_ii(matrix, spec, preference=cast(Any, "triangle"))  # not a preference function
    with pytest.raises(ValidationError, match="unknown"):
        promethee_ii(matrix, spec, preference="u-shape", q={"x": 1.0})
    single = promethee_ii(pd.DataFrame({"g": [1.0]}), spec)
    assert single.scores.tolist() == [0.0]


# ------------------------------------------------------------------------------------------ input checks
def test_problem_validation() -> None:
    matrix = pd.DataFrame({"a": [1.0, 2.0], "name": ["x", "y"]})
    assert topsis(matrix, {"a": {"weight": 2, "direction": "benefit"}}).weights.tolist() == [1.0]
    with pytest.raises(ValidationError, match=r"missing \['b'\]"):
        topsis(matrix, {"b": (1, "benefit")})
    with pytest.raises(ValidationError, match="numeric"):
        topsis(matrix, {"name": (1, "benefit")})
    with pytest.raises(ValidationError, match="'benefit' or 'cost'"):
        topsis(matrix, {"a": (1, "more")})
    with pytest.raises(ValidationError, match="non-negative"):
        topsis(matrix, {"a": (-1, "benefit")})
    with pytest.raises(ValidationError, match="finite"):
        topsis(pd.DataFrame({"a": [1.0, np.nan]}), {"a": (1, "benefit")})
    with pytest.raises(ValidationError, match="unique alternative labels"):
        topsis(pd.DataFrame({"a": [1.0, 2.0]}, index=["x", "x"]), {"a": (1, "benefit")})
    frame_spec = pd.DataFrame({"criterion": ["a"], "weight": [1.0], "direction": ["cost"]})
    assert topsis(matrix, frame_spec).directions is not None


# --------------------------------------------------------------------------------------------- agreement
def test_rank_agreement() -> None:
    matrix, criteria, *_ = _instance(30, 4, 9)
    a = topsis(matrix, criteria)
    b = topsis(matrix, criteria, normalization="minmax")
    c = weighted_sum(matrix, criteria)
    table = rank_agreement([a, b, c, a])
    assert list(table.columns) == ["kendall_tau_b", "kendall_pvalue", "spearman", "spearman_pvalue"]
    assert len(table) == 6
    assert table.loc[("topsis (vector)", "topsis (vector) #2"), "kendall_tau_b"] == pytest.approx(1.0)
    from scipy import stats

    tau = stats.kendalltau(a.scores, c.scores, variant="b").statistic
    assert table.loc[("topsis (vector)", "weighted_sum (minmax)"), "kendall_tau_b"] == pytest.approx(tau)
    with pytest.raises(ValidationError, match="at least two"):
        rank_agreement([a])


# ------------------------------------------------------------------------------------------- properties
finite = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.lists(finite, min_size=3, max_size=3), min_size=2, max_size=8),
    weights=st.lists(st.floats(min_value=0.05, max_value=1.0), min_size=3, max_size=3),
    costs=st.lists(st.booleans(), min_size=3, max_size=3),
    worse=st.lists(st.floats(min_value=0.5, max_value=10.0), min_size=3, max_size=3),
    normalization=st.sampled_from(["vector", "minmax"]),
)
def test_dominated_alternative_never_outranks_its_dominator(
    values: list[list[float]],
    weights: list[float],
    costs: list[bool],
    worse: list[float],
    normalization: Literal["vector", "minmax"],
) -> None:
    x = np.array(values)
    dominator = x[0]
    dominated = dominator + np.where(costs, 1.0, -1.0) * np.array(worse)  # worse on every criterion
    matrix = pd.DataFrame(np.vstack([x, dominated]), columns=["a", "b", "c"])
    matrix.index = [f"z{i}" for i in range(len(x))] + ["a_dominated"]  # the dominated label sorts first
    spec = {c: (w, "cost" if k else "benefit") for c, w, k in zip("abc", weights, costs, strict=True)}
    result = topsis(matrix, spec, normalization=normalization)
    assert result.scores["z0"] > result.scores["a_dominated"]
    assert result.ranks["z0"] < result.ranks["a_dominated"]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.lists(finite, min_size=3, max_size=3), min_size=2, max_size=10),
    factor=st.floats(min_value=1e-3, max_value=1e3),
    column=st.sampled_from(["a", "b", "c"]),
)
def test_scaling_a_column_does_not_change_vector_topsis(
    values: list[list[float]], factor: float, column: str
) -> None:
    matrix = pd.DataFrame(values, columns=["a", "b", "c"])
    spec = {"a": (0.5, "benefit"), "b": (0.3, "cost"), "c": (0.2, "benefit")}
    scaled = matrix.copy()
    scaled[column] = scaled[column] * factor
    np.testing.assert_allclose(
        topsis(scaled, spec).scores.to_numpy(), topsis(matrix, spec).scores.to_numpy(), rtol=1e-9, atol=1e-12
    )
