"""The ten SYNTHETIC demo municipalities and their statistics."""

from __future__ import annotations

from pathlib import Path

import pytest

from hromada.data import demo as demo_module
from hromada.data.demo import DEMO_SEED, DEMO_SOURCE, MEASURE_UNITS, DemoData, load_demo
from hromada.data.nace import TOTAL_CODE, nace_codes
from hromada.data.regions import KATOTTG_PATTERN
from hromada.errors import ValidationError
from tests.cells import number, text

KEYS = [
    "frontline-town",
    "de-occupied",
    "hosting-west",
    "hosting-centre",
    "rural-agricultural",
    "industrial-city",
    "port-city",
    "mountain-resort",
    "border",
    "suburb",
]


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return load_demo()


def test_ten_described_municipalities(demo: DemoData) -> None:
    places = demo.municipalities
    assert places["key"].tolist() == KEYS
    assert places["code"].is_unique
    assert places["code"].str.match(KATOTTG_PATTERN).all()
    for column in ("name_uk", "name_en", "name_de", "description_en", "description_uk", "description_de"):
        assert (places[column].str.len() > 3).all(), column
    assert places["description_en"].str.count(r"\. ").ge(1).all()
    assert places["name_uk"].is_unique and places["name_en"].is_unique
    assert set(places["kind"]) == {"urban", "settlement", "rural"}


def test_roles_match_their_places(demo: DemoData) -> None:
    places = demo.municipalities.set_index("key")
    assert places.loc["frontline-town", "status"] == "frontline"
    assert places.loc["frontline-town", "oblast_code"] == "UA63"
    assert places.loc["de-occupied", "status"] == "de-occupied"
    assert places.loc["de-occupied", "oblast_code"] in {"UA65", "UA32"}
    assert places.loc["hosting-west", "status"] == "hosting-idp"
    assert places.loc["hosting-centre", "status"] == "hosting-idp"
    assert places.loc["rural-agricultural", "kind"] == "rural"
    assert places.loc["suburb", "oblast_code"] == "UA32"
    assert places.loc["industrial-city", "kind"] == "urban"
    assert places.loc["port-city", "oblast_code"] in {"UA51", "UA48"}


def test_demo_municipalities_are_in_the_panel(demo: DemoData) -> None:
    panel_places = demo.panel.municipalities.set_index("code")
    for row in demo.municipalities.itertuples():
        code = text(row.code)
        assert code in panel_places.index
        assert text(panel_places.loc[code, "name_en"]) == row.name_en
        assert number(panel_places.loc[code, "population"]) == row.population
    assert len(demo.panel.municipalities) == 1470
    assert demo.panel.provenance["seed"] == DEMO_SEED


def test_all_measures_for_all_years(demo: DemoData) -> None:
    stats = demo.statistics
    assert list(stats.columns) == ["region_code", "year", "sector_code", "measure", "value", "unit", "source"]
    assert set(stats["region_code"]) == set(demo.municipalities["code"])
    coverage = stats.groupby(["region_code", "measure"])["year"].nunique()
    assert len(coverage) == 10 * 5
    assert (coverage == 10).all()
    assert set(stats["year"]) == set(range(2015, 2025))
    assert (stats["unit"] == stats["measure"].map(MEASURE_UNITS)).all()
    assert (stats["source"] == DEMO_SOURCE).all()
    assert DEMO_SOURCE == "Hromada synthetic demo data (seed 20220224)"
    assert set(stats.loc[stats["measure"] == "population", "sector_code"]) == {TOTAL_CODE}
    assert set(stats.loc[stats["measure"] != "population", "sector_code"]) <= nace_codes("division")
    assert (stats["value"] > 0).all()
    assert not stats.duplicated(["region_code", "year", "sector_code", "measure"]).any()


def test_statistics_are_consistent(demo: DemoData) -> None:
    stats = demo.statistics
    employment = stats[stats["measure"] == "employment"].set_index(["region_code", "year", "sector_code"])
    for measure in ("firms", "turnover", "wages"):
        other = stats[stats["measure"] == measure].set_index(["region_code", "year", "sector_code"])
        assert other.index.equals(employment.index)
    firms = stats[stats["measure"] == "firms"].set_index(["region_code", "year", "sector_code"])["value"]
    assert (firms <= employment["value"]).all()
    wages = stats[stats["measure"] == "wages"]
    assert wages[wages["year"] == 2015]["value"].median() < wages[wages["year"] == 2024]["value"].median()
    panel = demo.panel.employment
    frontline = text(demo.municipalities.set_index("key").loc["frontline-town", "code"])
    population = stats[(stats["region_code"] == frontline) & (stats["measure"] == "population")]
    by_year = population.set_index("year")["value"]
    assert by_year[2022] < 0.8 * by_year[2021]
    own = panel[panel["region_code"] == frontline]
    assert own["value"].sum() == employment["value"].loc[frontline].sum()


def test_provenance_is_json_ready_and_synthetic(demo: DemoData) -> None:
    import json

    assert demo.provenance["synthetic"] is True
    assert "SYNTHETIC" in demo.provenance["notice"]
    json.dumps(demo.provenance)


def test_cache_dir_serves_repeated_loads_without_generating(
    tmp_path: Path, demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The mechanism, not a wall time: the second load reads the cached file and never calls the generator.
    first = load_demo(cache_dir=tmp_path / "cache")
    files = list((tmp_path / "cache").glob("*.parquet"))
    assert len(files) == 1 and str(DEMO_SEED) in files[0].name

    def no_generation(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached panel was regenerated")

    monkeypatch.setattr(demo_module, "generate_panel", no_generation)
    second = load_demo(cache_dir=tmp_path / "cache")
    assert second.statistics.equals(first.statistics)
    assert second.statistics.equals(demo.statistics)
    assert second.municipalities.equals(demo.municipalities)
    assert second.provenance == demo.provenance


def test_cache_dir_survives_a_corrupt_file(tmp_path: Path, demo: DemoData) -> None:
    load_demo(cache_dir=tmp_path)
    (path,) = tmp_path.glob("*.parquet")
    path.write_bytes(b"not parquet")
    again = load_demo(cache_dir=tmp_path)
    assert again.statistics.equals(demo.statistics)


def test_cache_dir_must_be_a_folder(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(ValidationError, match="cache_dir"):
        load_demo(cache_dir=file)
