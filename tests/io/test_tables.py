"""Tests of :func:`hromada.io.tables.read_table`: every table import reads files as statistics does."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from hromada.errors import ImportIssue, ImportValidationError, NotFoundError, ValidationError
from hromada.io import read_statistics
from hromada.io.tables import read_table

TEXT = ("key", "sector")
REQUIRED = ("key", "title", "sector", "cost")
HEADER = ["key", "title", "sector", "cost", "share", "ready", "start_year", "note"]
ROWS: list[list[object]] = [
    ["P-01", "Дах школи № 3", "education", 1_500_000, 0.1, True, 2025, "Київ, «центр»"],
    ["P-02", "Амбулаторія", "health", 250_000.5, None, False, None, None],
    ["P-03", "Міст через річку Рось", "transport", 98_765.25, 0.35, True, 2026, "ґанок і їжак"],
]


def csv_text(delimiter: str = ",", decimal: str = ".") -> str:
    """ROWS as CSV text; the cells that need it are quoted."""

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        text = str(value).replace(".", decimal) if isinstance(value, float) else str(value)
        return f'"{text}"' if delimiter in text or '"' in text else text

    lines = [delimiter.join(HEADER)] + [delimiter.join(cell(value) for value in row) for row in ROWS]
    return "\r\n".join(lines) + "\r\n"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def with_dimension(path: Path, ref: str) -> Path:
    """Rewrite the first sheet's declared ``<dimension>`` (as a careless exporter may write it)."""
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        contents = {name: source.read(name) for name in source.namelist()}
    xml = contents[member].decode()
    assert re.search(r'<dimension ref="[^"]*"\s*/>', xml)
    contents[member] = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in contents.items():
            target.writestr(name, data)
    return path


def rejected(path: Path, **options: Any) -> ImportValidationError:
    with pytest.raises(ImportValidationError) as caught:
        read_table(path, required=options.pop("required", REQUIRED), text_columns=TEXT)
    assert all(issue.file == path.name for issue in caught.value.issues)
    return caught.value


@pytest.fixture
def expected(tmp_path: Path) -> pd.DataFrame:
    return read_table(write(tmp_path / "utf8.csv", csv_text().encode()), required=REQUIRED, text_columns=TEXT)


# ----------------------------------------------------------------------------------------------- encodings


def test_utf8_comma_csv_is_typed_as_pandas_types_it(expected: pd.DataFrame) -> None:
    assert list(expected.columns) == HEADER
    assert expected["cost"].tolist() == [1_500_000.0, 250_000.5, 98_765.25]
    assert expected["cost"].dtype == np.float64
    assert expected["share"].tolist()[::2] == [0.1, 0.35] and np.isnan(expected["share"][1])
    assert expected["ready"].dtype == bool and expected["ready"].tolist() == [True, False, True]
    assert expected["start_year"].dtype == np.float64  # whole numbers with a gap, as pandas reads them
    assert expected["title"][0] == "Дах школи № 3"
    assert expected["note"][0] == "Київ, «центр»" and pd.isna(expected["note"][1])


def test_numeric_columns_parse_as_pandas_read_csv_did(tmp_path: Path) -> None:
    """The reader before this one was pandas.read_csv: every column comes back the same."""
    text = (
        "key,count,amount,share,flag,empty,mixed,year,code,maybe\n"
        "01,3,1e6,0.5,true,,x,2024,007,True\n"
        "02,+4,-2.25,NA,False,,12,2025,010,\n"
        ",-5,7,n/a,TRUE,, y ,2026,011,false\n"
    )
    path = write(tmp_path / "types.csv", text.encode())
    got = read_table(path, required=("key",), text_columns=("key", "code"))
    before = pd.read_csv(path, dtype={"key": str, "code": str}, encoding="utf-8-sig", keep_default_na=True)
    pd.testing.assert_frame_equal(got, before)
    assert got["count"].dtype == np.int64 and got["year"].dtype == np.int64
    assert got["code"].tolist() == ["007", "010", "011"]


def test_windows_1251_semicolons_and_decimal_commas_read_as_utf8_commas(
    tmp_path: Path, expected: pd.DataFrame
) -> None:
    data = csv_text(";", ",").encode("cp1251")
    assert b"1500000;" in data and b"250000,5" in data
    got = read_table(write(tmp_path / "excel.csv", data), required=REQUIRED, text_columns=TEXT)
    pd.testing.assert_frame_equal(got, expected)


def test_group_spaces_in_numbers(tmp_path: Path) -> None:
    data = "key;cost\nP-01;1 500 000,5\nP-02;\u00a0250\u00a0000\n".encode("cp1251")
    got = read_table(write(tmp_path / "spaces.csv", data), required=("key", "cost"))
    assert got["cost"].tolist() == [1_500_000.5, 250_000.0]


def test_decimal_comma_only_in_semicolon_files(tmp_path: Path) -> None:
    got = read_table(write(tmp_path / "commas.csv", b'key,cost\nP-01,"1,5"\n'), required=("key", "cost"))
    assert got["cost"].tolist() == ["1,5"]


def test_utf8_with_byte_order_mark(tmp_path: Path, expected: pd.DataFrame) -> None:
    data = b"\xef\xbb\xbf" + csv_text().encode()
    got = read_table(write(tmp_path / "bom.csv", data), required=REQUIRED, text_columns=TEXT)
    pd.testing.assert_frame_equal(got, expected)
    assert got.columns[0] == "key"


def test_tab_separated(tmp_path: Path, expected: pd.DataFrame) -> None:
    got = read_table(
        write(tmp_path / "tabs.csv", csv_text("\t").encode()), required=REQUIRED, text_columns=TEXT
    )
    pd.testing.assert_frame_equal(got, expected)


def test_statistics_and_tables_read_the_same_windows_1251_file(tmp_path: Path) -> None:
    region = "UA12020010000036542"
    text = f"код катотг;рік;квед;показник;значення\n{region};2022;C;Кількість зайнятих;1 520,5\n"
    path = write(tmp_path / "stats.csv", text.encode("cp1251"))
    figures = read_statistics(path).data
    table = read_table(path, required=("рік", "значення"), text_columns=("квед",))
    assert figures["value"].tolist() == table["значення"].tolist() == [1520.5]
    assert table["показник"].tolist() == ["Кількість зайнятих"]


# ---------------------------------------------------------------------------------------------------- XLSX


def test_xlsx_reads_as_the_csv(tmp_path: Path, expected: pd.DataFrame) -> None:
    path = write_xlsx(tmp_path / "projects.xlsx", [HEADER, *ROWS])
    got = read_table(path, required=REQUIRED, text_columns=TEXT)
    pd.testing.assert_frame_equal(got, expected)


def test_xlsx_whose_dimension_lies_yields_every_row(tmp_path: Path) -> None:
    rows = [["key", "title", "sector", "cost"]] + [[f"P-{i:02d}", f"t{i}", "health", i] for i in range(1, 11)]
    path = with_dimension(write_xlsx(tmp_path / "lying.xlsx", rows), "A1:D2")
    got = read_table(path, required=REQUIRED, text_columns=TEXT)
    assert len(got) == 10
    assert got["key"].tolist() == [f"P-{i:02d}" for i in range(1, 11)]
    assert got["cost"].tolist() == list(range(1, 11))
    narrow = with_dimension(write_xlsx(tmp_path / "narrow.xlsx", rows), "A1:B2")  # columns beyond it too
    assert read_table(narrow, required=REQUIRED).shape == (10, 4)


def test_xlsx_cells_as_text_dates_and_blank_rows(tmp_path: Path) -> None:
    import datetime as dt

    rows: list[list[object]] = [
        ["key", "cost", "cost_date", "ready"],
        ["P-01", 10, dt.datetime(2024, 1, 31), True],
        [None, None, None, None],
        ["P-02", 2.5, dt.datetime(2024, 2, 1, 12, 30), False],
        [None, None, None, None],
    ]
    got = read_table(write_xlsx(tmp_path / "dates.xlsx", rows), required=("key",), text_columns=("key",))
    assert len(got) == 3  # the blank row in the middle stays (its row number is kept), the last goes
    assert got["cost_date"].tolist()[::2] == ["2024-01-31", "2024-02-01T12:30:00"]
    assert got["cost"].tolist()[::2] == [10.0, 2.5]
    assert pd.isna(got["key"][1])


# -------------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("data", "got"),
    [
        (b"", "an empty file (0 bytes)"),
        (b"\xef\xbb\xbf", "an empty file (0 bytes)"),
        (b"\r\n  \n", "only blank lines"),
    ],
)
def test_empty_file(tmp_path: Path, data: bytes, got: str) -> None:
    error = rejected(write(tmp_path / "empty.csv", data))
    assert error.issues == [
        ImportIssue("empty.csv", None, None, "a header row and at least one data row", got)
    ]


def test_empty_worksheet(tmp_path: Path) -> None:
    error = rejected(write_xlsx(tmp_path / "empty.xlsx", []))
    assert error.issues[0].got == "an empty worksheet"


def test_header_only_gives_an_empty_table(tmp_path: Path) -> None:
    got = read_table(write(tmp_path / "header.csv", b"key,title,sector,cost\n"), required=REQUIRED)
    assert list(got.columns) == list(REQUIRED) and len(got) == 0


def test_bad_encoding_names_the_file_row_and_column(tmp_path: Path) -> None:
    data = "key,title,sector,cost\nP-01,Größe,health,1\nP-02,Straße,health,2\n".encode("latin-1")
    error = rejected(write(tmp_path / "latin.csv", data))
    assert [(issue.row, issue.column) for issue in error.issues] == [(2, "title"), (3, "title")]
    assert error.issues[0].expected == "UTF-8 text (save as 'CSV UTF-8')"
    offset = data.index("ö".encode("latin-1"))
    assert error.issues[0].got == f"byte 0xF6 at byte offset {offset} (not valid UTF-8)"
    utf16 = rejected(write(tmp_path / "utf16.csv", "key,title\nP-01,x\n".encode("utf-16")))
    assert utf16.issues[0].got == "UTF-16 text (the file starts with a UTF-16 byte order mark)"


def test_utf8_with_a_line_in_windows_1251_is_refused(tmp_path: Path) -> None:
    data = "key,title,sector,cost\nP-01,Дах школи,health,1\n".encode() + "P-02,Міст,health,2\n".encode(
        "cp1251"
    )
    error = rejected(write(tmp_path / "mixed.csv", data))
    assert [(issue.row, issue.column) for issue in error.issues] == [(3, "title")]
    assert error.issues[0].got.endswith("(looks like Windows-1251)")


def test_missing_columns_are_listed(tmp_path: Path) -> None:
    error = rejected(write(tmp_path / "cols.csv", b"Key, Title \nP-01,x\n"))
    assert error.issues == [
        ImportIssue("cols.csv", None, "sector", "a column named 'sector'", "columns: key, title"),
        ImportIssue("cols.csv", None, "cost", "a column named 'cost'", "columns: key, title"),
    ]
    assert "cols.csv: missing column(s) sector, cost; found key, title" in error.message


def test_rows_with_the_wrong_number_of_cells(tmp_path: Path) -> None:
    data = b"key;title;sector;cost\nP-01;x;health\nP-02;y;health;2\nP-03;z;health;3;4\n"
    error = rejected(write(tmp_path / "ragged.csv", data))
    expected = "4 cells separated by semicolons, as in the header"
    assert error.issues == [
        ImportIssue("ragged.csv", 2, None, expected, "3 cells: 'P-01;x;health'"),
        ImportIssue("ragged.csv", 4, None, expected, "5 cells: 'P-03;z;health;3;4'"),
    ]


def test_repeated_column_names(tmp_path: Path) -> None:
    error = rejected(write(tmp_path / "twice.csv", b"key,title,sector,cost,Cost\nP-01,x,health,1,2\n"))
    assert error.issues == [
        ImportIssue("twice.csv", 1, "Cost", "one column named 'cost'", "columns 'cost' and 'Cost'")
    ]


def test_not_a_table(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        read_table(tmp_path / "missing.csv", required=())
    with pytest.raises(ValidationError, match="file type"):
        read_table(write(tmp_path / "x.json", b"{}"), required=())
    error = rejected(write(tmp_path / "broken.xlsx", b"not a workbook"))
    assert error.issues[0].expected == "an Excel workbook (.xlsx)"
    old = rejected(write(tmp_path / "old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)))
    assert old.issues[0].got == "an Excel 97-2003 workbook (.xls)"


def test_parquet(tmp_path: Path, expected: pd.DataFrame) -> None:
    path = tmp_path / "t.parquet"
    expected.rename(columns={"key": " KEY "}).to_parquet(path)
    got = read_table(path, required=REQUIRED, text_columns=TEXT)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    with pytest.raises(ImportValidationError, match=r"t\.parquet: missing column\(s\) budget"):
        read_table(path, required=("budget",))
