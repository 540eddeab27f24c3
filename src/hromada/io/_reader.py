"""The raw-file layer of every table import: a file's bytes in, its cells as text out, every problem named.

Both :func:`hromada.io.statistics.read_statistics` and :func:`hromada.io.tables.read_table` read files
through :func:`read_raw`, so that a file that one import reads, every import reads, with the same messages.
What the cells must contain is checked by the callers.

CSV (``.csv``, ``.txt``, ``.tsv``)
    UTF-8, with or without a byte order mark. A file that is not UTF-8 is read as Windows-1251 (what Excel
    writes as "CSV" on a Ukrainian or Russian Windows) when it decodes as Windows-1251 and its non-ASCII
    bytes are Cyrillic words; otherwise (another encoding, or UTF-8 mixed with other text) every line that
    is not UTF-8 is reported. UTF-16 is refused. The separator (``,``, ``;`` or tab) is the one the header
    line uses most outside quotes; cells may be quoted with ``"``. Semicolon files may use decimal commas
    (:attr:`RawTable.decimal_comma`), as Ukrainian and German Excel save them. Every data row must have as
    many cells as the header.
XLSX (``.xlsx``, ``.xlsm``)
    The first worksheet, read row by row in read-only mode. The sheet's declared size (its ``<dimension>``)
    is not trusted: every row in the sheet is read, however many the sheet claims to have.

The header is the first non-blank line (row). Files over ``max_bytes`` or ``max_rows`` are refused before
they are read completely.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from hromada.errors import (
    ConfigurationError,
    ImportIssue,
    ImportValidationError,
    NotFoundError,
    ValidationError,
)

__all__ = [
    "EMPTY",
    "FILE_EXPECTED",
    "ISSUE_LIMIT",
    "MAX_BYTES",
    "MAX_ROWS",
    "UTF8_EXPECTED",
    "BoolArray",
    "Issues",
    "Numbers",
    "RawTable",
    "Source",
    "blank",
    "cell_text",
    "parse_numbers",
    "quote",
    "read_raw",
    "reject",
    "shown",
]

ISSUE_LIMIT: Final[int] = 200
"""At most this many problems are listed; the error still counts all of them."""

MAX_BYTES: Final[int] = 2_000_000_000
"""Default size limit of a file."""

MAX_ROWS: Final[int] = 50_000_000
"""Default limit of the data rows of a file."""

MAX_CELL_CHARS: Final[int] = 32_767
"""The longest cell accepted (characters): Excel's own limit, so no real spreadsheet exceeds it."""

MAX_UNPACKED_BYTES: Final[int] = 4_000_000_000
"""An XLSX file (a zip archive) whose parts unpack to more than this is refused before it is opened."""

MAX_PACKING_RATIO: Final[int] = 200
"""A part of an XLSX file larger than :data:`RATIO_CHECKED_FROM` unpacked may be at most this many times its
packed size (real workbooks pack 3-30 times; a "zip bomb" packs a huge repetitive text thousands of times)."""

RATIO_CHECKED_FROM: Final[int] = 20_000_000

EMPTY: Final[str] = "an empty cell"
UTF8_EXPECTED: Final[str] = "UTF-8 text (save as 'CSV UTF-8')"
FILE_EXPECTED: Final[str] = "a header row and at least one data row"

Source = Path | bytes | BinaryIO
Progress = Callable[[int, int], None]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

_CHUNK_BYTES: Final[int] = 64 << 20
_BOM: Final[bytes] = b"\xef\xbb\xbf"
_ZIP_MAGIC: Final[bytes] = b"PK\x03\x04"
_OLE_MAGIC: Final[bytes] = b"\xd0\xcf\x11\xe0"
_CSV_EXTENSIONS: Final[frozenset[str]] = frozenset({".csv", ".txt", ".tsv", ""})
_XLSX_EXTENSIONS: Final[frozenset[str]] = frozenset({".xlsx", ".xlsm"})
_NON_SPACE = re.compile(rb"\S")
_BAD_LINE = re.compile("^.*?[\udc80-\udcff]", re.MULTILINE)  # undecodable bytes, after surrogateescape
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_SPACE_CHARS: Final[tuple[str, ...]] = (" ", "\u00a0", "\u202f", "\u2009")
_DELIMITER_NAMES: Final[dict[str, str]] = {",": "commas", ";": "semicolons", "\t": "tabs"}

# Windows-1251: words of two or more Cyrillic letters (А-я, Ёё, Єє, Іі, Її, Ґґ) and no Latin ones; the bytes
# that are the same character in Windows-1251 and Windows-1252 (no-break space, « », dashes, quotes, °, §,
# ...), which say nothing about the language; and the byte pairs that are UTF-8 Cyrillic letters but no
# plausible Windows-1251 text (Р or С followed by a sign such as ° or µ): the trace of UTF-8 text.
_HIGH_BYTES: Final[bytes] = bytes(range(0x80, 0x100))
_SHARED_BYTES: Final[bytes] = (
    b"\x82\x84\x85\x86\x87\x89\x8b\x91\x92\x93\x94\x95\x96\x97\x99\x9b\xa0\xa4\xa6\xa7\xa9\xab\xac\xad\xae\xb0\xb1\xb5\xb6\xb7\xbb"
)
_CP1251_WORD = re.compile(
    rb"(?<![A-Za-z])[\xc0-\xff\xa8\xb8\xaa\xba\xb2\xb3\xaf\xbf\xa5\xb4]{2,}(?![A-Za-z])"
)
_UTF8_CYRILLIC = re.compile(
    rb"[\xd0\xd1][\x80-\x84\x86-\x92\x95\x98-\x9f\xa1-\xa4\xa6\xa7\xa9\xac-\xae\xb0\xb1\xb5-\xb7\xbc-\xbe]"
)


# --------------------------------------------------------------------------------------------------- issues


class Issues:
    """Collects problems: callers add at most :data:`ISSUE_LIMIT` of each kind and count the others.

    The error lists the first :data:`ISSUE_LIMIT` problems in the order of the file (by row, then by
    ``column_order``, then as they were added).
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


def reject(file: str, row: int | None, column: str | None, expected: str, got: str) -> ImportValidationError:
    """An error with one problem."""
    return ImportValidationError([ImportIssue(file, row, column, expected, got)])


def quote(text: str, limit: int = 60) -> str:
    """``text`` in quotes, shortened to ``limit`` characters."""
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


def shown(text: str) -> str:
    """A cell as a message shows it: quoted, or "an empty cell"."""
    return EMPTY if text.strip() == "" else quote(text)


# ---------------------------------------------------------------------------------------------- raw tables


@dataclass(frozen=True, eq=False)
class RawTable:
    """A file's cells as text, before any check of their content.

    Attributes
    ----------
    file
        The file's name, as used in messages.
    kind
        ``"csv"`` or ``"xlsx"``.
    headers
        The header cells, trimmed, in the order of the file (``""`` for a column without a header).
    cells
        One column per header, labelled by its position (0, 1, ...), of Arrow-backed strings (``""`` for an
        empty cell, never missing); indexed by the row of the file each row was read from (the first row of
        the file being 1). Every record after the header is there, blank ones included.
    header_row
        The row of the file that holds the header.
    delimiter
        The cell separator of a CSV file; ``None`` for XLSX.
    decimal_comma
        Whether numbers may use a decimal comma (CSV files separated by semicolons).
    encoding
        ``"utf-8"``, ``"utf-8-sig"`` (with a byte order mark) or ``"windows-1251"``; ``None`` for XLSX.
    issues
        Problems found so far (rows with the wrong number of cells); callers add theirs and raise.
    """

    file: str
    kind: Literal["csv", "xlsx"]
    headers: list[str]
    cells: pd.DataFrame
    header_row: int
    delimiter: str | None
    decimal_comma: bool
    encoding: str | None
    issues: Issues

    @property
    def rows(self) -> IntArray:
        """The row of the file of each row of :attr:`cells`."""
        return np.asarray(self.cells.index, dtype=np.int64)

    def column(self, position: int) -> pa.ChunkedArray:
        """The cells of one column as an Arrow array (without copying them)."""
        values = pa.array(self.cells[position].array)
        chunked: pa.ChunkedArray = (
            values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])
        )
        return chunked


def _frame(columns: Sequence[pa.ChunkedArray], rows: IntArray) -> pd.DataFrame:
    index = pd.Index(rows, dtype=np.int64, name="row", copy=False)
    data = {
        position: pd.Series(pd.arrays.ArrowExtensionArray(column), index=index, copy=False)
        for position, column in enumerate(columns)
    }
    return pd.DataFrame(data, index=index, columns=pd.RangeIndex(len(columns)), copy=False)


def read_raw(
    source: Source,
    *,
    filename: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    progress: Progress | None = None,
) -> RawTable:
    """Read a CSV or XLSX file into cells of text, as described in :mod:`hromada.io._reader`.

    Parameters
    ----------
    source
        The file: a path, its bytes, or a binary file object (an upload).
    filename
        Name used to recognise the file type (by its extension) and in messages; defaults to the path's
        name. Without an extension the type is recognised from the content.
    max_bytes, max_rows
        Larger files are refused before they are read completely.
    progress
        Called as ``progress(done, total)`` while reading: bytes for CSV, rows for XLSX.

    Raises
    ------
    ImportValidationError
        If the file cannot be read as a table at all (wrong type, encoding, size; no header). Rows with the
        wrong number of cells are only collected in :attr:`RawTable.issues`.
    NotFoundError
        If ``source`` is a path that does not exist.
    ValidationError
        If ``source`` is of the wrong type.
    """
    name, raw = _load(source, filename, max_bytes)
    if _kind(name, raw) == "xlsx":
        _check_archive(raw, name)
        table = _read_xlsx(raw, name, max_rows=max_rows, progress=progress)
    else:
        table = _read_csv(raw, name, max_rows=max_rows, progress=progress)
    _check_cell_lengths(table)
    return table


def _check_archive(raw: bytes, name: str) -> None:
    """Refuse an XLSX whose parts would unpack to more than the limits (before anything is unpacked)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable archive: the workbook reader names the problem
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED_BYTES:
        raise reject(
            name, None, None, f"a workbook that unpacks to at most {MAX_UNPACKED_BYTES:,} bytes",
            f"{total:,} bytes unpacked",
        )  # fmt: skip
    for member in members:
        if member.file_size > RATIO_CHECKED_FROM and member.file_size > MAX_PACKING_RATIO * max(
            member.compress_size, 1
        ):
            raise reject(
                name, None, None,
                f"a workbook whose parts pack at most {MAX_PACKING_RATIO} times (a zip bomb is refused)",
                f"{member.filename}: {member.file_size:,} bytes packed into {member.compress_size:,}",
            )  # fmt: skip


def _check_cell_lengths(table: RawTable) -> None:
    """Refuse cells longer than :data:`MAX_CELL_CHARS`, naming each (row and column)."""
    issues = Issues(table.file)
    rows = table.rows
    for position, header in enumerate(table.headers):
        lengths = pc.utf8_length(table.column(position))
        longest = pc.max(lengths).as_py()
        if longest is None or longest <= MAX_CELL_CHARS:
            continue
        lengths_np = lengths.to_numpy(zero_copy_only=False)
        for index in np.flatnonzero(lengths_np > MAX_CELL_CHARS):
            issues.add(
                int(rows[index]), header, f"a cell of at most {MAX_CELL_CHARS:,} characters",
                f"{int(lengths_np[index]):,} characters",
            )  # fmt: skip
    issues.raise_if_any()


def _load(source: Source, filename: str | None, max_bytes: int) -> tuple[str, bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        name = filename or "upload"
        data = bytes(source)
        if len(data) > max_bytes:
            raise reject(name, None, None, f"a file of at most {max_bytes:,} bytes", f"{len(data):,} bytes")
        return name, data
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        name = filename or path.name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise NotFoundError(f"The file {name!r} does not exist") from None
        if size > max_bytes:
            raise reject(name, None, None, f"a file of at most {max_bytes:,} bytes", f"{size:,} bytes")
        return name, path.read_bytes()
    if hasattr(source, "read"):
        name = filename or Path(str(getattr(source, "name", "") or "upload")).name
        data = source.read(max_bytes + 1)
        if not isinstance(data, bytes):
            raise ValidationError(
                f"`source` must be opened in binary mode; got {type(data).__name__} from read()"
            )
        if len(data) > max_bytes:
            raise reject(
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
        raise reject(
            name,
            None,
            None,
            "an Excel workbook (.xlsx) or a CSV file: save the old workbook as .xlsx or as 'CSV UTF-8'",
            "an Excel 97-2003 workbook (.xls)",
        )
    elif extension in _CSV_EXTENSIONS:
        return "csv"
    raise reject(
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


def _is_windows_1251(raw: bytes) -> bool:
    """Whether text that is not UTF-8 reads as Windows-1251 Cyrillic.

    It must decode; at least half of its non-ASCII bytes, other than those that are the same character in
    Windows-1252 (a no-break space in a number, «quotes»), must be in words of Cyrillic letters only (the
    letters of Latin-1 text, as in ``Größe``, sit between ASCII ones); and it must hold (almost) no UTF-8
    Cyrillic letters, which would be garbled (UTF-8 with some lines in Windows-1251 is refused, not half
    misread).
    """
    high = len(raw) - len(raw.translate(None, _HIGH_BYTES))
    telling = high - (len(raw) - len(raw.translate(None, _SHARED_BYTES)))
    try:
        raw.decode("cp1251")
    except UnicodeDecodeError:
        return False
    in_words = sum(match.end() - match.start() for match in _CP1251_WORD.finditer(raw))
    utf8_letters = 2 * sum(1 for _ in _UTF8_CYRILLIC.finditer(raw))
    return high > 0 and 2 * in_words >= telling and 100 * utf8_letters <= high


def _looks_like(line: bytes) -> str:
    return " (looks like Windows-1251)" if _CP1251_WORD.search(line) else " (not valid UTF-8)"


def _encoding_error(raw: bytes, name: str, headers: Sequence[str], delimiter: str) -> ImportValidationError:
    """List the lines of ``raw`` that are not valid UTF-8: the first bad byte of each, with its offset.

    Pieces that decode are skipped at C speed; details are gathered line by line for the first
    :data:`ISSUE_LIMIT` bad lines, and the remaining bad lines are only counted.
    """
    issues = Issues(name)
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
                issues.add(line_number, column, UTF8_EXPECTED, where + _looks_like(line))
            position, line_number = stop + 1, line_number + 1
        rest = chunk[position:]
        issues.total += len(_BAD_LINE.findall(rest.decode("utf-8", errors="surrogateescape")))
        line_number += rest.count(b"\n")
    if not issues:
        issues.add(None, None, UTF8_EXPECTED, "text that cannot be read as UTF-8")
    return issues.error()


class _NotUtf8(Exception):
    """The text is not UTF-8 (``headers`` and ``delimiter`` as far as they are known)."""

    def __init__(self, headers: Sequence[str], delimiter: str) -> None:
        super().__init__("not UTF-8")
        self.headers = list(headers)
        self.delimiter = delimiter


def _read_csv(raw: bytes, name: str, *, max_rows: int, progress: Progress | None) -> RawTable:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise reject(
            name, None, None, UTF8_EXPECTED, "UTF-16 text (the file starts with a UTF-16 byte order mark)"
        )
    bom = raw.startswith(_BOM)
    try:
        return _parse_csv(raw, name, "utf-8-sig" if bom else "utf-8", max_rows=max_rows, progress=progress)
    except _NotUtf8 as not_utf8:
        if bom or not _is_windows_1251(raw):
            raise _encoding_error(raw, name, not_utf8.headers, not_utf8.delimiter) from None
    text = raw.decode("cp1251").encode("utf-8")
    return _parse_csv(text, name, "windows-1251", max_rows=max_rows, progress=progress)


def _parse_csv(raw: bytes, name: str, encoding: str, *, max_rows: int, progress: Progress | None) -> RawTable:
    """Cells of a CSV file in UTF-8 (``encoding`` is only recorded); raises :class:`_NotUtf8` if it is not."""
    start = len(_BOM) if raw.startswith(_BOM) else 0
    if len(raw) == start:
        raise reject(name, None, None, FILE_EXPECTED, "an empty file (0 bytes)")
    first = _NON_SPACE.search(raw, start)
    if first is None:
        raise reject(name, None, None, FILE_EXPECTED, "only blank lines")
    header_start = raw.rfind(b"\n", start, first.start()) + 1 or start
    header_row = raw.count(b"\n", start, header_start) + 1
    quoted = raw.find(b'"', start) >= 0
    header_end = _newline_after(raw, header_start, header_start, quoted)
    try:
        header_text = raw[header_start:header_end].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        header_text = raw[header_start:header_end].decode("utf-8", errors="replace")
        raise _NotUtf8([], _sniff_delimiter(header_text)) from None
    delimiter = _sniff_delimiter(header_text)
    try:
        headers = [
            cell.strip().lstrip("\ufeff").strip()
            for cell in next(csv.reader([header_text], delimiter=delimiter))
        ]
    except (csv.Error, StopIteration):
        raise reject(name, header_row, None, "a header row of column names", quote(header_text)) from None
    names = [f"f{index}" for index in range(len(headers))]
    invalid: list[pacsv.InvalidRow] = []
    issues = Issues(name)

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
                raise _NotUtf8(headers, delimiter) from None
            raise reject(
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
                    f"{row.actual_columns} cells: {quote(row.text)}",
                )
        row_parts.append(header_row + records + 1 + np.flatnonzero(kept).astype(np.int64))
        parts.append(part)
        records += n_records
        if records > max_rows:
            raise reject(
                name, None, None, f"at most {max_rows:,} data rows", f"more than {max_rows:,} data rows"
            )
        if progress is not None:
            progress(end, len(raw))
    if not parts:
        parts.append(pa.table({column: pa.array([], pa.string()) for column in names}))
        row_parts.append(np.zeros(0, dtype=np.int64))
    table = pa.concat_tables(parts)
    return RawTable(
        file=name,
        kind="csv",
        headers=headers,
        cells=_frame([table.column(index) for index in range(len(headers))], np.concatenate(row_parts)),
        header_row=header_row,
        delimiter=delimiter,
        decimal_comma=delimiter == ";",
        encoding=encoding,
        issues=issues,
    )


# -------------------------------------------------------------------------------------------------- XLSX


def cell_text(value: object) -> str:
    """A spreadsheet value as text: whole numbers without ``.0``, dates at midnight as ``2024-01-31``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        midnight = value.time() == dt.time() and value.tzinfo is None
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(raw: bytes, name: str, *, max_rows: int, progress: Progress | None) -> RawTable:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is part of the io extra
        raise ConfigurationError("Reading .xlsx files needs openpyxl: install hromada[io]") from None
    headers: list[str] | None = None
    header_row = 0
    cells: list[list[str]] = []
    rows: list[int] = []
    declared = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    raise reject(name, None, None, FILE_EXPECTED, "a workbook without worksheets")
                sheet = workbook.worksheets[0]
                declared = int(sheet.max_row or 0)  # the sheet's <dimension>: an estimate for progress only
                sheet.reset_dimensions()  # read every row and cell there is, not the declared range
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    texts = [cell_text(value) for value in values]
                    if headers is None:
                        if any(text.strip() for text in texts):
                            headers, header_row = [text.strip() for text in texts], number
                        continue
                    cells.append(texts[: len(headers)] + [""] * (len(headers) - len(texts)))
                    rows.append(number)
                    if number - header_row > max_rows:
                        limit = f"{max_rows:,} data rows"
                        raise reject(name, None, None, f"at most {limit}", f"more than {limit}")
                    if progress is not None and number % 50_000 == 0:
                        progress(number, max(declared, number))
            finally:
                workbook.close()
    except ImportValidationError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged or foreign files
        reason = str(exc).strip().rstrip(".") or type(exc).__name__
        raise reject(
            name, None, None, "an Excel workbook (.xlsx)", f"a file that cannot be opened as one ({reason})"
        ) from None
    if headers is None:
        raise reject(name, None, None, FILE_EXPECTED, "an empty worksheet")
    if progress is not None:
        done = max(rows[-1] if rows else header_row, 1)
        progress(done, done)
    columns = [
        pa.chunked_array([pa.array([row[index] for row in cells], pa.string())])
        for index in range(len(headers))
    ]
    return RawTable(
        file=name,
        kind="xlsx",
        headers=headers,
        cells=_frame(columns, np.asarray(rows, dtype=np.int64)),
        header_row=header_row,
        delimiter=None,
        decimal_comma=False,
        encoding=None,
        issues=Issues(name),
    )


# ------------------------------------------------------------------------------------------------- cells


def blank(column: pa.ChunkedArray) -> BoolArray:
    """Which cells are empty or hold only white space."""
    trimmed = pc.utf8_trim_whitespace(column)
    return np.asarray(pc.equal(pc.utf8_length(trimmed), 0).to_numpy(), dtype=bool)


@dataclass
class Numbers:
    """Numbers parsed from cells of text."""

    values: FloatArray  # NaN where empty or bad
    empty: BoolArray
    bad: BoolArray
    text: pa.ChunkedArray  # the cells as parsed: trimmed, without group spaces, with a decimal point


def parse_numbers(column: pa.ChunkedArray, *, decimal_comma: bool) -> Numbers:
    """Parse number texts: spaces between digit groups removed, optionally a decimal comma.

    ``1234.5`` and ``1 234.5`` (also with non-breaking or thin spaces) are numbers; with ``decimal_comma``
    so are ``1234,5`` and ``1 234,5``. Anything else that is not empty (``1,234.5``, ``12%``, ``n/a``,
    ``inf``) is bad.
    """
    text = pc.utf8_trim_whitespace(column)
    for space in _SPACE_CHARS:
        text = pc.replace_substring(text, space, "")
    if decimal_comma:
        text = pc.replace_substring(text, ",", ".")
    empty = np.asarray(pc.equal(pc.utf8_length(text), 0).to_numpy(), dtype=bool)
    nothing = pa.scalar(None, pa.string())
    present = pc.if_else(pc.equal(pc.utf8_length(text), 0), nothing, text)
    try:
        parsed = pc.cast(present, pa.float64())
    except pa.ArrowInvalid:  # some cell is not a number: keep only those that are
        parsed = pc.cast(
            pc.if_else(pc.match_substring_regex(present, _NUMBER), present, nothing), pa.float64()
        )
    values = np.asarray(parsed.to_numpy(), dtype=np.float64) + 0.0  # + 0.0 turns -0.0 into 0.0
    bad = ~empty & ~np.isfinite(values)  # also "inf" and "nan", which Arrow reads
    values[bad] = np.nan
    return Numbers(values, empty, bad, text)
