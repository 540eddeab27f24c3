"""Hostile files are refused with a clear message before they cost memory: a "zip bomb" XLSX (a small file that
unpacks to a huge shared string), cells longer than a spreadsheet can hold, and a sheet whose declared
dimension hides rows (all rows are read)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from hromada.errors import ImportValidationError
from hromada.io import _reader
from hromada.io.statistics import read_statistics
from hromada.io.tables import read_table

R1 = "UA63120000000012345"


def _workbook(path: Path, rows: list[list[object]], *, placeholder: str = "", text: str = "") -> Path:
    """Save ``rows`` as XLSX; then put ``text`` where ``placeholder`` is, in the XML itself (openpyxl would
    cut a long text to 32,767 characters, as Excel does, so a hostile file is made by hand)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if placeholder:
                data = data.replace(placeholder.encode(), text.encode())
            target.writestr(item, data)
    return path


def _bomb(tmp_path: Path, unpacked_chars: int) -> Path:
    """A workbook whose one text cell is ``unpacked_chars`` repeated letters (packs about 1000:1)."""
    return _workbook(
        tmp_path / "bomb.xlsx",
        [["year", "sector_code", "measure", "value", "source"], [2022, "10", "employment", 1, "PLACEHOLDER"]],
        placeholder="PLACEHOLDER",
        text="A" * unpacked_chars,
    )


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = _bomb(tmp_path, 30_000_000)
    assert path.stat().st_size < 200_000  # 30 MB of text in a small file
    with pytest.raises(ImportValidationError) as caught:
        read_statistics(path, default_region=R1)
    (issue,) = caught.value.issues
    assert issue.file == "bomb.xlsx" and "zip bomb" in issue.expected and "packed into" in issue.got
    with pytest.raises(ImportValidationError, match="zip bomb"):
        read_table(path, required=("year",))


def test_an_archive_too_large_unpacked_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_reader, "MAX_UNPACKED_BYTES", 1_000)
    path = _bomb(tmp_path, 10)
    with pytest.raises(ImportValidationError) as caught:
        read_table(path, required=("year",))
    assert "unpacks to at most 1,000 bytes" in caught.value.issues[0].expected


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_cell_longer_than_a_spreadsheet_allows_is_refused_naming_it(tmp_path: Path, kind: str) -> None:
    long = "x" * (_reader.MAX_CELL_CHARS + 1)
    if kind == "csv":
        path = tmp_path / "long.csv"
        path.write_text(
            f"year,sector_code,measure,value,source\n2022,10,employment,1,ok\n2023,10,employment,2,{long}\n"
        )
    else:
        rows: list[list[object]] = [
            ["year", "sector_code", "measure", "value", "source"],
            [2022, "10", "employment", 1, "ok"],
            [2023, "10", "employment", 2, "PLACEHOLDER"],
        ]
        path = _workbook(tmp_path / "long.xlsx", rows, placeholder="PLACEHOLDER", text=long)
    with pytest.raises(ImportValidationError) as caught:
        read_statistics(path, default_region=R1)
    (issue,) = caught.value.issues
    assert (issue.row, issue.column) == (3, "source")
    assert issue.expected == "a cell of at most 32,767 characters" and issue.got == "32,768 characters"


def test_a_cell_at_the_limit_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "edge.csv"
    path.write_text(f"key,title\nP-01,{'я' * _reader.MAX_CELL_CHARS}\n", encoding="utf-8")
    frame = read_table(path, required=("key",), text_columns=("key", "title"))
    assert len(str(frame.loc[0, "title"])) == _reader.MAX_CELL_CHARS


def test_a_lying_dimension_hides_no_rows(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["year", "sector_code", "measure", "value"])
    for k in range(10):
        sheet.append([2010 + k, "10", "employment", k])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index("<dimension ref=")
                end = text.index("/>", start) + 2
                data = (text[:start] + '<dimension ref="A1:D2"/>' + text[end:]).encode()
            target.writestr(item, data)
    path = tmp_path / "lying.xlsx"
    path.write_bytes(out.getvalue())
    frame = read_table(path, required=("year", "value"))
    assert len(frame) == 10
