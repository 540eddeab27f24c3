"""Reading and checking the project and source tables of :func:`~hromada.analysis.decide.optimize_portfolio`."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from hromada.analysis.decide._problem import BoolArray, FloatArray
from hromada.analysis.decide.debt import DebtRule, loan_schedule
from hromada.errors import ValidationError

SOURCE_KINDS: tuple[str, ...] = (
    "own_budget",
    "state_subvention",
    "regional_fund",
    "ifi_loan",
    "grant",
    "donor",
    "ppp",
)
LOAN_KINDS: tuple[str, ...] = ("ifi_loan",)
_COST_YEAR = re.compile(r"^cost_(\d+)$")


@dataclass(frozen=True, eq=False)
class PortfolioData:
    """The checked inputs as arrays: P projects, S sources, T planning years, Y checked debt years."""

    project_ids: pd.Index
    cost: FloatArray  # P x T, by year
    priority: FloatArray  # P
    min_cofinancing: FloatArray  # P
    allowed: BoolArray  # P: may be selected (the `eligible` column)
    required: BoolArray  # P: must be selected
    sector: tuple[str, ...]
    type: tuple[str, ...]
    source_ids: pd.Index
    kind: tuple[str, ...]
    budget: FloatArray  # S x T
    max_share: FloatArray  # S
    eligible: BoolArray  # P x S
    years: tuple[int, ...]
    dependencies: tuple[tuple[int, int], ...]  # (a, b): a needs b
    exclusions: tuple[tuple[int, int], ...]
    debt_years: tuple[int, ...] = ()
    service: FloatArray | None = None  # S x T x Y: debt service in checked year y per unit drawn in year t
    owed: FloatArray | None = None  # S x T x Y: debt outstanding at the end of year y per unit drawn in t
    service_limit: FloatArray | None = None  # Y
    debt_limit: FloatArray | None = None  # Y (inf where unchecked)

    @property
    def total(self) -> FloatArray:
        return np.asarray(self.cost.sum(axis=1), dtype=np.float64)

    def subset(self, keep: Sequence[int]) -> PortfolioData:
        """The same sources and rules with only the projects at positions `keep` (in that order)."""
        index = np.asarray(keep, dtype=np.int64)
        where = {int(p): i for i, p in enumerate(index)}
        return replace(
            self,
            project_ids=self.project_ids[index],
            cost=self.cost[index],
            priority=self.priority[index],
            min_cofinancing=self.min_cofinancing[index],
            allowed=self.allowed[index],
            required=self.required[index],
            sector=tuple(self.sector[i] for i in index),
            type=tuple(self.type[i] for i in index),
            eligible=self.eligible[index],
            dependencies=tuple(
                (where[a], where[b]) for a, b in self.dependencies if a in where and b in where
            ),
            exclusions=tuple((where[a], where[b]) for a, b in self.exclusions if a in where and b in where),
        )


def _numbers(frame: pd.DataFrame, column: str, param: str, ids: pd.Index) -> FloatArray:
    try:
        values = pd.to_numeric(frame[column], errors="raise").to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(
            f"`{param}[{column!r}]` must be numeric; got {frame[column].tolist()!r}"
        ) from None
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValidationError(
            f"`{param}[{column!r}]` must be finite; got {values[bad][0]} for {ids[int(np.argmax(bad))]!r}"
        )
    return values


def _optional(frame: pd.DataFrame, column: str, param: str, ids: pd.Index, default: float) -> FloatArray:
    """An optional numeric column; absent or empty cells take `default`."""
    if column not in frame.columns:
        return np.full(len(ids), default)
    return _numbers(frame.assign(**{column: frame[column].fillna(default)}), column, param, ids)


def _ids(frame: pd.DataFrame, column: str, param: str) -> pd.Index:
    if not isinstance(frame, pd.DataFrame):
        raise ValidationError(f"`{param}` must be a DataFrame; got {type(frame).__name__}")
    if column not in frame.columns:
        raise ValidationError(f"`{param}` must have a {column!r} column; got columns {list(frame.columns)!r}")
    ids = pd.Index(frame[column].astype(str), name=column)
    if not ids.is_unique:
        raise ValidationError(
            f"`{param}[{column!r}]` must be unique; got duplicates {ids[ids.duplicated()].unique().tolist()!r}"
        )
    return ids


def _cost_by_year(projects: pd.DataFrame, ids: pd.Index, years: tuple[int, ...]) -> FloatArray:
    by_year = {int(m.group(1)): c for c in projects.columns if (m := _COST_YEAR.match(str(c)))}
    if by_year:
        cost = np.zeros((len(ids), len(years)))
        for year, column in by_year.items():
            values = _numbers(projects, column, "projects", ids)
            if year not in years:
                if np.any(values != 0):
                    p = int(np.argmax(values != 0))
                    raise ValidationError(
                        f"`projects[{column!r}]` must be 0 outside the planning years {list(years)!r}; "
                        f"got {values[p]:g} for {ids[p]!r}"
                    )
                continue
            cost[:, years.index(year)] = values
        if "cost" in projects.columns:
            total = _numbers(projects, "cost", "projects", ids)
            off = ~np.isclose(cost.sum(axis=1), total, rtol=1e-6, atol=1e-9)
            if off.any():
                p = int(np.argmax(off))
                raise ValidationError(
                    f"`projects['cost']` must equal the sum of the cost_<year> columns; got {total[p]:g} vs "
                    f"{cost[p].sum():g} for {ids[p]!r}"
                )
    else:
        missing = [c for c in ("cost", "start_year", "duration") if c not in projects.columns]
        if missing:
            raise ValidationError(
                "`projects` must give cost by year as cost_<year> columns, or `cost`, `start_year` and "
                f"`duration`; got missing {missing!r}"
            )
        total = _numbers(projects, "cost", "projects", ids)
        start = _numbers(projects, "start_year", "projects", ids)
        duration = _numbers(projects, "duration", "projects", ids)
        cost = np.zeros((len(ids), len(years)))
        for p in range(len(ids)):
            if duration[p] < 1 or duration[p] != int(duration[p]) or start[p] != int(start[p]):
                raise ValidationError(
                    f"`projects` start_year and duration must be whole numbers, duration >= 1; got "
                    f"{start[p]:g} and {duration[p]:g} for {ids[p]!r}"
                )
            span = range(int(start[p]), int(start[p]) + int(duration[p]))
            outside = [y for y in span if y not in years]
            if outside:
                raise ValidationError(
                    f"`projects` must fall within the planning years {list(years)!r}; {ids[p]!r} runs "
                    f"{span.start}-{span.stop - 1}"
                )
            for year in span:
                cost[p, years.index(year)] = total[p] / len(span)
    negative = cost < 0
    if negative.any():
        p = int(np.argwhere(negative)[0][0])
        raise ValidationError(
            f"`projects` costs must be non-negative; got {cost[p].tolist()!r} for {ids[p]!r}"
        )
    empty = cost.sum(axis=1) <= 0
    if empty.any():
        raise ValidationError(f"`projects` costs must be positive; got 0 for {ids[int(np.argmax(empty))]!r}")
    return cost


def _labels(value: Any) -> frozenset[str] | None:
    """None for '*' (any); else the set of names, compared case-insensitively."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    items = (
        [str(v) for v in value]
        if isinstance(value, list | tuple | set | frozenset)
        else str(value).split(",")
    )
    names = frozenset(v.strip().casefold() for v in items if v.strip())
    return None if not names or "*" in names else names


def _positions(pairs: Sequence[tuple[str, str]], ids: pd.Index, param: str) -> tuple[tuple[int, int], ...]:
    position = {project: k for k, project in enumerate(ids)}
    out = []
    for pair in pairs:
        if len(pair) != 2 or any(str(v) not in ids for v in pair) or str(pair[0]) == str(pair[1]):
            raise ValidationError(f"`{param}` must be pairs of two different project ids; got {pair!r}")
        out.append((position[str(pair[0])], position[str(pair[1])]))
    return tuple(out)


def _flags(projects: pd.DataFrame, column: str, ids: pd.Index, default: bool) -> BoolArray:
    if column not in projects.columns:
        return np.full(len(ids), default)
    values = projects[column]
    if values.isna().any() or not all(isinstance(v, bool | np.bool_) or v in (0, 1) for v in values):
        raise ValidationError(f"`projects[{column!r}]` must be True/False; got {values.tolist()!r}")
    return values.to_numpy(dtype=bool)


def _debt(
    sources: pd.DataFrame, source_ids: pd.Index, kind: tuple[str, ...], years: tuple[int, ...], rule: DebtRule
) -> dict[str, Any]:
    missing = [y for y in years if y not in rule.revenue]
    if missing:
        raise ValidationError(f"`debt.revenue` must cover every planning year; got missing {missing!r}")
    checked = tuple(sorted(rule.revenue))
    loans = [s for s, k in enumerate(kind) if k in LOAN_KINDS]
    if loans:
        absent = [c for c in ("interest_rate", "tenor_years", "grace_years") if c not in sources.columns]
        if absent:
            raise ValidationError(
                f"`sources` must give loan terms for the debt rule; got missing columns {absent!r}"
            )
    span = max(checked) - min(years) + 1
    service = np.zeros((len(source_ids), len(years), len(checked)))
    owed = np.zeros_like(service)
    for s in loans:
        row = sources.iloc[s]
        pay, debt = loan_schedule(
            float(row["interest_rate"]), row["tenor_years"], row["grace_years"], span + 1
        )
        for t, draw in enumerate(years):
            for y, year in enumerate(checked):
                if year >= draw:
                    service[s, t, y] = pay[year - draw]
                    owed[s, t, y] = debt[year - draw]
    return {
        "debt_years": checked,
        "service": service,
        "owed": owed,
        "service_limit": np.array([rule.service_limit(y) for y in checked]),
        "debt_limit": np.array([rule.debt_limit(y) for y in checked]),
    }


def read_portfolio(
    projects: pd.DataFrame,
    sources: pd.DataFrame,
    years: Sequence[int],
    priority: str | pd.Series[float],
    dependencies: Sequence[tuple[str, str]],
    exclusions: Sequence[tuple[str, str]],
    required: Sequence[str],
    debt: DebtRule | None,
) -> PortfolioData:
    """Check the inputs of the portfolio model and convert them to arrays."""
    plan = tuple(int(y) for y in years)
    if not plan or any(b <= a for a, b in itertools.pairwise(plan)):
        raise ValidationError(f"`years` must be increasing whole years; got {list(years)!r}")
    ids = _ids(projects, "project_id", "projects")
    source_ids = _ids(sources, "source_id", "sources")
    reserved = sorted(set(source_ids) & {"priority", "cost", "own_share", "loan_share"})
    if reserved:
        raise ValidationError(
            f"`sources['source_id']` must not use the result's column names; got {reserved!r}"
        )
    cost = _cost_by_year(projects, ids, plan)

    if isinstance(priority, pd.Series):
        aligned = priority.rename(index=str).reindex(ids)
        if aligned.isna().any():
            raise ValidationError(
                f"`priority` must have a value for every project; got none for {ids[aligned.isna()].tolist()!r}"
            )
        score = np.asarray(aligned.to_numpy(), dtype=np.float64)
        if not np.isfinite(score).all():
            raise ValidationError("`priority` must be finite")
    elif isinstance(priority, str) and priority in projects.columns:
        score = _numbers(projects, priority, "projects", ids)
    else:
        raise ValidationError(
            f"`priority` must be a column of `projects` or a Series by project_id; got {priority!r}"
        )

    cofinancing = _optional(projects, "min_cofinancing", "projects", ids, 0.0)
    if ((cofinancing < 0) | (cofinancing > 1)).any():
        raise ValidationError(
            f"`projects['min_cofinancing']` must be shares in [0, 1]; got {cofinancing.max()!r}"
        )

    if "kind" not in sources.columns:
        raise ValidationError("`sources` must have a 'kind' column")
    kind = tuple(str(k) for k in sources["kind"])
    for source, k in zip(source_ids, kind, strict=True):
        if k not in SOURCE_KINDS:
            raise ValidationError(
                f"`sources['kind']` must be one of {', '.join(SOURCE_KINDS)}; got {k!r} for {source!r}"
            )
    budget = np.zeros((len(source_ids), len(plan)))
    for t, year in enumerate(plan):
        column = f"amount_{year}"
        if column not in sources.columns:
            raise ValidationError(
                f"`sources` must have an amount for every planning year; got no {column!r} column"
            )
        budget[:, t] = _numbers(sources, column, "sources", source_ids)
    if (budget < 0).any():
        raise ValidationError("`sources` amounts must be non-negative")
    share = _optional(sources, "max_share", "sources", source_ids, 1.0)
    if ((share <= 0) | (share > 1)).any():
        raise ValidationError(f"`sources['max_share']` must be in (0, 1]; got {share.tolist()!r}")

    eligible = np.ones((len(ids), len(source_ids)), dtype=bool)
    labels: dict[str, tuple[str, ...]] = {}
    for attribute, column in (("sector", "eligible_sectors"), ("type", "eligible_types")):
        rules = (
            [_labels(v) for v in sources[column]] if column in sources.columns else [None] * len(source_ids)
        )
        if attribute not in projects.columns:
            if any(r is not None for r in rules):
                raise ValidationError(
                    f"`projects` must have a {attribute!r} column, since `sources['{column}']` restricts it"
                )
            labels[attribute] = ("",) * len(ids)
            continue
        values = tuple("" if pd.isna(v) else str(v) for v in projects[attribute])
        labels[attribute] = values
        folded = np.array([v.strip().casefold() for v in values], dtype=object)
        for s, rule in enumerate(rules):
            if rule is not None:
                eligible[:, s] &= np.isin(folded, list(rule))

    extra: dict[str, Any] = {}
    if debt is not None:
        if not isinstance(debt, DebtRule):
            raise ValidationError(f"`debt` must be a DebtRule or None; got {type(debt).__name__}")
        extra = _debt(sources, source_ids, kind, plan, debt)

    required_mask = np.zeros(len(ids), dtype=bool)
    for project in required:
        if str(project) not in ids:
            raise ValidationError(f"`required` must list project ids; got {project!r}")
        required_mask[list(ids).index(str(project))] = True
    return PortfolioData(
        project_ids=ids,
        cost=cost,
        priority=score,
        min_cofinancing=cofinancing,
        allowed=_flags(projects, "eligible", ids, True),
        required=required_mask,
        sector=labels["sector"],
        type=labels["type"],
        source_ids=source_ids,
        kind=kind,
        budget=budget,
        max_share=share,
        eligible=eligible,
        years=plan,
        dependencies=_positions(dependencies, ids, "dependencies"),
        exclusions=_positions(exclusions, ids, "exclusions"),
        **extra,
    )
