"""Tests of :mod:`hromada.io.statistics`: valid layouts and every class of problem a file can have."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from hromada.data.measures import MEASURES
from hromada.data.nace import TOTAL_CODE, nace_codes
from hromada.errors import ImportIssue, ImportValidationError, NotFoundError, ValidationError
from hromada.io import StatisticsFile, read_statistics
from hromada.io import _reader as reader_module
from hromada.io import statistics as statistics_module

R1 = "UA12020010000036542"
R2 = "UA46060250010015970"
LONG_HEADER = "region_code,year,sector_code,measure,value"
UTF8 = "UTF-8 text (save as 'CSV UTF-8')"
NUMBER = "a number (decimal point, e.g. 1234.5; spaces between digit groups are allowed)"
NUMBER_COMMA = "a number (decimal comma or point, e.g. 1234,5; spaces between digit groups are allowed)"
YEAR = "a year: a whole number from 1990 to 2100"
SECTOR = "a NACE Rev. 2 code (section, division, group or class) or _T for the total"
REGION = "a KATOTTG code: UA followed by 17 digits"
FILE = "a header row and at least one data row"


def rejected(data: bytes | Path | io.BytesIO, **options: Any) -> ImportValidationError:
    """Read a file that must be rejected; return the error."""
    options.setdefault("filename", "stats.csv")
    with pytest.raises(ImportValidationError) as caught:
        read_statistics(data, **options)
    return caught.value


def only_issue(data: bytes | Path | io.BytesIO, **options: object) -> ImportIssue:
    error = rejected(data, **options)
    assert error.total == 1, error.issues
    return error.issues[0]


def lines(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures sorted by key, without the row numbers (which depend on the layout)."""
    keys = ["region_code", "year", "sector_code", "measure"]
    return frame.drop(columns="row", errors="ignore").sort_values(keys).reset_index(drop=True)


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


# ----------------------------------------------------------------------------------------------- valid files

LONG = lines(
    LONG_HEADER + ",unit,source",
    f"{R1},2021,C,employment,1520,persons,Derzhstat",
    f"{R1},2022,C,employment,1310,,Derzhstat",
    f"{R1},2021,_T,population,49100,,",
    f"{R1},2022,_T,population,48200,persons,",
    f"{R2},2022,01.11,value_added,-12.5,UAH thousand,Derzhstat",
)
EXPECTED = pd.DataFrame(
    {
        "region_code": [R1, R1, R1, R1, R2],
        "year": np.array([2021, 2022, 2021, 2022, 2022], dtype=np.int64),
        "sector_code": ["C", "C", "_T", "_T", "01.11"],
        "measure": ["employment", "employment", "population", "population", "value_added"],
        "value": [1520.0, 1310.0, 49100.0, 48200.0, -12.5],
        "unit": ["persons", "persons", "persons", "persons", "UAH thousand"],
        "source": ["Derzhstat", "Derzhstat", "stats.csv", "stats.csv", "Derzhstat"],
        "row": np.array([2, 3, 4, 5, 6], dtype=np.int64),
    }
)


def test_long_csv_gives_the_canonical_frame() -> None:
    result = read_statistics(LONG, filename="stats.csv")
    assert isinstance(result, StatisticsFile)
    assert (result.filename, result.layout, result.n_rows_read, result.ignored_columns) == (
        "stats.csv",
        "long",
        5,
        (),
    )
    assert list(result.data.columns) == list(statistics_module.CANONICAL_COLUMNS)
    assert result.data["year"].dtype == np.int64
    assert result.data["value"].dtype == np.float64
    assert result.data["row"].dtype == np.int64
    assert all(
        result.data[c].dtype == "str" for c in ["region_code", "sector_code", "measure", "unit", "source"]
    )
    pd.testing.assert_frame_equal(result.data, EXPECTED, check_dtype=False)


def test_wide_csv_gives_the_same_figures_as_long() -> None:
    wide = lines(
        "region_code,sector_code,measure,unit,source,2021,2022",
        f"{R1},C,employment,persons,Derzhstat,1520,1310",
        f"{R1},_T,population,,,49100,48200",
        f"{R2},01.11,value_added,,Derzhstat,,-12.5",
    )
    result = read_statistics(wide, filename="stats.csv")
    assert (result.layout, result.n_rows_read) == ("wide", 3)
    assert result.data["row"].tolist() == [2, 2, 3, 3, 4]
    pd.testing.assert_frame_equal(canonical(result.data), canonical(EXPECTED), check_dtype=False)


def test_xlsx_long_and_wide_give_the_same_figures(tmp_path: Path) -> None:
    long_path = write_xlsx(
        tmp_path / "long.xlsx",
        [
            ["region_code", "year", "sector_code", "measure", "value", "unit", "source"],
            [R1, 2021, "C", "employment", 1520, "persons", "Derzhstat"],
            [R1, 2022, "C", "employment", 1310.0, None, "Derzhstat"],
            [R1, 2021, "_T", "population", "49100", None, None],
            [R1, 2022, "_T", "population", 48200, "persons", None],
            [R2, 2022, "01.11", "value_added", -12.5, "UAH thousand", "Derzhstat"],
        ],
    )
    wide_path = write_xlsx(
        tmp_path / "wide.xlsx",
        [
            ["region_code", "sector_code", "measure", "source", 2021, 2022],
            [R1, "C", "employment", "Derzhstat", 1520, 1310],
            [R1, "_T", "population", None, 49100, 48200],
            [R2, "01.11", "value_added", "Derzhstat", None, -12.5],
        ],
    )
    long = read_statistics(long_path, default_source="stats.csv")
    wide = read_statistics(wide_path, default_source="stats.csv")
    assert (long.filename, long.layout, wide.layout) == ("long.xlsx", "long", "wide")
    pd.testing.assert_frame_equal(long.data, EXPECTED, check_dtype=False)
    pd.testing.assert_frame_equal(canonical(wide.data), canonical(EXPECTED), check_dtype=False)


def test_xlsx_text_cells_need_a_decimal_point(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", [LONG_HEADER.split(","), [R1, "2022", "C", "turnover", "1 234,5"]])
    assert only_issue(path, filename=None) == ImportIssue("t.xlsx", 2, "value", NUMBER, "'1 234,5'")


def test_xlsx_is_recognised_from_its_content_and_rows_are_sheet_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        [[], ["Region_Code", " Рік ", "КВЕД", "Показник", "Значення"], [R1, 2022, "c", "employment", 7], []],
    )
    result = read_statistics(path.read_bytes())
    assert result.filename == "upload"
    assert result.data[["sector_code", "value", "row", "source"]].values.tolist() == [["C", 7.0, 3, "upload"]]


@pytest.mark.parametrize("declared", ["A1:B2", "A1:E1", "A1:XFD1048576"])
def test_xlsx_declared_dimension_is_not_trusted(tmp_path: Path, declared: str) -> None:
    """Every row and cell of the sheet is read, whatever range its ``<dimension>`` declares."""
    path = write_xlsx(
        tmp_path / "book.xlsx",
        [LONG_HEADER.split(",")] + [[R1, 1990 + i, "C", "firms", i + 1] for i in range(10)],
    )
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        contents = {name: source.read(name) for name in source.namelist()}
    xml, count = re.subn(
        r'<dimension ref="A1:E11"\s*/>', f'<dimension ref="{declared}"/>', contents[member].decode()
    )
    assert count == 1
    contents[member] = xml.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in contents.items():
            target.writestr(name, data)
    result = read_statistics(path, max_rows=20)
    assert result.data["year"].tolist() == list(range(1990, 2000))
    assert result.data["value"].tolist() == [float(i) for i in range(1, 11)]
    assert result.data["row"].tolist() == list(range(2, 12))


def test_semicolons_allow_a_decimal_comma_and_spaces_between_digit_groups() -> None:
    data = lines(
        "region_code;year;sector_code;measure;value",
        f"{R1};2022;C;turnover;1 234,5",
        f"{R1};2021;C;turnover;1\u00a0234\u00a0567",
        f"{R1};2020;C;turnover;12.25",
        f'"{R1}";"2019";"C";"turnover";"-0"',
    )
    result = read_statistics(data, filename="stats.csv")
    assert result.data["value"].tolist() == [1234.5, 1234567.0, 12.25, 0.0]
    assert result.data["unit"].unique().tolist() == ["UAH thousand"]


def test_commas_do_not_allow_a_decimal_comma() -> None:
    issue = only_issue(lines(LONG_HEADER, f'{R1},2022,C,turnover,"1234,5"'))
    assert issue == ImportIssue("stats.csv", 2, "value", NUMBER, "'1234,5'")


def test_tabs_crlf_bom_and_blank_lines() -> None:
    data = (
        "\ufeffregion_code\tyear\tsector_code\tmeasure\tvalue\r\n\r\n"
        f"{R1}\t2022\tC\tfirms\t12\r\n   \r\n\t\t\t\t\r\n{R1}\t2022\tA\tfirms\t3\r\n\r\n"
    ).encode()
    result = read_statistics(data, filename="stats.txt")
    assert result.data[["sector_code", "value", "row"]].values.tolist() == [["C", 12.0, 3], ["A", 3.0, 6]]
    assert result.n_rows_read == 2


def test_ukrainian_header_aliases_and_measure_titles() -> None:
    data = lines(
        " Код КАТОТГ ;РІК;квед;показник;значення;одиниця виміру;джерело;примітка",
        f"{R1};2022;0111;Кількість зайнятих;15;осіб;Держстат;перевірено",
        f"{R1};2022;A;Employment;20;;;",
    )
    result = read_statistics(data, filename="дані.csv")
    assert result.ignored_columns == ("примітка",)
    assert result.data[["sector_code", "measure", "unit", "source"]].values.tolist() == [
        ["01.11", "employment", "persons", "Держстат"],
        ["A", "employment", "persons", "дані.csv"],
    ]


def test_default_region_makes_the_region_column_optional(tmp_path: Path) -> None:
    data = lines("year,sector_code,measure,value", "2022,C,employment,5")
    result = read_statistics(data, filename="stats.csv", default_region=R2)
    assert result.data["region_code"].tolist() == [R2]
    filled = read_statistics(lines(LONG_HEADER, ",2022,C,employment,5"), default_region=R2)
    assert filled.data["region_code"].tolist() == [R2]
    with pytest.raises(ValidationError, match="`default_region` must be a KATOTTG code"):
        read_statistics(data, default_region="UA12")


def test_sources_path_bytes_and_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "stats.csv"
    path.write_bytes(LONG)
    from_path = read_statistics(path)
    from_bytes = read_statistics(LONG, filename="stats.csv")
    with path.open("rb") as handle:
        from_handle = read_statistics(handle)
    for result in (from_path, from_bytes, from_handle):
        assert result.filename == "stats.csv"
        pd.testing.assert_frame_equal(result.data, EXPECTED, check_dtype=False)
    with pytest.raises(NotFoundError):
        read_statistics(tmp_path / "missing.csv")


def test_population_takes_the_total_for_an_empty_sector() -> None:
    result = read_statistics(lines(LONG_HEADER, f"{R1},2022,,population,100", f"{R1},2022,total,firms,3"))
    assert result.data["sector_code"].tolist() == [TOTAL_CODE, TOTAL_CODE]


def test_progress_reports_bytes_until_the_end() -> None:
    calls: list[tuple[int, int]] = []
    read_statistics(LONG, filename="stats.csv", progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (len(LONG), len(LONG))


def test_many_pieces_with_quoted_newlines_keep_row_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_module, "_CHUNK_BYTES", 64)
    rows = [LONG_HEADER + ",source"]
    for year in range(1990, 2030):
        note = '"two\nlines, ""quoted"""' if year % 7 == 0 else "plain"
        rows.append(f"{R1},{year},C,firms,{year - 1989},{note}")
    rows.insert(15, "")
    result = read_statistics(lines(*rows), filename="stats.csv")
    assert result.data["year"].tolist() == list(range(1990, 2030))
    assert result.data["row"].tolist() == [*range(2, 16), *range(17, 43)]
    assert result.data["source"].tolist()[1995 - 1990] == 'two\nlines, "quoted"'
    with pytest.raises(ImportValidationError) as caught:
        read_statistics(lines(*rows[:30], f"{R1},2040,C,firms", *rows[30:]), filename="stats.csv")
    assert [issue.row for issue in caught.value.issues] == [31]


# ---------------------------------------------------------------------------------------- one test per error


def test_missing_required_column() -> None:
    issue = only_issue(lines("region_code,sector_code,measure,value", f"{R1},C,firms,1"))
    assert issue == ImportIssue(
        "stats.csv",
        None,
        "year",
        "a column named 'year'",
        "columns: region_code, sector_code, measure, value",
    )
    error = rejected(lines("a,b,c", "1,2,3"))
    assert [issue.column for issue in error.issues] == [
        "region_code",
        "year",
        "sector_code",
        "measure",
        "value",
    ]


def test_extra_columns_are_listed_not_rejected() -> None:
    result = read_statistics(lines(LONG_HEADER + ",comment,,2022", f"{R1},2022,C,firms,1,ok,x,"))
    assert result.ignored_columns == ("comment", "(column 7 without a header)", "2022")


def test_repeated_column() -> None:
    issue = only_issue(lines(LONG_HEADER + ",рік", f"{R1},2022,C,firms,1,2022"))
    assert issue == ImportIssue("stats.csv", 1, "рік", "one column for 'year'", "columns 'year' and 'рік'")


def test_bad_region_code() -> None:
    error = rejected(
        lines(LONG_HEADER, f"{R1},2022,C,firms,1", "UA1202001,2022,C,firms,1", ",2022,C,firms,1")
    )
    assert error.issues == [
        ImportIssue("stats.csv", 3, "region_code", REGION, "'UA1202001'"),
        ImportIssue("stats.csv", 4, "region_code", REGION, "an empty cell"),
    ]


def test_bad_sector_code() -> None:
    error = rejected(lines(LONG_HEADER, f"{R1},2022,99.99,firms,1", f"{R1},2022,,firms,1"))
    assert error.issues == [
        ImportIssue("stats.csv", 2, "sector_code", SECTOR, "'99.99'"),
        ImportIssue("stats.csv", 3, "sector_code", SECTOR, "an empty cell"),
    ]


def test_population_must_be_the_total() -> None:
    issue = only_issue(lines(LONG_HEADER, f"{R1},2022,C,population,100"))
    expected = "_T (the total): population is not broken down by sector"
    assert issue == ImportIssue("stats.csv", 2, "sector_code", expected, "'C'")


def test_bad_year() -> None:
    error = rejected(lines(LONG_HEADER, f"{R1},2022.5,C,firms,1", f"{R1},1850,C,firms,1", f"{R1},,C,firms,1"))
    assert error.issues == [
        ImportIssue("stats.csv", 2, "year", YEAR, "'2022.5'"),
        ImportIssue("stats.csv", 3, "year", YEAR, "'1850'"),
        ImportIssue("stats.csv", 4, "year", YEAR, "an empty cell"),
    ]
    issue = only_issue(lines(LONG_HEADER, f"{R1},2022,C,firms,1"), max_year=2020)
    assert issue == ImportIssue("stats.csv", 2, "year", "a year: a whole number from 1990 to 2020", "'2022'")


def test_bad_year_header_in_wide_layout() -> None:
    error = rejected(lines("region_code,sector_code,measure,1989,2020,2020", f"{R1},C,firms,1,2,3"))
    assert error.issues == [
        ImportIssue("stats.csv", 1, "1989", YEAR, "'1989'"),
        ImportIssue("stats.csv", 1, "2020", "one column for the year 2020", "two columns '2020'"),
    ]


def test_non_numeric_value() -> None:
    rows = [
        f"{R1},{2000 + i},C,firms,{text}"
        for i, text in enumerate(["abc", '"1,234.5"', "12%", "inf", "1e999"])
    ]
    error = rejected(lines(LONG_HEADER, *rows))
    assert [(issue.row, issue.column, issue.expected, issue.got) for issue in error.issues] == [
        (2, "value", NUMBER, "'abc'"),
        (3, "value", NUMBER, "'1,234.5'"),
        (4, "value", NUMBER, "'12%'"),
        (5, "value", NUMBER, "'inf'"),
        (6, "value", NUMBER, "'1e999'"),
    ]
    issue = only_issue(lines(LONG_HEADER.replace(",", ";"), f"{R1};2022;C;firms;1.234,5"))
    assert issue == ImportIssue("stats.csv", 2, "value", NUMBER_COMMA, "'1.234,5'")


def test_negative_value_where_not_allowed() -> None:
    issue = only_issue(lines(LONG_HEADER, f"{R1},2022,C,employment,-5", f"{R1},2022,C,value_added,-5"))
    expected = "a value of 0 or more (employment cannot be negative)"
    assert issue == ImportIssue("stats.csv", 2, "value", expected, "'-5'")


def test_empty_value_in_long_layout() -> None:
    issue = only_issue(lines(LONG_HEADER, f"{R1},2022,C,firms,  "))
    assert issue == ImportIssue("stats.csv", 2, "value", "a number", "an empty cell")


def test_empty_value_in_wide_layout_means_no_figure() -> None:
    result = read_statistics(lines("region_code,sector_code,measure,2020,2021", f"{R1},C,firms,,4"))
    assert result.data[["year", "value"]].values.tolist() == [[2021, 4.0]]
    issue = only_issue(lines("region_code,sector_code,measure,2020,2021", f"{R1},C,firms,,"))
    assert issue == ImportIssue(
        "stats.csv", None, None, "at least one figure in the year columns 2020, 2021", "only empty cells"
    )


def test_unknown_measure() -> None:
    issue = only_issue(lines(LONG_HEADER, f"{R1},2022,C,sales,1"))
    expected = "one of the measures employment, firms, population, turnover, value_added, wages"
    assert issue == ImportIssue("stats.csv", 2, "measure", expected, "'sales'")


def test_wrong_unit() -> None:
    issue = only_issue(
        lines(LONG_HEADER + ",unit", f"{R1},2022,C,turnover,1,UAH", f"{R1},2022,A,turnover,1,тис. грн")
    )
    expected = "the unit 'UAH thousand' of turnover (or an empty cell)"
    assert issue == ImportIssue("stats.csv", 2, "unit", expected, "'UAH'")


def test_duplicate_key() -> None:
    data = lines(
        LONG_HEADER,
        f"{R1},2022,C,firms,1",
        f"{R1},2022,01.11,firms,1",
        f"{R1},2021,C,firms,1",
        f"{R1.lower()},2022,c,firms,2",
        f"{R1},2022,0111,firms,2",
    )
    error = rejected(data)
    expected = "one figure per region_code, year, sector_code and measure"
    assert error.issues == [
        ImportIssue("stats.csv", 5, None, expected, "duplicate of row 2"),
        ImportIssue("stats.csv", 6, None, expected, "duplicate of row 3"),
    ]


def test_duplicate_key_in_wide_layout() -> None:
    data = lines("region_code,sector_code,measure,2020,2021", f"{R1},C,firms,1,2", f"{R1},C,firms,,3")
    issue = only_issue(data)
    expected = "one figure per region_code, year, sector_code and measure"
    assert issue == ImportIssue("stats.csv", 3, "2021", expected, "duplicate of row 2")


def test_windows_1251_reads_as_utf_8() -> None:
    text = (
        f"{LONG_HEADER}\n{R1},2022,_T,Чисельність населення,1\n{R1},2021,C,firms,1\n"
        f"{R1},2020,C,Кількість зайнятих,1\n"
    )
    utf8 = read_statistics(text.encode(), filename="stats.csv")
    cp1251 = read_statistics(text.encode("cp1251"), filename="stats.csv")
    pd.testing.assert_frame_equal(cp1251.data, utf8.data)
    assert cp1251.data["measure"].tolist() == ["population", "firms", "employment"]
    semicolons = text.replace(",", ";").replace(";1\n", ";1,5\n").encode("cp1251")
    assert read_statistics(semicolons, filename="stats.csv").data["value"].tolist() == [1.5, 1.5, 1.5]


def test_wrong_encoding() -> None:
    text = f"{LONG_HEADER}\n{R1},2022,_T,Bevölkerung,1\n{R1},2021,C,firms,1\n{R1},2020,C,Größe,1\n"
    data = text.encode("latin-1")
    error = rejected(data)
    offset = data.index("ö".encode("latin-1"))
    assert error.issues[0] == ImportIssue(
        "stats.csv", 2, "measure", UTF8, f"byte 0xF6 at byte offset {offset} (not valid UTF-8)"
    )
    assert [issue.row for issue in error.issues] == [2, 4]
    issue = only_issue(text.encode("utf-16"))
    assert issue == ImportIssue(
        "stats.csv", None, None, UTF8, "UTF-16 text (the file starts with a UTF-16 byte order mark)"
    )
    bom = only_issue(b"\xef\xbb\xbf" + f"{LONG_HEADER}\n{R1},2022,_T,Населення,1\n".encode("cp1251"))
    assert (bom.row, bom.column) == (2, "measure")  # a byte order mark says UTF-8: no second guess


def test_utf_8_with_lines_in_windows_1251_lists_200_lines_and_counts_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reader_module, "_CHUNK_BYTES", 256)
    rows = [f"{R1},{1990 + i % 100},_T,населення,{i}" for i in range(600)]
    bad = "населення".encode("cp1251")
    split = lines(LONG_HEADER, *rows).split(b"\n")
    data = b"\n".join(
        line.replace("населення".encode(), bad) if k % 2 == 1 else line for k, line in enumerate(split)
    )
    error = rejected(data)
    assert error.total == 300
    assert [issue.row for issue in error.issues] == list(range(2, 402, 2))
    assert {issue.column for issue in error.issues} == {"measure"}
    assert error.issues[0].got.endswith("(looks like Windows-1251)")
    header = only_issue("рік".encode("cp1251") + ",значення\n1,2\n".encode())
    assert (header.row, header.column, header.got) == (
        1,
        None,
        "byte 0xF0 at byte offset 0 (looks like Windows-1251)",
    )


@pytest.mark.parametrize(
    ("data", "got"),
    [
        (b"", "an empty file (0 bytes)"),
        (b"\xef\xbb\xbf", "an empty file (0 bytes)"),
        (b"\n \r\n\n", "only blank lines"),
        (lines(LONG_HEADER), "only a header row, no data rows"),
        (lines(LONG_HEADER, ",,,,", ""), "only a header row, no data rows"),
    ],
)
def test_empty_file(data: bytes, got: str) -> None:
    assert only_issue(data) == ImportIssue("stats.csv", None, None, FILE, got)


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(LONG)
    issue = only_issue(path, filename=None, max_bytes=100)
    assert issue == ImportIssue("big.csv", None, None, "a file of at most 100 bytes", f"{len(LONG):,} bytes")
    issue = only_issue(io.BytesIO(LONG), filename=None, max_bytes=100)
    assert issue.got == "more than 100 bytes"
    issue = only_issue(LONG, max_rows=3)
    assert issue == ImportIssue("stats.csv", None, None, "at most 3 data rows", "more than 3 data rows")
    xlsx = write_xlsx(tmp_path / "big.xlsx", [[LONG_HEADER]] + [[str(i)] for i in range(5)])
    assert only_issue(xlsx, filename=None, max_rows=3).got == "more than 3 data rows"


def test_xlsx_that_cannot_be_opened(tmp_path: Path) -> None:
    issue = only_issue(b"this is not a workbook", filename="stats.xlsx")
    assert (issue.row, issue.column, issue.expected) == (None, None, "an Excel workbook (.xlsx)")
    assert issue.got.startswith("a file that cannot be opened as one (")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "hello")
    issue = only_issue(archive.getvalue(), filename="upload")
    assert issue.got.startswith("a file that cannot be opened as one (")


def test_old_excel_and_other_file_types() -> None:
    issue = only_issue(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), filename="stats.xls")
    assert issue.got == "an Excel 97-2003 workbook (.xls)"
    issue = only_issue(b"{}", filename="stats.json")
    assert issue == ImportIssue(
        "stats.json", None, None, "a CSV file (.csv, .txt) or an Excel workbook (.xlsx)", "a '.json' file"
    )


def test_row_with_too_many_or_too_few_cells() -> None:
    error = rejected(
        lines(LONG_HEADER, f"{R1},2022,C,firms", f"{R1},2021,C,firms,1", f"{R1},2020,C,firms,1,2")
    )
    expected = "5 cells separated by commas, as in the header"
    assert error.issues == [
        ImportIssue("stats.csv", 2, None, expected, f"4 cells: '{R1},2022,C,firms'"),
        ImportIssue("stats.csv", 4, None, expected, f"6 cells: '{R1},2020,C,firms,1,2'"),
    ]


def test_all_problems_are_counted_and_the_first_200_listed() -> None:
    rows = [f"{R1},{1990 + i % 100},C,firms,x{i}" for i in range(250)]
    rows += [f"UA1,2022,{sector},firms,1" for sector in ["C", "A"]]
    error = rejected(lines(LONG_HEADER, *rows))
    assert error.total == 250 + 2 + 150  # bad numbers, bad regions, repeated keys (years repeat every 100)
    assert len(error.issues) == 200
    assert error.issues[0] == ImportIssue("stats.csv", 2, "value", NUMBER, "'x0'")
    assert [issue.row for issue in error.issues] == sorted(issue.row or 0 for issue in error.issues)
    assert error.message.endswith(f"(and {error.total - 1} more problems)")


# --------------------------------------------------------------------------------------------- round trip

SECTORS = sorted(nace_codes())


@st.composite
def statistics_tables(draw: st.DrawFn) -> tuple[pd.DataFrame, str]:
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from([R1, R2]),
                st.integers(1990, 2100),
                st.sampled_from(SECTORS),
                st.sampled_from(sorted(MEASURES)),
            ),
            min_size=1,
            max_size=30,
        )
    )
    figures = []
    seen = set()
    for region, year, sector, measure in keys:
        if not MEASURES[measure].sector_required:
            sector = TOTAL_CODE
        if (region, year, sector, measure) in seen:
            continue
        seen.add((region, year, sector, measure))
        low = -1e12 if MEASURES[measure].allow_negative else 0.0
        value = draw(st.floats(low, 1e12, allow_nan=False, allow_infinity=False))
        figures.append((region, year, sector, measure, value + 0.0))
    frame = pd.DataFrame(figures, columns=["region_code", "year", "sector_code", "measure", "value"])
    return frame, draw(st.sampled_from([",", ";", "\t"]))


@settings(max_examples=60, deadline=None, database=None)
@given(statistics_tables(), st.booleans())
def test_any_valid_table_round_trips_through_csv(table: tuple[pd.DataFrame, str], wide: bool) -> None:
    frame, delimiter = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")

    def number(value: float) -> str:
        return repr(value).replace(".", ",") if delimiter == ";" else repr(value)

    if wide:
        years = sorted(frame["year"].unique().tolist())
        writer.writerow(["region_code", "sector_code", "measure", *years])
        for (region, sector, measure), group in frame.groupby(["region_code", "sector_code", "measure"]):
            by_year = dict(zip(group["year"], group["value"], strict=True))
            cells = [number(by_year[year]) if year in by_year else "" for year in years]
            writer.writerow([region, sector, measure, *cells])
    else:
        writer.writerow(frame.columns)
        for region, year, sector, measure, value in frame.itertuples(index=False):
            writer.writerow([region, year, sector, measure, number(value)])
    result = read_statistics(buffer.getvalue().encode(), filename="stats.csv")
    assert result.layout == ("wide" if wide else "long")
    got = canonical(result.data).drop(columns=["unit", "source"])
    want = canonical(frame.assign(year=frame["year"].astype(np.int64)))
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert (result.data["unit"] == result.data["measure"].map(lambda m: MEASURES[m].default_unit)).all()
