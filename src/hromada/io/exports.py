"""The one writer of spreadsheet exports: named tables as an XLSX workbook (a sheet each) or the first table
as CSV, with every text cell that a spreadsheet program would run as a formula neutralised.

Every download and every ``--output`` file of Hromada goes through :func:`write_tables`, so a new export
inherits the protection.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal, get_args

import pandas as pd

from hromada.errors import ValidationError

__all__ = ["FORMULA_TRIGGERS", "MEDIA_TYPES", "ExportFormat", "export_bytes", "neutralise", "write_tables"]

ExportFormat = Literal["csv", "xlsx"]
#: The media type of each export format (what a download answers with).
MEDIA_TYPES: Mapping[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMATS: tuple[str, ...] = get_args(ExportFormat)
#: The first characters that make a spreadsheet program read a cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text that starts like a formula, prefixed with ``'`` so that it stays text; anything else unchanged.

    Notes
    -----
    The rule of the OWASP CSV Injection page: a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return is prefixed with a single quote. Numbers are not text and are left alone (``-5`` stays a
    number).

    Examples
    --------
    >>> print(neutralise('=HYPERLINK("http://example.org","click")'))
    '=HYPERLINK("http://example.org","click")
    >>> neutralise("Bridge repair"), neutralise(-5.0)
    ('Bridge repair', -5.0)
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    out = frame.copy()
    for column in text:
        out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _check(tables: Mapping[str, pd.DataFrame], fmt: str) -> None:
    if fmt not in _FORMATS:
        raise ValidationError(f"`fmt` must be one of {', '.join(_FORMATS)}; got {fmt!r}")
    if not tables:
        raise ValidationError("`tables` must hold at least one table; got none")
    for name in tables:
        if not name or len(name) > 31 or any(c in name for c in "[]:*?/\\"):
            raise ValidationError(
                f"table names must be 1-31 characters without []:*?/\\ (sheet names); got {name!r}"
            )


def _write(tables: Mapping[str, pd.DataFrame], out: BinaryIO, fmt: str) -> None:
    safe = {name: _safe(frame) for name, frame in tables.items()}
    if fmt == "csv":
        first = next(iter(safe.values()))
        text = first.to_csv(index=False, lineterminator="\r\n")
        out.write(text.encode("utf-8-sig"))
        return
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in safe.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # never a formula: text stays text
                        cell.data_type = "s"
            for k, column in enumerate(frame.columns):
                values = [str(column), *(str(v) for v in frame[column].head(200))]
                letter = sheet.cell(row=1, column=k + 1).column_letter
                sheet.column_dimensions[letter].width = min(max(len(v) for v in values) + 2, 60)


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    target: str | os.PathLike[str] | BinaryIO,
    fmt: ExportFormat | None = None,
) -> None:
    """Write the tables as one XLSX workbook (a sheet per table) or the first table as CSV.

    Parameters
    ----------
    tables
        Named tables, the main one first (as :func:`ranking_tables` and :func:`portfolio_tables` give them);
        names are sheet names (at most 31 characters).
    target
        A file path, or a binary buffer to write into.
    fmt
        ``"xlsx"`` or ``"csv"``; by default the path's extension. Required for a buffer.

    Notes
    -----
    A path is written beside its final name and then renamed, so a failure leaves no half-written file.
    CSV is UTF-8 with a byte-order mark and CRLF line ends, which spreadsheet programs open directly.
    """
    if isinstance(target, (str, os.PathLike)):
        path = Path(target)
        kind = fmt or path.suffix.lower().lstrip(".")
        _check(tables, kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                _write(tables, out, kind)
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)
        return
    if fmt is None:
        raise ValidationError("`fmt` must be csv or xlsx when writing to a buffer; got None")
    _check(tables, fmt)
    _write(tables, target, fmt)


def export_bytes(tables: Mapping[str, pd.DataFrame], fmt: ExportFormat) -> tuple[bytes, str, str]:
    """The tables as a download: the file's bytes, its media type and its extension (without the dot).

    Parameters
    ----------
    tables
        Named tables, the main one first.
    fmt
        ``"xlsx"`` (every table, a sheet each) or ``"csv"`` (the first table).
    """
    buffer = io.BytesIO()
    write_tables(tables, buffer, fmt)
    return buffer.getvalue(), MEDIA_TYPES[fmt], fmt
