"""The NACE Rev. 2 classification file and its helpers."""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hromada.data import nace
from hromada.data.nace import (
    TOTAL_CODE,
    division_of,
    load_nace,
    nace_codes,
    nace_title,
    normalize_nace_codes,
    section_of,
)
from hromada.errors import ValidationError


def test_counts_per_level_are_the_official_ones() -> None:
    table = load_nace()
    assert table["level"].value_counts().to_dict() == {
        "class": 615,
        "group": 272,
        "division": 88,
        "section": 21,
    }
    assert len(nace_codes("section")) == 21
    assert len(nace_codes("division")) == 88
    assert len(nace_codes("group")) == 272
    assert len(nace_codes("class")) == 615
    assert len(nace_codes()) == 996
    assert table["code"].is_unique
    assert sorted(nace_codes("section")) == [chr(c) for c in range(ord("A"), ord("U") + 1)]


def test_columns_and_code_shapes() -> None:
    table = load_nace()
    assert list(table.columns) == ["code", "level", "parent", "title_en", "title_uk", "title_de"]
    patterns = {
        "section": r"^[A-U]$",
        "division": r"^\d{2}$",
        "group": r"^\d{2}\.\d$",
        "class": r"^\d{2}\.\d{2}$",
    }
    for level, pattern in patterns.items():
        codes = table.loc[table["level"] == level, "code"]
        assert codes.str.match(pattern).all(), level


def test_sections_and_divisions_have_titles_in_all_languages() -> None:
    table = load_nace()
    top = table[table["level"].isin(["section", "division"])]
    for column in ("title_en", "title_uk", "title_de"):
        assert (top[column].str.strip() != "").all(), column
    assert (table["title_en"].str.strip() != "").all()
    assert (table["title_en"] == table["title_en"].str.strip()).all()


def test_parents_are_consistent() -> None:
    table = load_nace().set_index("code")
    expected_parent_level = {"division": "section", "group": "division", "class": "group"}
    for code, row in table.iterrows():
        if row["level"] == "section":
            assert row["parent"] == ""
            continue
        parent = table.loc[row["parent"]]
        assert parent["level"] == expected_parent_level[row["level"]]
        if row["level"] in ("group", "class"):
            assert str(code).startswith(row["parent"])


def test_known_codes_and_titles() -> None:
    assert nace_title("C", "en") == "Manufacturing"
    assert nace_title("C", "uk") == "Переробна промисловість"
    assert nace_title("C", "de") == "Verarbeitendes Gewerbe/Herstellung von Waren"
    assert nace_title("62", "en") == "Computer programming, consultancy and related activities"
    assert nace_title("62", "uk").startswith("Комп'ютерне програмування")
    assert nace_title("01.11", "en") == "Growing of cereals (except rice), leguminous crops and oil seeds"
    assert nace_title("01.11", "de") == "Anbau von Getreide (ohne Reis), Hülsenfrüchten und Ölsaaten"
    assert nace_title("A", "en") == "Agriculture, forestry and fishing"
    assert nace_title("85", "uk") == "Освіта"


def test_title_falls_back_to_english_and_accepts_variants() -> None:
    table = load_nace().set_index("code")
    missing_uk = table[(table["title_uk"] == "") & (table["level"] == "class")].index[0]
    assert nace_title(str(missing_uk), "uk") == table.loc[missing_uk, "title_en"]
    assert nace_title("0111", "en") == nace_title("01.11", "en")
    assert nace_title("62", "de-AT") == nace_title("62", "de")
    assert nace_title(TOTAL_CODE, "en") == "All economic activities"


def test_title_rejects_unknown_code_and_locale() -> None:
    with pytest.raises(ValidationError, match="code"):
        nace_title("99.99", "en")
    with pytest.raises(ValidationError, match="locale"):
        nace_title("C", "fr")
    with pytest.raises(ValidationError, match="level"):
        nace_codes(cast(Any, "subclass"))  # not one of the levels: checked at run time


def test_section_and_division_of() -> None:
    assert section_of("10.11") == "C"
    assert section_of("C") == "C"
    assert section_of("62") == "J"
    assert section_of("99") == "U"
    assert division_of("01.11") == "01"
    assert division_of("47.1") == "47"
    assert division_of("47") == "47"
    with pytest.raises(ValidationError):
        division_of("C")
    with pytest.raises(ValidationError):
        section_of("00")


def test_normalize_common_variants() -> None:
    raw = pd.Series(
        [" c ", "0111", "011", "1", "1.11", "C10.11", "c1011", "total", "_T", "99.99", "ZZ", None, "111"]
    )
    out = normalize_nace_codes(raw)
    assert out.tolist()[:11] == [
        "C",
        "01.11",
        "01.1",
        "01",
        "01.11",
        "10.11",
        "10.11",
        TOTAL_CODE,
        TOTAL_CODE,
        "99.99",
        "ZZ",
    ]
    assert out.iloc[11] is pd.NA
    assert out.iloc[12] == "01.11"  # "11.1" is not a group, so the lost-zero class is the only reading
    assert out.index.equals(raw.index)


def test_normalize_leaves_ambiguous_codes() -> None:
    # "101" reads as the group 10.1 (the class 01.01 does not exist).
    assert normalize_nace_codes(pd.Series(["101"])).tolist() == ["10.1"]
    # "A10.11": 10.11 is not in section A, so the code is left for the caller to report.
    assert normalize_nace_codes(pd.Series(["A10.11"])).tolist() == ["A10.11"]


@settings(database=None)
@given(st.sampled_from(sorted(nace_codes())))
def test_normalize_is_identity_on_canonical_codes(code: str) -> None:
    assert normalize_nace_codes(pd.Series([code])).iloc[0] == code


@settings(database=None)
@given(st.sampled_from(sorted(nace_codes("class"))))
def test_normalize_restores_codes_without_dot(code: str) -> None:
    assert normalize_nace_codes(pd.Series([code.replace(".", "")])).iloc[0] == code


def test_load_nace_returns_copies() -> None:
    first = load_nace()
    first.loc[0, "title_en"] = "changed"
    assert load_nace().loc[0, "title_en"] == "Agriculture, forestry and fishing"
    assert "Eurostat" in (nace.__doc__ or "")
