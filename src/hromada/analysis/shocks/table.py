"""The input-output table: one validated, frozen object with labels in input order and explicit money.

Every shock model of :mod:`hromada.analysis.shocks` takes an :class:`IOTable`. Its labels are
``(region, sector)`` pairs kept in the order given (never sorted), and its money (unit and scale) is stated
once and compared wherever amounts meet (an event's damage, a second table): a mismatch raises instead of
being rescaled behind the user's back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from hromada.errors import ImportIssue, ImportValidationError, ValidationError

__all__ = ["IOTable", "Money"]

FloatArray = npt.NDArray[np.float64]

_SCALE_WORDS = {1.0: "", 1e3: "thousand ", 1e6: "million ", 1e9: "billion "}
_LEVELS = ["region", "sector"]
_BALANCE_RTOL = 1e-6
_LONG_KINDS = ("Z", "Y", "VA", "employment")


@dataclass(frozen=True)
class Money:
    """The money a table's amounts are in: ``unit`` (a currency code) times ``scale``.

    >>> str(Money("UAH", 1e6))
    'million UAH'
    """

    unit: str
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.unit, str) or not self.unit.strip():
            raise ValidationError(f"`unit` must be a currency code such as 'UAH'; got {self.unit!r}")
        if (
            isinstance(self.scale, bool)
            or not isinstance(self.scale, int | float)
            or not np.isfinite(self.scale)
        ):
            raise ValidationError(f"`scale` must be a positive number; got {self.scale!r}")
        if self.scale <= 0:
            raise ValidationError(f"`scale` must be a positive number; got {self.scale!r}")

    def __str__(self) -> str:
        word = _SCALE_WORDS.get(float(self.scale))
        return f"{word}{self.unit}" if word is not None else f"{self.scale:g} {self.unit}"

    def check_same(self, other: Money, what: str) -> None:
        """Raise :class:`~hromada.errors.ValidationError` unless ``other`` is the same money.

        Parameters
        ----------
        other
            The money of the amounts compared with the table's.
        what
            Names those amounts in the message (e.g. ``"the damage"``).
        """
        if not isinstance(other, Money):
            raise ValidationError(f"{what} must be given with a Money(unit, scale); got {other!r}")
        if (self.unit, float(self.scale)) != (other.unit, float(other.scale)):
            raise ValidationError(f"{what} must be in {self}, the table's money; got {other}")


# ------------------------------------------------------------------------------------------- helpers
def _name(label: Hashable) -> Hashable:
    return tuple(str(v) for v in label) if isinstance(label, tuple) else label


def _names(labels: Sequence[Hashable] | pd.Index, limit: int = 5) -> list[Hashable]:
    return [_name(v) for v in list(labels)[:limit]]


def _two_level(index: pd.Index, region: str, what: str) -> pd.MultiIndex:
    """Labels as a ``(region, sector)`` MultiIndex of strings; single-level labels get ``region``."""
    if isinstance(index, pd.MultiIndex):
        if index.nlevels != 2:
            raise ValidationError(
                f"`{what}` must be labelled by (region, sector); got {index.nlevels} levels"
            )
        regions, sectors = index.get_level_values(0), index.get_level_values(1)
    else:
        regions, sectors = pd.Index([region] * len(index)), index
    return pd.MultiIndex.from_arrays([regions.astype(str), sectors.astype(str)], names=_LEVELS)


def _check_unique(index: pd.Index, what: str) -> None:
    if index.has_duplicates:
        repeated = _names(index[index.duplicated()].unique())
        raise ValidationError(f"`{what}` must have unique labels; got repeated {repeated!r}")


def _check_labels(labels: pd.Index, other: pd.Index, what: str, *, order: bool = True) -> None:
    """Raise unless ``other`` holds exactly ``labels`` (in the same order where ``order``)."""
    if labels.equals(other):
        return
    mine, theirs = set(labels), set(other)
    missing = [x for x in labels if x not in theirs]
    extra = [x for x in other if x not in mine]
    if missing or extra or len(labels) != len(other):
        raise ValidationError(
            f"`{what}` must have the same industries as Z; got missing {_names(missing)!r}, "
            f"extra {_names(extra)!r}"
        )
    if order:
        raise ValidationError(
            f"`{what}` must list the industries in the order of Z; got {_names(other)!r}..., "
            f"expected {_names(labels)!r}..."
        )


def _aligned(labels: pd.MultiIndex, other: pd.MultiIndex, what: str) -> npt.NDArray[np.intp]:
    """Positions in ``other`` of each of ``labels`` (the label sets must be equal)."""
    _check_unique(other, what)
    _check_labels(labels, other, what, order=False)
    return np.asarray(other.get_indexer(labels), dtype=np.intp)


def _numbers(frame: pd.DataFrame | pd.Series[Any], what: str) -> FloatArray:
    try:
        values = frame.to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        dtypes = frame.dtypes if isinstance(frame, pd.DataFrame) else pd.Series([frame.dtype])
        bad = [str(d) for d in dtypes if not pd.api.types.is_numeric_dtype(d)]
        raise ValidationError(
            f"`{what}` must be numeric; got dtype {', '.join(dict.fromkeys(bad))}"
        ) from None
    return np.array(values, dtype=np.float64)  # a fresh, writeable copy


def _check_finite(values: FloatArray, rows: pd.Index, cols: pd.Index | None, what: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        where = np.argwhere(bad)[0]
        at = f"row {_name(rows[where[0]])!r}" + (
            f", column {_name(cols[where[1]])!r}" if cols is not None else ""
        )
        raise ValidationError(f"`{what}` must hold finite numbers; got {values[tuple(where)]} at {at}")


def _check_non_negative(values: FloatArray, rows: pd.Index, cols: pd.Index | None, what: str) -> None:
    bad = values < 0
    if bad.any():
        where = np.argwhere(bad)[0]
        at = f"row {_name(rows[where[0]])!r}" + (
            f", column {_name(cols[where[1]])!r}" if cols is not None else ""
        )
        raise ValidationError(f"`{what}` must be non-negative; got {values[tuple(where)]:g} at {at}")


def _spectral_radius(a: FloatArray) -> float:
    """:math:`\\rho(A)`, or a bound below 1 when a norm already shows that :math:`\\rho(A) < 1`."""
    if a.size == 0:
        return 0.0
    bound = min(float(a.sum(axis=0).max()), float(a.sum(axis=1).max()))  # rho(A) <= ||A||_1, ||A||_inf
    if bound < 1.0:
        return bound
    return float(np.max(np.abs(np.linalg.eigvals(a))))


# --------------------------------------------------------------------------------------------- table
@dataclass(frozen=True, eq=False)
class IOTable:
    """A validated input-output table (yearly flows).

    Build one with :meth:`from_frames`, :meth:`from_long` or :meth:`from_pymrio`; the constructor itself wants
    the parts already labelled by ``(region, sector)``. The parts are stored as float64 copies.

    Attributes
    ----------
    Z
        Intermediate flows, ``N x N``: row = supplying industry, column = buying industry. Index and columns
        are the same two-level ``(region, sector)`` labels (names ``["region", "sector"]``), in the order
        given, never re-sorted.
    Y
        Final demand, ``N`` rows in Z's order; one column per category (a plain index), or per
        ``(region, category)`` for multi-regional tables.
    value_added
        Value added, one row per component (e.g. ``compensation``, ``other``), one column per industry. Single
        cells may be negative (net taxes less subsidies), each industry's total may not.
    money
        Unit and scale of every amount.
    employment
        Persons employed per industry, optional.
    name
        A short name for reports.
    synthetic
        Whether the table is synthetic (shown wherever it is used).

    Notes
    -----
    Checks on construction, each raising :class:`~hromada.errors.ValidationError` with the offending labels:

    - finite numbers; non-negative flows, final demand and employment; unique labels, identical (and in the
      same order) across the parts;
    - the balance of every industry :math:`j`, total input equal to total output within a relative 1e-6:

      .. math:: \\sum_i Z_{ij} + \\sum_k V_{kj} = x_j = \\sum_k Z_{jk} + \\sum_c Y_{jc};

    - every industry has positive output :math:`x_j` (an industry that is zero everywhere cannot be used:
      :math:`A = Z \\hat{x}^{-1}` divides by its output), and a non-negative total value added;
    - a productive technology, spectral radius :math:`\\rho(A) < 1` with :math:`A = Z \\hat{x}^{-1}`, so that
      :math:`(I - A)^{-1} = \\sum_k A^k \\ge 0` exists (Hawkins-Simon; Miller & Blair 2009, *Input-Output
      Analysis*, 2nd ed., sec. 2.3 and app. 2.1). As :math:`\\rho(A)` is bounded by the largest column and
      row sum of :math:`A`, the eigenvalues are computed only when both bounds reach 1.
    """

    Z: pd.DataFrame
    Y: pd.DataFrame
    value_added: pd.DataFrame
    money: Money
    employment: pd.Series[float] | None = None
    name: str = ""
    synthetic: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.money, Money):
            raise ValidationError(f"`money` must be a Money(unit, scale); got {self.money!r}")
        for part in ("Z", "Y", "value_added"):
            frame = getattr(self, part)
            if not isinstance(frame, pd.DataFrame):
                raise ValidationError(f"`{part}` must be a pandas DataFrame; got {type(frame).__name__}")
        if self.employment is not None and not isinstance(self.employment, pd.Series):
            raise ValidationError(
                f"`employment` must be a pandas Series; got {type(self.employment).__name__}"
            )
        z_index = self.Z.index
        if not isinstance(z_index, pd.MultiIndex) or z_index.nlevels != 2:
            raise ValidationError(
                "`Z` must be labelled by a two-level (region, sector) MultiIndex; got "
                f"{type(z_index).__name__} (IOTable.from_frames accepts single-level labels)"
            )
        labels = z_index.set_names(_LEVELS)
        _check_unique(labels, "Z")
        _check_labels(labels, self.Z.columns, "the columns of Z")
        _check_labels(labels, self.Y.index, "the rows of Y")
        _check_labels(labels, self.value_added.columns, "the columns of value_added")
        _check_unique(self.Y.columns, "the columns of Y")
        _check_unique(self.value_added.index, "the rows of value_added")
        z = _numbers(self.Z, "Z")
        y = _numbers(self.Y, "Y")
        va = _numbers(self.value_added, "value_added")
        _check_finite(z, labels, labels, "Z")
        _check_finite(y, labels, self.Y.columns, "Y")
        _check_finite(va, self.value_added.index, labels, "value_added")
        _check_non_negative(z, labels, labels, "Z")
        _check_non_negative(y, labels, self.Y.columns, "Y")
        emp: pd.Series[float] | None = None
        if self.employment is not None:
            _check_labels(labels, self.employment.index, "employment")
            e = _numbers(self.employment, "employment")
            _check_finite(e, labels, None, "employment")
            _check_non_negative(e, labels, None, "employment")
            emp = pd.Series(e, index=labels, name="employment")
        frozen = object.__setattr__
        frozen(self, "Z", pd.DataFrame(z, index=labels, columns=labels))
        frozen(self, "Y", pd.DataFrame(y, index=labels, columns=self.Y.columns.copy()))
        frozen(self, "value_added", pd.DataFrame(va, index=self.value_added.index.copy(), columns=labels))
        frozen(self, "employment", emp)
        self._check_accounts(z, y, va)

    def _check_accounts(self, z: FloatArray, y: FloatArray, va: FloatArray) -> None:
        labels = self.labels
        x = z.sum(axis=1) + y.sum(axis=1)
        total_va = va.sum(axis=0)
        inputs = z.sum(axis=0) + total_va
        tolerance = _BALANCE_RTOL * np.maximum(np.abs(x), np.abs(inputs)) + 1e-12 * float(np.abs(x).sum())
        off = np.flatnonzero(np.abs(inputs - x) > tolerance)
        if off.size:
            shown = "; ".join(
                f"{_name(labels[j])!r}: input {inputs[j]:,.6g}, output {x[j]:,.6g}" for j in off[:3]
            )
            raise ValidationError(
                "the table does not balance: total input (column sum of Z + value added) must equal total "
                f"output (row sum of Z + Y) within rtol {_BALANCE_RTOL:g} for every industry; got {shown}"
                f" ({off.size} of {len(x)} industries off)"
            )
        idle = np.flatnonzero(x <= 0)
        if idle.size:
            raise ValidationError(
                f"every industry must have positive output; got zero output (and no inputs) for "
                f"{_names(labels[idle])!r}: a zero-output industry cannot be used, drop it from the table"
            )
        negative = np.flatnonzero(total_va < -_BALANCE_RTOL * x)
        if negative.size:
            j = int(negative[0])
            raise ValidationError(
                "total value added of every industry must be >= 0 (single negative cells such as subsidies "
                f"are fine); got {total_va[j]:,.6g} for {_name(labels[j])!r}"
                + (f" and {negative.size - 1} more" if negative.size > 1 else "")
            )
        radius = _spectral_radius(z / x[None, :])
        if radius >= 1.0 - 1e-12:
            raise ValidationError(f"the table is not productive: spectral radius of A is {radius:.4g} >= 1")

    def __repr__(self) -> str:
        return (
            f"IOTable(name={self.name!r}, regions={len(self.regions)}, sectors={len(self.sectors)}, "
            f"n={self.n}, money={str(self.money)!r}, synthetic={self.synthetic})"
        )

    # ------------------------------------------------------------------------------------ constructors
    @classmethod
    def from_frames(
        cls,
        Z: pd.DataFrame,
        Y: pd.DataFrame | pd.Series[float],
        value_added: pd.DataFrame | pd.Series[float],
        *,
        money: Money,
        employment: pd.Series[float] | None = None,
        region: str = "all",
        name: str = "",
        synthetic: bool = False,
    ) -> IOTable:
        """Build a table from frames, labelled by ``(region, sector)`` or by sector alone.

        Parameters
        ----------
        Z
            Intermediate flows, industries as index and columns (the index order is kept).
        Y
            Final demand by industry: a frame (one column per category) or a Series (one column
            ``final_demand``).
        value_added
            Value added: a frame (one row per component, one column per industry) or a Series by industry (one
            component ``value_added``).
        money
            Unit and scale of the amounts.
        employment
            Persons employed by industry, optional.
        region
            The region given to single-level labels.
        name, synthetic
            As in :class:`IOTable`.

        Returns
        -------
        IOTable
            Labels in the order of ``Z.index``; the other parts are aligned to it (same label sets required).
        """
        if not isinstance(Z, pd.DataFrame):
            raise ValidationError(f"`Z` must be a pandas DataFrame; got {type(Z).__name__}")
        for part, frame in (("Y", Y), ("value_added", value_added)):
            if not isinstance(frame, pd.DataFrame | pd.Series):
                raise ValidationError(
                    f"`{part}` must be a pandas DataFrame or Series; got {type(frame).__name__}"
                )
        labels = _two_level(Z.index, region, "Z")
        _check_unique(labels, "Z")
        z_frame = Z.iloc[
            :, _aligned(labels, _two_level(Z.columns, region, "the columns of Z"), "the columns of Z")
        ]
        z = pd.DataFrame(_numbers(z_frame, "Z"), index=labels, columns=labels)
        y_frame = Y.to_frame("final_demand") if isinstance(Y, pd.Series) else Y
        y_frame = y_frame.iloc[
            _aligned(labels, _two_level(y_frame.index, region, "the rows of Y"), "the rows of Y")
        ]
        y = pd.DataFrame(_numbers(y_frame, "Y"), index=labels, columns=y_frame.columns)
        if isinstance(value_added, pd.Series):
            va_frame = pd.DataFrame(
                [value_added.to_numpy()], index=["value_added"], columns=value_added.index
            )
        else:
            va_frame = value_added
        where = _aligned(
            labels, _two_level(va_frame.columns, region, "the columns of value_added"), "value_added"
        )
        va = pd.DataFrame(
            _numbers(va_frame.iloc[:, where], "value_added"), index=va_frame.index, columns=labels
        )
        emp = None
        if employment is not None:
            if not isinstance(employment, pd.Series):
                raise ValidationError(
                    f"`employment` must be a pandas Series; got {type(employment).__name__}"
                )
            where = _aligned(labels, _two_level(employment.index, region, "employment"), "employment")
            emp = pd.Series(_numbers(employment.iloc[where], "employment"), index=labels, name="employment")
        return cls(z, y, va, money, emp, name, synthetic)

    @classmethod
    def from_long(
        cls,
        frame: pd.DataFrame,
        *,
        money: Money,
        region: str = "all",
        name: str = "",
        synthetic: bool = False,
        source: str = "table",
    ) -> IOTable:
        """Build a table from a long frame, one amount per row (as a spreadsheet or CSV file holds it).

        Parameters
        ----------
        frame
            Columns ``kind``, ``row_sector``, ``col_sector``, ``value`` and, optionally, ``row_region`` and
            ``col_region``. Per ``kind``:

            - ``Z``: the flow from industry (``row_region``, ``row_sector``) to industry (``col_region``,
              ``col_sector``);
            - ``Y``: final demand for industry (``row_region``, ``row_sector``) in category ``col_sector``
              (``col_region``, if given, names the buying region: Y's columns become ``(region, category)``);
            - ``VA``: value-added component ``row_sector`` (``row_region`` ignored) of industry
              (``col_region``, ``col_sector``);
            - ``employment``: persons employed in industry (``row_region``, ``row_sector``); the ``col_``
              columns are ignored.

            Blank regions (or no region columns at all) mean ``region``. Cells not given are 0. Without any
            ``VA`` row, value added is derived as one component ``value_added`` = output minus inputs.
        money
            Unit and scale of the amounts.
        region
            The region of blank region cells.
        name, synthetic
            As in :class:`IOTable`.
        source
            Names the frame (e.g. the file name) in error messages.

        Returns
        -------
        IOTable
            Industries in the order they first appear (as row, then column, of each data row in turn);
            final-demand categories and value-added components likewise.

        Raises
        ------
        hromada.errors.ImportValidationError
            For cells that cannot be read (an unknown kind, a blank sector, a value that is not a finite
            number, a negative flow, a repeated entry), each with its row number as a spreadsheet shows it
            (the header is row 1, the first data row is row 2) and its column. Table-level problems (balance,
            productivity) raise :class:`~hromada.errors.ValidationError` as in :class:`IOTable`.
        """
        if not isinstance(frame, pd.DataFrame):
            raise ValidationError(f"`frame` must be a pandas DataFrame; got {type(frame).__name__}")
        missing = [c for c in ("kind", "row_sector", "col_sector", "value") if c not in frame.columns]
        if missing:
            raise ValidationError(
                f"`frame` must have the columns kind, row_sector, col_sector and value; got missing {missing!r}"
            )
        n_rows = len(frame)
        rows = np.arange(n_rows) + 2  # spreadsheet row numbers
        issues: list[ImportIssue] = []

        def text(column: str, default: str) -> npt.NDArray[np.object_]:
            if column not in frame.columns:
                return np.full(n_rows, default, dtype=object)
            raw = frame[column]
            cells = raw.astype(object).where(raw.notna(), "").astype(str).str.strip()
            return np.asarray(cells.where(cells != "", default).to_numpy(dtype=object), dtype=object)

        def report(mask: npt.NDArray[np.bool_], column: str, expected: str, got: npt.NDArray[Any]) -> None:
            for i in np.flatnonzero(mask):
                issues.append(ImportIssue(source, int(rows[i]), column, expected, repr(got[int(i)])))

        kind = text("kind", "")
        row_region, row_sector = text("row_region", region), text("row_sector", "")
        col_region, col_sector = text("col_region", ""), text("col_sector", "")
        raw_value = frame["value"].to_numpy(dtype=object)
        value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=np.float64)
        report(
            ~np.isin(kind, _LONG_KINDS),
            "kind",
            "one of Z, Y, VA, employment",
            frame["kind"].to_numpy(dtype=object),
        )
        is_z, is_y, is_va, is_emp = (kind == k for k in _LONG_KINDS)
        report(~np.isfinite(value), "value", "a finite number", raw_value)
        report((is_z | is_y | is_emp) & (value < 0), "value", "a non-negative amount", raw_value)
        report(row_sector == "", "row_sector", "a sector (or, for VA, a component)", row_sector)
        report(
            (is_z | is_y | is_va) & (col_sector == ""),
            "col_sector",
            "a sector (or, for Y, a category)",
            col_sector,
        )
        col_region = np.where(is_z | is_va, np.where(col_region == "", region, col_region), col_region)
        y_regions = col_region[is_y]
        if (y_regions != "").any() and (y_regions == "").any():
            report(
                is_y & (col_region == ""),
                "col_region",
                "the buying region (given on other Y rows)",
                col_region,
            )
        row_region = np.where(is_va, "", row_region)
        col_region = np.where(is_emp, "", col_region)
        col_sector = np.where(is_emp, "", col_sector)
        key = pd.Series(kind, dtype=object)
        for part in (row_region, row_sector, col_region, col_sector):
            key = key + "\x1f" + pd.Series(part, dtype=object)
        repeated = key.duplicated(keep="first").to_numpy()
        if repeated.any():
            first_at = pd.Series(rows).groupby(key.to_numpy()).transform("first").to_numpy()
            for i in np.flatnonzero(repeated):
                issues.append(
                    ImportIssue(
                        source, int(rows[i]), "kind", "one row per entry", f"a repeat of row {first_at[i]}"
                    )
                )
        if issues:
            issues.sort(key=lambda issue: issue.row or 0)
            raise ImportValidationError(issues)
        # industries in order of first appearance: each data row's row industry, then its column industry
        has_row = is_z | is_y | is_emp
        has_col = is_z | is_va
        both = np.column_stack([has_row, has_col]).ravel()
        regions = np.column_stack([row_region, col_region]).ravel()[both]
        sectors = np.column_stack([row_sector, col_sector]).ravel()[both]
        labels = pd.MultiIndex.from_arrays([regions, sectors], names=_LEVELS).drop_duplicates()
        n = len(labels)
        row_at = labels.get_indexer(pd.MultiIndex.from_arrays([row_region, row_sector]))
        col_at = labels.get_indexer(pd.MultiIndex.from_arrays([col_region, col_sector]))
        z = np.zeros((n, n))
        z[row_at[is_z], col_at[is_z]] = value[is_z]
        if (y_regions != "").any():
            categories: pd.Index = pd.MultiIndex.from_arrays(
                [col_region[is_y], col_sector[is_y]], names=["region", "category"]
            ).drop_duplicates()
            y_at = categories.get_indexer(pd.MultiIndex.from_arrays([col_region[is_y], col_sector[is_y]]))
        else:
            categories = pd.Index(pd.unique(col_sector[is_y]), dtype=object)
            y_at = categories.get_indexer(col_sector[is_y])
        y = np.zeros((n, len(categories)))
        y[row_at[is_y], y_at] = value[is_y]
        if is_va.any():
            components = pd.Index(pd.unique(row_sector[is_va]), dtype=object)
            va = np.zeros((len(components), n))
            va[components.get_indexer(row_sector[is_va]), col_at[is_va]] = value[is_va]
        else:
            components = pd.Index(["value_added"], dtype=object)
            va = (z.sum(axis=1) + y.sum(axis=1) - z.sum(axis=0))[None, :]
        emp = None
        if is_emp.any():
            e = np.zeros(n)
            e[row_at[is_emp]] = value[is_emp]
            emp = pd.Series(e, index=labels, name="employment")
        return cls(
            pd.DataFrame(z, index=labels, columns=labels),
            pd.DataFrame(y, index=labels, columns=categories),
            pd.DataFrame(va, index=components, columns=labels),
            money,
            emp,
            name,
            synthetic,
        )

    @classmethod
    def from_pymrio(
        cls,
        io: Any,
        *,
        money: Money,
        value_added: str | None = None,
        value_added_rows: Sequence[str] | None = None,
        name: str = "",
        synthetic: bool = False,
    ) -> IOTable:
        """Build a table from a pymrio ``IOSystem``, keeping pymrio's order of industries.

        Parameters
        ----------
        io
            The system, with ``Z`` and ``Y`` (call its ``calc_all()`` first where only ``A`` is stored).
        money
            Unit and scale of the amounts (pymrio keeps units as text only).
        value_added
            The name of the account (extension) whose rows are value added, e.g. ``"factor_inputs"``. By default
            value added is derived as one component ``value_added`` = :math:`x - \\mathbf{1}^\\top Z`.
        value_added_rows
            The rows of that account to use (all by default).
        name, synthetic
            As in :class:`IOTable`; ``name`` defaults to the system's name.
        """
        if getattr(io, "Z", None) is None or getattr(io, "Y", None) is None:
            raise ValidationError("`io` must be a pymrio IOSystem with Z and Y; call its calc_all() first")
        z = io.Z
        y = io.Y
        x = getattr(io, "x", None)
        output = (
            np.asarray(x.to_numpy(dtype=np.float64)).reshape(-1)
            if x is not None
            else z.sum(axis=1).to_numpy(dtype=np.float64) + y.sum(axis=1).to_numpy(dtype=np.float64)
        )
        if value_added is None:
            va = pd.DataFrame(
                [output - z.sum(axis=0).to_numpy(dtype=np.float64)], index=["value_added"], columns=z.columns
            )
        else:
            accounts = [str(a) for a in io.get_extensions()]
            if value_added not in accounts:
                raise ValidationError(
                    f"`value_added` must name an account of the system ({accounts}); got {value_added!r}"
                )
            factors = getattr(io, value_added).F
            if value_added_rows is not None:
                unknown = [r for r in value_added_rows if r not in factors.index]
                if unknown:
                    raise ValidationError(
                        f"`value_added_rows` must be rows of {value_added!r} ({list(factors.index)}); got {unknown!r}"
                    )
                factors = factors.loc[list(value_added_rows)]
            index = factors.index
            rows = (
                pd.Index([" / ".join(map(str, r)) for r in index], dtype=object)
                if isinstance(index, pd.MultiIndex)
                else index.astype(str)
            )
            va = pd.DataFrame(factors.to_numpy(dtype=np.float64), index=rows, columns=factors.columns)
        return cls.from_frames(
            z, y, va, money=money, name=name or str(getattr(io, "name", "") or ""), synthetic=synthetic
        )

    # -------------------------------------------------------------------------------------------- views
    @property
    def labels(self) -> pd.MultiIndex:
        """The industries as ``(region, sector)``, in input order."""
        index = self.Z.index
        assert isinstance(index, pd.MultiIndex)
        return index

    @property
    def n(self) -> int:
        """The number of industries (region-sector pairs)."""
        return len(self.Z)

    @property
    def regions(self) -> pd.Index:
        """The regions in order of first appearance."""
        values: list[str] = list(dict.fromkeys(self.labels.get_level_values(0)))
        return pd.Index(values, name="region", dtype=object)

    @property
    def sectors(self) -> pd.Index:
        """The sectors in order of first appearance."""
        values: list[str] = list(dict.fromkeys(self.labels.get_level_values(1)))
        return pd.Index(values, name="sector", dtype=object)

    @cached_property
    def x(self) -> pd.Series[float]:
        """Gross output :math:`x = Z \\mathbf{1} + Y \\mathbf{1}`."""
        return (self.Z.sum(axis=1) + self.Y.sum(axis=1)).rename("x")

    @cached_property
    def A(self) -> pd.DataFrame:
        """Technical coefficients :math:`A = Z \\hat{x}^{-1}` (input from row industry per unit of column's output)."""
        return self.Z.div(self.x.to_numpy(), axis=1)

    def content_hash(self) -> str:
        """SHA-256 of the labels, the numbers and the money: the same table gives the same hash in every run."""
        digest = hashlib.sha256(b"hromada.IOTable/1\n")

        def text(values: object) -> None:
            digest.update(repr(values).encode("utf-8"))
            digest.update(b"\n")

        text((self.money.unit, float(self.money.scale)))
        text([tuple(str(v) for v in k) for k in self.labels])
        for frame in (self.Z, self.Y, self.value_added):
            text([str(_name(c)) for c in frame.columns])
            text([str(_name(c)) for c in frame.index] if frame is self.value_added else len(frame))
            digest.update(np.ascontiguousarray(frame.to_numpy(dtype=np.float64)).tobytes())
        if self.employment is None:
            text(None)
        else:
            text("employment")
            digest.update(np.ascontiguousarray(self.employment.to_numpy(dtype=np.float64)).tobytes())
        return digest.hexdigest()
