"""A validated, dense year x region x industry panel: the input of the complexity and relatedness measures.

Long tables (one row per year, region, industry and value) arrive from files, the database or an analyst's
own frame. :func:`to_panel` checks them once, with one message format, and turns them into a dense
``(years, regions, industries)`` array so that every later step is a matrix operation over the whole panel.

Policies, all explicit:

* negative values are rejected (the measures assume counts or amounts);
* NaN is rejected unless ``missing="zero"`` says that a missing value means "none";
* duplicate ``(year, region, industry)`` keys are rejected unless ``duplicates="sum"`` adds them (never
  "first one kept");
* absent cells mean zero (statistics are usually published without their zero cells).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from hromada.analysis.economy._memory import plain_zeros
from hromada.errors import ValidationError

__all__ = ["COLUMNS", "Panel", "to_panel"]

COLUMNS: tuple[str, str, str, str] = ("year", "region", "industry", "value")
FloatArray = npt.NDArray[np.float64]

_MAX_CELLS = 400_000_000  # 3.2 GB of float64: beyond this a dense panel is not the right tool.


@dataclass(frozen=True, eq=False)
class Panel:
    """A dense panel of non-negative values.

    Attributes
    ----------
    years
        The years, ascending.
    regions
        The region labels, sorted; the same in every year (a region absent in a year has zeros there).
    industries
        The industry labels, sorted.
    values
        ``(len(years), len(regions), len(industries))`` array; absent cells are 0.
    data_hash
        SHA-256 of the labels and values, so that a stored result names exactly the data it was computed from.
    """

    years: pd.Index
    regions: pd.Index
    industries: pd.Index
    values: FloatArray

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(years, regions, industries)``."""
        t, r, i = self.values.shape
        return (t, r, i)

    @cached_property
    def data_hash(self) -> str:
        """SHA-256 of the labels and values (hex)."""
        digest = hashlib.sha256()
        for labels in (self.years, self.regions, self.industries):
            digest.update("\x1f".join(map(str, labels)).encode("utf-8"))
            digest.update(b"\x1e")
        digest.update(np.ascontiguousarray(self.values).tobytes())
        return digest.hexdigest()

    def year_position(self, year: int) -> int:
        """Return the position of ``year``; raise :class:`ValidationError` when it is not in the panel."""
        position = self.years.get_indexer(pd.Index([year]))[0]
        if position < 0:
            raise ValidationError(f"`year` must be one of {list(self.years)}; got {year!r}")
        return int(position)

    def region_position(self, region: str) -> int:
        """Return the position of ``region``; raise :class:`ValidationError` when it is not in the panel."""
        position = self.regions.get_indexer(pd.Index([region]))[0]
        if position < 0:
            raise ValidationError(f"`region` {region!r} is not in the panel")
        return int(position)

    def frame(self, year: int) -> pd.DataFrame:
        """Return one year as a region x industry frame."""
        return pd.DataFrame(
            self.values[self.year_position(year)], index=self.regions, columns=self.industries
        )


def _require_columns(data: pd.DataFrame, names: Mapping[str, str]) -> None:
    missing = [f"{role} ({column!r})" for role, column in names.items() if column not in data.columns]
    if missing:
        raise ValidationError(
            f"`data` must have the columns {', '.join(missing)}; got {', '.join(map(repr, data.columns))}"
        )


def _numeric_values(raw: pd.Series, column: str, data: pd.DataFrame) -> FloatArray:
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValidationError(
            f"`{column}` must be a number; got {raw.iloc[position]!r} in row {position + 1} "
            f"({int(bad.sum())} such rows)"
        )
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def _years(raw: pd.Series, column: str) -> npt.NDArray[np.int64]:
    years = pd.to_numeric(raw, errors="coerce")
    as_float = years.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(as_float) | (as_float != np.round(as_float))
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise ValidationError(
            f"`{column}` must be a whole year such as 2021; got {raw.iloc[position]!r} in row {position + 1}"
        )
    return as_float.astype(np.int64)


def _factorize_labels(raw: pd.Series, column: str) -> tuple[npt.NDArray[np.int64], pd.Index]:
    """Codes and sorted unique labels (as stripped strings) of a label column."""
    if raw.isna().any():
        position = int(np.flatnonzero(raw.isna().to_numpy())[0])
        raise ValidationError(f"`{column}` must not be empty; row {position + 1} has no {column}")
    if isinstance(raw.dtype, pd.CategoricalDtype):
        # Factorise the categories, not the rows: far faster on national panels.
        category_codes, labels = pd.factorize(pd.Index(raw.cat.categories.astype(str)).str.strip(), sort=True)
        codes = category_codes[raw.cat.codes.to_numpy()]
        used = np.flatnonzero(np.bincount(codes, minlength=len(labels)))
        remap = np.full(len(labels), -1, dtype=np.int64)
        remap[used] = np.arange(used.size)
        return remap[codes], pd.Index(labels[used])
    codes, labels = pd.factorize(raw.astype(str).str.strip(), sort=True)
    return codes.astype(np.int64), pd.Index(labels)


def to_panel(
    data: pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    duplicates: Literal["raise", "sum"] = "raise",
    missing: Literal["raise", "zero"] = "raise",
) -> Panel:
    """Validate a long table and return it as a dense :class:`Panel`.

    Parameters
    ----------
    data
        One row per year, region, industry and value.
    columns
        Column names for the roles ``year``, ``region``, ``industry`` and ``value`` when they differ from
        those names, for example ``{"region": "hromada", "industry": "kved"}``.
    duplicates
        ``"raise"`` (default) rejects repeated ``(year, region, industry)`` keys; ``"sum"`` adds them.
    missing
        ``"raise"`` (default) rejects NaN values; ``"zero"`` reads them as 0.

    Returns
    -------
    Panel
        Years ascending, regions and industries sorted as strings.

    Raises
    ------
    ValidationError
        A column is missing, a value is not a number, negative or NaN (under ``missing="raise"``), a year is
        not a whole number, a label is empty, or a key repeats (under ``duplicates="raise"``).
    """
    if duplicates not in ("raise", "sum"):
        raise ValidationError(f"`duplicates` must be 'raise' or 'sum'; got {duplicates!r}")
    if missing not in ("raise", "zero"):
        raise ValidationError(f"`missing` must be 'raise' or 'zero'; got {missing!r}")
    if not isinstance(data, pd.DataFrame):
        raise ValidationError(f"`data` must be a pandas DataFrame; got {type(data).__name__}")
    names = {role: role for role in COLUMNS}
    if columns:
        unknown = sorted(set(columns) - set(COLUMNS))
        if unknown:
            raise ValidationError(f"`columns` keys must be among {list(COLUMNS)}; got {unknown}")
        names.update(columns)
    _require_columns(data, names)
    if data.empty:
        raise ValidationError("`data` must have at least one row; got an empty table")

    values = _numeric_values(data[names["value"]], names["value"], data)
    nan = np.isnan(values)
    if nan.any():
        if missing == "raise":
            position = int(np.flatnonzero(nan)[0])
            raise ValidationError(
                f"`{names['value']}` must not be missing (NaN) unless missing='zero' is chosen; "
                f"row {position + 1} is empty ({int(nan.sum())} such rows)"
            )
        values = np.where(nan, 0.0, values)
    if np.isinf(values).any():
        position = int(np.flatnonzero(np.isinf(values))[0])
        raise ValidationError(
            f"`{names['value']}` must be finite; got {values[position]} in row {position + 1}"
        )
    negative = values < 0
    if negative.any():
        position = int(np.flatnonzero(negative)[0])
        raise ValidationError(
            f"`{names['value']}` must be zero or positive; got {values[position]:g} in row {position + 1} "
            f"({data[names['region']].iloc[position]}, {data[names['industry']].iloc[position]}, "
            f"{data[names['year']].iloc[position]}); {int(negative.sum())} negative rows"
        )

    year_values = _years(data[names["year"]], names["year"])
    year_codes, years = pd.factorize(year_values, sort=True)
    region_codes, regions = _factorize_labels(data[names["region"]], names["region"])
    industry_codes, industries = _factorize_labels(data[names["industry"]], names["industry"])
    n_t, n_r, n_i = len(years), len(regions), len(industries)
    if n_t * n_r * n_i > _MAX_CELLS:
        raise ValidationError(
            f"`data` must span at most {_MAX_CELLS:,} year x region x industry cells; got {n_t} x {n_r} x {n_i}"
        )
    flat = (year_codes.astype(np.int64) * n_r + region_codes) * n_i + industry_codes
    cells = n_t * n_r * n_i
    dense = plain_zeros((cells,))
    if duplicates == "raise":
        dense[flat] = values
        marks = np.zeros(cells, dtype=np.uint8)
        marks[flat] = 1
        if int(marks.sum(dtype=np.int64)) != flat.size:
            counts = np.bincount(flat, minlength=cells)
            repeated = np.flatnonzero(counts > 1)
            t, rest = divmod(int(repeated[0]), n_r * n_i)
            r, i = divmod(rest, n_i)
            raise ValidationError(
                f"each (year, region, industry) must appear once unless duplicates='sum' is chosen; "
                f"({years[t]}, {regions[r]}, {industries[i]}) repeats ({repeated.size} keys repeat)"
            )
        del marks
    else:
        dense[:] = np.bincount(flat, weights=values, minlength=cells)
    return Panel(
        years=pd.Index(years, name="year"),
        regions=pd.Index(regions, name="region"),
        industries=pd.Index(industries, name="industry"),
        values=dense.reshape(n_t, n_r, n_i),
    )
