"""Oblasts and Kyiv: codes, names and the 1,469 territorial communities."""

from __future__ import annotations

import re

from hromada.data.regions import HROMADA_COUNT, KATOTTG_PATTERN, KYIV_CITY_CODE, load_regions
from tests.cells import number


def test_twenty_five_regions_with_unique_prefixes() -> None:
    regions = load_regions()
    assert len(regions) == 25
    assert regions["oblast_code"].is_unique
    assert regions["oblast_code"].str.match(r"^UA\d{2}$").all()
    assert (regions["kind"] == "oblast").sum() == 24
    assert regions.loc[regions["oblast_code"] == KYIV_CITY_CODE, "kind"].item() == "city"


def test_known_katottg_prefixes() -> None:
    prefixes = dict(zip(load_regions()["name_en"], load_regions()["oblast_code"], strict=True))
    assert prefixes["Vinnytsia Oblast"] == "UA05"
    assert prefixes["Donetsk Oblast"] == "UA14"
    assert prefixes["Kyiv Oblast"] == "UA32"
    assert prefixes["Lviv Oblast"] == "UA46"
    assert prefixes["Kharkiv Oblast"] == "UA63"
    assert prefixes["Chernihiv Oblast"] == "UA74"
    assert prefixes["Kyiv City"] == "UA80"


def test_hromada_counts_sum_to_the_2020_reform() -> None:
    regions = load_regions()
    oblasts = regions[regions["kind"] == "oblast"]
    assert int(oblasts["hromadas"].sum()) == HROMADA_COUNT == 1469
    assert int(regions.loc[regions["oblast_code"] == KYIV_CITY_CODE, "hromadas"].item()) == 1
    assert int(number(regions.set_index("oblast_code").loc["UA51", "hromadas"])) == 91


def test_names_and_population() -> None:
    regions = load_regions()
    for column in ("name_uk", "name_en", "name_de"):
        assert (regions[column].str.len() > 3).all()
    assert 38_000_000 < int(regions["population"].sum()) < 43_000_000
    assert set(regions["macro_region"]) == {"west", "centre", "north", "east", "south", "capital"}


def test_katottg_pattern() -> None:
    assert re.match(KATOTTG_PATTERN, "UA05020010000053509")
    assert not re.match(KATOTTG_PATTERN, "UA0502001000005350")
    assert not re.match(KATOTTG_PATTERN, "05020010000053509UA")
