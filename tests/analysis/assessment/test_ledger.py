"""The damage, losses and needs ledger: a hand-worked roll-up, validation, conversion and invariants."""

from __future__ import annotations

import datetime as dt
import doctest
import json
import math
from typing import Any, cast

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hromada.analysis.assessment import ledger
from hromada.analysis.assessment.ledger import ENTRY_COLUMNS, convert, rollup, validate_entries
from hromada.data.rdna import KINDS, sector_codes
from hromada.errors import ImportValidationError, ValidationError

# Official-style rates: UAH per unit, valid from their date until the next one.
RATES = pd.DataFrame(
    {
        "currency": ["USD", "USD", "EUR", "EUR", "UAH"],
        "date": ["2024-01-01", "2024-02-01", "2024-01-01", "2024-02-01", "2024-01-01"],
        "rate": [38.0, 40.0, 41.0, 43.0, 1.0],
    }
)

# Seven entries in three currencies and over two rate periods.
ENTRIES = pd.DataFrame(
    {
        "sector": ["housing", "housing", "energy", "energy", "energy", "education", "environment"],
        "kind": ["damage", "need", "damage", "loss", "need", "need", "loss"],
        "amount": [1000.0, 800.0, 500.0, 200.0, 1000.0, 10000.0, 5000.0],
        "currency": ["USD", "USD", "EUR", "EUR", "EUR", "UAH", "UAH"],
        "valuation_date": [
            "2024-01-20",
            "2024-02-15",
            "2024-01-31",
            "2024-02-01",
            "2024-02-10",
            "2024-03-01",
            "2024-03-01",
        ],
        "bbb_factor": [None, 1.25, None, None, 1.1, None, None],
        "term": [None, "short", None, None, "medium", None, None],
        "source": ["survey", "estimate", None, None, None, "council", None],
    }
)


# ------------------------------------------------------------------------------------ hand-worked roll-up
class TestHandWorkedRollup:
    # Rate on or before each valuation date:
    #   1 housing damage  1000 USD on 2024-01-20 -> USD 2024-01-01 = 38 ->  38,000
    #   2 housing need     800 USD on 2024-02-15 -> USD 2024-02-01 = 40 ->  32,000, x 1.25 BBB = 40,000
    #   3 energy damage    500 EUR on 2024-01-31 -> EUR 2024-01-01 = 41 ->  20,500 (the Feb rate is later)
    #   4 energy loss      200 EUR on 2024-02-01 -> EUR 2024-02-01 = 43 ->   8,600 (same-day rate)
    #   5 energy need     1000 EUR on 2024-02-10 -> EUR 2024-02-01 = 43 ->  43,000, x 1.1 BBB = 47,300
    #   6 education need 10000 UAH               -> no rate needed      ->  10,000
    #   7 environment loss 5000 UAH              -> no rate needed      ->   5,000
    def test_conversion_picks_the_rate_by_date(self) -> None:
        converted = convert(ENTRIES, RATES)
        assert converted["rate"].tolist() == [38.0, 40.0, 41.0, 43.0, 43.0, 1.0, 1.0]
        assert converted["amount_target"].tolist() == [
            38000.0,
            32000.0,
            20500.0,
            8600.0,
            43000.0,
            10000.0,
            5000.0,
        ]
        dates = converted["rate_date"].dt.strftime("%Y-%m-%d").tolist()
        assert dates[:5] == ["2024-01-01", "2024-02-01", "2024-01-01", "2024-02-01", "2024-02-01"]
        assert converted["rate_date"].iloc[5:].isna().all()  # already in UAH: no rate used

    def test_by_sector_and_group(self) -> None:
        result = rollup(ENTRIES, RATES)
        assert result.by_sector.index.tolist() == [
            "housing",
            "education",
            "energy",
            "environment",
        ]  # RDNA order
        assert result.by_sector["group"].tolist() == ["social", "social", "infrastructure", "cross-cutting"]
        expected = pd.DataFrame(
            {
                "damage": [38000.0, 0.0, 20500.0, 0.0],
                "loss": [0.0, 0.0, 8600.0, 5000.0],
                "need": [40000.0, 10000.0, 47300.0, 0.0],
            },
            index=pd.Index(["housing", "education", "energy", "environment"], name="sector"),
        )
        pd.testing.assert_frame_equal(result.by_sector[list(KINDS)], expected)
        # social = housing + education; infrastructure = energy; cross-cutting = environment
        groups = pd.DataFrame(
            {
                "damage": [38000.0, 20500.0, 0.0],
                "loss": [0.0, 8600.0, 5000.0],
                "need": [50000.0, 47300.0, 0.0],
            },
            index=pd.Index(["social", "infrastructure", "cross-cutting"], name="group"),
        )
        pd.testing.assert_frame_equal(result.by_group, groups)

    def test_totals_terms_and_rates(self) -> None:
        result = rollup(ENTRIES, RATES)
        assert result.totals.to_dict() == pytest.approx({"damage": 58500.0, "loss": 13600.0, "need": 97300.0})
        # short = entry 2, medium = entry 5, unspecified = entry 6
        assert result.needs_by_term.to_dict() == pytest.approx(
            {"short": 40000.0, "medium": 47300.0, "unspecified": 10000.0}
        )
        rates = result.rates_used.assign(rate_date=result.rates_used["rate_date"].dt.strftime("%Y-%m-%d"))
        assert rates.to_dict("records") == [
            {"currency": "EUR", "rate": 41.0, "rate_date": "2024-01-01", "count": 1},
            {"currency": "EUR", "rate": 43.0, "rate_date": "2024-02-01", "count": 2},
            {"currency": "USD", "rate": 38.0, "rate_date": "2024-01-01", "count": 1},
            {"currency": "USD", "rate": 40.0, "rate_date": "2024-02-01", "count": 1},
        ]
        assert result.target == "UAH"

    def test_without_build_back_better(self) -> None:
        # needs at their entered value: 32,000 + 43,000 + 10,000
        result = rollup(ENTRIES, RATES, apply_bbb=False)
        assert result.totals["need"] == pytest.approx(85000.0)
        assert result.totals["damage"] == pytest.approx(58500.0)  # damage and losses never take the factor
        assert result.needs_by_term["short"] == pytest.approx(32000.0)

    def test_needs_are_not_damage_plus_losses(self) -> None:
        result = rollup(ENTRIES, RATES)
        assert result.totals["need"] != pytest.approx(result.totals["damage"] + result.totals["loss"])
        assert set(result.totals.index) == set(KINDS)

    def test_other_target_currency(self) -> None:
        # In USD: rates are USD per unit. One UAH entry at 0.025 and one USD entry needing no rate.
        entries = pd.DataFrame(
            {
                "sector": ["transport", "transport"],
                "kind": ["damage", "damage"],
                "amount": [4000.0, 50.0],
                "currency": ["UAH", "USD"],
                "valuation_date": ["2024-05-01", "2024-05-01"],
            }
        )
        rates = pd.DataFrame({"currency": ["UAH"], "date": ["2024-04-30"], "rate": [0.025]})
        result = rollup(entries, rates, target="usd")
        assert result.target == "USD"
        assert result.totals["damage"] == pytest.approx(4000 * 0.025 + 50)

    def test_as_dict_is_json_ready(self) -> None:
        data = rollup(ENTRIES, RATES).as_dict()
        text = json.dumps(data)
        assert json.loads(text)["totals"]["damage"] == 58500.0
        assert data["by_sector"][0] == {
            "sector": "housing",
            "group": "social",
            "damage": 38000.0,
            "loss": 0.0,
            "need": 40000.0,
        }
        assert data["rates_used"][0]["rate_date"] == "2024-01-01"
        assert data["needs_by_term"][0] == {"term": "short", "amount": 40000.0}
        assert any("RDNA4" in reference for reference in data["references"])

    def test_empty_ledger(self) -> None:
        result = rollup(ENTRIES.iloc[:0])
        assert result.by_sector.empty and result.by_group.empty
        assert result.totals.tolist() == [0.0, 0.0, 0.0]
        assert result.needs_by_term.tolist() == [0.0, 0.0, 0.0]
        assert result.rates_used.empty


# ------------------------------------------------------------------------------------------- validation
class TestValidation:
    def test_canonical_form(self) -> None:
        table = pd.DataFrame(
            {
                "sector": [" Housing "],
                "kind": ["Needs"],
                "amount": ["1500.5"],
                "currency": ["eur"],
                "valuation_date": ["31.01.2024"],
                "confidence": ["HIGH"],
                "asset_id": [42],
                "note": ["kept"],
            },
            index=[7],
        )
        result = validate_entries(table)
        assert list(result.columns) == [*ENTRY_COLUMNS, "note"]
        assert result.index.tolist() == [7]
        row = result.loc[7]
        assert (row["sector"], row["kind"], row["currency"], row["confidence"]) == (
            "housing",
            "need",
            "EUR",
            "high",
        )
        assert row["amount"] == 1500.5
        assert row["bbb_factor"] == 1.0
        assert row["asset_id"] == "42"
        assert row["valuation_date"] == pd.Timestamp("2024-01-31")
        assert row["term"] is None
        assert str(result["valuation_date"].dtype) == "datetime64[ns]"

    def test_dates_of_every_kind(self) -> None:
        dates = [dt.date(2024, 1, 31), pd.Timestamp("2024-01-31 15:30"), "2024-01-31", "31.01.2024"]
        table = pd.DataFrame(
            {
                "sector": ["health"] * 4,
                "kind": ["damage"] * 4,
                "amount": [1, 2, 3, 4],
                "currency": ["UAH"] * 4,
                "valuation_date": pd.Series(dates, dtype=object),
            }
        )
        assert (validate_entries(table)["valuation_date"] == pd.Timestamp("2024-01-31")).all()

    def test_every_problem_is_listed_at_once(self) -> None:
        table = pd.DataFrame(
            {
                "sector": ["housing", "spaceport", "energy", None],
                "kind": ["damage", "loss", "gain", "need"],
                "amount": [-5, "lots", 10, float("inf")],
                "valuation_date": ["2024-13-01", "2024-01-01", "yesterday", "2024-01-01"],
                "confidence": ["high", "sure", None, "low"],
                "bbb_factor": [1.5, None, None, 0.8],
                "term": [None, "short", None, "eventually"],
            }
        )
        with pytest.raises(ImportValidationError) as caught:
            validate_entries(table, file="ledger.csv")
        issues = caught.value.issues
        found = {(issue.row, issue.column) for issue in issues}
        # Row numbers as a spreadsheet shows them: the header is row 1, the first entry row 2.
        assert found == {
            (None, "currency"),  # the required column is missing
            (2, "amount"),  # -5
            (2, "valuation_date"),  # month 13
            (2, "bbb_factor"),  # a factor on a damage
            (3, "sector"),  # unknown sector
            (3, "amount"),  # not a number
            (3, "confidence"),
            (3, "term"),  # a term on a loss
            (4, "kind"),  # "gain"
            (4, "valuation_date"),
            (5, "sector"),  # empty
            (5, "amount"),  # infinite
            (5, "bbb_factor"),  # below 1
            (5, "term"),
        }
        assert caught.value.total == len(found)
        assert all(issue.file == "ledger.csv" for issue in issues)
        assert isinstance(caught.value, ValidationError)
        sector = next(issue for issue in issues if issue.row == 3 and issue.column == "sector")
        assert sector.got == "'spaceport'" and "housing" in sector.expected
        assert "ledger.csv" in caught.value.message and "more problems" in caught.value.message

    def test_not_a_frame(self) -> None:
        with pytest.raises(ValidationError, match="`entries` must be a pandas DataFrame; got list"):
            validate_entries(cast(Any, [{"sector": "housing"}]))  # a list, not a frame

    def test_missing_rate_names_currency_and_date(self) -> None:
        entries = pd.concat(
            [
                ENTRIES,
                pd.DataFrame(
                    {
                        "sector": ["health", "health", "health"],
                        "kind": ["damage"] * 3,
                        "amount": [1.0, 2.0, 3.0],
                        "currency": ["EUR", "GBP", "GBP"],
                        "valuation_date": ["2023-12-31", "2024-02-01", "2024-02-01"],
                    }
                ),
            ],
            ignore_index=True,
        )
        with pytest.raises(ValidationError) as caught:
            rollup(entries, RATES)
        message = caught.value.message
        assert "EUR on or before 2023-12-31 (row 9)" in message  # the first EUR rate is from 2024-01-01
        assert "GBP on or before 2024-02-01 (rows 10, 11)" in message

    def test_rates_are_required_for_other_currencies(self) -> None:
        with pytest.raises(
            ValidationError,
            match="`rates` must be given when an entry is not in UAH; got entries in EUR, USD",
        ):
            rollup(ENTRIES)

    def test_conflicting_rates(self) -> None:
        rates = pd.concat(
            [RATES, pd.DataFrame({"currency": ["USD"], "date": ["2024-01-01"], "rate": [39.0]})]
        )
        with pytest.raises(
            ValidationError,
            match=r"one rate per currency and date; got \[38\.0, 39\.0\] for USD on 2024-01-01",
        ):
            convert(ENTRIES, rates)

    def test_repeated_identical_rate_is_read_once(self) -> None:
        rates = pd.concat([RATES, RATES.iloc[:1]])
        assert rollup(ENTRIES, rates).rates_used["count"].sum() == 5

    def test_bad_rates_listed(self) -> None:
        rates = pd.DataFrame({"currency": ["US", "EUR"], "date": ["2024-01-01", "soon"], "rate": [0.0, 41.0]})
        with pytest.raises(ImportValidationError) as caught:
            convert(ENTRIES, rates)
        assert {(issue.row, issue.column) for issue in caught.value.issues} == {
            (2, "currency"),
            (2, "rate"),
            (3, "date"),
        }

    @pytest.mark.parametrize("target", ["hryvnia", "U1H", ""])
    def test_bad_target(self, target: str) -> None:
        with pytest.raises(ValidationError, match="`target` must be an ISO 4217 currency code"):
            rollup(ENTRIES, RATES, target=target)


# ------------------------------------------------------------------------------------------- invariants
_ENTRY = st.fixed_dictionaries(
    {
        "sector": st.sampled_from(sector_codes()),
        "kind": st.sampled_from(KINDS),
        "amount": st.floats(min_value=0, max_value=1e9, allow_nan=False),
        "currency": st.sampled_from(["UAH", "USD", "EUR", "PLN"]),
        "valuation_date": st.dates(min_value=dt.date(2022, 2, 24), max_value=dt.date(2025, 12, 31)),
        "factor": st.floats(min_value=1, max_value=2),
        "term": st.sampled_from(["short", "medium", None]),
    }
)


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["sector", "kind", "amount", "currency", "valuation_date", "factor", "term"]
    )
    is_need = frame["kind"] == "need"
    frame["bbb_factor"] = frame["factor"].where(is_need, 1.0)
    frame["term"] = frame["term"].where(is_need, None)
    return frame.drop(columns="factor")


@settings(max_examples=60, deadline=None)
@given(st.lists(_ENTRY, max_size=30), st.booleans())
def test_rate_one_gives_plain_sums(rows: list[dict[str, object]], apply_bbb: bool) -> None:
    entries = _frame(rows)
    rates = pd.DataFrame({"currency": ["USD", "EUR", "PLN"], "date": ["2000-01-01"] * 3, "rate": [1.0] * 3})
    result = rollup(entries, rates, apply_bbb=apply_bbb)
    for kind in KINDS:
        mask = entries["kind"] == kind
        factor = entries["bbb_factor"] if (kind == "need" and apply_bbb) else 1.0
        plain = float((entries["amount"] * factor)[mask].sum())
        assert math.isclose(result.totals[kind], plain, rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(_ENTRY, max_size=30), st.floats(min_value=0.01, max_value=100))
def test_totals_are_sums_of_rows(rows: list[dict[str, object]], usd: float) -> None:
    entries = _frame(rows)
    rates = pd.DataFrame(
        {"currency": ["USD", "EUR", "PLN"], "date": ["2022-01-01"] * 3, "rate": [usd, 2 * usd, usd / 3]}
    )
    result = rollup(entries, rates)
    for kind in KINDS:
        assert math.isclose(result.totals[kind], result.by_sector[kind].sum(), rel_tol=1e-9, abs_tol=1e-6)
        assert math.isclose(result.totals[kind], result.by_group[kind].sum(), rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(result.needs_by_term.sum(), result.totals["need"], rel_tol=1e-9, abs_tol=1e-6)
    assert result.rates_used["count"].sum() == int((entries["currency"] != "UAH").sum())


def test_docstring_examples() -> None:
    outcome = doctest.testmod(ledger, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert outcome.attempted > 0 and outcome.failed == 0
