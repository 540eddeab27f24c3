"""REST API of the ranking, the funding portfolio (with downloads) and the finance plan.

Tests that change a finance plan do so on municipality B as the facilitator, so that they do not depend on
the order the tests run in; A keeps its fixture state (no plan) apart from added portfolio runs.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from hromada.data.demo_strategy import demo_strategy
from hromada.db.engine import make_engine, make_session_factory, session_scope
from hromada.services.profile import MunicipalityInput, create_municipality
from tests.web.conftest import CODE_A, CODE_B, Workspace

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CRITERIA = ["population_served", "urgency", "jobs", "readiness", "cost_per_person"]
JUDGEMENTS = [
    {"a": a, "b": b, "value": v} for a, b, v in demo_strategy(CODE_A, "Alfa", 20_000, "rear").judgements
]
EMPTY = "UA05020000000033333"  # a municipality without projects, created by the test that needs it


def _api(
    workspace: Workspace,
    who: str | None,
    method: str,
    path: str,
    headers_extra: dict[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    headers = {"Authorization": f"Bearer {workspace.tokens[who]}"} if who else {}
    headers.update(headers_extra or {})
    client: TestClient = workspace.client(None)
    return client.request(method, f"/api/v1/municipalities/{path}", headers=headers, **kwargs)


def _plan(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "first_year": 2026, "last_year": 2028, "revenue": {"2026": 2e8, "2027": 2.1e8, "2028": 2.2e8},
        "debt_service_share": 0.1, "max_debt_ratio": 2.0,
        "criteria": [{"criterion": c, "weight": 1, "direction": "cost" if c == "cost_per_person" else "benefit"}
                     for c in CRITERIA],
    }  # fmt: skip
    return body | changes


def test_a_viewer_reads_the_ranking_and_downloads_it(workspace: Workspace) -> None:
    response = _api(workspace, "viewer", "GET", f"{CODE_A}/projects/ranking?method=promethee_ii&draws=200")
    assert response.status_code == 200, response.text
    ranking = response.json()
    assert ranking["method"] == "promethee_ii" and ranking["weights_from"] == "default"
    assert [row["rank"] for row in ranking["ranking"]] == [1, 2, 3]
    assert {row["key"] for row in ranking["ranking"]} == set(ranking["eligible"]) == {"P-01", "P-02", "P-03"}
    assert ranking["failures"] == [] and ranking["draws"] == 200
    assert sum(c["weight"] for c in ranking["criteria"]) == pytest.approx(1.0)
    assert len(ranking["agreement"]) == 3  # every pair of the three methods
    assert _api(workspace, "viewer", "GET", f"{CODE_A}/projects/ranking?method=electre").status_code == 422
    assert _api(workspace, "viewer", "GET", f"{CODE_A}/projects/ranking?draws=5").status_code == 422

    workbook = _api(
        workspace, "viewer", "GET", f"{CODE_A}/projects/ranking.xlsx?method=promethee_ii&draws=200"
    )
    assert workbook.status_code == 200 and workbook.headers["content-type"] == XLSX
    disposition = workbook.headers["content-disposition"]
    assert disposition == f'attachment; filename="hromada-{CODE_A}-ranking-promethee_ii.xlsx"'
    sheets = pd.read_excel(io.BytesIO(workbook.content), sheet_name=None)
    assert list(sheets) == ["ranking", "criteria", "gates", "eligibility", "stability", "agreement", "about"]
    assert sheets["ranking"]["key"].tolist() == [row["key"] for row in ranking["ranking"]]
    assert sheets["criteria"]["criterion"].tolist() == CRITERIA

    table = _api(workspace, "viewer", "GET", f"{CODE_A}/projects/ranking.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    assert f"hromada-{CODE_A}-ranking-topsis.csv" in table.headers["content-disposition"]
    frame = pd.read_csv(io.BytesIO(table.content), encoding="utf-8-sig")
    assert len(frame) == 3 and list(frame.columns[:4]) == ["key", "title", "rank", "score"]
    assert _api(workspace, "viewer", "GET", f"{CODE_A}/projects/ranking.pdf").status_code == 422


def test_editors_run_the_portfolio_and_readers_download_it(workspace: Workspace) -> None:
    response = _api(workspace, "editor", "POST", f"{CODE_A}/projects/portfolio")
    assert response.status_code == 201, response.text
    run = response.json()
    assert {"id", "created_at", "data_hash", "results"} <= set(run) and run["domain"] == "projects-portfolio"
    assert run["results"]["status"] == "optimal" and run["results"]["ranking_method"] == "topsis"
    body = {"method": "weighted_sum", "years": [2026, 2027, 2028], "time_limit": 10}
    response = _api(workspace, "admin", "POST", f"{CODE_A}/projects/portfolio", json=body)
    assert response.status_code == 201, response.text
    second = response.json()
    assert second["id"] > run["id"] and second["results"]["years"] == [2026, 2027, 2028]
    assert (
        second["results"]["ranking_method"] == "weighted_sum"
        and second["parameters"]["years"] == body["years"]
    )
    for bad, message in (({"time_limit": 500}, "time_limit"), ({"years": [2026, 2028]}, "consecutive")):
        response = _api(workspace, "editor", "POST", f"{CODE_A}/projects/portfolio", json=bad)
        assert response.status_code == 422 and message in response.text

    latest = _api(workspace, "viewer", "GET", f"{CODE_A}/projects/portfolio")
    assert latest.status_code == 200
    results = latest.json()["results"]
    assert latest.json()["id"] >= second["id"] and results["selected"]
    assert results["status_label"] == "optimal (proven)" and results["notices"] == []
    # the reasons in the asked language, the same reasons as data beside them
    german = _api(workspace, "viewer", "GET", f"{CODE_A}/projects/portfolio?locale=de").json()["results"]
    assert german["status_label"] == "optimal (bewiesen)"
    # a plan from 2027 moves the 2026 projects into it: the note in Ukrainian, and as data
    moved = _api(
        workspace, "editor", "POST", f"{CODE_A}/projects/portfolio?locale=uk", json={"years": [2027, 2028]}
    )
    assert moved.status_code == 201, moved.text
    notes = [r for r in moved.json()["results"]["selected"] if "note_why" in r]
    assert notes and all(r["note_why"]["code"] == "moved_start" for r in notes)
    assert all(r["note"].startswith("початок планувався у ") for r in notes)
    assert moved.json()["results"]["status_label"] == "оптимальний (доведено)"
    german = _api(workspace, "viewer", "GET", f"{CODE_A}/projects/portfolio?locale=de").json()["results"]
    german_notes = [r for r in german["selected"] if "note_why" in r]
    assert [r["note_why"] for r in german_notes] == [r["note_why"] for r in notes]
    assert all(r["note"].startswith("Beginn war ") for r in german_notes)
    latest = _api(workspace, "viewer", "GET", f"{CODE_A}/projects/portfolio")
    results = latest.json()["results"]
    workbook = _api(workspace, "viewer", "GET", f"{CODE_A}/projects/portfolio.xlsx")
    assert workbook.status_code == 200 and workbook.headers["content-type"] == XLSX
    assert f'filename="hromada-{CODE_A}-portfolio.xlsx"' in workbook.headers["content-disposition"]
    assert workbook.headers["content-disposition"].startswith("attachment;")
    sheets = pd.read_excel(io.BytesIO(workbook.content), sheet_name=None)
    assert list(sheets) == ["selected", "funding", "cash_flow", "gap", "debt_service", "about"]
    assert sheets["selected"]["project_id"].tolist() == [r["project_id"] for r in results["selected"]]
    assert sheets["funding"]["amount"].sum() == pytest.approx(sum(r["cost"] for r in results["selected"]))
    table = _api(workspace, "viewer", "GET", f"{CODE_A}/projects/portfolio.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    frame = pd.read_csv(io.BytesIO(table.content), encoding="utf-8-sig")
    assert frame["project_id"].tolist() == [r["project_id"] for r in results["selected"]]


def test_viewers_and_other_municipalities_cannot_write(workspace: Workspace) -> None:
    writes: tuple[tuple[str, str, dict[str, Any]], ...] = (
        ("POST", "projects/portfolio", {"json": {}}),
        ("PUT", "finance-plan", {"json": _plan()}),
        ("POST", "finance-plan/ahp", {"json": {"judgements": JUDGEMENTS}}),
    )
    for method, path, kwargs in writes:
        refused = _api(workspace, "viewer", method, f"{CODE_A}/{path}", **kwargs)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["error"]["code"] == "forbidden"
        # A's editor on B, and a user of no municipality on A: as if the municipality did not exist.
        assert _api(workspace, "editor", method, f"{CODE_B}/{path}", **kwargs).status_code == 404
        assert _api(workspace, "outsider", method, f"{CODE_A}/{path}", **kwargs).status_code == 404
        assert _api(workspace, None, method, f"{CODE_A}/{path}", **kwargs).status_code == 401
    for path in ("projects/ranking", "projects/portfolio", "projects/portfolio.xlsx", "finance-plan"):
        response = _api(workspace, "editor", "GET", f"{CODE_B}/{path}")
        assert response.status_code == 404 and "Beta" not in response.text
    plan = _api(workspace, "viewer", "GET", f"{CODE_A}/finance-plan").json()
    assert plan["stored"] is False and plan["weights_from"] == "default"


def test_the_finance_plan_is_set_all_or_nothing(workspace: Workspace) -> None:
    response = _api(workspace, "facilitator", "PUT", f"{CODE_B}/finance-plan", json=_plan())
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["stored"] is True and plan["years"] == [2026, 2027, 2028]
    assert plan["revenue"] == {"2026": 2e8, "2027": 2.1e8, "2028": 2.2e8}
    assert plan["debt_service_share"] == 0.1 and plan["max_debt_ratio"] == 2.0
    assert plan["weights_from"] == "typed" and plan["ahp"] is None
    assert [c["weight"] for c in plan["criteria"]] == pytest.approx([0.2] * 5)
    assert _api(workspace, "facilitator", "GET", f"{CODE_B}/finance-plan").json() == plan

    # A borrowing limit needs revenue for every year; repeated criteria; inconsistent judgements: each
    # refused with the service's message, and nothing of the request is kept.
    bad_revenue = _plan(first_year=2025, revenue={"2026": 1e8})
    response = _api(workspace, "facilitator", "PUT", f"{CODE_B}/finance-plan", json=bad_revenue)
    assert response.status_code == 422 and "missing 2025, 2027, 2028" in response.json()["error"]["message"]
    twice = _plan(criteria=[{"criterion": "jobs"}, {"criterion": "jobs"}], max_debt_ratio=None)
    response = _api(workspace, "facilitator", "PUT", f"{CODE_B}/finance-plan", json=twice)
    assert response.status_code == 422 and "repeated: jobs" in response.json()["error"]["message"]
    cycle = _cycle()
    response = _api(
        workspace,
        "facilitator",
        "PUT",
        f"{CODE_B}/finance-plan",
        json=_plan(last_year=2027, judgements=cycle),
    )
    assert response.status_code == 422 and "revisit" in response.json()["error"]["message"]
    assert _api(workspace, "facilitator", "GET", f"{CODE_B}/finance-plan").json() == plan

    # The portfolio uses the plan: the borrowing rule is checked.
    response = _api(workspace, "facilitator", "POST", f"{CODE_B}/projects/portfolio", json={})
    assert response.status_code == 201, response.text
    results = response.json()["results"]
    assert results["years"] == [2026, 2027, 2028] and results["debt_check"]["checked"] is True


def _cycle() -> list[dict[str, Any]]:
    """Judgements with a cycle of strong preferences: population > urgency > jobs > population."""
    values = {(a, b): 1.0 for i, a in enumerate(CRITERIA) for b in CRITERIA[i + 1 :]}
    values[("population_served", "urgency")] = 9.0
    values[("urgency", "jobs")] = 9.0
    values[("population_served", "jobs")] = 1 / 9
    return [{"a": a, "b": b, "value": "1/9" if v == 1 / 9 else v} for (a, b), v in values.items()]


def test_ahp_judgements_publish_the_weights_and_inconsistent_ones_are_refused(workspace: Workspace) -> None:
    assert _api(workspace, "facilitator", "PUT", f"{CODE_B}/finance-plan", json=_plan()).status_code == 200
    path = f"{CODE_B}/finance-plan/ahp"
    response = _api(
        workspace, "facilitator", "POST", path, params={"dry_run": "true"}, json={"judgements": JUDGEMENTS}
    )
    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["stored"] is False and preview["consistent"] is True
    assert _api(workspace, "facilitator", "GET", f"{CODE_B}/finance-plan").json()["weights_from"] == "typed"

    response = _api(workspace, "facilitator", "POST", path, json={"judgements": JUDGEMENTS})
    assert response.status_code == 200, response.text
    outcome = response.json()
    assert outcome["stored"] is True and outcome["consistency_ratio"] < 0.1
    assert sum(outcome["weights"].values()) == pytest.approx(1.0)
    assert max(outcome["weights"], key=outcome["weights"].__getitem__) == "urgency"
    assert outcome["weights"] == pytest.approx(preview["weights"])
    plan = _api(workspace, "facilitator", "GET", f"{CODE_B}/finance-plan").json()
    assert plan["weights_from"] == "ahp" and plan["ahp"]["consistency_ratio"] == pytest.approx(
        outcome["consistency_ratio"]
    )
    assert {c["criterion"]: c["direction"] for c in plan["criteria"]}["cost_per_person"] == "cost"
    ranking = _api(workspace, "viewer", "GET", f"{CODE_B}/projects/ranking")
    assert ranking.status_code == 404  # B is not the viewer's
    ranking = _api(workspace, "facilitator", "GET", f"{CODE_B}/projects/ranking?draws=100").json()
    assert ranking["weights_from"] == "ahp"

    response = _api(workspace, "facilitator", "POST", path, json={"judgements": _cycle()})
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert "inconsistent (consistency ratio" in message
    revisit = message.split("revisit ", 1)[1]
    assert any(revisit.startswith(f"{a} vs {b}:") for a in CRITERIA for b in CRITERIA if a != b)
    assert _api(workspace, "facilitator", "GET", f"{CODE_B}/finance-plan").json() == plan
    response = _api(
        workspace, "facilitator", "POST", path, params={"dry_run": "true"}, json={"judgements": _cycle()}
    )
    assert response.status_code == 200 and response.json()["consistent"] is False
    assert response.json()["worst"]["a"] in CRITERIA
    bad = [{**JUDGEMENTS[0], "value": "one third"}, *JUDGEMENTS[1:]]
    assert _api(workspace, "facilitator", "POST", path, json={"judgements": bad}).status_code == 422


def test_a_municipality_without_projects_or_portfolio(workspace: Workspace) -> None:
    engine = make_engine(f"sqlite:///{(workspace.data_dir / 'hromada.sqlite3').as_posix()}")
    try:
        with session_scope(make_session_factory(engine)) as s:
            create_municipality(s, MunicipalityInput(EMPTY, "Гамма", "Gamma", "UA05", population=5_000))
    finally:
        engine.dispose()
    for path in ("projects/portfolio", "projects/portfolio.xlsx", "projects/portfolio.csv"):
        response = _api(workspace, "facilitator", "GET", f"{EMPTY}/{path}")
        assert response.status_code == 404
        assert response.json()["error"]["message"].startswith("No funding portfolio yet")
    response = _api(workspace, "facilitator", "GET", f"{EMPTY}/projects/ranking")
    assert response.status_code == 404 and "no projects yet" in response.json()["error"]["message"]
    plan = _api(workspace, "facilitator", "GET", f"{EMPTY}/finance-plan").json()
    assert plan["stored"] is False and [c["criterion"] for c in plan["criteria"]] == CRITERIA


def test_the_endpoints_are_documented(workspace: Workspace) -> None:
    spec = workspace.client(None).get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    base = "/api/v1/municipalities/{code}"
    assert {"get", "put"} <= set(paths[f"{base}/finance-plan"])
    assert "put" in paths[f"{base}/finance-plan/gates"]
    params = {p["name"] for p in paths[f"{base}/strategy/swot-suggestions"]["get"]["parameters"]}
    assert "locale" in params
    assert {"get", "post"} <= set(paths[f"{base}/projects/portfolio"])
    for name in ("ranking", "portfolio"):
        content = paths[f"{base}/projects/{name}.{{fmt}}"]["get"]["responses"]["200"]["content"]
        assert XLSX in content


def test_eligibility_gates_are_published_and_explained_in_the_asked_language(workspace: Workspace) -> None:
    rules = {
        "gates": [
            {"name": "co-financing", "column": "cofinancing_share", "op": ">=", "value": 0.25},
            {
                "name": "ready",
                "column": "c:readiness",
                "op": ">=",
                "value": 0,
                "message": "not ready: {value}",
            },
        ]
    }
    response = _api(workspace, "facilitator", "PUT", f"{CODE_B}/finance-plan/gates", json=rules)
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["gates_from"] == "municipality"
    assert [g["description"] for g in plan["gates"]] == [
        "local co-financing at least 25%",
        "c:readiness >= 0",
    ]
    # the fixture's projects have 20 % co-financing: none passes, each says why in the asked language
    english = _api(workspace, "viewer", "GET", f"{CODE_A}/projects/ranking", params={"draws": 100}).json()
    assert english["gates_from"] == "default"  # A is untouched
    ranking = _api(
        workspace, "facilitator", "GET", f"{CODE_B}/projects/ranking", params={"draws": 100, "locale": "de"}
    ).json()
    assert ranking["ranking"] == [] and len(ranking["failures"]) == 3
    assert {f["reason"] for f in ranking["failures"]} == {
        "kommunale Kofinanzierung von 20 % liegt unter den geforderten 25 %"
    }
    ukrainian = _api(
        workspace, "facilitator", "GET", f"{CODE_B}/projects/ranking",
        params={"draws": 100}, headers_extra={"Accept-Language": "uk"},
    )  # fmt: skip
    assert "співфінансування" in ukrainian.json()["failures"][0]["reason"]

    # a bad rule is refused naming it, and nothing is stored
    bad = {"gates": [{"name": "areas", "column": "location_status", "op": "not in", "value": ["moon"]}]}
    response = _api(workspace, "facilitator", "PUT", f"{CODE_B}/finance-plan/gates", json=bad)
    assert response.status_code == 422 and "gate 1 (areas)" in response.json()["error"]["message"]
    assert _api(workspace, "facilitator", "GET", f"{CODE_B}/finance-plan").json()["gates"] == plan["gates"]
    # editors only; null returns to the default rules
    response = _api(workspace, "viewer", "PUT", f"{CODE_A}/finance-plan/gates", json={"gates": []})
    assert response.status_code == 403
    response = _api(workspace, "facilitator", "PUT", f"{CODE_B}/finance-plan/gates", json={"gates": None})
    assert response.status_code == 200 and response.json()["gates_from"] == "default"


def test_swot_suggestions_are_written_in_the_asked_language(workspace: Workspace) -> None:
    path = f"{CODE_A}/strategy/swot-suggestions"
    english = _api(workspace, "viewer", "GET", path).json()
    ukrainian = _api(workspace, "viewer", "GET", path, headers_extra={"Accept-Language": "uk"}).json()
    german = _api(workspace, "viewer", "GET", path, params={"locale": "de"}).json()
    assert english, "the fixture's analyses give suggestions"
    for other in (ukrainian, german):
        assert [s["quadrant"] for s in other] == [s["quadrant"] for s in english]
        assert [s["evidence"] for s in other] == [s["evidence"] for s in english]
        assert [s["text"] for s in other] != [s["text"] for s in english]
    assert any(c in ukrainian[0]["text"] for c in "абвгдежзиклмнопрстуфхцчшщьюяіїє")


def test_the_json_answers_are_documented_and_typed(workspace: Workspace) -> None:
    spec = workspace.client(None).get("/api/v1/openapi.json").json()
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    base = "/api/v1/municipalities/{code}"
    expected = {
        ("get", "/projects"): "PipelineView",
        ("get", "/projects/oc4ids"): "Oc4idsPackage",
        ("get", "/projects/ranking"): "RankingView",
        ("post", "/projects/portfolio"): "PortfolioRun",
        ("get", "/projects/portfolio"): "PortfolioRun",
        ("get", "/finance-plan"): "FinancePlanView",
        ("put", "/finance-plan"): "FinancePlanView",
        ("put", "/finance-plan/gates"): "FinancePlanView",
        ("post", "/finance-plan/ahp"): "AhpView",
    }
    for (method, path), model in expected.items():
        responses = paths[base + path][method]["responses"]
        (ok,) = [r for status, r in responses.items() if status.startswith("2")]
        assert ok["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{model}"}
    assert {"version", "uri", "publishedDate", "publisher", "projects"} <= set(
        schemas["Oc4idsPackage"]["properties"]
    )
    assert {"reason", "why"} <= set(schemas["GapRow"]["properties"])
    assert {"notices", "explanation", "status_label"} <= set(schemas["PortfolioResults"]["properties"])

    pipeline = _api(workspace, "viewer", "GET", f"{CODE_A}/projects").json()
    first = pipeline["projects"][0]
    assert first["cost_date"] == "2025-06-30" and isinstance(first["goal_keys"], list)
    assert {f"c:{c}" for c in CRITERIA} <= set(first)  # the criterion scores stay beside the typed columns
    assert all(k.startswith("amount_") for k in set(pipeline["sources"][0]) - {
        "source_id", "name", "kind", "eligible_sectors", "eligible_types", "max_share", "interest_rate",
        "tenor_years", "grace_years",
    })  # fmt: skip
    package = _api(workspace, "viewer", "GET", f"{CODE_A}/projects/oc4ids").json()
    assert package["version"] == "0.9" and package["publishedDate"].endswith("Z")
    assert [p["id"] for p in package["projects"]] == [f"hromada-{CODE_A}-P-0{i}" for i in (1, 2, 3)]
    # A has no borrowing rule: the debt check says only that
    run = _api(workspace, "viewer", "GET", f"{CODE_A}/projects/portfolio").json()
    assert run["results"]["debt_check"] == {"checked": False}
    assert all("note_why" not in row or row["note"] for row in run["results"]["selected"])
