"""The input-output table: one validated, frozen object with labels in input order and explicit money.

Every shock model of :mod:`hromada.analysis.shocks` takes an :class:`IOTable`. Its labels are
``(region, sector)`` pairs kept in the order given (never sorted), and its money (unit and scale) is stated
once and compared wherever amounts meet (an event's damage, a second table): a mismatch raises instead of
being rescaled behind the user's back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from hromada.errors import ValidationError

__all__ = ["IOTable", "Money"]

_SCALE_WORDS = {1.0: "", 1e3: "thousand ", 1e6: "million ", 1e9: "billion "}


@dataclass(frozen=True)
class Money:
    """The money a table's amounts are in: ``unit`` (a currency code) times ``scale``.

    >>> str(Money("UAH", 1e6))
    'million UAH'
    """

    unit: str
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not self.unit or not isinstance(self.unit, str):
            raise ValidationError(f"`unit` must be a currency code such as 'UAH'; got {self.unit!r}")
        if not np.isfinite(self.scale) or self.scale <= 0:
            raise ValidationError(f"`scale` must be a positive number; got {self.scale!r}")

    def __str__(self) -> str:
        word = _SCALE_WORDS.get(float(self.scale))
        return f"{word}{self.unit}" if word is not None else f"{self.scale:g} {self.unit}"

    def check_same(self, other: Money, what: str) -> None:
        """Raise unless ``other`` is the same money (``what`` names the amounts compared)."""
        if (self.unit, float(self.scale)) != (other.unit, float(other.scale)):
            raise ValidationError(f"{what} must be in {self}, the table's money; got {other}")


def _two_level(index: pd.Index, region: str, what: str) -> pd.MultiIndex:
    if isinstance(index, pd.MultiIndex):
        if index.nlevels != 2:
            raise ValidationError(f"{what} must be labelled by (region, sector); got {index.nlevels} levels")
        out = index.set_names(["region", "sector"])
    else:
        out = pd.MultiIndex.from_arrays(
            [[region] * len(index), index.astype(str)], names=["region", "sector"]
        )
    return pd.MultiIndex.from_arrays(
        [out.get_level_values(0).astype(str), out.get_level_values(1).astype(str)], names=["region", "sector"]
    )


def _check_labels(labels: pd.MultiIndex, other: pd.Index, what: str) -> None:
    if labels.equals(other):
        return
    mine, theirs = set(labels), set(other)
    missing = [x for x in labels if x not in theirs][:5]
    extra = [x for x in other if x not in mine][:5]
    if missing or extra:
        raise ValidationError(
            f"{what} must have the same industries as Z in the same order; missing {missing!r}, extra {extra!r}"
        )
    raise ValidationError(f"{what} must list the industries in the order of Z")


@dataclass(frozen=True, eq=False)
class IOTable:
    """A validated input-output table (yearly flows).

    Attributes
    ----------
    Z
        Intermediate flows, ``N x N``: row = supplying industry, column = buying industry. Index and columns
        are the same two-level ``(region, sector)`` labels, in the order given.
    Y
        Final demand, ``N`` rows in Z's order; one column per category (or ``(region, category)``).
    value_added
        Value added, one row per component (e.g. ``compensation``, ``other``), one column per industry.
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
    Checks on construction: finite values; non-negative flows, final demand and employment; unique labels
    identical across the parts; every industry with positive output; each industry's total input
    :math:`\\sum_i Z_{ij} + v_j` equals its output :math:`\\sum_k Z_{jk} + \\sum_c Y_{jc}` (relative 1e-6);
    and a productive technology, spectral radius :math:`\\rho(A) < 1` with :math:`A = Z \\hat{x}^{-1}`
    (Miller & Blair 2009, ch. 2).
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
        z, y, va = self.Z, self.Y, self.value_added
        if not isinstance(z.index, pd.MultiIndex) or z.index.nlevels != 2:
            raise ValidationError("Z must be labelled by (region, sector); use IOTable.from_frames")
        labels = z.index
        if labels.has_duplicates:
            dupes = [tuple(x) for x in labels[labels.duplicated()]][:5]
            raise ValidationError(f"industries must be unique; repeated {dupes!r}")
        _check_labels(labels, z.columns, "the columns of Z")
        _check_labels(labels, y.index, "the rows of Y")
        _check_labels(labels, va.columns, "the columns of value_added")
        if self.employment is not None:
            _check_labels(labels, self.employment.index, "employment")
        for part, frame in (("Z", z), ("Y", y), ("value_added", va)):
            values = frame.to_numpy(dtype=np.float64)
            if not np.isfinite(values).all():
                raise ValidationError(f"{part} must hold finite numbers; found NaN or infinity")
        for part, frame in (("Z", z), ("Y", y)):
            values = frame.to_numpy(dtype=np.float64)
            if (values < 0).any():
                row, col = np.argwhere(values < 0)[0]
                raise ValidationError(
                    f"{part} must not be negative; got {values[row, col]:g} at row {frame.index[row]!r}, "
                    f"column {frame.columns[col]!r}"
                )
        if self.employment is not None and (self.employment.to_numpy(dtype=np.float64) < 0).any():
            raise ValidationError("employment must not be negative")
        x = self.x.to_numpy()
        if (x <= 0).any():
            idle = [tuple(v) for v in labels[x <= 0]][:5]
            raise ValidationError(f"every industry must have positive output; zero for {idle!r}")
        total_va = va.to_numpy(dtype=np.float64).sum(axis=0)
        if (total_va < -1e-9 * x).any():
            bad = [tuple(v) for v in labels[total_va < -1e-9 * x]][:5]
            raise ValidationError(f"total value added must not be negative; it is for {bad!r}")
        inputs = z.to_numpy(dtype=np.float64).sum(axis=0) + total_va
        off = np.abs(inputs - x) > 1e-6 * np.maximum(np.abs(x), 1.0)
        if off.any():
            j = int(np.flatnonzero(off)[0])
            raise ValidationError(
                f"the table does not balance: for {tuple(labels[j])!r} inputs plus value added are "
                f"{inputs[j]:,.6g} but output is {x[j]:,.6g} ({int(off.sum())} industries off)"
            )
        radius = float(np.max(np.abs(np.linalg.eigvals(self.A.to_numpy())))) if len(x) else 0.0
        if radius >= 1.0:
            raise ValidationError(f"the table is not productive: spectral radius of A is {radius:.4g} >= 1")

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
        """Build a table from frames; single-level labels become ``(region, sector)``."""
        labels = _two_level(Z.index, region, "Z")
        z = pd.DataFrame(
            Z.to_numpy(dtype=np.float64), index=labels, columns=_two_level(Z.columns, region, "Z")
        )
        y_frame = Y.to_frame("final_demand") if isinstance(Y, pd.Series) else Y
        y = pd.DataFrame(
            y_frame.to_numpy(dtype=np.float64),
            index=_two_level(y_frame.index, region, "Y"),
            columns=y_frame.columns,
        )
        va_frame = value_added.to_frame().T if isinstance(value_added, pd.Series) else value_added
        if isinstance(value_added, pd.Series):
            va_frame.index = pd.Index(["value_added"])
        va = pd.DataFrame(
            va_frame.to_numpy(dtype=np.float64),
            index=va_frame.index,
            columns=_two_level(va_frame.columns, region, "value_added"),
        )
        emp = None
        if employment is not None:
            emp = pd.Series(
                employment.to_numpy(dtype=np.float64),
                index=_two_level(employment.index, region, "employment"),
            )
        return cls(z, y, va, money, emp, name, synthetic)

    @classmethod
    def from_pymrio(cls, io: Any, *, money: Money, name: str = "") -> IOTable:
        """Build a table from a pymrio ``IOSystem`` (its Z and Y; value added = output minus inputs).

        pymrio's order of industries is kept.
        """
        if getattr(io, "Z", None) is None or getattr(io, "Y", None) is None:
            raise ValidationError("the IOSystem must have Z and Y (call calc_all() first)")
        z = io.Z.astype(np.float64)
        y = io.Y.astype(np.float64)
        x = z.sum(axis=1) + y.sum(axis=1)
        va = pd.DataFrame([x.to_numpy() - z.sum(axis=0).to_numpy()], index=["value_added"], columns=z.columns)
        return cls.from_frames(z, y, va, money=money, name=name or str(getattr(io, "name", "")))

    # -------------------------------------------------------------------------------------------- views

    @property
    def labels(self) -> pd.MultiIndex:
        """The industries as ``(region, sector)``, in input order."""
        index = self.Z.index
        assert isinstance(index, pd.MultiIndex)
        return index

    @property
    def n(self) -> int:
        return len(self.Z)

    @property
    def regions(self) -> pd.Index:
        values: list[str] = list(dict.fromkeys(self.labels.get_level_values(0)))
        return pd.Index(values, name="region", dtype=object)

    @property
    def sectors(self) -> pd.Index:
        values: list[str] = list(dict.fromkeys(self.labels.get_level_values(1)))
        return pd.Index(values, name="sector", dtype=object)

    @cached_property
    def x(self) -> pd.Series[float]:
        """Gross output: intermediate sales plus final demand."""
        return (self.Z.sum(axis=1) + self.Y.sum(axis=1)).rename("x")

    @cached_property
    def A(self) -> pd.DataFrame:
        """Technical coefficients :math:`A = Z \\hat{x}^{-1}`."""
        return self.Z.div(self.x.to_numpy(), axis=1)

    def content_hash(self) -> str:
        """SHA-256 of the labels, the numbers and the money: the same table gives the same hash."""
        digest = hashlib.sha256()
        digest.update(repr((str(self.money), [tuple(v) for v in self.labels])).encode())
        for frame in (self.Z, self.Y, self.value_added):
            digest.update(repr([str(c) for c in frame.columns]).encode())
            digest.update(np.ascontiguousarray(frame.to_numpy(dtype=np.float64)).tobytes())
        if self.employment is not None:
            digest.update(np.ascontiguousarray(self.employment.to_numpy(dtype=np.float64)).tobytes())
        return digest.hexdigest()
