"""The one export writer neutralises formulas (OWASP "CSV Injection": a cell starting with =, +, -, @, tab or
carriage return is prefixed with a single quote), in CSV and XLSX alike, and leaves numbers alone."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from hromada.io.exports import FORMULA_TRIGGERS, export_bytes, neutralise

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_is_prefixed(text: str) -> None:
    assert neutralise(text) == "'" + text


def test_harmless_values_are_unchanged() -> None:
    assert neutralise("Школа №3") == "Школа №3"
    assert neutralise("a=b") == "a=b"
    assert neutralise(-5.0) == -5.0
    assert neutralise(None) is None
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


def _tables() -> dict[str, pd.DataFrame]:
    return {
        "ranking": pd.DataFrame(
            {"key": [f"P{i}" for i in range(len(HOSTILE))], "title": HOSTILE, "score": [-1.5] * len(HOSTILE)}
        )
    }


def test_csv_export_cannot_execute() -> None:
    content, media_type, _ = export_bytes(_tables(), "csv")
    assert media_type.startswith("text/csv")
    frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", keep_default_na=False)
    for cell in frame["title"]:
        assert cell.startswith("'"), cell
    assert (frame["score"] == -1.5).all()  # numbers stay numbers


def test_xlsx_export_holds_no_formula() -> None:
    content, _, _ = export_bytes(_tables(), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content))["ranking"]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    titles = [row[1].value for row in sheet.iter_rows(min_row=2)]
    # XLSX keeps no bare carriage return (openpyxl reads it back as a line feed); the prefix is what matters.
    assert titles == ["'" + text.replace("\r", "\n") for text in HOSTILE]
    assert [row[2].value for row in sheet.iter_rows(min_row=2)] == [-1.5] * len(HOSTILE)
