"""The projects page end to end: AHP weights, the finance plan with a borrowing limit, the portfolio with its
debt check, and the ranking and portfolio downloads."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
from fastapi.testclient import TestClient

from tests.web.conftest import CODE_A, Workspace, csrf_from

PAGE = f"/municipalities/{CODE_A}/projects"
ENGLISH = {"Accept-Language": "en"}
CRITERIA = ["population_served", "urgency", "jobs", "readiness", "cost_per_person"]


def _post(client: TestClient, path: str, data: Mapping[str, str | list[str]]) -> Any:
    token = csrf_from(client.get(PAGE).text)
    return client.post(path, data={**data, "csrf_token": token}, headers=ENGLISH)


def _pairs(values: dict[tuple[str, str], str]) -> dict[str, str]:
    return {
        f"pair_{a}__{b}": values.get((a, b), "1") for i, a in enumerate(CRITERIA) for b in CRITERIA[i + 1 :]
    }


def test_ahp_form_publishes_weights_and_refuses_inconsistent_judgements(workspace: Workspace) -> None:
    editor = workspace.client("editor")
    html = editor.get(PAGE, headers=ENGLISH).text
    assert "Default weights of the demo call" in html and 'id="ahp"' in html
    # Urgency strongly more important than everything else, the rest equal.
    judged = {("population_served", "urgency"): "1/5"} | {("urgency", c): "5" for c in CRITERIA[2:]}
    assert _post(editor, f"{PAGE}/weights", _pairs(judged)).status_code == 303
    html = editor.get(PAGE, headers=ENGLISH).text
    weights = re.search(r'id="weights-from">(.*?)</p>', html, re.S)
    assert weights and "pairwise judgements (AHP); consistency ratio 0" in weights.group(1)
    # With a perfectly consistent matrix urgency gets 5/9 of the weight and each other criterion 1/9.
    assert re.search(r"<td>urgency</td><td class=\"num\">55[.,]6 %</td>", html)
    assert 'value="1/5" selected' in html  # the form shows the stored judgements
    # a > b > c > a: refused with the pair to revisit, nothing changes
    cycle = {
        ("population_served", "urgency"): "9",
        ("urgency", "jobs"): "9",
        ("population_served", "jobs"): "1/9",
    }
    response = _post(editor, f"{PAGE}/weights", _pairs(cycle))
    assert response.status_code == 422 and "inconsistent" in response.text and "revisit" in response.text
    assert re.search(
        r"<td>urgency</td><td class=\"num\">55[.,]6 %</td>", editor.get(PAGE, headers=ENGLISH).text
    )


def test_plan_portfolio_debt_check_and_downloads(workspace: Workspace) -> None:
    editor = workspace.client("editor")
    plan = {
        "first_year": "2026", "last_year": "2028", "debt_service_share": "10", "max_debt_ratio": "200",
        "revenue_2026": "120", "revenue_2027": "125", "revenue_2028": "130",
    }  # fmt: skip
    assert _post(editor, f"{PAGE}/plan", plan).status_code == 303
    html = editor.get(PAGE, headers=ENGLISH).text
    assert "debt service at most 10.0 % of revenue" in html and "debt at most 200 % of revenue" in html
    assert 'name="revenue_2027" step="0.01" min="0" value="125.0"' in html
    assert _post(editor, f"{PAGE}/portfolio", {"method": "topsis"}).status_code == 303
    html = editor.get(PAGE, headers=ENGLISH).text
    assert re.search(r'id="portfolio-status" data-status="optimal">optimal \(proven\)<', html)
    uk = editor.get(PAGE, headers={"Accept-Language": "uk"}).text
    assert 'data-status="optimal">оптимальний (доведено)<' in uk
    check = re.search(r'<p id="debt-check">(.*?)</p>', html, re.S)
    assert check and check.group(1).startswith("✓") and "(limit 10.0 %)" in check.group(1)
    assert 'id="figure-debt"' in html and 'id="funded"' in html and 'id="cash-flow"' in html

    workbook = editor.get(f"{PAGE}/portfolio.xlsx")
    assert workbook.status_code == 200
    assert workbook.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f"hromada-{CODE_A}-portfolio.xlsx" in workbook.headers["content-disposition"]
    sheets = pd.read_excel(io.BytesIO(workbook.content), sheet_name=None)
    assert {"selected", "funding", "cash_flow", "gap", "debt_service"} <= set(sheets)
    assert len(sheets["debt_service"]) > 0
    ranking = editor.get(f"{PAGE}/ranking.csv?method=promethee_ii")
    assert ranking.status_code == 200 and ranking.headers["content-type"].startswith("text/csv")
    table = pd.read_csv(io.BytesIO(ranking.content))
    assert {"key", "rank"} <= set(table.columns) and len(table) >= 2

    # a viewer reads and downloads but sees no forms and cannot change the plan
    viewer = workspace.client("viewer")
    page = viewer.get(PAGE, headers=ENGLISH).text
    assert 'action="/municipalities/' + CODE_A + '/projects/plan"' not in page and 'id="ahp"' not in page
    assert viewer.get(f"{PAGE}/portfolio.csv").status_code == 200

    # a plan from 2027 moves the projects planned for 2026 into it; the note says so in each language
    plan = {**plan, "first_year": "2027", "last_year": "2028"}
    assert _post(editor, f"{PAGE}/plan", plan).status_code == 303
    response = _post(editor, f"{PAGE}/portfolio", {"method": "topsis"})
    assert response.status_code == 303, response.text[-3000:]
    for language, note in (
        ("uk", "початок планувався у 2026; вартість розподілено з 2027"),
        ("de", "Beginn war 2026 geplant; die Kosten sind ab 2027 eingeplant"),
        ("en", "planned to start in 2026; its cost is scheduled from 2027"),
    ):
        html = editor.get(PAGE, headers={"Accept-Language": language}).text
        funded = html.split('id="funded"')[1].split("</table>")[0]
        assert note in funded, language


def test_bad_plan_input_is_refused(workspace: Workspace) -> None:
    editor = workspace.client("editor")
    response = _post(editor, f"{PAGE}/plan", {"first_year": "2028", "last_year": "2026"})
    assert response.status_code == 422 and "increasing" in response.text
    response = _post(
        editor, f"{PAGE}/plan", {"first_year": "2026", "last_year": "2027", "debt_service_share": "ten"}
    )
    assert response.status_code == 422 and "debt_service_share" in response.text


def test_eligibility_gates_form_changes_who_is_ranked(workspace: Workspace) -> None:
    from hromada.data.demo_strategy import demo_strategy

    pipeline = demo_strategy("UA63120000000011111", "Fixture", 30_000, "rear").projects.head(3)
    costs = pipeline.set_index("key")["cost"].astype(float).sort_values()
    limit = (costs.iloc[0] + costs.iloc[1]) / 2 / 1e6  # only the cheapest project stays under the limit
    editor = workspace.client("editor")
    html = editor.get(PAGE, headers=ENGLISH).text
    gates = re.search(r'<ul id="gate-list">(.*?)</ul>', html, re.S)
    assert gates and "local co-financing at least 10%" in gates.group(1)
    assert "Cabinet of Ministers Resolutions" in html and "Not eligible" not in html
    form: dict[str, str | list[str]] = {
        "gate_cofinancing": "1", "cofinancing_min": "15", "gate_location": "1",
        "exclude_area": ["frontline", "occupied", "de-occupied"], "gate_cost": "1", "cost_max": f"{limit:.1f}",
    }  # fmt: skip
    assert _post(editor, f"{PAGE}/gates", form).status_code == 303
    html = editor.get(PAGE, headers=ENGLISH).text
    gates = re.search(r'<ul id="gate-list">(.*?)</ul>', html, re.S)
    assert gates is not None
    listed = re.findall(r"<li>(.*?)</li>", gates.group(1))
    assert listed == [
        "local co-financing at least 15%",
        "not in these areas: frontline, occupied, de-occupied",
        f"cost at most {round(limit, 1):g} million UAH",
    ]
    assert "Rules published by the municipality." in html
    assert 'name="gate_strategy" value="1" >' in html  # unchecked now
    failing = re.search(r"<h3>Not eligible</h3>\s*<ul class=\"small\">(.*?)</ul>", html, re.S)
    assert failing is not None
    for key in costs.index[1:]:
        assert f"<code>{key}</code>" in failing.group(1)
    assert "is above the limit of" in failing.group(1)
    ranked = re.search(r'id="ranking-table">(.*?)</table>', html, re.S)
    assert ranked and f"<code>{costs.index[0]}</code>" in ranked.group(1)
    assert f"<code>{costs.index[1]}</code>" not in ranked.group(1)
    # in Ukrainian and German, rules and reasons are translated
    uk = editor.get(PAGE, headers={"Accept-Language": "uk"}).text
    assert "співфінансування" in uk and "перевищує" in uk
    de = editor.get(PAGE, headers={"Accept-Language": "de"}).text
    assert "Kofinanzierung" in de and "Millionen UAH" in de
    # a threshold that is not a number is refused and nothing changes
    bad = _post(editor, f"{PAGE}/gates", {"gate_cost": "1", "cost_max": "cheap"})
    assert bad.status_code == 422 and "cost limit" in bad.text
    assert f"cost at most {round(limit, 1):g} million UAH" in editor.get(PAGE, headers=ENGLISH).text
    # the viewer sees the rules but no form; the reset returns to the default rules
    viewer_html = workspace.client("viewer").get(PAGE, headers=ENGLISH).text
    assert 'id="gate-list"' in viewer_html and f"{PAGE}/gates" not in viewer_html
    assert _post(editor, f"{PAGE}/gates", {"reset": "1"}).status_code == 303
    html = editor.get(PAGE, headers=ENGLISH).text
    assert "Cabinet of Ministers Resolutions" in html and "Not eligible" not in html
