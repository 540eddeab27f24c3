"""The editing forms of the strategy and partners pages: KPIs, measures, partnerships, the communication plan.

Each form is posted as an editor and the new item must then appear on the page; a bad input must answer with
the service's message and store nothing.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hromada.db.engine import make_engine, make_session_factory
from hromada.db.models import CommunicationItem, Kpi, Measure, Partnership
from tests.web.conftest import CODE_A, STAKEHOLDER, Workspace, csrf_from

STRATEGY = f"/municipalities/{CODE_A}/strategy"
PARTNERS = f"/municipalities/{CODE_A}/partners"
ENGLISH = {"Accept-Language": "en"}


def _count(workspace: Workspace, model: Any) -> int:
    engine = make_engine(f"sqlite:///{(workspace.data_dir / 'hromada.sqlite3').as_posix()}")
    try:
        with make_session_factory(engine)() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def _post(client: TestClient, page: str, path: str, data: dict[str, str]) -> Any:
    token = csrf_from(client.get(page).text)
    return client.post(path, data={**data, "csrf_token": token}, headers=ENGLISH)


def _section(html: str, anchor: str) -> str:
    match = re.search(rf'<section class="card" id="{anchor}">(.*?)</section>', html, re.S)
    assert match, f"the page has no #{anchor} section"
    return match.group(1)


def _row(html: str, text: str) -> str:
    match = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(text)}.*?</tr>", html, re.S)
    assert match, f"no table row shows {text!r}"
    return match.group(0)


def test_kpi_form_adds_kpis_and_shows_their_smart_flags(workspace: Workspace) -> None:
    client = workspace.client("editor")
    goals = _section(client.get(STRATEGY, headers=ENGLISH).text, "goals")
    assert 'id="kpi-form"' in goals and '<option value="G1.1">' in goals
    assert '<option value="G1">' not in goals  # KPIs go on objectives only
    incomplete = {
        "objective": "G1.1", "name": "Homes with heating", "unit": "%", "baseline": "", "baseline_date": "",
        "target": "90", "deadline": "2030-12-31", "direction": "increase", "data_source": "Utility reports",
    }  # fmt: skip
    response = _post(client, STRATEGY, f"{STRATEGY}/kpis", incomplete)
    assert response.status_code == 303
    assert response.headers["location"] == f"{STRATEGY}#goals"
    complete = {
        **incomplete, "name": "Hours without water", "unit": "h", "baseline": "48", "baseline_date": "2025-01-01",
        "target": "6", "direction": "decrease",
    }  # fmt: skip
    assert _post(client, STRATEGY, f"{STRATEGY}/kpis", complete).status_code == 303
    goals = _section(client.get(STRATEGY, headers=ENGLISH).text, "goals")
    flagged = _row(goals, "Homes with heating")
    assert "no baseline (value and date)" in flagged
    assert "no target" not in flagged and "no data source" not in flagged
    smart = _row(goals, "Hours without water")
    assert "✓ SMART" in smart and "2025-01-01" in smart and "↓" in smart


def test_measure_form_adds_a_measure_to_the_tree(workspace: Workspace) -> None:
    client = workspace.client("editor")
    assert 'id="measure-form"' in client.get(STRATEGY).text
    data = {"objective": "G1.1", "title": "Mobile boiler houses", "description": "Two units for schools"}
    response = _post(client, STRATEGY, f"{STRATEGY}/measures", data)
    assert response.status_code == 303
    assert response.headers["location"] == f"{STRATEGY}#goals"
    goals = _section(client.get(STRATEGY, headers=ENGLISH).text, "goals")
    assert "Mobile boiler houses" in goals and "Two units for schools" in goals


def test_bad_kpis_and_measures_are_refused_and_store_nothing(workspace: Workspace) -> None:
    client = workspace.client("editor")
    kpis, measures = _count(workspace, Kpi), _count(workspace, Measure)
    cases = [
        ("kpis", {"objective": "G1", "name": "On a goal"}, "KPIs belong to objectives"),
        ("kpis", {"objective": "G1.1", "name": ""}, "`name` must not be empty"),
        (
            "kpis",
            {"objective": "G1.1", "name": "Half a baseline", "baseline": "3"},
            "both a value and a date",
        ),
        ("measures", {"objective": "G1", "title": "On a goal"}, "measures belong to objectives"),
        ("measures", {"objective": "G1.1", "title": " "}, "`title` must not be empty"),
    ]
    for route, data, message in cases:
        response = _post(client, STRATEGY, f"{STRATEGY}/{route}", data)
        assert response.status_code == 422, (data, response.text[:300])
        assert 'role="alert"' in response.text and message in response.text, data
    assert _count(workspace, Kpi) == kpis
    assert _count(workspace, Measure) == measures
    assert "On a goal" not in client.get(STRATEGY).text


def test_partnership_form_adds_a_listed_partnership(workspace: Workspace) -> None:
    client = workspace.client("editor")
    section = _section(client.get(PARTNERS, headers=ENGLISH).text, "partnerships")
    assert 'id="partnership-form"' in section
    assert f'<option value="{STAKEHOLDER}">' in section
    assert '<option value="G1">' in section and '<option value="G1.1">' in section
    assert '<option value="P-01">' in section
    data = {
        "stakeholder": STAKEHOLDER, "partner": "", "subject": "Pipe repairs in the old town",
        "commitments": "Crews and spare parts", "starts_on": "2026-04-01", "ends_on": "2027-03-31",
        "goal": "G1.1", "project": "P-01",
    }  # fmt: skip
    response = _post(client, PARTNERS, f"{PARTNERS}/partnerships", data)
    assert response.status_code == 303
    assert response.headers["location"] == f"{PARTNERS}#partnerships"
    page = client.get(PARTNERS, headers=ENGLISH).text
    row = _row(_section(page, "partnerships"), "Pipe repairs in the old town")
    assert STAKEHOLDER in row and "the municipality" in row and "Crews and spare parts" in row
    assert "2026-04-01" in row and "2027-03-31" in row and "G1.1" in row and "P-01" in row
    # The stakeholder now has a role: the network no longer lists it as a gap.
    gaps = re.search(r'<ul class="small" id="gaps">(.*?)</ul>', page, re.S)
    assert gaps and STAKEHOLDER not in gaps.group(1)


def test_bad_partnerships_are_refused_and_store_nothing(workspace: Workspace) -> None:
    client = workspace.client("editor")
    before = _count(workspace, Partnership)
    base = {"stakeholder": STAKEHOLDER, "subject": "Backwards"}
    cases = [
        ({**base, "starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "cannot end before it starts", 422),
        ({**base, "subject": ""}, "`subject` must not be empty", 422),
        ({**base, "partner": STAKEHOLDER}, "must be another stakeholder", 422),
        ({**base, "project": "P-99"}, "No project &#39;P-99&#39;", 404),
    ]
    for data, message, status in cases:
        response = _post(client, PARTNERS, f"{PARTNERS}/partnerships", data)
        assert response.status_code == status, (data, response.text[:300])
        assert 'role="alert"' in response.text and message in response.text, data
    assert _count(workspace, Partnership) == before
    assert "Backwards" not in client.get(PARTNERS).text


def test_communication_form_adds_a_line_to_the_plan(workspace: Workspace) -> None:
    client = workspace.client("editor")
    assert 'id="communication-form"' in client.get(PARTNERS).text
    data = {
        "audience": "Displaced families", "message": "Where to apply for housing repair",
        "channel": "Telegram and notice boards", "timing": "Every two weeks",
    }  # fmt: skip
    response = _post(client, PARTNERS, f"{PARTNERS}/communications", data)
    assert response.status_code == 303
    assert response.headers["location"] == f"{PARTNERS}#communication"
    row = _row(_section(client.get(PARTNERS).text, "communication"), "Displaced families")
    assert all(value in row for value in data.values())


def test_empty_communication_fields_are_refused_and_store_nothing(workspace: Workspace) -> None:
    client = workspace.client("editor")
    before = _count(workspace, CommunicationItem)
    data = {"audience": "Donors", "message": "  ", "channel": "", "timing": "Quarterly"}
    response = _post(client, PARTNERS, f"{PARTNERS}/communications", data)
    assert response.status_code == 422
    assert "needs an audience, a message, a channel and a timing" in response.text
    assert _count(workspace, CommunicationItem) == before


def test_viewers_see_the_lists_but_no_forms(workspace: Workspace) -> None:
    client = workspace.client("viewer")
    strategy_page = client.get(STRATEGY).text
    partners_page = client.get(PARTNERS).text
    for form in ("kpi-form", "measure-form"):
        assert f'id="{form}"' not in strategy_page
    for form in ("partnership-form", "communication-form"):
        assert f'id="{form}"' not in partners_page
    assert 'id="partnerships"' in partners_page and 'id="communication"' in partners_page
