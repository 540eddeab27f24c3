"""Weight sensitivity: the vectorised draws agree with ranking each draw one by one."""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np
import pandas as pd
import pytest

from hromada.analysis.decide import promethee_ii, topsis, weight_sensitivity, weighted_sum
from hromada.errors import ValidationError


def _problem(n: int = 25, m: int = 5, seed: int = 3) -> tuple[pd.DataFrame, dict[str, tuple[float, str]]]:
    rng = np.random.default_rng(seed)
    matrix = pd.DataFrame(rng.uniform(0, 10, size=(n, m)), columns=[f"c{j}" for j in range(m)])
    matrix.index = [f"p{i:02d}" for i in reversed(range(n))]  # labels not in row order
    weights = rng.dirichlet(np.full(m, 3.0))
    spec = {
        c: (float(w), "cost" if j == 1 else "benefit")
        for j, (c, w) in enumerate(zip(matrix.columns, weights, strict=True))
    }
    return matrix, spec


def _one_by_one(
    matrix: pd.DataFrame, spec: dict[str, tuple[float, str]], draws: pd.DataFrame, method: str
) -> np.ndarray:
    ranks = []
    for _, w in draws.iterrows():
        drawn = {c: (float(w[c]), spec[c][1]) for c in spec}
        if method == "topsis":
            ranking = topsis(matrix, drawn)
        elif method == "weighted_sum":
            ranking = weighted_sum(matrix, drawn)
        else:
            ranking = promethee_ii(matrix, drawn, preference="linear", q=0.5, p=4.0)
        ranks.append(ranking.ranks.to_numpy())
    return np.array(ranks).T


@pytest.mark.parametrize("method", ["topsis", "weighted_sum", "promethee_ii"])
def test_vectorised_draws_match_loop(method: Literal["topsis", "weighted_sum", "promethee_ii"]) -> None:
    matrix, spec = _problem()
    options: dict[str, Any] = {"preference": "linear", "q": 0.5, "p": 4.0} if method == "promethee_ii" else {}
    result = weight_sensitivity(matrix, spec, method=method, draws=60, seed=11, top_k=5, **options)
    ranks = pd.DataFrame(_one_by_one(matrix, spec, result.weight_draws, method), index=matrix.index)
    summary = result.summary.loc[matrix.index]
    np.testing.assert_allclose(summary["rank_mean"], ranks.mean(axis=1))
    np.testing.assert_allclose(summary["rank_std"], ranks.std(axis=1, ddof=0))
    np.testing.assert_allclose(summary["p_first"], (ranks == 1).mean(axis=1))
    np.testing.assert_allclose(summary["p_top_k"], (ranks <= 5).mean(axis=1))
    base_top = set(result.base.top(5))
    unchanged = np.mean([set(matrix.index[ranks[d] <= 5]) == base_top for d in ranks.columns])
    assert result.top_k_unchanged == pytest.approx(unchanged)
    assert result.summary["base_rank"].tolist() == list(range(1, 26))
    assert (summary["rank_p5"] <= summary["rank_p95"]).all()


def test_draws_are_seeded_and_centred() -> None:
    matrix, spec = _problem()
    a = weight_sensitivity(matrix, spec, draws=2000, seed=5)
    b = weight_sensitivity(matrix, spec, draws=2000, seed=np.random.default_rng(5))
    pd.testing.assert_frame_equal(a.summary, b.summary)
    np.testing.assert_allclose(a.weight_draws.sum(axis=1), 1.0)
    np.testing.assert_allclose(a.weight_draws.mean(axis=0), a.base.weights, atol=0.01)
    assert a.top_k == 10 and a.draws == 2000 and a.normalization == "vector"
    # a huge concentration reproduces the base ranking in every draw
    tight = weight_sensitivity(matrix, spec, draws=50, concentration=1e9, seed=1)
    assert tight.top_k_unchanged == 1.0
    assert tight.summary["p_first"].iloc[0] == 1.0
    np.testing.assert_allclose(tight.summary["rank_mean"], tight.summary["base_rank"])


def test_zero_weight_criterion_stays_zero_and_errors() -> None:
    matrix, spec = _problem(n=6)
    spec["c0"] = (0.0, "benefit")
    result = weight_sensitivity(matrix, spec, draws=20, seed=0)
    assert (result.weight_draws["c0"] == 0).all()
    assert result.top_k == 6
    with pytest.raises(ValidationError, match="`draws`"):
        weight_sensitivity(matrix, spec, draws=0)
    with pytest.raises(ValidationError, match="`concentration`"):
        weight_sensitivity(matrix, spec, concentration=-1)
    with pytest.raises(ValidationError, match="`method`"):
        weight_sensitivity(matrix, spec, method=cast(Any, "electre"))  # not one of the methods
    with pytest.raises(ValidationError, match="`top_k`"):
        weight_sensitivity(matrix, spec, top_k=7)
    with pytest.raises(ValidationError, match="only for method"):
        weight_sensitivity(matrix, spec, q=1.0)
    with pytest.raises(ValidationError, match="`seed`"):
        weight_sensitivity(matrix, spec, seed=cast(Any, "x"))  # not a seed
