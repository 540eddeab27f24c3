"""Criterion weights from pairwise comparisons (Analytic Hierarchy Process) with a consistency check.

A comparison matrix :math:`A` holds :math:`a_{ij}`: how many times criterion :math:`i` matters more than
criterion :math:`j` on Saaty's 1-9 scale; it must be positive and reciprocal (:math:`a_{ji} = 1/a_{ij}`,
:math:`a_{ii} = 1`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from hromada.analysis.decide._problem import FloatArray
from hromada.errors import ValidationError

__all__ = ["RANDOM_INDEX", "AHPResult", "ahp_weights", "comparisons_from_pairs"]

RandomIndexTable = Literal["saaty", "alonso-lamata", "tummala-ling"]

RANDOM_INDEX: Mapping[str, tuple[float, ...]] = {
    # Saaty (1980), The Analytic Hierarchy Process, McGraw-Hill: n = 1..15. Values for n <= 10 are quoted
    # identically everywhere; for n = 11..15 we use 1.51, 1.48, 1.56, 1.57, 1.59 (some reprints give 1.53 or
    # 1.54 for n = 12).
    "saaty": (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59),
    # Alonso & Lamata (2006), "Consistency in the analytic hierarchy process: a new approach", International
    # Journal of Uncertainty, Fuzziness and Knowledge-Based Systems 14(4), 445-459 (100,000 random matrices).
    "alonso-lamata": (
        0.0,
        0.0,
        0.5245,
        0.8815,
        1.1086,
        1.2479,
        1.3417,
        1.4056,
        1.4499,
        1.4854,
        1.5141,
        1.5365,
        1.5551,
        1.5713,
        1.5838,
    ),
    # Tummala & Ling (1998), "A note on the computation of the mean random consistency index of the AHP",
    # Theory and Decision 44(3), 221-230 (the table of pymcdm).
    "tummala-ling": (
        0.0,
        0.0,
        0.5799,
        0.8921,
        1.1159,
        1.2358,
        1.3322,
        1.3952,
        1.4537,
        1.4882,
        1.5117,
        1.5356,
        1.5571,
        1.5714,
        1.5831,
    ),
}
"""Mean consistency index of random reciprocal matrices by size n = 1..15; the CR depends on the table."""


@dataclass(frozen=True, eq=False)
class AHPResult:
    """Weights derived from a pairwise comparison matrix, and how consistent the comparisons are.

    Attributes
    ----------
    weights
        Criterion weights summing to 1.
    lambda_max
        Principal (Perron) eigenvalue of the matrix (equal to n exactly when the matrix is consistent).
    consistency_index
        :math:`CI = (\\lambda_{max} - n) / (n - 1)` (0 for n <= 2).
    consistency_ratio
        :math:`CR = CI / RI(n)` (0 for n <= 2, where every reciprocal matrix is consistent).
    random_index
        :math:`RI(n)` from `random_index_table`.
    consistent
        ``consistency_ratio < 0.1``, Saaty's threshold.
    matrix
        The comparison matrix, labelled.
    method
        ``"eigenvector"`` or ``"geometric"``.
    random_index_table
        Which random-index table was used.
    """

    weights: pd.Series[float]
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    random_index: float
    consistent: bool
    matrix: pd.DataFrame = field(repr=False)
    method: str = "eigenvector"
    random_index_table: str = "saaty"


def _labelled(comparisons: pd.DataFrame | FloatArray) -> tuple[FloatArray, pd.Index]:
    if isinstance(comparisons, pd.DataFrame):
        if not comparisons.index.is_unique or set(comparisons.index) != set(comparisons.columns):
            raise ValidationError(
                "`comparisons` must have the same criteria as index and columns; got index "
                f"{list(comparisons.index)!r} and columns {list(comparisons.columns)!r}"
            )
        frame = comparisons.loc[:, list(comparisons.index)]
        try:
            return frame.to_numpy(dtype=np.float64), comparisons.index
        except (TypeError, ValueError):
            raise ValidationError("`comparisons` must be numeric") from None
    try:
        values = np.asarray(comparisons, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError("`comparisons` must be numeric") from None
    return values, pd.RangeIndex(values.shape[0] if values.ndim else 0)


def _check(values: FloatArray, labels: pd.Index, tolerance: float) -> None:
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] == 0:
        raise ValidationError(f"`comparisons` must be a non-empty square matrix; got shape {values.shape}")
    if not np.isfinite(values).all() or (values <= 0).any():
        i, j = (int(k) for k in np.argwhere(~np.isfinite(values) | (values <= 0))[0])
        raise ValidationError(
            f"`comparisons` must be positive and finite; got {values[i, j]!r} at ({labels[i]!r}, {labels[j]!r})"
        )
    diagonal = np.abs(np.diag(values) - 1.0) > tolerance
    if diagonal.any():
        i = int(np.argmax(diagonal))
        raise ValidationError(
            f"`comparisons` must have 1 on the diagonal; got {values[i, i]!r} for {labels[i]!r}"
        )
    off = np.triu(np.abs(values * values.T - 1.0) > tolerance, k=1)
    if off.any():
        i, j = (int(k) for k in np.argwhere(off)[0])
        raise ValidationError(
            f"`comparisons` must be reciprocal (a[j, i] = 1 / a[i, j]); got a[{labels[i]!r}, {labels[j]!r}] = "
            f"{values[i, j]:g} and a[{labels[j]!r}, {labels[i]!r}] = {values[j, i]:g}"
        )


def _perron(values: FloatArray) -> tuple[float, FloatArray]:
    eigenvalues, vectors = np.linalg.eig(values)
    k = int(np.argmax(eigenvalues.real))
    vector = np.abs(vectors[:, k].real)
    return float(eigenvalues[k].real), vector / vector.sum()


def ahp_weights(
    comparisons: pd.DataFrame | FloatArray,
    *,
    method: Literal["eigenvector", "geometric"] = "eigenvector",
    random_index: RandomIndexTable = "saaty",
    tolerance: float = 0.05,
) -> AHPResult:
    """Criterion weights and consistency ratio from a pairwise comparison matrix.

    Parameters
    ----------
    comparisons
        Square, positive, reciprocal matrix (a DataFrame labels the criteria; an array gets 0..n-1).
    method
        ``"eigenvector"`` (Saaty's principal eigenvector) or ``"geometric"`` (normalised row geometric means).
    random_index
        Random-index table for the consistency ratio: ``"saaty"`` (Saaty 1980, default),
        ``"alonso-lamata"`` (Alonso & Lamata 2006) or ``"tummala-ling"`` (Tummala & Ling 1998, as in pymcdm).
        See :data:`RANDOM_INDEX`.
    tolerance
        Allowed :math:`|a_{ij} a_{ji} - 1|` and :math:`|a_{ii} - 1|`, so rounded entries such as 0.33 for 1/3
        (or 0.14 for 1/7: entries rounded to two decimals) pass.

    Returns
    -------
    AHPResult
        Weights summing to 1, :math:`\\lambda_{max}`, CI, CR and whether CR < 0.1.

    Notes
    -----
    Saaty (1980), *The Analytic Hierarchy Process*, McGraw-Hill: the weights solve
    :math:`A w = \\lambda_{max} w`, :math:`\\sum_i w_i = 1`; with ``method="geometric"`` they are
    :math:`w_i \\propto (\\prod_j a_{ij})^{1/n}` (Crawford & Williams 1985, "A note on the analysis of subjective
    judgment matrices", *Journal of Mathematical Psychology* 29(4), 387-405); both coincide for consistent
    matrices and for every 3 x 3 matrix. Consistency always uses the principal eigenvalue:
    :math:`CI = (\\lambda_{max} - n)/(n - 1)` and :math:`CR = CI / RI(n)`; :math:`CR < 0.1` is Saaty's
    acceptance rule. The random index depends on the simulation behind it (DOMAIN.md: Saaty's
    :math:`RI(8) = 1.41`, Tummala & Ling's 1.3952), so the table is named in the result. Matrices larger
    than 15 x 15 are refused, since no table covers them.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]], index=list("xyz"), columns=list("xyz"))
    >>> result = ahp_weights(a)
    >>> result.weights.round(4).tolist(), round(result.consistency_ratio, 12)
    ([0.5714, 0.2857, 0.1429], 0.0)
    """
    if method not in ("eigenvector", "geometric"):
        raise ValidationError(f"`method` must be 'eigenvector' or 'geometric'; got {method!r}")
    if random_index not in RANDOM_INDEX:
        raise ValidationError(
            f"`random_index` must be one of {', '.join(map(repr, RANDOM_INDEX))}; got {random_index!r}"
        )
    if not (np.isfinite(tolerance) and 0 <= tolerance < 1):
        raise ValidationError(f"`tolerance` must be in [0, 1); got {tolerance!r}")
    values, labels = _labelled(comparisons)
    _check(values, labels, tolerance)
    n = values.shape[0]
    table = RANDOM_INDEX[random_index]
    if n > len(table):
        raise ValidationError(
            f"`comparisons` must have at most {len(table)} criteria (random-index table); got {n}"
        )
    lambda_max, eigenvector = _perron(values)
    if method == "geometric":
        geometric = np.exp(np.log(values).mean(axis=1))
        weights = geometric / geometric.sum()
    else:
        weights = eigenvector
    ci = max(0.0, (lambda_max - n) / (n - 1)) if n > 2 else 0.0
    ri = table[n - 1]
    cr = ci / ri if ri > 0 else 0.0
    return AHPResult(
        weights=pd.Series(weights, index=labels, name="weight"),
        lambda_max=lambda_max,
        consistency_index=ci,
        consistency_ratio=cr,
        random_index=ri,
        consistent=cr < 0.1,
        matrix=pd.DataFrame(values, index=labels, columns=labels),
        method=method,
        random_index_table=random_index,
    )


def comparisons_from_pairs(
    pairs: Mapping[tuple[Hashable, Hashable], float], criteria: Sequence[Hashable] | None = None
) -> pd.DataFrame:
    """Build the reciprocal comparison matrix from one judgement per pair.

    Parameters
    ----------
    pairs
        ``{(i, j): a_ij}``: criterion ``i`` matters ``a_ij`` times as much as ``j``. Each unordered pair must
        be given once (or twice, consistently: :math:`a_{ji} = 1/a_{ij}`).
    criteria
        The criteria in the order wanted (default: order of first appearance in `pairs`).

    Returns
    -------
    pandas.DataFrame
        The n x n matrix with 1 on the diagonal and :math:`a_{ji} = 1/a_{ij}`.

    Examples
    --------
    >>> comparisons_from_pairs({("cost", "impact"): 1/3, ("cost", "risk"): 2, ("impact", "risk"): 6})
            cost    impact  risk
    cost     1.0  0.333333   2.0
    impact   3.0  1.000000   6.0
    risk     0.5  0.166667   1.0
    """
    names: list[Hashable] = list(criteria) if criteria is not None else []
    if criteria is None:
        for i, j in pairs:
            names.extend(c for c in (i, j) if c not in names)
    if len(set(names)) != len(names):
        raise ValidationError(f"`criteria` must be unique; got {names!r}")
    position = {c: k for k, c in enumerate(names)}
    n = len(names)
    values = np.full((n, n), np.nan)
    np.fill_diagonal(values, 1.0)
    for (i, j), value in pairs.items():
        if i not in position or j not in position or i == j:
            raise ValidationError(
                f"`pairs` must compare two different criteria of `criteria`; got ({i!r}, {j!r})"
            )
        number = float(value)
        if not (np.isfinite(number) and number > 0):
            raise ValidationError(f"`pairs` values must be positive; got {value!r} for ({i!r}, {j!r})")
        a, b = position[i], position[j]
        if not np.isnan(values[a, b]) and not np.isclose(values[a, b], number, rtol=1e-9):
            raise ValidationError(
                f"`pairs` must be consistent when a pair is given both ways; got ({i!r}, {j!r}) = {number:g} "
                f"but ({j!r}, {i!r}) = {1 / values[a, b]:g}"
            )
        values[a, b], values[b, a] = number, 1.0 / number
    if np.isnan(values).any():
        a, b = (int(k) for k in np.argwhere(np.isnan(values))[0])
        raise ValidationError(
            f"`pairs` must compare every pair of criteria; got no value for ({names[a]!r}, {names[b]!r})"
        )
    return pd.DataFrame(values, index=pd.Index(names), columns=pd.Index(names))
