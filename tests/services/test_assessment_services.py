"""Ledger, self-assessment and infrastructure services: imports all or nothing, damage links, stored runs."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hromada.db.models import Asset, Dependency, LedgerEntry, Municipality
from hromada.errors import ImportValidationError, NotFoundError, ValidationError
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
    assert assessment.import_ledger_entries(session, principal, place, ledger).rows == 1
    assert infrastructure.damaged_keys(session, principal, place) == ["PS-01"]
    # PS-01 down: the pump loses power at 0 and runs 6 h on its backup; the hospital keeps PS-02 power (1 of 2)
    # but needs the pump's water: its 24 h backup covers the water loss from hour 6, so it is down at 30.
    scenario = infrastructure.cascade_scenario(session, principal, place, horizon_hours=48)
    down = {d.asset_id: d.hours for d in scenario.down}
    assert down == {"PS-01": 0.0, "WP-01": 6.0, "HOSP-01": 30.0}
    run = infrastructure.plan_restoration(session, principal, place, crews=1)
    assert [row.asset for row in run.results.schedule] == ["PS-01"]
    assert run.data_hash and run.domain == "infrastructure-restoration"
    with pytest.raises(ValidationError, match="unknown: NOPE"):
        infrastructure.cascade_scenario(session, principal, place, ["NOPE"])


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
        assessment.import_ledger_entries(session, system_principal(), place, bad)
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
    summary = assessment.get_ledger(session, principal, place).rollup
    assert isinstance(summary, assessment.LedgerRollup)
    # 100 EUR x 40 x 1.5 (build back better) + 100 EUR x 44 = 6,000 + 4,400
    assert summary.totals.need == pytest.approx(10_400.0)
    terms = {t.term: t.amount for t in summary.needs_by_term}
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
    found = assessment.evidence_path(session, settings, principal, place, view.evidence_files[first])
    assert found.path.read_bytes() == b"%PDF-1"
    assert (found.filename, found.media_type) == ("act.pdf", "application/pdf")
    assert found.path.name == hashlib.sha256(b"%PDF-1").hexdigest()  # stored under its hash, no client name
    assessment.save_assessment(
        session, settings, principal, place, framework=framework.id, assessed_on=dt.date(2026, 1, 1),
        assessor="team", scores={first: 5, second: 2},
    )  # fmt: skip
    history = assessment.self_assessments(session, principal, place)
    assert [h.assessed_on.year for h in history] == [2025, 2026]
    changes = assessment.changes_since_previous(history)
    assert changes is not None and max(c.change or 0.0 for c in changes) > 0
    assert [c.dimension for c in changes] == [d.id for d in framework.dimensions]
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
    (view,) = assessment.self_assessments(session, system_principal(), place, settings=settings)
    assert view.overall == pytest.approx(100.0)


def test_evidence_rejected_for_its_second_file_leaves_nothing(
    session: Session, settings: Settings, place: Municipality
) -> None:
    """Finding 7 of issue 17: the first file of a rejected submission stayed on disk and downloadable."""
    principal = system_principal()
    framework = assessment.frameworks()[0]
    first, second = framework.indicator_ids[:2]
    too_big = b"x" * (20 * 1024 * 1024 + 1)
    with pytest.raises(ValidationError, match="20 MB"):
        assessment.save_assessment(
            session, settings, principal, place, framework=framework.id, assessed_on=dt.date(2025, 1, 1),
            assessor="team", scores={first: 1, second: 2},
            files={first: ("act.pdf", b"%PDF-first"), second: ("big.pdf", too_big)},
        )  # fmt: skip
    folder = settings.data_dir / "evidence" / str(place.id)
    assert not folder.exists() or not any(folder.iterdir())
    name = hashlib.sha256(b"%PDF-first").hexdigest()[:16] + "-act.pdf"
    with pytest.raises(NotFoundError):
        assessment.evidence_path(session, settings, principal, place, name)


@pytest.mark.parametrize(
    ("filename", "media_type"),
    [
        ("pwn.svg", "application/octet-stream"),
        ("pwn.html", "application/octet-stream"),
        ("pwn.js", "application/octet-stream"),
        ("../../pwn.xhtml", "application/octet-stream"),
        ("photo.JPG", "image/jpeg"),
    ],
)
def test_evidence_is_served_with_a_passive_type(
    session: Session, settings: Settings, place: Municipality, filename: str, media_type: str
) -> None:
    """Finding 7 of issue 17: .svg, .html and .js evidence was served with those types from the app's origin."""
    principal = system_principal()
    framework = assessment.frameworks()[0]
    first = framework.indicator_ids[0]
    view = assessment.save_assessment(
        session, settings, principal, place, framework=framework.id, assessed_on=dt.date(2025, 1, 1),
        assessor="team", scores={first: 1}, files={first: (filename, b"<script>alert(1)</script>")},
    )  # fmt: skip
    found = assessment.evidence_path(session, settings, principal, place, view.evidence_files[first])
    assert found.media_type == media_type
    assert "/" not in found.filename and ".." not in found.filename
    assert found.path.parent == settings.data_dir / "evidence" / str(place.id)
