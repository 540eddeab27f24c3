"""Plain tables in and out by file extension: CSV, XLSX and Parquet.

Reading checks the columns a caller needs and keeps code columns (regions, NACE codes) as text, so that
``01`` stays ``01``. CSV and XLSX files are read by the same reader as statistics
(:mod:`hromada.io._reader`): UTF-8 or Windows-1251, separated by commas, semicolons or tabs (with decimal
commas in semicolon files), and every row of an XLSX sheet; problems are reported as
:class:`~hromada.errors.ImportValidationError` naming the file, row and column. Writing takes an iterator of
frames (for example one per year) and writes them one after another, so a national result never needs to
exist as one long table; the file appears only when it is complete (written beside the target, then
renamed), so a failure or a kill leaves no half-written output.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hromada.errors import ImportValidationError, NotFoundError, ValidationError
from hromada.io._reader import BoolArray, Issues, RawTable, blank, parse_numbers, read_raw

__all__ = ["FORMATS", "check_format", "read_table", "write_frames"]

FORMATS = (".csv", ".xlsx", ".parquet")
_XLSX_MAX_ROWS = 1_048_575

# Cells read as missing, as pandas reads them by default (compared after trimming white space).
_MISSING: Final[pa.Array] = pa.array(
    [
        "",
        "#N/A",
        "#N/A N/A",
        "#NA",
        "-1.#IND",
        "-1.#QNAN",
        "-NaN",
        "-nan",
        "1.#IND",
        "1.#QNAN",
        "<NA>",
        "N/A",
        "NA",
        "NULL",
        "NaN",
        "None",
        "n/a",
        "nan",
        "null",
    ],
    pa.string(),
)
_TRUE: Final[pa.Array] = pa.array(["True", "TRUE", "true"], pa.string())
_BOOLEAN: Final[pa.Array] = pa.array(["True", "TRUE", "true", "False", "FALSE", "false"], pa.string())
_INTEGER = r"^[+-]?\d+$"


def check_format(path: Path) -> str:
    """Return the lower-case extension of ``path`` if it is a supported table format; raise otherwise."""
    return _format(Path(path))


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            f"{path.name}: the file type must be one of {', '.join(FORMATS)}; got {suffix or 'none'!r}"
        )
    return suffix


def read_table(path: Path, *, required: Sequence[str], text_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read a CSV, XLSX (first sheet) or Parquet file and check its columns.

    CSV and XLSX files are read as :mod:`hromada.io._reader` describes (UTF-8 or Windows-1251; commas,
    semicolons or tabs; every row of the sheet). As pandas reads them, empty lines of a CSV file are
    skipped, rows of empty cells are kept (all missing), except at the end of the file. Column names
    are matched case-insensitively after trimming (they come back trimmed and in lower case; a column
    without a name is called ``unnamed: <position>``). ``text_columns`` are read as trimmed text. Other
    columns are typed as pandas reads CSV: numbers (``1234.5``, ``1 234.5``, and ``1234,5`` in semicolon
    files) as int64 when all are whole and present, else float64; ``true``/``false`` as booleans;
    otherwise text. Empty cells, and the words pandas reads as missing (``NA``, ``n/a``, ``null``, ...),
    are missing (NaN) in every column.

    Raises
    ------
    NotFoundError
        The file does not exist.
    ImportValidationError
        The file cannot be read as a table (type, encoding, size, an empty file), rows have the wrong number
        of cells, two columns have the same name, or a required column is missing: every problem, each
        naming the file (a :class:`~hromada.errors.ValidationError`).
    ValidationError
        Unknown extension or an unreadable Parquet file.
    """
    path = Path(path)
    kind = _format(path)
    if not path.exists():
        raise NotFoundError(f"{path.name}: no such file")
    if kind == ".parquet":
        return _read_parquet(path, required=required, text_columns=text_columns)
    raw = read_raw(path, filename=path.name)
    issues = raw.issues
    names = [header.lower() or f"unnamed: {position}" for position, header in enumerate(raw.headers)]
    first: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in first:
            expected = f"one column named {name!r}"
            got = f"columns {raw.headers[first[name]]!r} and {raw.headers[position]!r}"
            issues.add(raw.header_row, raw.headers[position], expected, got)
        first.setdefault(name, position)
    missing = [column for column in required if column not in first]
    for column in missing:
        issues.add(None, column, f"a column named {column!r}", "columns: " + ", ".join(names))
    if issues:
        raise _error(issues, path.name, missing, names)
    return _typed(raw, names, text_columns)


def _error(issues: Issues, name: str, missing: Sequence[str], names: Sequence[str]) -> ImportValidationError:
    """The error listing ``issues``; its message keeps the words "missing column(s)" when columns are."""
    error = issues.error()
    if missing:
        more = error.total - len(missing)
        message = (
            f"The file was rejected and nothing was written: {name}: missing column(s) {', '.join(missing)};"
            f" found {', '.join(names) or 'none'}" + (f" (and {more} more problems)" if more > 0 else "")
        )
        ValidationError.__init__(error, message)
    return error


def _typed(raw: RawTable, names: Sequence[str], text_columns: Sequence[str]) -> pd.DataFrame:
    """The cells of ``raw`` in typed columns, without the blank rows at the end."""
    columns = [raw.column(position) for position in range(len(names))]
    empty = np.ones(len(raw.cells), dtype=bool)
    for column in columns:
        empty &= blank(column)
    filled = np.flatnonzero(~empty)
    length = int(filled[-1]) + 1 if filled.size else 0
    if length < len(raw.cells):
        columns = [column.slice(0, length) for column in columns]
    text = set(text_columns)
    data = {
        name: _text(column, strip=True) if name in text else _convert(column, decimal_comma=raw.decimal_comma)
        for name, column in zip(names, columns, strict=True)
    }
    return pd.DataFrame(data, index=pd.RangeIndex(length))


def _text(column: pa.ChunkedArray, *, strip: bool, missing: BoolArray | None = None) -> pd.Series:
    """Text cells as pandas reads them (``str`` or object dtype), NaN where missing."""
    if missing is None:
        missing = _missing(column)
    values = (pc.utf8_trim_whitespace(column) if strip else column).to_numpy(zero_copy_only=False)
    values = values.astype(object)
    values[missing] = np.nan
    return pd.Series(values)


def _missing(column: pa.ChunkedArray) -> BoolArray:
    trimmed = pc.utf8_trim_whitespace(column)
    return np.asarray(pc.is_in(trimmed, value_set=_MISSING).to_numpy(), dtype=bool)


def _convert(column: pa.ChunkedArray, *, decimal_comma: bool) -> pd.Series:
    """A column typed as pandas types a CSV column: numbers, then booleans, then text."""
    if len(column) == 0:
        return pd.Series([], dtype=object)
    missing = _missing(column)
    numbers = parse_numbers(column, decimal_comma=decimal_comma)
    if not (numbers.bad & ~missing).any():
        values = numbers.values
        values[missing] = np.nan
        if (
            not missing.any()
            and pc.all(pc.match_substring_regex(numbers.text, _INTEGER)).as_py() is not False
        ):
            try:
                unsigned = pc.replace_substring_regex(numbers.text, r"^\+", "")
                return pd.Series(np.asarray(pc.cast(unsigned, pa.int64()).to_numpy(), dtype=np.int64))
            except pa.ArrowInvalid:  # beyond int64
                pass
        return pd.Series(values, dtype=np.float64)
    trimmed = pc.utf8_trim_whitespace(column)
    if pc.all(pc.or_(pa.array(missing), pc.is_in(trimmed, value_set=_BOOLEAN))).as_py():
        truth = np.asarray(pc.is_in(trimmed, value_set=_TRUE).to_numpy(), dtype=bool)
        if not missing.any():
            return pd.Series(truth, dtype=bool)
        flags = truth.astype(object)
        flags[missing] = np.nan
        return pd.Series(flags, dtype=object)
    return _text(column, strip=False, missing=missing)


def _read_parquet(path: Path, *, required: Sequence[str], text_columns: Sequence[str]) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except (ValueError, OSError, ImportError) as error:
        raise ValidationError(f"{path.name}: cannot read the file as PARQUET ({error})") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        issues = Issues(path.name)
        names = [str(c) for c in frame.columns]
        for column in missing:
            issues.add(None, column, f"a column named {column!r}", "columns: " + ", ".join(names))
        raise _error(issues, path.name, missing, names)
    for column in text_columns:
        if column in frame.columns:
            values = frame[column]
            frame[column] = values.where(values.isna(), values.astype(str).str.strip())
    return frame


def write_frames(
    path: Path,
    frames: Iterable[pd.DataFrame],
    *,
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the frames, one after another, as one table at ``path``; return the number of rows written."""
    path = Path(path)
    kind = _format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    rows = 0
    try:
        if kind == ".csv":
            with temporary.open("w", encoding="utf-8", newline="") as out:
                for k, frame in enumerate(frames):
                    frame.to_csv(out, header=k == 0, index=False, lineterminator="\n")
                    rows += len(frame)
                    if progress is not None:
                        progress(k + 1, total or 0)
        elif kind == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            writer: pq.ParquetWriter | None = None
            try:
                for k, frame in enumerate(frames):
                    table = pa.Table.from_pandas(_plain(frame), preserve_index=False)
                    if writer is None:
                        writer = pq.ParquetWriter(temporary, table.schema)
                    writer.write_table(table)
                    rows += len(frame)
                    if progress is not None:
                        progress(k + 1, total or 0)
            finally:
                if writer is not None:
                    writer.close()
        else:
            parts = []
            for k, frame in enumerate(frames):
                rows += len(frame)
                if rows > _XLSX_MAX_ROWS:
                    raise ValidationError(
                        f"{path.name}: the result has more than {_XLSX_MAX_ROWS:,} rows, the most a spreadsheet "
                        "holds; write .parquet or .csv instead"
                    )
                parts.append(_plain(frame))
                if progress is not None:
                    progress(k + 1, total or 0)
            combined = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
            combined.to_excel(temporary, index=False, engine="openpyxl")
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return rows


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical label columns as plain text (stable schemas across the written parts)."""
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype({c: str for c in categorical}) if categorical else frame
