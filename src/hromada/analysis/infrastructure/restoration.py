"""Restoration planning: in which order should crews repair damaged assets to bring service back fastest?"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from hromada.analysis.infrastructure._engine import Workspace, propagate
from hromada.analysis.infrastructure._greedy import LocalModel, Placement, greedy_plan, local_model
from hromada.analysis.infrastructure._milp import exact_starts
from hromada.analysis.infrastructure.network import SERVICES, IntArray, Network, as_number
from hromada.errors import ValidationError

__all__ = ["MAX_EXACT_DAMAGED", "RestorationPlan", "restoration_plan"]

MAX_EXACT_DAMAGED = 15
"""The most damaged assets ``method="exact"`` accepts (see also the binary-variable limit, 2,000)."""

Method = Literal["heuristic", "exact"]


@dataclass(frozen=True, eq=False)
class RestorationPlan:
    """A repair schedule and the service it brings back over time.

    Attributes
    ----------
    schedule
        One row per repair: ``asset``, ``crew`` (1, 2, ...), ``start_day``, ``finish_day`` (the asset
        functions again from then on, supply permitting) and ``cost``; sorted by start.
    served
        One row per period from day 0 to the end of the evaluation horizon (the last row is the state
        after it): ``day``, ``assets_down``, one column per service (people without it) and ``total``
        (person-services).
    objective
        Person-days of service lost over the evaluation horizon: ``period_days`` times the sum of
        ``total`` over every row of `served` but the last. Smaller is better.
    method
        ``"heuristic"`` or ``"exact"``.
    unscheduled
        The damaged assets not repaired in the plan: ``asset`` and ``reason`` (``"budget"`` or
        ``"horizon"``).
    horizon_days
        The evaluation horizon: `horizon_days` as given (rounded up to whole periods), else the day the
        last repair of the heuristic plan finishes.
    period_days
        The length of one period.
    total_cost
        The summed cost of the scheduled repairs.
    """

    schedule: pd.DataFrame
    served: pd.DataFrame
    objective: float
    method: Method
    unscheduled: pd.DataFrame
    horizon_days: float
    period_days: float
    total_cost: float


def _positive(value: object, param: str, *, whole: bool = False, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    number = as_number(value)
    if number is None or not math.isfinite(number) or number <= 0 or (whole and number != int(number)):
        expected = "a whole number >= 1" if whole else "a finite number > 0"
        raise ValidationError(f"`{param}` must be {expected}; got {value!r}")
    return number


def _evaluate(
    network: Network, damaged: IntArray, finish: IntArray, horizon: int, period_days: float
) -> tuple[pd.DataFrame, float]:
    """Served population per period for repairs finishing at ``finish`` (periods; -1: not repaired).

    Reuses the cascade with reversed time: a damaged asset repaired at the start of period ``r`` "fails" at
    time ``-r``; with no backups, each asset's failure time ``-v`` then says it is down until period ``v``.
    """
    a = network.arrays
    until = np.where(finish < 0, horizon + 1, finish).astype(np.float64)
    pos, times = propagate(Workspace(a), damaged, -until, np.zeros(a.n_assets))
    last = np.minimum(-times, horizon + 1).astype(np.int64)  # down in periods 0 .. last - 1
    n_services = len(SERVICES)
    ending = np.zeros((horizon + 2, n_services + 1))
    np.add.at(ending, (last, a.service_code[pos]), a.population[pos])
    count = np.bincount(last, minlength=horizon + 2).astype(np.float64)
    # down in period t  <=>  last > t: suffix sums from t + 1
    cut = np.cumsum(ending[::-1, :n_services], axis=0)[::-1][1:]
    down = np.cumsum(count[::-1])[::-1][1:]
    served = pd.DataFrame(cut, columns=list(SERVICES))
    served.insert(0, "assets_down", down.astype(np.int64))
    served.insert(0, "day", np.arange(horizon + 1) * period_days)
    served["total"] = served[list(SERVICES)].sum(axis=1)
    objective = float(served["total"].to_numpy()[:horizon].sum() * period_days)
    return served, objective


def _assign_crews(starts: dict[int, int], durations: dict[int, int], crews: int) -> list[Placement]:
    """Crews for given start periods (at most `crews` repairs overlap): first free crew, by start."""
    free = [0] * crews
    out = []
    for b, s in sorted(starts.items(), key=lambda item: (item[1], item[0])):
        crew = next(c for c in range(crews) if free[c] <= s)
        free[crew] = s + durations[b]
        out.append(Placement(asset=b, crew=crew, start=s, finish=s + durations[b]))
    return out


def _fill(
    placements: list[Placement],
    rest: list[int],
    durations: dict[int, int],
    costs: dict[int, float],
    crews: int,
    budget: float,
    horizon: int,
) -> tuple[list[Placement], dict[int, str]]:
    """Append repairs the programme left out (they bring no service back) where crews, budget and horizon
    allow: repairing more never lowers the service, so the plan stays optimal."""
    end = [0] * crews
    for p in placements:
        end[p.crew] = max(end[p.crew], p.finish)
    left = budget - sum(costs[p.asset] for p in placements)
    out, skipped = list(placements), {}
    for b in rest:
        crew = min(range(crews), key=lambda c: (end[c], c))
        if costs[b] > left * (1 + 1e-12) + 1e-9:
            skipped[b] = "budget"
        elif end[crew] + durations[b] > horizon:
            skipped[b] = "horizon"
        else:
            out.append(Placement(asset=b, crew=crew, start=end[crew], finish=end[crew] + durations[b]))
            end[crew] += durations[b]
            left -= costs[b]
    return out, skipped


def restoration_plan(
    network: Network,
    damaged: Iterable[str],
    *,
    crews: int,
    budget: float | None = None,
    method: Method = "heuristic",
    period_days: float = 1.0,
    horizon_days: int | None = None,
) -> RestorationPlan:
    """Schedule repairs of damaged assets to restore the most population-weighted service soonest.

    Parameters
    ----------
    network
        The infrastructure network.
    damaged
        The assets to repair (down until repaired).
    crews
        Repair crews working in parallel; each repairs one asset at a time.
    budget
        The most the repairs may cost in total (default: no limit). An asset costs ``repair_cost``, else
        ``replacement_cost``, else 0.
    method
        ``"heuristic"`` (list scheduling, any size) or ``"exact"`` (a mixed-integer programme; at most
        15 damaged assets and 2,000 binary variables).
    period_days
        The length of a scheduling period in days; repair times are rounded up to whole periods.
    horizon_days
        Repairs must finish within this many days (default: no limit; for ``"exact"`` the heuristic plan's
        finishing day).

    Returns
    -------
    RestorationPlan

    Raises
    ------
    ValidationError
        An unknown asset, a non-positive `crews`, `period_days` or `horizon_days`, a negative budget, an
        unknown method, or an exact problem over the size limits.

    Notes
    -----
    Time runs in periods :math:`t = 0, 1, \\dots, T - 1` of `period_days`. Repairing asset :math:`a` takes
    :math:`d_a = \\lceil \\text{repair\\_days}_a / \\text{period\\_days} \\rceil` periods of one crew and,
    if it starts in period :math:`s`, the asset functions again from period :math:`s + d_a` on, supply
    permitting. In period :math:`t` the assets down are the cascade
    (:func:`~hromada.analysis.infrastructure.cascade`) of the damaged assets not yet repaired, with
    **backups ignored**: a period lasts days and backups last hours, so an asset without supply is taken
    as down for the whole period. The objective is the area under the population-cut curve,

    .. math:: \\text{lost} = \\Delta \\sum_{t < T} \\sum_i p_i \\, [i \\text{ down in } t]
              \\quad \\text{(person-days)},

    minimised, i.e. population-weighted service restored over time maximised (González, Dueñas-Osorio,
    Sánchez-Silva & Medaglia 2016, "The interdependent network design problem for optimal infrastructure
    system restoration", *Computer-Aided Civil and Infrastructure Engineering* 31(5), 334-350). :math:`T` is
    `horizon_days` if given, else the end of the heuristic plan, so that both methods are measured on the
    same horizon.

    *Heuristic* (list scheduling, Graham 1969, "Bounds on multiprocessing timing anomalies", *SIAM Journal
    on Applied Mathematics* 17(2), 416-429): whenever a crew is free it takes the damaged asset with the
    largest score within the remaining budget, where the score is the larger of the population its repair
    brings back per period, :math:`\\Delta_a / d_a`, and a lookahead for chains,
    :math:`\\Delta_{\\{a\\} \\cup U_a} / (d_a + \\sum_{u \\in U_a} d_u)`, with :math:`U_a` the damaged
    assets still to be placed upstream of :math:`a` through down assets (so a pump behind a broken
    substation is valued together with that substation). Gains are marginal to the repairs already placed
    and recomputed only for the assets whose region a placement changes. An asset that no longer fits the
    budget or the horizon is left out with that reason.

    *Exact*: a time-indexed programme (Sousa & Wolsey 1992, "A time indexed formulation of non-preemptive
    single machine scheduling problems", *Mathematical Programming* 54, 353-367) solved by
    :func:`scipy.optimize.milp` (HiGHS), over the assets the damage takes down: binary :math:`y_{as}`
    (repair of :math:`a` starts in period :math:`s`, :math:`s \\le T - d_a`), functioning
    :math:`f_{it} \\in [0, 1]`;

    .. math::
        \\max \\sum_t \\sum_i p_i f_{it} \\quad \\text{s.t.} \\quad
        \\sum_s y_{as} \\le 1, \\quad
        \\sum_a \\sum_{s = t - d_a + 1}^{t} y_{as} \\le \\text{crews}, \\quad
        \\sum_a c_a \\sum_s y_{as} \\le B, \\quad
        f_{at} \\le \\sum_{s \\le t - d_a} y_{as},

    and for every redundancy group :math:`g` of :math:`i`: :math:`f_{it} \\le \\sum_{s \\in g} f_{st}` when
    :math:`k_g = 1`, :math:`f_{it} \\le f_{st}` for each :math:`s \\in g` when :math:`k_g = n_g`, and
    :math:`k_g f_{it} \\le \\sum_{s \\in g} f_{st}` with :math:`f_{it}` binary otherwise (suppliers the
    damage cannot reach count as functioning and reduce :math:`k_g`). With these forms the largest
    :math:`f` is the 0/1 state of the cascade, cycles included. Repairs the programme has no reason to
    make (they restore nobody) are appended afterwards where crews, budget and horizon allow.

    Examples
    --------
    A pump behind a broken substation is repaired together with it, substation first, before a school
    that brings back fewer people per day:

    >>> import pandas as pd
    >>> assets = pd.DataFrame({"asset_id": ["S", "P", "X"],
    ...                        "type": ["substation", "water_pumping", "school"],
    ...                        "population_served": [0, 8_000, 600], "repair_days": [3, 2, 1]})
    >>> deps = pd.DataFrame({"supplier": ["S"], "consumer": ["P"]})
    >>> plan = restoration_plan(Network.from_tables(assets, deps), ["X", "P", "S"], crews=1)
    >>> plan.schedule[["asset", "start_day", "finish_day"]].to_numpy().tolist()
    [['S', 0.0, 3.0], ['P', 3.0, 5.0], ['X', 5.0, 6.0]]
    >>> plan.objective
    43600.0
    """
    if method not in ("heuristic", "exact"):
        raise ValidationError(f"`method` must be one of 'heuristic', 'exact'; got {method!r}")
    n_crews = int(_positive(crews, "crews", whole=True) or 1)
    period = float(_positive(period_days, "period_days") or 1.0)
    horizon_given = _positive(horizon_days, "horizon_days", allow_none=True)
    limit = math.inf if budget is None else as_number(budget)
    if limit is None or math.isnan(limit) or limit < 0:
        raise ValidationError(f"`budget` must be a number >= 0 or None; got {budget!r}")
    targets = network.positions(damaged, param="damaged")
    if method == "exact" and targets.size > MAX_EXACT_DAMAGED:
        raise ValidationError(
            f"`damaged` must have at most {MAX_EXACT_DAMAGED} assets for method 'exact'; got {targets.size} "
            "(use method='heuristic')"
        )
    a = network.arrays
    periods = np.maximum(1, np.ceil(a.repair_days[targets] / period - 1e-9)).astype(np.int64)
    horizon = None if horizon_given is None else max(1, math.ceil(horizon_given / period - 1e-9))

    model: LocalModel = local_model(a, targets)
    local = {int(g): i for i, g in enumerate(model.nodes.tolist())}
    mine = [local[int(p)] for p in targets]
    durations = dict(zip(mine, periods.tolist(), strict=True))
    costs = dict(zip(mine, a.cost[targets].tolist(), strict=True))
    args = ([durations[b] for b in mine], [costs[b] for b in mine])
    placements, skipped = greedy_plan(model, mine, *args, crews=n_crews, budget=limit, horizon=horizon)
    if horizon is None:
        horizon = max((p.finish for p in placements), default=0)
    if method == "exact":
        starts = (
            exact_starts(model, mine, *args, crews=n_crews, budget=limit, horizon=horizon)
            if horizon > 0
            else {}
        )
        chosen = _assign_crews(starts, durations, n_crews)
        rest = [b for b in mine if b not in starts]
        placements, skipped = _fill(chosen, rest, durations, costs, n_crews, limit, horizon)

    finish = np.full(targets.size, -1, dtype=np.int64)
    order = {b: i for i, b in enumerate(mine)}
    for p in placements:
        finish[order[p.asset]] = p.finish
    served, objective = _evaluate(network, targets, finish, horizon, period)
    ids = network.asset_ids
    node_id = [str(ids[g]) for g in model.nodes.tolist()]
    schedule = pd.DataFrame(
        {
            "asset": pd.Series([node_id[p.asset] for p in placements], dtype=object),
            "crew": np.array([p.crew + 1 for p in placements], dtype=np.int64),
            "start_day": np.array([p.start * period for p in placements], dtype=np.float64),
            "finish_day": np.array([p.finish * period for p in placements], dtype=np.float64),
            "cost": np.array([costs[p.asset] for p in placements], dtype=np.float64),
        }
    )
    schedule = schedule.sort_values(["start_day", "crew"], kind="stable").reset_index(drop=True)
    unscheduled = pd.DataFrame(
        {
            "asset": pd.Series([node_id[b] for b in mine if b in skipped], dtype=object),
            "reason": pd.Series([skipped[b] for b in mine if b in skipped], dtype=object),
        }
    )
    return RestorationPlan(
        schedule=schedule,
        served=served,
        objective=objective,
        method=method,
        unscheduled=unscheduled,
        horizon_days=horizon * period,
        period_days=period,
        total_cost=float(schedule["cost"].sum()),
    )
