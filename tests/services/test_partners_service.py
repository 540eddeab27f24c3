"""Partners: register with the power-interest grid, restricted contacts, partnerships, consultations, gaps."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from hromada.db.models import Municipality, Role
from hromada.errors import ConflictError, ValidationError
from hromada.services import accounts, partners, strategy
from hromada.services.access import load_principal
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality


@pytest.fixture
def place(session: Session) -> Municipality:
    m = create_municipality(
        session,
        MunicipalityInput("UA63120000000012345", "Тест", "Test", "UA63", status="rear", population=9000),
    )
    session.flush()
    return m


def test_register_grid_and_contacts_for_the_team_only(session: Session, place: Municipality) -> None:
    operator = system_principal()
    partners.add_stakeholder(
        session,
        operator,
        place,
        "Water utility",
        "public",
        influence=5,
        interest=5,
        contact="+380 44 000 00 00",
    )
    partners.add_stakeholder(
        session, operator, place, "Bakers' association", "private", influence=2, interest=4
    )
    with pytest.raises(ConflictError):
        partners.add_stakeholder(session, operator, place, "Water utility", "public")
    with pytest.raises(ValidationError, match="influence"):
        partners.add_stakeholder(session, operator, place, "X", "donor", influence=9)
    with pytest.raises(ValidationError, match="type"):
        partners.add_stakeholder(session, operator, place, "Y", "alien")
    viewer = accounts.add_user(session, "viewer@example.org", "long-enough-password")
    accounts.add_membership(session, viewer, place, Role.VIEWER)
    session.flush()
    outside = partners.partners_view(session, load_principal(session, viewer.id), place)
    seen = {r.name: r for r in outside.stakeholders}
    assert seen["Water utility"].contact is None
    assert seen["Water utility"].quadrant == "manage closely"
    assert seen["Bakers' association"].quadrant == "keep informed"
    inside = {r.name: r for r in partners.partners_view(session, operator, place).stakeholders}
    assert (inside["Water utility"].contact or "").startswith("+380")


def test_network_gaps_and_consultation_flags(session: Session, place: Municipality) -> None:
    operator = system_principal()
    strategy.add_goal(session, operator, place, "G1", "Water")
    strategy.add_goal(session, operator, place, "G1.1", "Pumps on backup power", parent="G1")
    strategy.add_goal(session, operator, place, "G2", "Jobs")
    partners.add_stakeholder(session, operator, place, "Water utility", "public")
    partners.add_stakeholder(session, operator, place, "UNDP", "international")
    partners.add_stakeholder(session, operator, place, "Idle NGO", "civil_society")
    partners.add_partnership(
        session, operator, place, "Water utility", "Generators", partner="UNDP", goal="G1.1"
    )
    view = partners.partners_view(session, operator, place)
    assert view.gaps.goals_without_partner == ["G2"]
    assert view.gaps.partners_without_role == ["Idle NGO"]
    assert ("s:Water utility", "g:G1.1") in {(link.from_, link.to) for link in view.links}
    assert [(n.id, n.kind) for n in view.nodes] == [
        ("s:Water utility", "stakeholder"), ("s:UNDP", "stakeholder"), ("s:Idle NGO", "stakeholder"),
        ("g:G1", "goal"), ("g:G1.1", "goal"), ("g:G2", "goal"),
    ]  # fmt: skip
    partners.add_consultation(
        session,
        operator,
        place,
        "Recovery programme",
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 5),
        proposals_received=4,
    )
    (row,) = partners.partners_view(session, operator, place).consultations
    assert row.flags == ["window of 5 days is shorter than the minimum of 10"]
    with pytest.raises(ValidationError):
        partners.add_consultation(session, operator, place, "x", dt.date(2026, 3, 5), dt.date(2026, 3, 1))


def test_partnerships_and_communication_plan_are_listed(session: Session, place: Municipality) -> None:
    operator = system_principal()
    strategy.add_goal(session, operator, place, "G1", "Water")
    partners.add_stakeholder(session, operator, place, "Water utility", "public")
    partners.add_stakeholder(session, operator, place, "UNDP", "international")
    partners.add_partnership(
        session, operator, place, "Water utility", " Generators ", partner="UNDP", goal="G1",
        starts_on=dt.date(2026, 1, 1),
    )  # fmt: skip
    partners.add_partnership(session, operator, place, "UNDP", "Shelters")
    first, second = partners.partners_view(session, operator, place).partnerships
    assert first.stakeholder == "Water utility" and first.partner == "UNDP"
    assert first.subject == "Generators" and first.goal == "G1" and first.project is None
    assert first.starts_on == dt.date(2026, 1, 1) and first.ends_on is None
    assert second.partner is None and second.goal is None
    assert partners.project_options(session, operator, place) == []
    for bad, message in (
        ({"subject": "  "}, "subject"),
        ({"subject": "x", "partner": "UNDP"}, "another stakeholder"),
        ({"subject": "x", "starts_on": dt.date(2026, 2, 1), "ends_on": dt.date(2026, 1, 1)}, "end before"),
    ):
        with pytest.raises(ValidationError, match=message):
            partners.add_partnership(session, operator, place, "UNDP", **bad)
    partners.add_communication(session, operator, place, "Residents", "Repairs", "Telegram", " Monthly ")
    (line,) = partners.partners_view(session, operator, place).communication
    assert line.audience == "Residents" and line.timing == "Monthly"
    with pytest.raises(ValidationError, match="channel"):
        partners.add_communication(session, operator, place, "Residents", "Repairs", "x" * 101, "Monthly")
    with pytest.raises(ValidationError, match="needs an audience"):
        partners.add_communication(session, operator, place, "", "Repairs", "Telegram", "Monthly")
