"""The mixed-integer model of :func:`~hromada.analysis.decide.optimize_portfolio`, built as sparse arrays.

Variables: one binary :math:`x_p` per project, then one continuous :math:`f_{p,s,t} \\ge 0` per project,
eligible source and year in which the project spends money. Money is divided by the largest project cost
so that the solver sees numbers near 1. Constraint families can be left out (``relax``) to find out which
of them makes a problem infeasible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from hromada.analysis.decide._portfolio_data import PortfolioData
from hromada.analysis.decide._problem import BoolArray, FloatArray, IntArray

FAMILIES: dict[str, str] = {
    "budget": "the sources' budgets per year",
    "max_share": "the maximum share of a project's cost that a source may cover",
    "cofinancing": "the minimum own-budget co-financing",
    "eligibility": "the sources' sector and type eligibility",
    "debt": "the debt sustainability rule",
    "dependencies": "the project dependencies",
    "exclusions": "the mutually exclusive projects",
}
_TOLERANCE = 1e-7  # relative to the largest project cost
_MAX_ENUMERATED_SOURCES = 10  # up to this many sources every subset is tried for the covering rows
_MAX_COVER_ROWS = 2000


@dataclass(frozen=True, eq=False)
class Model:
    """A built model: minimise ``c @ z`` subject to ``lower <= A z <= upper``, ``lb <= z <= ub``."""

    c: FloatArray
    a: sparse.csr_array
    lower: FloatArray
    upper: FloatArray
    lb: FloatArray
    ub: FloatArray
    integrality: IntArray
    fp: IntArray  # project of each funding variable
    fs: IntArray  # source of each funding variable
    ft: IntArray  # year (position) of each funding variable
    scale: float
    n_aux: int = 0  # auxiliary variables after the funding ones (loan draws per source and year)

    @property
    def n_projects(self) -> int:
        return len(self.c) - len(self.fp) - self.n_aux


@dataclass(frozen=True, eq=False)
class Solution:
    """Outcome of one solve: ``status`` is scipy's code (0 optimal, 1 limit reached, 2 infeasible ...)."""

    status: int
    message: str
    x: BoolArray | None  # selected projects
    f: FloatArray | None  # funding per funding variable, in money units
    gap: float


def present_families(data: PortfolioData) -> list[str]:
    """The constraint families that actually constrain this problem."""
    families = ["budget"]
    if (data.max_share < 1).any():
        families.append("max_share")
    if (data.min_cofinancing > 0).any():
        families.append("cofinancing")
    if not data.eligible.all():
        families.append("eligibility")
    if data.service is not None:
        families.append("debt")
    if data.dependencies:
        families.append("dependencies")
    if data.exclusions:
        families.append("exclusions")
    return families


def build(
    data: PortfolioData,
    *,
    relax: frozenset[str] = frozenset(),
    fixed: BoolArray | None = None,
    preference: Mapping[str, float] | None = None,
) -> Model:
    """The model; `fixed` fixes the selection (an LP over funding), `preference` then prices each source kind."""
    n_p, n_s = data.eligible.shape
    scale = float(data.total.max())
    cost = data.cost / scale
    total = cost.sum(axis=1)
    budget = data.budget / scale
    eligible = np.ones_like(data.eligible) if "eligibility" in relax else data.eligible
    open_budget = np.ones_like(budget, dtype=bool) if "budget" in relax else budget > 0
    mask = (cost[:, None, :] > 0) & eligible[:, :, None] & open_budget[None, :, :]
    fp, fs, ft = (np.asarray(a, dtype=np.int64) for a in np.nonzero(mask))
    n_f = len(fp)
    fcol = n_p + np.arange(n_f, dtype=np.int64)
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    lower: list[FloatArray] = []
    upper: list[FloatArray] = []
    n_rows = 0

    def add(r: IntArray, c: IntArray, v: FloatArray, lo: FloatArray, up: FloatArray) -> None:
        nonlocal n_rows
        rows.append(r + n_rows)
        cols.append(c)
        vals.append(v)
        lower.append(lo)
        upper.append(up)
        n_rows += len(lo)

    # 1. each year's cost of a selected project is fully funded: sum_s f[p,s,t] - cost[p,t] x[p] = 0
    cover_p, cover_t = np.nonzero(cost > 0)
    cover_id = np.full(cost.shape, -1, dtype=np.int64)
    cover_id[cover_p, cover_t] = np.arange(len(cover_p))
    zeros = np.zeros(len(cover_p))
    add(
        np.concatenate([cover_id[fp, ft], np.arange(len(cover_p))]),
        np.concatenate([fcol, cover_p]),
        np.concatenate([np.ones(n_f), -cost[cover_p, cover_t]]),
        zeros,
        zeros,
    )
    # 2. budgets: sum_p f[p,s,t] <= budget[s,t]
    if "budget" not in relax and n_f:
        key = fs * len(data.years) + ft
        used, row = np.unique(key, return_inverse=True)
        add(row, fcol, np.ones(n_f), np.full(len(used), -np.inf), budget.ravel()[used])
    # 3. max share: sum_t f[p,s,t] - max_share[s] total[p] x[p] <= 0
    own_kind = np.array([k == "own_budget" for k in data.kind], dtype=bool)
    capped = data.max_share[fs] < 1
    if "cofinancing" not in relax:
        # with a share m of own-budget money required, any other source covers at most 1 - m of the cost:
        # a cap of at least 1 - m is implied and left out (fewer rows, same feasible set)
        capped &= own_kind[fs] | (data.max_share[fs] < 1 - data.min_cofinancing[fp])
    if "max_share" not in relax and capped.any():
        key = fp[capped] * n_s + fs[capped]
        pairs, row = np.unique(key, return_inverse=True)
        pp, ss = pairs // n_s, pairs % n_s
        add(
            np.concatenate([row, np.arange(len(pairs))]),
            np.concatenate([fcol[capped], pp]),
            np.concatenate([np.ones(int(capped.sum())), -data.max_share[ss] * total[pp]]),
            np.full(len(pairs), -np.inf),
            np.zeros(len(pairs)),
        )
    # 4. co-financing: sum over own-budget sources and years of f[p,s,t] - m[p] total[p] x[p] >= 0
    needs = np.nonzero(data.min_cofinancing > 0)[0]
    if "cofinancing" not in relax and len(needs):
        row_of = np.full(n_p, -1, dtype=np.int64)
        row_of[needs] = np.arange(len(needs))
        own = own_kind[fs] & (row_of[fp] >= 0)
        add(
            np.concatenate([row_of[fp[own]], np.arange(len(needs))]),
            np.concatenate([fcol[own], needs]),
            np.concatenate([np.ones(int(own.sum())), -data.min_cofinancing[needs] * total[needs]]),
            np.zeros(len(needs)),
            np.full(len(needs), np.inf),
        )
    # 5. dependencies x[a] - x[b] <= 0 and 6. exclusions x[a] + x[b] <= 1
    for family, pairs_, sign, bound in (
        ("dependencies", data.dependencies, -1.0, 0.0),
        ("exclusions", data.exclusions, 1.0, 1.0),
    ):
        if family not in relax and pairs_:
            ab = np.asarray(pairs_, dtype=np.int64)
            k = np.arange(len(ab))
            add(
                np.concatenate([k, k]),
                np.concatenate([ab[:, 0], ab[:, 1]]),
                np.concatenate([np.ones(len(ab)), np.full(len(ab), sign)]),
                np.full(len(ab), -np.inf),
                np.full(len(ab), bound),
            )
    # 7. debt: service (and stock) of new loans in each checked year within the limit. The rows are written
    #    over one draw variable per loan source and year, d[s,t] = sum_p f[p,s,t], rather than over every
    #    funding flow: the same constraints with a few nonzeros each instead of hundreds of near-parallel
    #    dense rows (a sparser model; on the four benchmark instances the solve time is about the same).
    n_aux = 0
    if "debt" not in relax and data.service is not None and data.owed is not None and n_f:
        assert data.service_limit is not None and data.debt_limit is not None
        loaned = (np.abs(data.service).sum(axis=2) + np.abs(data.owed).sum(axis=2)) > 0  # S x T
        flows = np.nonzero(loaned[fs, ft])[0]
        draws, draw_of = np.unique(fs[flows] * len(data.years) + ft[flows], return_inverse=True)
        n_aux = len(draws)
        dcol = n_p + n_f + np.arange(n_aux, dtype=np.int64)
        ds, dt_ = draws // len(data.years), draws % len(data.years)
        zeros = np.zeros(n_aux)
        add(
            np.concatenate([draw_of, np.arange(n_aux)]),
            np.concatenate([fcol[flows], dcol]),
            np.concatenate([np.ones(len(flows)), -np.ones(n_aux)]),
            zeros,
            zeros,
        )
        for coefficients, limits in ((data.service, data.service_limit), (data.owed, data.debt_limit)):
            for y, limit in enumerate(limits):
                if not np.isfinite(limit):
                    continue
                v = coefficients[ds, dt_, y]
                hit = np.nonzero(v)[0]
                add(
                    np.zeros(len(hit), dtype=np.int64),
                    dcol[hit],
                    v[hit],
                    np.array([-np.inf]),
                    np.array([limit / scale]),
                )

    # 8. valid inequalities in the project variables alone (no effect on the feasible set; see _cover_rows)
    if fixed is None and "budget" not in relax:
        cover_rows, cover_cols, cover_vals, cover_caps = _cover_rows(cost, budget, eligible)
        if len(cover_caps):
            add(cover_rows, cover_cols, cover_vals, np.full(len(cover_caps), -np.inf), cover_caps)

    a = sparse.csr_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_rows, n_p + n_f + n_aux),
    )
    lb = np.zeros(n_p + n_f + n_aux)
    ub = np.full(n_p + n_f + n_aux, np.inf)
    ub[:n_p] = data.allowed.astype(np.float64)
    lb[:n_p] = data.required.astype(np.float64)
    integrality = np.zeros(n_p + n_f + n_aux, dtype=np.int64)
    c = np.zeros(n_p + n_f + n_aux)
    if fixed is None:
        integrality[:n_p] = 1
        c[:n_p] = -data.priority
    else:
        lb[:n_p] = ub[:n_p] = fixed.astype(np.float64)
        if preference is not None:
            c[n_p : n_p + n_f] = np.array([preference.get(k, 0.0) for k in data.kind])[fs]
    return Model(
        c, a, np.concatenate(lower), np.concatenate(upper), lb, ub, integrality, fp, fs, ft, scale, n_aux
    )


def _cover_rows(
    cost: FloatArray, budget: FloatArray, eligible: BoolArray
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """Budget covering inequalities over project variables: for a year and a set of sources ``S``, the
    projects that can only be funded from ``S`` that year fit in ``S``'s money that year.

    :math:`\\sum_{p : E_{pt} \\subseteq S} c_{pt} x_p \\le \\sum_{s \\in S} B_{st}`, where :math:`E_{pt}` is the set of
    sources eligible for project :math:`p` with money in year :math:`t`. Every funded selection satisfies
    them (the project's cost that year must come from its eligible sources), so the optimum is unchanged;
    they are the knapsack rows of the flow model made explicit (Gale's supply-demand condition), which lets
    the solver derive cover cuts on the project variables instead of working through the funding flows.
    With up to ten sources every subset is tried, else the projects' own source sets and their pairwise
    unions; only rows that can bind (the projects' cost exceeds the money) are kept.
    """
    n_p, n_s = eligible.shape
    weights = np.left_shift(np.int64(1), np.arange(n_s, dtype=np.int64))
    found: dict[tuple[int, bytes], float] = {}
    for t in range(budget.shape[1]):
        active = cost[:, t] > 0
        usable = eligible & (budget[:, t] > 0)[None, :]
        masks = (usable.astype(np.int64) * weights).sum(axis=1)
        if n_s <= _MAX_ENUMERATED_SOURCES:
            candidates = np.arange(1, 1 << n_s, dtype=np.int64)
        else:
            own = np.unique(masks[active])
            candidates = np.unique(np.bitwise_or.outer(own, own).ravel())
        for bits in candidates:
            members = active & ((masks & ~bits) == 0)
            if not members.any():
                continue
            in_set = (int(bits) & weights) != 0
            cap = float(budget[in_set, t].sum())
            if cost[members, t].sum() <= cap * (1 + 1e-9):
                continue
            key = (t, np.packbits(members).tobytes())
            if key not in found or cap < found[key]:
                found[key] = cap
            if len(found) >= _MAX_COVER_ROWS:
                break
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    vals: list[FloatArray] = []
    for r, (t, packed) in enumerate(found):
        members = np.nonzero(np.unpackbits(np.frombuffer(packed, dtype=np.uint8), count=n_p))[0]
        rows.append(np.full(len(members), r, dtype=np.int64))
        cols.append(members.astype(np.int64))
        vals.append(cost[members, t])
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), np.zeros(0)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), np.array(list(found.values()))


def solve(model: Model, *, time_limit: float, mip_gap: float) -> Solution:
    """Solve with HiGHS through :func:`scipy.optimize.milp`."""
    options = {"time_limit": time_limit, "presolve": True}
    if model.integrality.any():
        options["mip_rel_gap"] = mip_gap
    result = milp(
        model.c,
        integrality=model.integrality,
        bounds=Bounds(model.lb, model.ub),
        constraints=LinearConstraint(model.a, model.lower, model.upper),
        options=options,
    )
    if result.x is None:
        return Solution(int(result.status), str(result.message), None, None, np.nan)
    n = model.n_projects
    x = result.x[:n] > 0.5
    f = np.clip(result.x[n : n + len(model.fp)], 0.0, None) * model.scale
    f[f < _TOLERANCE * model.scale] = 0.0
    gap = getattr(result, "mip_gap", None)
    return Solution(int(result.status), str(result.message), x, f, float(gap) if gap is not None else 0.0)


def feasible(data: PortfolioData, *, relax: frozenset[str] = frozenset(), time_limit: float = 10.0) -> bool:
    """Whether some selection satisfies the constraints (objective ignored)."""
    model = build(data, relax=relax)
    zero = Model(
        np.zeros_like(model.c), model.a, model.lower, model.upper, model.lb, model.ub,
        model.integrality, model.fp, model.fs, model.ft, model.scale, model.n_aux,
    )  # fmt: skip
    return solve(zero, time_limit=time_limit, mip_gap=1.0).x is not None
