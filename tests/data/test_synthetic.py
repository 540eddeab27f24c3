"""The SYNTHETIC national panel: determinism, shape, sparsity, nestedness, heavy tails, war shock."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hromada.data.nace import nace_codes
from hromada.data.regions import HROMADA_COUNT, KATOTTG_PATTERN, KYIV_CITY_CODE, load_regions
from hromada.data.synthetic import (
    GENERATOR_VERSION,
    SYNTHETIC_NOTICE,
    SyntheticPanel,
    generate_panel,
    read_panel_parquet,
    write_panel_parquet,
)
from hromada.errors import ValidationError
from tests.cells import number


def _digest(panel: SyntheticPanel) -> str:
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(panel.municipalities, index=False).to_numpy().tobytes())
    h.update(pd.util.hash_pandas_object(panel.employment, index=False).to_numpy().tobytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def panel() -> SyntheticPanel:
    return generate_panel()


@pytest.fixture(scope="module")
def presence_2021(panel: SyntheticPanel) -> pd.DataFrame:
    rows = panel.employment[panel.employment["year"] == 2021]
    wide = rows.pivot_table(
        index="region_code",
        columns="sector_code",
        values="value",
        aggfunc="sum",
        fill_value=0.0,
        observed=False,
    )
    return wide > 0


def test_same_seed_same_panel(panel: SyntheticPanel) -> None:
    again = generate_panel()
    assert _digest(again) == _digest(panel)
    assert again.employment.equals(panel.employment)
    other = generate_panel(seed=1)
    assert _digest(other) != _digest(panel)


def test_generator_and_none_seeds_are_reproducible() -> None:
    first = generate_panel(years=[2021], seed=np.random.default_rng(5))
    second = generate_panel(years=[2021], seed=np.random.default_rng(5))
    assert _digest(first) == _digest(second)
    fresh = generate_panel(years=[2021], seed=None)
    replay = generate_panel(years=[2021], seed=fresh.provenance["seed"])
    assert _digest(fresh) == _digest(replay)


def test_municipalities(panel: SyntheticPanel) -> None:
    places = panel.municipalities
    assert len(places) == HROMADA_COUNT + 1  # the 1,469 communities of the oblasts and the city of Kyiv
    assert places["code"].is_unique
    assert places["code"].str.match(KATOTTG_PATTERN).all()
    assert (places["code"].str[:4] == places["oblast_code"]).all()
    assert places["code"].is_monotonic_increasing
    counts = places["oblast_code"].value_counts()
    expected = load_regions().set_index("oblast_code")["hromadas"]
    assert counts.sort_index().to_dict() == expected.sort_index().to_dict()
    assert places.groupby("oblast_code")["name_uk"].apply(lambda s: s.is_unique).all()
    assert places["name_en"].str.match(r"^[A-Z][A-Za-z' -]+$").all()
    kinds = places.loc[places["oblast_code"] != KYIV_CITY_CODE, "kind"].value_counts().to_dict()
    assert kinds == {"rural": 625, "settlement": 435, "urban": 409}
    assert set(places["status"]) == {"frontline", "de-occupied", "hosting-idp", "rear"}
    assert places["idp_share"].between(0, 1).all()
    assert (places["area_km2"] > 0).all()


def test_population_is_heavy_tailed(panel: SyntheticPanel) -> None:
    places = panel.municipalities
    population = places["population"]
    kyiv = population[places["oblast_code"] == KYIV_CITY_CODE].item()
    assert 2_800_000 < kyiv < 3_100_000
    rural = population[places["kind"] == "rural"]
    assert 3_000 < rural.median() < 15_000
    assert population.max() == kyiv
    assert population.nlargest(2).iloc[1] > 700_000
    assert population.median() < 20_000
    assert 38_000_000 < population.sum() < 43_000_000


def test_war_statuses_follow_geography(panel: SyntheticPanel) -> None:
    places = panel.municipalities
    war = places["status"].isin(["frontline", "de-occupied"])
    east_south = {"UA14", "UA44", "UA23", "UA65", "UA63", "UA59", "UA74", "UA48"}
    in_east_south = places["oblast_code"].isin(east_south)
    assert war[in_east_south].mean() > 0.6
    assert war[~in_east_south].mean() < 0.1
    west = places["oblast_code"].isin({"UA07", "UA21", "UA26", "UA46", "UA56", "UA61", "UA68", "UA73"})
    hosting = places["status"] == "hosting-idp"
    assert hosting[west & (places["kind"] == "urban")].mean() > 0.4
    assert places.loc[hosting, "idp_share"].mean() > places.loc[~hosting, "idp_share"].mean()


def test_employment_table(panel: SyntheticPanel) -> None:
    employment = panel.employment
    assert list(employment.columns) == ["region_code", "year", "sector_code", "value"]
    assert panel.years == tuple(range(2015, 2025))
    assert sorted(employment["year"].unique().tolist()) == list(range(2015, 2025))
    assert set(panel.sectors) == nace_codes("division")
    assert set(employment["region_code"].cat.categories) == set(panel.municipalities["code"])
    assert (employment["value"] > 0).all()
    assert (employment["value"] == employment["value"].round()).all()
    assert not employment.duplicated(["region_code", "year", "sector_code"]).any()
    assert employment["year"].dtype == np.int64


def test_many_zero_cells(panel: SyntheticPanel) -> None:
    cells = len(panel.municipalities) * len(panel.sectors) * len(panel.years)
    assert 1 - len(panel.employment) / cells > 0.4


def test_presence_is_nested(presence_2021: pd.DataFrame) -> None:
    matrix = presence_2021.to_numpy()
    diversity = matrix.sum(axis=1)
    ubiquity = matrix.sum(axis=0)
    hosted = diversity > 0
    mean_ubiquity = (matrix[hosted] * ubiquity).sum(axis=1) / diversity[hosted]
    assert np.corrcoef(diversity[hosted], mean_ubiquity)[0, 1] < -0.5
    assert diversity.max() > 2.5 * np.median(diversity)
    assert ubiquity.min() < 0.05 * matrix.shape[0] < ubiquity.max()


def test_employment_is_concentrated(panel: SyntheticPanel) -> None:
    rows = panel.employment[panel.employment["year"] == 2021]
    totals = rows.groupby("region_code", observed=False)["value"].sum().sort_values(ascending=False)
    top = max(1, len(totals) // 100)
    assert totals.iloc[:top].sum() / totals.sum() > 0.2
    assert 10_000_000 < totals.sum() < 20_000_000


def test_war_shock_and_recovery(panel: SyntheticPanel) -> None:
    joined = panel.employment.merge(
        panel.municipalities[["code", "status"]], left_on="region_code", right_on="code"
    )
    by_status = joined.groupby(["status", "year"])["value"].sum().unstack()
    ratio = by_status.div(by_status[2021], axis=0)
    assert number(ratio.loc["frontline", 2022]) < 0.6
    assert number(ratio.loc["de-occupied", 2022]) < 0.7
    assert number(ratio.loc["de-occupied", 2024]) > number(ratio.loc["de-occupied", 2022])
    assert number(ratio.loc["rear", 2022]) > number(ratio.loc["frontline", 2022])
    assert number(ratio.loc["hosting-idp", 2022]) > 0.95
    sections = joined.assign(manufacturing=joined["sector_code"].astype(str) < "34")
    war = sections[sections["status"].isin(["frontline", "de-occupied"]) & sections["manufacturing"]]
    war_ratio = war.groupby("year")["value"].sum()
    assert war_ratio[2022] / war_ratio[2021] < number(ratio.loc["frontline", 2022])


def test_provenance_labels_the_data_synthetic(panel: SyntheticPanel) -> None:
    provenance = panel.provenance
    assert panel.synthetic is True
    assert provenance["notice"] == SYNTHETIC_NOTICE == "SYNTHETIC data, not official statistics"
    assert provenance["seed"] == 20220224
    assert provenance["version"] == GENERATOR_VERSION
    assert provenance["level"] == "division"
    assert provenance["created_by"] == "hromada.data.synthetic"
    assert provenance["years"] == list(range(2015, 2025))
    assert panel.municipalities.attrs["synthetic"] is True


def test_class_level_describes_the_same_places(panel: SyntheticPanel) -> None:
    classes = generate_panel(level="class", years=[2021, 2022])
    pd.testing.assert_frame_equal(classes.municipalities, panel.municipalities)
    assert set(classes.sectors) == nace_codes("class")
    cells = len(classes.municipalities) * len(classes.sectors) * 2
    assert 1 - len(classes.employment) / cells > 0.6
    assert classes.provenance["level"] == "class"


def test_parquet_round_trip(panel: SyntheticPanel, tmp_path: Path) -> None:
    path = write_panel_parquet(panel, tmp_path / "panel.parquet")
    back = read_panel_parquet(path)
    # (assert_frame_equal is slow on large categoricals: compare values, dtypes and categories instead)
    assert back.employment.equals(panel.employment)
    assert back.employment.dtypes.equals(panel.employment.dtypes)
    assert back.employment["region_code"].cat.categories.equals(
        panel.employment["region_code"].cat.categories
    )
    assert back.employment["sector_code"].cat.categories.equals(
        panel.employment["sector_code"].cat.categories
    )
    pd.testing.assert_frame_equal(back.municipalities, panel.municipalities)
    assert back.provenance == panel.provenance
    assert back.years == panel.years and back.level == panel.level
    assert not list(tmp_path.glob(".*.tmp"))


def test_parquet_rejects_foreign_files(tmp_path: Path) -> None:
    path = tmp_path / "other.parquet"
    pd.DataFrame({"a": [1, 2]}).to_parquet(path)
    with pytest.raises(ValidationError, match="write_panel_parquet"):
        read_panel_parquet(path)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"level": "group"}, "level"),
        ({"years": []}, "years"),
        ({"years": [2022, 2021]}, "years"),
        ({"years": ["x"]}, "years"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_invalid_arguments(kwargs: dict[str, Any], match: str) -> None:  # Any: deliberately wrong values
    with pytest.raises(ValidationError, match=match):
        generate_panel(**kwargs)
