"""A portfolio's debt service summed up against the borrowing rule."""

from __future__ import annotations

import pandas as pd
import pytest

from hromada.analysis.decide import DebtCheck, DebtRule, check_debt

REVENUE = {2026: 100.0, 2027: 200.0}


def _table(**columns: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"revenue": [100.0, 200.0], **columns}, index=pd.Index([2026, 2027], name="year"))


def test_without_a_rule_or_a_table_nothing_is_checked() -> None:
    assert check_debt(_table(total=[1.0, 1.0]), None) == DebtCheck(checked=False)
    assert check_debt(_table(total=[1.0, 1.0]).iloc[:0], DebtRule(revenue=REVENUE)).as_dict() == {
        "checked": False
    }


def test_the_worst_year_is_the_highest_share_of_revenue() -> None:
    # 2027 pays more (12 > 10) but 2026 pays the larger share (10 % > 6 %)
    check = check_debt(_table(total=[10.0, 12.0]), DebtRule(revenue=REVENUE, max_share=0.1))
    assert check == DebtCheck(True, 0.1, 2026, 0.1, True)
    assert check.as_dict() == {
        "checked": True, "limit_share": 0.1, "worst_year": 2026, "worst_share": 0.1, "within": True,
    }  # fmt: skip


def test_a_tie_takes_the_first_year_and_a_breach_is_reported() -> None:
    check = check_debt(_table(total=[20.0, 40.0]), DebtRule(revenue=REVENUE, max_share=0.15))
    assert check.worst_year == 2026 and check.worst_share == pytest.approx(0.2) and check.within is False


def test_the_year_may_be_a_column() -> None:
    table = _table(total=[1.0, 30.0]).reset_index()
    assert check_debt(table, DebtRule(revenue=REVENUE)).worst_year == 2027


def test_a_debt_ratio_is_checked_in_every_year() -> None:
    rule = DebtRule(revenue=REVENUE, max_share=0.2, max_debt_ratio=1.0)
    check = check_debt(_table(total=[5.0, 30.0], total_debt=[150.0, 100.0]), rule)
    # the service share holds (15 % in 2027), the debt ratio does not (1.5 in 2026)
    assert check.worst_year == 2027 and check.worst_debt_ratio == pytest.approx(1.5)
    assert check.within is False
    assert list(check.as_dict()) == [
        "checked", "limit_share", "worst_year", "worst_share", "within", "max_debt_ratio", "worst_debt_ratio",
    ]  # fmt: skip


def test_a_debt_ratio_without_debt_stock_in_the_table_is_not_reported() -> None:
    rule = DebtRule(revenue=REVENUE, max_share=0.2, max_debt_ratio=1.0)
    check = check_debt(_table(total=[5.0, 30.0]), rule)
    assert check.max_debt_ratio is None and "max_debt_ratio" not in check.as_dict()
