"""ARIO, the adaptive regional input-output model, on sparse flows with an ensemble axis.

One step is one day. The state of every ensemble member advances together: arrays carry the members on their
first axis, so one step is a handful of operations on ``(members, nnz)`` and ``(members, products, industries)``
arrays, never a loop over members and never a dense ``N x N`` matrix (``nnz`` is the number of non-zero
intermediate flows).

The model follows Hallegatte (2008, 2014) as BoARIO 0.7.2 implements it in its ``ARIOPsiModel`` (the same
step order, rationing, inventories, orders and overproduction), so that its production trajectories can be
checked against BoARIO's; the differences are documented in :func:`simulate`'s ``Notes``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from hromada.analysis.shocks.table import IOTable
from hromada.errors import ValidationError

__all__ = [
    "ARIOParams",
    "ARIORun",
    "CapitalDestruction",
    "DemandLoss",
    "Event",
    "LabourLoss",
    "Outage",
    "simulate",
]

FloatArray = npt.NDArray[np.float64]
Recovery = Literal["linear", "convex", "concave"]

#: An input whose yearly purchase is at most this share of the client's daily output does not constrain
#: production (BoARIO's technology threshold, which compares a yearly flow with a daily output: in daily terms
#: an input counts when it is more than 1e-5/365 of the client's output).
TECHNOLOGY_THRESHOLD = 1e-5


@dataclass(frozen=True)
class ARIOParams:
    """Behavioural parameters of ARIO (defaults as in BoARIO 0.7.2 and Hallegatte 2014).

    Attributes
    ----------
    inventory_days
        Target inventory of every input, in days of use (``s``); a mapping by sector overrides it per product.
    psi
        Share of the target inventory below which production is cut (``ψ``).
    restoration_days
        Characteristic time in days to restore inventories (``τ_inv``).
    alpha_max
        Largest overproduction factor (``α_max``).
    alpha_days
        Characteristic time in days of overproduction (``τ_α``).
    rebuild_days
        Characteristic time in days of reconstruction demand (``τ_rebuild``).
    capital_to_va
        Productive capital as a multiple of yearly value added, when the table gives no capital.
    order_type
        ``"alt"``: clients shift orders to suppliers with spare capacity; ``"noalt"``: fixed shares.
    days_per_year
        The table's flows are yearly and divided by this to get daily flows.
    """

    inventory_days: float | dict[str, float] = 90.0
    psi: float = 0.8
    restoration_days: float = 60.0
    alpha_max: float = 1.25
    alpha_days: float = 365.0
    rebuild_days: float = 60.0
    capital_to_va: float = 4.0
    order_type: Literal["alt", "noalt"] = "alt"
    days_per_year: float = 365.0

    def __post_init__(self) -> None:
        if not 0.0 < self.psi <= 1.0:
            raise ValidationError(f"`psi` must be in (0, 1]; got {self.psi!r}")
        for name in ("restoration_days", "alpha_days", "rebuild_days", "capital_to_va", "days_per_year"):
            value = getattr(self, name)
            if not np.isfinite(value) or value <= 0:
                raise ValidationError(f"`{name}` must be a positive number; got {value!r}")
        if self.alpha_max < 1.0:
            raise ValidationError(f"`alpha_max` must be at least 1; got {self.alpha_max!r}")
        if self.order_type not in ("alt", "noalt"):
            raise ValidationError(f"`order_type` must be 'alt' or 'noalt'; got {self.order_type!r}")
        days = (
            self.inventory_days.values() if isinstance(self.inventory_days, dict) else [self.inventory_days]
        )
        if any(not d > 1 for d in days):
            raise ValidationError(f"`inventory_days` must be more than one day; got {self.inventory_days!r}")


# --------------------------------------------------------------------------------------------- events


def _amounts(value: pd.Series[float] | dict[Any, float], param: str) -> pd.Series[float]:
    series = pd.Series(value, dtype=np.float64) if isinstance(value, dict) else value.astype(np.float64)
    if series.empty:
        raise ValidationError(f"`{param}` must name at least one industry; got none")
    if not np.isfinite(series.to_numpy()).all() or (series.to_numpy() < 0).any():
        raise ValidationError(f"`{param}` must be finite and non-negative; got {series.to_dict()!r}")
    return series


@dataclass(frozen=True)
class CapitalDestruction:
    """Productive capital destroyed on day ``day``, in the table's money.

    With ``rebuild`` the capital comes back only as the reconstruction sectors deliver it
    (``rebuild`` maps a sector to its share of the reconstruction demand); otherwise it recovers along
    ``recovery`` over ``recovery_days`` after ``duration`` days.
    """

    damage: pd.Series[float]
    day: int = 0
    duration: int = 1
    recovery: Recovery = "linear"
    recovery_days: float = 180.0
    rebuild: dict[str, float] | None = None
    rebuild_days: float | None = None
    kind: Literal["capital"] = "capital"


@dataclass(frozen=True)
class Outage:
    """An infrastructure outage: the industries named lose a share of their production capacity for
    ``duration`` days (for example the sectors that depend on power during a blackout), then recover along
    ``recovery`` over ``recovery_days`` (0: at once)."""

    capacity_loss: pd.Series[float]
    day: int = 0
    duration: int = 1
    recovery: Recovery = "linear"
    recovery_days: float = 0.0
    kind: Literal["outage"] = "outage"


@dataclass(frozen=True)
class LabourLoss:
    """Workers lost (mobilisation, displacement) as a share of each industry's labour; capacity falls by the
    labour share of production (compensation over value added, Leontief in labour) times the share lost."""

    share_lost: pd.Series[float]
    day: int = 0
    duration: int = 1
    recovery: Recovery = "linear"
    recovery_days: float = 0.0
    kind: Literal["labour"] = "labour"


@dataclass(frozen=True)
class DemandLoss:
    """Final demand for the industries' products falls by a share (a market closed, people displaced)."""

    share_lost: pd.Series[float]
    day: int = 0
    duration: int = 1
    recovery: Recovery = "linear"
    recovery_days: float = 0.0
    kind: Literal["demand"] = "demand"


Event = CapitalDestruction | Outage | LabourLoss | DemandLoss


def _recovered_share(curve: Recovery, elapsed: FloatArray, days: FloatArray) -> FloatArray:
    """The share of the initial impact still there ``elapsed`` days into a recovery of ``days`` days."""
    with np.errstate(divide="ignore", invalid="ignore"):
        progress = np.where(days > 0, np.clip(elapsed / days, 0.0, 1.0), 1.0)
        if curve == "linear":
            left = 1.0 - progress
        elif curve == "convex":  # fast first, slow last (as the rebuilding of Hallegatte 2008)
            left = np.where(days > 0, (1.0 - 1.0 / np.maximum(days, 1.0)) ** (4 * elapsed), 0.0)
            left = np.where(progress >= 1.0, 0.0, left)
        else:  # concave: slow first, fast last
            left = 1.0 - progress**2
    return np.asarray(left, dtype=np.float64)


# -------------------------------------------------------------------------------------------- the model


@dataclass(frozen=True, eq=False)
class _Structure:
    """The parts of a table the model needs, as arrays in the table's order (daily flows)."""

    n: int
    sectors: pd.Index
    product: npt.NDArray[np.intp]  # product (sector) index of every industry
    x0: FloatArray
    y0: FloatArray  # daily final demand by supplier industry
    va0: FloatArray  # yearly value added, negative clipped to 0
    labour_share: FloatArray
    rows: npt.NDArray[np.intp]  # supplier of every non-zero flow
    cols: npt.NDArray[np.intp]  # client of every non-zero flow
    z0: FloatArray  # daily flow of every non-zero
    tech: FloatArray  # (S, N): inputs of each product per unit of output
    is_input: npt.NDArray[np.bool_]  # (S, N)
    z_share: FloatArray  # share of each flow in its client's purchases of the product


def _structure(table: IOTable, params: ARIOParams) -> _Structure:
    sectors_all = table.labels.get_level_values(1)
    sectors = table.sectors
    product = sectors.get_indexer(sectors_all).astype(np.intp)
    z_year = sparse.coo_matrix(table.Z.to_numpy(dtype=np.float64))
    x_year = table.x.to_numpy(dtype=np.float64)
    per_day = 1.0 / params.days_per_year
    n, s = table.n, len(sectors)
    rows, cols, z = z_year.row.astype(np.intp), z_year.col.astype(np.intp), z_year.data * per_day
    x0 = np.asarray(x_year * per_day, dtype=np.float64)
    z_product = np.zeros((s, n))
    np.add.at(z_product, (product[rows], cols), z)
    with np.errstate(divide="ignore", invalid="ignore"):
        tech = np.where(x0 > 0, z_product / x0, 0.0)
        z_share = z / z_product[product[rows], cols]
    va0 = np.clip(x_year - table.Z.to_numpy(dtype=np.float64).sum(axis=0), 0.0, None)
    compensation = _compensation(table)
    with np.errstate(divide="ignore", invalid="ignore"):
        labour_share = np.where(va0 > 0, np.clip(compensation / va0, 0.0, 1.0), 0.0)
    return _Structure(
        n=n,
        sectors=sectors,
        product=product,
        x0=x0,
        y0=table.Y.to_numpy(dtype=np.float64).sum(axis=1) * per_day,
        va0=va0,
        labour_share=labour_share,
        rows=rows,
        cols=cols,
        z0=z,
        tech=tech,
        is_input=z_product * params.days_per_year > x0[None, :] * TECHNOLOGY_THRESHOLD,
        z_share=z_share,
    )


def _compensation(table: IOTable) -> FloatArray:
    va = table.value_added
    names = [str(name).lower() for name in va.index]
    picked = [i for i, name in enumerate(names) if "compensation" in name or "wage" in name]
    if not picked:  # no labour row: labour is the whole of value added (a labour loss hits in full)
        return np.asarray(va.to_numpy(dtype=np.float64).sum(axis=0), dtype=np.float64)
    return np.asarray(va.to_numpy(dtype=np.float64)[picked].sum(axis=0), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class _EventArrays:
    """Every event of every member as arrays: impacts ``(members, N)``, timing ``(members,)``."""

    kind: str
    impact: FloatArray  # capital destroyed (money) or share lost, (M, N)
    day: npt.NDArray[np.int64]
    duration: npt.NDArray[np.int64]
    recovery: Recovery
    recovery_days: FloatArray
    rebuild_shares: FloatArray | None = None  # (S,) share of the reconstruction demand by sector
    rebuild_days: float | None = None


def _industry_vector(
    values: pd.Series[float], table: IOTable, param: str, *, sector_level: bool = True
) -> FloatArray:
    """Align a Series keyed by (region, sector) tuples, or by sector (all regions), to the table's order."""
    out = np.zeros(table.n)
    labels = table.labels
    for key, value in values.items():
        if isinstance(key, tuple):
            where = labels.get_indexer(pd.MultiIndex.from_tuples([key]))
            if where[0] < 0:
                raise ValidationError(
                    f"`{param}` names an industry that is not in the table: {key!r}; "
                    f"industries are (region, sector) pairs such as {labels[0]!r}"
                )
            out[where[0]] += float(value)
        elif sector_level and key in set(labels.get_level_values(1)):
            out[labels.get_level_values(1) == key] += float(value)
        elif key in set(labels.get_level_values(0)):
            out[labels.get_level_values(0) == key] += float(value)
        else:
            raise ValidationError(
                f"`{param}` names {key!r}, which is neither a sector, a region nor a (region, sector) of the table"
            )
    return out


def _member_events(events: Sequence[Event], table: IOTable, structure: _Structure) -> list[_EventArrays]:
    """One member's events as arrays of one member (``(1, N)``)."""
    out = []
    for number, event in enumerate(events, start=1):
        if event.day < 0 or event.duration < 0:
            raise ValidationError(
                f"event {number}: `day` and `duration` must be >= 0; got {event.day}, {event.duration}"
            )
        if isinstance(event, CapitalDestruction):
            impact = _industry_vector(
                _amounts(event.damage, f"event {number} damage"), table, f"event {number} damage"
            )
            shares = None
            if event.rebuild is not None:
                unknown = sorted(set(event.rebuild) - set(structure.sectors))
                if unknown:
                    raise ValidationError(
                        f"event {number}: rebuilding sectors {unknown!r} are not sectors of the table"
                    )
                shares = np.array([float(event.rebuild.get(s, 0.0)) for s in structure.sectors])
                if (shares < 0).any() or not shares.sum() > 0:
                    raise ValidationError(
                        f"event {number}: rebuilding shares must be >= 0 with a positive sum"
                    )
            out.append(
                _EventArrays(
                    kind="rebuild" if shares is not None else "capital",
                    impact=impact[None, :],
                    day=np.array([event.day]),
                    duration=np.array([event.duration]),
                    recovery=event.recovery,
                    recovery_days=np.array([float(event.recovery_days)]),
                    rebuild_shares=shares,
                    rebuild_days=event.rebuild_days,
                )
            )
        else:
            share = _industry_vector(
                _amounts(
                    event.capacity_loss if isinstance(event, Outage) else event.share_lost, f"event {number}"
                ),
                table,
                f"event {number}",
            )
            if (share > 1).any():
                raise ValidationError(
                    f"event {number}: a share lost must be at most 1; got {share.max():.3g}"
                )
            out.append(
                _EventArrays(
                    kind=event.kind,
                    impact=share[None, :],
                    day=np.array([event.day]),
                    duration=np.array([event.duration]),
                    recovery=event.recovery,
                    recovery_days=np.array([float(event.recovery_days)]),
                )
            )
    return out


@dataclass(frozen=True, eq=False)
class ARIORun:
    """What a simulation recorded.

    Attributes
    ----------
    production
        Realised daily production, one row a day, one column an industry (the table's order), for one member;
        for an ensemble, a frame with a ``member`` level on the rows. None when not recorded.
    summary
        One row per member: ``output_lost`` and ``value_added_lost`` (money, over the horizon, against the
        pre-shock path), ``final_demand_unmet`` (money), ``max_output_drop`` (share), ``days_to_recover_90``
        (first day after the deepest drop on which total output is back within 10 % of the loss; NaN if
        never), ``days_to_recover_99``.
    losses_by_industry
        Value added lost over the horizon per industry, one row per member.
    parameters
        The model parameters, the number of days and members, and the table's hash, so the run can be
        repeated.
    """

    production: pd.DataFrame | None
    summary: pd.DataFrame
    losses_by_industry: pd.DataFrame
    daily_value_added_lost: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)


def simulate(
    table: IOTable,
    events: Sequence[Event] | Sequence[Sequence[Event]],
    *,
    days: int = 365,
    params: ARIOParams | Sequence[ARIOParams] | None = None,
    record: Literal["summary", "production"] = "summary",
    capital: pd.Series[float] | None = None,
    progress: Callable[[float], None] | None = None,
) -> ARIORun:
    """Simulate ``days`` daily steps of ARIO after the events, for one scenario or a whole ensemble at once.

    Parameters
    ----------
    table
        The input-output table (yearly flows); its labels and money are kept as they are.
    events
        The events of one scenario, or one sequence of events per ensemble member (all members must have the
        same number and kinds of events; their sizes, days and durations may differ).
    days
        Number of daily steps.
    params
        Model parameters: one for every member, or one per member.
    record
        ``"summary"`` streams the losses per member; ``"production"`` also keeps the daily production of
        every industry.
    capital
        Productive capital per industry (money); by default ``capital_to_va`` times yearly value added.
    progress
        Called with the share of days done, about a hundred times per run.

    Returns
    -------
    ARIORun

    Notes
    -----
    With daily flows :math:`Z, y, x_0`, capital :math:`K`, capital destroyed :math:`D(t)`, overproduction
    :math:`\\alpha(t)`, inventories :math:`\\Omega` (product x client) and orders :math:`O` (on the non-zeros
    of :math:`Z`), each day (Hallegatte 2008, 2014; Guan et al. 2020 for the order rule):

    1. capacity :math:`x^{cap} = \\alpha (1 - \\Delta) x_0`, :math:`\\Delta` the largest of capital lost
       :math:`D/K`, the outage share and the labour share lost times the labour share of value added;
    2. demand :math:`d = O 1 + y (1 - \\text{demand lost}) + \\Gamma / \\tau_{rebuild}`;
       :math:`x^{opt} = \\min(d, x^{cap})`;
    3. inventory constraint: production is cut to
       :math:`x_f = x^{opt}_f \\min_p \\min(1, \\Omega_{pf} / (\\psi s_p a^S_{pf} x^{opt}_f))`;
    4. every client of a supplier gets the same share :math:`x_i / d_i` of its demand (proportional rationing);
       inventories gain the deliveries and lose :math:`a^S x`; reconstruction delivered reduces
       :math:`\\Gamma` and the capital destroyed;
    5. orders :math:`O^S = (s\\, a^S x^{opt} - \\Omega)_+ / \\tau_{inv} + a^S x`, split over suppliers by
       :math:`Z` shares weighted by :math:`x^{cap}/x_0` (``order_type="alt"``);
    6. overproduction grows with scarcity :math:`\\zeta = (d - x)/d`:
       :math:`\\alpha \\mathrel{+}= (\\alpha_{max} - \\alpha)\\zeta/\\tau_\\alpha`, and relaxes towards 1 when
       :math:`\\zeta = 0`.

    Where this differs from BoARIO 0.7.2: labels keep the table's order (BoARIO sorts them); money is the
    table's (BoARIO divides event impacts by a monetary factor unless told otherwise); BoARIO skips an
    inventory or order update when the whole matrix is within ``numpy.allclose`` of the target and rounds
    damages to 7 decimals (``monetary_factor`` 10^6), which this model does not; outages, labour and demand
    losses are event types BoARIO does not have. Trajectories agree with BoARIO's to about 1e-6 relative on
    the same table and events (tests/analysis/shocks/test_ario.py).

    The cost of a day is a few passes over the non-zero flows and the ``products x industries`` arrays for
    every member: memory grows with ``members x (nnz + S N)``, not with :math:`N^2`.
    """
    if days < 1:
        raise ValidationError(f"`days` must be at least 1; got {days!r}")
    members = _as_members(events)
    m = len(members)
    param_list = _as_params(params, m)
    structure = _structure(table, param_list[0])
    n, s = structure.n, len(structure.sectors)
    ev = _stack_events([_member_events(member, table, structure) for member in members])
    x0, rows, cols, prod_of = structure.x0, structure.rows, structure.cols, structure.product
    # Sparse sums over the non-zero flows: by (product, client) cell and by supplier, as matrix products.
    cell = prod_of[rows] * n + cols
    ones = np.ones(rows.size)
    to_cell = sparse.csr_matrix((ones, (np.arange(rows.size), cell)), shape=(rows.size, s * n))
    to_supplier = sparse.csr_matrix((ones, (np.arange(rows.size), rows)), shape=(rows.size, n))

    # Parameters per member (members may differ in behaviour too).
    def per_member(name: str) -> FloatArray:
        return np.array([float(getattr(p, name)) for p in param_list])

    psi = per_member("psi")[:, None, None]
    tau_inv = per_member("restoration_days")[:, None, None]
    alpha_max = per_member("alpha_max")[:, None]
    alpha_step = 1.0 / per_member("alpha_days")[:, None]
    rebuild_days = per_member("rebuild_days")
    inv_days = np.stack([_inventory_days(p, structure.sectors) for p in param_list])[:, :, None]  # (M,S,1)
    alt = np.array([p.order_type == "alt" for p in param_list])
    if capital is None:
        kap = np.stack([p.capital_to_va * structure.va0 for p in param_list])  # (M, N)
    else:
        kap = np.broadcast_to(_industry_vector(capital, table, "capital"), (m, n)).copy()

    # State.
    target_use = structure.tech[None, :, :] * x0[None, None, :]  # (1,S,N) daily use at x0
    stock = np.broadcast_to(target_use * inv_days, (m, s, n)).copy()
    orders = np.broadcast_to(structure.z0, (m, rows.size)).copy()
    alpha = np.ones((m, n))
    production = np.broadcast_to(x0, (m, n)).copy()
    is_input = structure.is_input[None, :, :]
    labour = structure.labour_share[None, :]

    # Reconstruction demand per rebuild event: Γ[e] (M, nnz_e) on the rows of the rebuilding sectors.
    rebuild = [_RebuildState(e, structure, m, kap) for e in ev if e.kind == "rebuild"]
    capital_events = [e for e in ev if e.kind == "capital"]
    share_events = {kind: [e for e in ev if e.kind == kind] for kind in ("outage", "labour", "demand")}
    capital_left = [e.impact.copy() for e in capital_events]  # capital still destroyed, per event

    record_production = record == "production"
    trajectory = np.empty((days, m, n)) if record_production else None
    va_coefficient = np.divide(structure.va0, x0 * param_list[0].days_per_year, out=np.zeros(n), where=x0 > 0)
    va_lost = np.zeros((m, n))
    daily_va_lost = np.zeros((days, m))
    output_lost = np.zeros(m)
    fd_unmet = np.zeros(m)
    total0 = x0.sum()
    min_total = np.full(m, total0)
    day_of_min = np.zeros(m, dtype=np.int64)
    totals = np.empty((days, m))
    report_every = max(1, days // 100)

    for t in range(days):
        # 0. Which events bite today, and how hard.
        delta = np.zeros((m, n))
        for e, left in zip(capital_events, capital_left, strict=True):
            active = t >= e.day
            started = t >= (e.day + e.duration + 1)
            elapsed = (t - 1 - e.day - e.duration).astype(np.float64)
            remaining = np.where(
                started[:, None],
                e.impact * _recovered_share(e.recovery, elapsed, e.recovery_days)[:, None],
                e.impact,
            )
            left[...] = np.where(active[:, None], remaining, 0.0)
        lost = sum(capital_left, np.zeros((m, n)))
        for r in rebuild:
            lost = lost + r.capital_lost(t)
        if capital_events or rebuild:
            if (lost > kap * (1 + 1e-12)).any():
                raise ValidationError("an event destroys more capital than an industry has")
            delta = np.divide(lost, kap, out=np.zeros_like(lost), where=kap > 0)
        for kind in ("outage", "labour"):
            for e in share_events[kind]:
                share = e.impact * _share_now(e, t)[:, None]
                if kind == "labour":
                    share = share * labour
                delta = np.maximum(delta, share)
        demand_factor = np.ones((m, n))
        for e in share_events["demand"]:
            demand_factor = demand_factor * (1.0 - e.impact * _share_now(e, t)[:, None])
        final = structure.y0[None, :] * demand_factor

        rebuild_daily = [r.daily_demand(t, rebuild_days) for r in rebuild]
        demand = np.asarray(orders @ to_supplier) + final
        for daily, r in zip(rebuild_daily, rebuild, strict=True):
            demand += r.by_supplier(daily)

        # Overproduction from yesterday's scarcity (BoARIO updates it from the second day on).
        if t > 1:
            with np.errstate(divide="ignore", invalid="ignore"):
                scarcity = np.where(demand > 0, (demand - production) / demand, 0.0)
            scarcity = np.nan_to_num(scarcity)
            alpha += np.where(scarcity != 0, (alpha_max - alpha) * scarcity, 1.0 - alpha) * alpha_step
            np.maximum(alpha, 1.0, out=alpha)

        # 1. Production.
        capacity = alpha * (1.0 - delta) * x0
        optimal = np.minimum(demand, capacity)
        needed = psi * inv_days * structure.tech[None] * optimal[:, None, :]
        constrained = (stock < needed) & is_input
        if constrained.any():
            ratio = np.ones_like(stock)
            np.divide(stock, needed, out=ratio, where=is_input & (needed != 0))
            np.minimum(ratio, 1.0, out=ratio)
            production = optimal * ratio.min(axis=1)
        else:
            production = optimal

        # 2. Distribution: every demand on a supplier is served in the same proportion.
        with np.errstate(divide="ignore", invalid="ignore"):
            served = np.where(demand > 0, production / demand, 0.0)
        delivered = orders * served[:, rows]  # (M, nnz)
        received = np.asarray(delivered @ to_cell).reshape(m, s, n)
        stock += received - structure.tech[None] * production[:, None, :]
        np.maximum(stock, 0.0, out=stock)
        fd_unmet += (final * (1.0 - served)).sum(axis=1)
        for daily, r in zip(rebuild_daily, rebuild, strict=True):
            r.receive(daily * served[:, r.rows])
        if rebuild:  # BoARIO plans orders on the demand left once reconstruction was served
            demand_left = np.asarray(orders @ to_supplier) + final
            for daily, r in zip(rebuild_daily, rebuild, strict=True):
                demand_left += r.by_supplier(daily * (1.0 - served[:, r.rows]))
            optimal_orders = np.minimum(demand_left, capacity)
        else:
            optimal_orders = optimal

        # 3. Orders for tomorrow.
        goal = inv_days * structure.tech[None] * optimal_orders[:, None, :]
        gap = np.maximum(goal - stock, 0.0) / tau_inv + structure.tech[None] * production[:, None, :]
        weights = np.where(
            alt[:, None], np.divide(capacity, x0, out=np.ones_like(capacity), where=x0 > 0), 1.0
        )
        weighted = structure.z0[None, :] * weights[:, rows]
        per_product = np.asarray(weighted @ to_cell)[:, cell]  # the client's purchases of the product
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = np.where(per_product > 0, weighted / per_product, 0.0)
        orders = gap.reshape(m, -1)[:, cell] * shares

        # Bookkeeping.
        if trajectory is not None:
            trajectory[t] = production
        lost_today = (x0 - production) * va_coefficient
        va_lost += lost_today
        daily_va_lost[t] = lost_today.sum(axis=1)
        total = production.sum(axis=1)
        totals[t] = total
        output_lost += total0 - total
        deeper = total < min_total
        min_total = np.where(deeper, total, min_total)
        day_of_min = np.where(deeper, t, day_of_min)
        if progress is not None and (t + 1) % report_every == 0:
            progress((t + 1) / days)

    return _result(
        table,
        param_list,
        days,
        trajectory,
        totals,
        total0,
        min_total,
        day_of_min,
        output_lost,
        va_lost,
        daily_va_lost,
        fd_unmet,
        m,
    )


def _share_now(e: _EventArrays, t: int) -> FloatArray:
    """The share of an outage, labour or demand event still there on day ``t``."""
    start, end = e.day, e.day + e.duration
    elapsed = (t - end).astype(np.float64)
    left = np.where(t < end, 1.0, _recovered_share(e.recovery, elapsed, e.recovery_days))
    return np.where(t >= start, left, 0.0)


def _row_sums(values: FloatArray, rows: npt.NDArray[np.intp], n: int) -> FloatArray:
    m = values.shape[0]
    out = np.zeros((m, n))
    _scatter_add(out, rows, None, values)
    return out


def _scatter_add(
    out: FloatArray, first: npt.NDArray[np.intp], second: npt.NDArray[np.intp] | None, values: FloatArray
) -> None:
    """``out[m, first[k], second[k]] += values[m, k]`` for every member, with one ``bincount``."""
    m = out.shape[0]
    inner = int(np.prod(out.shape[1:]))
    flat = first if second is None else first * out.shape[2] + second
    index = (np.arange(m)[:, None] * inner + flat[None, :]).ravel()
    out += np.bincount(index, weights=values.ravel(), minlength=m * inner).reshape(out.shape)


class _RebuildState:
    """Reconstruction demand of one rebuild event: Γ on (rebuilding industry, damaged industry) pairs."""

    def __init__(self, e: _EventArrays, structure: _Structure, m: int, kap: FloatArray) -> None:
        assert e.rebuild_shares is not None
        self.e = e
        self.n = structure.n
        damaged = np.flatnonzero(e.impact.max(axis=0) > 0)
        rebuilders = np.flatnonzero(e.rebuild_shares[structure.product] > 0)
        # Share of each region's rebuilding sector in what the damaged industry buys of that sector (BoARIO's
        # default distribution); a damaged industry that buys none of it spreads it by the sector's output.
        z = np.zeros((structure.n, structure.n))
        z[structure.rows, structure.cols] = structure.z0
        sub = z[np.ix_(rebuilders, damaged)]
        prod = structure.product[rebuilders]
        totals = np.zeros((len(structure.sectors), damaged.size))
        np.add.at(totals, prod, sub)
        with np.errstate(divide="ignore", invalid="ignore"):
            dist = np.where(totals[prod] > 0, sub / totals[prod], 0.0)
        pair_r, pair_c = np.meshgrid(np.arange(rebuilders.size), np.arange(damaged.size), indexing="ij")
        keep = dist[pair_r, pair_c] > 0
        self.rows = rebuilders[pair_r[keep]]
        self.cols = damaged[pair_c[keep]]
        weight = (e.rebuild_shares[structure.product[self.rows]] * dist[pair_r[keep], pair_c[keep]])[None, :]
        self.gamma = weight * e.impact[:, self.cols]  # (M, pairs)
        self.days = e.rebuild_days

    def _on(self, t: int) -> npt.NDArray[np.bool_]:
        return t >= (self.e.day + self.e.duration)

    def daily_demand(self, t: int, rebuild_days: FloatArray) -> FloatArray:
        days = np.full_like(rebuild_days, self.days) if self.days else rebuild_days
        return np.where(self._on(t)[:, None], self.gamma / days[:, None], 0.0)

    def by_supplier(self, values: FloatArray) -> FloatArray:
        return _row_sums(values, self.rows, self.n)

    def receive(self, delivered: FloatArray) -> None:
        self.gamma = np.maximum(self.gamma - delivered, 0.0)

    def capital_lost(self, t: int) -> FloatArray:
        m = self.gamma.shape[0]
        lost = np.zeros((m, self.n))
        _scatter_add(lost, self.cols, None, self.gamma)
        active = t >= self.e.day
        started = self._on(t)
        initial = self.e.impact
        return np.where(started[:, None], lost, np.where(active[:, None], initial, 0.0))


def _inventory_days(params: ARIOParams, sectors: pd.Index) -> FloatArray:
    if isinstance(params.inventory_days, dict):
        unknown = sorted(set(params.inventory_days) - set(sectors))
        if unknown:
            raise ValidationError(f"`inventory_days` names sectors not in the table: {unknown!r}")
        return np.array([float(params.inventory_days.get(s, 90.0)) for s in sectors])
    return np.full(len(sectors), float(params.inventory_days))


def _as_members(events: Sequence[Event] | Sequence[Sequence[Event]]) -> list[list[Event]]:
    if len(events) == 0:
        return [[]]
    if all(isinstance(e, (CapitalDestruction, Outage, LabourLoss, DemandLoss)) for e in events):
        return [list(events)]  # type: ignore[arg-type]
    members = [list(member) for member in events]  # type: ignore[arg-type]
    shape = [(type(e), getattr(e, "rebuild", None) is not None) for e in members[0]]
    for number, member in enumerate(members, start=1):
        if [(type(e), getattr(e, "rebuild", None) is not None) for e in member] != shape:
            raise ValidationError(
                f"every ensemble member must have the same kinds of events in the same order; member {number} differs"
            )
    return members


def _as_params(params: ARIOParams | Sequence[ARIOParams] | None, m: int) -> list[ARIOParams]:
    if params is None:
        return [ARIOParams()] * m
    if isinstance(params, ARIOParams):
        return [params] * m
    if len(params) != m:
        raise ValidationError(f"`params` must be one ARIOParams or one per member ({m}); got {len(params)}")
    return list(params)


def _stack_events(members: list[list[_EventArrays]]) -> list[_EventArrays]:
    out = []
    for column in zip(*members, strict=True):
        first = column[0]
        out.append(
            _EventArrays(
                kind=first.kind,
                impact=np.concatenate([c.impact for c in column]),
                day=np.concatenate([c.day for c in column]),
                duration=np.concatenate([c.duration for c in column]),
                recovery=first.recovery,
                recovery_days=np.concatenate([c.recovery_days for c in column]),
                rebuild_shares=first.rebuild_shares,
                rebuild_days=first.rebuild_days,
            )
        )
    return out


def _result(
    table: IOTable,
    params: list[ARIOParams],
    days: int,
    trajectory: FloatArray | None,
    totals: FloatArray,
    total0: float,
    min_total: FloatArray,
    day_of_min: npt.NDArray[np.int64],
    output_lost: FloatArray,
    va_lost: FloatArray,
    daily_va_lost: FloatArray,
    fd_unmet: FloatArray,
    m: int,
) -> ARIORun:
    drop = total0 - min_total
    recover: dict[str, FloatArray] = {}
    for level, name in ((0.9, "days_to_recover_90"), (0.99, "days_to_recover_99")):
        out = np.full(m, np.nan)
        for member in range(m):
            if drop[member] <= 0:
                out[member] = 0.0
                continue
            after = totals[day_of_min[member] :, member]
            back = np.flatnonzero(total0 - after <= (1 - level) * drop[member])
            if back.size:
                out[member] = float(day_of_min[member] + back[0])
        recover[name] = out
    summary = pd.DataFrame(
        {
            "output_lost": output_lost,
            "value_added_lost": va_lost.sum(axis=1),
            "final_demand_unmet": fd_unmet,
            "max_output_drop": drop / total0 if total0 > 0 else np.zeros(m),
            **recover,
        },
        index=pd.RangeIndex(m, name="member"),
    )
    losses = pd.DataFrame(va_lost, index=summary.index, columns=table.labels)
    daily = pd.DataFrame(daily_va_lost, index=pd.RangeIndex(days, name="day"), columns=summary.index)
    production = None
    if trajectory is not None:
        if m == 1:
            production = pd.DataFrame(
                trajectory[:, 0, :], index=pd.RangeIndex(days, name="day"), columns=table.labels
            )
        else:
            index = pd.MultiIndex.from_product([range(m), range(days)], names=["member", "day"])
            production = pd.DataFrame(
                trajectory.transpose(1, 0, 2).reshape(m * days, -1), index=index, columns=table.labels
            )
    parameters = {
        "days": days,
        "members": m,
        "params": [asdict(p) for p in params[:1]]
        if len(set(map(_key, params))) == 1
        else [asdict(p) for p in params],
        "table_hash": table.content_hash(),
        "money": str(table.money),
    }
    return ARIORun(
        production=production,
        summary=summary,
        losses_by_industry=losses,
        daily_value_added_lost=daily,
        parameters=parameters,
    )


def _key(params: ARIOParams) -> str:
    return hashlib.sha256(json.dumps(asdict(params), sort_keys=True, default=str).encode()).hexdigest()
