"""A damage, losses and needs ledger in the terms of the Ukraine Rapid Damage and Needs Assessment (RDNA).

Each entry is one figure: a sector of the RDNA catalogue (:mod:`hromada.data.rdna`), a kind (damage, loss or
need), an amount in a currency at a valuation date, and optionally its source, the confidence in it, the asset
it concerns, a build-back-better factor and a term (for needs). :func:`validate_entries` checks a table of
entries and reports every problem at once, :func:`convert` brings the amounts into one currency at stated
exchange rates, and :func:`rollup` adds them up by sector, sector group and kind.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from hromada.data.rdna import CONFIDENCE, GROUPS, KINDS, REFERENCES, TERMS, sector_codes, sector_group
from hromada.errors import ImportIssue, ImportValidationError, ValidationError

__all__ = [
    "ENTRY_COLUMNS",
    "OPTIONAL_COLUMNS",
    "RATE_COLUMNS",
    "REQUIRED_COLUMNS",
    "UNSPECIFIED_TERM",
    "LedgerRollup",
    "convert",
    "rollup",
    "validate_entries",
]

REQUIRED_COLUMNS: Final[tuple[str, ...]] = ("sector", "kind", "amount", "currency", "valuation_date")
"""Columns every ledger table must have."""

OPTIONAL_COLUMNS: Final[tuple[str, ...]] = (
    "source",
    "confidence",
    "asset_id",
    "bbb_factor",
    "term",
    "description",
)
"""Columns a ledger table may have; :func:`validate_entries` adds the missing ones with their defaults."""

ENTRY_COLUMNS: Final[tuple[str, ...]] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
"""The columns of a validated ledger table, in order (other columns follow unchanged)."""

RATE_COLUMNS: Final[tuple[str, ...]] = ("currency", "date", "rate")
"""Columns of an exchange-rate table."""

UNSPECIFIED_TERM: Final[str] = "unspecified"
"""Label of the needs that have no term in :attr:`LedgerRollup.needs_by_term`."""

_CURRENCY_RE: Final = re.compile(r"^[A-Z]{3}$")
_ISO_DATE_RE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}([T ].*)?$")
_DOTTED_DATE_RE: Final = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_KIND_ALIASES: Final[dict[str, str]] = {"damages": "damage", "losses": "loss", "needs": "need"}
_DATE_DTYPE: Final = "datetime64[ns]"


# ------------------------------------------------------------------------------------------------ result
@dataclass(frozen=True, eq=False)
class LedgerRollup:
    """Totals of a damage, losses and needs ledger in one currency.

    Attributes
    ----------
    by_sector
        One row per sector that has entries (index ``sector``, in the RDNA order) with the columns ``group``,
        ``damage``, ``loss`` and ``need``: totals in the target currency.
    by_group
        One row per sector group that has entries (index ``group``) with the columns ``damage``, ``loss`` and
        ``need``.
    totals
        Damage, loss and need over the whole ledger (index ``damage``, ``loss``, ``need``).
    needs_by_term
        Needs split into ``short`` (short-term priorities), ``medium`` (medium and long term) and
        ``unspecified`` (needs entered without a term); the three add up to ``totals["need"]``.
    rates_used
        The exchange rates applied, as stated: ``currency``, ``rate`` (units of the target currency per unit),
        ``rate_date`` and ``count`` (number of entries converted at it). Empty when every entry was already in
        the target currency.
    target
        The ISO 4217 code of the currency of every total.
    apply_bbb
        Whether needs were multiplied by their build-back-better factor.
    entries
        The validated, converted entries with the added columns ``amount_target``, ``rate``, ``rate_date``
        and ``value`` (the amount that enters the totals).
    """

    by_sector: pd.DataFrame
    by_group: pd.DataFrame
    totals: pd.Series[float]
    needs_by_term: pd.Series[float]
    rates_used: pd.DataFrame
    target: str
    apply_bbb: bool
    entries: pd.DataFrame

    def as_dict(self) -> dict[str, Any]:
        """Return the roll-up as JSON-ready plain Python data (dates as ISO strings)."""

        def amounts(row: pd.Series[Any]) -> dict[str, float]:
            return {kind: float(row[kind]) for kind in KINDS}

        return {
            "target": self.target,
            "apply_bbb": self.apply_bbb,
            "entries": len(self.entries),
            "totals": {kind: float(self.totals[kind]) for kind in KINDS},
            "by_sector": [
                {"sector": str(sector), "group": str(row["group"]), **amounts(row)}
                for sector, row in self.by_sector.iterrows()
            ],
            "by_group": [{"group": str(group), **amounts(row)} for group, row in self.by_group.iterrows()],
            "needs_by_term": [
                {"term": str(term), "amount": float(value)} for term, value in self.needs_by_term.items()
            ],
            "rates_used": [
                {
                    "currency": str(row["currency"]),
                    "rate": float(row["rate"]),
                    "rate_date": pd.Timestamp(row["rate_date"]).date().isoformat(),
                    "count": int(row["count"]),
                }
                for _, row in self.rates_used.iterrows()
            ],
            "references": list(REFERENCES),
        }


# ------------------------------------------------------------------------------------------- validation
def _shown(value: object) -> str:
    """How a cell value is quoted in an issue."""
    if _missing(value):
        return "an empty cell"
    return repr(value) if isinstance(value, str) else str(value)


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _as_float(value: object) -> float | None:
    """A finite float read from a number or a numeric string, else None."""
    if isinstance(value, bool) or _missing(value):
        return None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    elif isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    else:
        return None
    return number if math.isfinite(number) else None


def _as_date(value: object) -> pd.Timestamp | None:
    """A date read from a date, a timestamp, or an ISO (``2024-01-31``) or dotted (``31.01.2024``) string."""
    if _missing(value):
        return None
    try:
        if isinstance(value, str):
            text = value.strip()
            dotted = _DOTTED_DATE_RE.match(text)
            if dotted:
                day, month, year = (int(part) for part in dotted.groups())
                stamp = pd.Timestamp(dt.date(year, month, day))
            elif _ISO_DATE_RE.match(text):
                stamp = pd.Timestamp(text)
            else:
                return None
        elif isinstance(value, dt.date | np.datetime64):
            stamp = pd.Timestamp(value)
        else:
            return None
    except (ValueError, TypeError, OverflowError):
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def _as_code(value: object) -> str | None:
    """A three-letter upper-case currency code, else None."""
    if not isinstance(value, str):
        return None
    code = value.strip().upper()
    return code if _CURRENCY_RE.match(code) else None


def _as_word(value: object, allowed: Iterable[str], aliases: dict[str, str] | None = None) -> str | None:
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    word = (aliases or {}).get(word, word)
    return word if word in allowed else None


def _as_text(value: object) -> str | None:
    return None if _missing(value) else str(value).strip()


def _one_of(values: Iterable[str]) -> str:
    return "one of " + ", ".join(values)


def _check_frame(data: object, param: str) -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise ValidationError(f"`{param}` must be a pandas DataFrame; got {type(data).__name__}")
    if not data.columns.is_unique:
        duplicates = data.columns[data.columns.duplicated()].unique().tolist()
        raise ValidationError(f"`{param}` must have unique column names; got duplicates {duplicates!r}")
    return data


def _missing_columns(
    frame: pd.DataFrame, required: Iterable[str], file: str, issues: list[ImportIssue]
) -> set[str]:
    absent = {name for name in required if name not in frame.columns}
    for name in required:
        if name in absent:
            issues.append(ImportIssue(file, None, name, f"a column named {name!r}", "no such column"))
    return absent


def _read_column(
    frame: pd.DataFrame,
    name: str,
    reader: Any,
    expected: str,
    file: str,
    issues: list[ImportIssue],
    *,
    optional: bool = False,
) -> list[Any]:
    """Apply ``reader`` to every cell of a column; unreadable cells become issues (row numbers 1-based with
    the header as row 1, as a spreadsheet shows them)."""
    values: list[Any] = []
    for position, raw in enumerate(frame[name].tolist()):
        if optional and _missing(raw):
            values.append(None)
            continue
        value = reader(raw)
        if value is None:
            issues.append(ImportIssue(file, position + 2, name, expected, _shown(raw)))
        values.append(value)
    return values


def validate_entries(entries: pd.DataFrame, *, file: str = "entries") -> pd.DataFrame:
    """Check a table of ledger entries and return it in canonical form.

    Parameters
    ----------
    entries
        One row per figure with the columns

        - ``sector``: an RDNA sector code (:func:`hromada.data.rdna.sector_codes`);
        - ``kind``: ``"damage"``, ``"loss"`` or ``"need"`` (``"damages"``, ``"losses"``, ``"needs"`` and any
          letter case are accepted);
        - ``amount``: a finite number >= 0;
        - ``currency``: an ISO 4217 code of three letters (upper-cased);
        - ``valuation_date``: the date the amount is valued at (a date, a timestamp, ``"2024-01-31"`` or
          ``"31.01.2024"``);

        and optionally ``source``, ``confidence`` (``"low"``, ``"medium"``, ``"high"``), ``asset_id``,
        ``bbb_factor`` (build-back-better multiplier >= 1; needs only; empty means 1), ``term`` (``"short"``
        or ``"medium"``; needs only; may be empty) and ``description``. Other columns are kept unchanged
        after these.
    file
        Name of the table in the issues (the file it was read from, when there is one).

    Returns
    -------
    pandas.DataFrame
        A new frame with the index of ``entries`` and the columns :data:`ENTRY_COLUMNS` (then any others):
        normalised codes and words, ``amount`` and ``bbb_factor`` as floats, ``valuation_date`` as
        ``datetime64[ns]`` at midnight, and missing optional values as None.

    Raises
    ------
    ImportValidationError
        Listing every problem at once: row (1-based, the header being row 1), column, what was expected and
        what was found. It is a :class:`~hromada.errors.ValidationError`.
    ValidationError
        If ``entries`` is not a DataFrame or has duplicate column names.

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {"sector": ["housing"], "kind": ["Damage"], "amount": [1.5e6], "currency": ["uah"],
    ...      "valuation_date": ["2024-01-31"]}
    ... )
    >>> row = validate_entries(table).iloc[0]
    >>> row["kind"], row["currency"], float(row["bbb_factor"])
    ('damage', 'UAH', 1.0)
    """
    frame = _check_frame(entries, "entries")
    issues: list[ImportIssue] = []
    absent = _missing_columns(frame, REQUIRED_COLUMNS, file, issues)
    codes = sector_codes()
    readers: dict[str, tuple[Any, str]] = {
        "sector": (lambda v: _as_word(v, codes), f"an RDNA sector code ({', '.join(codes)})"),
        "kind": (lambda v: _as_word(v, KINDS, _KIND_ALIASES), _one_of(KINDS)),
        "amount": (lambda v: x if (x := _as_float(v)) is not None and x >= 0 else None, "a number >= 0"),
        "currency": (_as_code, "an ISO 4217 currency code of three letters such as 'UAH'"),
        "valuation_date": (_as_date, "a date such as '2024-01-31' or '31.01.2024'"),
    }
    n = len(frame)
    columns: dict[str, list[Any]] = {}
    for name, (reader, expected) in readers.items():
        columns[name] = (
            [None] * n if name in absent else _read_column(frame, name, reader, expected, file, issues)
        )
    optional: dict[str, tuple[Any, str]] = {
        "source": (_as_text, "text"),
        "confidence": (lambda v: _as_word(v, CONFIDENCE), _one_of(CONFIDENCE) + " or empty"),
        "asset_id": (_as_text, "text"),
        "bbb_factor": (lambda v: x if (x := _as_float(v)) is not None and x >= 1 else None, "a number >= 1"),
        "term": (lambda v: _as_word(v, TERMS), _one_of(TERMS) + " or empty"),
        "description": (_as_text, "text"),
    }
    for name, (reader, expected) in optional.items():
        if name in frame.columns:
            columns[name] = _read_column(frame, name, reader, expected, file, issues, optional=True)
        else:
            columns[name] = [None] * n
    for position, kind in enumerate(columns["kind"]):
        if kind is None or kind == "need":
            continue
        factor = columns["bbb_factor"][position]
        if factor is not None and factor != 1:
            issues.append(
                ImportIssue(
                    file,
                    position + 2,
                    "bbb_factor",
                    "1 or empty (a build-back-better factor applies to needs only)",
                    f"{factor:g} on a {kind}",
                )
            )
        term = columns["term"][position]
        if term is not None:
            issues.append(
                ImportIssue(
                    file,
                    position + 2,
                    "term",
                    "empty (a term applies to needs only)",
                    f"{term!r} on a {kind}",
                )
            )
    if issues:
        raise ImportValidationError(issues)
    columns["bbb_factor"] = [1.0 if factor is None else float(factor) for factor in columns["bbb_factor"]]
    result = pd.DataFrame(index=frame.index)
    for name in ENTRY_COLUMNS:
        result[name] = pd.Series(columns[name], index=frame.index, dtype=object)
    result["amount"] = result["amount"].astype(np.float64)
    result["bbb_factor"] = result["bbb_factor"].astype(np.float64)
    result["valuation_date"] = pd.to_datetime(result["valuation_date"]).astype(_DATE_DTYPE)
    for name in ("sector", "kind", "currency"):
        result[name] = result[name].astype(str)
    for name in frame.columns:
        if name not in ENTRY_COLUMNS:
            result[name] = frame[name]
    return result


def _validate_rates(rates: pd.DataFrame) -> pd.DataFrame:
    frame = _check_frame(rates, "rates")
    issues: list[ImportIssue] = []
    absent = _missing_columns(frame, RATE_COLUMNS, "rates", issues)
    if absent:
        raise ImportValidationError(issues)
    currency = _read_column(
        frame, "currency", _as_code, "an ISO 4217 currency code such as 'USD'", "rates", issues
    )
    date = _read_column(frame, "date", _as_date, "a date such as '2024-01-31'", "rates", issues)
    rate = _read_column(
        frame,
        "rate",
        lambda v: x if (x := _as_float(v)) is not None and x > 0 else None,
        "a number > 0 (units of the target currency per unit)",
        "rates",
        issues,
    )
    if issues:
        raise ImportValidationError(issues)
    table = pd.DataFrame({"currency": currency, "rate_date": date, "rate": rate})
    table["currency"] = table["currency"].astype(str)
    table["rate_date"] = pd.to_datetime(table["rate_date"]).astype(_DATE_DTYPE)
    table["rate"] = table["rate"].astype(np.float64)
    table = table.drop_duplicates()
    clash = table.duplicated(["currency", "rate_date"], keep=False)
    if clash.any():
        first = table[clash].iloc[0]
        values = table.loc[
            clash & (table["currency"] == first["currency"]) & (table["rate_date"] == first["rate_date"]),
            "rate",
        ].tolist()
        raise ValidationError(
            "`rates` must have one rate per currency and date; got "
            f"{values!r} for {first['currency']} on {first['rate_date'].date().isoformat()}"
        )
    return table.sort_values(["rate_date", "currency"], kind="stable").reset_index(drop=True)


def _target(target: str) -> str:
    code = _as_code(target)
    if code is None:
        raise ValidationError(f"`target` must be an ISO 4217 currency code of three letters; got {target!r}")
    return code


def _iso(day: object) -> str:
    return pd.Timestamp(str(day)).date().isoformat()


def _rows(labels: Iterable[Hashable]) -> str:
    numbers = [str(label) for label in labels]
    return ("row " if len(numbers) == 1 else "rows ") + ", ".join(numbers)


# ------------------------------------------------------------------------------------------- conversion
def convert(entries: pd.DataFrame, rates: pd.DataFrame, *, target: str = "UAH") -> pd.DataFrame:
    """Convert every entry into one currency at the latest stated rate on or before its valuation date.

    Parameters
    ----------
    entries
        Ledger entries (see :func:`validate_entries`; they are validated here).
    rates
        Exchange rates with the columns ``currency``, ``date`` and ``rate``: units of ``target`` per one unit
        of ``currency`` on that date (for the hryvnia, the official rate of the National Bank of Ukraine).
        Rows for ``target`` itself are ignored; the same rate given twice is read once.
    target
        ISO 4217 code of the currency to convert into.

    Returns
    -------
    pandas.DataFrame
        The validated entries (index kept) with three more columns: ``amount_target`` (``amount * rate``),
        ``rate`` (1 for entries already in ``target``) and ``rate_date`` (the date of the rate used; NaT for
        entries already in ``target``).

    Raises
    ------
    ValidationError
        If an entry has no rate for its currency on or before its valuation date (the message names every
        such currency and date), if two different rates are given for one currency and date, or if the
        entries or rates are malformed (an :class:`~hromada.errors.ImportValidationError` listing every
        problem).

    Notes
    -----
    ``amount_target = amount * rate(currency, d)``, where ``d`` is the latest date with a rate for the entry's
    currency that is on or before its valuation date (an as-of join by currency). A rate *after* the
    valuation date is never used: it would mix in the later depreciation of the currency. The rate used is
    kept on every entry so that a report can state it.

    Examples
    --------
    >>> entries = pd.DataFrame(
    ...     {"sector": ["energy"], "kind": ["damage"], "amount": [100.0], "currency": ["USD"],
    ...      "valuation_date": ["2024-03-15"]}
    ... )
    >>> rates = pd.DataFrame({"currency": ["USD", "USD"], "date": ["2024-03-01", "2024-04-01"],
    ...                       "rate": [38.0, 39.0]})
    >>> convert(entries, rates).loc[0, ["amount_target", "rate"]].tolist()
    [3800.0, 38.0]
    """
    code = _target(target)
    table = validate_entries(entries)
    rate_table = _validate_rates(rates)
    rate_table = rate_table[rate_table["currency"] != code]
    rate = np.ones(len(table), dtype=np.float64)
    rate_date = pd.Series(pd.NaT, index=range(len(table)), dtype=_DATE_DTYPE)
    foreign = (table["currency"] != code).to_numpy()
    if foreign.any():
        left = pd.DataFrame(
            {
                "position": np.flatnonzero(foreign),
                "currency": table["currency"].to_numpy()[foreign],
                "valuation_date": table["valuation_date"].to_numpy()[foreign],
            }
        ).sort_values("valuation_date", kind="stable")
        left["currency"] = left["currency"].astype(rate_table["currency"].dtype)
        merged = pd.merge_asof(
            left,
            rate_table,
            left_on="valuation_date",
            right_on="rate_date",
            by="currency",
            direction="backward",
        ).sort_values("position")
        absent = merged[merged["rate"].isna()]
        if not absent.empty:
            gaps = [
                f"{currency} on or before {_iso(day)} ({_rows(group['position'] + 2)})"
                for (currency, day), group in absent.groupby(["currency", "valuation_date"], sort=True)
            ]
            raise ValidationError(
                "`rates` must have a rate for every currency on or before each valuation date; got none for "
                + "; ".join(gaps)
            )
        positions = merged["position"].to_numpy()
        rate[positions] = merged["rate"].to_numpy(dtype=np.float64)
        rate_date.iloc[positions] = merged["rate_date"].to_numpy()
    result = table.copy()
    result["amount_target"] = result["amount"].to_numpy() * rate
    result["rate"] = rate
    result["rate_date"] = rate_date.to_numpy()
    return result


# ---------------------------------------------------------------------------------------------- roll-up
def _present(labels: Iterable[str], order: Iterable[str]) -> list[str]:
    seen = set(labels)
    return [label for label in order if label in seen]


def rollup(
    entries: pd.DataFrame,
    rates: pd.DataFrame | None = None,
    *,
    target: str = "UAH",
    apply_bbb: bool = True,
) -> LedgerRollup:
    """Add up a ledger by sector, sector group and kind in one currency.

    Parameters
    ----------
    entries
        Ledger entries (see :func:`validate_entries`).
    rates
        Exchange rates (see :func:`convert`); may be None when every entry is already in ``target``.
    target
        ISO 4217 code of the currency of the totals.
    apply_bbb
        Multiply each need by its build-back-better factor (``bbb_factor``). Damage and losses never are.

    Returns
    -------
    LedgerRollup
        Totals by sector, by group, overall and by term, with the rates used.

    Raises
    ------
    ValidationError
        If the entries or rates are malformed, if a rate is missing (see :func:`convert`), or if ``rates`` is
        None while some entry is in another currency than ``target``.

    Notes
    -----
    The definitions follow the Ukraine Rapid Damage and Needs Assessment:

    - *damage* is the replacement cost of destroyed or damaged physical assets at pre-war prices;
    - *losses* are the changes in economic flows caused by the war (lost output and revenue, higher operating
      costs, demolition and debris removal);
    - *needs* are the cost of recovery and reconstruction over ten years, including building back better
      (modern, low-carbon, resilient, EU-aligned), split into short-term priorities and the medium and long
      term.

    Needs are a separate estimate, not the sum of damage and losses: rebuilding a destroyed school may cost
    more than its pre-war replacement value (better standards, higher prices) or less (it is not rebuilt, the
    pupils are served elsewhere). The three totals are therefore reported side by side and never added to one
    another. With ``apply_bbb`` the value of a need is ``amount_target * bbb_factor``; without it, the entered
    amount. Every amount is first converted with :func:`convert`.

    References: World Bank, Government of Ukraine, European Union, United Nations, *Ukraine Third Rapid Damage
    and Needs Assessment (RDNA3), February 2022 - December 2023* (February 2024) and *Ukraine Fourth Rapid
    Damage and Needs Assessment (RDNA4), February 2022 - December 2024* (February 2025).

    Examples
    --------
    >>> entries = pd.DataFrame(
    ...     {"sector": ["housing", "housing", "energy"], "kind": ["damage", "need", "loss"],
    ...      "amount": [100.0, 120.0, 30.0], "currency": ["UAH"] * 3,
    ...      "valuation_date": ["2024-12-31"] * 3, "bbb_factor": [None, 1.25, None]}
    ... )
    >>> rollup(entries).totals.to_dict()
    {'damage': 100.0, 'loss': 30.0, 'need': 150.0}
    """
    code = _target(target)
    if not isinstance(apply_bbb, bool):
        raise ValidationError(f"`apply_bbb` must be True or False; got {apply_bbb!r}")
    if rates is None:
        table = validate_entries(entries)
        foreign = table.loc[table["currency"] != code]
        if not foreign.empty:
            others = sorted(foreign["currency"].unique().tolist())
            raise ValidationError(
                f"`rates` must be given when an entry is not in {code}; got entries in {', '.join(others)}"
            )
        table["amount_target"] = table["amount"]
        table["rate"] = 1.0
        table["rate_date"] = pd.Series(pd.NaT, index=table.index, dtype=_DATE_DTYPE)
    else:
        table = convert(entries, rates, target=code)
    is_need = (table["kind"] == "need").to_numpy()
    factor = np.where(is_need & apply_bbb, table["bbb_factor"].to_numpy(), 1.0)
    table["value"] = table["amount_target"].to_numpy() * factor

    sums = table.groupby(["sector", "kind"], sort=False)["value"].sum().unstack("kind")
    sectors = _present(table["sector"], sector_codes())
    by_sector = sums.reindex(index=sectors, columns=list(KINDS)).fillna(0.0).astype(np.float64)
    by_sector.index.name = "sector"
    by_sector.columns.name = None
    by_sector.insert(0, "group", [sector_group(sector) for sector in sectors])

    groups = _present(by_sector["group"], GROUPS)
    by_group = by_sector.groupby("group", sort=False)[list(KINDS)].sum().reindex(groups).astype(np.float64)
    by_group.index.name = "group"

    totals = pd.Series({kind: float(by_sector[kind].sum()) for kind in KINDS}, dtype=np.float64, name="total")

    needs = table.loc[is_need]
    terms = needs["term"].where(needs["term"].notna(), UNSPECIFIED_TERM).astype(str)
    needs_by_term = (
        needs["value"].groupby(terms.to_numpy()).sum().reindex([*TERMS, UNSPECIFIED_TERM], fill_value=0.0)
    ).astype(np.float64)
    needs_by_term.index.name = "term"
    needs_by_term.name = "need"

    converted = table.loc[table["currency"] != code]
    rates_used = (
        converted.groupby(["currency", "rate_date", "rate"], sort=True)
        .size()
        .rename("count")
        .reset_index()
        .loc[:, ["currency", "rate", "rate_date", "count"]]
    )
    return LedgerRollup(
        by_sector=by_sector,
        by_group=by_group,
        totals=totals,
        needs_by_term=needs_by_term,
        rates_used=rates_used,
        target=code,
        apply_bbb=apply_bbb,
        entries=table,
    )
