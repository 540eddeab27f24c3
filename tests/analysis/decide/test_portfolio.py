"""The financing portfolio: brute force over all subsets, monotonicity, explanations, conventions."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from hromada.analysis.decide import DebtRule, PortfolioResult, loan_schedule, optimize_portfolio
from hromada.errors import ValidationError
from tests.cells import number, text

YEARS = (2026, 2027)
KINDS = ("grant", "state_subvention", "ifi_loan", "donor", "regional_fund")


def _instance(
    seed: int, *, n_projects: int | None = None, loans: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = n_projects or int(rng.integers(1, 9))
    cost = rng.integers(0, 40, size=(n, len(YEARS))).astype(float)
    cost[cost.sum(axis=1) == 0, 0] = 5.0
    projects = pd.DataFrame(
        {
            "project_id": [f"p{i}" for i in range(n)],
            "sector": rng.choice(["education", "health"], n),
            "type": rng.choice(["rehabilitation", "construction"], n),
            "min_cofinancing": rng.choice([0.0, 0.1, 0.3], n),
            "score": rng.integers(1, 1000, n) / 1000,
        }
    )
    for t, year in enumerate(YEARS):
        projects[f"cost_{year}"] = cost[:, t]
    n_sources = int(rng.integers(2, 4))
    kinds = ["own_budget", *rng.choice(KINDS, n_sources - 1)]
    if loans:
        kinds[-1] = "ifi_loan"
    sources = pd.DataFrame(
        {
            "source_id": [f"s{s}" for s in range(n_sources)],
            "kind": kinds,
            "eligible_sectors": [
                "*",
                *rng.choice(["*", "education", "health", "education, health"], n_sources - 1),
            ],
            "eligible_types": ["*", *rng.choice(["*", "construction"], n_sources - 1)],
            "max_share": [1.0, *rng.choice([1.0, 0.8, 0.5], n_sources - 1)],
            "interest_rate": rng.choice([0.0, 0.05], n_sources),
            "tenor_years": 3,
            "grace_years": rng.choice([0, 1], n_sources),
        }
    )
    for year in YEARS:
        sources[f"amount_{year}"] = rng.integers(0, 60, n_sources).astype(float)
    return projects, sources


# ------------------------------------------------------------------------------- an independent reference
def _allowed(rule: str, value: str) -> bool:
    names = {v.strip() for v in rule.split(",")}
    return "*" in names or value in names


def _fundable(
    projects: pd.DataFrame, sources: pd.DataFrame, subset: Sequence[int], debt: DebtRule | None
) -> bool:
    """Dense LP written from the specification: is there funding for exactly these projects?"""
    if not subset:
        return debt is None or all(debt.service_limit(y) >= 0 for y in debt.revenue)
    n_p, n_s, n_t = len(subset), len(sources), len(YEARS)
    index = {key: k for k, key in enumerate(itertools.product(range(n_p), range(n_s), range(n_t)))}
    bounds = []
    for i, s, _ in index:
        proj, src = projects.iloc[subset[i]], sources.iloc[s]
        ok = _allowed(src["eligible_sectors"], proj["sector"]) and _allowed(
            src["eligible_types"], proj["type"]
        )
        bounds.append((0, None if ok else 0))
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    cost = projects[[f"cost_{y}" for y in YEARS]].to_numpy()
    for i, t in itertools.product(range(n_p), range(n_t)):
        row = np.zeros(len(index))
        for s in range(n_s):
            row[index[i, s, t]] = 1
        a_eq.append(row)
        b_eq.append(cost[subset[i], t])
    for s, t in itertools.product(range(n_s), range(n_t)):
        row = np.zeros(len(index))
        for i in range(n_p):
            row[index[i, s, t]] = 1
        a_ub.append(row)
        b_ub.append(sources.iloc[s][f"amount_{YEARS[t]}"])
    for i, s in itertools.product(range(n_p), range(n_s)):
        row = np.zeros(len(index))
        for t in range(n_t):
            row[index[i, s, t]] = 1
        a_ub.append(row)
        b_ub.append(sources.iloc[s]["max_share"] * cost[subset[i]].sum())
    for i in range(n_p):
        row = np.zeros(len(index))
        for s in range(n_s):
            if sources.iloc[s]["kind"] == "own_budget":
                for t in range(n_t):
                    row[index[i, s, t]] = -1
        a_ub.append(row)
        b_ub.append(-projects.iloc[subset[i]]["min_cofinancing"] * cost[subset[i]].sum())
    if debt is not None:
        for year in debt.revenue:
            row = np.zeros(len(index))
            for (_, s, t), k in index.items():
                src = sources.iloc[s]
                if src["kind"] == "ifi_loan" and year > YEARS[t]:
                    # annuity after grace, interest only during grace, written out directly
                    r, tenor, grace, age = (
                        src["interest_rate"],
                        src["tenor_years"],
                        src["grace_years"],
                        year - YEARS[t],
                    )
                    annuity = 1 / (tenor - grace) if r == 0 else r / (1 - (1 + r) ** -(tenor - grace))
                    row[k] = r if age <= grace else annuity if age <= tenor else 0.0
            a_ub.append(row)
            b_ub.append(debt.max_share * debt.revenue[year] - debt.existing_service.get(year, 0.0))
    result = linprog(
        np.zeros(len(index)),
        A_ub=np.array(a_ub),
        b_ub=b_ub,
        A_eq=np.array(a_eq),
        b_eq=b_eq,
        bounds=bounds,
        method="highs",
    )
    return bool(result.status == 0)


def _brute_force(
    projects: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    dependencies: Sequence[tuple[str, str]] = (),
    exclusions: Sequence[tuple[str, str]] = (),
    debt: DebtRule | None = None,
) -> float | None:
    ids = list(projects["project_id"])
    score = projects["score"].to_numpy()
    subsets = [s for r in range(len(ids) + 1) for s in itertools.combinations(range(len(ids)), r)]
    subsets.sort(key=lambda s: -score[list(s)].sum())
    for subset in subsets:
        chosen = {ids[i] for i in subset}
        if any(a in chosen and b not in chosen for a, b in dependencies):
            continue
        if any(a in chosen and b in chosen for a, b in exclusions):
            continue
        if _fundable(projects, sources, list(subset), debt):
            return float(score[list(subset)].sum())
    return None


def _check_funding(result: PortfolioResult, projects: pd.DataFrame, sources: pd.DataFrame) -> None:
    """The reported funding satisfies every rule of the specification."""
    funding = result.funding
    tolerance = 1e-6
    for project in result.selected.index:
        row = projects.set_index("project_id").loc[project]
        mine = funding[funding["project_id"] == project]
        for year in YEARS:
            assert mine.loc[mine["year"] == year, "amount"].sum() == pytest.approx(
                row[f"cost_{year}"], abs=tolerance
            )
        total = sum(row[f"cost_{y}"] for y in YEARS)
        own = mine.loc[mine["kind"] == "own_budget", "amount"].sum()
        assert own >= row["min_cofinancing"] * total - tolerance
        for source_id, amount in mine.groupby("source_id")["amount"].sum().items():
            src = sources.set_index("source_id").loc[source_id]
            assert amount <= src["max_share"] * total + tolerance
            assert _allowed(src["eligible_sectors"], row["sector"]) and _allowed(
                src["eligible_types"], row["type"]
            )
    used = funding.groupby(["source_id", "year"])["amount"].sum()
    for key, amount in used.items():
        assert isinstance(key, tuple)
        source_id, year = key
        assert amount <= number(sources.set_index("source_id").loc[source_id, f"amount_{year}"]) + tolerance


# ----------------------------------------------------------------------------------------- brute force
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), links=st.booleans())
def test_optimum_equals_brute_force(seed: int, links: bool) -> None:
    projects, sources = _instance(seed)
    ids = list(projects["project_id"])
    dependencies: list[tuple[str, str]] = []
    exclusions: list[tuple[str, str]] = []
    if links and len(ids) >= 3:
        dependencies = [(ids[0], ids[1])]
        exclusions = [(ids[1], ids[2])]
    result = optimize_portfolio(
        projects, sources, years=YEARS, dependencies=dependencies, exclusions=exclusions
    )
    expected = _brute_force(projects, sources, dependencies=dependencies, exclusions=exclusions)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(expected, abs=1e-9)
    _check_funding(result, projects, sources)
    chosen = set(result.selected.index)
    assert all(b in chosen for a, b in dependencies if a in chosen)
    assert not any(a in chosen and b in chosen for a, b in exclusions)
    assert set(result.gap.index) == set(ids) - chosen
    assert result.funding_gap == pytest.approx(result.gap["cost"].sum())


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_optimum_with_debt_rule_equals_brute_force(seed: int) -> None:
    projects, sources = _instance(seed, loans=True)
    rng = np.random.default_rng(seed + 1)
    revenue = {year: float(rng.integers(20, 80)) for year in range(YEARS[0], YEARS[-1] + 4)}
    debt = DebtRule(revenue=revenue, max_share=0.25, existing_service={YEARS[-1] + 1: 2.0})
    result = optimize_portfolio(projects, sources, years=YEARS, debt=debt)
    assert result.objective == pytest.approx(_brute_force(projects, sources, debt=debt), abs=1e-9)
    table = result.debt_service
    assert (table["total"] <= table["limit"] + 1e-6).all()
    assert list(table.index) == sorted(revenue)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), extra=st.floats(1.0, 200.0), where=st.integers(0, 100))
def test_more_budget_never_lowers_the_optimum(seed: int, extra: float, where: int) -> None:
    projects, sources = _instance(seed)
    before = optimize_portfolio(projects, sources, years=YEARS).objective
    richer = sources.copy()
    column = f"amount_{YEARS[where % len(YEARS)]}"
    row = where % len(richer)
    richer.at[row, column] = number(richer.at[row, column]) + extra
    assert optimize_portfolio(projects, richer, years=YEARS).objective >= before - 1e-9


# ------------------------------------------------------------------------------------------ explanations
def _simple(cost: float = 10.0, **project: str | float) -> tuple[pd.DataFrame, pd.DataFrame]:
    projects = pd.DataFrame(
        [
            {
                "project_id": "school",
                "sector": "education",
                "type": "rehabilitation",
                "score": 0.9,
                "cost_2026": cost,
            }
        ]
    )
    for key, value in project.items():
        projects[key] = [value]
    sources = pd.DataFrame(
        [
            {"source_id": "city", "kind": "own_budget", "amount_2026": 5.0, "eligible_sectors": "*"},
            {
                "source_id": "eu",
                "kind": "grant",
                "amount_2026": 20.0,
                "eligible_sectors": "education",
                "max_share": 0.8,
            },
        ]
    )
    return projects, sources


def test_infeasible_budget_is_named() -> None:
    projects, sources = _simple(cost=100.0)
    result = optimize_portfolio(projects, sources, years=[2026], required=["school"])
    assert result.status == "infeasible"
    text = " ".join(result.explanation)
    assert "Blocking constraint: budget" in text
    assert "'school' cannot be funded even on its own: its eligible sources do not have enough money" in text
    assert "2026: 25 available for 100" in text


def test_infeasible_max_share_cofinancing_eligibility() -> None:
    projects, sources = _simple(cost=10.0)
    no_city = sources[sources["kind"] != "own_budget"].reset_index(drop=True)
    result = optimize_portfolio(projects, no_city, years=[2026], required=["school"])
    assert "Blocking constraint: max_share" in " ".join(result.explanation)
    assert "may cover at most 80% of its cost" in " ".join(result.explanation)

    projects, sources = _simple(cost=10.0, min_cofinancing=0.6)  # the city has only 5 of the 6 needed
    result = optimize_portfolio(projects, sources, years=[2026], required=["school"])
    assert "Blocking constraint: cofinancing" in " ".join(result.explanation)
    assert "needs 60% own-budget co-financing" in " ".join(result.explanation)

    projects, sources = _simple(cost=10.0, sector="health")  # only the city (5) accepts health
    result = optimize_portfolio(projects, sources, years=[2026], required=["school"])
    text = " ".join(result.explanation)
    assert "Blocking constraint: eligibility" in text and "Blocking constraint: budget" in text


def test_infeasible_exclusion_and_debt() -> None:
    projects, sources = _simple(cost=4.0)
    two = pd.concat([projects, projects.assign(project_id="gym")], ignore_index=True)
    result = optimize_portfolio(
        two, sources, years=[2026], exclusions=[("school", "gym")], required=["school", "gym"]
    )
    assert result.status == "infeasible"
    assert "Blocking constraint: exclusions" in " ".join(result.explanation)

    loan = pd.DataFrame(
        [
            {
                "source_id": "eib",
                "kind": "ifi_loan",
                "amount_2026": 50.0,
                "interest_rate": 0.0,
                "tenor_years": 2,
                "grace_years": 0,
            }
        ]
    )
    rule = DebtRule(revenue={2026: 100.0, 2027: 100.0, 2028: 100.0}, max_share=0.1)  # 10 a year of service
    projects, _ = _simple(cost=30.0)  # a loan of 30 costs 15 a year in 2027-2028
    result = optimize_portfolio(projects, loan, years=[2026], required=["school"], debt=rule)
    assert "Blocking constraint: debt" in " ".join(result.explanation)
    assert "break the debt sustainability rule" in " ".join(result.explanation)


def test_nothing_fundable_is_explained() -> None:
    projects, sources = _simple(cost=100.0)
    result = optimize_portfolio(projects, sources, years=[2026])
    assert result.status == "optimal" and result.selected.empty
    assert result.explanation[0].startswith("Nothing can be funded")
    assert any("Relaxing budget" in line for line in result.explanation)
    assert text(result.gap.loc["school", "reason"]).startswith("cannot be funded even on its own")
    assert result.funding_gap == 100.0


def test_gap_reasons_and_funding_preference() -> None:
    projects = pd.DataFrame(
        {
            "project_id": ["a", "b", "c", "d"],
            "sector": "education",
            "type": "rehabilitation",
            "score": [2.0, 0.8, 0.7, 0.6],
            "cost_2026": [10.0, 10.0, 10.0, 10.0],
        }
    )
    sources = pd.DataFrame(
        {
            "source_id": ["city", "eu", "eib"],
            "kind": ["own_budget", "grant", "ifi_loan"],
            "amount_2026": [0.0, 10.0, 30.0],
        }
    )
    result = optimize_portfolio(
        projects, sources, years=[2026], exclusions=[("a", "b")], dependencies=[("d", "b")]
    )
    assert result.selected_ids == ["a", "c"]  # a + c = 2.7 beats b + c + d = 2.1
    assert result.gap.loc["b", "reason"] == "excludes funded project(s) 'a'"
    assert result.gap.loc["d", "reason"] == "needs project(s) 'b', not funded"
    assert result.selected.loc[["a", "c"], "eu"].sum() == pytest.approx(10.0)  # the grant is used in full
    assert result.selected["loan_share"].sum() == pytest.approx(1.0)
    cash = result.cash_flow.loc[(2026, "eib"), :]
    assert cash["used"] == pytest.approx(10.0) and cash["remaining"] == pytest.approx(20.0)

    crowded = optimize_portfolio(
        projects.assign(score=[0.9, 0.8, 0.7, 0.6]), sources.assign(amount_2026=[0, 10, 10]), years=[2026]
    )
    assert crowded.selected_ids == ["a", "b"]
    assert text(crowded.gap.loc["c", "reason"]).startswith("outranked")
    assert "fully used: eu 2026, eib 2026" in text(crowded.gap.loc["c", "reason"])


# ------------------------------------------------------------------------------------------- conventions
def test_start_year_and_duration_spread_cost_evenly() -> None:
    projects = pd.DataFrame(
        {"project_id": ["a"], "cost": [30.0], "start_year": [2026], "duration": [3], "score": [1.0]}
    )
    sources = pd.DataFrame(
        {"source_id": ["city"], "kind": ["own_budget"], **{f"amount_{y}": [10.0] for y in (2026, 2027, 2028)}}
    )
    result = optimize_portfolio(projects, sources, years=[2026, 2027, 2028])
    assert result.funding["amount"].tolist() == pytest.approx([10.0, 10.0, 10.0])
    with pytest.raises(ValidationError, match="'a' runs 2026-2028"):
        optimize_portfolio(projects, sources, years=[2026, 2027])


def test_input_errors() -> None:
    projects, sources = _simple()
    with pytest.raises(ValidationError, match="must equal the sum of the cost_<year> columns"):
        optimize_portfolio(projects.assign(cost=99.0), sources, years=[2026])
    with pytest.raises(ValidationError, match="no 'amount_2027' column"):
        optimize_portfolio(projects, sources, years=[2026, 2027])
    with pytest.raises(ValidationError, match="must be 0 outside the planning years"):
        optimize_portfolio(projects.assign(cost_2025=1.0), sources, years=[2026])
    with pytest.raises(ValidationError, match="`sources\\['kind'\\]` must be one of"):
        optimize_portfolio(projects, sources.assign(kind="bond"), years=[2026])
    with pytest.raises(ValidationError, match="`priority` must be a column"):
        optimize_portfolio(projects, sources, years=[2026], priority="impact")
    with pytest.raises(ValidationError, match="pairs of two different project ids"):
        optimize_portfolio(projects, sources, years=[2026], dependencies=[("school", "nope")])
    with pytest.raises(ValidationError, match="marked ineligible"):
        optimize_portfolio(projects.assign(eligible=False), sources, years=[2026], required=["school"])
    with pytest.raises(ValidationError, match="loan terms"):
        loan = sources.assign(kind=["own_budget", "ifi_loan"])
        optimize_portfolio(projects, loan, years=[2026], debt=DebtRule(revenue={2026: 1.0}))


def test_priority_series_and_ineligible_projects() -> None:
    projects = pd.DataFrame(
        {"project_id": ["a", "b"], "cost_2026": [5.0, 5.0], "eligible": [True, False], "score": [0.1, 0.9]}
    )
    sources = pd.DataFrame({"source_id": ["city"], "kind": ["own_budget"], "amount_2026": [10.0]})
    result = optimize_portfolio(projects, sources, years=[2026], priority=pd.Series({"a": 2.0, "b": 3.0}))
    assert result.selected_ids == ["a"] and result.objective == 2.0
    assert result.gap.empty  # b is not eligible, so it is not part of the funding gap


def test_loan_schedule() -> None:
    # r = 10%, tenor 3, grace 1: interest 0.1 in year 1, then the annuity over 2 years
    # A = 0.1 / (1 - 1.1^-2) = 0.1 / 0.173554 = 0.576190; owed after one payment (1.21 - 1.1) / 0.21 = 0.523810
    service, owed = loan_schedule(0.1, 3, 1, 5)
    np.testing.assert_allclose(service, [0.0, 0.1, 0.576190, 0.576190, 0.0], atol=1e-6)
    np.testing.assert_allclose(owed, [1.0, 1.0, 0.523810, 0.0, 0.0], atol=1e-6)
    with pytest.raises(ValidationError, match="tenor_years"):
        loan_schedule(0.1, 2, 2, 5)
    with pytest.raises(ValidationError, match="max_share"):
        DebtRule(revenue={2026: 1.0}, max_share=1.5)


def test_debt_stock_limit() -> None:
    projects, _ = _simple(cost=30.0)
    loan = pd.DataFrame(
        [
            {
                "source_id": "eib",
                "kind": "ifi_loan",
                "amount_2026": 50.0,
                "interest_rate": 0.0,
                "tenor_years": 2,
                "grace_years": 0,
            }
        ]
    )
    loose = DebtRule(revenue={2026: 100.0, 2027: 100.0}, max_share=1.0, max_debt_ratio=0.5)
    assert optimize_portfolio(projects, loan, years=[2026], debt=loose).selected_ids == ["school"]
    table = optimize_portfolio(projects, loan, years=[2026], debt=loose).debt_service
    assert table.loc[2026, "new_debt"] == pytest.approx(30.0) and table.loc[
        2027, "new_debt"
    ] == pytest.approx(15.0)
    tight = DebtRule(revenue={2026: 100.0, 2027: 100.0}, max_share=1.0, max_debt_ratio=0.2)
    assert optimize_portfolio(projects, loan, years=[2026], debt=tight).selected.empty
