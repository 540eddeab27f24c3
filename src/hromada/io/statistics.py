"""Read municipal statistics from CSV and Excel files, checking every cell before anything is stored.

Statistics enter Hromada as a table of figures: one figure per territorial community (hromada), year,
economic sector and measure. A file is either *read completely* or *rejected with a list of all its problems*
(each naming the row, the column, what was expected and what was found); nothing is ever half-imported.

File types
----------
- **CSV** (``.csv``, ``.txt``): UTF-8 text (a byte order mark is allowed, so Excel's "CSV UTF-8" works).
  Cells are separated by commas, semicolons or tabs; the separator is recognised from the header line.
  Cells may be quoted with ``"``.
- **Excel** (``.xlsx``): the first worksheet is read. Numbers in number cells are taken as they are.

The first non-empty row is the header. Header names are matched ignoring case, surrounding spaces, and the
difference between spaces, ``_`` and ``-``; Ukrainian (and German) names are accepted too. Columns with other
names are ignored (and listed in :attr:`StatisticsFile.ignored_columns`). Empty rows are skipped.

Columns
-------
============== ============================================ ============================================
column         accepted names                               content
============== ============================================ ============================================
region_code    region_code, region, katottg, код катотг,    KATOTTG code of the community: ``UA`` and 17
               код громади                                  digits. Optional when the importer is told
                                                            which community the file is about; an empty
                                                            cell then means that community.
year           year, рік, jahr                              year, e.g. ``2021``
sector_code    sector_code, sector, nace, kved, квед,       NACE Rev. 2 (KVED-2010) code at any level:
               код квед, сектор                             section ``C``, division ``10``, group
                                                            ``10.1`` or class ``10.11`` (``1011`` is read
                                                            as ``10.11``), or ``_T`` for the total of all
                                                            sectors
measure        measure, indicator, показник, індикатор      ``employment``, ``firms``, ``turnover``,
                                                            ``wages``, ``population`` or ``value_added``
                                                            (the English or Ukrainian title also works)
value          value, значення, wert                        the figure
unit           unit, одиниця, одиниця виміру, einheit       optional; must be the measure's unit
source         source, джерело, quelle                      optional; where the figure comes from
============== ============================================ ============================================

Units are fixed per measure: employment and population in ``persons``, firms as a ``count``, turnover and
value added in ``UAH thousand``, wages in ``UAH per month``. An empty ``unit`` cell (or no ``unit`` column)
means the measure's unit; a different unit is an error (convert the figures first). Population is not broken
down by sector: its sector must be ``_T`` (an empty sector cell is read as ``_T`` for population only).
Only value added may be negative. An empty ``source`` means the source named at import, or the file name.

Numbers use a decimal point: ``1234.5``. Spaces (also non-breaking spaces) between digit groups are allowed:
``1 234.5``. A decimal comma (``1234,5`` or ``1 234,5``) is accepted only in CSV files whose cells are
separated by semicolons, as Ukrainian and German Excel save them. Anything else (``1,234.5``, ``12%``,
``n/a``) is an error.

Long layout
-----------
One figure per row, with a ``year`` and a ``value`` column::

    region_code,year,sector_code,measure,value
    UA12020010000036542,2021,C,employment,1520
    UA12020010000036542,2022,C,employment,1310
    UA12020010000036542,2022,_T,population,48200

The same with Ukrainian headers, semicolons and decimal commas::

    код катотг;рік;квед;показник;значення;джерело
    UA12020010000036542;2022;10.11;turnover;15 230,5;Держстат

Wide layout
-----------
One row per community, sector and measure, one column per year (the header is the year). An empty year
cell means "no figure for that year"::

    region_code,sector_code,measure,unit,2020,2021,2022
    UA12020010000036542,C,employment,persons,1600,1520,1310
    UA12020010000036542,_T,population,,49100,,48200

A file with a ``year`` or ``value`` column is read as long, otherwise a file with year columns as wide.

Checks
------
The whole file is checked and every problem is reported: missing columns, unreadable text (the file must be
UTF-8; save as "CSV UTF-8"), rows with too many or too few cells, KATOTTG and NACE codes, years (from 1990 to
2100 unless told otherwise), numbers, negative figures, empty figures, unknown measures, wrong units, and the
same community, year, sector and measure appearing twice. Very large files are refused before they are
read completely (2 GB or 50 million rows by default).

Examples
--------
>>> csv_text = b"region_code,year,sector_code,measure,value\\nUA12020010000036542,2022,C,employment,1310\\n"
>>> result = read_statistics(csv_text, filename="employment.csv")
>>> result.layout
'long'
>>> result.data[["region_code", "year", "sector_code", "value", "unit"]].to_dict("records")
[{'region_code': 'UA12020010000036542', 'year': 2022, 'sector_code': 'C', 'value': 1310.0, 'unit': 'persons'}]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import re
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from hromada.data.measures import MEASURES, Measure, find_measure, normalize_label
from hromada.data.nace import TOTAL_CODE, nace_codes, normalize_nace_codes
from hromada.errors import (
    ConfigurationError,
    ImportIssue,
    ImportValidationError,
    NotFoundError,
    ValidationError,
)

__all__ = [
    "CANONICAL_COLUMNS",
    "COLUMN_ALIASES",
    "ISSUE_LIMIT",
    "StatisticsFile",
    "read_statistics",
]

logger = logging.getLogger(__name__)

CANONICAL_COLUMNS: Final[tuple[str, ...]] = (
    "region_code",
    "year",
    "sector_code",
    "measure",
    "value",
    "unit",
    "source",
    "row",
)
"""Columns of :attr:`StatisticsFile.data`, in this order."""

COLUMN_ALIASES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "region_code": (
            "region_code",
            "region",
            "katottg",
            "katottg code",
            "катотг",
            "код катотг",
            "код громади",
            "код території",
        ),
        "year": ("year", "рік", "jahr"),
        "sector_code": ("sector_code", "sector", "nace", "nace code", "kved", "квед", "код квед", "сектор"),
        "measure": ("measure", "indicator", "показник", "індикатор"),
        "value": ("value", "значення", "wert"),
        "unit": ("unit", "одиниця", "одиниця виміру", "од. виміру", "einheit"),
        "source": ("source", "джерело", "quelle"),
    }
)
"""Accepted header names per canonical column (compared after :func:`normalize_label`)."""

ISSUE_LIMIT: Final[int] = 200
"""At most this many problems are listed; the error still counts all of them."""

_HEADER_KEYS: Final[Mapping[str, str]] = MappingProxyType(
    {normalize_label(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}
)
_CHUNK_BYTES: Final[int] = 64 << 20
_BOM: Final[bytes] = b"\xef\xbb\xbf"
_ZIP_MAGIC: Final[bytes] = b"PK\x03\x04"
_OLE_MAGIC: Final[bytes] = b"\xd0\xcf\x11\xe0"
_CSV_EXTENSIONS: Final[frozenset[str]] = frozenset({".csv", ".txt", ".tsv", ""})
_XLSX_EXTENSIONS: Final[frozenset[str]] = frozenset({".xlsx", ".xlsm"})
_NON_SPACE = re.compile(rb"\S")
_BAD_LINE = re.compile("^.*?[\udc80-\udcff]", re.MULTILINE)  # undecodable bytes, after surrogateescape
_YEAR_HEADER = re.compile(r"^\d{4}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_REGION = re.compile(r"^UA\d{17}$")
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_SPACE_CHARS: Final[tuple[str, ...]] = (" ", "\u00a0", "\u202f", "\u2009")
_DELIMITER_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {",": "commas", ";": "semicolons", "\t": "tabs"}
)

_EMPTY = "an empty cell"
_UTF8 = "UTF-8 text (save as 'CSV UTF-8')"
_REGION_EXPECTED = "a KATOTTG code: UA followed by 17 digits"
_SECTOR_EXPECTED = "a NACE Rev. 2 code (section, division, group or class) or _T for the total"
_MEASURE_EXPECTED = "one of the measures " + ", ".join(sorted(MEASURES))
_FILE_EXPECTED = "a header row and at least one data row"

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]


@dataclass(frozen=True, eq=False)
class StatisticsFile:
    """A statistics file that was read and passed every check.

    Attributes
    ----------
    filename
        The file's name, as used in messages.
    layout
        ``"long"`` (one figure per row) or ``"wide"`` (one column per year).
    data
        One row per figure with the columns region_code (str), year (int64), sector_code (str), measure
        (str), value (float64), unit (str), source (str) and row (int64: the row of the file the figure
        was read from, the header being row 1), in the order of the file.
    n_rows_read
        Non-empty data rows read from the file (in the wide layout one row holds several figures).
    ignored_columns
        Headers of columns that were not used.
    """

    filename: str
    layout: Literal["long", "wide"]
    data: pd.DataFrame
    n_rows_read: int
    ignored_columns: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------------- issues


class _Issues:
    """Collects problems: callers add at most :data:`ISSUE_LIMIT` of each kind and count the others.

    The error lists the first :data:`ISSUE_LIMIT` problems in the order of the file (by row, then column).
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.total = 0
        self.column_order: dict[str, int] = {}
        self._found: list[tuple[int, int, ImportIssue]] = []

    def add(self, row: int | None, column: str | None, expected: str, got: str) -> None:
        self.total += 1
        self._found.append((row or 0, len(self._found), ImportIssue(self.file, row, column, expected, got)))

    def add_rows(
        self,
        mask: BoolArray,
        rows: IntArray,
        column: str | None,
        expected: str | Callable[[int], str],
        got: str | Callable[[int], str],
    ) -> None:
        """Add one problem per true position of ``mask`` (positions index ``rows``)."""
        positions = np.flatnonzero(mask)
        if positions.size == 0:
            return
        for position in positions[:ISSUE_LIMIT].tolist():
            self.add(
                int(rows[position]),
                column,
                expected if isinstance(expected, str) else expected(position),
                got if isinstance(got, str) else got(position),
            )
        self.total += positions.size - min(positions.size, ISSUE_LIMIT)

    def __bool__(self) -> bool:
        return self.total > 0

    def error(self) -> ImportValidationError:
        def place(item: tuple[int, int, ImportIssue]) -> tuple[int, int, int]:
            column = item[2].column
            return item[0], -1 if column is None else self.column_order.get(column, -1), item[1]

        ordered = sorted(self._found, key=place)
        return ImportValidationError([issue for _, _, issue in ordered[:ISSUE_LIMIT]], total=self.total)

    def raise_if_any(self) -> None:
        if self:
            raise self.error()


def _reject(file: str, row: int | None, column: str | None, expected: str, got: str) -> ImportValidationError:
    return ImportValidationError([ImportIssue(file, row, column, expected, got)])


def _quote(text: str, limit: int = 60) -> str:
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


def _got(text: str) -> str:
    return _EMPTY if text.strip() == "" else _quote(text)


# ---------------------------------------------------------------------------------------------- raw tables


@dataclass
class _Table:
    """A file's cells as strings, before any check."""

    headers: list[str]
    columns: list[pa.ChunkedArray]
    rows: IntArray
    header_row: int
    decimal_comma: bool


def _load(source: Path | bytes | BinaryIO, filename: str | None, max_bytes: int) -> tuple[str, bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        name = filename or "upload"
        data = bytes(source)
        if len(data) > max_bytes:
            raise _reject(name, None, None, f"a file of at most {max_bytes:,} bytes", f"{len(data):,} bytes")
        return name, data
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        name = filename or path.name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise NotFoundError(f"The file {name!r} does not exist") from None
        if size > max_bytes:
            raise _reject(name, None, None, f"a file of at most {max_bytes:,} bytes", f"{size:,} bytes")
        return name, path.read_bytes()
    if hasattr(source, "read"):
        name = filename or Path(str(getattr(source, "name", "") or "upload")).name
        data = source.read(max_bytes + 1)
        if not isinstance(data, bytes):
            raise ValidationError(
                f"`source` must be opened in binary mode; got {type(data).__name__} from read()"
            )
        if len(data) > max_bytes:
            raise _reject(
                name, None, None, f"a file of at most {max_bytes:,} bytes", f"more than {max_bytes:,} bytes"
            )
        return name, data
    raise ValidationError(f"`source` must be a path, bytes or a binary file; got {type(source).__name__}")


def _kind(name: str, raw: bytes) -> Literal["csv", "xlsx"]:
    extension = Path(name).suffix.lower()
    if extension in _XLSX_EXTENSIONS or raw.startswith(_ZIP_MAGIC):
        if extension in _XLSX_EXTENSIONS | _CSV_EXTENSIONS | {".xls"}:
            return "xlsx"
    elif extension == ".xls" or raw.startswith(_OLE_MAGIC):
        raise _reject(
            name,
            None,
            None,
            "an Excel workbook (.xlsx) or a CSV file: save the old workbook as .xlsx or as 'CSV UTF-8'",
            "an Excel 97-2003 workbook (.xls)",
        )
    elif extension in _CSV_EXTENSIONS:
        return "csv"
    raise _reject(
        name, None, None, "a CSV file (.csv, .txt) or an Excel workbook (.xlsx)", f"a {extension!r} file"
    )


# --------------------------------------------------------------------------------------------------- CSV


def _newline_after(raw: bytes, start: int, target: int, quoted: bool) -> int:
    """Position of the first newline at or after ``target`` outside quotes (``len(raw)`` if none).

    ``start`` must be the beginning of a record, so that it lies outside quotes; a newline is inside quotes
    when an odd number of ``"`` lies between ``start`` and it (doubled quotes keep the count even).
    """
    end = raw.find(b"\n", target)
    if quoted:
        odd = raw.count(b'"', start, end if end >= 0 else len(raw)) % 2
        while odd and end >= 0:
            following = raw.find(b"\n", end + 1)
            odd ^= raw.count(b'"', end, following if following >= 0 else len(raw)) % 2
            end = following
    return len(raw) if end < 0 else end


def _chunks(raw: bytes, start: int, quoted: bool) -> Iterator[tuple[int, int]]:
    """Split ``raw[start:]`` into pieces of about :data:`_CHUNK_BYTES` that end at record boundaries."""
    while start < len(raw):
        end = min(_newline_after(raw, start, start + _CHUNK_BYTES, quoted) + 1, len(raw))
        yield start, end
        start = end


def _sniff_delimiter(header: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > 0 else ","


def _looks_like(line: bytes) -> str:
    if re.search(rb"[\xc0-\xff\xa5\xaa\xaf\xb2-\xb4\xba\xbf]{2}", line):
        return " (looks like Windows-1251)"
    return " (not valid UTF-8)"


def _encoding_error(raw: bytes, name: str, headers: Sequence[str], delimiter: str) -> ImportValidationError:
    """List the lines of ``raw`` that are not valid UTF-8: the first bad byte of each, with its offset.

    Pieces that decode are skipped at C speed; details are gathered line by line for the first
    :data:`ISSUE_LIMIT` bad lines, and the remaining bad lines are only counted.
    """
    issues = _Issues(name)
    line_number = 1
    for start, end in _chunks(raw, 0, quoted=False):
        chunk = raw[start:end]
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            line_number += chunk.count(b"\n")
            continue
        position = 0
        while position < len(chunk) and issues.total < ISSUE_LIMIT:
            stop = chunk.find(b"\n", position)
            stop = len(chunk) if stop < 0 else stop
            line = chunk[position:stop]
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                field = line[: exc.start].count(delimiter.encode())
                column = headers[field] if line_number > 1 and field < len(headers) else None
                where = f"byte 0x{line[exc.start]:02X} at byte offset {start + position + exc.start:,}"
                issues.add(line_number, column, _UTF8, where + _looks_like(line))
            position, line_number = stop + 1, line_number + 1
        rest = chunk[position:]
        issues.total += len(_BAD_LINE.findall(rest.decode("utf-8", errors="surrogateescape")))
        line_number += rest.count(b"\n")
    if not issues:
        issues.add(None, None, _UTF8, "text that cannot be read as UTF-8")
    return issues.error()


def _read_csv(raw: bytes, name: str, issues: _Issues, *, max_rows: int, progress: Progress | None) -> _Table:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _reject(name, None, None, _UTF8, "UTF-16 text (the file starts with a UTF-16 byte order mark)")
    start = len(_BOM) if raw.startswith(_BOM) else 0
    if len(raw) == start:
        raise _reject(name, None, None, _FILE_EXPECTED, "an empty file (0 bytes)")
    first = _NON_SPACE.search(raw, start)
    if first is None:
        raise _reject(name, None, None, _FILE_EXPECTED, "only blank lines")
    header_start = raw.rfind(b"\n", start, first.start()) + 1 or start
    header_row = raw.count(b"\n", start, header_start) + 1
    quoted = raw.find(b'"', start) >= 0
    header_end = _newline_after(raw, header_start, header_start, quoted)
    try:
        header_text = raw[header_start:header_end].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        header_text = raw[header_start:header_end].decode("utf-8", errors="replace")
        raise _encoding_error(raw, name, [], _sniff_delimiter(header_text)) from None
    delimiter = _sniff_delimiter(header_text)
    try:
        headers = [
            cell.strip().lstrip("\ufeff").strip()
            for cell in next(csv.reader([header_text], delimiter=delimiter))
        ]
    except (csv.Error, StopIteration):
        raise _reject(name, header_row, None, "a header row of column names", _quote(header_text)) from None
    names = [f"f{index}" for index in range(len(headers))]
    invalid: list[pacsv.InvalidRow] = []

    def collect(row: pacsv.InvalidRow) -> str:
        invalid.append(row)
        return "skip"

    def parse(buffer: pa.Buffer, threads: bool) -> pa.Table:
        return pacsv.read_csv(
            pa.BufferReader(buffer),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=threads),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                ignore_empty_lines=False,
                newlines_in_values=quoted,
                invalid_row_handler=collect,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    buffer = pa.py_buffer(raw)
    parts: list[pa.Table] = []
    row_parts: list[IntArray] = []
    records = ragged = 0
    for begin, end in _chunks(raw, header_end + 1, quoted):
        invalid.clear()
        try:
            part = parse(buffer.slice(begin, end - begin), threads=True)
            if invalid:  # parse again in one thread, which numbers the rows it skips
                invalid.clear()
                part = parse(buffer.slice(begin, end - begin), threads=False)
        except pa.ArrowInvalid as exc:
            if "UTF8" in str(exc) or "UTF-8" in str(exc):
                raise _encoding_error(raw, name, headers, delimiter) from None
            raise _reject(
                name, header_row + records + 1, None, "a well-formed CSV file", str(exc).splitlines()[0]
            ) from None
        n_records = part.num_rows + len(invalid)
        kept = np.ones(n_records, dtype=bool)
        for row in invalid:
            kept[row.number - 1] = False
            if row.text.strip() and ragged >= ISSUE_LIMIT:
                issues.total += 1
            elif row.text.strip():
                ragged += 1
                issues.add(
                    header_row + records + row.number,
                    None,
                    f"{len(headers)} cells separated by {_DELIMITER_NAMES[delimiter]}, as in the header",
                    f"{row.actual_columns} cells: {_quote(row.text)}",
                )
        row_parts.append(header_row + records + 1 + np.flatnonzero(kept).astype(np.int64))
        parts.append(part)
        records += n_records
        if records > max_rows:
            raise _reject(
                name, None, None, f"at most {max_rows:,} data rows", f"more than {max_rows:,} data rows"
            )
        if progress is not None:
            progress(end, len(raw))
    if not parts:
        parts.append(pa.table({column: pa.array([], pa.string()) for column in names}))
        row_parts.append(np.zeros(0, dtype=np.int64))
    table = pa.concat_tables(parts)
    return _Table(
        headers=headers,
        columns=[table.column(index) for index in range(len(headers))],
        rows=np.concatenate(row_parts),
        header_row=header_row,
        decimal_comma=delimiter == ";",
    )


# -------------------------------------------------------------------------------------------------- XLSX


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(raw: bytes, name: str, *, max_rows: int, progress: Progress | None) -> _Table:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is part of the io extra
        raise ConfigurationError("Reading .xlsx files needs openpyxl: install hromada[io]") from None
    headers: list[str] | None = None
    header_row = 0
    cells: list[list[str]] = []
    rows: list[int] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise _reject(name, None, None, _FILE_EXPECTED, "a workbook without worksheets")
                sheet = workbook.worksheets[0]
                total = int(sheet.max_row or 0)
                if total - 1 > max_rows:
                    raise _reject(
                        name, None, None, f"at most {max_rows:,} data rows", f"{total - 1:,} data rows"
                    )
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    texts = [_cell_text(value) for value in values]
                    if headers is None:
                        if any(text.strip() for text in texts):
                            headers, header_row = [text.strip() for text in texts], number
                        continue
                    cells.append(texts[: len(headers)] + [""] * (len(headers) - len(texts)))
                    rows.append(number)
                    if number - header_row > max_rows:
                        limit = f"{max_rows:,} data rows"
                        raise _reject(name, None, None, f"at most {limit}", f"more than {limit}")
                    if progress is not None and number % 50_000 == 0:
                        progress(number, max(total, number))
            finally:
                workbook.close()
    except ImportValidationError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged or foreign files
        reason = str(exc).strip().rstrip(".") or type(exc).__name__
        raise _reject(
            name, None, None, "an Excel workbook (.xlsx)", f"a file that cannot be opened as one ({reason})"
        ) from None
    if headers is None:
        raise _reject(name, None, None, _FILE_EXPECTED, "an empty worksheet")
    if progress is not None:
        progress(max(total, 1), max(total, 1))
    columns = [
        pa.chunked_array([pa.array([row[index] for row in cells], pa.string())])
        for index in range(len(headers))
    ]
    rows_array = np.asarray(rows, dtype=np.int64)
    return _Table(headers, columns, rows_array, header_row=header_row, decimal_comma=False)


# ------------------------------------------------------------------------------------------------ columns


@dataclass
class _Coded:
    """A column as codes into its distinct cell texts, so that checks run once per distinct text."""

    header: str
    codes: npt.NDArray[np.intp]
    texts: list[str]

    def got(self, position: int) -> str:
        return _got(self.texts[self.codes[position]])


def _code(column: pa.ChunkedArray, header: str) -> _Coded:
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    encoded = pc.dictionary_encode(array)
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.intp)
    return _Coded(header, codes, encoded.dictionary.to_pylist())


def _per_row(flags: Sequence[bool], codes: npt.NDArray[np.intp]) -> BoolArray:
    """Spread one flag per distinct text to the rows."""
    return np.asarray(flags, dtype=bool)[codes] if len(flags) else np.zeros(len(codes), dtype=bool)


def _take(values: Sequence[str], codes: npt.NDArray[np.intp]) -> pd.Series:
    """A ``str`` series of ``values[codes]`` (built in Arrow, without Python objects per row)."""
    array = pa.array(list(values), pa.string()).take(pa.array(codes, pa.int64()))
    series: pd.Series = pa.chunked_array([array], pa.string()).to_pandas()
    return series


def _blank(column: pa.ChunkedArray) -> BoolArray:
    trimmed = pc.utf8_trim_whitespace(column)
    return np.asarray(pc.equal(pc.utf8_length(trimmed), 0).to_numpy(), dtype=bool)


@dataclass
class _Numbers:
    values: FloatArray  # NaN where empty or bad
    empty: BoolArray
    bad: BoolArray


def _numbers(column: pa.ChunkedArray, *, decimal_comma: bool) -> _Numbers:
    """Parse number texts: spaces between digit groups removed, optionally a decimal comma."""
    text = pc.utf8_trim_whitespace(column)
    for space in _SPACE_CHARS:
        text = pc.replace_substring(text, space, "")
    if decimal_comma:
        text = pc.replace_substring(text, ",", ".")
    empty = np.asarray(pc.equal(pc.utf8_length(text), 0).to_numpy(), dtype=bool)
    nothing = pa.scalar(None, pa.string())
    text = pc.if_else(pc.equal(pc.utf8_length(text), 0), nothing, text)
    try:
        parsed = pc.cast(text, pa.float64())
    except pa.ArrowInvalid:  # some cell is not a number: keep only those that are
        parsed = pc.cast(pc.if_else(pc.match_substring_regex(text, _NUMBER), text, nothing), pa.float64())
    values = np.asarray(parsed.to_numpy(), dtype=np.float64) + 0.0  # + 0.0 turns -0.0 into 0.0
    bad = ~empty & ~np.isfinite(values)  # also "inf" and "nan", which Arrow reads
    values[bad] = np.nan
    return _Numbers(values, empty, bad)


def _renumber(texts: Sequence[str], codes: npt.NDArray[np.intp]) -> tuple[list[str], npt.NDArray[np.intp]]:
    """Merge distinct texts that became equal after normalisation (``"ua1..."`` and ``"UA1..."``)."""
    unique: dict[str, int] = {}
    mapping = np.array([unique.setdefault(text, len(unique)) for text in texts], dtype=np.intp)
    return list(unique), (mapping[codes] if len(texts) else codes)


def _pairwise(
    a: npt.NDArray[np.intp], b: npt.NDArray[np.intp], n_a: int, n_b: int, test: Callable[[int, int], bool]
) -> BoolArray:
    """``test(a[i], b[i])`` for every row, evaluated once per distinct pair."""
    if n_a * n_b <= 1_000_000:
        grid = np.array([[test(i, j) for j in range(n_b)] for i in range(n_a)], dtype=bool).reshape(n_a, n_b)
        return np.asarray(grid[a, b], dtype=bool)
    pairs, inverse = np.unique(a.astype(np.int64) * n_b + b, return_inverse=True)
    results = np.array([test(int(p) // n_b, int(p) % n_b) for p in pairs.tolist()], dtype=bool)
    return np.asarray(results[inverse.reshape(-1)], dtype=bool)


@dataclass
class _Keys:
    """Checked key columns, per table row, as codes into normalised texts."""

    region: npt.NDArray[np.intp]
    regions: list[str]
    sector: npt.NDArray[np.intp]
    sectors: list[str]
    measure: npt.NDArray[np.intp]
    measures: list[Measure | None]
    source: npt.NDArray[np.intp]
    sources: list[str]
    ok: BoolArray  # region, sector, measure and unit are all valid


def _check_region(
    table: _Table, columns: Mapping[str, int], issues: _Issues, default_region: str | None
) -> tuple[list[str], npt.NDArray[np.intp], BoolArray]:
    n = len(table.rows)
    if "region_code" not in columns:
        return [default_region or ""], np.zeros(n, dtype=np.intp), np.zeros(n, dtype=bool)
    coded = _code(table.columns[columns["region_code"]], table.headers[columns["region_code"]])
    normalized = [text.strip().upper() or (default_region or "") for text in coded.texts]
    bad = ~_per_row([bool(_REGION.match(text)) for text in normalized], coded.codes)
    issues.add_rows(bad, table.rows, coded.header, _REGION_EXPECTED, coded.got)
    regions, codes = _renumber(normalized, coded.codes)
    return regions, codes, bad


def _check_sector(
    table: _Table,
    columns: Mapping[str, int],
    issues: _Issues,
    measure: _Coded,
    measures: Sequence[Measure | None],
) -> tuple[list[str], npt.NDArray[np.intp], BoolArray]:
    coded = _code(table.columns[columns["sector_code"]], table.headers[columns["sector_code"]])
    stripped = [text.strip() for text in coded.texts]
    normalized = [str(code) for code in normalize_nace_codes(pd.Series(stripped, dtype=object)).tolist()]
    known = nace_codes() | {TOTAL_CODE}
    empty = _per_row([text == "" for text in normalized], coded.codes)
    valid = _per_row([text in known for text in normalized], coded.codes)
    total = _per_row([text == TOTAL_CODE for text in normalized], coded.codes)
    by_sector = _per_row([m is None or m.sector_required for m in measures], measure.codes)
    bad = ~valid & (~empty | by_sector)  # an empty sector means the total where there are no sectors
    issues.add_rows(bad, table.rows, coded.header, _SECTOR_EXPECTED, coded.got)
    not_total = valid & ~total & ~by_sector

    def expected(position: int) -> str:
        name = getattr(measures[measure.codes[position]], "name", "this measure")
        return f"{TOTAL_CODE} (the total): {name} is not broken down by sector"

    issues.add_rows(not_total, table.rows, coded.header, expected, coded.got)
    sectors, codes = _renumber([*normalized, TOTAL_CODE], np.where(empty, len(normalized), coded.codes))
    return sectors, codes, bad | not_total


def _check_unit(
    table: _Table,
    columns: Mapping[str, int],
    issues: _Issues,
    measure: _Coded,
    measures: Sequence[Measure | None],
) -> BoolArray:
    if "unit" not in columns:
        return np.zeros(len(table.rows), dtype=bool)
    coded = _code(table.columns[columns["unit"]], table.headers[columns["unit"]])

    def fits(unit: int, which: int) -> bool:
        text, known = coded.texts[unit], measures[which]
        return known is None or not text.strip() or known.accepts_unit(text)

    bad = ~_pairwise(coded.codes, measure.codes, len(coded.texts), len(measures), fits)

    def expected(position: int) -> str:
        known = measures[measure.codes[position]]
        assert known is not None  # rows of unknown measures always fit
        return f"the unit {known.default_unit!r} of {known.name} (or an empty cell)"

    issues.add_rows(bad, table.rows, coded.header, expected, coded.got)
    return bad


def _check_keys(
    table: _Table,
    columns: Mapping[str, int],
    issues: _Issues,
    *,
    default_region: str | None,
    default_source: str,
) -> _Keys:
    measure = _code(table.columns[columns["measure"]], table.headers[columns["measure"]])
    measures = [find_measure(text) for text in measure.texts]
    bad_measure = _per_row([m is None for m in measures], measure.codes)
    issues.add_rows(bad_measure, table.rows, measure.header, _MEASURE_EXPECTED, measure.got)
    regions, region, bad_region = _check_region(table, columns, issues, default_region)
    sectors, sector, bad_sector = _check_sector(table, columns, issues, measure, measures)
    bad_unit = _check_unit(table, columns, issues, measure, measures)
    if "source" in columns:
        coded = _code(table.columns[columns["source"]], table.headers[columns["source"]])
        sources, source = _renumber([text.strip() or default_source for text in coded.texts], coded.codes)
    else:
        sources, source = [default_source], np.zeros(len(table.rows), dtype=np.intp)
    ok = ~(bad_measure | bad_region | bad_sector | bad_unit)
    return _Keys(region, regions, sector, sectors, measure.codes, measures, source, sources, ok)


def _check_values(
    numbers: _Numbers,
    keys: _Keys,
    rows: IntArray,
    column: pa.ChunkedArray,
    header: str,
    issues: _Issues,
    *,
    empty_is_error: bool,
    decimal_comma: bool,
) -> BoolArray:
    """Report bad, empty (when that is an error) and forbidden negative figures; return the good ones."""

    def raw(position: int) -> str:
        return _quote(str(column[position].as_py()).strip())

    expected = (
        "a number (decimal comma or point, e.g. 1234,5; spaces between digit groups are allowed)"
        if decimal_comma
        else "a number (decimal point, e.g. 1234.5; spaces between digit groups are allowed)"
    )
    issues.add_rows(numbers.bad, rows, header, expected, raw)
    if empty_is_error:
        issues.add_rows(numbers.empty, rows, header, "a number", _EMPTY)
    measure = keys.measure
    allowed = _per_row([m is None or m.allow_negative for m in keys.measures], measure)
    negative = ~allowed & (numbers.values < 0)

    def expected_negative(position: int) -> str:
        name = getattr(keys.measures[measure[position]], "name", "this measure")
        return f"a value of 0 or more ({name} cannot be negative)"

    issues.add_rows(negative, rows, header, expected_negative, raw)
    return ~numbers.bad & ~numbers.empty & ~negative


def _combine(parts: Sequence[tuple[npt.NDArray[np.integer], int]], n: int) -> tuple[IntArray, int]:
    """One int64 key per row from several codes (``0 <= code < size``) and the number of possible keys.

    The key is refactorised to consecutive numbers whenever the next product could overflow.
    """
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for codes, size in parts:
        size = max(size, 1)
        if span * size >= 2**62:
            key = pd.factorize(key)[0].astype(np.int64)
            span = int(key.max()) + 1 if n else 1
        key = key * size + codes
        span *= size
    return key, span


def _repeats(
    keys: _Keys,
    positions: npt.NDArray[np.intp] | None,
    years: IntArray,
    valid: BoolArray,
    rows: IntArray,
    *,
    min_year: int,
) -> tuple[BoolArray, Callable[[int], str]]:
    """Mark figures whose region, year, sector and measure repeat an earlier valid figure's.

    ``positions`` maps figures to table rows (``None``: one figure per row). Returns the mask of the later
    figures and a function naming, for one of them, the row of the first.
    """

    def per_figure(codes: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        return codes if positions is None else codes[positions]

    year_codes = np.where(valid, years - min_year, 0)
    key, span = _combine(
        [
            (per_figure(keys.region), len(keys.regions)),
            (per_figure(keys.sector), len(keys.sectors)),
            (per_figure(keys.measure), len(keys.measures)),
            (year_codes, int(year_codes.max()) + 1 if len(years) else 1),
        ],
        len(years),
    )
    all_valid = bool(valid.all())
    checked = key if all_valid else key[valid]
    later = np.zeros(len(years), dtype=bool)
    if span <= max(8 * len(checked), 1 << 26):  # quick test: as many distinct keys as figures?
        seen = np.zeros(span, dtype=bool)
        seen[checked] = True
        if int(np.count_nonzero(seen)) == len(checked):
            return later, str
        del seen
    repeat = pd.Series(checked).duplicated(keep="first").to_numpy()
    where = np.arange(len(years)) if all_valid else np.flatnonzero(valid)
    later[where[repeat]] = True
    firsts = where[~repeat & np.isin(checked, key[later])]
    first_row = dict(zip(key[firsts].tolist(), rows[firsts].tolist(), strict=True))
    return later, lambda position: f"duplicate of row {first_row[int(key[position])]}"


# ------------------------------------------------------------------------------------------------ layouts


def _map_headers(table: _Table, issues: _Issues) -> tuple[dict[str, int], list[tuple[int, int]], list[str]]:
    """Find the canonical columns and the columns headed by a year; report repeated ones; list the others."""
    columns: dict[str, int] = {}
    year_columns: list[tuple[int, int]] = []
    ignored: list[str] = []
    for index, header in enumerate(table.headers):
        canonical = _HEADER_KEYS.get(normalize_label(header))
        if canonical is not None and canonical in columns:
            earlier = table.headers[columns[canonical]]
            got = f"columns {earlier!r} and {header!r}"
            issues.add(table.header_row, header, f"one column for {canonical!r}", got)
        elif canonical is not None:
            columns[canonical] = index
        elif _YEAR_HEADER.match(header):
            year_columns.append((index, int(header)))
        elif header or (~_blank(table.columns[index])).any():
            ignored.append(header or f"(column {index + 1} without a header)")
    return columns, year_columns, ignored


def _check_year_headers(
    table: _Table, year_columns: Sequence[tuple[int, int]], issues: _Issues, *, min_year: int, max_year: int
) -> list[tuple[int, int]]:
    """Report years out of range and repeated year columns; return the columns without repeats."""
    kept: dict[int, int] = {}
    for index, year in year_columns:
        header = table.headers[index]
        if year in kept:
            issues.add(table.header_row, header, f"one column for the year {year}", f"two columns {header!r}")
            continue
        if not min_year <= year <= max_year:
            expected = f"a year: a whole number from {min_year} to {max_year}"
            issues.add(table.header_row, header, expected, _quote(header))
        kept[year] = index
    return [(index, year) for year, index in kept.items()]


def read_statistics(
    source: Path | bytes | BinaryIO,
    *,
    filename: str | None = None,
    default_region: str | None = None,
    default_source: str | None = None,
    max_bytes: int = 2_000_000_000,
    max_rows: int = 50_000_000,
    min_year: int = 1990,
    max_year: int = 2100,
    progress: Callable[[int, int], None] | None = None,
) -> StatisticsFile:
    """Read a statistics file in the long or the wide layout and check all of it.

    The accepted formats are described in the documentation of :mod:`hromada.io.statistics`.

    Parameters
    ----------
    source
        The file: a path, its bytes, or a binary file object (an upload).
    filename
        Name used to recognise the file type (by its extension) and in messages; defaults to the path's
        name. Without an extension the type is recognised from the content.
    default_region
        KATOTTG code of the community the file is about: makes the ``region_code`` column optional and
        fills its empty cells.
    default_source
        Source of figures without a ``source`` cell (default: the file name).
    max_bytes, max_rows
        Larger files are refused before they are read completely.
    min_year, max_year
        Accepted years (inclusive).
    progress
        Called as ``progress(done, total)`` while reading: bytes for CSV (after each piece of about 64 MB),
        rows for XLSX.

    Returns
    -------
    StatisticsFile
        The figures in canonical columns, in the order of the file.

    Raises
    ------
    ImportValidationError
        If anything in the file is wrong; lists every problem (the first :data:`ISSUE_LIMIT` of them, in
        the order of the file, with the total count). Nothing is returned in part.
    NotFoundError
        If ``source`` is a path that does not exist.
    ValidationError
        If an option is invalid.
    """
    if default_region is not None and not _REGION.match(default_region):
        raise ValidationError(f"`default_region` must be {_REGION_EXPECTED}; got {default_region!r}")
    if max_bytes < 1 or max_rows < 1:
        raise ValidationError(
            f"`max_bytes` and `max_rows` must be positive; got {max_bytes!r} and {max_rows!r}"
        )
    if min_year > max_year:
        raise ValidationError(f"`min_year` must not be after `max_year`; got {min_year!r} and {max_year!r}")
    name, raw = _load(source, filename, max_bytes)
    issues = _Issues(name)
    if _kind(name, raw) == "xlsx":
        table = _read_xlsx(raw, name, max_rows=max_rows, progress=progress)
    else:
        table = _read_csv(raw, name, issues, max_rows=max_rows, progress=progress)
    del raw
    return _validate(
        table,
        name,
        issues,
        default_region=default_region,
        default_source=(default_source or "").strip() or name,
        min_year=min_year,
        max_year=max_year,
    )


def _validate(
    table: _Table,
    name: str,
    issues: _Issues,
    *,
    default_region: str | None,
    default_source: str,
    min_year: int,
    max_year: int,
) -> StatisticsFile:
    issues.column_order = {header: index for index, header in reversed(list(enumerate(table.headers)))}
    columns, year_columns, ignored = _map_headers(table, issues)
    layout: Literal["long", "wide"] = "long"
    if year_columns and "year" not in columns and "value" not in columns:
        layout = "wide"
        year_columns = _check_year_headers(table, year_columns, issues, min_year=min_year, max_year=max_year)
    else:
        ignored += [table.headers[index] for index, _ in year_columns]
        year_columns = []
    required = ["year", "sector_code", "measure", "value"] if layout == "long" else ["sector_code", "measure"]
    if default_region is None:
        required.insert(0, "region_code")
    missing = [column for column in required if column not in columns]
    listed = "columns: " + ", ".join(header for header in table.headers if header)
    for column in missing:
        issues.add(None, column, f"a column named {column!r}", listed)
    if missing:
        raise issues.error()
    if ignored:
        logger.warning("%s: ignored the columns %s", name, ", ".join(repr(header) for header in ignored))

    used = sorted({*columns.values(), *(index for index, _ in year_columns)})
    blank = _blank(table.columns[used[0]])
    for index in used[1:]:
        if not blank.any():
            break
        blank &= _blank(table.columns[index])
    if blank.any():
        keep = pa.array(~blank)
        table = _Table(
            table.headers,
            [column.filter(keep) for column in table.columns],
            table.rows[~blank],
            table.header_row,
            table.decimal_comma,
        )
    if len(table.rows) == 0:
        issues.add(None, None, _FILE_EXPECTED, "only a header row, no data rows")
        raise issues.error()

    keys = _check_keys(table, columns, issues, default_region=default_region, default_source=default_source)
    if layout == "long":
        data = _long(table, columns, keys, issues, min_year=min_year, max_year=max_year)
    else:
        data = _wide(table, year_columns, keys, issues, min_year=min_year, max_year=max_year)
    issues.raise_if_any()
    return StatisticsFile(
        filename=name, layout=layout, data=data, n_rows_read=len(table.rows), ignored_columns=tuple(ignored)
    )


def _long(
    table: _Table, columns: Mapping[str, int], keys: _Keys, issues: _Issues, *, min_year: int, max_year: int
) -> pd.DataFrame:
    rows = table.rows
    coded = _code(table.columns[columns["year"]], table.headers[columns["year"]])
    parsed = [int(text) if _INTEGER.match(text.strip()) else -1 for text in coded.texts]
    years = np.asarray([y if min_year <= y <= max_year else -1 for y in parsed], dtype=np.int64)[coded.codes]
    bad_year = years < 0
    issues.add_rows(
        bad_year, rows, coded.header, f"a year: a whole number from {min_year} to {max_year}", coded.got
    )
    index = columns["value"]
    numbers = _numbers(table.columns[index], decimal_comma=table.decimal_comma)
    _check_values(
        numbers,
        keys,
        rows,
        table.columns[index],
        table.headers[index],
        issues,
        empty_is_error=True,
        decimal_comma=table.decimal_comma,
    )
    later, first = _repeats(keys, None, years, keys.ok & ~bad_year, rows, min_year=min_year)
    issues.add_rows(later, rows, None, "one figure per region_code, year, sector_code and measure", first)
    if issues:
        return pd.DataFrame()
    return _frame(keys, None, years, numbers.values, rows)


def _wide(
    table: _Table,
    year_columns: Sequence[tuple[int, int]],
    keys: _Keys,
    issues: _Issues,
    *,
    min_year: int,
    max_year: int,
) -> pd.DataFrame:
    rows = table.rows
    values = np.full((len(rows), len(year_columns)), np.nan)
    present = np.zeros((len(rows), len(year_columns)), dtype=bool)
    for j, (index, _) in enumerate(year_columns):
        numbers = _numbers(table.columns[index], decimal_comma=table.decimal_comma)
        present[:, j] = _check_values(
            numbers,
            keys,
            rows,
            table.columns[index],
            table.headers[index],
            issues,
            empty_is_error=False,
            decimal_comma=table.decimal_comma,
        )
        values[:, j] = numbers.values
    position, which = np.nonzero(present)  # row by row, then year by year
    position = position.astype(np.intp)
    year_of = np.array([year for _, year in year_columns], dtype=np.int64)
    years = year_of[which]
    cell_rows = rows[position]
    valid = keys.ok[position] & (years >= min_year) & (years <= max_year)
    later, first = _repeats(keys, position, years, valid, cell_rows, min_year=min_year)
    for j, (index, _) in enumerate(year_columns):
        expected = "one figure per region_code, year, sector_code and measure"
        issues.add_rows(later & (which == j), cell_rows, table.headers[index], expected, first)
    if not issues and position.size == 0:
        headers = ", ".join(table.headers[index] for index, _ in year_columns)
        issues.add(None, None, f"at least one figure in the year columns {headers}", "only empty cells")
    if issues:
        return pd.DataFrame()
    return _frame(keys, position, years, values[position, which], cell_rows)


def _frame(
    keys: _Keys, positions: npt.NDArray[np.intp] | None, years: IntArray, values: FloatArray, rows: IntArray
) -> pd.DataFrame:
    """The canonical table of figures taken from the table rows at ``positions`` (``None``: every row)."""

    def per_figure(codes: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        return codes if positions is None else codes[positions]

    measure = per_figure(keys.measure)
    data = {
        "region_code": _take(keys.regions, per_figure(keys.region)),
        "year": pd.Series(years, dtype=np.int64, copy=False),
        "sector_code": _take(keys.sectors, per_figure(keys.sector)),
        "measure": _take([getattr(m, "name", "") for m in keys.measures], measure),
        "value": pd.Series(values, dtype=np.float64, copy=False),
        "unit": _take([getattr(m, "default_unit", "") for m in keys.measures], measure),
        "source": _take(keys.sources, per_figure(keys.source)),
        "row": pd.Series(rows, dtype=np.int64, copy=False),
    }
    return pd.DataFrame(data, copy=False)
