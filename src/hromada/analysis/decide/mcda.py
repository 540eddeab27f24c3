"""Multi-criteria ranking of projects: TOPSIS, weighted sum and PROMETHEE II, with the full computation trace.

Every method takes a decision matrix (a DataFrame, one row per alternative, one column per criterion) and a
criteria spec with a ``weight`` and a ``direction`` (``"benefit"`` or ``"cost"``) per criterion; see
:mod:`hromada.analysis.decide._problem`. Weights are rescaled to sum to 1 and the rescaled weights are kept in
the result. Every result records its method and normalisation, because those change the answer (DOMAIN.md:
``pymcdm``'s TOPSIS defaults to min-max normalisation, the textbook method uses vector normalisation).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy import stats

from hromada.analysis.decide._problem import (
    CriteriaSpec,
    FloatArray,
    Problem,
    minmax_columns,
    oriented,
    parse_problem,
    rank_scores,
    vector_columns,
)
from hromada.errors import ValidationError

__all__ = [
    "PROMETHEE_MAX_ALTERNATIVES",
    "PreferenceFunction",
    "Ranking",
    "promethee_ii",
    "rank_agreement",
    "topsis",
    "weighted_sum",
]

PreferenceFunction = Literal["usual", "linear", "v-shape", "level", "u-shape", "gaussian"]
Threshold: TypeAlias = float | Mapping[Any, float] | None

PROMETHEE_MAX_ALTERNATIVES = 20_000
"""PROMETHEE compares every pair of alternatives (O(n^2) work per criterion); larger inputs are refused."""

_CELLS_PER_BLOCK = 4_000_000  # pairwise differences held at once (32 MB of float64)
_FUNCTIONS: tuple[str, ...] = ("usual", "linear", "v-shape", "level", "u-shape", "gaussian")
_NEEDS: dict[str, tuple[str, ...]] = {
    "usual": (),
    "u-shape": ("q",),
    "v-shape": ("p",),
    "level": ("q", "p"),
    "linear": ("q", "p"),
    "gaussian": ("s",),
}


@dataclass(frozen=True, eq=False)
class Ranking:
    """Scores and ranks of alternatives under one method, with every intermediate table.

    Attributes
    ----------
    scores
        Score per alternative (higher is better): TOPSIS closeness, weighted sum, PROMETHEE net flow.
    ranks
        1 = best; equal scores are ordered by alternative label.
    method
        ``"topsis"``, ``"weighted_sum"`` or ``"promethee_ii"``.
    weights
        The criterion weights used, rescaled to sum to 1.
    trace
        The computation step by step, as labelled tables (see each method's ``Returns``).
    normalization
        The normalisation used (``None`` for PROMETHEE II, which compares raw differences).
    directions
        ``"benefit"`` or ``"cost"`` per criterion.
    """

    scores: pd.Series[float]
    ranks: pd.Series[int]
    method: str
    weights: pd.Series[float]
    trace: dict[str, pd.DataFrame] = field(repr=False)
    normalization: str | None = None
    directions: pd.Series[str] | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """Method and normalisation, for tables comparing rankings (``"topsis (vector)"``)."""
        return self.method if self.normalization is None else f"{self.method} ({self.normalization})"

    def table(self) -> pd.DataFrame:
        """Alternatives ordered best first with their ``rank`` and ``score``."""
        frame = pd.DataFrame({"rank": self.ranks, "score": self.scores})
        return frame.sort_values("rank")

    def top(self, k: int) -> pd.Index:
        """Labels of the `k` best alternatives, best first."""
        return self.table().index[:k]


def _ranking(
    problem: Problem,
    scores: FloatArray,
    method: str,
    trace: dict[str, pd.DataFrame],
    normalization: str | None,
) -> Ranking:
    alternatives = problem.alternatives
    return Ranking(
        scores=pd.Series(scores, index=alternatives, name="score", copy=False),
        ranks=pd.Series(rank_scores(scores, alternatives), index=alternatives, name="rank", copy=False),
        method=method,
        weights=problem.weight_series(),
        trace=trace,
        normalization=normalization,
        directions=problem.direction_series(),
    )


def _table(values: FloatArray, problem: Problem) -> pd.DataFrame:
    return pd.DataFrame(values, index=problem.alternatives, columns=problem.criteria, copy=False)


# --------------------------------------------------------------------------------------------------- TOPSIS
def topsis(
    matrix: pd.DataFrame,
    criteria: CriteriaSpec,
    *,
    normalization: Literal["vector", "minmax"] = "vector",
) -> Ranking:
    """Rank alternatives by their relative closeness to the ideal solution (TOPSIS).

    Parameters
    ----------
    matrix
        Alternatives x criteria; columns not named in `criteria` are ignored.
    criteria
        ``weight`` and ``direction`` per criterion.
    normalization
        ``"vector"`` (the textbook method) or ``"minmax"`` (``pymcdm``'s default).

    Returns
    -------
    Ranking
        Scores are closeness coefficients in [0, 1]. ``trace`` holds ``normalized`` (:math:`r_{ij}`),
        ``weighted`` (:math:`v_{ij}`), ``ideal`` (rows ``ideal`` and ``anti_ideal``) and ``distances``
        (columns ``to_ideal``, ``to_anti_ideal``, ``closeness``).

    Notes
    -----
    Hwang & Yoon (1981), *Multiple Attribute Decision Making*, Springer, pp. 128-140. With vector
    normalisation :math:`r_{ij} = x_{ij} / \\sqrt{\\sum_k x_{kj}^2}` (an all-zero column gives 0); with min-max
    normalisation :math:`r_{ij} = (x_{ij} - \\min_k x_{kj}) / (\\max_k x_{kj} - \\min_k x_{kj})`, reversed for
    cost criteria (a constant column gives 1). Then :math:`v_{ij} = w_j r_{ij}`; the ideal takes the best
    :math:`v_{ij}` of each criterion (the largest for benefit criteria, the smallest for cost criteria under
    vector normalisation; min-max normalisation has already turned cost into benefit), the anti-ideal the
    worst, and

    .. math:: D_i^\\pm = \\sqrt{\\sum_j (v_{ij} - v_j^\\pm)^2}, \\qquad C_i = \\frac{D_i^-}{D_i^+ + D_i^-}.

    When every alternative is identical (:math:`D^+ = D^- = 0`) the closeness is 0.5. Reversing a cost
    column as :math:`1 - r` (as ``pymcdm`` does) only shifts it, so distances and scores are the same.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"benefit": [3.0, 4.0, 0.0], "cost": [4.0, 3.0, 5.0]}, index=["a", "b", "c"])
    >>> r = topsis(m, {"benefit": (0.5, "benefit"), "cost": (0.5, "cost")})
    >>> r.ranks.tolist(), round(float(r.scores["b"]), 4)
    ([2, 1, 3], 1.0)
    """
    if normalization not in ("vector", "minmax"):
        raise ValidationError(f"`normalization` must be 'vector' or 'minmax'; got {normalization!r}")
    problem = parse_problem(matrix, criteria)
    if normalization == "vector":
        r = vector_columns(problem.values)
        better = problem.benefit
    else:
        r = minmax_columns(problem.values, problem.benefit)
        better = np.ones_like(problem.benefit)
    v = r * problem.weights
    high, low = v.max(axis=0), v.min(axis=0)
    ideal = np.where(better, high, low)
    anti = np.where(better, low, high)
    gap = v - ideal  # one work array, reused: large temporaries dominate the time at this size
    d_plus = np.sqrt(np.einsum("ij,ij->i", gap, gap))
    np.subtract(v, anti, out=gap)
    d_minus = np.sqrt(np.einsum("ij,ij->i", gap, gap))
    total = d_plus + d_minus
    closeness = np.divide(d_minus, total, out=np.full_like(total, 0.5), where=total > 0)
    trace = {
        "normalized": _table(r, problem),
        "weighted": _table(v, problem),
        "ideal": pd.DataFrame(
            np.vstack([ideal, anti]), index=pd.Index(["ideal", "anti_ideal"]), columns=problem.criteria
        ),
        "distances": pd.DataFrame(
            {"to_ideal": d_plus, "to_anti_ideal": d_minus, "closeness": closeness},
            index=problem.alternatives,
        ),
    }
    return _ranking(problem, closeness, "topsis", trace, normalization)


# ----------------------------------------------------------------------------------------------- weighted sum
def weighted_sum(
    matrix: pd.DataFrame,
    criteria: CriteriaSpec,
    *,
    normalization: Literal["minmax", "vector", "max", "sum"] = "minmax",
) -> Ranking:
    """Rank alternatives by the weighted sum of normalised criteria (simple additive weighting).

    Parameters
    ----------
    matrix
        Alternatives x criteria; columns not named in `criteria` are ignored.
    criteria
        ``weight`` and ``direction`` per criterion.
    normalization
        How each criterion is brought to a common "more is better" scale (see Notes).

    Returns
    -------
    Ranking
        ``trace`` holds ``normalized`` (:math:`r_{ij}`, cost already reversed) and ``weighted``
        (:math:`w_j r_{ij}`, whose row sums are the scores).

    Notes
    -----
    :math:`S_i = \\sum_j w_j r_{ij}` (Fishburn 1967, "Additive utilities with incomplete product sets",
    *Operations Research* 15(3), 537-542; Hwang & Yoon 1981, pp. 99-103). Normalisations, benefit / cost:

    - ``minmax``: :math:`(x - \\min)/(\\max - \\min)` / :math:`(\\max - x)/(\\max - \\min)`; a constant
      column is 1;
    - ``vector``: :math:`x/\\|x\\|_2` / :math:`1 - x/\\|x\\|_2`;
    - ``max``: :math:`x/\\max` / :math:`1 - x/\\max` (non-negative values);
    - ``sum``: :math:`x/\\sum x` / :math:`x^{-1}/\\sum x^{-1}` (positive values).

    These are the definitions of ``pymcdm.normalizations``, so scores match ``pymcdm.methods.WSM`` with the
    same normalisation function.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"jobs": [10, 30, 20], "cost": [5, 9, 6]}, index=["a", "b", "c"])
    >>> weighted_sum(m, {"jobs": (0.5, "benefit"), "cost": (0.5, "cost")}).scores.round(3).tolist()
    [0.5, 0.5, 0.625]
    """
    if normalization not in ("minmax", "vector", "max", "sum"):
        raise ValidationError(
            f"`normalization` must be one of 'minmax', 'vector', 'max', 'sum'; got {normalization!r}"
        )
    problem = parse_problem(matrix, criteria)
    r = oriented(problem, normalization)
    v = r * problem.weights
    trace = {"normalized": _table(r, problem), "weighted": _table(v, problem)}
    return _ranking(problem, v.sum(axis=1), "weighted_sum", trace, normalization)


# ------------------------------------------------------------------------------------------------ PROMETHEE
def _per_criterion(value: object, problem: Problem, param: str) -> list[Any]:
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in problem.criteria]
        if unknown:
            raise ValidationError(f"`{param}` must name criteria of `criteria`; got unknown {unknown!r}")
        return [value.get(c) for c in problem.criteria]
    return [value] * len(problem.criteria)


def _parameters(
    problem: Problem, preference: object, q: Threshold, p: Threshold, s: Threshold
) -> pd.DataFrame:
    functions = _per_criterion(preference, problem, "preference")
    functions = ["usual" if f is None and isinstance(preference, Mapping) else f for f in functions]
    given = {"q": _per_criterion(q, problem, "q"), "p": _per_criterion(p, problem, "p")}
    given["s"] = _per_criterion(s, problem, "s")
    rows = []
    for j, (name, function) in enumerate(zip(problem.criteria, functions, strict=True)):
        if function not in _FUNCTIONS:
            raise ValidationError(
                f"`preference` must be one of {', '.join(map(repr, _FUNCTIONS))}; got {function!r} for {name!r}"
            )
        row: dict[str, Any] = {"function": function, "q": np.nan, "p": np.nan, "s": np.nan}
        for key in _NEEDS[function]:
            raw = given[key][j]
            if raw is None:
                raise ValidationError(
                    f"`{key}` must be given for criterion {name!r} (preference {function!r}); got None"
                )
            number = float(raw)
            if not np.isfinite(number) or number < 0 or (key != "q" and number == 0):
                expected = "a non-negative number" if key == "q" else "a positive number"
                raise ValidationError(f"`{key}` must be {expected} for criterion {name!r}; got {raw!r}")
            row[key] = number
        if function in ("level", "linear") and not row["q"] < row["p"]:
            raise ValidationError(
                f"`q` must be smaller than `p` for criterion {name!r} (preference {function!r}); "
                f"got q={row['q']}, p={row['p']}"
            )
        rows.append(row)
    frame = pd.DataFrame(rows, index=problem.criteria)
    frame["weight"] = problem.weights
    frame["direction"] = problem.direction_series()
    return frame


def _preference(d: FloatArray, function: str, q: float, p: float, s: float) -> FloatArray:
    if function == "usual":
        return (d > 0).astype(np.float64)
    if function == "u-shape":
        return (d > q).astype(np.float64)
    if function == "v-shape":
        return np.clip(d / p, 0.0, 1.0)
    if function == "level":
        return 0.5 * (d > q) + 0.5 * (d > p)
    if function == "linear":
        return np.clip((d - q) / (p - q), 0.0, 1.0)
    positive = np.maximum(d, 0.0)  # gaussian
    return -np.expm1(-(positive * positive) / (2.0 * s * s))


def _unicriterion_flows(
    x: FloatArray, benefit: bool, function: str, q: float, p: float, s: float
) -> tuple[FloatArray, FloatArray]:
    """Leaving and entering flows of one criterion, in blocks of rows so memory stays bounded."""
    n = len(x)
    plus = np.zeros(n)
    minus = np.zeros(n)
    sign = 1.0 if benefit else -1.0
    block = max(1, _CELLS_PER_BLOCK // max(n, 1))
    for start in range(0, n, block):
        rows = slice(start, min(n, start + block))
        d = sign * (x[rows, None] - x[None, :])  # d[a, k] = g(a) - g(k), oriented so that more is better
        pref = _preference(d, function, q, p, s)
        plus[rows] = pref.sum(axis=1)
        minus += pref.sum(axis=0)
    return plus / (n - 1), minus / (n - 1)


def promethee_ii(
    matrix: pd.DataFrame,
    criteria: CriteriaSpec,
    *,
    preference: PreferenceFunction | Mapping[Any, PreferenceFunction] = "usual",
    q: Threshold = None,
    p: Threshold = None,
    s: Threshold = None,
) -> Ranking:
    """Rank alternatives by their PROMETHEE II net outranking flow.

    Parameters
    ----------
    matrix
        Alternatives x criteria; columns not named in `criteria` are ignored.
    criteria
        ``weight`` and ``direction`` per criterion.
    preference
        Preference function for all criteria, or a mapping criterion -> function (criteria not named use
        ``"usual"``).
    q, p, s
        Indifference threshold, preference threshold and Gaussian parameter, in the criterion's own units;
        one number for every criterion or a mapping criterion -> number. Required where the function uses
        them.

    Returns
    -------
    Ranking
        Scores are net flows in [-1, 1]. ``trace`` holds ``parameters`` (function, thresholds, weight and
        direction per criterion), ``criterion_flows`` (the unicriterion net flows :math:`\\phi_j`, alternatives
        x criteria) and ``flows`` (columns ``leaving``, ``entering``, ``net``).

    Notes
    -----
    Brans & Vincke (1985), "A preference ranking organisation method (The PROMETHEE method for multiple
    criteria decision-making)", *Management Science* 31(6), 647-656. For the difference
    :math:`d = g_j(a) - g_j(b)` (reversed for cost criteria) the preference :math:`P_j(a, b) = F_j(d)` is 0 for
    :math:`d \\le 0` and otherwise: usual 1; u-shape :math:`[d > q]`; v-shape :math:`\\min(d/p, 1)`; level 0 up
    to :math:`q`, 1/2 up to :math:`p`, then 1; linear 0 up to :math:`q`, :math:`(d - q)/(p - q)` up to
    :math:`p`, then 1; gaussian :math:`1 - e^{-d^2 / 2s^2}`. With :math:`\\pi(a, b) = \\sum_j w_j P_j(a, b)`,

    .. math:: \\phi^+(a) = \\frac{1}{n-1} \\sum_{b} \\pi(a, b), \\quad
              \\phi^-(a) = \\frac{1}{n-1} \\sum_{b} \\pi(b, a), \\quad \\phi(a) = \\phi^+(a) - \\phi^-(a)
              = \\sum_j w_j \\phi_j(a).

    Pairwise differences are formed per criterion in blocks of at most four million cells, so memory stays
    bounded; the work is still :math:`O(n^2)` per criterion, and more than
    :data:`PROMETHEE_MAX_ALTERNATIVES` alternatives are refused. A single alternative has flows 0.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"g1": [4, 3, 5], "g2": [3, 2, 1], "g3": [2, 4, 3]}, index=["a", "b", "c"])
    >>> spec = {"g1": (0.5, "benefit"), "g2": (0.3, "benefit"), "g3": (0.2, "benefit")}
    >>> promethee_ii(m, spec).scores.round(2).tolist()
    [0.1, -0.3, 0.2]
    """
    problem = parse_problem(matrix, criteria)
    n, m = problem.values.shape
    if n > PROMETHEE_MAX_ALTERNATIVES:
        raise ValidationError(
            f"`matrix` must have at most {PROMETHEE_MAX_ALTERNATIVES} alternatives for PROMETHEE II, which "
            f"compares every pair; got {n}. Screen with `topsis` or `weighted_sum` first"
        )
    parameters = _parameters(problem, preference, q, p, s)
    plus = np.zeros((n, m))
    minus = np.zeros((n, m))
    if n > 1:
        for j in range(m):
            row = parameters.iloc[j]
            plus[:, j], minus[:, j] = _unicriterion_flows(
                problem.values[:, j],
                bool(problem.benefit[j]),
                str(row["function"]),
                float(row["q"]),
                float(row["p"]),
                float(row["s"]),
            )
    leaving = plus @ problem.weights
    entering = minus @ problem.weights
    net = leaving - entering
    trace = {
        "parameters": parameters,
        "criterion_flows": _table(plus - minus, problem),
        "flows": pd.DataFrame(
            {"leaving": leaving, "entering": entering, "net": net}, index=problem.alternatives
        ),
    }
    return _ranking(problem, net, "promethee_ii", trace, None)


# ---------------------------------------------------------------------------------------------- agreement
def _correlations(a: FloatArray, b: FloatArray) -> tuple[float, float, float, float]:
    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return (np.nan, np.nan, np.nan, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tau = stats.kendalltau(a, b, variant="b")
        rho = stats.spearmanr(a, b)
    return (float(tau.statistic), float(tau.pvalue), float(rho.statistic), float(rho.pvalue))


def rank_agreement(rankings: Sequence[Ranking]) -> pd.DataFrame:
    """Kendall's tau-b and Spearman's rho between every pair of rankings of the same alternatives.

    Parameters
    ----------
    rankings
        At least two rankings over the same alternative labels (in any order).

    Returns
    -------
    pandas.DataFrame
        One row per pair, indexed by (``first``, ``second``) ranking labels (method and normalisation, with
        ``#2``, ``#3`` ... added to repeats), with columns ``kendall_tau_b``, ``kendall_pvalue``,
        ``spearman`` and ``spearman_pvalue``. NaN where a ranking's scores are all equal.

    Notes
    -----
    Computed on the scores, so ties count as ties (the rank tie-break by label is not used): Kendall (1945),
    "The treatment of ties in ranking problems", *Biometrika* 33(3), 239-251 (tau-b), and Spearman (1904),
    via :func:`scipy.stats.kendalltau` and :func:`scipy.stats.spearmanr`.
    """
    if len(rankings) < 2 or not all(isinstance(r, Ranking) for r in rankings):
        raise ValidationError(f"`rankings` must be at least two Ranking objects; got {len(rankings)} item(s)")
    labels: list[str] = []
    for ranking in rankings:
        count = sum(1 for existing in labels if existing.split(" #")[0] == ranking.label)
        labels.append(ranking.label if count == 0 else f"{ranking.label} #{count + 1}")
    reference = rankings[0].scores.index
    aligned = []
    for label, ranking in zip(labels, rankings, strict=True):
        index = ranking.scores.index
        if len(index) != len(reference) or not index.isin(reference).all():
            raise ValidationError(
                f"`rankings` must rank the same alternatives; {label!r} differs from {labels[0]!r}"
            )
        aligned.append(np.asarray(ranking.scores.reindex(reference).to_numpy(), dtype=np.float64))
    rows: list[tuple[object, ...]] = []
    for i in range(len(rankings)):
        for j in range(i + 1, len(rankings)):
            rows.append((labels[i], labels[j], *_correlations(aligned[i], aligned[j])))
    frame = pd.DataFrame(
        rows,
        columns=["first", "second", "kendall_tau_b", "kendall_pvalue", "spearman", "spearman_pvalue"],
    )
    return frame.set_index(["first", "second"])
