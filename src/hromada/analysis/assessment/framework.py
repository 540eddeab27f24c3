"""Scoring a resilience self-assessment against a framework, and comparing two assessments.

The framework model (:class:`Framework`, :class:`Dimension`, :class:`Indicator`) is defined with its files in
:mod:`hromada.data.framework_files` and re-exported here; this module only computes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hromada.data.framework_files import Dimension, Framework, Indicator
from hromada.errors import ValidationError

__all__ = [
    "AssessmentScore",
    "Dimension",
    "Framework",
    "Indicator",
    "compare",
    "score",
]


@dataclass(frozen=True, eq=False)
class AssessmentScore:
    """The scores of one self-assessment.

    All scores are on a 0-100 scale (0 the bottom of the framework's scale, 100 its top); NaN where nothing was
    scored.

    Attributes
    ----------
    framework_id, framework_version
        The framework scored against.
    overall
        Weighted mean of the dimension scores over the dimensions with at least one indicator scored.
    coverage
        Share of all indicators that were scored (0-1).
    by_dimension
        One row per dimension (index ``dimension``): ``weight``, ``indicators``, ``scored``, ``coverage`` and
        ``score``.
    by_indicator
        One row per indicator (index ``indicator``): ``dimension``, ``weight``, ``raw`` (the score given, NaN
        if none), ``score`` (0-100) and ``gap``.
    gaps
        Ids of the indicators that are unscored or scored at or below ``gap_threshold``, most important first
        (see :func:`score`).
    gap_table
        The same gaps in the same order with the columns ``indicator``, ``dimension``, ``raw``, ``status``
        (``"low"`` or ``"unscored"``), ``shortfall`` (0-1) and ``points``.
    gap_threshold
        The raw score at or below which an indicator is a gap.
    scale_min, scale_max
        The framework's scale.
    """

    framework_id: str
    framework_version: str
    overall: float
    coverage: float
    by_dimension: pd.DataFrame
    by_indicator: pd.DataFrame
    gaps: tuple[str, ...]
    gap_table: pd.DataFrame
    gap_threshold: float
    scale_min: int
    scale_max: int

    def as_dict(self) -> dict[str, Any]:
        """Return the scores as JSON-ready plain Python data (NaN becomes None)."""

        def number(value: Any) -> float | None:
            return None if pd.isna(value) else float(value)

        return {
            "framework": {"id": self.framework_id, "version": self.framework_version},
            "scale": {"min": self.scale_min, "max": self.scale_max},
            "overall": number(self.overall),
            "coverage": float(self.coverage),
            "gap_threshold": float(self.gap_threshold),
            "dimensions": [
                {
                    "id": str(dimension),
                    "weight": float(row["weight"]),
                    "indicators": int(row["indicators"]),
                    "scored": int(row["scored"]),
                    "coverage": float(row["coverage"]),
                    "score": number(row["score"]),
                }
                for dimension, row in self.by_dimension.iterrows()
            ],
            "indicators": [
                {
                    "id": str(indicator),
                    "dimension": str(row["dimension"]),
                    "weight": float(row["weight"]),
                    "raw": number(row["raw"]),
                    "score": number(row["score"]),
                    "gap": bool(row["gap"]),
                }
                for indicator, row in self.by_indicator.iterrows()
            ],
            "gaps": list(self.gaps),
            "gap_table": [
                {
                    "indicator": str(row["indicator"]),
                    "dimension": str(row["dimension"]),
                    "raw": number(row["raw"]),
                    "status": str(row["status"]),
                    "shortfall": float(row["shortfall"]),
                    "points": float(row["points"]),
                }
                for _, row in self.gap_table.iterrows()
            ],
        }


def _check_framework(framework: object) -> Framework:
    if not isinstance(framework, Framework):
        raise ValidationError(f"`framework` must be a Framework; got {type(framework).__name__}")
    return framework


def _check_scores(framework: Framework, scores: object, param: str) -> dict[str, float]:
    """The given scores as floats by indicator id; None and NaN mean 'not scored' and are left out."""
    if not isinstance(scores, Mapping):
        raise ValidationError(
            f"`{param}` must be a mapping of indicator ids to scores; got {type(scores).__name__}"
        )
    known = set(framework.indicator_ids)
    unknown = [key for key in scores if key not in known]
    if unknown:
        raise ValidationError(
            f"`{param}` must use indicator ids of framework {framework.id!r}; got unknown ids {unknown!r}"
        )
    low, high = framework.scale_min, framework.scale_max
    result: dict[str, float] = {}
    wrong: list[str] = []
    for key, value in scores.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float | np.integer | np.floating)
            or not low <= float(value) <= high
        ):
            wrong.append(f"{key}={value!r}")
            continue
        result[str(key)] = float(value)
    if wrong:
        raise ValidationError(
            f"`{param}` must be numbers from {low} to {high} or None; got {', '.join(wrong)}"
        )
    return result


def score(
    framework: Framework,
    scores: Mapping[str, float | None],
    *,
    gap_threshold: float | None = None,
) -> AssessmentScore:
    r"""Score a self-assessment: by dimension, overall, and the gaps to close first.

    Parameters
    ----------
    framework
        The framework the assessment answers.
    scores
        Raw scores by indicator id, on the framework's scale; an indicator left out, or given as None or NaN,
        is *unscored* (not judged yet), which is not the same as the bottom of the scale.
    gap_threshold
        Raw score at or below which a scored indicator is a gap. Default: the top of the lower third of the
        scale, ``scale_min + (scale_max - scale_min) / 3`` (0 and 1 on a 0-5 scale, 0 and 1 on a 0-3 scale).

    Returns
    -------
    AssessmentScore

    Raises
    ------
    ValidationError
        If a score is outside the scale or not a number, an id is not an indicator of the framework, or
        ``gap_threshold`` is outside the scale.

    Notes
    -----
    With raw score :math:`s_i`, scale :math:`[a, b]`, indicator weights :math:`w_i` and dimension weights
    :math:`W_d`:

    - normalised score :math:`n_i = 100 (s_i - a) / (b - a)`;
    - dimension score :math:`D_d = \sum_{i \in S_d} w_i n_i / \sum_{i \in S_d} w_i` over the scored
      indicators :math:`S_d` of the dimension (NaN when none is scored), with coverage
      :math:`|S_d| / |I_d|`;
    - overall score :math:`\sum_{d \in C} W_d D_d / \sum_{d \in C} W_d` over the dimensions :math:`C` with
      coverage above 0.

    Unscored indicators are left out rather than counted as 0, so a partial assessment is not punished, but
    its coverage must be read next to its score. A gap's ``shortfall`` is :math:`(b - s_i) / (b - a)`, 1 when
    unscored; its ``points`` are

    .. math:: 100 \frac{W_d}{\sum_e W_e} \frac{w_i}{\sum_{j \in I_d} w_j} \cdot \text{shortfall}_i,

    the overall points the indicator would add if it were raised to the top of the scale in a fully scored
    assessment. Gaps are sorted by points (highest first), then scored before unscored, then by the
    framework's order. Weighted arithmetic
    means of normalised indicators follow OECD/JRC, *Handbook on Constructing Composite Indicators* (2008).

    Examples
    --------
    >>> from hromada.data.framework_files import load_framework
    >>> framework = load_framework("undrr-scorecard-preliminary")
    >>> result = score(framework, {"e01.lead": 3, "e01.plans": 1})
    >>> round(float(result.by_dimension.loc["e01", "score"]), 2), round(result.overall, 2)
    (66.67, 66.67)
    >>> result.gaps[:2]  # e03.budget is unscored and alone in essential 3: 1/10 of the overall score
    ('e03.budget', 'e04.land_use')
    >>> float(result.gap_table.loc[0, "points"])
    10.0
    """
    framework = _check_framework(framework)
    given = _check_scores(framework, scores, "scores")
    low, high = framework.scale_min, framework.scale_max
    span = float(high - low)
    if gap_threshold is None:
        threshold = low + span / 3.0
    elif (
        isinstance(gap_threshold, bool)
        or not isinstance(gap_threshold, int | float)
        or not low <= gap_threshold <= high
    ):
        raise ValidationError(
            f"`gap_threshold` must be a number from {low} to {high} or None; got {gap_threshold!r}"
        )
    else:
        threshold = float(gap_threshold)

    total_weight = sum(dimension.weight for dimension in framework.dimensions)
    dimension_rows: list[dict[str, Any]] = []
    indicator_rows: list[dict[str, Any]] = []
    gap_rows: list[dict[str, Any]] = []
    for dimension in framework.dimensions:
        weights = np.array([indicator.weight for indicator in dimension.indicators], dtype=np.float64)
        raw = np.array(
            [given.get(indicator.id, np.nan) for indicator in dimension.indicators], dtype=np.float64
        )
        normalised = (raw - low) / span * 100.0
        scored = ~np.isnan(raw)
        value = (
            float(np.dot(weights[scored], normalised[scored]) / weights[scored].sum())
            if scored.any()
            else math.nan
        )
        dimension_rows.append(
            {
                "dimension": dimension.id,
                "weight": dimension.weight,
                "indicators": len(dimension.indicators),
                "scored": int(scored.sum()),
                "coverage": float(scored.mean()),
                "score": value,
            }
        )
        share = dimension.weight / total_weight / weights.sum()
        for position, indicator in enumerate(dimension.indicators):
            is_scored = bool(scored[position])
            is_gap = not is_scored or raw[position] <= threshold
            indicator_rows.append(
                {
                    "indicator": indicator.id,
                    "dimension": dimension.id,
                    "weight": indicator.weight,
                    "raw": raw[position],
                    "score": normalised[position],
                    "gap": is_gap,
                }
            )
            if is_gap:
                shortfall = (high - raw[position]) / span if is_scored else 1.0
                gap_rows.append(
                    {
                        "indicator": indicator.id,
                        "dimension": dimension.id,
                        "raw": raw[position],
                        "status": "low" if is_scored else "unscored",
                        "shortfall": float(shortfall),
                        "points": float(100.0 * share * indicator.weight * shortfall),
                    }
                )

    by_dimension = pd.DataFrame(dimension_rows).set_index("dimension")
    by_indicator = pd.DataFrame(indicator_rows).set_index("indicator")
    gap_table = pd.DataFrame(
        gap_rows, columns=["indicator", "dimension", "raw", "status", "shortfall", "points"]
    )
    # Most points first; at equal points a known low score before an unscored indicator; then framework order.
    unscored_last = (gap_table["status"] == "unscored").to_numpy()
    gap_table = (
        gap_table.assign(_unscored=unscored_last)
        .sort_values(["points", "_unscored"], ascending=[False, True], kind="stable")
        .drop(columns="_unscored")
        .reset_index(drop=True)
    )
    covered = by_dimension[by_dimension["scored"] > 0]
    overall = (
        float(np.dot(covered["weight"], covered["score"]) / covered["weight"].sum())
        if len(covered)
        else math.nan
    )
    return AssessmentScore(
        framework_id=framework.id,
        framework_version=framework.version,
        overall=overall,
        coverage=float(by_dimension["scored"].sum() / by_dimension["indicators"].sum()),
        by_dimension=by_dimension,
        by_indicator=by_indicator,
        gaps=tuple(str(indicator) for indicator in gap_table["indicator"]),
        gap_table=gap_table,
        gap_threshold=threshold,
        scale_min=low,
        scale_max=high,
    )


def compare(
    framework: Framework,
    previous: Mapping[str, float | None],
    current: Mapping[str, float | None],
) -> pd.DataFrame:
    """Compare two self-assessments against the same framework (for example a year apart).

    Parameters
    ----------
    framework
        The framework both assessments answer (scores are only comparable within one framework version).
    previous, current
        Raw scores by indicator id, as for :func:`score`.

    Returns
    -------
    pandas.DataFrame
        One row for the overall score, one per dimension and one per indicator, in the framework's order,
        with the columns ``level`` (``"overall"``, ``"dimension"`` or ``"indicator"``), ``id``,
        ``dimension`` (the dimension of an indicator or the dimension itself; empty for the overall row),
        ``previous``, ``current`` and ``change`` (on the 0-100 scale; NaN where either side is unscored) and
        ``previous_coverage``, ``current_coverage`` (0-1; NaN for indicators).

    Raises
    ------
    ValidationError
        As :func:`score`, naming ``previous`` or ``current``.

    Notes
    -----
    ``change = current - previous``. A dimension's score can change because its coverage changed (an
    indicator scored for the first time); read the coverage columns next to the change. Comparing a
    municipality with itself over time is what such self-assessments are for; they are not meant for ranking
    municipalities against one another.

    Examples
    --------
    >>> from hromada.data.framework_files import load_framework
    >>> framework = load_framework("undrr-scorecard-preliminary")
    >>> table = compare(framework, {"e01.lead": 1}, {"e01.lead": 2})
    >>> round(float(table.loc[table["id"] == "e01.lead", "change"].iloc[0]), 2)
    33.33
    """
    framework = _check_framework(framework)
    before = score(framework, _check_scores(framework, previous, "previous"))
    after = score(framework, _check_scores(framework, current, "current"))
    rows: list[dict[str, Any]] = [
        {
            "level": "overall",
            "id": framework.id,
            "dimension": None,
            "previous": before.overall,
            "current": after.overall,
            "previous_coverage": before.coverage,
            "current_coverage": after.coverage,
        }
    ]
    for dimension in framework.dimensions:
        rows.append(
            {
                "level": "dimension",
                "id": dimension.id,
                "dimension": dimension.id,
                "previous": before.by_dimension.loc[dimension.id, "score"],
                "current": after.by_dimension.loc[dimension.id, "score"],
                "previous_coverage": before.by_dimension.loc[dimension.id, "coverage"],
                "current_coverage": after.by_dimension.loc[dimension.id, "coverage"],
            }
        )
        for indicator in dimension.indicators:
            rows.append(
                {
                    "level": "indicator",
                    "id": indicator.id,
                    "dimension": dimension.id,
                    "previous": before.by_indicator.loc[indicator.id, "score"],
                    "current": after.by_indicator.loc[indicator.id, "score"],
                    "previous_coverage": math.nan,
                    "current_coverage": math.nan,
                }
            )
    table = pd.DataFrame(rows)
    for column in ("previous", "current", "previous_coverage", "current_coverage"):
        table[column] = table[column].astype(np.float64)
    table.insert(5, "change", table["current"] - table["previous"])
    return table
