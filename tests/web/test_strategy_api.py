"""REST API of the strategy and partners domains: typed answers (the services' result models) and their
documented response schemas."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from hromada.db.engine import make_engine, make_session_factory, session_scope
from hromada.db.models import Municipality
from hromada.services import partners, strategy
from hromada.services.demo import system_principal
from tests.web.conftest import CODE_A, STAKEHOLDER, Workspace

BASE = "/api/v1/municipalities/{code}"


def _get(workspace: Workspace, who: str, path: str, **kwargs: Any) -> Any:
    response = workspace.client(None).get(
        f"/api/v1/municipalities/{path}",
        headers={"Authorization": f"Bearer {workspace.tokens[who]}", **kwargs.pop("headers", {})},
        **kwargs,
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def seeded(workspace: Workspace) -> Workspace:
    """The workspace with a KPI with everything, one with nothing and a measure; a partner with a contact,
    linked to G1 and the fixture's first project; a consultation window shorter than the legal minimum."""
    engine = make_engine(f"sqlite:///{(workspace.data_dir / 'hromada.sqlite3').as_posix()}")
    principal = system_principal()
    try:
        with session_scope(make_session_factory(engine)) as s:
            place = s.scalar(select(Municipality).where(Municipality.code == CODE_A))
            assert place is not None
            strategy.set_vision(s, principal, place, "A town that keeps its water running", horizon_year=2030)
            strategy.add_kpi(
                s, principal, place, "G1.1", "Households with water", unit="%",
                baseline=(61.5, dt.date(2024, 1, 1)), target=90.0, deadline=dt.date(2035, 12, 31),
                data_source="utility",
            )  # fmt: skip
            strategy.add_kpi(s, principal, place, "G1.1", "Unfinished KPI", direction="decrease")
            strategy.add_measure(s, principal, place, "G1.1", "Repair the pumps")
            partners.add_stakeholder(
                s,
                principal,
                place,
                "Water NGO",
                "civil_society",
                influence=2,
                interest=5,
                contact="ngo@example.org",
            )
            partners.add_partnership(
                s, principal, place, "Water NGO", "water supply", goal="G1", project="P-01"
            )
            partners.add_consultation(
                s, principal, place, "Draft plan", dt.date(2026, 3, 1), dt.date(2026, 3, 5)
            )
    finally:
        engine.dispose()
    return workspace


def test_the_strategy_is_answered_as_its_typed_view(seeded: Workspace) -> None:
    answer = _get(seeded, "viewer", f"{CODE_A}/strategy")
    view = strategy.StrategyView.model_validate(answer)
    assert view.vision.startswith("A town") and view.horizon_year == 2030
    assert [(i.quadrant, i.text, i.status) for i in view.swot] == [
        ("strength", "Fixture strength", "accepted")
    ]
    (goal,) = view.goals
    assert goal.key == "G1" and goal.kpis == [] and goal.flags == []
    (objective,) = goal.objectives
    assert objective.measures == ["Repair the pumps"] and objective.flags == []
    assert objective.measure_details == [strategy.MeasureView(title="Repair the pumps", description="")]
    full, empty = objective.kpis
    assert full.baseline_date == dt.date(2024, 1, 1) and full.flags == []
    assert "no target" in empty.flags and empty.baseline is None
    # the JSON as clients read it: dates as ISO text, every key present
    kpi = answer["goals"][0]["objectives"][0]["kpis"][0]
    assert kpi == {
        "name": "Households with water", "unit": "%", "baseline": 61.5, "baseline_date": "2024-01-01",
        "target": 90.0, "deadline": "2035-12-31", "direction": "increase", "data_source": "utility",
        "flags": [],
    }  # fmt: skip
    assert set(answer["goals"][0]) == {
        "key", "title", "flags", "objectives", "kpis", "measures", "measure_details",
    }  # fmt: skip


def test_swot_suggestions_are_typed_with_their_evidence(workspace: Workspace) -> None:
    answer = _get(workspace, "viewer", f"{CODE_A}/strategy/swot-suggestions", params={"locale": "de"})
    suggestions = [strategy.SwotSuggestion.model_validate(s) for s in answer]
    assert suggestions and {s.evidence.kind for s in suggestions} <= {
        "economy", "resilience", "infrastructure", "ledger",
    }  # fmt: skip
    economy = next(s for s in answer if s["evidence"]["kind"] == "economy")
    assert economy["evidence"]["reference"].startswith("analysis_run:")
    assert "industry" in economy["evidence"]  # the figures beside kind and reference are kept


def test_partners_show_contacts_to_the_team_only(seeded: Workspace) -> None:
    inside = _get(seeded, "editor", f"{CODE_A}/partners")
    outside = _get(seeded, "viewer", f"{CODE_A}/partners")
    view = partners.PartnersView.model_validate(inside)
    contacts = {s.name: s.contact for s in view.stakeholders}
    assert contacts == {STAKEHOLDER: "", "Water NGO": "ngo@example.org"}
    assert {s["name"]: s["contact"] for s in outside["stakeholders"]} == {
        STAKEHOLDER: None,
        "Water NGO": None,
    }
    assert {s["name"]: s["quadrant"] for s in outside["stakeholders"]}["Water NGO"] == "keep informed"
    (consultation,) = inside["consultations"]
    assert consultation["starts_on"] == "2026-03-01" and consultation["flags"] == [
        "window of 5 days is shorter than the minimum of 10"
    ]
    assert inside["gaps"] == {
        "goals_without_partner": [], "partners_without_role": [STAKEHOLDER],
        "projects_without_partner": ["P-02", "P-03"],
    }  # fmt: skip
    assert sorted((link["from"], link["to"], link["subject"]) for link in inside["links"]) == [
        ("s:Water NGO", "g:G1", "water supply"),
        ("s:Water NGO", "p:P-01", "water supply"),
    ]
    assert view.links[0].from_ == "s:Water NGO"


def test_the_strategy_and_partner_routes_document_their_answers(workspace: Workspace) -> None:
    spec = workspace.client(None).get("/api/v1/openapi.json").json()
    paths, schemas = spec["paths"], spec["components"]["schemas"]

    def answer(path: str) -> dict[str, Any]:
        schema: dict[str, Any] = paths[BASE + path]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]
        return schema

    assert answer("/strategy") == {"$ref": "#/components/schemas/StrategyView"}
    assert answer("/strategy/swot-suggestions")["items"] == {"$ref": "#/components/schemas/SwotSuggestion"}
    assert answer("/partners") == {"$ref": "#/components/schemas/PartnersView"}
    assert {"from", "to", "subject"} == set(schemas["PartnerLink"]["properties"])
    contact = schemas["StakeholderView"]["properties"]["contact"]
    assert {"type": "null"} in contact["anyOf"] and "editors and admins" in contact["description"]
    assert set(schemas["KpiView"]["required"]) >= {"baseline", "baseline_date", "target", "deadline", "flags"}
