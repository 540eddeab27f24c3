"""What ``hromada projects`` reads from its options before it opens the database: the export format of
``--output`` and a span of years (the plan's input files are read by :mod:`hromada.services.projects.inputs`).

Each raises a Hromada error naming the option, so that nothing is stored when one is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from hromada.errors import ValidationError


def export_format(output: Path | None) -> Literal["csv", "xlsx"] | None:
    """The export format of ``--output`` (checked before any work is done)."""
    if output is None:
        return None
    suffix = output.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise ValidationError(
        f"`--output` must end in .xlsx (every table) or .csv (the main table); got {output.name!r}"
    )


def year_range(text: str) -> list[int]:
    """``2026-2028`` (or one year, ``2026``) as the list of years."""
    first, _, last = text.strip().partition("-")
    try:
        years = list(range(int(first), int(last or first) + 1))
    except ValueError:
        years = []
    if not years:
        raise ValidationError(f"`--years` must be FIRST-LAST, such as 2026-2028; got {text!r}")
    return years
