"""The event-driven failure propagation shared by cascades, criticality and restoration (internal).

:func:`propagate` computes failure times with a Dijkstra-like sweep in time order. All assets that fail at the
current earliest time are handled in one vectorised step: the group counters of their outgoing dependencies
are incremented together, the groups that reach their threshold fail now, and their consumers are scheduled
at ``now + backup``. Consumers without backup fail at the same time and are handled in the next step of the
same instant. A :class:`Workspace` keeps the per-asset and per-group state between calls; only the entries a
call touched are reset, so a call costs time proportional to the part of the network it reaches.
"""

from __future__ import annotations

import heapq
import math
from typing import cast

import numpy as np

from hromada.analysis.infrastructure.network import (
    BoolArray,
    DependencyArrays,
    FloatArray,
    IntArray,
)

__all__ = ["Workspace", "gather", "propagate", "reach"]

_EMPTY = np.zeros(0, dtype=np.int64)


class Workspace:
    """Reusable propagation state for one network (all clean between calls)."""

    def __init__(self, arrays: DependencyArrays) -> None:
        self.arrays = arrays
        self.time: FloatArray = np.full(arrays.n_assets, math.inf)
        self.done: BoolArray = np.zeros(arrays.n_assets, dtype=bool)
        self.count: IntArray = np.zeros(arrays.n_groups, dtype=np.int64)
        self.failed: BoolArray = np.zeros(arrays.n_groups, dtype=bool)
        self.mark: BoolArray = np.zeros(arrays.n_assets, dtype=bool)


def gather(ptr: IntArray, values: IntArray, rows: IntArray) -> IntArray:
    """``values[ptr[r]:ptr[r + 1]]`` for every ``r`` in ``rows``, concatenated (a CSR row gather)."""
    if rows.size == 1:
        r = int(rows[0])
        return values[ptr[r] : ptr[r + 1]]
    starts = ptr[rows]
    lengths = ptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return _EMPTY
    ends = np.cumsum(lengths)
    offsets = np.repeat(starts - (ends - lengths), lengths)
    return cast(IntArray, values[np.arange(total, dtype=np.int64) + offsets])


def propagate(
    ws: Workspace,
    seeds: IntArray,
    seed_times: FloatArray,
    backup: FloatArray,
    *,
    limit: float = math.inf,
) -> tuple[IntArray, FloatArray]:
    """Failure times of every asset that fails no later than ``limit``.

    Parameters
    ----------
    ws
        The workspace of the network; left clean.
    seeds, seed_times
        Assets down from the given times on, whatever their supply (initial failures).
    backup
        Hours each asset keeps functioning after it loses supply (>= 0, may be infinite).
    limit
        Failures after this time are not followed.

    Returns
    -------
    positions, times
        The assets that fail by ``limit`` and their failure times, in the order they fail.
    """
    a = ws.arrays
    time, done, count, failed = ws.time, ws.done, ws.count, ws.failed
    s_ptr, s_groups = a.supplier_ptr, a.supplier_groups
    g_consumer, threshold = a.group_consumer, a.group_threshold

    keep = seed_times <= limit
    seeds, seed_times = seeds[keep], seed_times[keep]
    touched_time: list[IntArray] = [seeds]
    touched_groups: list[IntArray] = []
    out_pos: list[IntArray] = []
    out_time: list[float] = []
    buckets: dict[float, list[IntArray]] = {}
    heap: list[float] = []

    def push(t: float, who: IntArray) -> None:
        bucket = buckets.get(t)
        if bucket is None:
            buckets[t] = [who]
            heapq.heappush(heap, t)
        else:
            bucket.append(who)

    def push_many(times: FloatArray, who: IntArray) -> None:
        first = float(times[0])
        if times.size == 1 or bool((times == first).all()):
            push(first, who)
            return
        order = np.argsort(times, kind="stable")
        times, who = times[order], who[order]
        cuts = np.flatnonzero(np.diff(times)) + 1
        for t_part, w_part in zip(np.split(times, cuts), np.split(who, cuts), strict=True):
            push(float(t_part[0]), w_part)

    if seeds.size:
        np.minimum.at(time, seeds, seed_times)
        push_many(seed_times, seeds)

    while heap:
        now = heapq.heappop(heap)
        batch = buckets.pop(now)
        current = batch[0] if len(batch) == 1 else np.concatenate(batch)
        current = current[(time[current] == now) & ~done[current]]
        while current.size:
            if current.size > 1:
                current = np.unique(current)
            done[current] = True
            out_pos.append(current)
            out_time.append(now)
            groups = gather(s_ptr, s_groups, current)
            if not groups.size:
                break
            np.add.at(count, groups, 1)
            touched_groups.append(groups)
            hit = groups[(count[groups] >= threshold[groups]) & ~failed[groups]]
            if not hit.size:
                break
            failed[hit] = True
            consumers = g_consumer[hit]
            consumers = consumers[~done[consumers]]
            if not consumers.size:
                break
            delay = backup[consumers]
            instant = delay == 0.0
            later = ~instant
            if later.any():
                who = consumers[later]
                when = now + delay[later]
                sooner = (when < time[who]) & (when <= limit)
                if sooner.any():
                    who, when = who[sooner], when[sooner]
                    np.minimum.at(time, who, when)
                    touched_time.append(who)
                    push_many(when, who)
            current = consumers[instant]
            if current.size:
                time[current] = now
                touched_time.append(current)

    for who in touched_time:
        time[who] = math.inf
    for groups in touched_groups:
        count[groups] = 0
        failed[groups] = False
    if not out_pos:
        return _EMPTY, np.zeros(0, dtype=np.float64)
    positions = out_pos[0] if len(out_pos) == 1 else np.concatenate(out_pos)
    done[positions] = False
    sizes = [p.size for p in out_pos]
    times = np.repeat(np.asarray(out_time, dtype=np.float64), sizes)
    return positions, times


def reach(ws: Workspace, start: IntArray) -> IntArray:
    """All assets that depend, directly or through others, on any of ``start`` (``start`` itself excluded,
    as in :func:`networkx.descendants`)."""
    a = ws.arrays
    mark = ws.mark
    mark[start] = True
    found: list[IntArray] = []
    frontier = start
    while frontier.size:
        consumers = a.group_consumer[gather(a.supplier_ptr, a.supplier_groups, frontier)]
        consumers = consumers[~mark[consumers]]
        if consumers.size > 1:
            consumers = np.unique(consumers)
        if not consumers.size:
            break
        mark[consumers] = True
        found.append(consumers)
        frontier = consumers
    mark[start] = False
    out = np.concatenate(found) if found else _EMPTY
    mark[out] = False
    return out
