"""Eligibility gates configured per municipality: stored in the finance plan, validated, applied by the ranking
and the portfolio, explained in the interface language, and audited."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.data.demo_strategy import demo_strategy
from hromada.db.models import AuditLog, Municipality, Role
from hromada.errors import NotFoundError, PermissionDeniedError, ValidationError
from hromada.i18n import translator
from hromada.services import projects
from hromada.services.access import Principal
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality
from hromada.services.projects import eligibility, finance

CODE = "UA63120000000054321"


@pytest.fixture
def place(session: Session) -> Municipality:
    m = create_municipality(
        session, MunicipalityInput(CODE, "Тест", "Test", "UA63", status="rear", population=40_000)
    )
    session.flush()
    return m


def _pipeline(session: Session, place: Municipality) -> pd.DataFrame:
    demo = demo_strategy(CODE, "Test", 40_000, "rear")
    frame = demo.projects.assign(
        documents_ready=True, strategy_aligned=True, cofinancing_share=0.2, location_status="rear"
    )
    # P-01: 5 % co-financing; P-02: de-occupied area; P-03: documents not ready
    frame.loc[frame["key"] == "P-01", "cofinancing_share"] = 0.05
    frame.loc[frame["key"] == "P-02", "location_status"] = "de-occupied"
    frame.loc[frame["key"] == "P-03", "documents_ready"] = False
    projects.save_projects(session, place, frame)
    projects.save_sources(session, place, demo.sources)
    return frame


def _failing(ranking: dict[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for failure in ranking["failures"]:
        out.setdefault(failure["project"], set()).add(failure["gate"])
    return out


def test_default_gates_apply_until_the_municipality_publishes_its_own(
    session: Session, place: Municipality
) -> None:
    operator = system_principal()
    _pipeline(session, place)
    ranking = projects.rank_projects(session, operator, place, draws=20)
    assert ranking["gates_from"] == "default"
    assert [g["name"] for g in ranking["gates"]] == [
        "co-financing", "strategy alignment", "design documents", "location",
    ]  # fmt: skip
    assert _failing(ranking) == {"P-01": {"co-financing"}, "P-03": {"design documents"}}
    reasons = {f["project"]: f["reason"] for f in ranking["failures"]}
    assert reasons["P-01"] == "local co-financing 5% is below the required 10%"
    assert "P-01" not in ranking["eligible"] and "P-02" in ranking["eligible"]


def test_thresholds_and_choice_of_gates_change_who_is_eligible(session: Session, place: Municipality) -> None:
    operator = system_principal()
    frame = _pipeline(session, place)
    stored = eligibility.set_gates(
        session, operator, place,
        [
            eligibility.standard_spec("cofinancing", 0.04),  # lower threshold: P-01 passes now
            eligibility.standard_spec("location", ["frontline", "occupied", "de-occupied"]),
            eligibility.standard_spec("cost", 60e6),
            # no documents rule: P-03 passes
        ],
    )  # fmt: skip
    assert [s["name"] for s in stored] == ["co-financing", "location", "cost limit"]
    ranking = projects.rank_projects(session, operator, place, draws=20)
    assert ranking["gates_from"] == "municipality"
    expensive = set(frame.loc[frame["cost"] > 60e6, "key"])
    assert expensive, "the demo pipeline has projects above 60 million UAH"
    expected = {"P-02": {"location"}} | {k: {"cost limit"} for k in expensive if k != "P-02"}
    if "P-02" in expensive:
        expected["P-02"] = {"location", "cost limit"}
    assert _failing(ranking) == expected
    assert {"P-01", "P-03"} <= set(ranking["eligible"])
    descriptions = [g["description"] for g in ranking["gates"]]
    assert descriptions == [
        "local co-financing at least 4%",
        "not in these areas: frontline, occupied, de-occupied",
        "cost at most 60 million UAH",
    ]
    # an empty list publishes no rule; None returns to the default rules
    eligibility.set_gates(session, operator, place, [])
    assert projects.rank_projects(session, operator, place, draws=20)["failures"] == []
    eligibility.set_gates(session, operator, place, None)
    assert projects.rank_projects(session, operator, place, draws=20)["gates_from"] == "default"


def test_a_rule_on_a_criterion_score_with_its_own_message(session: Session, place: Municipality) -> None:
    operator = system_principal()
    frame = _pipeline(session, place)
    readiness = frame.set_index("key")["c:readiness"].astype(float)
    threshold = float(readiness.median())
    eligibility.set_gates(
        session, operator, place,
        [{"name": "ready enough", "column": "c:readiness", "op": ">=", "value": threshold,
          "message": "readiness {value} is below {required}"}],
    )  # fmt: skip
    ranking = projects.rank_projects(session, operator, place, draws=20)
    failing = set(readiness[readiness < threshold].index)
    assert set(_failing(ranking)) == failing
    some = sorted(failing)[0]
    reason = next(f["reason"] for f in ranking["failures"] if f["project"] == some)
    assert reason == f"readiness {float(readiness[some])} is below {threshold}"


def test_failures_are_explained_in_the_interface_language(session: Session, place: Municipality) -> None:
    operator = system_principal()
    _pipeline(session, place)
    uk = projects.rank_projects(session, operator, place, draws=20, gettext=translator("uk").gettext)
    de = projects.rank_projects(session, operator, place, draws=20, gettext=translator("de").gettext)
    en = projects.rank_projects(session, operator, place, draws=20)
    for ranking in (uk, de):
        assert [f["project"] for f in ranking["failures"]] == [f["project"] for f in en["failures"]]
        assert [f["reason"] for f in ranking["failures"]] != [f["reason"] for f in en["failures"]]
    reason = next(f["reason"] for f in de["failures"] if f["project"] == "P-01")
    assert "5" in reason and "10" in reason and "Kofinanzierung" in reason
    assert any("співфінансування" in g["description"] for g in uk["gates"])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"name": "", "column": "cost", "op": "<=", "value": 1}, "needs a name"),
        ({"name": "x", "column": "mayor_mood", "op": "==", "value": "good"}, "a gate may test"),
        ({"name": "x", "column": "c:beauty", "op": ">=", "value": 1}, "not a published criterion"),
        ({"name": "x", "column": "cost", "op": "is true"}, "cost takes"),
        ({"name": "x", "column": "cost", "op": "<=", "value": "cheap"}, "needs a number"),
        ({"name": "x", "column": "cofinancing_share", "op": ">=", "value": 10}, "share between 0 and 1"),
        ({"name": "x", "column": "location_status", "op": "not in", "value": ["moon"]}, "location statuses"),
        ({"name": "x", "column": "location_status", "op": "not in", "value": []}, "at least one value"),
        (
            {"name": "x", "column": "cost", "op": "<=", "value": 1, "message": "{budget}"},
            "may use the fields",
        ),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_stored(
    session: Session, place: Municipality, spec: dict[str, Any], message: str
) -> None:
    operator = system_principal()
    _pipeline(session, place)
    eligibility.set_gates(session, operator, place, [eligibility.standard_spec("cost", 5e6)])
    with pytest.raises(ValidationError, match=message):
        eligibility.set_gates(session, operator, place, [eligibility.standard_spec("documents"), spec])
    plan = finance.get_plan(session, operator, place)
    assert eligibility.gate_specs(plan) == [eligibility.standard_spec("cost", 5e6)]


def test_repeated_names_are_refused(session: Session, place: Municipality) -> None:
    with pytest.raises(ValidationError, match="named once"):
        eligibility.set_gates(
            session, system_principal(), place,
            [eligibility.standard_spec("cost", 1e6), eligibility.standard_spec("cost", 2e6)],
        )  # fmt: skip


def test_only_editors_publish_gates_and_every_change_is_audited(
    session: Session, place: Municipality
) -> None:
    viewer = Principal(user_id=None, email="v", roles={place.id: Role.VIEWER})
    editor = Principal(user_id=None, email="e", roles={place.id: Role.EDITOR})
    stranger = Principal(user_id=None, email="s", roles={})
    with pytest.raises(PermissionDeniedError):
        eligibility.set_gates(session, viewer, place, [])
    with pytest.raises(NotFoundError):  # other municipalities are not even visible
        eligibility.set_gates(session, stranger, place, [])
    eligibility.set_gates(session, editor, place, [eligibility.standard_spec("strategy")])
    events = session.scalars(
        select(AuditLog).where(AuditLog.entity == "finance_plan", AuditLog.municipality_id == place.id)
    ).all()
    assert events and events[-1].details["gates"][0]["column"] == "strategy_aligned"


def test_a_gate_on_a_dropped_criterion_is_explained(session: Session, place: Municipality) -> None:
    operator = system_principal()
    _pipeline(session, place)
    eligibility.set_gates(
        session, operator, place, [{"name": "jobs", "column": "c:jobs", "op": ">=", "value": 1}]
    )
    frame = projects.project_frame(session, operator, place).drop(columns=["c:jobs"])
    with pytest.raises(ValidationError, match=r"jobs \(c:jobs\) test a column"):
        eligibility.check_projects(frame, eligibility.gate_specs(finance.get_plan(session, operator, place)))


def test_the_portfolio_records_the_gates_it_used(session: Session, place: Municipality) -> None:
    operator = system_principal()
    _pipeline(session, place)
    eligibility.set_gates(session, operator, place, [eligibility.standard_spec("cofinancing", 0.15)])
    run = projects.plan_portfolio(session, operator, place, time_limit=20)
    assert [g["name"] for g in run.results["gates"]] == ["co-financing"]
    assert {f["project"] for f in run.results["ineligible"]} == {"P-01"}
    funded = {row["project_id"] for row in run.results["selected"]}
    unfunded = {row["project_id"] for row in run.results["gap"]}
    assert "P-01" not in funded | unfunded and "P-03" in funded | unfunded


def test_a_single_eligible_project_is_ranked_first_and_can_be_funded(
    session: Session, place: Municipality
) -> None:
    operator = system_principal()
    frame = _pipeline(session, place)
    cheapest = frame.sort_values("cost").iloc[0]
    limit = float(frame["cost"].sort_values().iloc[1]) - 1  # only the cheapest passes
    eligibility.set_gates(session, operator, place, [eligibility.standard_spec("cost", limit)])
    ranking = projects.rank_projects(session, operator, place, draws=20)
    assert [r["key"] for r in ranking["ranking"]] == [cheapest["key"]]
    assert ranking["ranking"][0]["rank"] == 1 and ranking["agreement"] == []
    run = projects.plan_portfolio(session, operator, place, time_limit=20)
    assert [r["project_id"] for r in run.results["selected"] + run.results["gap"]] == [cheapest["key"]]
