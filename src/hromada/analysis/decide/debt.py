"""Debt sustainability of loan-financed projects: loan schedules per unit drawn and the borrowing rule.

Loans are modelled linearly: every unit drawn in year :math:`\\tau` adds known amounts of debt service and
outstanding debt to later years, so the limits below are linear constraints of the portfolio model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hromada.analysis.decide._problem import FloatArray
from hromada.errors import ValidationError

__all__ = ["DebtCheck", "DebtRule", "check_debt", "loan_schedule"]


def _year_amounts(values: Mapping[int, float], param: str, *, positive: bool) -> dict[int, float]:
    if not isinstance(values, Mapping):
        raise ValidationError(f"`{param}` must be a mapping year -> amount; got {type(values).__name__}")
    out: dict[int, float] = {}
    for year, amount in values.items():
        number = float(amount)
        if not math.isfinite(number) or number < 0 or (positive and number == 0):
            expected = "positive" if positive else "non-negative"
            raise ValidationError(f"`{param}` must be {expected} and finite; got {amount!r} for {year!r}")
        out[int(year)] = number
    return out


@dataclass(frozen=True)
class DebtRule:
    """Borrowing limits checked year by year.

    Attributes
    ----------
    revenue
        Forecast revenue of the municipal budget per year; every year listed here (the planning years and
        any later ones, when repayments fall beyond the plan) is checked, and every planning year must be
        listed.
    max_share
        Debt service (interest and principal) of all loans may be at most this share of the year's revenue.
    existing_service
        Debt service already committed per year (default 0), counted against the limit.
    max_debt_ratio
        Optional limit on outstanding debt at the end of each year as a multiple of the year's revenue. The
        Budget Code of Ukraine (Art. 18) is reported to cap local debt at 200% of average annual forecast
        revenues (400% for Kyiv) and martial law restricts borrowing further: check the current text and set
        the figure here; None (default) leaves debt stock unchecked.
    existing_debt
        Debt already outstanding at the end of each year (default 0).
    """

    revenue: Mapping[int, float]
    max_share: float = 0.25
    existing_service: Mapping[int, float] = field(default_factory=dict)
    max_debt_ratio: float | None = None
    existing_debt: Mapping[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        revenue = _year_amounts(self.revenue, "revenue", positive=True)
        if not revenue:
            raise ValidationError("`revenue` must list at least one year; got none")
        if not (math.isfinite(self.max_share) and 0 < self.max_share <= 1):
            raise ValidationError(f"`max_share` must be in (0, 1]; got {self.max_share!r}")
        if self.max_debt_ratio is not None and not (
            math.isfinite(self.max_debt_ratio) and self.max_debt_ratio > 0
        ):
            raise ValidationError(f"`max_debt_ratio` must be positive or None; got {self.max_debt_ratio!r}")
        object.__setattr__(self, "revenue", dict(sorted(revenue.items())))
        for name in ("existing_service", "existing_debt"):
            object.__setattr__(self, name, _year_amounts(getattr(self, name), name, positive=False))

    def service_limit(self, year: int) -> float:
        """Debt service allowed in `year` for new loans: share of revenue less existing service."""
        return self.max_share * self.revenue[year] - self.existing_service.get(year, 0.0)

    def debt_limit(self, year: int) -> float:
        """Outstanding debt allowed at the end of `year` for new loans (infinite without a ratio)."""
        if self.max_debt_ratio is None:
            return math.inf
        return self.max_debt_ratio * self.revenue[year] - self.existing_debt.get(year, 0.0)


def loan_schedule(rate: float, tenor: int, grace: int, years: int) -> tuple[FloatArray, FloatArray]:
    """Debt service and outstanding principal per unit drawn, for the years after the draw.

    Parameters
    ----------
    rate
        Annual interest rate (0.05 = 5%).
    tenor
        Years from the draw to the last repayment, grace period included.
    grace
        Years of interest-only payments before repayment starts.
    years
        Length of the schedule returned.

    Returns
    -------
    tuple of numpy.ndarray
        ``service[k]``: payment in year :math:`\\tau + k` per unit drawn in year :math:`\\tau`
        (``service[0] = 0``); ``outstanding[k]``: principal owed at the end of year :math:`\\tau + k`.

    Notes
    -----
    A unit drawn in year :math:`\\tau` is repaid as a level annuity after an interest-only grace period, the
    usual structure of IFI loans to sub-sovereigns. The first payment falls in :math:`\\tau + 1`; in years
    :math:`\\tau + 1 \\ldots \\tau + g` the borrower pays interest :math:`r`, in years
    :math:`\\tau + g + 1 \\ldots \\tau + T` the annuity over :math:`M = T - g` years

    .. math:: A = \\frac{r}{1 - (1 + r)^{-M}} \\quad (A = 1/M \\text{ when } r = 0),

    and the principal outstanding after :math:`j` annuity payments is
    :math:`((1+r)^M - (1+r)^j) / ((1+r)^M - 1)` (:math:`1 - j/M` when :math:`r = 0`); see Brealey, Myers &
    Allen, *Principles of Corporate Finance*, ch. 2 (annuities).

    Examples
    --------
    >>> service, owed = loan_schedule(0.0, 4, 2, 6)
    >>> service.tolist(), owed.tolist()
    ([0.0, 0.0, 0.0, 0.5, 0.5, 0.0], [1.0, 1.0, 1.0, 0.5, 0.0, 0.0])
    """
    if not (math.isfinite(rate) and rate >= 0):
        raise ValidationError(f"`interest_rate` must be a non-negative number; got {rate!r}")
    whole = all(math.isfinite(float(v)) and int(v) == v for v in (tenor, grace))
    if not whole or not 0 <= grace < tenor:
        raise ValidationError(
            f"`tenor_years` must exceed `grace_years` >= 0 (whole years); got tenor {tenor!r}, grace {grace!r}"
        )
    tenor, grace = int(tenor), int(grace)
    m = tenor - grace
    k = np.arange(years, dtype=np.float64)
    j = np.clip(k - grace, 0, m)  # annuity payments made by the end of year tau + k
    if rate == 0:
        annuity = 1.0 / m
        outstanding = 1.0 - j / m
    else:
        growth = (1.0 + rate) ** m
        annuity = rate / (1.0 - 1.0 / growth)
        outstanding = (growth - (1.0 + rate) ** j) / (growth - 1.0)
    service = np.where((k >= 1) & (k <= grace), rate, np.where((k > grace) & (k <= tenor), annuity, 0.0))
    return service.astype(np.float64), np.clip(outstanding, 0.0, None).astype(np.float64)


@dataclass(frozen=True)
class DebtCheck:
    """A portfolio's debt service summed up against the borrowing rule (see :func:`check_debt`).

    Attributes
    ----------
    checked
        Whether there was a rule and a debt service table to check; the other fields are None otherwise.
    limit_share
        The largest share of revenue allowed for debt service (:attr:`DebtRule.max_share`).
    worst_year
        The year with the highest debt service as a share of revenue (the first such year on a tie).
    worst_share
        That share.
    within
        Whether the worst share, and with a debt ratio also the worst debt ratio, keep within their limits.
    max_debt_ratio
        The rule's debt-stock limit as a multiple of revenue, when it sets one and the table has debt stock.
    worst_debt_ratio
        The highest end-of-year debt as a multiple of revenue, beside `max_debt_ratio`.
    """

    checked: bool
    limit_share: float | None = None
    worst_year: int | None = None
    worst_share: float | None = None
    within: bool | None = None
    max_debt_ratio: float | None = None
    worst_debt_ratio: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The fields that apply, in order (``{"checked": False}`` when nothing was checked)."""
        return {name: value for name, value in asdict(self).items() if value is not None}


def check_debt(debt_service: pd.DataFrame, rule: DebtRule | None) -> DebtCheck:
    """Sum up a portfolio's debt service table against the borrowing rule: its worst year and whether it holds.

    Parameters
    ----------
    debt_service
        One row per checked year with ``year`` (a column or the index), ``revenue`` and ``total`` debt
        service, and optionally ``total_debt``: the ``debt_service`` of a
        :class:`~hromada.analysis.decide.PortfolioResult`.
    rule
        The borrowing rule the portfolio was optimised under, or None.

    Returns
    -------
    DebtCheck
        Unchecked without a rule or an empty table; else the worst year's share against the limit.

    Notes
    -----
    The worst year is the one with the highest :math:`D_y / R_y` (debt service over revenue); the rule holds
    when that share is at most :math:`\theta` (:attr:`DebtRule.max_share`) and, with a debt ratio
    :math:`\\kappa`, when every year's end-of-year debt :math:`S_y / R_y \\le \\kappa`, both with a tolerance of
    :math:`10^{-9}` for the solver's rounding.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"revenue": [100.0, 100.0], "total": [4.0, 6.0]},
    ...                      index=pd.Index([2026, 2027], name="year"))
    >>> check_debt(table, DebtRule(revenue={2026: 100.0, 2027: 100.0}, max_share=0.05)).as_dict()
    {'checked': True, 'limit_share': 0.05, 'worst_year': 2027, 'worst_share': 0.06, 'within': False}
    """
    if rule is None or debt_service.empty:
        return DebtCheck(checked=False)
    table = debt_service if "year" in debt_service.columns else debt_service.reset_index()
    rows = table.to_dict(orient="records")
    worst = max(rows, key=lambda r: float(r["total"]) / float(r["revenue"]))
    share = float(worst["total"]) / float(worst["revenue"])
    within = bool(share <= rule.max_share + 1e-9)
    if rule.max_debt_ratio is None or "total_debt" not in worst:
        return DebtCheck(True, rule.max_share, int(worst["year"]), share, within)
    ratio = max(float(r["total_debt"]) / float(r["revenue"]) for r in rows)
    within = bool(within and ratio <= rule.max_debt_ratio + 1e-9)
    return DebtCheck(True, rule.max_share, int(worst["year"]), share, within, rule.max_debt_ratio, ratio)
