"""Projects: pipeline import (all problems listed), stages, funding sources, OC4IDS export."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hromada.db.models import Municipality, Project
from hromada.errors import ImportValidationError, ValidationError
from hromada.services import projects
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality

PROJECTS = """key,title,stage,type,sector,cost,currency,start_year,duration_years,location_status,documents_ready,strategy_aligned,cofinancing_share,goal_keys,c:population,c:urgency
P-01,Water treatment plant,preparation,rehabilitation,water_sanitation,48000000,UAH,2026,2,rear,true,true,0.12,G1;G1.1,30000,5
P-02,School shelter,identification,construction,education,9000000,UAH,2026,1,frontline,false,true,0.05,,800,4
"""
SOURCES = """source_id,name,kind,amount_2026,amount_2027,eligible_sectors,max_share,interest_rate,tenor_years,grace_years
OWN,Own budget,own_budget,12000000,12000000,*,1,,,
EIB,EIB loan,ifi_loan,40000000,20000000,water_sanitation;energy,0.8,0.03,15,3
"""


@pytest.fixture
def place(session: Session) -> Municipality:
    m = create_municipality(
        session,
        MunicipalityInput("UA63120000000012345", "Тест", "Test", "UA63", status="rear", population=9000),
    )
    session.flush()
    return m


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pipeline_import_stage_sources_and_oc4ids(
    session: Session, place: Municipality, tmp_path: Path
) -> None:
    operator = system_principal()
    assert projects.import_projects(session, operator, place, _write(tmp_path, "p.csv", PROJECTS)) == 2
    frame = projects.project_frame(session, operator, place).set_index("key")
    assert frame.loc["P-01", "goal_keys"] == ["G1", "G1.1"]
    assert frame.loc["P-01", "c:population"] == 30000 and bool(frame.loc["P-02", "documents_ready"]) is False
    projects.set_stage(session, operator, place, "P-02", "preparation")
    with pytest.raises(ValidationError, match="stage"):
        projects.set_stage(session, operator, place, "P-02", "dreaming")
    assert projects.import_sources(session, operator, place, _write(tmp_path, "s.csv", SOURCES)) == 2
    sources = projects.source_frame(session, operator, place).set_index("source_id")
    assert sources.loc["EIB", "amount_2027"] == 20_000_000 and sources.loc["EIB", "tenor_years"] == 15
    package = projects.export_oc4ids(session, operator, place)
    ids = [p["id"] for p in package["projects"]]
    assert ids == ["hromada-UA63120000000012345-P-01", "hromada-UA63120000000012345-P-02"]
    assert package["projects"][0]["sector"] == ["waterAndWaste"]


def test_bad_pipeline_lists_every_problem_and_writes_nothing(
    session: Session, place: Municipality, tmp_path: Path
) -> None:
    bad = _write(
        tmp_path,
        "bad.csv",
        "key,title,stage,sector,cost,cofinancing_share,documents_ready\n"
        "P-01,,launched,space,-5,1.5,maybe\n"
        "P-01,Second,identification,health,10,0.1,true\n",
    )
    with pytest.raises(ImportValidationError) as caught:
        projects.import_projects(session, system_principal(), place, bad)
    columns = {i.column for i in caught.value.issues}
    assert columns >= {"title", "stage", "sector", "cost", "cofinancing_share", "documents_ready", "key"}
    assert all(i.file == "bad.csv" for i in caught.value.issues)
    assert session.scalar(select(func.count()).select_from(Project)) == 0


def test_ranking_gates_and_a_funded_portfolio_on_the_demo_pipeline(
    session: Session, place: Municipality
) -> None:
    from hromada.data.demo_strategy import demo_strategy

    demo = demo_strategy("UA63120000000012345", "Test", 40_000, "rear")
    operator = system_principal()
    projects.save_projects(session, place, demo.projects.assign(documents_ready=True, strategy_aligned=True))
    projects.save_sources(session, place, demo.sources)
    ranking = projects.rank_projects(session, operator, place, draws=200)
    # Projects below 10 % co-financing fail the gate, with the reason stated.
    low = set(demo.projects.loc[demo.projects["cofinancing_share"] < 0.1, "key"])
    assert {f["project"] for f in ranking["failures"] if f["gate"] == "co-financing"} == low
    assert set(ranking["eligible"]) == set(demo.projects["key"]) - low
    ranks = [row["rank"] for row in ranking["ranking"]]
    assert ranks == list(range(1, len(ranks) + 1))
    assert {row["key"] for row in ranking["stability"]} == set(ranking["eligible"])
    run = projects.plan_portfolio(session, operator, place)
    results = run.results
    assert results["status"] == "optimal" and results["selected"]
    # Every selected project is fully funded, and no source spends more than it has in a year.
    for row in results["selected"]:
        funded = sum(v for k, v in row.items() if k in set(demo.sources["source_id"]))
        assert funded == pytest.approx(row["cost"], rel=1e-6)
    assert all(flow["used"] <= flow["available"] + 1e-6 for flow in results["cash_flow"])
    assert run.data_hash and run.domain == "projects-portfolio"
