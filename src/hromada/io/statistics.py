"""Read municipal statistics from CSV and Excel files, checking every cell before anything is stored.

Statistics enter Hromada as a table of figures: one figure per territorial community (hromada), year,
economic sector and measure. A file is either *read completely* or *rejected with a list of all its problems*
(each naming the row, the column, what was expected and what was found); nothing is ever half-imported.

File types
----------
- **CSV** (``.csv``, ``.txt``): UTF-8 text (a byte order mark is allowed, so Excel's "CSV UTF-8" works);
  Windows-1251 text (Excel's plain "CSV" on a Ukrainian Windows) is recognised and read too.
  Cells are separated by commas, semicolons or tabs; the separator is recognised from the header line.
  Cells may be quoted with ``"``.
- **Excel** (``.xlsx``): the first worksheet is read, every row of it (whatever size the sheet declares).
  Numbers in number cells are taken as they are.

Reading the file (type, encoding, separator, size, rows with the wrong number of cells) is shared with the
other table imports (:mod:`hromada.io._reader`); this module checks the statistics in it.

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
UTF-8 or Windows-1251; save as "CSV UTF-8"), rows with too many or too few cells, KATOTTG and NACE codes,
years (from 1990 to 2100 unless told otherwise), numbers, negative figures, empty figures, unknown measures,
wrong units, and the same community, year, sector and measure appearing twice. Very large files are refused
before they are read completely (2 GB or 50 million rows by default).

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

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hromada.data.measures import MEASURES, Measure, find_measure, normalize_label
from hromada.data.nace import TOTAL_CODE, nace_codes, normalize_nace_codes
from hromada.errors import ValidationError
from hromada.io._reader import (
    EMPTY,
    FILE_EXPECTED,
    ISSUE_LIMIT,
    MAX_BYTES,
    MAX_ROWS,
    Issues,
    Numbers,
    RawTable,
    blank,
    parse_numbers,
    quote,
    read_raw,
    shown,
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

_HEADER_KEYS: Final[Mapping[str, str]] = MappingProxyType(
    {normalize_label(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}
)
_YEAR_HEADER = re.compile(r"^\d{4}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_REGION = re.compile(r"^UA\d{17}$")

_REGION_EXPECTED = "a KATOTTG code: UA followed by 17 digits"
_SECTOR_EXPECTED = "a NACE Rev. 2 code (section, division, group or class) or _T for the total"
_MEASURE_EXPECTED = "one of the measures " + ", ".join(sorted(MEASURES))

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


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


# ---------------------------------------------------------------------------------------------- raw tables


@dataclass
class _Table:
    """A file's cells as Arrow strings, before any check (a view of :class:`hromada.io._reader.RawTable`)."""

    headers: list[str]
    columns: list[pa.ChunkedArray]
    rows: IntArray
    header_row: int
    decimal_comma: bool

    @classmethod
    def of(cls, raw: RawTable) -> _Table:
        columns = [raw.column(position) for position in range(len(raw.headers))]
        return cls(raw.headers, columns, raw.rows, raw.header_row, raw.decimal_comma)


# ------------------------------------------------------------------------------------------------ columns


@dataclass
class _Coded:
    """A column as codes into its distinct cell texts, so that checks run once per distinct text."""

    header: str
    codes: npt.NDArray[np.intp]
    texts: list[str]

    def got(self, position: int) -> str:
        return shown(self.texts[self.codes[position]])


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
    table: _Table, columns: Mapping[str, int], issues: Issues, default_region: str | None
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
    issues: Issues,
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
    issues: Issues,
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
    issues: Issues,
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
    numbers: Numbers,
    keys: _Keys,
    rows: IntArray,
    column: pa.ChunkedArray,
    header: str,
    issues: Issues,
    *,
    empty_is_error: bool,
    decimal_comma: bool,
) -> BoolArray:
    """Report bad, empty (when that is an error) and forbidden negative figures; return the good ones."""

    def raw(position: int) -> str:
        return quote(str(column[position].as_py()).strip())

    expected = (
        "a number (decimal comma or point, e.g. 1234,5; spaces between digit groups are allowed)"
        if decimal_comma
        else "a number (decimal point, e.g. 1234.5; spaces between digit groups are allowed)"
    )
    issues.add_rows(numbers.bad, rows, header, expected, raw)
    if empty_is_error:
        issues.add_rows(numbers.empty, rows, header, "a number", EMPTY)
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


def _map_headers(table: _Table, issues: Issues) -> tuple[dict[str, int], list[tuple[int, int]], list[str]]:
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
        elif header or (~blank(table.columns[index])).any():
            ignored.append(header or f"(column {index + 1} without a header)")
    return columns, year_columns, ignored


def _check_year_headers(
    table: _Table, year_columns: Sequence[tuple[int, int]], issues: Issues, *, min_year: int, max_year: int
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
            issues.add(table.header_row, header, expected, quote(header))
        kept[year] = index
    return [(index, year) for year, index in kept.items()]


def read_statistics(
    source: Path | bytes | BinaryIO,
    *,
    filename: str | None = None,
    default_region: str | None = None,
    default_source: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
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
    raw = read_raw(source, filename=filename, max_bytes=max_bytes, max_rows=max_rows, progress=progress)
    return _validate(
        _Table.of(raw),
        raw.file,
        raw.issues,
        default_region=default_region,
        default_source=(default_source or "").strip() or raw.file,
        min_year=min_year,
        max_year=max_year,
    )


def _validate(
    table: _Table,
    name: str,
    issues: Issues,
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
    empty = blank(table.columns[used[0]])
    for index in used[1:]:
        if not empty.any():
            break
        empty &= blank(table.columns[index])
    if empty.any():
        keep = pa.array(~empty)
        table = _Table(
            table.headers,
            [column.filter(keep) for column in table.columns],
            table.rows[~empty],
            table.header_row,
            table.decimal_comma,
        )
    if len(table.rows) == 0:
        issues.add(None, None, FILE_EXPECTED, "only a header row, no data rows")
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
    table: _Table, columns: Mapping[str, int], keys: _Keys, issues: Issues, *, min_year: int, max_year: int
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
    numbers = parse_numbers(table.columns[index], decimal_comma=table.decimal_comma)
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
    issues: Issues,
    *,
    min_year: int,
    max_year: int,
) -> pd.DataFrame:
    rows = table.rows
    values = np.full((len(rows), len(year_columns)), np.nan)
    present = np.zeros((len(rows), len(year_columns)), dtype=bool)
    for j, (index, _) in enumerate(year_columns):
        numbers = parse_numbers(table.columns[index], decimal_comma=table.decimal_comma)
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
