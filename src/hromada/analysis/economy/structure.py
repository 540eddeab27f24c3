"""Sector structure of regions: location quotients, concentration, diversity, specialisation, localisation.

Every function takes a *matrix*: a :class:`pandas.DataFrame` with regions as the index and industries as the
columns, holding non-negative amounts (employment, firms, turnover ...). Where one region on its own makes sense
(concentration, diversity, location quotients against a national ``reference``) a :class:`pandas.Series`
indexed by industry is accepted too and read as a one-row matrix labelled by the Series name (``0`` when it
has none).

Inputs are checked at entry: numeric, finite, non-negative, unique labels. NaN is refused rather than guessed
at; fill missing cells with 0 where they mean "none". Shares whose denominator is zero (a region with no
activity at all, an industry absent from the reference) come out as NaN, never as an error.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from hromada.errors import ValidationError

__all__ = [
    "balassa_rca",
    "gini_localisation",
    "herfindahl",
    "hoover_localisation",
    "krugman_specialisation",
    "location_quotient",
    "shannon_entropy",
    "variety",
]

FloatArray = npt.NDArray[np.float64]

_NAN_POLICY = "NaN is not allowed; fill missing cells with 0 if they mean 'none'"


# --------------------------------------------------------------------------------------------- validation
def _check_unique(labels: pd.Index, param: str, what: str) -> None:
    if not labels.is_unique:
        duplicates = labels[labels.duplicated()].unique().tolist()
        raise ValidationError(f"`{param}` must have unique {what} labels; got duplicates {duplicates!r}")


def _check_cells(
    arr: FloatArray, param: str, where: tuple[tuple[str, pd.Index], ...]
) -> None:  # `where` names each axis of `arr`: ((word, labels), ...)
    def locate(mask: npt.NDArray[np.bool_]) -> str:
        position = tuple(int(i) for i in np.argwhere(mask)[0])
        return ", ".join(f"{word} {labels[i]!r}" for (word, labels), i in zip(where, position, strict=True))

    nan = np.isnan(arr)
    if nan.any():
        raise ValidationError(f"`{param}` must not contain NaN; got NaN at {locate(nan)}. {_NAN_POLICY}")
    infinite = np.isinf(arr)
    if infinite.any():
        raise ValidationError(f"`{param}` must be finite; got {arr[infinite][0]} at {locate(infinite)}")
    negative = arr < 0
    if negative.any():
        raise ValidationError(
            f"`{param}` must be non-negative; got {arr[negative][0]:g} at {locate(negative)}"
        )


def _is_numeric(dtype: Any) -> bool:
    return bool(pd.api.types.is_numeric_dtype(dtype)) and not pd.api.types.is_bool_dtype(dtype)


def _check_dtypes(dtypes: pd.Series[Any], param: str) -> None:
    for column, dtype in dtypes.items():
        if not _is_numeric(dtype):
            raise ValidationError(f"`{param}` must be numeric; got dtype {dtype} for industry {column!r}")


def _as_matrix(
    values: object, param: str = "values", *, allow_series: bool = True, rows: str = "region"
) -> tuple[FloatArray, pd.Index, pd.Index]:
    """Validate a matrix (or one region as a Series) and return its cells as floats with its labels."""
    if allow_series and isinstance(values, pd.Series):
        values = values.to_frame(name=0 if values.name is None else values.name).T
    if not isinstance(values, pd.DataFrame):
        expected = f"a pandas DataFrame ({rows}s x industries)" + (" or Series" if allow_series else "")
        raise ValidationError(f"`{param}` must be {expected}; got {type(values).__name__}")
    if values.shape[0] == 0 or values.shape[1] == 0:
        raise ValidationError(f"`{param}` must have at least one {rows} and one industry; got {values.shape}")
    _check_unique(values.index, param, rows)
    _check_unique(values.columns, param, "industry")
    _check_dtypes(values.dtypes, param)
    arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
    _check_cells(arr, param, ((rows, values.index), ("industry", values.columns)))
    return arr, values.index, values.columns


def _as_vector(values: object, param: str, what: str = "industry") -> tuple[FloatArray, pd.Index]:
    """Validate a Series of non-negative amounts and return its cells as floats with its labels."""
    if not isinstance(values, pd.Series):
        raise ValidationError(
            f"`{param}` must be a pandas Series indexed by {what}; got {type(values).__name__}"
        )
    if len(values) == 0:
        raise ValidationError(f"`{param}` must have at least one {what}; got an empty Series")
    _check_unique(values.index, param, what)
    if not _is_numeric(values.dtype):
        raise ValidationError(f"`{param}` must be numeric; got dtype {values.dtype}")
    arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
    _check_cells(arr, param, ((what, values.index),))
    return arr, values.index


def _reference_totals(reference: object, industries: pd.Index) -> FloatArray:
    arr, labels = _as_vector(reference, "reference")
    missing = industries.difference(labels, sort=False)
    if len(missing) > 0:
        raise ValidationError(
            f"`reference` must contain every industry of `values`; got no value for {missing.tolist()!r}"
        )
    return arr[labels.get_indexer(industries)]


# ------------------------------------------------------------------------------------------------ helpers
def _safe_divide(num: FloatArray, den: FloatArray) -> FloatArray:
    """``num / den`` with NaN wherever ``den`` is zero."""
    num, den = np.broadcast_arrays(num, den)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _row_shares(arr: FloatArray) -> FloatArray:
    return _safe_divide(arr, arr.sum(axis=1, keepdims=True))


def _column_shares(arr: FloatArray) -> FloatArray:
    totals = arr.sum(axis=0)
    return _safe_divide(totals, np.asarray(totals.sum()))


def _plogp(p: FloatArray) -> FloatArray:
    """``p * ln p`` with the limit 0 at ``p == 0`` (NaN stays NaN)."""
    out = np.where(np.isnan(p), np.nan, 0.0)
    np.multiply(p, np.log(p, out=np.zeros_like(p), where=p > 0), out=out, where=p > 0)
    return out


def _check_base(base: float) -> float:
    """Return ``ln(base)`` for a valid logarithm base."""
    valid = isinstance(base, int | float) and not isinstance(base, bool) and math.isfinite(base)
    if not valid or base <= 0 or base == 1:
        raise ValidationError(f"`base` must be a positive number other than 1; got {base!r}")
    return math.log(base)


# -------------------------------------------------------------------------------------- location quotients
def location_quotient(
    values: pd.DataFrame | pd.Series[Any], *, reference: pd.Series[Any] | None = None
) -> pd.DataFrame:
    """Location quotient of every industry in every region.

    Parameters
    ----------
    values
        Matrix of regions x industries, or one region as a Series indexed by industry.
    reference
        National totals by industry, for when `values` holds only some regions (a municipality compared with
        the nation). It must cover every industry of `values`; other industries are ignored, so both shares
        are taken over the same industries. Default: the column sums of `values`.

    Returns
    -------
    pandas.DataFrame
        Same labels as `values`. A region with zero total gets a NaN row; an industry with zero reference
        total gets a NaN column.

    Notes
    -----
    .. math:: LQ_{ri} = \\frac{x_{ri} / x_r}{X_i / X}

    with :math:`x_r = \\sum_i x_{ri}`, :math:`X_i` the reference total of industry *i* and
    :math:`X = \\sum_i X_i`. :math:`LQ > 1` means the region is more specialised in *i* than the reference.
    The national-share weighted mean over industries is one, :math:`\\sum_i (X_i/X) LQ_{ri} = 1`. See
    Isard (1960), *Methods of Regional Analysis*, MIT Press; the same ratio in trade is Balassa's
    revealed comparative advantage (:func:`balassa_rca`).

    Examples
    --------
    >>> import pandas as pd
    >>> town = pd.Series({"farming": 5, "industry": 15, "services": 30})
    >>> nation = pd.Series({"farming": 100, "industry": 100, "services": 800})
    >>> location_quotient(town, reference=nation).round(2).to_numpy().tolist()
    [[1.0, 3.0, 0.75]]
    """
    arr, regions, industries = _as_matrix(values)
    national = arr.sum(axis=0) if reference is None else _reference_totals(reference, industries)
    national_share = _safe_divide(national, np.asarray(national.sum()))
    lq = _safe_divide(_row_shares(arr), national_share[np.newaxis, :])
    return pd.DataFrame(lq, index=regions, columns=industries)


def balassa_rca(
    values: pd.DataFrame | pd.Series[Any], *, reference: pd.Series[Any] | None = None
) -> pd.DataFrame:
    """Balassa's index of revealed comparative advantage: the location quotient under its trade name.

    Parameters
    ----------
    values
        Matrix of countries or regions x products or industries (exports, employment ...), or one row as a
        Series.
    reference
        World (national) totals by product; default: the column sums of `values`.

    Returns
    -------
    pandas.DataFrame
        Same as :func:`location_quotient`.

    Notes
    -----
    .. math:: RCA_{ci} = \\frac{x_{ci} / \\sum_i x_{ci}}{\\sum_c x_{ci} / \\sum_{c,i} x_{ci}}

    Balassa (1965), "Trade liberalisation and 'revealed' comparative advantage", *The Manchester School*
    33(2), 99-123. Identical to :func:`location_quotient`, which this function calls.
    """
    return location_quotient(values, reference=reference)


# ----------------------------------------------------------------------------------- diversity per region
def herfindahl(values: pd.DataFrame | pd.Series[Any]) -> pd.DataFrame:
    """Herfindahl-Hirschman concentration of each region's activity across industries.

    Parameters
    ----------
    values
        Matrix of regions x industries, or one region as a Series indexed by industry.

    Returns
    -------
    pandas.DataFrame
        One row per region with columns ``hhi``, ``hhi_normalized``, ``numbers_equivalent`` and
        ``n_industries``. A region with zero total has NaN measures and ``n_industries`` 0.

    Notes
    -----
    With shares :math:`s_i = x_{ri} / x_r` and :math:`N` the number of industries with a positive value,

    .. math:: H = \\sum_i s_i^2 \\in [1/N, 1], \\quad
              H^* = \\frac{H - 1/N}{1 - 1/N} \\in [0, 1], \\quad
              N_{eq} = 1 / H \\in [1, N].

    :math:`H^*` is defined as 1 when :math:`N = 1` (all activity in one industry is full concentration).
    :math:`1/H` is the number of equal-sized industries with the same concentration (Adelman 1969, "Comment on
    the 'H' concentration measure as a numbers-equivalent", *Review of Economics and Statistics* 51(1),
    99-101). See Hirschman (1964), "The paternity of an index", *American Economic Review* 54(5), 761.

    Examples
    --------
    >>> import pandas as pd
    >>> herfindahl(pd.Series({"a": 50, "b": 30, "c": 20}))["hhi"].round(2).tolist()
    [0.38]
    """
    arr, regions, _ = _as_matrix(values)
    hhi = np.sum(_row_shares(arr) ** 2, axis=1)
    n = np.count_nonzero(arr > 0, axis=1)
    normalized = np.full(hhi.shape, np.nan)
    single = n == 1
    many = n > 1
    normalized[single] = 1.0
    inv_n = 1.0 / n[many]
    normalized[many] = np.clip((hhi[many] - inv_n) / (1.0 - inv_n), 0.0, 1.0)
    frame = {
        "hhi": hhi,
        "hhi_normalized": normalized,
        "numbers_equivalent": _safe_divide(np.ones_like(hhi), hhi),
        "n_industries": n.astype(np.int64),
    }
    return pd.DataFrame(frame, index=regions)


def shannon_entropy(values: pd.DataFrame | pd.Series[Any], *, base: float = 2.0) -> pd.Series[float]:
    """Shannon entropy of each region's distribution of activity across industries.

    Parameters
    ----------
    values
        Matrix of regions x industries, or one region as a Series indexed by industry.
    base
        Base of the logarithm: 2 gives bits, ``math.e`` nats.

    Returns
    -------
    pandas.Series
        Entropy per region, named ``"entropy_base2"`` (``"entropy_basee"`` for base e, otherwise the base in
        ``%g`` format), with the base also in ``attrs["base"]``. NaN for a region with zero total.

    Notes
    -----
    .. math:: E_r = -\\sum_{i: s_{ri} > 0} s_{ri} \\log_b s_{ri} \\in [0, \\log_b N]

    Shannon (1948), "A mathematical theory of communication", *Bell System Technical Journal* 27, 379-423.

    Examples
    --------
    >>> import pandas as pd
    >>> float(shannon_entropy(pd.Series({"a": 2, "b": 1, "c": 1})).iloc[0])
    1.5
    """
    log_base = _check_base(base)
    arr, regions, _ = _as_matrix(values)
    entropy = -np.sum(_plogp(_row_shares(arr)), axis=1) / log_base
    label = "e" if base == math.e else f"{base:g}"
    result = pd.Series(entropy, index=regions, name=f"entropy_base{label}")
    result.attrs["base"] = base
    return result


def variety(
    values: pd.DataFrame | pd.Series[Any],
    grouping: Mapping[Any, Hashable] | pd.Series[Any],
    *,
    base: float = 2.0,
) -> pd.DataFrame:
    """Total, unrelated and related variety of each region (entropy decomposition).

    Parameters
    ----------
    values
        Matrix of regions x fine industries (e.g. NACE divisions), or one region as a Series.
    grouping
        Coarse group of every industry of `values` (e.g. NACE division -> section), as a mapping or a Series
        indexed by industry. Extra entries are ignored.
    base
        Base of the logarithm.

    Returns
    -------
    pandas.DataFrame
        One row per region with columns ``total_variety``, ``unrelated_variety`` and ``related_variety``;
        NaN for a region with zero total.

    Notes
    -----
    With industry shares :math:`s_i`, group shares :math:`S_g = \\sum_{i \\in g} s_i` and within-group
    entropy :math:`H_g = -\\sum_{i \\in g} (s_i / S_g) \\log_b (s_i / S_g)`,

    .. math:: UV = -\\sum_g S_g \\log_b S_g, \\qquad RV = \\sum_g S_g H_g, \\qquad
              TV = -\\sum_i s_i \\log_b s_i = UV + RV.

    The identity is Theil's (1972) decomposition of entropy (*Statistical Decomposition Analysis*,
    North-Holland); the reading as unrelated and related variety is Frenken, Van Oort & Verburg (2007),
    "Related variety, unrelated variety and regional economic growth", *Regional Studies* 41(5), 685-697.
    Each part is computed on its own (not as a difference), so the identity is a check.
    """
    log_base = _check_base(base)
    arr, regions, industries = _as_matrix(values)
    if isinstance(grouping, pd.Series):
        _check_unique(grouping.index, "grouping", "industry")
        groups = grouping
    elif isinstance(grouping, Mapping):
        groups = pd.Series(
            list(grouping.values()), index=pd.Index(list(grouping.keys()), tupleize_cols=False)
        )
    else:
        raise ValidationError(
            f"`grouping` must be a mapping or Series industry -> group; got {type(grouping).__name__}"
        )
    unknown = industries.difference(groups.index, sort=False)
    if len(unknown) > 0:
        raise ValidationError(
            f"`grouping` must give a group for every industry; got none for {unknown.tolist()!r}"
        )
    groups = groups.reindex(industries)
    if groups.isna().any():
        missing = industries[groups.isna().to_numpy()].tolist()
        raise ValidationError(
            f"`grouping` must give a group for every industry; got a missing group for {missing!r}"
        )
    codes, uniques = pd.factorize(groups)
    indicator = np.zeros((len(industries), len(uniques)))
    indicator[np.arange(len(industries)), codes] = 1.0
    shares = _row_shares(arr)
    group_shares = shares @ indicator
    own_group = group_shares[:, codes]
    within = _plogp(_safe_divide(shares, own_group))
    within = np.where(shares > 0, within, 0.0)  # zero shares contribute nothing, whatever their group does
    related = -np.sum(own_group * within, axis=1) / log_base
    unrelated = -np.sum(_plogp(group_shares), axis=1) / log_base
    total = -np.sum(_plogp(shares), axis=1) / log_base
    related[np.isnan(total)] = np.nan
    frame = {"total_variety": total, "unrelated_variety": unrelated, "related_variety": related}
    return pd.DataFrame(frame, index=regions)


# ---------------------------------------------------------------------------- specialisation, localisation
def krugman_specialisation(
    values: pd.DataFrame | pd.Series[Any], *, reference: pd.Series[Any] | None = None
) -> pd.Series[float]:
    """Krugman's dissimilarity index of each region's industry mix from the reference mix.

    Parameters
    ----------
    values
        Matrix of regions x industries, or one region as a Series indexed by industry.
    reference
        National totals by industry (see :func:`location_quotient`); default: the column sums of `values`.

    Returns
    -------
    pandas.Series
        ``krugman`` per region, in [0, 2]; NaN for a region with zero total.

    Notes
    -----
    .. math:: K_r = \\sum_i \\left| \\frac{x_{ri}}{x_r} - \\frac{X_i}{X} \\right|

    0 for a region with the reference's mix, 2 for one with no industry in common with it. Krugman (1991),
    *Geography and Trade*, MIT Press.
    """
    arr, regions, industries = _as_matrix(values)
    national = arr.sum(axis=0) if reference is None else _reference_totals(reference, industries)
    national_share = _safe_divide(national, np.asarray(national.sum()))
    k = np.sum(np.abs(_row_shares(arr) - national_share[np.newaxis, :]), axis=1)
    return pd.Series(k, index=regions, name="krugman")


def hoover_localisation(values: pd.DataFrame) -> pd.Series[float]:
    """Hoover's coefficient of localisation of each industry across regions.

    Parameters
    ----------
    values
        Matrix of regions x industries.

    Returns
    -------
    pandas.Series
        ``hoover`` per industry, in [0, 1); NaN for an industry with zero total.

    Notes
    -----
    .. math:: HL_i = \\tfrac12 \\sum_r \\left| \\frac{x_{ri}}{X_i} - \\frac{x_r}{X} \\right|

    The share of the industry that would have to move for it to be spread like activity as a whole; it
    equals the largest vertical gap between the diagonal and the localisation curve of
    :func:`gini_localisation`. Hoover (1936), "The measurement of industrial localization", *Review of
    Economics and Statistics* 18(4), 162-171.
    """
    arr, _, industries = _as_matrix(values, allow_series=False)
    region_share = _safe_divide(arr.sum(axis=1), np.asarray(arr.sum()))
    industry_share = _safe_divide(arr, arr.sum(axis=0, keepdims=True))
    h = 0.5 * np.sum(np.abs(industry_share - region_share[:, np.newaxis]), axis=0)
    return pd.Series(h, index=industries, name="hoover")


def gini_localisation(values: pd.DataFrame) -> pd.Series[float]:
    """Locational Gini coefficient of each industry across regions.

    Parameters
    ----------
    values
        Matrix of regions x industries.

    Returns
    -------
    pandas.Series
        ``gini`` per industry, in [0, 1); NaN for an industry with zero total.

    Notes
    -----
    For industry *i* let :math:`a_r = x_r / X` be each region's share of all activity and
    :math:`b_r = x_{ri} / X_i` its share of the industry, so that :math:`LQ_{ri} = b_r / a_r`. Order the
    regions by ascending :math:`LQ_{ri}` and draw the localisation (Lorenz) curve through the points
    :math:`(A_k, B_k)` of cumulative shares, :math:`A_k = \\sum_{j \\le k} a_j`, :math:`B_k = \\sum_{j \\le k}
    b_j`, starting at (0, 0). The Gini coefficient is twice the area between the diagonal and the curve:

    .. math:: G_i = 1 - \\sum_k a_k (B_{k-1} + B_k).

    It is 0 when the industry is spread exactly like total activity and approaches 1 when it sits in one
    small region. Regions with zero total have zero width and height and do not count; ties in LQ do not
    change the curve. Krugman (1991), *Geography and Trade*, MIT Press (locational Ginis of US industries).
    Hoover's coefficient :math:`HL_i` is the curve's largest vertical gap, and :math:`HL_i \\le G_i \\le
    2 HL_i`.
    """
    arr, _, industries = _as_matrix(values, allow_series=False)
    a = _safe_divide(arr.sum(axis=1), np.asarray(arr.sum()))
    a = np.nan_to_num(a, nan=0.0)
    b = _safe_divide(arr, arr.sum(axis=0, keepdims=True))  # NaN columns for industries with zero total
    lq = np.nan_to_num(_safe_divide(b, a[:, np.newaxis]), nan=0.0)  # zero-total regions: width 0, height 0
    order = np.argsort(lq, axis=0, kind="stable")
    a_sorted = a[order]
    cum_b = np.cumsum(np.take_along_axis(b, order, axis=0), axis=0)
    previous = np.vstack([np.zeros((1, cum_b.shape[1])), cum_b[:-1]])
    g = 1.0 - np.sum(a_sorted * (previous + cum_b), axis=0)
    return pd.Series(g, index=industries, name="gini")
