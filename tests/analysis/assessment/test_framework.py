"""Resilience frameworks: the validated model, hand-computed scores, gaps, comparison and invariants."""

from __future__ import annotations

import copy
import doctest
import math
from typing import Any, ClassVar, cast

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hromada.analysis.assessment import framework as framework_module
from hromada.analysis.assessment.framework import Framework, compare, score
from hromada.errors import ValidationError


def _cell(frame: pd.DataFrame, label: str, column: str) -> float:
    return float(frame[column].to_numpy(dtype=float)[frame.index.get_loc(label)])


def _texts(word: str) -> dict[str, str]:
    return {"en": word, "uk": word.upper(), "de": word.title()}


def _indicator(identifier: str, weight: float = 1.0) -> dict[str, Any]:
    return {
        "id": identifier,
        "title": _texts(identifier),
        "question": _texts(f"{identifier}?"),
        "weight": weight,
    }


# Scale 0-4. Dimension weights A 2, B 1, C 1; indicator weights in brackets.
#   A: a1 [1], a2 [3]     B: b1 [1], b2 [1], b3 [2]     C: c1 [1]
DATA: dict[str, Any] = {
    "id": "toy",
    "version": "2",
    "title": _texts("toy"),
    "source": "test",
    "scale_min": 0,
    "scale_max": 4,
    "scale_labels": {0: _texts("none"), "4": _texts("full")},
    "dimensions": [
        {"id": "a", "title": _texts("a"), "weight": 2, "indicators": [_indicator("a1"), _indicator("a2", 3)]},
        {
            "id": "b",
            "title": _texts("b"),
            "weight": 1,
            "indicators": [_indicator("b1"), _indicator("b2"), _indicator("b3", 2)],
        },
        {"id": "c", "title": _texts("c"), "indicators": [_indicator("c1")]},  # weight defaults to 1
    ],
}
TOY = Framework.from_dict(DATA)


# ------------------------------------------------------------------------------------------------ model
class TestModel:
    def test_from_dict(self) -> None:
        assert TOY.indicator_ids == ("a1", "a2", "b1", "b2", "b3", "c1")
        assert TOY.dimension_ids == ("a", "b", "c")
        assert TOY.dimension("c").weight == 1.0
        assert TOY.indicator("a2").weight == 3.0
        assert TOY.dimension_of("b3").id == "b"
        assert TOY.scale_labels == {0: _texts("none"), 4: _texts("full")}  # "4" read as the point 4

    def test_round_trip(self) -> None:
        assert Framework.from_dict(TOY.to_dict()) == TOY

    def test_lookups_fail_clearly(self) -> None:
        with pytest.raises(
            ValidationError, match="`indicator_id` must be an indicator of framework 'toy'; got 'zz'"
        ):
            TOY.indicator("zz")
        with pytest.raises(ValidationError, match="`dimension_id`"):
            TOY.dimension("zz")

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                lambda d: d["dimensions"][1].update(id="a"),
                "`dimensions[*].id` must be unique; got duplicates ['a']",
            ),
            (
                lambda d: d["dimensions"][2]["indicators"][0].update(id="a1"),
                "`dimensions[*].indicators[*].id` must be unique; got duplicates ['a1']",
            ),
            (
                lambda d: d["dimensions"][0]["indicators"][1].update(weight=0),
                "`dimensions[0].indicators[1].weight` must be a positive number; got 0",
            ),
            (
                lambda d: d["dimensions"][0].update(weight=-1),
                "`dimensions[0].weight` must be a positive number; got -1",
            ),
            (
                lambda d: d["dimensions"][0].update(weight=True),
                "`dimensions[0].weight` must be a positive number; got True",
            ),
            (lambda d: d.update(scale_max=0), "`scale_max` must be greater than scale_min (0); got 0"),
            (lambda d: d.update(scale_min=1.5), "`scale_min` must be an integer; got 1.5"),
            (
                lambda d: d["title"].pop("uk"),
                "`title` must be texts in at least English (en) and Ukrainian (uk); got no uk",
            ),
            (
                lambda d: d["dimensions"][1]["indicators"][0]["question"].update(en=" "),
                "`dimensions[1].indicators[0].question.en` must be a non-empty text; got ' '",
            ),
            (
                lambda d: d["dimensions"][2].update(indicators=[]),
                "`dimensions[2].indicators` must be a non-empty list",
            ),
            (
                lambda d: d["dimensions"][0].update(id="Bad Id"),
                "`dimensions[0].id` must be an id of lower-case",
            ),
            (lambda d: d["dimensions"][0].update(wieght=2), "unknown keys ['wieght']"),
            (lambda d: d.pop("dimensions"), "`framework` must be a mapping with the key 'dimensions'"),
            (
                lambda d: d["scale_labels"].update({7: _texts("x")}),
                "`scale_labels[7]` must be a point of the scale 0-4; got 7",
            ),
            (
                lambda d: d.update(version=2),
                "`version` must be a non-empty text such as '1.0' (quote it in YAML); got 2",
            ),
        ],
    )
    def test_validation_messages(self, change: Any, message: str) -> None:
        data = copy.deepcopy(DATA)
        change(data)
        with pytest.raises(ValidationError) as caught:
            Framework.from_dict(data)
        assert message in caught.value.message

    def test_all_problems_at_once(self) -> None:
        data = copy.deepcopy(DATA)
        data["dimensions"][0]["weight"] = 0
        data["dimensions"][1]["indicators"][0]["weight"] = "heavy"
        data["title"] = "toy"
        with pytest.raises(ValidationError) as caught:
            Framework.from_dict(data)
        message = caught.value.message
        assert message.startswith("The framework is invalid (and 2 more):")
        assert "`dimensions[0].weight`" in message and "`dimensions[1].indicators[0].weight`" in message
        assert "`title` must be texts by language" in message

    def test_not_a_mapping(self) -> None:
        with pytest.raises(ValidationError, match="`framework` must be a mapping; got a list"):
            Framework.from_dict(cast(Any, [1, 2]))  # a list, not a mapping


# ------------------------------------------------------------------------------------------------ score
class TestScore:
    # a1 = 4 -> 100, a2 = 2 -> 50, b1 = 1 -> 25; b2 None, b3 and c1 not given.
    #   A = (1 * 100 + 3 * 50) / 4 = 62.5    coverage 2/2
    #   B = 25 (b1 alone)                    coverage 1/3
    #   C = NaN                              coverage 0/1
    #   overall = (2 * 62.5 + 1 * 25) / (2 + 1) = 50     (C left out)     coverage 3/6
    SCORES: ClassVar[dict[str, float | None]] = {"a1": 4, "a2": 2, "b1": 1, "b2": None}

    def test_dimension_and_overall(self) -> None:
        result = score(TOY, self.SCORES)
        assert result.by_dimension["score"].iloc[:2].tolist() == pytest.approx([62.5, 25.0])
        assert math.isnan(_cell(result.by_dimension, "c", "score"))
        assert result.by_dimension["coverage"].tolist() == pytest.approx([1.0, 1 / 3, 0.0])
        assert result.by_dimension["scored"].tolist() == [2, 1, 0]
        assert result.overall == pytest.approx(50.0)
        assert result.coverage == pytest.approx(0.5)
        assert result.by_indicator.loc["a2", "score"] == pytest.approx(50.0)
        assert result.by_indicator.loc["a2", "raw"] == 2.0

    def test_gaps_default_threshold(self) -> None:
        # Default threshold 0 + 4/3: b1 (1) is low, a2 (2) is not. Points = 100 * W_d/4 * w_i/sum_d(w) * shortfall:
        #   c1: 100 * 1/4 * 1/1 * 1       = 25      (unscored)
        #   b3: 100 * 1/4 * 2/4 * 1       = 12.5    (unscored)
        #   b2: 100 * 1/4 * 1/4 * 1       = 6.25    (unscored)
        #   b1: 100 * 1/4 * 1/4 * (4-1)/4 = 4.6875  (low)
        result = score(TOY, self.SCORES)
        assert result.gap_threshold == pytest.approx(4 / 3)
        assert result.gaps == ("c1", "b3", "b2", "b1")
        assert result.gap_table["indicator"].tolist() == list(result.gaps)
        assert result.gap_table["points"].tolist() == pytest.approx([25.0, 12.5, 6.25, 4.6875])
        assert result.gap_table["status"].tolist() == ["unscored", "unscored", "unscored", "low"]
        assert result.gap_table["shortfall"].tolist() == pytest.approx([1.0, 1.0, 1.0, 0.75])
        assert result.by_indicator["gap"].tolist() == [False, False, True, True, True, True]

    def test_gaps_with_threshold(self) -> None:
        # Threshold 2 makes a2 a gap too: 100 * 2/4 * 3/4 * (4-2)/4 = 18.75
        result = score(TOY, self.SCORES, gap_threshold=2)
        assert result.gaps == ("c1", "a2", "b3", "b2", "b1")
        assert result.gap_table.loc[1, "points"] == pytest.approx(18.75)

    def test_known_low_score_before_unscored_at_equal_points(self) -> None:
        # b1 = 0 has shortfall 1, the same 6.25 points as the unscored b2: the scored one comes first.
        result = score(TOY, {"a1": 4, "a2": 4, "b1": 0, "c1": 4})
        assert result.gaps == ("b3", "b1", "b2")
        assert result.gap_table["points"].tolist() == pytest.approx([12.5, 6.25, 6.25])

    def test_nan_is_unscored(self) -> None:
        assert score(TOY, {"a1": float("nan")}).coverage == 0.0
        assert math.isnan(score(TOY, {}).overall)

    def test_as_dict(self) -> None:
        data = score(TOY, self.SCORES).as_dict()
        assert data["overall"] == pytest.approx(50.0)
        assert data["dimensions"][2]["score"] is None
        assert data["gaps"][0] == "c1" and data["gap_table"][0]["points"] == pytest.approx(25.0)
        assert data["framework"] == {"id": "toy", "version": "2"}

    @pytest.mark.parametrize(
        ("scores", "message"),
        [
            ({"a1": 5}, "`scores` must be numbers from 0 to 4 or None; got a1=5"),
            ({"a1": -1, "b1": "3"}, "got a1=-1, b1='3'"),
            ({"a1": True}, "got a1=True"),
            (
                {"zz": 1, "a1": 1},
                "`scores` must use indicator ids of framework 'toy'; got unknown ids ['zz']",
            ),
        ],
    )
    def test_bad_scores(self, scores: dict[str, Any], message: str) -> None:
        with pytest.raises(ValidationError) as caught:
            score(TOY, scores)
        assert message in caught.value.message

    def test_bad_threshold_and_framework(self) -> None:
        with pytest.raises(
            ValidationError, match="`gap_threshold` must be a number from 0 to 4 or None; got 9"
        ):
            score(TOY, {}, gap_threshold=9)
        with pytest.raises(ValidationError, match="`framework` must be a Framework; got dict"):
            score(cast(Any, DATA), {})  # the raw data, not a Framework


# ---------------------------------------------------------------------------------------------- compare
def _values(rows: pd.DataFrame, label: str, columns: list[str]) -> list[float]:
    return [_cell(rows, label, column) for column in columns]


def test_compare() -> None:
    # previous: a1 = 2, a2 = 2 -> A = 50, overall 50 (A only), coverage 2/6
    # current:  a1 = 4, a2 = 2, c1 = 3 -> A = 62.5, C = 75, overall (2 * 62.5 + 75) / 3 = 66.67, coverage 3/6
    table = compare(TOY, {"a1": 2, "a2": 2}, {"a1": 4, "a2": 2, "c1": 3})
    assert table["level"].tolist() == ["overall"] + ["dimension"] + ["indicator"] * 2 + ["dimension"] + [
        "indicator"
    ] * 3 + ["dimension", "indicator"]
    assert list(table.columns) == [
        "level",
        "id",
        "dimension",
        "previous",
        "current",
        "change",
        "previous_coverage",
        "current_coverage",
    ]
    rows = table.set_index("id")
    assert _values(rows, "toy", ["previous", "current", "change"]) == pytest.approx(
        [50.0, 200 / 3, 200 / 3 - 50]
    )
    assert _values(rows, "toy", ["previous_coverage", "current_coverage"]) == pytest.approx([1 / 3, 0.5])
    assert _values(rows, "a", ["previous", "current", "change"]) == pytest.approx([50.0, 62.5, 12.5])
    assert _values(rows, "a1", ["previous", "current", "change"]) == pytest.approx([50.0, 100.0, 50.0])
    assert rows.loc["a2", "change"] == 0.0
    assert rows.loc["c", "current"] == pytest.approx(75.0) and math.isnan(_cell(rows, "c", "change"))
    assert math.isnan(_cell(rows, "b", "previous")) and math.isnan(_cell(rows, "b", "change"))
    assert rows.loc["c1", "dimension"] == "c"


def test_compare_names_the_bad_side() -> None:
    with pytest.raises(ValidationError, match="`current` must be numbers from 0 to 4"):
        compare(TOY, {"a1": 1}, {"a1": 7})
    with pytest.raises(ValidationError, match="`previous` must use indicator ids"):
        compare(TOY, {"x": 1}, {})


# ------------------------------------------------------------------------------------------- invariants
@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    low = draw(st.integers(min_value=-3, max_value=3))
    high = low + draw(st.integers(min_value=1, max_value=10))
    weights = st.floats(min_value=0.1, max_value=10)
    dimensions = []
    counter = 0
    for d in range(draw(st.integers(min_value=1, max_value=5))):
        indicators = []
        for _ in range(draw(st.integers(min_value=1, max_value=5))):
            counter += 1
            indicators.append(_indicator(f"i{counter}", draw(weights)))
        dimensions.append(
            {"id": f"d{d}", "title": _texts("d"), "weight": draw(weights), "indicators": indicators}
        )
    return Framework.from_dict(
        {
            "id": "h",
            "version": "1",
            "title": _texts("h"),
            "scale_min": low,
            "scale_max": high,
            "dimensions": dimensions,
        }
    )


@settings(max_examples=60, deadline=None)
@given(frameworks())
def test_top_and_bottom_of_the_scale(framework: Framework) -> None:
    top = score(framework, dict.fromkeys(framework.indicator_ids, framework.scale_max))
    assert top.overall == pytest.approx(100.0)
    assert top.by_dimension["score"].to_numpy() == pytest.approx(100.0)
    assert top.gaps == () and top.gap_table.empty and top.coverage == 1.0
    bottom = score(framework, dict.fromkeys(framework.indicator_ids, framework.scale_min))
    assert bottom.overall == pytest.approx(0.0, abs=1e-9)
    assert len(bottom.gaps) == len(framework.indicator_ids)
    # In a fully scored assessment the gaps' points are exactly what is missing to 100.
    assert bottom.gap_table["points"].sum() == pytest.approx(100.0)


@settings(max_examples=60, deadline=None)
@given(frameworks(), st.data())
def test_overall_lies_between_dimension_scores(framework: Framework, data: st.DataObject) -> None:
    values = st.none() | st.integers(min_value=framework.scale_min, max_value=framework.scale_max)
    given_scores = {key: data.draw(values) for key in framework.indicator_ids}
    result = score(framework, given_scores)
    present = result.by_dimension["score"].dropna()
    if present.empty:
        assert math.isnan(result.overall)
    else:
        assert present.min() - 1e-9 <= result.overall <= present.max() + 1e-9
    assert result.coverage == pytest.approx(
        sum(v is not None for v in given_scores.values()) / len(given_scores)
    )
    assert isinstance(result.by_indicator, pd.DataFrame)


def test_docstring_examples() -> None:
    outcome = doctest.testmod(framework_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert outcome.attempted > 0 and outcome.failed == 0
