"""Shift-share analysis: split a region's change by industry into national, industry-mix and competitive parts.

Inputs are non-negative amounts (employment, firms, turnover ...) by industry for the region and the nation,
checked as in :mod:`hromada.analysis.economy.structure`. All inputs must carry the same industries: pass the
full national list and give the region 0 where it has none of an industry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from hromada.analysis.economy.structure import FloatArray, _as_matrix, _as_vector
from hromada.errors import ValidationError

__all__ = ["ShiftShareResult", "dynamic_shift_share", "shift_share"]

_CLASSIC = ["base", "final", "change", "national_share", "industry_mix", "competitive"]


@dataclass(frozen=True, eq=False)
class ShiftShareResult:
    """The components of a shift-share decomposition.

    Attributes
    ----------
    components
        One row per industry with columns ``base``, ``final``, ``change``, ``national_share``,
        ``industry_mix`` and ``competitive``; with Esteban-Marquillas also ``net_competitive`` and
        ``allocation``. In every row ``change = national_share + industry_mix + competitive`` and
        ``competitive = net_competitive + allocation``.
    totals
        Column sums of `components` (the region as a whole).
    method
        ``"classic"``, ``"esteban-marquillas"`` or ``"dynamic"``.
    by_period
        Dynamic method only: the classic components of every pair of consecutive periods as a long frame
        with columns ``period_start``, ``period_end``, ``industry`` and the component columns; else None.
    """

    components: pd.DataFrame
    totals: pd.Series[float]
    method: Literal["classic", "esteban-marquillas", "dynamic"]
    by_period: pd.DataFrame | None = None


def _aligned(values: object, param: str, industries: pd.Index, anchor: str) -> FloatArray:
    arr, labels = _as_vector(values, param)
    if not labels.equals(industries):
        missing = industries.difference(labels, sort=False).tolist()
        extra = labels.difference(industries, sort=False).tolist()
        if missing or extra:
            raise ValidationError(
                f"`{param}` must have the same industries as `{anchor}`; got missing {missing!r}, extra {extra!r}"
            )
        arr = arr[labels.get_indexer(industries)]
    return arr


def _classic(
    e0: FloatArray, et: FloatArray, n0: FloatArray, nt: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """National share, industry mix and competitive effect; industries on the last axis."""
    growth = nt.sum(axis=-1, keepdims=True) / n0.sum(axis=-1, keepdims=True) - 1.0
    known = n0 > 0  # industry growth G_i defined
    industry_growth = np.divide(nt, n0, out=np.ones_like(n0), where=known) - 1.0
    national_share = np.where(known, e0 * growth, 0.0)
    industry_mix = np.where(known, e0 * (industry_growth - growth), 0.0)
    competitive = (et - e0) - national_share - industry_mix
    return national_share, industry_mix, competitive


def _frame(columns: dict[str, FloatArray], industries: pd.Index) -> tuple[pd.DataFrame, pd.Series[float]]:
    components = pd.DataFrame(columns, index=industries)
    totals = components.sum(axis=0).astype(np.float64).rename("total")
    return components, totals


def shift_share(
    regional_base: pd.Series[Any],
    regional_final: pd.Series[Any],
    national_base: pd.Series[Any],
    national_final: pd.Series[Any],
    *,
    method: Literal["classic", "esteban-marquillas"] = "classic",
) -> ShiftShareResult:
    """Shift-share decomposition of a region's change by industry between two periods.

    Parameters
    ----------
    regional_base
        The region's amounts by industry in the base period.
    regional_final
        The region's amounts by industry in the final period.
    national_base
        The nation's amounts by industry in the base period; its total must be positive.
    national_final
        The nation's amounts by industry in the final period.
    method
        ``"classic"`` (Dunn 1960) or ``"esteban-marquillas"``, which also splits the competitive effect into
        net competitive and allocation effects.

    Returns
    -------
    ShiftShareResult
        Components per industry (in the order of `regional_base`) and their totals.

    Notes
    -----
    With regional amounts :math:`e_{i0}, e_{it}`, national :math:`E_{i0}, E_{it}`, national growth
    :math:`G = E_t / E_0 - 1` over all industries, national industry growth :math:`G_i = E_{it}/E_{i0} - 1`
    and regional industry growth :math:`g_i = e_{it}/e_{i0} - 1` (Dunn 1960, "A statistical and analytical
    technique for regional analysis", *Papers and Proceedings of the Regional Science Association* 6,
    97-112):

    .. math:: NS_i = e_{i0} G, \\quad IM_i = e_{i0} (G_i - G), \\quad
              CE_i = (e_{it} - e_{i0}) - NS_i - IM_i = e_{i0} (g_i - G_i).

    The competitive effect is computed in the absolute (first) form, so the three parts always add up to the
    change. Zero bases are handled as follows:

    - :math:`e_{i0} = 0` (industry new in the region): :math:`NS_i = IM_i = 0` and the whole change
      :math:`e_{it}` is competitive.
    - :math:`E_{i0} = 0` (industry new in the nation, :math:`G_i` undefined): :math:`NS_i = IM_i = 0` and
      the whole regional change is competitive. (When the region is part of the nation, :math:`e_{i0} = 0`
      here as well.)

    Esteban-Marquillas (1972), "A reinterpretation of shift-share analysis", *Regional and Urban Economics*
    2(3), 249-255, uses the homothetic amount :math:`e^*_{i0} = e_0 E_{i0} / E_0` (the region's base total
    spread like the nation's) and splits

    .. math:: CE_i = \\underbrace{e^*_{i0} (g_i - G_i)}_{\\text{net competitive}}
              + \\underbrace{(e_{i0} - e^*_{i0}) (g_i - G_i)}_{\\text{allocation}}.

    Where :math:`e_{i0} = 0`, :math:`g_i` is undefined: the net competitive effect is set to 0 and the
    allocation effect carries the whole competitive effect, so the components still add up to the change.

    Examples
    --------
    >>> import pandas as pd
    >>> r0, r1 = pd.Series({"a": 100, "b": 200}), pd.Series({"a": 120, "b": 190})
    >>> n0, n1 = pd.Series({"a": 1000, "b": 4000}), pd.Series({"a": 1100, "b": 4200})
    >>> shift_share(r0, r1, n0, n1).totals["change"]
    np.float64(10.0)
    """
    if method not in ("classic", "esteban-marquillas"):
        raise ValidationError(f"`method` must be one of 'classic', 'esteban-marquillas'; got {method!r}")
    e0, industries = _as_vector(regional_base, "regional_base")
    et = _aligned(regional_final, "regional_final", industries, "regional_base")
    n0 = _aligned(national_base, "national_base", industries, "regional_base")
    nt = _aligned(national_final, "national_final", industries, "regional_base")
    if n0.sum() <= 0:
        raise ValidationError(f"`national_base` must have a positive total; got {n0.sum():g}")
    national_share, industry_mix, competitive = _classic(e0, et, n0, nt)
    columns = dict(zip(_CLASSIC, [e0, et, et - e0, national_share, industry_mix, competitive], strict=True))
    if method == "esteban-marquillas":
        homothetic = e0.sum() * n0 / n0.sum()
        present = e0 > 0
        relative_growth = np.divide(competitive, e0, out=np.zeros_like(e0), where=present)  # g_i - G_i
        columns["net_competitive"] = homothetic * relative_growth
        columns["allocation"] = np.where(present, (e0 - homothetic) * relative_growth, competitive)
    components, totals = _frame(columns, industries)
    return ShiftShareResult(components=components, totals=totals, method=method)


def dynamic_shift_share(regional: pd.DataFrame, national: pd.DataFrame) -> ShiftShareResult:
    """Dynamic shift-share: classic shift-share year by year, summed over the whole period.

    Parameters
    ----------
    regional
        The region's amounts, one row per period (ascending, e.g. years) and one column per industry.
    national
        The nation's amounts with the same periods and industries; its total must be positive in every
        period but the last.

    Returns
    -------
    ShiftShareResult
        ``method="dynamic"``; `components` hold the first-period ``base``, last-period ``final``, their
        ``change`` and the summed effects; `by_period` holds each pair of consecutive periods.

    Notes
    -----
    For consecutive periods :math:`t-1, t` the classic components of :func:`shift_share` are computed with
    period :math:`t-1` as base, then summed:

    .. math:: NS_i = \\sum_t e_{i,t-1} G_t, \\quad IM_i = \\sum_t e_{i,t-1} (G_{it} - G_t), \\quad
              CE_i = \\sum_t \\left[(e_{it} - e_{i,t-1}) - NS_{it} - IM_{it}\\right].

    Because each period's parts add up to that period's change, the sums add up to the change over the whole
    period. Updating the base every period avoids the drift of a fixed base year. Barff & Knight (1988),
    "Dynamic shift-share analysis", *Growth and Change* 19(2), 1-10.
    """
    reg, periods, industries = _as_matrix(regional, "regional", allow_series=False, rows="period")
    nat, nat_periods, nat_industries = _as_matrix(national, "national", allow_series=False, rows="period")
    if len(periods) < 2:
        raise ValidationError(f"`regional` must have at least 2 periods; got {len(periods)}")
    if not periods.is_monotonic_increasing:
        raise ValidationError(f"`regional` must have periods sorted ascending; got {periods.tolist()!r}")
    if not nat_periods.equals(periods):
        raise ValidationError(
            f"`national` must have the same periods as `regional`; got {nat_periods.tolist()!r}, "
            f"expected {periods.tolist()!r}"
        )
    missing = industries.difference(nat_industries, sort=False).tolist()
    extra = nat_industries.difference(industries, sort=False).tolist()
    if missing or extra:
        raise ValidationError(
            f"`national` must have the same industries as `regional`; got missing {missing!r}, extra {extra!r}"
        )
    nat = nat[:, nat_industries.get_indexer(industries)]
    zero = nat[:-1].sum(axis=1) <= 0
    if zero.any():
        raise ValidationError(
            f"`national` must have a positive total in every base period; got 0 in {periods[:-1][zero].tolist()!r}"
        )
    national_share, industry_mix, competitive = _classic(reg[:-1], reg[1:], nat[:-1], nat[1:])
    n_periods, n_industries = national_share.shape
    by_period = pd.DataFrame(
        {
            "period_start": np.repeat(periods[:-1].to_numpy(), n_industries),
            "period_end": np.repeat(periods[1:].to_numpy(), n_industries),
            "industry": np.tile(industries.to_numpy(), n_periods),
            "base": reg[:-1].ravel(),
            "final": reg[1:].ravel(),
            "change": (reg[1:] - reg[:-1]).ravel(),
            "national_share": national_share.ravel(),
            "industry_mix": industry_mix.ravel(),
            "competitive": competitive.ravel(),
        }
    )
    effects = [national_share.sum(axis=0), industry_mix.sum(axis=0), competitive.sum(axis=0)]
    summed = [reg[0], reg[-1], reg[-1] - reg[0], *effects]
    components, totals = _frame(dict(zip(_CLASSIC, summed, strict=True)), industries)
    return ShiftShareResult(components=components, totals=totals, method="dynamic", by_period=by_period)
