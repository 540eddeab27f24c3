"""The affected part of a damaged network and the list-scheduling heuristic of the restoration plan
(internal).

Only the assets down when the damaged assets are out (backups ignored) can change state while repairs go
on; every other asset keeps functioning. :class:`LocalModel` holds that part with plain Python lists, since
the heuristic asks many small questions ("what does repairing these few assets bring back?") whose answers
touch a handful of assets each.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from hromada.analysis.infrastructure._engine import Workspace, gather, propagate
from hromada.analysis.infrastructure.network import DependencyArrays, IntArray

__all__ = ["LocalModel", "Placement", "greedy_plan", "local_model"]


@dataclass(frozen=True, eq=False)
class LocalModel:
    """The assets down while every damaged asset is out, with local numbering 0 .. m - 1.

    A group of a local consumer keeps only its local suppliers (the others always function); ``k_eff`` is
    the number of local suppliers that must function (``k`` minus the suppliers outside), and ``need`` the
    number of local suppliers down at which the group fails (``n - k + 1``). Groups that outside suppliers
    alone satisfy are dropped.
    """

    nodes: IntArray
    population: list[float]
    groups_of: list[list[int]]
    group_consumer: list[int]
    group_suppliers: list[list[int]]
    need: list[int]
    k_eff: list[int]
    out_groups: list[list[int]]
    suppliers: list[list[int]]
    consumers: list[list[int]]


def local_model(arrays: DependencyArrays, damaged: IntArray) -> LocalModel:
    """The local model of the assets taken down by ``damaged`` when backups are ignored."""
    ws = Workspace(arrays)
    nodes, _ = propagate(ws, damaged, np.zeros(damaged.size), np.zeros(arrays.n_assets))
    nodes = np.sort(nodes)
    m = nodes.size
    local = np.full(arrays.n_assets, -1, dtype=np.int64)
    local[nodes] = np.arange(m)
    groups = gather(arrays.consumer_ptr, np.arange(arrays.n_groups, dtype=np.int64), nodes)
    groups_of: list[list[int]] = [[] for _ in range(m)]
    out_groups: list[list[int]] = [[] for _ in range(m)]
    suppliers: list[set[int]] = [set() for _ in range(m)]
    consumers: list[set[int]] = [set() for _ in range(m)]
    group_consumer: list[int] = []
    group_suppliers: list[list[int]] = []
    need: list[int] = []
    k_eff: list[int] = []
    for g in groups.tolist():
        members = local[arrays.group_suppliers[arrays.group_ptr[g] : arrays.group_ptr[g + 1]]]
        inside = [int(s) for s in members if s >= 0]
        k = int(arrays.group_k[g]) - (len(members) - len(inside))
        if k <= 0:
            continue
        lg = len(group_consumer)
        c = int(local[arrays.group_consumer[g]])
        group_consumer.append(c)
        group_suppliers.append(inside)
        need.append(len(inside) - k + 1)
        k_eff.append(k)
        groups_of[c].append(lg)
        for s in inside:
            out_groups[s].append(lg)
            suppliers[c].add(s)
            consumers[s].add(c)
    return LocalModel(
        nodes=nodes,
        population=arrays.population[nodes].tolist(),
        groups_of=groups_of,
        group_consumer=group_consumer,
        group_suppliers=group_suppliers,
        need=need,
        k_eff=k_eff,
        out_groups=out_groups,
        suppliers=[sorted(s) for s in suppliers],
        consumers=[sorted(c) for c in consumers],
    )


@dataclass(frozen=True)
class Placement:
    """One repair of the plan: local asset, crew, start and finish period."""

    asset: int
    crew: int
    start: int
    finish: int


class _State:
    """Which local assets are down, which damaged assets are still broken, which are still to place."""

    def __init__(self, model: LocalModel, damaged: list[int]) -> None:
        self.model = model
        self.down = [True] * len(model.nodes)
        self.broken = set(damaged)
        self.pending = set(damaged)

    def restored(self, repaired: list[int]) -> list[int]:
        """The down assets that function again if ``repaired`` (broken assets) are repaired."""
        model, down, broken = self.model, self.down, self.broken
        region = list(dict.fromkeys(repaired))
        inside = set(region)
        i = 0
        while i < len(region):  # everything downstream through down assets may come back
            for c in model.consumers[region[i]]:
                if down[c] and c not in inside:
                    inside.add(c)
                    region.append(c)
            i += 1
        chosen = set(repaired)
        fallen = {x for x in region if x in broken and x not in chosen}
        count: dict[int, int] = {}
        queue: list[int] = []
        for x in region:
            if x in fallen:
                continue
            for g in model.groups_of[x]:
                n_down = 0
                for s in model.group_suppliers[g]:
                    if (s in fallen) if s in inside else down[s]:
                        n_down += 1
                count[g] = n_down
                if n_down >= model.need[g]:
                    queue.append(x)
        while queue:  # what still lacks supply goes down again, as in the cascade
            y = queue.pop()
            if y in fallen:
                continue
            fallen.add(y)
            for g in model.out_groups[y]:
                c = model.group_consumer[g]
                if c in inside and c not in fallen:
                    count[g] += 1
                    if count[g] >= model.need[g]:
                        queue.append(c)
        return [x for x in region if x not in fallen]

    def gain(self, repaired: list[int]) -> float:
        population = self.model.population
        return sum(population[x] for x in self.restored(repaired))

    def upstream_pending(self, b: int) -> list[int]:
        """The damaged assets still to place that ``b`` needs: upstream of it through down assets."""
        model, down, pending = self.model, self.down, self.pending
        seen = {b}
        stack = [b]
        found: list[int] = []
        while stack:
            x = stack.pop()
            for s in model.suppliers[x]:
                if down[s] and s not in seen:
                    seen.add(s)
                    stack.append(s)
                    if s in pending:
                        found.append(s)
        return found

    def _pending_reachable(self, start: set[int], neighbours: list[list[int]]) -> set[int]:
        """Pending assets among ``start`` and the down assets reachable from it along ``neighbours``."""
        down, pending = self.down, self.pending
        seen = set(start)
        stack = list(start)
        found = {x for x in start if x in pending}
        while stack:
            x = stack.pop()
            for y in neighbours[x]:
                if down[y] and y not in seen:
                    seen.add(y)
                    stack.append(y)
                    if y in pending:
                        found.add(y)
        return found

    def downstream_pending(self, start: set[int]) -> set[int]:
        return self._pending_reachable(start, self.model.consumers)

    def affected_by_repair(self, b: int, restored: list[int]) -> set[int]:
        """Pending assets whose score may change when ``b`` is repaired and ``restored`` come back."""
        changed = {b, *restored}
        start = set(changed)
        for x in changed:
            start.update(c for c in self.model.consumers[x] if self.down[c])
        upstream = self._pending_reachable(start, self.model.suppliers)
        return (upstream | self.downstream_pending(upstream | {b})) - {b}


def greedy_plan(
    model: LocalModel,
    damaged: list[int],
    durations: list[int],
    costs: list[float],
    *,
    crews: int,
    budget: float,
    horizon: int | None,
    refresh_all: bool = False,
) -> tuple[list[Placement], dict[int, str]]:
    """List scheduling by marginal population restored per period, with a supplier lookahead.

    ``damaged`` are local asset numbers; ``durations`` and ``costs`` follow it. Each step takes the asset
    with the best score: the population its repair alone brings back per period, or, when larger, the
    population that it and the damaged assets it needs upstream bring back together per period of their
    summed repair times; in the latter case the whole set is placed, suppliers first (among the members
    whose suppliers are placed, the best gain per period first). Returns the placements in the order
    chosen and the reason ("budget" or "horizon") for each damaged asset left out. ``refresh_all``
    rescores every pending asset after each step instead of only those a step may affect (for tests).
    """
    position = {b: i for i, b in enumerate(damaged)}
    state = _State(model, damaged)
    version = dict.fromkeys(damaged, 0)
    chains: dict[int, list[int]] = {}
    heap: list[tuple[float, float, int, int, int]] = []

    def score(b: int) -> None:
        direct = state.gain([b])
        d = durations[position[b]]
        best = direct / d
        chains.pop(b, None)
        needed = state.upstream_pending(b)
        if needed:
            together = state.gain([b, *needed]) / (d + sum(durations[position[u]] for u in needed))
            if together > best:
                best = together
                chains[b] = [b, *needed]
        version[b] += 1
        heapq.heappush(heap, (-best, -direct, position[b], b, version[b]))

    free = [(0, c) for c in range(crews)]
    left = budget
    placements: list[Placement] = []
    skipped: dict[int, str] = {}

    def place(b: int) -> None:
        nonlocal left
        i = position[b]
        start, crew = free[0]
        reason = None
        if costs[i] > left * (1 + 1e-12) + 1e-9:
            reason = "budget"
        elif horizon is not None and start + durations[i] > horizon:
            reason = "horizon"
        if reason is not None:
            skipped[b] = reason
            state.pending.discard(b)
            for x in state.pending if refresh_all else state.downstream_pending({b}):
                score(x)
            return
        heapq.heapreplace(free, (start + durations[i], crew))
        left -= costs[i]
        placements.append(Placement(asset=b, crew=crew, start=start, finish=start + durations[i]))
        back = state.restored([b])
        affected = state.affected_by_repair(b, back)
        state.broken.discard(b)
        state.pending.discard(b)
        for x in back:
            state.down[x] = False
        for x in state.pending if refresh_all else affected:
            if x in state.pending:
                score(x)

    for b in damaged:
        score(b)
    while state.pending:
        _, _, _, b, v = heapq.heappop(heap)
        if b not in state.pending or v != version[b]:
            continue
        members = set(chains.get(b, [b]))
        while members:
            members &= state.pending
            if not members:
                break
            ready = [u for u in members if not members.intersection(state.upstream_pending(u))]
            pick = max(
                ready or members,
                key=lambda u: (
                    state.gain([u]) / durations[position[u]],
                    -durations[position[u]],
                    -position[u],
                ),
            )
            place(pick)
            members.discard(pick)
    return placements, skipped
