"""Monte Carlo ensembles of ARIO: uncertain event sizes, timings and model parameters, with a seed.

Every member draws its values from its own random stream (``numpy.random.SeedSequence(seed).spawn``), so a
member's numbers depend only on the seed and its number, never on how members are grouped into chunks. The
members of a chunk advance together in one :func:`~hromada.analysis.shocks.ario.simulate` call (one array
axis); chunks run one after another here, or as tasks on a Dask cluster (``engine="dask"``), with identical
results for the same seed.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from hromada.analysis.shocks.ario import (
    ARIOParams,
    CapitalDestruction,
    DemandLoss,
    Event,
    LabourLoss,
    Outage,
    simulate,
)
from hromada.analysis.shocks.table import IOTable
from hromada.errors import ValidationError

__all__ = [
    "UNCERTAIN",
    "Distribution",
    "EnsembleResult",
    "Fixed",
    "Triangular",
    "Uniform",
    "draw_members",
    "run_ensemble",
]


@dataclass(frozen=True)
class Uniform:
    """Uniform between ``low`` and ``high``."""

    low: float
    high: float

    def draw(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))

    def check(self, name: str) -> None:
        if not self.low <= self.high:
            raise ValidationError(f"`{name}`: low must not exceed high; got {self.low} > {self.high}")


@dataclass(frozen=True)
class Triangular:
    """Triangular with the given ``low``, most likely ``mode`` and ``high`` values."""

    low: float
    mode: float
    high: float

    def draw(self, rng: np.random.Generator) -> float:
        if self.low == self.high:
            return float(self.low)
        return float(rng.triangular(self.low, self.mode, self.high))

    def check(self, name: str) -> None:
        if not self.low <= self.mode <= self.high:
            raise ValidationError(
                f"`{name}` must have low <= mode <= high; got {self.low}, {self.mode}, {self.high}"
            )


@dataclass(frozen=True)
class Fixed:
    """No uncertainty: always ``value``."""

    value: float

    def draw(self, rng: np.random.Generator) -> float:
        return float(self.value)

    def check(self, name: str) -> None:
        if not np.isfinite(self.value):
            raise ValidationError(f"`{name}` must be a finite number; got {self.value!r}")


Distribution = Uniform | Triangular | Fixed

#: What may be uncertain, and what each draw does. Event-side values scale or set every event of a member;
#: model-side values set the member's :class:`ARIOParams`.
UNCERTAIN: Mapping[str, str] = {
    "damage": "multiplier on every event's damage or share lost (a share is capped at 1)",
    "duration": "days every event lasts before recovery starts (rounded)",
    "recovery_days": "days every event takes to recover",
    "psi": "inventory threshold ψ",
    "restoration_days": "days to restore inventories τ_inv",
    "alpha_max": "largest overproduction factor",
    "alpha_days": "days of overproduction adjustment τ_α",
    "rebuild_days": "days of reconstruction demand τ_rebuild",
    "capital_to_va": "productive capital per unit of yearly value added",
    "inventory_days": "target inventory in days (every product)",
}
_PARAMS = {
    "psi",
    "restoration_days",
    "alpha_max",
    "alpha_days",
    "rebuild_days",
    "capital_to_va",
    "inventory_days",
}


def _scaled(event: Event, values: Mapping[str, float]) -> Event:
    changes: dict[str, Any] = {}
    if "duration" in values:
        changes["duration"] = max(0, round(values["duration"]))
    if "recovery_days" in values:
        changes["recovery_days"] = max(0.0, values["recovery_days"])
    factor = values.get("damage")
    if factor is not None:
        if isinstance(event, CapitalDestruction):
            changes["damage"] = event.damage * factor
        elif isinstance(event, Outage):
            changes["capacity_loss"] = (event.capacity_loss * factor).clip(upper=1.0)
        elif isinstance(event, LabourLoss | DemandLoss):
            changes["share_lost"] = (event.share_lost * factor).clip(upper=1.0)
    return dataclasses.replace(event, **changes)


def draw_members(
    events: Sequence[Event],
    uncertain: Mapping[str, Distribution],
    *,
    members: int,
    seed: int,
    params: ARIOParams | None = None,
    first: int = 0,
) -> tuple[list[list[Event]], list[ARIOParams]]:
    """The events and parameters of members ``first`` to ``first + members - 1`` of the ensemble ``seed``."""
    unknown = sorted(set(uncertain) - set(UNCERTAIN))
    if unknown:
        raise ValidationError(f"uncertain values must be among {', '.join(UNCERTAIN)}; got {unknown!r}")
    for name, distribution in uncertain.items():
        distribution.check(name)
    base = params or ARIOParams()
    member_events: list[list[Event]] = []
    member_params: list[ARIOParams] = []
    for values in _draws(uncertain, seed, first, members):
        member_events.append([_scaled(event, values) for event in events])
        changes: dict[str, Any] = {name: value for name, value in values.items() if name in _PARAMS}
        member_params.append(dataclasses.replace(base, **changes) if changes else base)
    return member_events, member_params


@dataclass(frozen=True, eq=False)
class EnsembleResult:
    """What an ensemble gives.

    Attributes
    ----------
    members
        One row per member: the drawn values and the run's summary (``output_lost``, ``value_added_lost``,
        ``final_demand_unmet``, ``max_output_drop``, ``days_to_recover_90``, ``days_to_recover_99``).
    bands
        Daily value added lost (money per day): the P5, P50 and P95 across members, and the mean.
    quantiles
        P5, P50, P95 and the mean of every summary column across members.
    losses_by_industry
        Median value added lost per industry over the horizon (money), with P5 and P95.
    parameters
        Seed, member count, days, engine, chunk size, the uncertain values and the table's hash.
    """

    members: pd.DataFrame
    bands: pd.DataFrame
    quantiles: pd.DataFrame
    losses_by_industry: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)


def _chunk(
    table: IOTable,
    events: Sequence[Event],
    uncertain: Mapping[str, Distribution],
    params: ARIOParams | None,
    seed: int,
    first: int,
    count: int,
    days: int,
) -> tuple[pd.DataFrame, np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.float64]]]:
    member_events, member_params = draw_members(
        events, uncertain, members=count, seed=seed, params=params, first=first
    )
    run = simulate(table, member_events, days=days, params=member_params)
    summary = run.summary.copy()
    summary.index = pd.RangeIndex(first, first + count, name="member")
    return summary, run.daily_value_added_lost.to_numpy(), run.losses_by_industry.to_numpy()


def run_ensemble(
    table: IOTable,
    events: Sequence[Event],
    uncertain: Mapping[str, Distribution],
    *,
    members: int = 1000,
    seed: int = 0,
    days: int = 365,
    params: ARIOParams | None = None,
    chunk_size: int = 250,
    engine: Literal["local", "dask"] = "local",
    scheduler: str | Any | None = None,
    progress: Callable[[float], None] | None = None,
) -> EnsembleResult:
    """Run ``members`` ARIO simulations whose uncertain values are drawn with ``seed``.

    Parameters
    ----------
    table
        The input-output table.
    events
        The scenario's events at their central values.
    uncertain
        What is uncertain (keys of :data:`UNCERTAIN`) and its distribution.
    members
        Number of members.
    seed
        The ensemble's seed: the same seed gives the same numbers on every engine and chunk size.
    days
        Days simulated.
    params
        The central model parameters.
    chunk_size
        Members advanced together in one array (and sent as one Dask task).
    engine
        ``"local"`` runs the chunks in this process; ``"dask"`` sends them to a Dask cluster: the one at
        ``scheduler`` (an address or a ``distributed.Client``), or a new two-worker ``LocalCluster``.
    progress
        Called with the share of members done.

    Notes
    -----
    Member :math:`k` draws from the stream ``SeedSequence(seed).spawn(k + 1)[k]``, and the model treats the
    members of a chunk independently (no operation mixes members), so the result does not depend on the
    chunk size or the engine. Percentile bands are the linear-interpolation quantiles of the members.
    """
    if members < 1:
        raise ValidationError(f"`members` must be at least 1; got {members!r}")
    if chunk_size < 1:
        raise ValidationError(f"`chunk_size` must be at least 1; got {chunk_size!r}")
    if engine not in ("local", "dask"):
        raise ValidationError(f"`engine` must be 'local' or 'dask'; got {engine!r}")
    draw_members(events, uncertain, members=1, seed=seed, params=params)  # check the inputs before any work
    starts = list(range(0, members, chunk_size))
    spans = [(start, min(chunk_size, members - start)) for start in starts]
    args = (table, list(events), dict(uncertain), params, seed)
    if engine == "local":
        parts = []
        for number, (first, count) in enumerate(spans, start=1):
            parts.append(_chunk(*args, first, count, days))
            if progress is not None:
                progress(number / len(spans))
    else:
        parts = _on_dask(args, spans, days, scheduler, progress)
    summary = pd.concat([part[0] for part in parts])
    daily = np.concatenate([part[1] for part in parts], axis=1)  # (days, members)
    by_industry = np.concatenate([part[2] for part in parts], axis=0)  # (members, N)
    drawn = pd.DataFrame(_draws(uncertain, seed, 0, members), index=pd.RangeIndex(members, name="member"))
    member_frame = pd.concat([drawn, summary], axis=1)
    q = [0.05, 0.5, 0.95]
    bands = pd.DataFrame(
        np.quantile(daily, q, axis=1).T, index=pd.RangeIndex(days, name="day"), columns=["p5", "p50", "p95"]
    )
    bands["mean"] = daily.mean(axis=1)
    quantiles = summary.quantile(q).set_axis(["p5", "p50", "p95"])
    quantiles.loc["mean"] = summary.mean()
    industries = pd.DataFrame(
        np.quantile(by_industry, q, axis=0).T, index=table.labels, columns=["p5", "p50", "p95"]
    )
    return EnsembleResult(
        members=member_frame,
        bands=bands,
        quantiles=quantiles,
        losses_by_industry=industries,
        parameters={
            "seed": seed,
            "members": members,
            "days": days,
            "engine": engine,
            "chunk_size": chunk_size,
            "uncertain": {
                name: dataclasses.asdict(d) | {"kind": type(d).__name__} for name, d in uncertain.items()
            },
            "params": dataclasses.asdict(params or ARIOParams()),
            "table_hash": table.content_hash(),
            "money": str(table.money),
        },
    )


def _draws(
    uncertain: Mapping[str, Distribution], seed: int, first: int, members: int
) -> list[dict[str, float]]:
    """The uncertain values of members ``first`` to ``first + members - 1``, each from its own stream."""
    streams = np.random.SeedSequence(seed).spawn(first + members)[first:]
    out = []
    for stream in streams:
        rng = np.random.default_rng(stream)
        out.append({name: uncertain[name].draw(rng) for name in UNCERTAIN if name in uncertain})
    return out


def _on_dask(
    args: tuple[Any, ...],
    spans: list[tuple[int, int]],
    days: int,
    scheduler: str | Any | None,
    progress: Callable[[float], None] | None,
) -> list[Any]:
    try:
        distributed: Any = importlib.import_module("dask.distributed")  # its API is not typed
    except ImportError as exc:  # pragma: no cover - the distributed extra is part of `all`
        raise ValidationError(
            "engine='dask' needs the distributed extra: pip install 'hromada[distributed]'"
        ) from exc
    own_cluster = None
    if scheduler is None:
        own_cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = distributed.Client(own_cluster)
    elif isinstance(scheduler, str):
        client = distributed.Client(scheduler)
    else:
        client = scheduler
    try:
        table = client.scatter(args[0], broadcast=True)
        futures = [
            client.submit(_chunk, table, *args[1:], first, count, days, pure=False) for first, count in spans
        ]
        index = {future.key: number for number, future in enumerate(futures)}
        parts: list[Any] = [None] * len(futures)
        for done, (future, part) in enumerate(distributed.as_completed(futures, with_results=True), start=1):
            parts[index[future.key]] = part
            if progress is not None:
                progress(done / len(futures))
        return parts
    finally:
        if own_cluster is not None or isinstance(scheduler, str):
            client.close()
        if own_cluster is not None:
            own_cluster.close()
