"""Spreadsheet exports of a ranking and a funding portfolio: the tables, the XLSX workbook and the CSV."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from hromada.errors import ValidationError
from hromada.services.projects.project_exports import (
    MEDIA_TYPES,
    export_bytes,
    portfolio_tables,
    ranking_tables,
    write_tables,
)

RANKING: dict[str, Any] = {
    "method": "topsis",
    "criteria": [
        {"criterion": "population_served", "weight": 0.6, "direction": "benefit"},
        {"criterion": "cost_per_person", "weight": 0.4, "direction": "cost"},
    ],
    "weights_from": "ahp",
    "consistency_ratio": 0.031,
    "gates": [
        {
            "name": "co-financing",
            "column": "cofinancing_share",
            "op": ">=",
            "value": 0.1,
            "description": "local co-financing at least 10%",
        },
        {
            "name": "location",
            "column": "location_status",
            "op": "not in",
            "value": ["frontline", "occupied"],
            "description": "not in these areas: frontline, occupied",
        },
    ],
    "gates_from": "default",
    "failures": [
        {
            "project": "P-03",
            "gate": "co-financing",
            "reason": "local co-financing 5% is below the required 10%",
        },
        {"project": "P-03", "gate": "location", "reason": "frontline"},
        {"project": "P-04", "gate": "location", "reason": "occupied"},
    ],
    "eligible": ["P-01", "P-02"],
    "ranking": [
        {
            "key": "P-02",
            "title": "Укриття в школах",
            "rank": 1,
            "score": 0.71,
            "topsis": 1,
            "weighted_sum": 1,
            "promethee_ii": 2,
        },
        {
            "key": "P-01",
            "title": "Water plant",
            "rank": 2,
            "score": 0.42,
            "topsis": 2,
            "weighted_sum": 2,
            "promethee_ii": 1,
        },
    ],
    "agreement": [
        {
            "first": "topsis",
            "second": "weighted_sum",
            "kendall_tau_b": 1.0,
            "kendall_pvalue": 0.3,
            "spearman": 1.0,
            "spearman_pvalue": 0.0,
        },
    ],
    "stability": [
        {
            "key": "P-02",
            "base_rank": 1,
            "base_score": 0.71,
            "rank_mean": 1.1,
            "rank_std": 0.3,
            "rank_p5": 1,
            "rank_p95": 2,
            "p_first": 0.9,
            "p_top_k": 1.0,
        },
        {
            "key": "P-01",
            "base_rank": 2,
            "base_score": 0.42,
            "rank_mean": 1.9,
            "rank_std": 0.3,
            "rank_p5": 1,
            "rank_p95": 2,
            "p_first": 0.1,
            "p_top_k": 1.0,
        },
    ],
    "top_k_unchanged": 0.8,
    "draws": 500,
    "trace": {},
}

RESULTS: dict[str, Any] = {
    "status": "optimal",
    "objective": 1.13,
    "mip_gap": 0.0,
    "years": [2026, 2027],
    "selected": [
        {
            "project_id": "P-02",
            "priority": 0.71,
            "cost": 1_000_000.0,
            "EIB": 799_999.996,
            "OWN": 200_000.004,
            "own_share": 0.2,
            "loan_share": 0.8,
            "title": "Укриття в школах",
        },
        {
            "project_id": "P-01",
            "priority": 0.42,
            "cost": 500_000.0,
            "EIB": 0.0,
            "OWN": 500_000.0,
            "own_share": 1.0,
            "loan_share": 0.0,
            "title": "Water plant",
            "note": "planned to start in 2025; its cost is scheduled from 2026",
        },
    ],
    "funding": [
        {"project_id": "P-02", "source_id": "EIB", "kind": "ifi_loan", "year": 2026, "amount": 799_999.996},
        {"project_id": "P-02", "source_id": "OWN", "kind": "own_budget", "year": 2026, "amount": 200_000.004},
        {"project_id": "P-01", "source_id": "OWN", "kind": "own_budget", "year": 2027, "amount": 500_000.0},
    ],
    "cash_flow": [
        {
            "year": 2026,
            "source_id": "EIB",
            "kind": "ifi_loan",
            "available": 900_000.0,
            "used": 800_000.0,
            "remaining": 100_000.0,
        },
        {
            "year": 2026,
            "source_id": "OWN",
            "kind": "own_budget",
            "available": 300_000.0,
            "used": 200_000.0,
            "remaining": 100_000.0,
        },
    ],
    "gap": [
        {
            "project_id": "P-05",
            "priority": 0.3,
            "cost": 750_000.0,
            "reason": "no eligible money left",
            "title": "Bridge",
        },
    ],
    "funding_gap": 750_000.0,
    "debt_service": [
        {"year": 2026, "revenue": 9e6, "limit": 9e5, "existing": 0.0, "new": 0.0, "total": 0.0},
        {"year": 2027, "revenue": 9.5e6, "limit": 9.5e5, "existing": 0.0, "new": 24_000.0, "total": 24_000.0},
    ],
    "debt_check": {
        "checked": True,
        "limit_share": 0.1,
        "worst_year": 2027,
        "worst_share": 0.0025,
        "within": True,
    },
    "dependencies": [["P-07", "P-01"]],
    "exclusions": [["P-06", "P-13"]],
    "explanation": ["P-05 is left out: no eligible money left"],
    "seconds": 0.1,
    "ranking_method": "topsis",
    "criteria": RANKING["criteria"],
    "weights_from": "ahp",
}


def _about(table: pd.DataFrame) -> dict[str, Any]:
    return dict(zip(table["item"], table["value"], strict=True))


def test_ranking_tables() -> None:
    tables = ranking_tables(RANKING)
    assert list(tables) == ["ranking", "criteria", "gates", "eligibility", "stability", "agreement", "about"]
    ranking = tables["ranking"]
    assert list(ranking.columns) == [
        "key",
        "title",
        "rank",
        "score",
        "topsis_rank",
        "weighted_sum_rank",
        "promethee_ii_rank",
    ]
    assert ranking["key"].tolist() == ["P-02", "P-01"] and ranking["rank"].tolist() == [1, 2]
    assert ranking["promethee_ii_rank"].tolist() == [2, 1]
    assert tables["criteria"].to_dict(orient="records") == RANKING["criteria"]
    eligibility = tables["eligibility"]
    assert list(eligibility.columns) == ["project", "gate", "reason"]
    assert eligibility["project"].tolist() == ["P-03", "P-03", "P-04"]  # one row per failed gate
    stability = tables["stability"]
    assert stability.set_index("key").loc["P-02", "title"] == "Укриття в школах"
    assert stability["p_first"].sum() == pytest.approx(1.0)
    assert tables["agreement"][["first", "second"]].values.tolist() == [["topsis", "weighted_sum"]]
    about = _about(tables["about"])
    assert about["method"] == "topsis" and about["weights_from"] == "ahp"
    assert about["consistency_ratio"] == pytest.approx(0.031) and about["eligible_projects"] == 2
    assert about["gates_from"] == "default"
    gates = tables["gates"]
    assert gates.columns.tolist() == ["name", "rule", "column", "op", "value"]
    assert gates.values.tolist() == [
        ["co-financing", "local co-financing at least 10%", "cofinancing_share", ">=", "0.1"],
        [
            "location",
            "not in these areas: frontline, occupied",
            "location_status",
            "not in",
            "frontline, occupied",
        ],
    ]


def test_ranking_tables_without_enough_eligible_projects_keep_their_columns() -> None:
    few = {**RANKING, "eligible": ["P-01"], "ranking": [], "agreement": [], "stability": []}
    for key in ("top_k_unchanged", "draws", "trace"):
        few.pop(key)
    tables = ranking_tables(few)
    assert tables["ranking"].empty and "promethee_ii_rank" in tables["ranking"].columns
    assert tables["stability"].empty and "p_first" in tables["stability"].columns
    assert len(tables["eligibility"]) == 3
    assert _about(tables["about"])["draws"] == ""


def test_portfolio_tables() -> None:
    tables = portfolio_tables(RESULTS)
    assert list(tables) == ["selected", "funding", "cash_flow", "gap", "debt_service", "about"]
    selected = tables["selected"]
    assert list(selected.columns) == [
        "project_id",
        "title",
        "priority",
        "cost",
        "EIB",
        "OWN",
        "own_share",
        "loan_share",
        "note",
    ]
    assert selected["EIB"].tolist() == [800_000.0, 0.0]  # money rounded to kopiykas
    assert (selected[["EIB", "OWN"]].sum(axis=1) == selected["cost"]).all()
    assert selected["note"].isna().tolist() == [True, False]
    assert tables["funding"]["amount"].sum() == pytest.approx(1_500_000.0)
    assert list(tables["cash_flow"].columns) == [
        "year",
        "source_id",
        "kind",
        "available",
        "used",
        "remaining",
    ]
    assert tables["gap"].to_dict(orient="records") == [
        {
            "project_id": "P-05",
            "title": "Bridge",
            "priority": 0.3,
            "cost": 750_000.0,
            "reason": "no eligible money left",
        },
    ]
    # Without a debt ratio the outstanding-debt columns are left out.
    assert list(tables["debt_service"].columns) == ["year", "revenue", "limit", "existing", "new", "total"]
    about = _about(tables["about"])
    assert about["years"] == "2026-2027" and about["funding_gap"] == 750_000.0
    assert about["debt_check.within"] is True and about["explanation"] == RESULTS["explanation"][0]
    assert about["dependencies"] == "P-07 needs P-01" and about["exclusions"] == "P-06 or P-13"


def test_portfolio_tables_of_an_empty_selection() -> None:
    empty = {**RESULTS, "selected": [], "funding": [], "cash_flow": [], "debt_service": []}
    tables = portfolio_tables(empty)
    assert tables["selected"].empty
    assert list(tables["selected"].columns) == [
        "project_id",
        "title",
        "priority",
        "cost",
        "own_share",
        "loan_share",
    ]
    assert tables["funding"].empty and "amount" in tables["funding"].columns


def test_xlsx_round_trips_with_a_sheet_per_table(tmp_path: Path) -> None:
    tables = portfolio_tables(RESULTS)
    path = tmp_path / "out" / "portfolio.xlsx"
    write_tables(tables, path)
    assert sorted(p.name for p in path.parent.iterdir()) == ["portfolio.xlsx"]  # no temporary file left
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == list(tables)
    for name, table in tables.items():
        if name != "about":  # mixed text, numbers and booleans in one column
            pd.testing.assert_frame_equal(sheets[name], table, check_dtype=False)
    assert sheets["selected"].loc[0, "title"] == "Укриття в школах"
    workbook = openpyxl.load_workbook(path)
    assert workbook["selected"].freeze_panes == "A2"

    content, media_type, extension = export_bytes(ranking_tables(RANKING), "xlsx")
    assert media_type == MEDIA_TYPES["xlsx"] and extension == "xlsx"
    sheets = pd.read_excel(io.BytesIO(content), sheet_name=None)
    assert list(sheets) == ["ranking", "criteria", "gates", "eligibility", "stability", "agreement", "about"]
    assert sheets["ranking"]["key"].tolist() == ["P-02", "P-01"]


def test_csv_holds_the_main_table_and_opens_in_a_spreadsheet(tmp_path: Path) -> None:
    content, media_type, extension = export_bytes(ranking_tables(RANKING), "csv")
    assert media_type.startswith("text/csv") and extension == "csv"
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark spreadsheet programs need for UTF-8
    table = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    assert list(table.columns)[:4] == ["key", "title", "rank", "score"]
    assert table["title"].tolist() == ["Укриття в школах", "Water plant"]
    path = tmp_path / "selected.CSV"
    write_tables(portfolio_tables(RESULTS), path)
    selected = pd.read_csv(path, encoding="utf-8-sig")
    assert selected["project_id"].tolist() == ["P-02", "P-01"] and "OWN" in selected.columns


def test_bad_formats_and_names_are_refused(tmp_path: Path) -> None:
    tables = ranking_tables(RANKING)
    with pytest.raises(ValidationError, match="`fmt` must be one of csv, xlsx; got 'parquet'"):
        write_tables(tables, tmp_path / "r.parquet")
    with pytest.raises(ValidationError, match="buffer"):
        write_tables(tables, io.BytesIO())
    with pytest.raises(ValidationError, match="at least one table"):
        export_bytes({}, "xlsx")
    with pytest.raises(ValidationError, match="sheet names"):
        export_bytes({"a/b": tables["ranking"]}, "xlsx")
    assert not list(tmp_path.iterdir())
