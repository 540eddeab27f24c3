"""The time-indexed mixed-integer programme of the exact restoration plan (internal)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from hromada.analysis.infrastructure._greedy import LocalModel
from hromada.errors import HromadaError, ValidationError

__all__ = ["MAX_BINARIES", "exact_starts"]

MAX_BINARIES = 2_000


class _Rows:
    """A sparse constraint matrix A x <= ub, built row by row."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.ub: list[float] = []

    def add(self, cols: list[int], vals: list[float], ub: float) -> None:
        r = len(self.ub)
        self.rows.extend([r] * len(cols))
        self.cols.extend(cols)
        self.vals.extend(vals)
        self.ub.append(ub)


def exact_starts(
    model: LocalModel,
    damaged: list[int],
    durations: list[int],
    costs: list[float],
    *,
    crews: int,
    budget: float,
    horizon: int,
) -> dict[int, int]:
    """Optimal start periods of the repairs (local asset -> start); assets left out are not repaired."""
    m, T = len(model.nodes), horizon
    y_index: list[tuple[int, int]] = [(j, s) for j, d in enumerate(durations) for s in range(T - d + 1)]
    binary_consumers = {
        model.group_consumer[g]
        for g in range(len(model.need))
        if 1 < model.k_eff[g] < len(model.group_suppliers[g])
    }
    n_binary = len(y_index) + T * len(binary_consumers)
    if n_binary > MAX_BINARIES:
        raise ValidationError(
            f"`method` 'exact' must have at most {MAX_BINARIES:,} binary variables; got {n_binary:,} "
            "(use method='heuristic', fewer damaged assets or a shorter horizon)"
        )
    n_y = len(y_index)

    def f(x: int, t: int) -> int:
        return n_y + x * T + t

    rows = _Rows()
    by_asset: dict[int, list[int]] = {}
    for v, (j, _) in enumerate(y_index):
        by_asset.setdefault(j, []).append(v)
    for vs in by_asset.values():  # each repair at most once
        rows.add(vs, [1.0] * len(vs), 1.0)
    for t in range(T):  # crews busy in period t
        busy = [v for v, (j, s) in enumerate(y_index) if s <= t < s + durations[j]]
        if busy:
            rows.add(busy, [1.0] * len(busy), float(crews))
    if np.isfinite(budget) and n_y:
        rows.add(list(range(n_y)), [costs[j] for j, _ in y_index], float(budget))
    for j, b in enumerate(damaged):  # a damaged asset functions only once its repair is finished
        for t in range(T):
            done = [v for v in by_asset.get(j, []) if y_index[v][1] <= t - durations[j]]
            rows.add([f(b, t), *done], [1.0] + [-1.0] * len(done), 0.0)
    for g, x in enumerate(model.group_consumer):  # supply: at least k of the group's suppliers function
        members, k = model.group_suppliers[g], model.k_eff[g]
        for t in range(T):
            if k == len(members):
                for s in members:
                    rows.add([f(x, t), f(s, t)], [1.0, -1.0], 0.0)
            else:
                weight = 1.0 if k == 1 else float(k)
                rows.add([f(x, t)] + [f(s, t) for s in members], [weight] + [-1.0] * len(members), 0.0)
    n_vars = n_y + m * T
    cost = np.zeros(n_vars)
    population = np.asarray(model.population, dtype=np.float64)
    cost[n_y:] = -np.repeat(population, T)
    integrality = np.zeros(n_vars)
    integrality[:n_y] = 1
    for x in binary_consumers:
        integrality[f(x, 0) : f(x, 0) + T] = 1
    matrix = coo_matrix((rows.vals, (rows.rows, rows.cols)), shape=(len(rows.ub), n_vars)).tocsr()
    constraints = LinearConstraint(matrix, -np.inf, np.asarray(rows.ub)) if rows.ub else None
    result = milp(
        cost,
        integrality=integrality,
        bounds=Bounds(0.0, 1.0),
        constraints=constraints if constraints is not None else (),
        options={"time_limit": 300.0},
    )
    if not result.success or result.x is None:
        raise HromadaError(f"The exact restoration programme was not solved: {result.message}")
    return {damaged[j]: s for v, (j, s) in enumerate(y_index) if result.x[v] > 0.5}
