"""`hromada projects rank | portfolio | weights | plan` on a small imported pipeline."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hromada.cli import app
from hromada.data.demo_strategy import demo_strategy

CODE = "UA63120000000012345"
CRITERIA = ["population_served", "urgency", "jobs", "readiness", "cost_per_person"]


def run(*args: str) -> tuple[int, str]:
    """Exit code and output with table borders and whitespace runs as one space (Rich draws tables with
    box characters and wraps lines at the terminal width)."""
    result = CliRunner().invoke(app, list(args))
    text = "".join(" " if "\u2500" <= c <= "\u257f" else c for c in result.output)
    return result.exit_code, " ".join(text.split())


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A municipality with the demo pipeline (one project below the co-financing gate) and sources."""
    monkeypatch.setenv("HROMADA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HROMADA_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("HROMADA_DATABASE_URL", raising=False)
    code, out = run(
        "municipality", "add", CODE, "--name-uk", "Тест", "--name-en", "Test", "--oblast", "UA63",
        "--population", "40000",
    )  # fmt: skip
    assert code == 0, out
    demo = demo_strategy(CODE, "Test", 40_000, "rear")
    pipeline = demo.projects.assign(
        documents_ready=True, strategy_aligned=True, location_status="rear", cofinancing_share=0.2
    )
    pipeline.loc[pipeline["key"] == "P-05", "cofinancing_share"] = 0.05
    pipeline.to_csv(tmp_path / "projects.csv", index=False)
    demo.sources.to_csv(tmp_path / "sources.csv", index=False)
    code, out = run("projects", "import", str(tmp_path / "projects.csv"), "-m", CODE)
    assert code == 0, out
    code, out = run("projects", "sources", str(tmp_path / "sources.csv"), "-m", CODE)
    assert code == 0, out
    return tmp_path


def test_rank_prints_the_ranking_and_the_gate_failures(place: Path) -> None:
    target = place / "ranking.xlsx"
    code, out = run("projects", "rank", CODE, "--method", "weighted_sum", "--draws", "200", "-o", str(target))
    assert code == 0, out
    assert "Ranking by weighted_sum (12 eligible projects)" in out
    assert "weights from default" in out and "population_served 0.30 (benefit)" in out
    assert (
        "Not eligible" in out and "P-05 co-financing local co-financing 5% is below the required 10%" in out
    )
    assert f"Writtento{target}." in "".join(out.split())
    sheets = pd.read_excel(target, sheet_name=None)
    assert list(sheets) == ["ranking", "criteria", "gates", "eligibility", "stability", "agreement", "about"]
    assert len(sheets["ranking"]) == 12 and sheets["eligibility"]["project"].tolist() == ["P-05"]
    top = sheets["ranking"].iloc[0]
    assert f"1 {top['key']}" in out  # the printed table starts with the same project

    csv = place / "ranking.csv"
    code, out = run("projects", "rank", CODE, "--draws", "200", "--output", str(csv))
    assert code == 0, out
    table = pd.read_csv(csv, encoding="utf-8-sig")
    assert len(table) == 12 and table["rank"].tolist() == list(range(1, 13))

    code, out = run("projects", "rank", CODE, "--output", str(place / "ranking.pdf"))
    assert code == 65 and "--output" in out and "ranking.pdf" in out
    code, out = run("projects", "rank", CODE, "--method", "electre")
    assert code == 2
    code, out = run("projects", "rank", "UA00000000000000000")
    assert code == 66


def test_plan_weights_and_portfolio(place: Path) -> None:
    revenue = place / "revenue.csv"
    revenue.write_text("year,revenue\n2026,240000000\n2027,252000000\n2028,264600000\n", encoding="utf-8")
    code, out = run(
        "projects", "plan", CODE, "--years", "2026-2028", "--revenue", str(revenue),
        "--debt-service-share", "0.1", "--max-debt-ratio", "2.0",
    )  # fmt: skip
    assert code == 0, out
    assert "Finance plan 2026-2028" in out and "2027 252.00" in out
    assert "debt service at most 10% of revenue; debt at most 2x revenue" in out
    # Options left out keep the stored revenue and limits.
    code, out = run("projects", "plan", CODE, "--years", "2026-2027")
    assert code == 0 and "2027 252.00" in out and "debt service at most 10%" in out
    code, out = run("projects", "plan", CODE, "--years", "2026-2029")
    assert code == 65 and "missing 2029" in out
    code, out = run("projects", "plan", CODE, "--years", "2026-2028", "--clear-limits")
    assert code == 0 and "none (no debt check)" in out
    code, out = run("projects", "plan", CODE, "--years", "2026-2028", "--debt-service-share", "0.1")
    assert code == 0 and "debt service at most 10% of revenue." in out
    code, out = run("projects", "plan", CODE, "--years", "twenty")
    assert code == 65 and "FIRST-LAST" in out

    judgements = place / "judgements.csv"
    rows = ["a,b,value"]
    for a, b, value in demo_strategy(CODE, "Test", 40_000, "rear").judgements:
        rows.append(f"{b},{a},1/{value:g}" if value == 2 else f"{a},{b},{value:g}")  # fractions are read
    judgements.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out = run("projects", "weights", CODE, "--judgements", str(judgements))
    assert code == 0, out
    assert "Published weights (from AHP)" in out and "Consistency ratio 0.0" in out
    weights = {name: float(out.split(f" {name} ", 1)[1].split()[0]) for name in CRITERIA}
    assert (
        sum(weights.values()) == pytest.approx(1.0, abs=0.01)
        and max(weights, key=weights.__getitem__) == "urgency"
    )
    code, out = run("projects", "rank", CODE, "--draws", "200")
    assert code == 0 and "weights from ahp (consistency ratio 0.0" in out

    cycle = {(a, b): 1.0 for i, a in enumerate(CRITERIA) for b in CRITERIA[i + 1 :]}
    cycle[("population_served", "urgency")] = 9
    cycle[("urgency", "jobs")] = 9
    cycle[("population_served", "jobs")] = 1 / 9
    judgements.write_text(
        "a,b,value\n" + "".join(f"{a},{b},{'1/9' if v < 1 else int(v)}\n" for (a, b), v in cycle.items()),
        encoding="utf-8",
    )
    code, out = run("projects", "weights", CODE, "--judgements", str(judgements))
    assert code == 65 and "inconsistent" in out and "revisit" in out
    judgements.write_text("a,b,value\nurgency,jobs,three\n", encoding="utf-8")
    code, out = run("projects", "weights", CODE, "--judgements", str(judgements))
    assert code == 65 and "value" in out and "three" in out

    workbook = place / "portfolio.xlsx"
    code, out = run("projects", "portfolio", CODE, "--years", "2026-2028", "--output", str(workbook))
    assert code == 0, out
    assert "optimal (proven), 2026-2028, priorities by topsis (weights from ahp)" in out
    assert "Funded:" in out and "Funding gap" in out
    assert "Debt check: within the limits; worst year" in out and "(limit 10%)" in out
    sheets = pd.read_excel(workbook, sheet_name=None)
    assert list(sheets) == ["selected", "funding", "cash_flow", "gap", "debt_service", "about"]
    funded = sheets["selected"]["project_id"].tolist()
    assert funded and "P-05" not in funded  # below the co-financing gate
    assert set(sheets["funding"]["project_id"]) == set(funded)
    for key in sheets["selected"]["project_id"]:
        assert f" {key} " in out
    code, out = run("projects", "portfolio", CODE, "--years", "2028-2026")
    assert code == 65 and "FIRST-LAST" in out
    # in Ukrainian: the status and the reasons of the projects left out
    code, out = run("projects", "portfolio", CODE, "--years", "2026-2028", "--locale", "uk")
    assert code == 0, out
    assert "оптимальний (доведено), 2026-2028" in out
    assert "outranked" not in out and "excludes" not in out


def test_gates_are_shown_published_from_a_file_and_reset(place: Path) -> None:
    code, out = run("projects", "gates", CODE)
    assert code == 0, out
    assert "Eligibility gates (default)" in out and "local co-financing at least 10%" in out

    rules = place / "gates.csv"
    pd.DataFrame(
        [
            {"name": "co-financing", "column": "cofinancing_share", "op": ">=", "value": "0.04", "message": ""},
            {"name": "areas", "column": "location_status", "op": "not in", "value": "frontline;occupied",
             "message": ""},
        ]
    ).to_csv(rules, index=False)  # fmt: skip
    code, out = run("projects", "gates", CODE, "--rules", str(rules))
    assert code == 0, out
    assert "Eligibility gates (municipality)" in out and "local co-financing at least 4%" in out
    assert "not in these areas: frontline, occupied" in out
    code, out = run("projects", "rank", CODE, "--draws", "100")
    assert code == 0 and "Ranking by topsis (13 eligible projects)" in out and "Not eligible" not in out

    bad = place / "gates.json"
    bad.write_text('[{"name": "x", "column": "cost", "op": "is true"}]', encoding="utf-8")
    code, out = run("projects", "gates", CODE, "--rules", str(bad))
    assert code == 65 and "gate 1 (x): cost takes" in out
    code, out = run("projects", "gates", CODE)  # nothing stored by the bad file
    assert "local co-financing at least 4%" in out

    code, out = run("projects", "gates", CODE, "--reset")
    assert code == 0 and "Eligibility gates (default)" in out


def test_rank_explains_the_gate_failures_in_the_asked_language(place: Path) -> None:
    code, out = run("projects", "rank", CODE, "--draws", "100", "--locale", "uk")
    assert code == 0, out
    assert "місцеве співфінансування 5 % нижче за потрібні 10 %" in out
    code, out = run("projects", "rank", CODE, "--draws", "100", "--locale", "fr")
    assert code == 2
