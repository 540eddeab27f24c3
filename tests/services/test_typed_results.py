"""The typed results of the profile, economy, assessment and infrastructure services.

They are the one shape of these results: the REST API answers with them and the pages and the CLI read them.
They carry what the services stored (same keys, same values, NaN as null) and stay immutable.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from hromada.db.models import AnalysisRun, Municipality, Role
from hromada.services import assessment, economy, infrastructure, profile
from hromada.services.access import Principal
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality, upsert_statistics
from hromada.settings import Settings

CODE = "UA63120000000012345"
ASSETS = """asset_id,name,type,population_served,backup_hours,status,latitude,longitude,weakness
PS-01,Substation,substation,10000,0,operational,48.5,35.0,old transformer
WP-01,Pump,water_pumping,9000,6,damaged,48.6,35.1,
HOSP-01,Hospital,hospital,20000,inf,operational,48.7,35.2,no generator
"""
DEPENDENCIES = """supplier,consumer,kind
PS-01,WP-01,power
PS-01,HOSP-01,power
WP-01,HOSP-01,water
"""
LEDGER = """sector,kind,amount,currency,valuation_date,source,confidence,asset_id,term
energy,damage,1500000,UAH,2024-02-23,act,high,WP-01,
energy,need,2000000,UAH,2024-03-01,plan,medium,,short
"""


def _json(value: Any) -> str:
    """Canonical JSON text: tells 110 from 110.0, as a client would."""
    return json.dumps(value, sort_keys=True, allow_nan=False)


def _dump(models: BaseModel | list[Any]) -> Any:
    if isinstance(models, list):
        return [m.model_dump(mode="json") for m in models]
    return models.model_dump(mode="json")


@pytest.fixture
def place(session: Session) -> Municipality:
    municipality = create_municipality(
        session, MunicipalityInput(CODE, "Тест", "Test", "UA63", status="frontline", population=30000)
    )
    session.flush()
    return municipality


def _network(session: Session, place: Municipality, tmp_path: Path) -> None:
    (tmp_path / "assets.csv").write_text(ASSETS, encoding="utf-8")
    (tmp_path / "deps.csv").write_text(DEPENDENCIES, encoding="utf-8")
    infrastructure.import_network(
        session, system_principal(), place, tmp_path / "assets.csv", tmp_path / "deps.csv"
    )


def test_service_models_make_floats_json_safe_and_are_frozen() -> None:
    row = economy.IndexRow.model_validate(
        {"year": np.int64(2020), "employment": np.float64(150.0), "hhi": float("nan"), "hhi_normalized": None,
         "numbers_equivalent": np.float64("inf"), "entropy": 1.0, "related_variety": -0.0,
         "unrelated_variety": 1.0, "krugman": np.float32(0.5), "eci": float("-inf"), "coi": 0.1, "diversity": 2.0}
    )  # fmt: skip
    assert row.year == 2020 and type(row.year) is int
    assert row.hhi is None and row.numbers_equivalent is None and row.eci is None
    assert '"hhi":null' in row.model_dump_json()
    with pytest.raises(PydanticValidationError):
        cast(Any, row).year = 2021  # frozen: the assignment must fail at run time
    # Stored rows keep columns a later version adds.
    extra = economy.RelatedIndustry.model_validate({"related_industry": "10", "proximity": 0.5, "new": 1})
    assert extra.model_dump() == {"related_industry": "10", "proximity": 0.5, "new": 1}


def test_profile_results_are_typed(session: Session, place: Municipality) -> None:
    stats = pd.DataFrame(
        {"region_code": CODE, "year": [2020, 2021], "sector_code": "10", "measure": "employment",
         "value": [100.0, 110.0], "unit": "persons", "source": "test"}
    )  # fmt: skip
    upsert_statistics(session, place.id, stats)
    principal = system_principal()
    (listed,) = profile.municipality_profiles(session, principal)
    assert listed == profile.municipality_profile(session, principal, CODE)
    assert (listed.code, listed.status, listed.employment, listed.employment_year, listed.n_values) == (
        CODE,
        "frontline",
        110.0,
        2021,
        2,
    )
    figures = profile.list_statistics(session, principal, place, measure="employment")
    assert [(s.year, s.value, s.unit) for s in figures] == [
        (2020, 100.0, "persons"),
        (2021, 110.0, "persons"),
    ]
    sections = profile.nace_classification("section", "en")
    assert sections[0] == profile.NaceEntry(
        code="A", level="section", parent=None, title="Agriculture, forestry and fishing"
    )
    assert {e.level for e in profile.nace_classification()} == {"section", "division", "group", "class"}


def test_presets_typed() -> None:
    presets = economy.list_presets()
    assert [p.name for p in presets] == ["ecomplexity", "atlas", "jaccard"]
    assert not hasattr(economy, "preset_catalogue")  # one shape: the typed presets only
    assert presets[0].presence_rule == ">= 1" and presets[1].presence_rule == "> 1"


def test_infrastructure_results_carry_what_the_dictionaries_carry(
    session: Session, place: Municipality, tmp_path: Path
) -> None:
    _network(session, place, tmp_path)
    principal = system_principal()
    assets = infrastructure.list_assets(session, principal, place)
    assert [a.asset_id for a in assets] == sorted(a.asset_id for a in assets)
    hospital = next(a for a in assets if a.asset_id == "HOSP-01")
    assert hospital.backup_hours is None  # infinite backup: null, as json_safe has it
    assert hospital.weakness == "no generator" and hospital.restricted_hidden is False
    dependencies = infrastructure.list_dependencies(session, principal, place)
    assert all(d.required >= 1 and d.group for d in dependencies)
    scenario = infrastructure.cascade_scenario(session, principal, place, ["PS-01"], horizon_hours=48.0)
    assert [step.hours for step in scenario.timeline] == sorted(
        {0.0, 48.0, *(d.hours for d in scenario.down)}
    )
    assert scenario.failed == ["PS-01"] and scenario.timeline[0].electricity == 10000.0

    assert infrastructure.latest_analysis(session, principal, place, "criticality") is None
    ranking = infrastructure.rank_criticality(session, principal, place)
    assert ranking.domain == "infrastructure-criticality" and ranking.results.ranking[0].rank == 1
    assert infrastructure.latest_analysis(session, principal, place, "criticality") == ranking
    plan = infrastructure.plan_restoration(session, principal, place, crews=1, budget=None)
    assert plan.parameters.damaged == ["WP-01"] and plan.results.schedule[0].asset == "WP-01"
    row = session.get(AnalysisRun, plan.id)
    assert row is not None
    assert _json(_dump(plan)) == _json(
        {"id": row.id, "domain": row.domain, "created_at": row.created_at.isoformat(),
         "data_hash": row.data_hash, "version": row.version, "parameters": row.parameters,
         "results": row.results}
    )  # fmt: skip


def test_typed_assets_mask_restricted_fields_outside_the_team(
    session: Session, place: Municipality, tmp_path: Path
) -> None:
    _network(session, place, tmp_path)
    for role, inside in ((Role.VIEWER, False), (Role.EDITOR, True)):
        principal = Principal(user_id=1, email="x@example.org", roles={place.id: role})
        pump = next(a for a in infrastructure.list_assets(session, principal, place) if a.asset_id == "PS-01")
        assert (pump.latitude, pump.longitude, pump.weakness) == (
            (48.5, 35.0, "old transformer") if inside else (None, None, None)
        )
        assert pump.restricted_hidden is not inside


def test_ledger_typed_empty_and_rolled_up(session: Session, place: Municipality, tmp_path: Path) -> None:
    principal = system_principal()
    empty = assessment.get_ledger(session, principal, place)
    assert isinstance(empty.rollup, assessment.EmptyLedgerRollup)
    assert _dump(empty) == {"entries": [], "rollup": {"empty": True}}
    _network(session, place, tmp_path)
    (tmp_path / "ledger.csv").write_text(LEDGER, encoding="utf-8")
    summary = assessment.import_ledger_entries(
        session, principal, place, tmp_path / "ledger.csv", dry_run=True
    )
    assert summary == assessment.LedgerImportSummary(rows=2, dry_run=True)
    assessment.import_ledger_entries(session, principal, place, tmp_path / "ledger.csv")
    ledger = assessment.get_ledger(session, principal, place)
    assert isinstance(ledger.rollup, assessment.LedgerRollup)
    assert ledger.rollup.target == "UAH" and ledger.rollup.totals.damage == pytest.approx(1_500_000)
    assert [e.valuation_date for e in ledger.entries] == [dt.date(2024, 2, 23), dt.date(2024, 3, 1)]
    assert [e.asset_id for e in ledger.entries] == ["WP-01", None]
    assert not hasattr(assessment, "ledger_rollup")  # one shape: the typed ledger only


def test_self_assessments_and_frameworks_typed(
    session: Session, place: Municipality, settings: Settings
) -> None:
    principal = system_principal()
    framework = assessment.framework_catalogue(settings)[0]
    assert framework.id == "hromada-wartime-resilience" and framework.scale[0] < framework.scale[1]
    assert framework.dimensions[0].indicators[0].title["en"]
    nothing = assessment.add_self_assessment(
        session, settings, principal, place, framework=framework.id, assessed_on=dt.date(2026, 1, 1),
        assessor="me", scores={},
    )  # fmt: skip
    assert nothing.overall is None and nothing.coverage == 0.0  # NaN overall: null
    assert all(d.score is None for d in nothing.by_dimension)
    first = framework.dimensions[0].indicators[0].id
    scored = assessment.add_self_assessment(
        session, settings, principal, place, framework=framework.id, assessed_on=dt.date(2026, 2, 1),
        assessor="me", scores={first: framework.scale[1]}, evidence={first: "minutes"},
    )  # fmt: skip
    assert scored.overall is not None and math.isclose(scored.by_dimension[0].score or 0.0, 100.0)
    assert first not in scored.gaps and scored.evidence == {first: "minutes"}
    history = assessment.self_assessments(session, principal, place, settings=settings)
    assert history == [nothing, scored]
    assert _dump(scored)["assessed_on"] == "2026-02-01"
