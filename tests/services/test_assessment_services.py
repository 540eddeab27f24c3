"""Ledger, self-assessment and infrastructure services: imports all or nothing, damage links, stored runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hromada.db.models import Asset, Dependency, LedgerEntry, Municipality
from hromada.errors import ImportValidationError, ValidationError
from hromada.services import assessment, infrastructure
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality
from hromada.settings import Settings

ASSETS = """asset_id,name,type,population_served,backup_hours,status
PS-01,Substation,substation,10000,0,operational
PS-02,Substation 2,substation,8000,0,operational
WP-01,Pump,water_pumping,9000,6,operational
HOSP-01,Hospital,hospital,20000,24,operational
"""
DEPENDENCIES = """supplier,consumer,kind,group,required
PS-01,WP-01,power,WP-01:power,1
PS-01,HOSP-01,power,HOSP-01:power,1
PS-02,HOSP-01,power,HOSP-01:power,1
WP-01,HOSP-01,water,HOSP-01:water,1
"""


@pytest.fixture
def place(session: Session) -> Municipality:
    municipality = create_municipality(
        session,
        MunicipalityInput(
            "UA63120000000012345", "Тест", "Test", "UA63", status="frontline", population=30000
        ),
    )
    session.flush()
    return municipality


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_network_import_validates_the_whole_network_and_writes_nothing_on_error(
    session: Session, place: Municipality, tmp_path: Path
) -> None:
    principal = system_principal()
    bad = _write(tmp_path, "deps.csv", DEPENDENCIES + "XX-99,HOSP-01,power,,1\n")
    with pytest.raises(ValidationError, match=r"assets\.csv / deps\.csv: .*XX-99"):
        infrastructure.import_network(session, principal, place, _write(tmp_path, "assets.csv", ASSETS), bad)
    assert session.scalar(select(func.count()).select_from(Asset)) == 0
    summary = infrastructure.import_network(
        session,
        principal,
        place,
        tmp_path / "assets.csv",
        _write(tmp_path, "ok.csv", DEPENDENCIES),
    )
    assert (summary.assets, summary.dependencies, summary.new_assets) == (4, 4, 4)
    assert session.scalar(select(func.count()).select_from(Dependency)) == 4
    # Re-importing the same files creates no new asset.
    again = infrastructure.import_network(
        session, principal, place, tmp_path / "assets.csv", tmp_path / "ok.csv"
    )
    assert again.new_assets == 0


def test_a_damage_entry_is_an_outage_and_feeds_what_if_and_restoration(
    session: Session, place: Municipality, tmp_path: Path
) -> None:
    principal = system_principal()
    infrastructure.import_network(
        session,
        principal,
        place,
        _write(tmp_path, "a.csv", ASSETS),
        _write(tmp_path, "d.csv", DEPENDENCIES),
    )
    assert infrastructure.damaged_keys(session, principal, place) == []
    ledger = _write(
        tmp_path,
        "ledger.csv",
        "sector,kind,amount,currency,valuation_date,source,confidence,asset_id\n"
        "energy,damage,2000000,UAH,2024-02-23,act,high,PS-01\n",
    )
    assert assessment.import_ledger(session, principal, place, ledger) == 1
    assert infrastructure.damaged_keys(session, principal, place) == ["PS-01"]
    # PS-01 down: the pump loses power at 0 and runs 6 h on its backup; the hospital keeps PS-02 power (1 of 2)
    # but needs the pump's water: its 24 h backup covers the water loss from hour 6, so it is down at 30.
    scenario = infrastructure.what_if(session, principal, place, horizon_hours=48)
    down = {d["asset_id"]: d["hours"] for d in scenario["down"]}
    assert down == {"PS-01": 0.0, "WP-01": 6.0, "HOSP-01": 30.0}
    run = infrastructure.run_restoration(session, principal, place, crews=1)
    assert [row["asset"] for row in run.results["schedule"]] == ["PS-01"]
    assert run.data_hash and run.domain == "infrastructure-restoration"
    with pytest.raises(ValidationError, match="unknown: NOPE"):
        infrastructure.what_if(session, principal, place, ["NOPE"])


def test_ledger_import_lists_every_problem_and_writes_nothing(
    session: Session, place: Municipality, tmp_path: Path
) -> None:
    bad = _write(
        tmp_path,
        "ledger.csv",
        "sector,kind,amount,currency,valuation_date\n"
        "energy,damage,-5,UAH,2024-02-23\n"
        "spaceflight,loss,10,UAH,2024-02-23\n"
        "health,need,10,uah1,not-a-date\n",
    )
    with pytest.raises(ImportValidationError) as caught:
        assessment.import_ledger(session, system_principal(), place, bad)
    issues = caught.value.issues
    assert {i.file for i in issues} == {"ledger.csv"}
    assert {i.column for i in issues} >= {"amount", "sector", "currency", "valuation_date"}
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_rollup_converts_at_the_stated_rate_of_the_valuation_date(
    session: Session, place: Municipality
) -> None:
    import pandas as pd

    principal = system_principal()
    assessment.set_rates(
        session, principal, place,
        pd.DataFrame({"currency": ["EUR", "EUR"], "date": [dt.date(2024, 1, 1), dt.date(2025, 1, 1)], "rate": [40.0, 44.0]}),
    )  # fmt: skip
    entries = pd.DataFrame(
        {
            "sector": ["energy", "energy"],
            "kind": ["need", "need"],
            "amount": [100.0, 100.0],
            "currency": ["EUR", "EUR"],
            "valuation_date": [dt.date(2024, 6, 1), dt.date(2025, 6, 1)],
            "bbb_factor": [1.5, 1.0],
            "term": ["short", "medium"],
        }
    )
    assessment.save_ledger(session, place, entries)
    summary = assessment.ledger_rollup(session, principal, place)
    # 100 EUR x 40 x 1.5 (build back better) + 100 EUR x 44 = 6,000 + 4,400
    assert summary["totals"]["need"] == pytest.approx(10_400.0)
    terms = {t["term"]: t["amount"] for t in summary["needs_by_term"]}
    assert terms == {"short": pytest.approx(6_000.0), "medium": pytest.approx(4_400.0)}


def test_self_assessment_scores_history_and_evidence(
    session: Session, settings: Settings, place: Municipality
) -> None:
    principal = system_principal()
    framework = assessment.frameworks()[0]
    first, second = framework.indicator_ids[:2]
    view = assessment.save_assessment(
        session, settings, principal, place, framework=framework.id, assessed_on=dt.date(2025, 1, 1),
        assessor="team", scores={first: 1, second: 2}, evidence={first: "minutes"}, files={first: ("act.pdf", b"%PDF-1")},
    )  # fmt: skip
    assert view.scores == {first: 1, second: 2}
    path = assessment.evidence_path(settings, principal, place, view.evidence_files[first])
    assert path.read_bytes() == b"%PDF-1"
    assessment.save_assessment(
        session, settings, principal, place, framework=framework.id, assessed_on=dt.date(2026, 1, 1),
        assessor="team", scores={first: 5, second: 2},
    )  # fmt: skip
    history = assessment.assessment_history(session, principal, place)
    assert [h.assessed_on.year for h in history] == [2025, 2026]
    change = assessment.comparison(history)
    assert change is not None and change["change"].max() > 0
    with pytest.raises(ValidationError):
        assessment.save_assessment(
            session, settings, principal, place, framework=framework.id, assessed_on=dt.date(2026, 1, 1),
            assessor="team", scores={first: 99},
        )  # fmt: skip


def test_an_added_framework_is_used_like_a_shipped_one(
    session: Session, settings: Settings, place: Municipality, tmp_path: Path
) -> None:
    from tests.cli.test_analysis_cli import CUSTOM_FRAMEWORK

    path = _write(tmp_path, "heat.yaml", CUSTOM_FRAMEWORK)
    spec = assessment.add_framework(settings, system_principal(), path)
    assert spec.id in assessment.frameworks_by_id(settings)
    assessment.save_assessment(
        session, settings, system_principal(), place, framework=spec.id, assessed_on=dt.date(2026, 2, 1),
        assessor="oblast", scores={"heat.backup": 2},
    )  # fmt: skip
    (view,) = assessment.assessment_history(session, system_principal(), place, settings=settings)
    assert view.result.overall == pytest.approx(100.0)
