"""The NACE Rev. 2 classification of economic activities (harmonised with Ukraine's KVED-2010).

Sources of ``nace_rev2.csv`` (codes and official titles are facts, used with their origin named):

- Structure (21 sections, 88 divisions, 272 groups, 615 classes) and English titles: Eurostat, *NACE Rev. 2 -
  Statistical classification of economic activities in the European Community* (Regulation (EC) No
  1893/2006), as exported by Eurostat's RAMON metadata server. Section titles are written in sentence case.
- German titles: the German-language edition of the same Eurostat classification (RAMON export), which
  matches the wording of Destatis' WZ 2008 at these four levels.
- Ukrainian titles: State Statistics Service of Ukraine, *Класифікація видів економічної діяльності*
  ДК 009:2010 (KVED-2010), for all sections and divisions and a few groups and classes; the other groups and
  classes have no Ukrainian title in the file and :func:`nace_title` falls back to English for them.

Codes are written canonically: section ``"A"``, division ``"01"``, group ``"01.1"``, class ``"01.11"``. The
all-activities total is :data:`TOTAL_CODE` (``"_T"``, the SDMX convention).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Final, Literal

import pandas as pd

from hromada.errors import ValidationError

__all__ = [
    "LEVELS",
    "LOCALES",
    "TOTAL_CODE",
    "NaceLevel",
    "division_of",
    "load_nace",
    "nace_codes",
    "nace_title",
    "normalize_nace_codes",
    "section_of",
]

NaceLevel = Literal["section", "division", "group", "class"]

LEVELS: Final[tuple[NaceLevel, ...]] = ("section", "division", "group", "class")
"""The four NACE Rev. 2 levels, from the coarsest to the finest."""

LOCALES: Final[tuple[str, ...]] = ("uk", "en", "de")
"""Languages with titles in the classification file."""

TOTAL_CODE: Final[str] = "_T"
"""Code of the total over all economic activities (SDMX convention)."""

_TOTAL_TITLES: Final[dict[str, str]] = {
    "en": "All economic activities",
    "uk": "Усі види економічної діяльності",
    "de": "Alle Wirtschaftszweige",
}

_CSV_NAME: Final[str] = "nace_rev2.csv"
_COLUMNS: Final[tuple[str, ...]] = ("code", "level", "parent", "title_en", "title_uk", "title_de")

_SECTION_RE = re.compile(r"^[A-Ua-u]$")
_PREFIXED_RE = re.compile(r"^([A-Ua-u])\s*(\d[\d.]*)$")


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    """Read the shipped CSV once (the cached frame is never handed out)."""
    path = resources.files("hromada.data").joinpath(_CSV_NAME)
    with path.open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    return frame.loc[:, list(_COLUMNS)]


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, str, str, str, str]]:
    """Map each code to ``(level, parent, title_en, title_uk, title_de)``."""
    frame = _table()
    return {
        str(row[0]): (str(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]))
        for row in frame.itertuples(index=False, name=None)
    }


def load_nace() -> pd.DataFrame:
    """Return the NACE Rev. 2 classification as a table.

    Returns
    -------
    pandas.DataFrame
        One row per code (996 rows: 21 sections, 88 divisions, 272 groups and 615 classes, in the official
        order) with the string columns ``code``, ``level`` (``section``/``division``/``group``/``class``),
        ``parent`` (empty for sections), ``title_en``, ``title_uk`` and ``title_de``. Ukrainian and German
        titles are always present for sections and divisions; an empty string marks a missing title of a
        group or class. The file is read once; each call returns a fresh copy.

    Examples
    --------
    >>> nace = load_nace()
    >>> nace["level"].value_counts()["class"]
    np.int64(615)
    """
    return _table().copy()


def nace_codes(level: NaceLevel | None = None) -> frozenset[str]:
    """Return the set of valid NACE Rev. 2 codes, at one level or at all of them.

    Parameters
    ----------
    level
        ``"section"``, ``"division"``, ``"group"`` or ``"class"``; ``None`` for all four levels.

    Returns
    -------
    frozenset[str]
        Canonical codes (``"C"``, ``"10"``, ``"10.1"``, ``"10.11"``). The total :data:`TOTAL_CODE` is not
        included.

    Raises
    ------
    ValidationError
        If ``level`` is not one of the four levels.
    """
    return _codes(level)


@lru_cache(maxsize=8)
def _codes(level: str | None) -> frozenset[str]:
    if level is not None and level not in LEVELS:
        raise ValidationError(f"`level` must be one of {', '.join(LEVELS)} or None; got {level!r}")
    index = _index()
    return frozenset(code for code, entry in index.items() if level is None or entry[0] == level)


def _candidates(text: str) -> list[str]:
    """Canonical readings of a stripped code that has no letters, in order of preference."""
    if re.fullmatch(r"\d{2}(\.\d{1,2})?", text):
        return [text]
    if re.fullmatch(r"\d", text):
        return ["0" + text]
    if re.fullmatch(r"\d\.\d{1,2}", text):
        return ["0" + text]
    if re.fullmatch(r"\d{4}", text):
        return [f"{text[:2]}.{text[2:]}"]
    if re.fullmatch(r"\d{3}", text):
        # "011" is the group 01.1; "111" may be the group 11.1 or the class 01.11 with its leading zero
        # lost (as spreadsheets do): both readings are tried and only an unambiguous one is kept.
        return [f"{text[:2]}.{text[2]}", f"0{text[0]}.{text[1:]}"]
    return []


def _normalize_one(raw: str) -> str:
    text = raw.strip()
    upper = text.upper()
    if upper == TOTAL_CODE or upper == "TOTAL":
        return TOTAL_CODE
    index = _index()
    if _SECTION_RE.match(text):
        return upper
    prefixed = _PREFIXED_RE.match(text)
    if prefixed:
        # Eurostat-style "C10.11" / "C1011": keep it only when the letter is the code's own section.
        letter, rest = prefixed.group(1).upper(), prefixed.group(2)
        inner = _normalize_one(rest)
        if inner in index and _section(inner) == letter:
            return inner
        return text
    known = [code for code in _candidates(text) if code in index]
    if len(known) == 1:
        return known[0]
    return text


def normalize_nace_codes(codes: pd.Series) -> pd.Series:
    """Bring NACE codes written in common variants to the canonical form.

    Whitespace is stripped, section letters are upper-cased, and codes without their dot or leading zero are
    restored when there is exactly one known reading: ``"0111"`` becomes ``"01.11"``, ``"011"`` becomes
    ``"01.1"``, ``"1"`` becomes ``"01"``, ``"1.11"`` becomes ``"01.11"``, ``"c10.11"`` becomes ``"10.11"``,
    ``"total"`` becomes :data:`TOTAL_CODE`. Codes that cannot be read unambiguously as a NACE Rev. 2 code
    are returned stripped but otherwise unchanged, so that the caller can report them; missing values stay
    missing.

    Parameters
    ----------
    codes
        Codes as strings (numbers are converted with :class:`str`).

    Returns
    -------
    pandas.Series
        The normalised codes, with the index of ``codes``.

    Examples
    --------
    >>> normalize_nace_codes(pd.Series([" c ", "0111", "011", "1", "99.99"])).tolist()
    ['C', '01.11', '01.1', '01', '99.99']
    """
    present = codes.notna()
    mapping = {value: _normalize_one(str(value)) for value in pd.unique(codes[present])}
    result = pd.Series(pd.NA, index=codes.index, dtype=object, name=codes.name)
    result[present] = codes[present].map(mapping)
    return result


def _lookup(code: str, param: str = "code") -> tuple[str, str, str, str, str]:
    index = _index()
    entry = index.get(code)
    if entry is None:
        normalized = _normalize_one(code)
        entry = index.get(normalized)
    if entry is None:
        raise ValidationError(
            f"`{param}` must be a NACE Rev. 2 code such as 'C', '10', '10.1' or '10.11'; got {code!r}"
        )
    return entry


def _canonical(code: str) -> str:
    return code if code in _index() else _normalize_one(code)


def _section(code: str) -> str:
    index = _index()
    current = code
    level, parent = index[current][0], index[current][1]
    while level != "section":
        current = parent
        level, parent = index[current][0], index[current][1]
    return current


def nace_title(code: str, locale: str = "uk") -> str:
    """Return the title of a NACE Rev. 2 code in a language.

    Parameters
    ----------
    code
        A NACE Rev. 2 code at any level (variants accepted by :func:`normalize_nace_codes` too), or
        :data:`TOTAL_CODE`.
    locale
        ``"uk"`` (default), ``"en"`` or ``"de"``; a regional variant such as ``"de-AT"`` uses its language.
        When the file has no title in that language (some Ukrainian group and class titles), the English
        title is returned.

    Returns
    -------
    str
        The official title.

    Raises
    ------
    ValidationError
        If the code is unknown or the language is not one of ``uk``, ``en``, ``de``.

    Examples
    --------
    >>> nace_title("C", "en")
    'Manufacturing'
    >>> nace_title("62", "uk")
    "Комп'ютерне програмування, консультування та пов'язана з ними діяльність"
    """
    language = locale.replace("_", "-").split("-")[0].lower()
    if language not in LOCALES:
        raise ValidationError(f"`locale` must be one of {', '.join(LOCALES)}; got {locale!r}")
    if code.strip().upper() in (TOTAL_CODE, "TOTAL"):
        return _TOTAL_TITLES[language]
    _, _, title_en, title_uk, title_de = _lookup(code)
    title = {"en": title_en, "uk": title_uk, "de": title_de}[language]
    return title or title_en


def section_of(code: str) -> str:
    """Return the section letter of a NACE Rev. 2 code (a section returns itself).

    Raises
    ------
    ValidationError
        If the code is unknown.

    Examples
    --------
    >>> section_of("10.11")
    'C'
    """
    _lookup(code)
    return _section(_canonical(code))


def division_of(code: str) -> str:
    """Return the two-digit division of a NACE Rev. 2 division, group or class.

    Raises
    ------
    ValidationError
        If the code is unknown or is a section (a section has no single division).

    Examples
    --------
    >>> division_of("01.11")
    '01'
    """
    level = _lookup(code)[0]
    if level == "section":
        raise ValidationError(
            f"`code` must be a division, group or class to have a division; got section {code!r}"
        )
    return _canonical(code)[:2]
