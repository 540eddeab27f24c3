"""Import problems in the interface language.

The reader (:mod:`hromada.io.statistics`) words its problems in English, for logs, the API and the
command line. The web page shows them in the user's language: each known English wording is matched
here and replaced by its catalogue message with the same figures; an unknown wording is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from hromada.errors import ImportIssue
from hromada.i18n import Translator

__all__ = ["LocalIssue", "localize_issue"]


def _(message: str) -> str:
    """Marks a message for extraction (pybabel); it is translated when shown."""
    return message


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"a KATOTTG code: UA followed by 17 digits"), _("a KATOTTG code: UA followed by 17 digits")),
    (
        re.compile(r"a NACE Rev\. 2 code \(section, division, group or class\) or _T for the total"),
        _("a NACE Rev. 2 (KVED-2010) code: section, division, group or class, or _T for the total"),
    ),
    (re.compile(r"one of the measures (?P<list>.+)"), _("one of the measures %(list)s")),
    (
        re.compile(r"a number \(decimal point, e\.g\. 1234\.5; spaces between digit groups are allowed\)"),
        _("a number with a decimal point, e.g. 1234.5 (spaces between digit groups are allowed)"),
    ),
    (
        re.compile(
            r"a number \(decimal comma or point, e\.g\. 1234,5; spaces between digit groups are allowed\)"
        ),
        _("a number with a decimal comma or point, e.g. 1234,5 (spaces between digit groups are allowed)"),
    ),
    (re.compile(r"a number"), _("a number")),
    (re.compile(r"a value of 0 or more \((?P<what>\w+) cannot be negative\)"), _("a value of 0 or more")),
    (
        re.compile(r"a year: a whole number from (?P<low>\d+) to (?P<high>\d+)"),
        _("a year: a whole number from %(low)s to %(high)s"),
    ),
    (
        re.compile(r"one figure per region_code, year, sector_code and measure"),
        _("one figure per region_code, year, sector_code and measure"),
    ),
    (re.compile(r"a column named '(?P<name>[^']+)'"), _("a column named “%(name)s”")),
    (re.compile(r"a file of at most (?P<size>[\d,]+) bytes"), _("a file of at most %(size)s bytes")),
    (re.compile(r"a header row and at least one data row"), _("a header row and at least one data row")),
    (re.compile(r"UTF-8 text.*"), _("UTF-8 text (in Excel: save as “CSV UTF-8”)")),
    (re.compile(r"an empty cell"), _("an empty cell")),
    (re.compile(r"duplicate of row (?P<row>\d+)"), _("a repetition of row %(row)s")),
    (re.compile(r"columns: (?P<list>.*)"), _("columns: %(list)s")),
    (re.compile(r"an empty file \(0 bytes\)"), _("an empty file (0 bytes)")),
]


@dataclass(frozen=True, slots=True)
class LocalIssue:
    """An import problem worded in the interface language."""

    file: str
    row: int | None
    column: str | None
    expected: str
    got: str


def _localize(text: str, gettext: Callable[..., str]) -> str:
    for pattern, message in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return gettext(message, **match.groupdict()) if match.groupdict() else gettext(message)
    return text


def localize_issue(issue: ImportIssue, translator: Translator) -> LocalIssue:
    """The issue with its ``expected`` and ``got`` texts in the translator's language."""
    return LocalIssue(
        file=issue.file,
        row=issue.row,
        column=issue.column,
        expected=_localize(issue.expected, translator.gettext),
        got=_localize(issue.got, translator.gettext),
    )
