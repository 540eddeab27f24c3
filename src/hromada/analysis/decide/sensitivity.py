"""How robust is a ranking to the weights? Monte Carlo over weights drawn around the published ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from hromada.analysis.decide._problem import (
    CriteriaSpec,
    FloatArray,
    IntArray,
    label_positions,
    minmax_columns,
    oriented,
    parse_problem,
    vector_columns,
)
from hromada.analysis.decide.mcda import Ranking, promethee_ii, topsis, weighted_sum
from hromada.errors import ValidationError

__all__ = ["SensitivityResult", "weight_sensitivity"]

_CELLS_PER_CHUNK = 4_000_000  # alternatives x draws scored at once


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Rank statistics of every alternative over many weight vectors.

    Attributes
    ----------
    summary
        One row per alternative: ``base_rank`` and ``base_score`` (with the given weights), ``rank_mean``,
        ``rank_std``, ``rank_p5``, ``rank_p95`` (5th and 95th percentiles of the rank), ``p_first`` (share of
        draws ranking it first) and ``p_top_k`` (share ranking it in the top `top_k`); ordered by base rank.
    top_k
        The k of ``p_top_k``: 10, or the number of alternatives when there are fewer.
    top_k_unchanged
        Share of draws whose top-k set (ignoring order) equals the top-k set under the given weights.
    weight_draws
        The drawn weights, draws x criteria.
    base
        The ranking under the given weights.
    method, normalization, draws, concentration
        The settings used.
    """

    summary: pd.DataFrame
    top_k: int
    top_k_unchanged: float
    weight_draws: pd.DataFrame = field(repr=False)
    base: Ranking = field(repr=False)
    method: str = "topsis"
    normalization: str | None = None
    draws: int = 0
    concentration: float = 0.0


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, int | np.integer) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise ValidationError(f"`seed` must be an int, a numpy Generator or None; got {seed!r}")


def _scorer(
    matrix: pd.DataFrame,
    criteria: CriteriaSpec,
    method: str,
    normalization: str | None,
    kwargs: dict[str, Any],
) -> tuple[Ranking, Any]:
    """The base ranking and a function scoring alternatives (rows) for a block of weight draws (columns)."""
    problem = parse_problem(matrix, criteria)
    if method == "topsis":
        norm = normalization or "vector"
        if norm not in ("vector", "minmax"):
            raise ValidationError(f"`normalization` must be 'vector' or 'minmax' for TOPSIS; got {norm!r}")
        base = topsis(matrix, criteria, normalization=norm)  # type: ignore[arg-type]
        if norm == "vector":
            r, better = vector_columns(problem.values), problem.benefit
        else:
            r, better = minmax_columns(problem.values, problem.benefit), np.ones_like(problem.benefit)
        high, low = r.max(axis=0), r.min(axis=0)
        # Weights are non-negative, so the ideal of w_j r_ij is w_j times the ideal of r_ij: squared distances
        # are linear in the squared weights, one matrix product per block of draws.
        to_ideal = np.square(r - np.where(better, high, low))
        to_anti = np.square(r - np.where(better, low, high))

        def score(w: FloatArray) -> FloatArray:
            w2 = (w * w).T
            d_plus = np.sqrt(to_ideal @ w2)
            d_minus = np.sqrt(to_anti @ w2)
            total = d_plus + d_minus
            out: FloatArray = np.divide(d_minus, total, out=np.full_like(total, 0.5), where=total > 0)
            return out

        return base, score
    if method == "weighted_sum":
        norm = normalization or "minmax"
        base = weighted_sum(matrix, criteria, normalization=norm)  # type: ignore[arg-type]
        r = oriented(problem, norm)  # type: ignore[arg-type]
        return base, lambda w: r @ w.T
    if method == "promethee_ii":
        if normalization is not None:
            raise ValidationError(f"`normalization` must be None for PROMETHEE II; got {normalization!r}")
        base = promethee_ii(matrix, criteria, **kwargs)
        phi = base.trace["criterion_flows"].to_numpy(dtype=np.float64)
        return base, lambda w: phi @ w.T  # the net flow is linear in the weights
    raise ValidationError(f"`method` must be one of 'topsis', 'weighted_sum', 'promethee_ii'; got {method!r}")


def _ranks(scores: FloatArray) -> IntArray:
    """Ranks (1 = best) down each column; rows are already in label order, so ties go to the first label."""
    order = np.argsort(-scores, axis=0, kind="stable")
    ranks = np.empty(scores.shape, dtype=np.int64)
    positions = np.broadcast_to(np.arange(1, scores.shape[0] + 1, dtype=np.int64)[:, None], scores.shape)
    np.put_along_axis(ranks, order, positions, axis=0)
    return ranks


def weight_sensitivity(
    matrix: pd.DataFrame,
    criteria: CriteriaSpec,
    *,
    method: Literal["topsis", "weighted_sum", "promethee_ii"] = "topsis",
    draws: int = 1000,
    concentration: float = 50.0,
    normalization: str | None = None,
    top_k: int | None = None,
    seed: int | np.random.Generator | None = None,
    **method_options: Any,
) -> SensitivityResult:
    """Re-rank the alternatives under weights drawn at random around the given ones.

    Parameters
    ----------
    matrix
        Alternatives x criteria.
    criteria
        ``weight`` and ``direction`` per criterion; the weights are the centre of the draws.
    method
        The ranking method.
    draws
        Number of weight vectors drawn.
    concentration
        Dirichlet concentration :math:`\\kappa`: larger keeps draws closer to the given weights.
    normalization
        Passed to the method (default: the method's own default).
    top_k
        The k of "probability in the top k" (default: 10, or all alternatives when there are fewer).
    seed
        Seed or generator for the draws.
    **method_options
        Further options of the method (PROMETHEE II: ``preference``, ``q``, ``p``, ``s``).

    Returns
    -------
    SensitivityResult
        Per-alternative rank statistics and the stability of the top-k set.

    Notes
    -----
    Weights are drawn from :math:`\\mathrm{Dirichlet}(\\kappa w)` with the given weights :math:`w` (summing to
    1), so each draw sums to 1, has mean :math:`w` and variance :math:`w_j (1 - w_j) / (\\kappa + 1)`
    (criteria with weight 0 stay at 0). This is a stochastic multicriteria acceptability analysis around the
    stated weights (Lahdelma, Hokkanen & Salminen 1998, "SMAA - Stochastic multiobjective acceptability
    analysis", *European Journal of Operational Research* 106(1), 137-143). All draws are scored at once:
    weighted sums and PROMETHEE net flows are linear in the weights (:math:`S = R W^T`), and TOPSIS squared
    distances are linear in the squared weights, :math:`(D^\\pm)^2 = (R - r^\\pm)^{\\circ 2} (W^{\\circ 2})^T`,
    because the ideal of :math:`w_j r_{ij}` is :math:`w_j` times the ideal of :math:`r_{ij}`. Equal scores are
    ranked by alternative label, as in :class:`~hromada.analysis.decide.mcda.Ranking`. Percentiles use the
    inverted empirical distribution (an actual rank).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"impact": [9, 7, 3], "cost": [5, 2, 1]}, index=["bridge", "school", "clinic"])
    >>> spec = {"impact": (0.6, "benefit"), "cost": (0.4, "cost")}
    >>> weight_sensitivity(m, spec, draws=500, seed=1).summary[["base_rank", "p_first", "rank_p95"]]
            base_rank  p_first  rank_p95
    school          1    0.986         1
    bridge          2    0.014         3
    clinic          3    0.000         3
    """
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise ValidationError(f"`draws` must be a positive integer; got {draws!r}")
    if not np.isfinite(concentration) or concentration <= 0:
        raise ValidationError(f"`concentration` must be a positive number; got {concentration!r}")
    if method_options and method != "promethee_ii":
        raise ValidationError(
            f"`method_options` are only for method 'promethee_ii'; got {sorted(method_options)!r} for {method!r}"
        )
    rng = _rng(seed)
    base, score = _scorer(matrix, criteria, method, normalization, dict(method_options))
    weights = base.weights.to_numpy(dtype=np.float64)
    n = len(base.scores)
    k = min(10, n) if top_k is None else top_k
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= n:
        raise ValidationError(f"`top_k` must be an integer from 1 to {n}; got {top_k!r}")

    active = weights > 0
    drawn = np.zeros((int(draws), len(weights)))
    drawn[:, active] = rng.dirichlet(concentration * weights[active], size=int(draws))

    order = np.argsort(label_positions(base.scores.index))  # score in label order, so ties go by label
    base_top = np.zeros(n, dtype=bool)
    base_top[base.ranks.to_numpy()[order] <= k] = True
    ranks = np.empty((n, int(draws)), dtype=np.int64)
    unchanged = 0
    chunk = max(1, _CELLS_PER_CHUNK // n)
    for start in range(0, int(draws), chunk):
        block = slice(start, min(int(draws), start + chunk))
        scores = np.asarray(score(drawn[block]), dtype=np.float64)[order]
        ranks[:, block] = _ranks(scores)
        in_top = ranks[:, block] <= k
        unchanged += int(np.all(in_top == base_top[:, None], axis=0).sum())

    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    ranks = ranks[inverse]
    p5, p95 = np.quantile(ranks, [0.05, 0.95], axis=1, method="inverted_cdf")
    summary = pd.DataFrame(
        {
            "base_rank": base.ranks,
            "base_score": base.scores,
            "rank_mean": ranks.mean(axis=1),
            "rank_std": ranks.std(axis=1),
            "rank_p5": p5.astype(np.int64),
            "rank_p95": p95.astype(np.int64),
            "p_first": (ranks == 1).mean(axis=1),
            "p_top_k": (ranks <= k).mean(axis=1),
        },
        index=base.scores.index,
    ).sort_values("base_rank")
    return SensitivityResult(
        summary=summary,
        top_k=int(k),
        top_k_unchanged=unchanged / int(draws),
        weight_draws=pd.DataFrame(drawn, columns=base.weights.index),
        base=base,
        method=method,
        normalization=base.normalization,
        draws=int(draws),
        concentration=float(concentration),
    )
