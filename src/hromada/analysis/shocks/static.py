"""Static input-output models: Leontief quantities and multipliers, Ghosh allocation, extraction, linkages.

Every solve goes through one LU factorisation of :math:`I - A` (or its transpose): the Leontief inverse is
formed only when it is asked for (:func:`leontief_inverse`), never to multiply it by a vector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.linalg import lu_factor, lu_solve

from hromada.analysis.shocks.table import IOTable
from hromada.errors import ValidationError

__all__ = [
    "Linkages",
    "Multipliers",
    "ghosh_inverse",
    "hypothetical_extraction",
    "leontief_inverse",
    "linkages",
    "multipliers",
    "output_impact",
    "supply_impact",
]

FloatArray = npt.NDArray[np.float64]


def _lu(matrix: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int32]]:
    return lu_factor(np.eye(matrix.shape[0]) - matrix, check_finite=False)  # type: ignore[no-any-return]


def leontief_inverse(table: IOTable) -> pd.DataFrame:
    """The Leontief inverse :math:`L = (I - A)^{-1}`, labelled (formed explicitly: ``N x N``).

    Notes
    -----
    Use :func:`output_impact` to apply it to shocks: it solves with the factorisation instead.
    """
    lu = _lu(table.A.to_numpy())
    inverse = lu_solve(lu, np.eye(table.n), check_finite=False)
    return pd.DataFrame(inverse, index=table.labels, columns=table.labels)


def output_impact(
    table: IOTable, delta_y: pd.Series[float] | pd.DataFrame
) -> pd.Series[float] | pd.DataFrame:
    """Change of gross output for a change of final demand: :math:`\\Delta x = (I - A)^{-1} \\Delta y`.

    Parameters
    ----------
    table
        The table.
    delta_y
        One shock (a Series over the industries) or many (a frame, one column per shock), in the table's money.

    Notes
    -----
    Leontief (1936); Miller & Blair (2009), *Input-Output Analysis*, 2nd ed., eq. 2.11. Solved with one LU
    factorisation for all shocks.
    """
    frame = delta_y.to_frame() if isinstance(delta_y, pd.Series) else delta_y
    missing = [k for k in table.labels if k not in set(frame.index)]
    if missing or len(frame.index) != table.n:
        raise ValidationError(f"`delta_y` must give every industry of the table; missing {missing[:5]!r}")
    values = frame.loc[table.labels].to_numpy(dtype=np.float64)
    solved = lu_solve(_lu(table.A.to_numpy()), values, check_finite=False)
    out = pd.DataFrame(solved, index=table.labels, columns=frame.columns)
    return out.iloc[:, 0].rename("delta_x") if isinstance(delta_y, pd.Series) else out


@dataclass(frozen=True, eq=False)
class Multipliers:
    """Multipliers per industry.

    Attributes
    ----------
    values
        One per industry: output per unit of final demand (``kind="output"``), or value added or jobs per
        unit of final demand.
    kind
        ``"output"``, ``"value_added"`` or ``"employment"``.
    type
        ``"I"`` (households exogenous) or ``"II"`` (households endogenous).
    """

    values: pd.Series[float]
    kind: Literal["output", "value_added", "employment"]
    type: Literal["I", "II"]


def _closed(table: IOTable, compensation: str, consumption: str) -> tuple[FloatArray, FloatArray]:
    """``A`` bordered by the household row (compensation per unit of output) and column (consumption shares)."""
    if compensation not in table.value_added.index:
        raise ValidationError(
            f"`compensation` must name a value-added row ({', '.join(map(str, table.value_added.index))}); "
            f"got {compensation!r}"
        )
    if consumption not in table.Y.columns:
        raise ValidationError(
            f"`consumption` must name a final-demand column ({', '.join(map(str, table.Y.columns))}); "
            f"got {consumption!r}"
        )
    x = table.x.to_numpy()
    wages = table.value_added.loc[compensation].to_numpy(dtype=np.float64)
    spent = table.Y[consumption].to_numpy(dtype=np.float64)
    income = wages.sum()
    if not income > 0:
        raise ValidationError(f"the `{compensation}` row must have a positive total")
    n = table.n
    closed = np.zeros((n + 1, n + 1))
    closed[:n, :n] = table.A.to_numpy()
    closed[n, :n] = wages / x
    closed[:n, n] = spent / income
    return closed, np.asarray(x, dtype=np.float64)


def multipliers(
    table: IOTable,
    *,
    kind: Literal["output", "value_added", "employment"] = "output",
    type: Literal["I", "II"] = "I",
    compensation: str = "compensation",
    consumption: str = "households",
) -> Multipliers:
    """Output, value-added or employment multipliers, type I or type II.

    Parameters
    ----------
    table
        The table (with ``employment`` for employment multipliers).
    kind
        What is multiplied.
    type
        ``"I"``: households exogenous; ``"II"``: households endogenous (closed by the ``compensation`` row of
        value added and the ``consumption`` column of final demand).
    compensation, consumption
        The value-added row and final-demand column that close the model for type II.

    Notes
    -----
    With direct coefficients :math:`s_j` (1 for output, :math:`v_j / x_j` for value added, :math:`e_j/x_j` for
    jobs) the multipliers are :math:`m^\\top = s^\\top (I - A)^{-1}`, solved as :math:`(I - A)^\\top m = s`
    (Miller & Blair 2009, sec. 6.2-6.3). Type II borders :math:`A` with the household row
    :math:`h_j = w_j/x_j` (compensation per unit of output) and column :math:`c_i = C_i / \\sum_j w_j`
    (consumption shares of household income) and keeps the first :math:`N` entries (Miller & Blair 2009,
    sec. 6.2.5). The output multiplier then counts the industries' output only, not the household "sector".
    """
    n = table.n
    x = table.x.to_numpy()
    if kind == "output":
        direct = np.ones(n)
    elif kind == "value_added":
        direct = table.value_added.to_numpy(dtype=np.float64).sum(axis=0) / x
    elif kind == "employment":
        if table.employment is None:
            raise ValidationError("employment multipliers need the table's `employment`")
        direct = table.employment.to_numpy(dtype=np.float64) / x
    else:
        raise ValidationError(f"`kind` must be 'output', 'value_added' or 'employment'; got {kind!r}")
    if type == "I":
        matrix = table.A.to_numpy()
        weights = direct
    elif type == "II":
        matrix, _ = _closed(table, compensation, consumption)
        weights = np.append(direct, 0.0)
    else:
        raise ValidationError(f"`type` must be 'I' or 'II'; got {type!r}")
    solved = lu_solve(_lu(matrix), weights, trans=1, check_finite=False)[:n]
    return Multipliers(pd.Series(solved, index=table.labels, name=f"{kind}_{type}"), kind, type)


def ghosh_inverse(table: IOTable) -> pd.DataFrame:
    """The Ghosh inverse :math:`G = (I - B)^{-1}` with allocation coefficients :math:`B = \\hat{x}^{-1} Z`.

    Notes
    -----
    Ghosh (1958); Miller & Blair (2009), sec. 12.1. :math:`G = \\hat{x}^{-1} L \\hat{x}`. The Ghosh model is an
    allocation (price) model: read as a physical supply constraint it implies that buyers produce without
    inputs they did not get (Oosterhaven 1988, "On the plausibility of the supply-driven input-output
    model", *Journal of Regional Science* 28(2)). For supply disruptions use the inoperability or ARIO models.
    """
    x = table.x.to_numpy()
    b = table.Z.to_numpy(dtype=np.float64) / x[:, None]
    inverse = lu_solve(_lu(b), np.eye(table.n), check_finite=False)
    return pd.DataFrame(inverse, index=table.labels, columns=table.labels)


def supply_impact(table: IOTable, delta_v: pd.Series[float]) -> pd.Series[float]:
    """Change of gross output for a change of primary inputs in the Ghosh model: :math:`\\Delta x^\\top =
    \\Delta v^\\top (I - B)^{-1}` (an allocation model: see :func:`ghosh_inverse`)."""
    x = table.x.to_numpy()
    b = table.Z.to_numpy(dtype=np.float64) / x[:, None]
    values = delta_v.reindex(table.labels)
    if values.isna().any():
        raise ValidationError("`delta_v` must give every industry of the table")
    solved = lu_solve(_lu(b), values.to_numpy(dtype=np.float64), trans=1, check_finite=False)
    return pd.Series(solved, index=table.labels, name="delta_x")


def hypothetical_extraction(table: IOTable) -> pd.DataFrame:
    """Output the rest of the economy loses when each industry is extracted (backward and forward).

    Returns
    -------
    pandas.DataFrame
        One row per industry: ``backward`` (its purchases removed: column of A set to 0), ``forward`` (its
        sales to other industries removed: row of B set to 0), in money, and both as a share of total output.

    Notes
    -----
    Backward: :math:`T - \\mathbf{1}^\\top (I - A_{(-j)})^{-1} y_{(-j)}` where :math:`A_{(-j)}` has column
    :math:`j` zeroed and :math:`y_{(-j)}` drops industry :math:`j`'s own final demand; forward likewise with
    the allocation matrix :math:`B` and value added (Dietzenbacher, van der Linden & Steenge 1993, *Economic
    Systems Research* 5(2); Miller & Lahr 2001). Total output :math:`T` excludes the extracted industry, so
    the number is what the *others* lose. One factorisation per industry (``N`` solves of size ``N``).
    """
    a = table.A.to_numpy()
    x = table.x.to_numpy()
    y = table.Y.to_numpy(dtype=np.float64).sum(axis=1)
    b = table.Z.to_numpy(dtype=np.float64) / x[:, None]
    v = table.value_added.to_numpy(dtype=np.float64).sum(axis=0)
    n = table.n
    backward = np.empty(n)
    forward = np.empty(n)
    for j in range(n):
        keep = np.arange(n) != j
        a_j = a[np.ix_(keep, keep)]
        x_b = lu_solve(_lu(a_j), y[keep], check_finite=False)
        backward[j] = x[keep].sum() - x_b.sum()
        b_j = b[np.ix_(keep, keep)]
        x_f = lu_solve(_lu(b_j), v[keep], trans=1, check_finite=False)
        forward[j] = x[keep].sum() - x_f.sum()
    total = x.sum()
    return pd.DataFrame(
        {
            "backward": backward,
            "forward": forward,
            "backward_share": backward / total,
            "forward_share": forward / total,
        },
        index=table.labels,
    )


@dataclass(frozen=True, eq=False)
class Linkages:
    """Rasmussen's backward and forward linkages and the key sectors.

    Attributes
    ----------
    table
        One row per industry: ``backward`` (power of dispersion), ``forward`` (sensitivity of dispersion), both
        normalised so that their mean is 1, and ``key`` (both above 1).
    """

    table: pd.DataFrame

    @property
    def key_sectors(self) -> list[tuple[str, str]]:
        """The industries whose backward and forward linkages are both above average."""
        return [(str(k[0]), str(k[1])) for k in self.table.index[self.table["key"]]]


def linkages(table: IOTable, *, forward: Literal["ghosh", "leontief"] = "ghosh") -> Linkages:
    """Backward and forward linkages (Rasmussen 1956), normalised to a mean of 1; key sectors.

    Notes
    -----
    Backward: :math:`BL_j = \\frac{\\sum_i L_{ij}}{\\frac1N \\sum_{ij} L_{ij}}` (column sums of the Leontief
    inverse). Forward: row sums of the Ghosh inverse :math:`G`, normalised the same way (Miller & Blair
    2009, sec. 12.2, who prefer :math:`G` to the row sums of :math:`L`), or of :math:`L` with
    ``forward="leontief"`` (Rasmussen's original). An industry is *key* when both exceed 1 (Hirschman 1958).
    """
    lu = _lu(table.A.to_numpy())
    n = table.n
    column_sums = lu_solve(lu, np.ones(n), trans=1, check_finite=False)  # 1ᵀ L
    if forward == "leontief":
        row_sums = lu_solve(lu, np.ones(n), check_finite=False)  # L 1
    elif forward == "ghosh":
        x = table.x.to_numpy()
        b = table.Z.to_numpy(dtype=np.float64) / x[:, None]
        row_sums = lu_solve(_lu(b), np.ones(n), check_finite=False)  # G 1
    else:
        raise ValidationError(f"`forward` must be 'ghosh' or 'leontief'; got {forward!r}")
    back = column_sums / column_sums.mean()
    fwd = row_sums / row_sums.mean()
    frame = pd.DataFrame({"backward": back, "forward": fwd}, index=table.labels)
    frame["key"] = (frame["backward"] > 1) & (frame["forward"] > 1)
    return Linkages(frame)
