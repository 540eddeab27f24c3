"""The finance plan's input files: AHP judgements, a revenue forecast and eligibility-gate rules, read from
CSV/XLSX (by the one table reader, :func:`hromada.io.tables.read_table`) or JSON.

Each raises a Hromada error naming the file (and the row and column where one is wrong), so that nothing is
stored when a file is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hromada.errors import ImportIssue, ImportValidationError, ValidationError
from hromada.io.tables import read_table
from hromada.services.projects.finance import saaty_value

__all__ = ["read_gate_rules", "read_judgements", "read_revenue"]


def read_judgements(path: Path) -> list[tuple[str, str, float]]:
    """Pairwise judgements from a table with columns a, b, value (a number or a fraction such as 1/3)."""

    frame = read_table(path, required=("a", "b", "value"), text_columns=("a", "b", "value"))
    out: list[tuple[str, str, float]] = []
    issues: list[ImportIssue] = []
    for i, row in enumerate(frame.to_dict(orient="records")):
        try:
            value = saaty_value(str(row["value"]))
        except ValidationError:
            issues.append(
                ImportIssue(
                    path.name,
                    i + 2,
                    "value",
                    "Saaty's scale 1/9 ... 9 (fractions such as 1/3)",
                    str(row["value"]),
                )
            )
            continue
        out.append((str(row["a"]).strip(), str(row["b"]).strip(), value))
    if issues:
        raise ImportValidationError(issues)
    return out


def read_revenue(path: Path) -> dict[str, Any]:
    """A revenue forecast from a table with columns year, revenue (UAH): revenue by year, each year once."""
    frame = read_table(path, required=("year", "revenue"), text_columns=("year",))
    listed = [str(y) for y in frame["year"]]
    repeated = sorted({y for y in listed if listed.count(y) > 1})
    if repeated:
        raise ValidationError(f"{path.name}: every year must appear once; repeated {', '.join(repeated)}")
    return dict(zip(listed, frame["revenue"].tolist(), strict=True))


def read_gate_rules(path: Path) -> list[dict[str, Any]]:
    """Rules from JSON (a list of {name, column, op, value, message}) or CSV/XLSX with those columns (a list
    value for in/not in separated by ;)."""
    if path.suffix.lower() == ".json":
        try:
            rules = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValidationError(f"{path.name}: not a readable JSON file ({error})") from None
        if not isinstance(rules, list):
            raise ValidationError(f"{path.name}: expected a JSON list of rules; got {type(rules).__name__}")
        return rules
    frame = read_table(
        path, required=("name", "column", "op"), text_columns=("name", "column", "op", "value")
    )
    rules = []
    for record in frame.to_dict(orient="records"):
        raw = record.get("value")
        text = "" if raw is None or raw != raw else str(raw).strip()
        value: Any = text or None
        if str(record["op"]).strip() in ("in", "not in"):
            value = [v.strip() for v in text.split(";") if v.strip()]
        message = record.get("message")
        rules.append(
            {"name": record["name"], "column": record["column"], "op": str(record["op"]).strip(),
             "value": value, "message": "" if message is None or message != message else str(message)}
        )  # fmt: skip
    return rules
