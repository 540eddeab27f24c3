"""From a project pipeline to the inputs of :func:`~hromada.analysis.decide.optimize_portfolio`, and back.

A municipality's pipeline lists every project with its schedule and its links to other projects; the
portfolio model needs projects that fall within the planning years and dependencies that can be met. The
rules here decide which ranked projects go to the solver, which are left out before solving and why (as
:data:`~hromada.analysis.decide.Why` data), and merge those left out into the result's unfunded list.

Input conventions
-----------------
``pipeline``, one row per project (every project, not only the eligible ones):

- ``key`` (unique);
- ``start_year`` and ``duration_years`` (whole years; a missing start is the first planning year, a missing
  or smaller duration is 1 year);
- ``stage``: an OC4IDS stage; a ``"completed"`` project satisfies a dependency on it;
- ``depends_on`` and ``excludes``: lists of other projects' keys (None for none);
- for :func:`portfolio_inputs`: ``cost``, ``sector``, ``type`` and ``cofinancing_share``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hromada.analysis.decide.portfolio import Why
from hromada.errors import ValidationError

__all__ = [
    "DependencyLinks",
    "PortfolioInputs",
    "ScheduleFit",
    "dependency_links",
    "fit_schedule",
    "pipeline_years",
    "portfolio_inputs",
    "sources_for_years",
    "unfunded",
]


@dataclass(frozen=True)
class ScheduleFit:
    """The projects' schedules fitted to the planning years (see :func:`fit_schedule`).

    Attributes
    ----------
    start
        First year of each project that fits, by key (moved to the first planning year if earlier).
    duration
        Years each project that fits runs, by key (at least 1).
    moved
        Projects whose start was moved into the plan: ``{"code": "moved_start", "start": ..., "first": ...}``.
    outside
        Projects left out because they run past the last planning year:
        ``{"code": "runs_past", "until": ..., "first": ..., "last": ...}``.
    """

    start: Mapping[str, int]
    duration: Mapping[str, int]
    moved: Mapping[str, Why]
    outside: Mapping[str, Why]


@dataclass(frozen=True)
class DependencyLinks:
    """The dependencies and alternatives among candidate projects (see :func:`dependency_links`).

    Attributes
    ----------
    blocked
        Candidates that need a project which cannot be funded:
        ``{"code": "needs_unfundable", "projects": [...]}`` with the keys of the projects they miss.
    dependencies
        Pairs ``(a, b)`` among the remaining candidates: ``a`` can only be funded if ``b`` is; sorted.
    exclusions
        Pairs ``(a, b)`` with ``a < b`` among the remaining candidates: at most one of them is funded; sorted.
    """

    blocked: Mapping[str, Why]
    dependencies: tuple[tuple[str, str], ...]
    exclusions: tuple[tuple[str, str], ...]


@dataclass(frozen=True, eq=False)
class PortfolioInputs:
    """What :func:`~hromada.analysis.decide.optimize_portfolio` is given, and what is left out before it.

    Attributes
    ----------
    years
        The planning years (consecutive).
    projects
        The projects for the solver: ``project_id``, ``cost``, ``start_year``, ``duration``, ``sector``,
        ``type``, ``min_cofinancing`` and ``score`` (the priority).
    dependencies
        Dependency pairs among `projects` (see :class:`DependencyLinks`).
    exclusions
        Exclusion pairs among `projects`.
    blocked
        Ranked projects left out before solving, by key, with the reason as data (``runs_past`` or
        ``needs_unfundable``).
    moved
        Projects whose start was moved into the plan, by key (``moved_start``); a note, not a reason.
    """

    years: tuple[int, ...]
    projects: pd.DataFrame
    dependencies: tuple[tuple[str, str], ...]
    exclusions: tuple[tuple[str, str], ...]
    blocked: Mapping[str, Why]
    moved: Mapping[str, Why]


def _keys(value: Any) -> list[str]:
    """A list cell as keys: empty for None and NaN."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [str(v) for v in value]


def _column(frame: pd.DataFrame, name: str) -> pd.Series[Any]:
    if name not in frame.columns:
        raise ValidationError(f"`pipeline` must have a {name!r} column; got columns {list(frame.columns)!r}")
    return frame[name]


def _consecutive(years: Sequence[int]) -> tuple[int, ...]:
    plan = tuple(int(y) for y in years)
    if not plan or list(plan) != list(range(plan[0], plan[-1] + 1)):
        raise ValidationError(f"the planning years must be consecutive; got {list(plan)!r}")
    return plan


def pipeline_years(pipeline: pd.DataFrame, *, max_years: int = 10) -> tuple[int, ...]:
    """The years the projects run, from the earliest start: a planning horizon when no plan sets one.

    Parameters
    ----------
    pipeline
        Projects with ``start_year`` and ``duration_years`` (see the module docstring).
    max_years
        The longest horizon returned.

    Returns
    -------
    tuple of int
        Consecutive years from the earliest ``start_year`` to the latest end, at most `max_years` of them;
        empty when no project has a start year.

    Notes
    -----
    A project ends in ``start_year + duration_years - 1`` (a missing duration counts as 1 year). Projects
    without a start year do not widen the horizon.

    Examples
    --------
    >>> import pandas as pd
    >>> pipeline_years(pd.DataFrame({"start_year": [2027, 2026, None], "duration_years": [3, 1, 2]}))
    (2026, 2027, 2028, 2029)
    """
    starts = pd.to_numeric(_column(pipeline, "start_year"), errors="coerce").dropna()
    if starts.empty:
        return ()
    durations = pd.to_numeric(_column(pipeline, "duration_years").loc[starts.index], errors="coerce")
    ends = starts + durations.fillna(1) - 1
    first = int(starts.min())
    return tuple(range(first, min(int(ends.max()), first + max_years - 1) + 1))


def fit_schedule(pipeline: pd.DataFrame, years: Sequence[int]) -> ScheduleFit:
    """Fit each project's years into the plan: move early starts in, leave out what runs past the plan.

    Parameters
    ----------
    pipeline
        The projects to fit, with ``key``, ``start_year`` and ``duration_years``.
    years
        The planning years, consecutive.

    Returns
    -------
    ScheduleFit
        The fitted start and duration of every project that fits, the moved ones and those left out.

    Raises
    ------
    ValidationError
        If `years` is empty or not consecutive.

    Notes
    -----
    With planning years :math:`F \\ldots L`, a project starting in :math:`s` (the first year :math:`F` when
    missing) and running :math:`d \\ge 1` years is moved to start in :math:`s' = \\max(s, F)`: spending
    planned before the plan falls into its first year, since it has not happened yet. The project then
    runs until :math:`s' + d - 1`; if that is after :math:`L` it is left out (``runs_past``), since the
    sources' money is only known for the plan's years. A project moved in and still within the plan gets
    the note ``moved_start``.

    Examples
    --------
    >>> import pandas as pd
    >>> pipeline = pd.DataFrame(
    ...     {"key": ["school", "bridge", "clinic"], "start_year": [2025, 2027, 2026], "duration_years": [2, 3, 1]}
    ... )
    >>> fit = fit_schedule(pipeline, [2026, 2027, 2028])
    >>> fit.start, fit.duration
    ({'school': 2026, 'clinic': 2026}, {'school': 2, 'clinic': 1})
    >>> fit.moved["school"], fit.outside["bridge"]
    ({'code': 'moved_start', 'start': 2025, 'first': 2026}, {'code': 'runs_past', 'until': 2029, 'first': 2026, 'last': 2028})
    """
    plan = _consecutive(years)
    first, last = plan[0], plan[-1]
    start = pd.to_numeric(_column(pipeline, "start_year"), errors="coerce").fillna(first).astype(int)
    duration = (
        pd.to_numeric(_column(pipeline, "duration_years"), errors="coerce")
        .fillna(1)
        .astype(int)
        .clip(lower=1)
    )
    fitted: dict[str, int] = {}
    lengths: dict[str, int] = {}
    moved: dict[str, Why] = {}
    outside: dict[str, Why] = {}
    for key, s, d in zip(_column(pipeline, "key").astype(str), start, duration, strict=True):
        begin, length = max(int(s), first), int(d)
        if begin + length - 1 > last:
            outside[key] = {"code": "runs_past", "until": begin + length - 1, "first": first, "last": last}
            continue
        if s < first:
            moved[key] = {"code": "moved_start", "start": int(s), "first": first}
        fitted[key], lengths[key] = begin, length
    return ScheduleFit(start=fitted, duration=lengths, moved=moved, outside=outside)


def dependency_links(pipeline: pd.DataFrame, candidates: Collection[str]) -> DependencyLinks:
    """Leave out the candidates whose dependencies cannot be met; the links among the others.

    Parameters
    ----------
    pipeline
        Every project, with ``key`` and optional ``stage``, ``depends_on`` and ``excludes``.
    candidates
        Keys of the projects that may be funded (eligible, ranked and within the plan).

    Returns
    -------
    DependencyLinks
        The blocked candidates with the projects they miss, and the dependency and exclusion pairs among the
        candidates that remain.

    Notes
    -----
    A dependency is met by a completed project or by another candidate that is not itself blocked. A
    candidate that needs anything else (an ineligible, cancelled, unknown or left-out project) cannot be
    funded, whatever the budget: it is blocked, and its reason names the projects it misses. Blocking is
    repeated until nothing changes, so a whole chain falls with its first unmet link: if A needs B and B
    needs an ineligible C, both A and B are blocked (A missing B, B missing C). Dependencies among the
    remaining candidates become constraints of the portfolio model, as do exclusions (alternatives), which
    are kept once per pair whichever project lists them.

    Examples
    --------
    >>> import pandas as pd
    >>> pipeline = pd.DataFrame(
    ...     {"key": ["a", "b", "c", "d"], "stage": ["identification"] * 3 + ["completed"],
    ...      "depends_on": [["b"], ["c"], [], ["a"]], "excludes": [[], [], ["a"], []]}
    ... )
    >>> links = dependency_links(pipeline, {"a", "b"})
    >>> links.blocked
    {'b': {'code': 'needs_unfundable', 'projects': ['c']}, 'a': {'code': 'needs_unfundable', 'projects': ['b']}}
    >>> dependency_links(pipeline, {"a", "b", "c"})
    DependencyLinks(blocked={}, dependencies=(('a', 'b'), ('b', 'c')), exclusions=(('a', 'c'),))
    """
    keys = _column(pipeline, "key").astype(str)

    def optional(name: str) -> pd.Series[Any]:
        return (
            pipeline[name]
            if name in pipeline.columns
            else pd.Series(None, index=pipeline.index, dtype=object)
        )

    done = set(keys[optional("stage") == "completed"])
    needs = {k: _keys(v) for k, v in zip(keys, optional("depends_on"), strict=True)}
    alternatives = {k: _keys(v) for k, v in zip(keys, optional("excludes"), strict=True)}
    blocked: dict[str, Why] = {}
    open_ = {str(c) for c in candidates}
    changed = True
    while changed:
        changed = False
        for key in sorted(open_):
            missing = [d for d in needs.get(key, []) if d not in open_ and d not in done]
            if missing:
                blocked[key] = {"code": "needs_unfundable", "projects": missing}
                open_.discard(key)
                changed = True
    dependencies = tuple(sorted({(k, d) for k in open_ for d in needs.get(k, []) if d in open_}))
    exclusions = tuple(
        sorted({(min(k, d), max(k, d)) for k in open_ for d in alternatives.get(k, []) if d in open_})
    )
    return DependencyLinks(blocked=blocked, dependencies=dependencies, exclusions=exclusions)


def portfolio_inputs(
    pipeline: pd.DataFrame, priority: Mapping[str, float], years: Sequence[int]
) -> PortfolioInputs:
    """The projects, dependencies and exclusions to optimise, and the ranked projects left out before it.

    Parameters
    ----------
    pipeline
        Every project of the municipality (see the module docstring for the columns).
    priority
        The priority (ranking score) of each eligible project, by key; only these projects are candidates.
    years
        The planning years, consecutive.

    Returns
    -------
    PortfolioInputs
        The solver's project table and links, the blocked projects with their reasons and the moved ones.

    Raises
    ------
    ValidationError
        If `years` is empty or not consecutive.

    Notes
    -----
    The rules apply in order: the candidates' schedules are fitted to the plan (:func:`fit_schedule`), then
    the candidates still in the plan are checked for dependencies that cannot be met
    (:func:`dependency_links`), so a project that needs one running past the plan is blocked too. The
    remaining candidates keep their pipeline order, with their fitted start and duration, their
    ``cofinancing_share`` as ``min_cofinancing`` and their priority as ``score``.

    Examples
    --------
    >>> import pandas as pd
    >>> pipeline = pd.DataFrame(
    ...     {"key": ["school", "gym"], "stage": ["design", "design"], "cost": [40.0, 20.0],
    ...      "start_year": [2025, 2026], "duration_years": [2, 1], "sector": ["education"] * 2,
    ...      "type": ["rehabilitation"] * 2, "cofinancing_share": [0.1, 0.0],
    ...      "depends_on": [[], ["school"]], "excludes": [[], []]}
    ... )
    >>> inputs = portfolio_inputs(pipeline, {"school": 0.9, "gym": 0.4}, [2026, 2027])
    >>> inputs.projects[["project_id", "start_year", "duration", "score"]]
      project_id  start_year  duration  score
    0     school        2026         2    0.9
    1        gym        2026         1    0.4
    >>> inputs.dependencies, inputs.blocked, inputs.moved
    ((('gym', 'school'),), {}, {'school': {'code': 'moved_start', 'start': 2025, 'first': 2026}})
    """
    plan = _consecutive(years)
    keys = _column(pipeline, "key").astype(str)
    candidates = pipeline[keys.isin([str(k) for k in priority])]
    schedule = fit_schedule(candidates, plan)
    links = dependency_links(pipeline, set(schedule.start))
    blocked = {**links.blocked, **schedule.outside}
    kept = candidates[candidates["key"].astype(str).isin(set(schedule.start) - set(blocked))]
    ids = kept["key"].astype(str)
    projects = pd.DataFrame(
        {
            "project_id": ids,
            "cost": _column(kept, "cost").astype(float),
            "start_year": ids.map(schedule.start).astype(int),
            "duration": ids.map(schedule.duration).astype(int),
            "sector": _column(kept, "sector"),
            "type": _column(kept, "type"),
            "min_cofinancing": _column(kept, "cofinancing_share").astype(float),
            "score": ids.map({str(k): float(v) for k, v in priority.items()}).astype(float),
        }
    ).reset_index(drop=True)
    return PortfolioInputs(
        years=plan,
        projects=projects,
        dependencies=links.dependencies,
        exclusions=links.exclusions,
        blocked=blocked,
        moved=schedule.moved,
    )


def sources_for_years(sources: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """The funding sources restricted to the planning years, as :func:`optimize_portfolio` reads them.

    Parameters
    ----------
    sources
        One row per source, with ``amount_<year>`` columns and optional ``eligible_sectors`` and
        ``eligible_types`` (lists separated by ``;`` or ``,``; empty for any).
    years
        The planning years.

    Returns
    -------
    pandas.DataFrame
        A copy with one ``amount_<year>`` column per planning year (0 where the source had none) and no
        other amount columns; empty eligibility lists become ``"*"`` (any) and ``;`` separators ``,``.

    Notes
    -----
    A source without an amount for a planning year has no money that year; amounts outside the plan are
    dropped since the portfolio only spends within it.

    Examples
    --------
    >>> import pandas as pd
    >>> sources = pd.DataFrame({"source_id": ["eu"], "eligible_sectors": ["education;health"],
    ...                         "amount_2025": [5.0], "amount_2026": [10.0]})
    >>> sources_for_years(sources, [2026, 2027]).to_dict(orient="records")
    [{'source_id': 'eu', 'eligible_sectors': 'education,health', 'amount_2026': 10.0, 'amount_2027': 0.0}]
    """
    plan = [int(y) for y in years]
    out = sources.rename(columns=str)
    for column in ("eligible_sectors", "eligible_types"):
        if column in out.columns:
            out[column] = out[column].fillna("*").astype(str).str.replace(";", ",")
    for year in plan:
        if f"amount_{year}" not in out.columns:
            out[f"amount_{year}"] = 0.0
    return out.drop(
        columns=[c for c in map(str, out.columns) if c.startswith("amount_") and int(c[7:]) not in plan]
    )


def unfunded(
    gap: pd.DataFrame, blocked: Mapping[str, Why], priority: Mapping[str, float], cost: Mapping[str, float]
) -> pd.DataFrame:
    """Every ranked project left unfunded: the solver's gap and the projects blocked before solving.

    Parameters
    ----------
    gap
        The ``gap`` of a :class:`~hromada.analysis.decide.PortfolioResult` (by ``project_id``: ``priority``,
        ``cost``, ``why``).
    blocked
        Projects left out before solving, by key, with their reasons (:attr:`PortfolioInputs.blocked`).
    priority, cost
        The priority and total cost of every blocked project, by key.

    Returns
    -------
    pandas.DataFrame
        By ``project_id``: ``priority``, ``cost`` and ``why``, best priority first.

    Notes
    -----
    A blocked project is as unfunded as one the solver left out, so it counts in the funding gap (the sum of
    ``cost``). Projects of equal priority keep the solver's order, then the blocked ones by key.

    Examples
    --------
    >>> import pandas as pd
    >>> gap = pd.DataFrame({"priority": [0.5], "cost": [30.0], "why": [{"code": "outranked", "full": []}]},
    ...                    index=pd.Index(["clinic"], name="project_id"))
    >>> table = unfunded(gap, {"gym": {"code": "needs_unfundable", "projects": ["pool"]}}, {"gym": 0.7},
    ...                  {"gym": 20.0})
    >>> table[["priority", "cost"]], float(table["cost"].sum())
    (            priority  cost
    project_id
    gym              0.7  20.0
    clinic           0.5  30.0, 50.0)
    """
    rows: list[dict[str, Any]] = [
        {"project_id": str(key), "priority": row["priority"], "cost": row["cost"], "why": row["why"]}
        for key, row in zip(gap.index, gap.to_dict(orient="records"), strict=True)
    ]
    rows += [
        {"project_id": key, "priority": priority[key], "cost": cost[key], "why": why}
        for key, why in sorted(blocked.items())
    ]
    rows.sort(key=lambda row: -float(row["priority"]))
    return pd.DataFrame(rows, columns=["project_id", "priority", "cost", "why"]).set_index("project_id")
