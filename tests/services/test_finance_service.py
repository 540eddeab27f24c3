"""Finance plan: published criteria (typed or from AHP judgements), borrowing rule, project links, and how
the stored portfolio uses them (debt check, dependencies, alternatives, planning years)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hromada.data.demo_strategy import DemoStrategy, demo_strategy
from hromada.db.models import LedgerEntry, Municipality, Project
from hromada.errors import ImportValidationError, ValidationError
from hromada.i18n import translator
from hromada.services import projects
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality
from hromada.services.projects import finance, portfolio_text

CODE = "UA63120000000012345"
CRITERIA = ["population_served", "urgency", "jobs", "readiness", "cost_per_person"]


@pytest.fixture
def place(session: Session) -> Municipality:
    m = create_municipality(
        session, MunicipalityInput(CODE, "Тест", "Test", "UA63", status="rear", population=40_000)
    )
    session.flush()
    return m


def _pipeline(session: Session, place: Municipality, **overrides: Any) -> DemoStrategy:
    demo = demo_strategy(CODE, "Test", 40_000, "rear")
    frame = demo.projects.assign(documents_ready=True, strategy_aligned=True, cofinancing_share=0.1)
    for key, changes in overrides.items():
        for column, value in changes.items():
            frame.loc[frame["key"] == key, column] = value
    projects.save_projects(session, place, frame)
    projects.save_sources(session, place, demo.sources)
    return demo


def test_typed_criteria_are_normalised_and_published_with_the_ranking(
    session: Session, place: Municipality
) -> None:
    operator = system_principal()
    _pipeline(session, place)
    finance.set_criteria(
        session, operator, place,
        {"population_served": (2, "benefit"), "urgency": (1, "benefit"), "cost_per_person": (1, "cost")},
    )  # fmt: skip
    ranking = projects.rank_projects(session, operator, place, draws=50)
    published = {c["criterion"]: (c["weight"], c["direction"]) for c in ranking["criteria"]}
    assert published == {
        "population_served": (0.5, "benefit"), "urgency": (0.25, "benefit"), "cost_per_person": (0.25, "cost"),
    }  # fmt: skip
    assert ranking["weights_from"] == "typed" and ranking["consistency_ratio"] is None
    with pytest.raises(ValidationError, match="direction"):
        finance.set_criteria(session, operator, place, {"a": (1, "benefit"), "b": (1, "sideways")})
    with pytest.raises(ValidationError, match="at least two"):
        finance.set_criteria(session, operator, place, {"a": (1, "benefit")})


def test_ahp_judgements_give_the_weights_and_inconsistent_ones_are_refused(
    session: Session, place: Municipality
) -> None:
    operator = system_principal()
    _pipeline(session, place)
    demo = demo_strategy(CODE, "Test", 40_000, "rear")
    outcome = finance.set_ahp(session, operator, place, demo.judgements)
    assert outcome.consistent and outcome.consistency_ratio < 0.1
    assert sum(outcome.weights.values()) == pytest.approx(1.0)
    # Urgency was judged 3 times as important as jobs and 2 times readiness: it gets the largest weight.
    assert max(outcome.weights, key=outcome.weights.__getitem__) == "urgency"
    plan = finance.get_plan(session, operator, place)
    weight, direction = finance.criteria_of(plan)["urgency"]
    assert weight == pytest.approx(outcome.weights["urgency"]) and direction == "benefit"
    assert finance.criteria_of(plan)["cost_per_person"][1] == "cost"  # the direction is kept
    ranking = projects.rank_projects(session, operator, place, draws=50)
    assert ranking["weights_from"] == "ahp"
    assert ranking["consistency_ratio"] == pytest.approx(outcome.consistency_ratio)

    # A cycle of strong preferences (a > b > c > a) is as inconsistent as judgements get.
    cycle = [(a, b, 1.0) for i, a in enumerate(CRITERIA) for b in CRITERIA[i + 1 :]]
    cycle[0] = ("population_served", "urgency", 9.0)
    cycle[4] = ("urgency", "jobs", 9.0)
    cycle[1] = ("population_served", "jobs", 1 / 9)
    with pytest.raises(ValidationError, match=r"inconsistent \(consistency ratio .*revisit"):
        finance.set_ahp(session, operator, place, cycle)
    assert finance.criteria_of(finance.get_plan(session, operator, place)) == finance.criteria_of(plan)
    with pytest.raises(ValidationError, match="missing jobs vs readiness"):
        finance.set_ahp(
            session, operator, place, [j for j in demo.judgements if j[:2] != ("jobs", "readiness")]
        )
    with pytest.raises(ValidationError, match="Saaty"):
        finance.set_ahp(session, operator, place, [(*demo.judgements[0][:2], 2.5), *demo.judgements[1:]])


def test_plan_validation(session: Session, place: Municipality) -> None:
    operator = system_principal()
    with pytest.raises(ValidationError, match="increasing"):
        finance.set_plan(session, operator, place, first_year=2028, last_year=2026)
    with pytest.raises(ValidationError, match="missing 2027, 2028"):
        finance.set_plan(
            session,
            operator,
            place,
            first_year=2026,
            last_year=2028,
            revenue={2026: 1e8},
            debt_service_share=0.1,
        )
    with pytest.raises(ValidationError, match="debt_service_share"):
        finance.set_plan(
            session,
            operator,
            place,
            first_year=2026,
            last_year=2026,
            revenue={2026: 1},
            debt_service_share=1.5,
        )


def _loan_use(results: dict[str, Any]) -> float:
    return float(sum(f["amount"] for f in results["funding"] if f["kind"] == "ifi_loan"))


def test_portfolio_keeps_debt_service_within_the_limit(session: Session, place: Municipality) -> None:
    operator = system_principal()
    demo = _pipeline(session, place)
    finance.set_plan(session, operator, place, first_year=2026, last_year=2028)
    free = projects.plan_portfolio(session, operator, place).results
    assert free["debt_check"] == {"checked": False} and _loan_use(free) > 0
    # A revenue so small that at most 2 % of it for debt service leaves room for very little borrowing.
    revenue = {y: 40_000 * 600.0 for y in range(2026, 2046)}
    finance.set_plan(
        session, operator, place, first_year=2026, last_year=2028, revenue=revenue, debt_service_share=0.02
    )
    tight = projects.plan_portfolio(session, operator, place).results
    assert tight["status"] == "optimal"
    check = tight["debt_check"]
    assert check["checked"] and check["within"] and check["limit_share"] == 0.02
    for row in tight["debt_service"]:
        assert row["total"] <= 0.02 * row["revenue"] * (1 + 1e-6)
    assert _loan_use(tight) < _loan_use(free)
    assert tight["objective"] <= free["objective"] + 1e-9  # a tighter rule never raises total priority
    assert set(demo.sources["source_id"]) >= {f["source_id"] for f in tight["funding"]}


def test_dependencies_alternatives_and_planning_years(session: Session, place: Municipality) -> None:
    operator = system_principal()
    # P-01 (backup power) fails a gate; P-07 (industrial park) needs it, so it cannot be funded either.
    _pipeline(
        session,
        place,
        **{"P-01": {"documents_ready": False}, "P-12": {"start_year": 2028, "duration_years": 2}},
    )
    finance.set_plan(session, operator, place, first_year=2026, last_year=2028)
    results = projects.plan_portfolio(session, operator, place).results
    # reasons are stored as data only and worded at the edges
    gap = {row["project_id"]: portfolio_text.reason_text(row["why"]) for row in results["gap"]}
    assert all("reason" not in row for row in results["gap"])
    assert "P-07" in gap and "needs project(s) P-01" in gap["P-07"]
    assert "runs until 2029" in gap["P-12"]
    chosen = {row["project_id"] for row in results["selected"]}
    assert not {"P-06", "P-13"} <= chosen  # alternatives for the same crossing
    assert ["P-06", "P-13"] in results["exclusions"]
    assert results["years"] == [2026, 2027, 2028]
    assert results["funding_gap"] == pytest.approx(sum(row["cost"] for row in results["gap"]))
    # every reason is kept as data too, and worded from it in the interface language
    why = {row["project_id"]: row["why"] for row in results["gap"]}
    assert why["P-07"] == {"code": "needs_unfundable", "projects": ["P-01"]}
    assert why["P-12"] == {"code": "runs_past", "until": 2029, "first": 2026, "last": 2028}
    _, gap_uk, _ = portfolio_text.worded(results, translator("uk").gettext)
    worded = {row["project_id"]: row["reason"] for row in gap_uk}
    assert worded["P-12"] == "триває до 2029, після років плану 2026–2028"
    assert worded["P-07"] == "потребує проєктів P-01, які не можна профінансувати в цьому плані"
    assert all("why" not in row for row in gap_uk) and results["notices"] == []


def test_dependency_is_a_constraint_when_both_are_eligible(session: Session, place: Municipality) -> None:
    operator = system_principal()
    _pipeline(session, place)
    finance.set_plan(session, operator, place, first_year=2026, last_year=2028)
    results = projects.plan_portfolio(session, operator, place).results
    assert ["P-07", "P-01"] in results["dependencies"]
    chosen = {row["project_id"] for row in results["selected"]}
    assert "P-07" not in chosen or "P-01" in chosen


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "links.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_imported_links_are_checked(session: Session, place: Municipality, tmp_path: Path) -> None:
    operator = system_principal()
    import datetime as dt

    need = LedgerEntry(
        municipality_id=place.id, sector="energy", kind="need", amount=1e6, currency="UAH",
        valuation_date=dt.date(2025, 6, 30),
    )  # fmt: skip
    damage = LedgerEntry(
        municipality_id=place.id, sector="energy", kind="damage", amount=1e6, currency="UAH",
        valuation_date=dt.date(2025, 6, 30),
    )  # fmt: skip
    session.add_all([need, damage])
    session.flush()
    bad = _write(
        tmp_path,
        "key,title,sector,cost,depends_on,excludes,need_ids\n"
        f"P-01,Boilers,energy,100,P-01,P-02,{damage.id}\n"
        "P-02,Pumps,energy,100,P-09;P-01,P-01,x\n",
    )
    with pytest.raises(ImportValidationError) as caught:
        projects.import_projects(session, operator, place, bad)
    found = {(i.row, i.column, i.got) for i in caught.value.issues}
    assert (2, "depends_on", "P-01") in found  # itself
    assert (2, "need_ids", str(damage.id)) in found  # a damage entry, not a need
    assert (3, "depends_on", "P-09") in found  # unknown project
    assert (3, "excludes", "P-01") in found  # both depends on and excludes P-01
    assert (3, "need_ids", "x") in found
    assert session.scalar(select(func.count()).select_from(Project)) == 0
    good = _write(
        tmp_path,
        "key,title,sector,cost,depends_on,excludes,need_ids\n"
        f"P-01,Boilers,energy,100,,P-02,{need.id}\nP-02,Pumps,energy,100,,,\nP-03,Heat,energy,50,P-01;P-02,,\n",
    )
    assert projects.import_projects(session, operator, place, good) == 3
    frame = projects.project_frame(session, operator, place).set_index("key")
    assert frame.loc["P-03", "depends_on"] == ["P-01", "P-02"]
    assert frame.loc["P-01", "excludes"] == ["P-02"] and frame.loc["P-01", "need_ids"] == [need.id]


def test_refused_judgements_store_nothing_and_a_new_plan_keeps_committed_debt(
    session: Session, place: Municipality
) -> None:
    operator = system_principal()
    cycle = [(a, b, 1.0) for i, a in enumerate(CRITERIA) for b in CRITERIA[i + 1 :]]
    cycle[0], cycle[4], cycle[1] = ("population_served", "urgency", 9.0), ("urgency", "jobs", 9.0), (
        "population_served", "jobs", 1 / 9,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="inconsistent"):
        finance.set_ahp(session, operator, place, cycle)
    assert finance.get_plan(session, operator, place) is None
    finance.set_plan(
        session, operator, place, first_year=2026, last_year=2027, revenue={2026: 1e8, 2027: 1e8},
        debt_service_share=0.1, existing_service={2026: 2e6},
    )  # fmt: skip
    plan = finance.set_plan(
        session, operator, place, first_year=2026, last_year=2028, revenue={y: 1e8 for y in (2026, 2027, 2028)},
        debt_service_share=0.15,
    )  # fmt: skip
    assert plan.existing_service == {"2026": 2e6} and plan.last_year == 2028
    rule = finance.debt_rule(plan)
    assert rule is not None and rule.service_limit(2026) == pytest.approx(0.15 * 1e8 - 2e6)


def test_repayments_after_the_plan_are_checked_against_the_last_forecast(
    session: Session, place: Municipality
) -> None:
    operator = system_principal()
    plan = finance.set_plan(
        session, operator, place, first_year=2026, last_year=2027, revenue={2026: 1e8, 2027: 1.2e8},
        debt_service_share=0.1,
    )  # fmt: skip
    rule = finance.debt_rule(plan)
    assert rule is not None
    assert min(rule.revenue) == 2026 and max(rule.revenue) == 2027 + finance.REPAYMENT_YEARS
    assert rule.revenue[2040] == 1.2e8 and rule.revenue[2026] == 1e8
    assert finance.saaty_value("1/3") == pytest.approx(1 / 3) and finance.saaty_value(5) == 5
    with pytest.raises(ValidationError, match="Saaty"):
        finance.saaty_value("1/0")
