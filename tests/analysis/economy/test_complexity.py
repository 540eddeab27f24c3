"""Complexity and relatedness against the reference implementation and the properties that must hold.

Reference: ``ecomplexity`` 0.5.3, the Harvard Growth Lab's Python package
(https://github.com/cid-harvard/py-ecomplexity), run in the test on the same data. Under the ``ecomplexity``
preset every output must agree with it to 1e-9.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

import ecomplexity as ecomplexity_pkg
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hromada.analysis.economy import PRESETS, ComplexityPreset, complexity, proximity_matrix, to_panel
from hromada.data.synthetic import generate_panel
from hromada.errors import ValidationError
from tests.cells import number

TOL = 1e-9
COMPARED = ("rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog")
COLS = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}


def reference(data: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """Run ``ecomplexity.ecomplexity`` quietly (it prints and warns by design)."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        out: pd.DataFrame = ecomplexity_pkg.ecomplexity(
            data, COLS, check_logsupermodularity=False, verbose=False, **kwargs
        )
    return out


def reference_proximity(data: pd.DataFrame) -> pd.DataFrame:
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        out: pd.DataFrame = ecomplexity_pkg.proximity(data, COLS)
    return out


def assert_matches(ours: pd.DataFrame, theirs: pd.DataFrame, columns: tuple[str, ...] = COMPARED) -> None:
    merged = ours.merge(theirs, on=["year", "region", "industry"], suffixes=("", "_ref"), how="inner")
    assert len(merged) == len(theirs.dropna(subset=["eci"]))
    for column in columns:
        a = merged[column].to_numpy(float)
        b = merged[column + "_ref"].to_numpy(float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), column
        assert np.nanmax(np.abs(a - b)) < TOL, column


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    """Synthetic national panel, NACE divisions, three years (1,470 x 88)."""
    panel = generate_panel(level="division", years=(2021, 2022, 2023))
    frame = panel.employment.rename(columns={"region_code": "region", "sector_code": "industry"})
    return frame.astype({"region": str, "industry": str})


@pytest.fixture(scope="module")
def national_result(national: pd.DataFrame) -> Any:
    return complexity(national)


def test_matches_ecomplexity_on_the_national_panel(national: pd.DataFrame, national_result: Any) -> None:
    assert_matches(national_result.to_frame(), reference(national))


def test_proximity_matches_ecomplexity(national: pd.DataFrame, national_result: Any) -> None:
    theirs = reference_proximity(national)
    for year in national_result.years:
        ours = national_result.proximity_frame(int(year)).stack().rename("proximity").reset_index()
        ref = theirs[theirs["year"] == year]
        merged = ours.merge(ref, on=["industry_1", "industry_2"], suffixes=("", "_ref"))
        assert len(merged) == len(ref)
        assert np.max(np.abs(merged["proximity"] - merged["proximity_ref"])) < TOL


def test_external_proximity_matches_ecomplexity_edgelist(national: pd.DataFrame) -> None:
    # A national industry space applied to a small sample of 40 municipalities, as a municipality would do.
    one_year = national[national["year"] == 2023]
    edges = reference_proximity(one_year).rename(columns={"industry_1": "prod1", "industry_2": "prod2"})
    sample_regions = sorted(one_year["region"].unique())[::37]
    sample = one_year[one_year["region"].isin(sample_regions)]
    theirs = reference(sample, proximity_edgelist=edges[["prod1", "prod2", "proximity"]])
    ours = complexity(
        sample,
        proximity=edges.rename(columns={"prod1": "industry_1", "prod2": "industry_2"})[
            ["industry_1", "industry_2", "proximity"]
        ],
    )
    # Industries absent from the sample are inactive here and dropped by ecomplexity: compare the rest.
    assert_matches(ours.to_frame().dropna(subset=["rca"]), theirs)
    assert bool(ours.diagnostics["external_proximity"].iloc[0])


def test_rpop_matches_ecomplexity(national: pd.DataFrame) -> None:
    panel = generate_panel(level="division", years=(2023,))
    data = national[national["year"] == 2023]
    pop = panel.municipalities[["code", "population"]].rename(columns={"code": "region"})
    pop_long = pop.assign(year=2023)[["year", "region", "population"]]
    people = pop.set_index("region")["population"]
    # RPOP >= 1: some small municipalities have no industry at all, which makes ecomplexity's whole year NaN;
    # everything that does not go through ECI still agrees, and here only those municipalities lack an ECI.
    theirs = reference(data, presence_test="rpop", pop=pop_long)
    ours = complexity(data, presence="rpop", population=people)
    frame = ours.to_frame()
    merged = frame.merge(theirs, on=["year", "region", "industry"], suffixes=("", "_ref"))
    for column in ("rca", "rpop", "mcp", "diversity", "ubiquity", "density"):
        assert np.nanmax(np.abs(merged[column] - merged[column + "_ref"])) < TOL, column
    assert theirs["eci"].isna().all()
    no_presence = int(number(ours.diagnostics.loc[2023, "regions_without_presence"]))
    assert no_presence > 0
    assert int(np.isnan(ours.eci[0]).sum()) == no_presence
    # The Atlas threshold for RPOP, 0.25, leaves every municipality with an industry: full agreement.
    quarter = ComplexityPreset(name="rpop-0.25", threshold=0.25)
    theirs = reference(data, presence_test="rpop", pop=pop_long, rpop_mcp_threshold=0.25)
    ours = complexity(data, preset=quarter, presence="rpop", population=people)
    assert_matches(ours.to_frame(), theirs, (*COMPARED, "rpop"))


def test_duplicates_are_summed_or_rejected_never_first_kept(national: pd.DataFrame) -> None:
    data = national[national["year"] == 2023].reset_index(drop=True)
    doubled = pd.concat(
        [data, data.iloc[:50].assign(value=lambda f: f["value"] * 0 + 7.0)], ignore_index=True
    )
    with pytest.raises(ValidationError, match="must appear once"):
        complexity(doubled)
    summed = complexity(doubled, duplicates="sum")
    expected = data.copy()
    expected.loc[:49, "value"] += 7.0
    assert_matches(summed.to_frame(), reference(expected))


def test_nan_policy_is_explicit(national: pd.DataFrame) -> None:
    data = national[national["year"] == 2023].reset_index(drop=True)
    data.loc[3, "value"] = np.nan
    with pytest.raises(ValidationError, match="missing='zero'"):
        complexity(data)
    zero = complexity(data, missing="zero")
    assert_matches(zero.to_frame(), reference(data.fillna({"value": 0.0})))


def test_a_region_without_specialisation_does_not_spoil_the_year() -> None:
    # Region "flat" mirrors the national structure exactly: its RCA is exactly 1 everywhere, so under the
    # strict (atlas) rule RCA > 1 it has no industry. ecomplexity makes the whole year NaN in that case
    # (its ECI mean becomes NaN); here the region is listed as excluded and the others keep their values.
    rows = []
    others = {
        "a": {"p1": 10, "p2": 0, "p3": 2, "p4": 0},
        "b": {"p1": 1, "p2": 8, "p3": 0, "p4": 3},
        "c": {"p1": 0, "p2": 4, "p3": 9, "p4": 1},
        "d": {"p1": 3, "p2": 0, "p3": 1, "p4": 8},
    }
    totals = {p: sum(v[p] for v in others.values()) for p in ("p1", "p2", "p3", "p4")}
    for region, values in {**others, "flat": totals}.items():
        rows += [
            {"year": 2024, "region": region, "industry": p, "value": float(v)} for p, v in values.items()
        ]
    data = pd.DataFrame(rows)
    result = complexity(data, preset="atlas")
    eci = pd.Series(result.eci[0], index=result.regions)
    assert np.isnan(eci["flat"])
    assert eci.drop("flat").notna().all()
    assert list(result.excluded["label"]) == ["flat"]
    assert "no industry with RCA > 1" in result.excluded["reason"].iloc[0]
    assert result.diagnostics.loc[2024, "regions_without_presence"] == 1
    # The reference cannot express "> 1"; a threshold just above 1 has the same effect and spoils the year.
    theirs = reference(data, rca_mcp_threshold=1 + 1e-9)
    assert theirs["eci"].isna().all()


def test_inactive_regions_and_industries_are_listed_and_the_rest_matches(national: pd.DataFrame) -> None:
    data = national[national["year"].isin([2022, 2023])].reset_index(drop=True)
    region = data["region"].iloc[0]
    # The region reports nothing in 2023 and one industry disappears nationally in 2022.
    data = data[~((data["region"] == region) & (data["year"] == 2023))]
    data = data[~((data["industry"] == "05") & (data["year"] == 2022))]
    result = complexity(data)
    excluded = result.excluded.set_index(["year", "kind"])["label"]
    assert excluded.loc[(2023, "region")] == region
    assert excluded.loc[(2022, "industry")] == "05"
    assert np.isfinite(result.eci).sum() == 2 * len(result.regions) - 1
    assert_matches(result.to_frame(), reference(data))


def test_atlas_preset_uses_strict_presence_and_zero_diagonal(
    national_result: Any, national: pd.DataFrame
) -> None:
    atlas = complexity(national[national["year"] == 2023], preset="atlas")
    assert np.all(np.diagonal(atlas.proximity[0])[atlas.active_industries[0]] == 0)
    score = atlas.rca[0]
    assert np.array_equal(atlas.mcp[0] == 1, np.nan_to_num(score) > 1)
    assert atlas.provenance["preset"]["name"] == "atlas"
    assert national_result.provenance["preset"]["strict"] is False


def test_provenance_names_data_preset_and_version(national_result: Any, national: pd.DataFrame) -> None:
    prov = national_result.provenance
    assert prov["data_hash"] == to_panel(national).data_hash
    assert prov["preset"]["name"] == "ecomplexity"
    assert prov["version"]
    shuffled = complexity(national.sample(frac=1.0, random_state=3))
    assert shuffled.provenance["data_hash"] == prov["data_hash"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(value=-f["value"]), "must be zero or positive"),
        (lambda f: f.drop(columns=["industry"]), "must have the columns"),
        (lambda f: f.assign(value="x"), "must be a number"),
        (lambda f: f.assign(year=2021.5), "whole year"),
        (lambda f: f.iloc[:0], "at least one row"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(change: Any, message: str) -> None:
    data = pd.DataFrame(
        {
            "year": [2024] * 4,
            "region": ["a", "a", "b", "b"],
            "industry": ["x", "y", "x", "y"],
            "value": [1.0, 2, 3, 4],
        }
    )
    with pytest.raises(ValidationError, match=message):
        complexity(change(data))


def test_options_are_validated() -> None:
    data = pd.DataFrame(
        {"year": [2024] * 2, "region": ["a", "b"], "industry": ["x", "y"], "value": [1.0, 2.0]}
    )
    with pytest.raises(ValidationError, match="`preset` must be one of"):
        complexity(data, preset="nope")
    with pytest.raises(ValidationError, match="`population` is required"):
        complexity(data, presence="rpop")
    with pytest.raises(ValidationError, match="threshold"):
        ComplexityPreset(name="x", threshold=0)
    with pytest.raises(ValidationError, match="cover every industry"):
        complexity(data, proximity=pd.DataFrame([[1.0]], index=["x"], columns=["x"]))
    assert set(PRESETS) >= {"ecomplexity", "atlas"}


# --- properties on random panels -------------------------------------------------------------------------


@st.composite
def panels(draw: st.DrawFn) -> pd.DataFrame:
    n_r = draw(st.integers(4, 14))
    n_i = draw(st.integers(4, 10))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # Nested capabilities make a well-posed complexity problem, as in real data.
    ability = np.sort(rng.uniform(0, 1, n_r))
    need = np.sort(rng.uniform(0, 1, n_i))
    present = (ability[:, None] + rng.normal(0, 0.15, (n_r, n_i))) > need[None, :] * 0.9
    values = np.where(present, rng.integers(1, 1000, (n_r, n_i)), 0).astype(float)
    values[:, 0] += 1  # every region has something
    rows = [
        {"year": 2024, "region": f"r{r:02d}", "industry": f"i{i:02d}", "value": values[r, i]}
        for r in range(n_r)
        for i in range(n_i)
        if values[r, i] > 0
    ]
    return pd.DataFrame(rows)


def _well_posed(result: Any) -> bool:
    """A spectral gap, a spread of ECI, and an orientation fixed by the data (diversity not constant)."""
    gap = 1.0 - float(result.diagnostics["second_eigenvalue"].iloc[0])
    eci, diversity = result.eci[0], result.diversity[0]
    valid = np.isfinite(eci)
    if not (np.isfinite(gap) and gap > 1e-6 and valid.sum() > 2 and np.std(eci[valid]) > 0):
        return False
    if np.std(diversity[valid]) == 0:
        return False
    return bool(abs(np.corrcoef(diversity[valid], eci[valid])[0, 1]) > 1e-6)


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(panels())
def test_eci_is_standardised_and_the_mean_pci_of_present_industries(data: pd.DataFrame) -> None:
    result = complexity(data)
    assume(_well_posed(result))
    eci = result.eci[0]
    valid = np.isfinite(eci)
    assert abs(eci[valid].mean()) < 1e-9
    assert abs(eci[valid].std() - 1) < 1e-9
    m = result.mcp[0].astype(float)
    pci = np.nan_to_num(result.pci[0])
    mean_pci = (m @ pci) / m.sum(axis=1)
    np.testing.assert_allclose(eci[valid], mean_pci[valid], atol=1e-9)


@PROPERTY
@given(panels(), st.sampled_from(["ecomplexity", "atlas", "jaccard"]))
def test_proximity_and_density_are_bounded_and_symmetric(data: pd.DataFrame, preset: str) -> None:
    result = complexity(data, preset=preset)
    keep = result.active_industries[0]
    phi = result.proximity[0][np.ix_(keep, keep)]
    assert np.allclose(phi, phi.T)
    assert phi.min() >= 0 and phi.max() <= 1
    density = result.density[0][np.ix_(result.active_regions[0], keep)]
    assert density.min() >= -1e-12 and density.max() <= 1 + 1e-12


@PROPERTY
@given(panels(), st.floats(1e-3, 1e6), st.integers(0, 1000))
def test_invariant_to_scaling_and_to_row_and_column_order(
    data: pd.DataFrame, factor: float, seed: int
) -> None:
    base = complexity(data)
    assume(_well_posed(base))
    rng = np.random.default_rng(seed)
    shuffled = data.iloc[rng.permutation(len(data))].assign(value=lambda f: f["value"] * factor)
    # Relabel so that the sorted order of regions and industries changes too.
    region_map = {r: f"z{k:02d}" for k, r in enumerate(rng.permutation(sorted(data["region"].unique())))}
    industry_map = {i: f"q{k:02d}" for k, i in enumerate(rng.permutation(sorted(data["industry"].unique())))}
    shuffled = shuffled.assign(
        region=shuffled["region"].map(region_map), industry=shuffled["industry"].map(industry_map)
    )
    other = complexity(shuffled)
    a = base.to_frame().set_index(["region", "industry"])
    b = other.to_frame()
    b["region"] = b["region"].map({v: k for k, v in region_map.items()})
    b["industry"] = b["industry"].map({v: k for k, v in industry_map.items()})
    b = b.set_index(["region", "industry"]).loc[a.index]
    for column in ("rca", "mcp", "eci", "pci", "density", "coi", "cog"):
        np.testing.assert_allclose(a[column], b[column], atol=1e-8, rtol=1e-8, err_msg=column)


def test_proximity_matrix_measures_on_a_hand_example() -> None:
    # Industries x and y are both present in regions a and b; y also in c.
    # C_xy = 2, u_x = 2, u_y = 3: min conditional 2/3, Jaccard 2/(2+3-2) = 2/3, cosine 2/sqrt(6).
    mcp = pd.DataFrame({"x": [1, 1, 0], "y": [1, 1, 1]}, index=["a", "b", "c"])
    assert proximity_matrix(mcp).loc["x", "y"] == pytest.approx(2 / 3)
    assert proximity_matrix(mcp, measure="jaccard").loc["x", "y"] == pytest.approx(2 / 3)
    assert proximity_matrix(mcp, measure="cosine").loc["x", "y"] == pytest.approx(2 / np.sqrt(6))
    assert proximity_matrix(mcp, diagonal=0.0).loc["x", "x"] == 0.0
