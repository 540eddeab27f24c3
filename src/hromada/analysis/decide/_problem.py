"""The validated decision problem shared by the MCDA methods: matrix, weights, directions, normalisations.

A *decision matrix* is a :class:`pandas.DataFrame` with one row per alternative (project) and one column per
criterion; a *criteria spec* gives each criterion a ``weight`` (non-negative; rescaled to sum to 1) and a
``direction`` (``"benefit"``: more is better, ``"cost"``: less is better). Columns of the matrix that the spec
does not name are ignored, so a project table can be passed as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from hromada.errors import ValidationError

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
IntArray: TypeAlias = npt.NDArray[np.int64]

Direction = Literal["benefit", "cost"]
CriteriaSpec: TypeAlias = pd.DataFrame | Mapping[Any, Mapping[str, Any] | tuple[float, str]]
"""``DataFrame`` indexed by criterion (or with a ``criterion`` column) with columns ``weight`` and
``direction``, or a mapping ``{criterion: {"weight": w, "direction": d}}`` or ``{criterion: (w, d)}``."""

Normalization = Literal["vector", "minmax", "max", "sum"]
_DIRECTIONS = ("benefit", "cost")


@dataclass(frozen=True, eq=False)
class Problem:
    """A checked decision problem: ``values`` is alternatives x criteria, ``weights`` sum to 1."""

    values: FloatArray
    weights: FloatArray
    benefit: BoolArray
    alternatives: pd.Index
    criteria: pd.Index

    def weight_series(self) -> pd.Series[float]:
        return pd.Series(self.weights, index=self.criteria, name="weight")

    def direction_series(self) -> pd.Series[str]:
        labels = ["benefit" if b else "cost" for b in self.benefit]
        return pd.Series(labels, index=self.criteria, name="direction", dtype=object)


def _criteria_columns(criteria: object) -> tuple[pd.Index, list[Any], list[Any]]:
    """Criterion labels, raw weights and raw directions from either form of the spec."""
    if isinstance(criteria, pd.DataFrame):
        frame = criteria.set_index("criterion") if "criterion" in criteria.columns else criteria
        if "weight" not in frame.columns or "direction" not in frame.columns:
            raise ValidationError(
                f"`criteria` must have columns 'weight' and 'direction'; got columns {list(frame.columns)!r}"
            )
        return frame.index, frame["weight"].tolist(), frame["direction"].tolist()
    if isinstance(criteria, Mapping):
        weights: list[Any] = []
        directions: list[Any] = []
        for name, spec in criteria.items():
            if isinstance(spec, Mapping) and "weight" in spec and "direction" in spec:
                weights.append(spec["weight"])
                directions.append(spec["direction"])
            elif isinstance(spec, tuple) and len(spec) == 2:
                weights.append(spec[0])
                directions.append(spec[1])
            else:
                raise ValidationError(
                    "`criteria` must map each criterion to {'weight': w, 'direction': d} or (w, d); "
                    f"got {spec!r} for {name!r}"
                )
        return pd.Index(list(criteria)), weights, directions
    raise ValidationError(f"`criteria` must be a DataFrame or a mapping; got {type(criteria).__name__}")


def parse_criteria(criteria: object) -> tuple[pd.Index, FloatArray, BoolArray]:
    """Criterion labels, weights rescaled to sum to 1, and the benefit mask."""
    names, raw_weights, directions = _criteria_columns(criteria)
    if len(names) == 0:
        raise ValidationError("`criteria` must name at least one criterion; got none")
    if not names.is_unique:
        duplicates = names[names.duplicated()].unique().tolist()
        raise ValidationError(f"`criteria` must name each criterion once; got duplicates {duplicates!r}")
    try:
        weights = np.array(raw_weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(f"`criteria` weights must be numbers; got {raw_weights!r}") from None
    bad = ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        name = names[int(np.argmax(bad))]
        raise ValidationError(
            f"`criteria` weights must be finite and non-negative; got {weights[bad][0]!r} for {name!r}"
        )
    if weights.sum() <= 0:
        raise ValidationError(f"`criteria` weights must have a positive sum; got {weights.tolist()!r}")
    for name, direction in zip(names, directions, strict=True):
        if direction not in _DIRECTIONS:
            raise ValidationError(
                f"`criteria` direction must be 'benefit' or 'cost'; got {direction!r} for {name!r}"
            )
    benefit = np.array([d == "benefit" for d in directions], dtype=bool)
    return names, weights / weights.sum(), benefit


def parse_problem(matrix: object, criteria: object) -> Problem:
    """Check `matrix` and `criteria` and return the problem as arrays (criteria in the spec's order)."""
    if not isinstance(matrix, pd.DataFrame):
        raise ValidationError(
            f"`matrix` must be a DataFrame (alternatives x criteria); got {type(matrix).__name__}"
        )
    names, weights, benefit = parse_criteria(criteria)
    missing = [c for c in names if c not in matrix.columns]
    if missing:
        raise ValidationError(f"`matrix` must have a column for every criterion; got missing {missing!r}")
    if len(matrix) == 0:
        raise ValidationError("`matrix` must have at least one alternative; got 0 rows")
    if not matrix.index.is_unique:
        duplicates = matrix.index[matrix.index.duplicated()].unique().tolist()
        raise ValidationError(f"`matrix` must have unique alternative labels; got duplicates {duplicates!r}")
    selected = matrix if list(matrix.columns) == list(names) else matrix.loc[:, list(names)]
    if selected.shape[1] != len(names):
        raise ValidationError(
            f"`matrix` must have each criterion column once; got columns {list(matrix.columns)!r}"
        )
    for column, dtype in selected.dtypes.items():
        if not pd.api.types.is_numeric_dtype(dtype):
            raise ValidationError(f"`matrix` must be numeric; got dtype {dtype} for criterion {column!r}")
    values = selected.to_numpy(dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.all():
        i, j = (int(k) for k in np.argwhere(~finite)[0])
        raise ValidationError(
            f"`matrix` must be finite; got {values[i, j]} for alternative {matrix.index[i]!r}, "
            f"criterion {names[j]!r}"
        )
    return Problem(values, weights, benefit, matrix.index, names)


# ------------------------------------------------------------------------------------------ normalisation
def vector_columns(values: FloatArray) -> FloatArray:
    """``x_ij / sqrt(sum_i x_ij^2)``; an all-zero column stays 0."""
    norms = np.sqrt(np.einsum("ij,ij->j", values, values))
    out: FloatArray = values / np.where(norms > 0, norms, 1.0)  # an all-zero column divides 0 by 1
    return out


def minmax_columns(values: FloatArray, benefit: BoolArray) -> FloatArray:
    """``(x - min) / (max - min)`` for benefit, ``(max - x) / (max - min)`` for cost; a constant column is 1."""
    low = values.min(axis=0)
    high = values.max(axis=0)
    span = high - low
    scale = np.where(span > 0, span, 1.0)
    out: FloatArray = np.where(benefit, values - low, high - values)
    out /= scale
    if (span == 0).any():
        out[:, span == 0] = 1.0
    return out


def _require(values: FloatArray, names: pd.Index, ok: BoolArray, what: str, normalization: str) -> None:
    if not ok.all():
        column = int(np.argmax(~ok))
        raise ValidationError(
            f"`matrix` must be {what} for normalization {normalization!r}; criterion {names[column]!r} is not"
        )


def oriented(problem: Problem, normalization: Normalization) -> FloatArray:
    """The normalised matrix with every criterion turned into "more is better" (for additive scores).

    ``vector``: :math:`x/\\|x\\|`, cost :math:`1 - x/\\|x\\|`; ``minmax``: see :func:`minmax_columns`;
    ``max``: :math:`x/\\max x`, cost :math:`1 - x/\\max x` (needs non-negative values and a positive maximum);
    ``sum``: :math:`x/\\sum x`, cost :math:`x^{-1}/\\sum x^{-1}` (needs positive values).
    """
    x, benefit = problem.values, problem.benefit
    if normalization == "minmax":
        return minmax_columns(x, benefit)
    if normalization == "vector":
        r = vector_columns(x)
        return np.asarray(np.where(benefit, r, 1.0 - r), dtype=np.float64)
    if normalization == "max":
        ok = np.asarray((x >= 0).all(axis=0) & (x.max(axis=0) > 0), dtype=bool)
        _require(x, problem.criteria, ok, "non-negative", "max")
        r = x / x.max(axis=0)
        return np.asarray(np.where(benefit, r, 1.0 - r), dtype=np.float64)
    if normalization == "sum":
        _require(x, problem.criteria, np.asarray((x > 0).all(axis=0), dtype=bool), "positive", "sum")
        inverse = 1.0 / x
        return np.asarray(
            np.where(benefit, x / x.sum(axis=0), inverse / inverse.sum(axis=0)), dtype=np.float64
        )
    raise ValidationError(
        f"`normalization` must be one of 'vector', 'minmax', 'max', 'sum'; got {normalization!r}"
    )


# ------------------------------------------------------------------------------------------------- ranks
def label_positions(labels: pd.Index) -> IntArray:
    """Position of each label in the sorted order of the labels (strings when they cannot be compared)."""
    if labels.is_monotonic_increasing:
        return np.arange(len(labels), dtype=np.int64)
    try:
        order = np.asarray(labels.argsort(), dtype=np.int64)
    except TypeError:
        order = np.argsort(np.array([str(v) for v in labels], dtype=object), kind="stable").astype(np.int64)
    positions = np.empty(len(labels), dtype=np.int64)
    positions[order] = np.arange(len(labels), dtype=np.int64)
    return positions


def rank_scores(scores: FloatArray, labels: pd.Index) -> IntArray:
    """Ranks 1 = best: higher score first, equal scores in the order of their labels."""
    n = len(scores)
    order = np.argsort(-scores)
    ordered = scores[order]
    if n > 1 and bool(np.any(ordered[1:] == ordered[:-1])):  # ties: order them by label
        order = np.lexsort((label_positions(labels), -scores))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(1, n + 1, dtype=np.int64)
    return ranks
