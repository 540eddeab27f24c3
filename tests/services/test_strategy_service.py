"""Strategy: vision, SWOT suggested from the analyses, goals -> objectives -> KPIs with SMART checks."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from hromada.db.models import AnalysisRun, Kpi, Municipality
from hromada.errors import ConflictError, ValidationError
from hromada.i18n import translator
from hromada.services import strategy
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def place(session: Session) -> Municipality:
    m = create_municipality(
        session,
        MunicipalityInput("UA63120000000012345", "Тест", "Test", "UA63", status="rear", population=9000),
    )
    session.flush()
    return m


def test_vision_is_written_and_validated(session: Session, place: Municipality) -> None:
    principal = system_principal()
    with pytest.raises(ValidationError, match="vision"):
        strategy.set_vision(session, principal, place, "  ")
    s = strategy.set_vision(
        session, principal, place, "A safe, warm and working community", horizon_year=2030
    )
    assert s.vision.startswith("A safe") and s.horizon_year == 2030


def test_swot_is_suggested_from_the_stored_analyses_with_evidence(
    session: Session, place: Municipality
) -> None:
    principal = system_principal()
    session.add(
        AnalysisRun(
            municipality_id=place.id,
            domain="economy",
            preset="ecomplexity",
            parameters={},
            data_hash="x" * 64,
            version="t",
            results={
                "quadrants": [
                    {
                        "industry": "10",
                        "quadrant": "strength",
                        "lq": 2.5,
                        "relative_growth": 0.12,
                        "value": 900,
                    },
                    {
                        "industry": "49",
                        "quadrant": "threat",
                        "lq": 1.4,
                        "relative_growth": -0.2,
                        "value": 300,
                    },
                ],
                "opportunities": [{"industry": "62", "density": 0.41, "pci": 2.0}],
                "indices": [{"hhi_normalized": 0.3, "numbers_equivalent": 3.2, "hhi": 0.31}],
            },
        )
    )
    session.add(
        AnalysisRun(
            municipality_id=place.id,
            domain="infrastructure-criticality",
            preset="default",
            parameters={},
            data_hash="y" * 64,
            version="t",
            results={"ranking": [{"asset_id": "PS-01", "population_cut": 12000.0}]},
        )
    )
    session.flush()
    suggestions = strategy.swot_suggestions(session, principal, place)
    by_quadrant = {q: [s for s in suggestions if s.quadrant == q] for q in strategy.QUADRANTS}
    assert "Manufacture of food products" in by_quadrant["strength"][0].text
    assert by_quadrant["strength"][0].evidence.kind == "economy"
    assert any("49" in s.text for s in by_quadrant["threat"])
    assert any("PS-01" in s.text for s in by_quadrant["threat"])
    assert any("62" in s.text for s in by_quadrant["opportunity"])
    assert any("Concentrated economy" in s.text for s in by_quadrant["weakness"])
    # The same suggestions in the user's language, with the same evidence.
    for locale, words in (("uk", "Концентрована економіка"), ("de", "Konzentrierte Wirtschaft")):
        tr = translator(locale)
        translated = strategy.swot_suggestions(session, principal, place, locale=locale, gettext=tr.gettext)
        assert [s.evidence for s in translated] == [s.evidence for s in suggestions]
        assert not {s.text for s in translated} & {s.text for s in suggestions}
        assert any(words in s.text for s in translated), [s.text for s in translated]
    # Accepting a suggestion stores it with its evidence; it is not suggested again.
    first = by_quadrant["strength"][0]
    item = strategy.add_swot(
        session, principal, place, first.quadrant, first.text, evidence=first.evidence.model_dump()
    )
    assert item.evidence["reference"].startswith("analysis_run:")
    again = strategy.swot_suggestions(session, principal, place)
    assert first.text not in {s.text for s in again}
    edited = strategy.set_swot_status(
        session, principal, place, item.id, "accepted", text="Food processing is strong"
    )
    assert edited.status == "edited"


def test_goal_tree_flags_what_is_not_smart(session: Session, place: Municipality) -> None:
    principal = system_principal()
    strategy.add_goal(session, principal, place, "G1", "Restore basic services")
    strategy.add_goal(session, principal, place, "G2", "Grow local jobs")
    strategy.add_goal(session, principal, place, "G1.1", "Water all year", parent="G1")
    with pytest.raises(ConflictError):
        strategy.add_goal(session, principal, place, "G1", "Duplicate")
    with pytest.raises(ValidationError, match="objectives"):
        strategy.add_goal(session, principal, place, "G1.1.1", "Too deep", parent="G1.1")
    strategy.add_kpi(
        session, principal, place, "G1.1", "Households with water", unit="%", baseline=(62.0, dt.date(2025, 1, 1)),
        target=95.0, deadline=dt.date(2028, 12, 31), data_source="water utility",
    )  # fmt: skip
    strategy.add_kpi(session, principal, place, "G1.1", "Outage hours", direction="decrease", target=10.0)
    with pytest.raises(ValidationError, match="objectives"):
        strategy.add_kpi(session, principal, place, "G1", "On a goal")
    tree = strategy.strategy_view(session, principal, place, today=TODAY).goals
    g1, g2 = tree
    assert g2.flags == ["no objective"]
    (objective,) = g1.objectives
    assert objective.flags == ["no measure"]
    good, bad = objective.kpis
    assert good.flags == []
    assert (
        "no baseline (value and date)" in bad.flags and "no deadline" in bad.flags and "no unit" in bad.flags
    )
    strategy.add_measure(session, principal, place, "G1.1", "Generators for the pumps")
    assert strategy.strategy_view(session, principal, place, today=TODAY).goals[0].objectives[0].flags == []


def test_smart_direction_and_deadline() -> None:
    kpi = Kpi(name="x", unit="%", baseline_value=50.0, baseline_date=dt.date(2024, 1, 1), target_value=40.0,
              target_date=dt.date(2025, 1, 1), direction="increase", data_source="s")  # fmt: skip
    flags = strategy.smart_flags(kpi, today=TODAY)
    assert "deadline passed" in flags and any("not above the baseline" in f for f in flags)


def test_consultation_window_shorter_than_the_legal_minimum_is_flagged() -> None:
    assert strategy.consultation_flags(dt.date(2026, 3, 1), dt.date(2026, 3, 10)) == []
    assert strategy.consultation_flags(dt.date(2026, 3, 1), dt.date(2026, 3, 7)) == [
        "window of 7 days is shorter than the minimum of 10"
    ]
    assert strategy.consultation_flags(dt.date(2026, 3, 1), dt.date(2026, 3, 20), minimum_days=30)


def test_kpis_and_measures_need_a_name_and_a_short_unit(session: Session, place: Municipality) -> None:
    principal = system_principal()
    strategy.add_goal(session, principal, place, "G1", "Restore basic services")
    strategy.add_goal(session, principal, place, "G1.1", "Water all year", parent="G1")
    with pytest.raises(ValidationError, match="`name`"):
        strategy.add_kpi(session, principal, place, "G1.1", "  ")
    with pytest.raises(ValidationError, match="`unit`"):
        strategy.add_kpi(session, principal, place, "G1.1", "Households", unit="u" * 33)
    with pytest.raises(ValidationError, match="`title`"):
        strategy.add_measure(session, principal, place, "G1.1", "")
    assert strategy.strategy_view(session, principal, place).goals[0].objectives[0].flags == [
        "no KPI",
        "no measure",
    ]
