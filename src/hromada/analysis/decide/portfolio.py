"""The financing portfolio: which recovery projects to fund, from which sources, in which years.

Solved exactly as a mixed-integer linear programme with HiGHS (:func:`scipy.optimize.milp`), then explained:
what is funded from where, what remains unfunded and why, and, when no portfolio exists, which rule blocks.

Input conventions
-----------------
``projects``, one row per project:

- ``project_id`` (unique);
- cost by year, one of two forms: columns ``cost_<year>`` (for example ``cost_2026``; a missing planning year
  is 0, and ``cost``, if present, must equal their sum), *or* ``cost`` (total) with ``start_year`` and
  ``duration`` (whole years), spread evenly over ``start_year .. start_year + duration - 1``. The
  ``cost_<year>`` columns win when both are present. Every year with cost must be a planning year;
- the priority column (default ``score``, for example a TOPSIS closeness), or pass a Series by project id;
- optional: ``sector`` and ``type`` (needed when a source restricts them), ``min_cofinancing`` (share of the
  cost that must come from ``own_budget`` sources, default 0), ``eligible`` (False: may not be selected,
  for example from :func:`~hromada.analysis.decide.apply_gates`).

``sources``, one row per source:

- ``source_id`` (unique) and ``kind``: ``own_budget``, ``state_subvention``, ``regional_fund``, ``ifi_loan``,
  ``grant``, ``donor`` or ``ppp``;
- ``amount_<year>`` for every planning year: money available that year;
- optional ``eligible_sectors`` and ``eligible_types``: ``"*"`` (default: any) or a comma-separated list such
  as ``"education, health"`` (case and spaces ignored; a list of names works too);
- optional ``max_share`` (default 1): the largest share of a project's total cost the source may cover;
- for ``ifi_loan`` sources when a :class:`~hromada.analysis.decide.DebtRule` is given: ``interest_rate``,
  ``tenor_years`` (grace included) and ``grace_years``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from hromada.analysis.decide._portfolio_data import LOAN_KINDS, SOURCE_KINDS, PortfolioData, read_portfolio
from hromada.analysis.decide._portfolio_model import (
    FAMILIES,
    Model,
    Solution,
    build,
    feasible,
    present_families,
    solve,
)
from hromada.analysis.decide._problem import FloatArray
from hromada.analysis.decide.debt import DebtRule
from hromada.errors import ValidationError

__all__ = [
    "FUNDING_PREFERENCE",
    "SOURCE_KINDS",
    "PortfolioResult",
    "Why",
    "notice_text",
    "optimize_portfolio",
    "reason_text",
]

FUNDING_PREFERENCE: Mapping[str, float] = {
    "grant": 1.0,
    "donor": 1.0,
    "state_subvention": 2.0,
    "regional_fund": 2.0,
    "own_budget": 3.0,
    "ppp": 4.0,
    "ifi_loan": 5.0,
}
"""Price per unit of money by source kind when the funding mix is chosen: grants first, loans last."""

Status = Literal["optimal", "time_limit", "infeasible", "error"]

Why = dict[str, Any]
"""A reason as data, ``{"code": ..., ...}``, so that an interface can word it in its own language;
:func:`reason_text` and :func:`notice_text` word it in English."""


@dataclass(frozen=True, eq=False)
class PortfolioResult:
    """The optimal portfolio and its explanation.

    Attributes
    ----------
    status
        ``"optimal"`` (proven within `mip_gap`), ``"time_limit"`` (best portfolio found when time ran out),
        ``"infeasible"`` (the required projects cannot be funded under the rules) or ``"error"``.
    objective
        Total priority of the selected projects.
    mip_gap
        Relative gap between `objective` and the solver's bound (0 when proven optimal at any tolerance).
    selected
        Selected projects by ``project_id``, best priority first: ``priority``, ``cost``, the amount from
        each source (one column per ``source_id``), ``own_share`` and ``loan_share``.
    funding
        Long table ``project_id``, ``source_id``, ``kind``, ``year``, ``amount`` (non-zero amounts only).
    cash_flow
        One row per (``year``, ``source_id``): ``kind``, ``available``, ``used``, ``remaining``.
    gap
        Eligible projects left unfunded, by ``project_id``: ``priority``, ``cost``, ``reason`` (in English)
        and ``why`` (the same reason as data, ``{"code": "alone" | "needs" | "excludes" | "outranked", ...}``,
        for wording in another language; see :func:`reason_text`).
    funding_gap
        Total cost of `gap`: the money still needed to fund every eligible project.
    debt_service
        With a debt rule, one row per checked year: ``revenue``, ``limit`` (the allowed share of revenue),
        ``existing``, ``new`` and ``total`` debt service; with a debt ratio also ``debt_limit``,
        ``existing_debt``, ``new_debt`` and ``total_debt`` (end of year); else empty.
    explanation
        Sentences explaining an infeasible or empty result, or a result stopped by the time limit.
    seconds
        Wall time of the whole call.
    notices
        The sentences of `explanation` as data (``{"code": ..., ...}``; see :func:`notice_text`).
    """

    status: Status
    objective: float
    mip_gap: float
    selected: pd.DataFrame
    funding: pd.DataFrame
    cash_flow: pd.DataFrame
    gap: pd.DataFrame
    funding_gap: float
    debt_service: pd.DataFrame
    explanation: tuple[str, ...] = ()
    seconds: float = field(default=0.0, compare=False)
    notices: tuple[Why, ...] = ()

    @property
    def selected_ids(self) -> list[str]:
        """Selected project ids, best priority first."""
        return [str(p) for p in self.selected.index]


def _money(amount: float) -> str:
    return f"{amount:,.0f}"


def _rule_text(rule: Why) -> str:
    kind = rule["rule"]
    if kind == "no_source":
        return f"no source is eligible for sector {rule['sector']!r} and type {rule['type']!r}"
    if kind == "budget":
        short = "; ".join(
            f"{s['year']}: {_money(s['available'])} available for {_money(s['cost'])}" for s in rule["short"]
        )
        return "its eligible sources do not have enough money" + (f" ({short})" if short else "")
    if kind == "max_share":
        return f"its eligible sources may cover at most {rule['cover']:.0%} of its cost together (max_share)"
    if kind == "cofinancing":
        return (
            f"it needs {rule['share']:.0%} own-budget co-financing, which its eligible own-budget sources "
            "cannot provide"
        )
    if kind == "eligibility":
        return f"the sources able to fund it do not accept sector {rule['sector']!r} or type {rule['type']!r}"
    if kind == "debt":
        return "the loans it would need break the debt sustainability rule"
    return "it breaks several rules at once (no single rule relaxed makes it fundable)"


def reason_text(why: Why) -> str:
    """Why a project is not funded, in English (the ``reason`` column of ``gap``)."""
    code = why["code"]
    if code == "alone":
        return "cannot be funded even on its own: " + "; ".join(_rule_text(r) for r in why["rules"])
    if code == "needs":
        return f"needs project(s) {', '.join(map(repr, why['projects']))}, not funded"
    if code == "excludes":
        return f"excludes funded project(s) {', '.join(map(repr, why['projects']))}"
    full = ", ".join(f"{source} {year}" for source, year in why["full"])
    return "outranked: the money it could use funds projects of higher total priority" + (
        f" (fully used: {full})" if full else ""
    )


def notice_text(notice: Why) -> str:
    """A sentence of a result's explanation, in English."""
    code = notice["code"]
    if code == "time_limit":
        return (
            f"The solver reached the time limit of {notice['seconds']:g} s; the portfolio is feasible but its "
            f"optimality is not proven (relative gap {notice['gap']:.2%})."
        )
    if code == "required_infeasible":
        return f"No portfolio funds every required project {notice['projects']!r} under the rules."
    if code == "required_alone":
        rules = "; ".join(_rule_text(r) for r in notice["rules"])
        return f"Required project {notice['project']!r} cannot be funded even on its own: {rules}."
    if code == "blocking":
        family = notice["family"]
        return f"Blocking constraint: {family} ({FAMILIES[family]}); relaxing it alone restores feasibility."
    if code == "no_single_family":
        return (
            "No single constraint family relaxed alone restores feasibility; relaxing "
            f"{', '.join(notice['families'])} together {'does' if notice['together'] else 'does not'}."
        )
    if code == "nothing_fundable":
        return "Nothing can be funded; `gap` gives each project's reason."
    if code == "relaxing_allows":
        family = notice["family"]
        return (
            f"Relaxing {family} ({FAMILIES[family]}) would allow {notice['count']} project(s) to be funded."
        )
    return f"The solver stopped without a portfolio: {notice.get('message', '')}"


def _alone_rules(data: PortfolioData, p: int, time_limit: float) -> list[Why] | None:
    """Why project `p` cannot be funded even as the only project (rules as data), or None if it can."""
    single = replace(data.subset([p]), required=np.ones(1, dtype=bool))
    if feasible(single, time_limit=time_limit):
        return None
    cost = data.cost[p]
    eligible = data.eligible[p]
    if not eligible.any():
        return [{"rule": "no_source", "sector": data.sector[p], "type": data.type[p]}]
    rules: list[Why] = []
    for family in present_families(single):
        if not feasible(single, relax=frozenset({family}), time_limit=time_limit):
            continue
        if family == "budget":
            short = [
                {
                    "year": int(year),
                    "available": float(data.budget[eligible, t].sum()),
                    "cost": float(cost[t]),
                }
                for t, year in enumerate(data.years)
                if cost[t] > data.budget[eligible, t].sum() + 1e-9
            ]
            rules.append({"rule": "budget", "short": short})
        elif family == "max_share":
            rules.append({"rule": "max_share", "cover": min(1.0, float(data.max_share[eligible].sum()))})
        elif family == "cofinancing":
            rules.append({"rule": "cofinancing", "share": float(data.min_cofinancing[p])})
        elif family == "eligibility":
            rules.append({"rule": "eligibility", "sector": data.sector[p], "type": data.type[p]})
        elif family == "debt":
            rules.append({"rule": "debt"})
    return rules or [{"rule": "several"}]


def _infeasible_notices(data: PortfolioData, time_limit: float) -> list[Why]:
    required = [str(data.project_ids[int(p)]) for p in np.nonzero(data.required)[0]]
    notices: list[Why] = [{"code": "required_infeasible", "projects": required}]
    for p in np.nonzero(data.required)[0]:
        rules = _alone_rules(data, int(p), time_limit)
        if rules is not None:
            notices.append(
                {"code": "required_alone", "project": str(data.project_ids[int(p)]), "rules": rules}
            )
    families = present_families(data)
    restoring = [f for f in families if feasible(data, relax=frozenset({f}), time_limit=time_limit)]
    notices.extend({"code": "blocking", "family": family} for family in restoring)
    if not restoring:
        together = feasible(data, relax=frozenset(families), time_limit=time_limit)
        notices.append({"code": "no_single_family", "families": list(families), "together": together})
    return notices


def _gap_whys(data: PortfolioData, x: np.ndarray, used: np.ndarray, time_limit: float) -> dict[int, Why]:
    whys: dict[int, Why] = {}
    for p in np.nonzero(data.allowed & ~x)[0]:
        rules = _alone_rules(data, int(p), time_limit)
        if rules is not None:
            whys[int(p)] = {"code": "alone", "rules": rules}
            continue
        needs = [str(data.project_ids[b]) for a, b in data.dependencies if a == p and not x[b]]
        excluded = [str(data.project_ids[b]) for a, b in data.exclusions if a == p and x[b]]
        excluded += [str(data.project_ids[a]) for a, b in data.exclusions if b == p and x[a]]
        if needs:
            whys[int(p)] = {"code": "needs", "projects": needs}
        elif excluded:
            whys[int(p)] = {"code": "excludes", "projects": excluded}
        else:
            full = [
                [str(data.source_ids[int(s)]), int(year)]
                for s in np.nonzero(data.eligible[p])[0]
                for t, year in enumerate(data.years)
                if data.cost[p, t] > 0
                and data.budget[s, t] > 0
                and used[s, t] >= data.budget[s, t] * (1 - 1e-6)
            ]
            whys[int(p)] = {"code": "outranked", "full": full}
    return whys


def _empty_notices(data: PortfolioData, time_limit: float) -> list[Why]:
    notices: list[Why] = [{"code": "nothing_fundable"}]
    for family in present_families(data):
        relaxed = build(data, relax=frozenset({family}))
        solution = solve(relaxed, time_limit=time_limit, mip_gap=1e-4)
        if solution.x is not None and solution.x.any():
            notices.append({"code": "relaxing_allows", "family": family, "count": int(solution.x.sum())})
    return notices


@dataclass(frozen=True, eq=False)
class _Tables:
    selected: pd.DataFrame
    funding: pd.DataFrame
    cash_flow: pd.DataFrame
    gap: pd.DataFrame
    drawn: FloatArray  # sources x years


def _tables(data: PortfolioData, model: Model, solution: Solution, time_limit: float) -> _Tables:
    assert solution.x is not None and solution.f is not None
    x, f = solution.x, solution.f
    fp, fs, ft = model.fp, model.fs, model.ft
    n_s, n_t = len(data.source_ids), len(data.years)
    amount = np.zeros((len(x), n_s, n_t))
    np.add.at(amount, (fp, fs, ft), f)
    used = amount.sum(axis=0)
    nonzero = f > 0
    funding = pd.DataFrame(
        {
            "project_id": data.project_ids[fp[nonzero]],
            "source_id": data.source_ids[fs[nonzero]],
            "kind": np.asarray(data.kind, dtype=object)[fs[nonzero]],
            "year": np.asarray(data.years)[ft[nonzero]],
            "amount": f[nonzero],
        }
    )
    by_source = amount.sum(axis=2)
    total = data.total
    own = np.array([k == "own_budget" for k in data.kind])
    loan = np.array([k in LOAN_KINDS for k in data.kind])
    selected = pd.DataFrame({"priority": data.priority, "cost": total}, index=data.project_ids)
    for s, source in enumerate(data.source_ids):
        selected[source] = by_source[:, s]
    selected["own_share"] = by_source[:, own].sum(axis=1) / total
    selected["loan_share"] = by_source[:, loan].sum(axis=1) / total
    selected = selected[x].sort_values("priority", ascending=False, kind="stable")
    cash = pd.DataFrame(
        {
            "year": np.repeat(np.asarray(data.years), n_s),
            "source_id": np.tile(np.asarray(data.source_ids), n_t),
            "kind": np.tile(np.asarray(data.kind, dtype=object), n_t),
            "available": data.budget.T.ravel(),
            "used": used.T.ravel(),
        }
    )
    cash["remaining"] = cash["available"] - cash["used"]
    whys = _gap_whys(data, x, used, time_limit)
    left = [int(p) for p in np.nonzero(data.allowed & ~x)[0]]
    gap = pd.DataFrame(
        {
            "priority": data.priority[left],
            "cost": total[left],
            "reason": [reason_text(whys[p]) for p in left],
            "why": [whys[p] for p in left],
        },
        index=data.project_ids[left],
    ).sort_values("priority", ascending=False, kind="stable")
    return _Tables(selected, funding, cash.set_index(["year", "source_id"]), gap, used)


def _debt_table(data: PortfolioData, drawn: FloatArray | None, debt: DebtRule | None) -> pd.DataFrame:
    """Debt service (and stock) by checked year: existing, new and total against the limits."""
    columns = ["revenue", "limit", "existing", "new", "total"]
    if debt is None or data.service is None or data.owed is None:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="year"), dtype=np.float64)
    if drawn is None:
        drawn = np.zeros((len(data.source_ids), len(data.years)))
    years = pd.Index(data.debt_years, name="year")
    revenue = np.array([debt.revenue[y] for y in data.debt_years])
    existing = np.array([debt.existing_service.get(y, 0.0) for y in data.debt_years])
    new = np.einsum("st,sty->y", drawn, data.service)
    table = pd.DataFrame(
        {"revenue": revenue, "limit": debt.max_share * revenue, "existing": existing, "new": new},
        index=years,
    )
    table["total"] = existing + new
    if debt.max_debt_ratio is not None:
        stock = np.array([debt.existing_debt.get(y, 0.0) for y in data.debt_years])
        table["debt_limit"] = debt.max_debt_ratio * revenue
        table["existing_debt"] = stock
        table["new_debt"] = np.einsum("st,sty->y", drawn, data.owed)
        table["total_debt"] = stock + table["new_debt"]
    return table


def optimize_portfolio(
    projects: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    years: Sequence[int],
    priority: str | pd.Series[float] = "score",
    dependencies: Sequence[tuple[str, str]] = (),
    exclusions: Sequence[tuple[str, str]] = (),
    required: Sequence[str] = (),
    debt: DebtRule | None = None,
    funding_preference: Mapping[str, float] | None = None,
    time_limit: float = 60.0,
    mip_gap: float = 1e-6,
) -> PortfolioResult:
    """Choose the projects and funding mix that maximise total priority within every source's budget.

    Parameters
    ----------
    projects
        One row per project (see the module docstring for the columns).
    sources
        One row per funding source (see the module docstring for the columns).
    years
        The planning years, increasing.
    priority
        Column of `projects` holding each project's priority, or a Series indexed by ``project_id``.
    dependencies
        Pairs ``(a, b)``: project ``a`` can only be funded if ``b`` is.
    exclusions
        Pairs ``(a, b)``: at most one of the two is funded (alternatives for the same need).
    required
        Projects that must be funded (already contracted); the problem may then be infeasible.
    debt
        Optional borrowing limits on ``ifi_loan`` sources.
    funding_preference
        Price per unit of money by source kind, used to choose the funding mix once the projects are chosen
        (default :data:`FUNDING_PREFERENCE`: grants and donors first, then state and regional funds, own
        budget, PPP, loans last).
    time_limit
        Seconds the solver may take; the best portfolio found is returned with status ``"time_limit"``.
    mip_gap
        Relative optimality gap at which the solver stops (HiGHS ``mip_rel_gap``).

    Returns
    -------
    PortfolioResult
        Selection, funding by source and year, cash flow, unfunded projects with reasons, debt service.

    Notes
    -----
    With binary :math:`x_p` (project funded) and :math:`f_{pst} \\ge 0` (money from source :math:`s` in year
    :math:`t`), defined only where source :math:`s` accepts the project's sector and type:

    .. math::
        \\max \\sum_p \\pi_p x_p \\quad \\text{s.t.} \\quad
        \\sum_s f_{pst} = c_{pt} x_p, \\quad
        \\sum_p f_{pst} \\le B_{st}, \\quad
        \\sum_t f_{pst} \\le \\sigma_s C_p x_p, \\quad
        \\sum_{s \\in \\text{own}} \\sum_t f_{pst} \\ge m_p C_p x_p,

    :math:`x_a \\le x_b` for dependencies, :math:`x_a + x_b \\le 1` for exclusions, :math:`x_p = 1` for
    required projects, and, with a debt rule, for every checked year :math:`y`
    :math:`\\sum_{s \\in \\text{loans}} \\sum_t a_{s,y-t} \\sum_p f_{pst} \\le \\theta R_y - E_y`, where
    :math:`a_{s,k}` is the debt service :math:`k` years after a unit draw (see
    :func:`~hromada.analysis.decide.loan_schedule`); the optional debt-stock limit is built the same way
    from outstanding principal. This is a multi-period capital-budgeting model with financing choice
    (Weingartner 1963, *Mathematical Programming and the Analysis of Capital Budgeting Problems*,
    Prentice-Hall), solved by branch and bound in HiGHS (Huangfu & Hall 2018, *Mathematical Programming
    Computation* 10, 119-142).

    The tie-break between funding sources is exact rather than a small penalty: once the selection is
    optimal, a second linear programme with the selection fixed chooses the funding that minimises
    :math:`\\sum \\rho_{k(s)} f_{pst}` with the prices :math:`\\rho` of `funding_preference`, so grants are
    used before loans without any effect on which projects are funded.

    An unfunded project's reason is checked, not guessed: whether it can be funded on its own (and, if not,
    which single rule relaxed would allow it), else a dependency, an exclusion or higher-priority projects
    using the money. When no portfolio exists, each constraint family is relaxed in turn and those whose
    relaxation restores feasibility are named.

    Examples
    --------
    >>> import pandas as pd
    >>> projects = pd.DataFrame(
    ...     {"project_id": ["school", "bridge", "clinic"], "cost_2026": [40.0, 70.0, 30.0], "score": [0.9, 0.8, 0.6]}
    ... )
    >>> sources = pd.DataFrame(
    ...     {"source_id": ["city", "eu"], "kind": ["own_budget", "grant"], "amount_2026": [30.0, 50.0],
    ...      "max_share": [1.0, 0.8]}
    ... )
    >>> result = optimize_portfolio(projects, sources, years=[2026])
    >>> result.status, result.selected_ids, result.funding_gap
    ('optimal', ['school', 'clinic'], 70.0)
    >>> result.selected[["cost", "city", "eu"]]
                cost  city    eu
    project_id
    school      40.0  14.0  26.0
    clinic      30.0   6.0  24.0
    """
    start = time.perf_counter()
    if not (np.isfinite(time_limit) and time_limit > 0):
        raise ValidationError(f"`time_limit` must be a positive number of seconds; got {time_limit!r}")
    if not (np.isfinite(mip_gap) and 0 <= mip_gap < 1):
        raise ValidationError(f"`mip_gap` must be in [0, 1); got {mip_gap!r}")
    data = read_portfolio(projects, sources, years, priority, dependencies, exclusions, required, debt)
    blocked = data.required & ~data.allowed
    if blocked.any():
        raise ValidationError(
            f"`required` must not list projects marked ineligible; got {data.project_ids[blocked].tolist()!r}"
        )
    prices = dict(FUNDING_PREFERENCE if funding_preference is None else funding_preference)
    unknown = sorted(set(prices) - set(SOURCE_KINDS))
    if unknown:
        raise ValidationError(f"`funding_preference` must be keyed by source kinds; got {unknown!r}")

    model = build(data)
    first = solve(model, time_limit=time_limit, mip_gap=mip_gap)
    status: Status = {0: "optimal", 1: "time_limit", 2: "infeasible"}.get(first.status, "error")  # type: ignore[assignment]
    if first.x is None:
        failed: list[Why] = (
            _infeasible_notices(data, time_limit)
            if status == "infeasible"
            else [{"code": "solver_stopped", "message": first.message}]
        )
        empty = pd.DataFrame()
        return PortfolioResult(
            status=status if status != "optimal" else "error",
            objective=float("nan"),
            mip_gap=float("nan"),
            selected=empty,
            funding=pd.DataFrame(columns=["project_id", "source_id", "kind", "year", "amount"]),
            cash_flow=empty,
            gap=pd.DataFrame(columns=["priority", "cost", "reason", "why"]),
            funding_gap=float("nan"),
            debt_service=_debt_table(data, None, debt),
            explanation=tuple(map(notice_text, failed)),
            notices=tuple(failed),
            seconds=time.perf_counter() - start,
        )

    mix = build(data, fixed=first.x, preference=prices)
    second = solve(mix, time_limit=time_limit, mip_gap=mip_gap)
    final, final_model = (second, mix) if second.x is not None else (first, model)
    tables = _tables(data, final_model, final, time_limit)
    notices: list[Why] = []
    if status == "time_limit":
        notices.append({"code": "time_limit", "seconds": float(time_limit), "gap": float(first.gap)})
    if not first.x.any() and data.allowed.any():
        notices.extend(_empty_notices(data, time_limit))
    return PortfolioResult(
        status=status,
        objective=float(data.priority[first.x].sum()),
        mip_gap=first.gap,
        selected=tables.selected,
        funding=tables.funding,
        cash_flow=tables.cash_flow,
        gap=tables.gap,
        funding_gap=float(tables.gap["cost"].sum()),
        debt_service=_debt_table(data, tables.drawn, debt),
        explanation=tuple(map(notice_text, notices)),
        notices=tuple(notices),
        seconds=time.perf_counter() - start,
    )
