"""New potentials, specialisation-growth quadrants and bootstrap stability.

Opportunities are checked against the complexity result they are built from (candidates, scores, related
industries recomputed here); quadrants against a hand-computed 3-region x 4-industry panel.
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import numpy as np
import pandas as pd
import pytest

from hromada.analysis.economy.complexity import ComplexityResult, complexity
from hromada.analysis.economy.opportunities import (
    OPPORTUNITY_COLUMNS,
    QUADRANT_COLUMNS,
    OpportunityTable,
    bootstrap_stability,
    opportunities,
    quadrants,
)
from hromada.analysis.economy.panel import Panel, to_panel
from hromada.data.synthetic import generate_panel
from hromada.errors import ValidationError


# ------------------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """Synthetic national panel, NACE divisions, three years (1,470 x 88)."""
    panel = generate_panel(level="division", years=(2019, 2021, 2023))
    return panel.employment.rename(columns={"region_code": "region", "sector_code": "industry"})


@pytest.fixture(scope="module")
def result(frame: pd.DataFrame) -> ComplexityResult:
    return complexity(frame)


@pytest.fixture(scope="module")
def region(result: ComplexityResult) -> str:
    """A region with a handful of present industries (so some candidates have zero-proximity neighbours)."""
    present = result.mcp[-1].sum(axis=1)
    return str(result.regions[int(np.flatnonzero((present >= 5) & (present <= 15))[0])])


@pytest.fixture(scope="module")
def table(result: ComplexityResult, region: str) -> OpportunityTable:
    return opportunities(result, region)


@pytest.fixture(scope="module")
def small_panel(frame: pd.DataFrame) -> Panel:
    """Every fifth region of the synthetic panel (294 regions): small enough for a fast bootstrap."""
    regions = sorted(frame["region"].astype(str).unique())[::5]
    subset = frame[frame["region"].astype(str).isin(regions)]
    return to_panel(subset.astype({"region": str, "industry": str}))


# ------------------------------------------------------------------------------------------ opportunities
def test_candidates_are_the_active_industries_not_present(
    result: ComplexityResult, region: str, table: OpportunityTable
) -> None:
    r = result.panel.region_position(region)
    expected = result.industries[(result.mcp[-1, r] == 0) & result.active_industries[-1]]
    assert set(table.table["industry"]) == set(expected.astype(str))
    assert len(table.table) == len(expected)
    assert list(table.table.columns) == list(OPPORTUNITY_COLUMNS)
    assert table.region == region
    assert table.year == 2023
    assert table.table["rank"].tolist() == list(range(1, len(expected) + 1))
    assert table.table["score"].is_monotonic_decreasing
    assert dataclasses.is_dataclass(table)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cast(Any, table).year = 2020  # frozen: the assignment must fail at run time


def test_columns_come_from_the_complexity_result(
    result: ComplexityResult, region: str, table: OpportunityTable
) -> None:
    r = result.panel.region_position(region)
    i = result.industries.get_indexer(pd.Index(table.table["industry"]))
    np.testing.assert_allclose(table.table["density"], result.density[-1, r, i])
    np.testing.assert_allclose(table.table["cog"], result.cog[-1, r, i])
    np.testing.assert_allclose(table.table["pci"], result.pci[-1, i])
    np.testing.assert_allclose(table.table["rca"], result.rca[-1, r, i])
    np.testing.assert_allclose(table.table["value"], result.panel.values[-1, r, i])
    assert (table.table["rca"] < 1).all()
    national_now = result.panel.values[-1].sum(axis=0)[i]
    national_then = result.panel.values[0].sum(axis=0)[i]
    np.testing.assert_allclose(table.table["national_value"], national_now)
    np.testing.assert_allclose(table.table["national_growth"], (national_now / national_then) ** (1 / 4) - 1)


def test_score_is_the_weighted_sum_of_percentile_ranks(table: OpportunityTable) -> None:
    assert table.weights == pytest.approx({"density": 0.5, "cog": 0.3, "pci": 0.2})
    ranks = table.table[["density", "cog", "pci"]].rank(pct=True).fillna(0.0)
    expected = 0.5 * ranks["density"] + 0.3 * ranks["cog"] + 0.2 * ranks["pci"]
    np.testing.assert_allclose(table.table["score"], expected)
    assert table.table["score"].between(0, 1).all()


def test_weights_are_normalised_and_density_alone_sorts_by_density(
    result: ComplexityResult, region: str
) -> None:
    by_density = opportunities(result, region, weights={"density": 1})
    assert by_density.weights == {"density": 1.0, "cog": 0.0, "pci": 0.0}
    assert by_density.table["density"].is_monotonic_decreasing
    doubled = opportunities(result, region, weights={"density": 1.0, "cog": 0.6, "pci": 0.4})
    assert doubled.weights == pytest.approx({"density": 0.5, "cog": 0.3, "pci": 0.2})


def test_related_are_the_closest_present_industries(
    result: ComplexityResult, region: str, table: OpportunityTable
) -> None:
    r = result.panel.region_position(region)
    present = result.mcp[-1, r] == 1
    present_labels = set(result.industries[present].astype(str))
    related = table.related
    assert list(related.columns) == ["industry", "related_industry", "proximity"]
    assert set(related["related_industry"]) <= present_labels
    assert (related["proximity"] > 0).all()
    assert related.groupby("industry").size().max() <= 3
    assert list(pd.unique(related["industry"])) == [
        c for c in table.table["industry"] if c in set(related["industry"])
    ]
    phi = result.proximity[-1]
    for candidate, rows in related.groupby("industry", sort=False):
        c = result.industries.get_loc(candidate)
        chosen = result.industries.get_indexer(pd.Index(rows["related_industry"]))
        np.testing.assert_allclose(rows["proximity"], phi[c, chosen])
        assert rows["proximity"].is_monotonic_decreasing
        others = np.setdiff1d(np.flatnonzero(present), chosen)
        if len(rows) == 3 and others.size:
            assert rows["proximity"].min() >= phi[c, others].max()
        else:  # fewer than 3 listed: every other present industry has proximity 0
            assert (phi[c, others] == 0).all()


def test_why_names_the_related_industries_and_the_growth(table: OpportunityTable) -> None:
    first = table.table.iloc[0]
    rows = table.related[table.related["industry"] == first["industry"]]
    why = str(first["why"])
    assert why.startswith(f"Related to {len(rows)} industr")
    for label, value in zip(rows["related_industry"], rows["proximity"], strict=True):
        assert str(label) in why
        assert f"{value:.2f}" in why or value < 0.005
    growth = float(first["national_growth"])
    assert f"{abs(growth):.1%} a year from 2019 to 2023" in why
    assert ("grew" if growth >= 0 else "shrank") in why


def test_year_growth_from_and_related_options(result: ComplexityResult, region: str) -> None:
    same = opportunities(result, region, year=2021, growth_from=2021, related=0)
    assert same.year == 2021
    assert same.table["national_growth"].isna().all()
    assert same.related.empty
    assert (same.table["why"] == "").all()
    r = result.panel.region_position(region)
    assert len(same.table) == int(((result.mcp[1, r] == 0) & result.active_industries[1]).sum())
    one = opportunities(result, region, related=1)
    assert one.related.groupby("industry").size().max() == 1


def test_opportunity_validation(result: ComplexityResult, region: str) -> None:
    with pytest.raises(ValidationError, match="`region`"):
        opportunities(result, "UA00000000000000000")
    with pytest.raises(ValidationError, match="`year`"):
        opportunities(result, region, year=2020)
    with pytest.raises(ValidationError, match="`growth_from` must not be after"):
        opportunities(result, region, year=2021, growth_from=2023)
    with pytest.raises(ValidationError, match="`weights` keys must be among"):
        opportunities(result, region, weights={"density": 1, "eci": 1})
    with pytest.raises(ValidationError, match=r"`weights\['cog'\]` must be a finite number >= 0"):
        opportunities(result, region, weights={"density": 1, "cog": -0.5})
    with pytest.raises(ValidationError, match="`weights` must sum to more than 0"):
        opportunities(result, region, weights={"density": 0})
    with pytest.raises(ValidationError, match="`related` must be an integer >= 0"):
        opportunities(result, region, related=-1)


def test_region_inactive_in_the_year_is_refused() -> None:
    rows: list[tuple[int, str, str, float]] = []
    for year in (2020, 2021):
        for code, amounts in {"A": (5, 1, 1), "B": (1, 5, 1), "C": (1, 1, 5), "D": (2, 2, 1)}.items():
            if code == "D" and year == 2020:
                continue  # D has no data in 2020
            rows += [(year, code, industry, a) for industry, a in zip("xyz", amounts, strict=True)]
    small = complexity(pd.DataFrame(rows, columns=["year", "region", "industry", "value"]))
    assert len(opportunities(small, "D", year=2021).table) > 0
    with pytest.raises(ValidationError, match="'D' has no value in 2020"):
        opportunities(small, "D", year=2020)


# ---------------------------------------------------------------------------------------------- quadrants
# Three regions, four industries, two years (totals 125/100/95 in 2020, 100 each in 2023).
#
#            2020: i1  i2  i3  i4     2023: i1  i2  i3  i4
#   A              20   5  60  40           40  10  30  20
#   B              10  50  10   0           10  50   5  35    (i4 new in B)
#   C              10  45  10  40           10  40  15  35
#   all            40 100  80  80           60 100  50  90    (total 300 in 2023)
#
# A in 2023, peers = all: LQ = (x_i / 100) / (P_i / 300) = 0.4/0.2 = 2, 0.1/(1/3) = 0.3, 0.3/(1/6) = 1.8,
# 0.2/0.3 = 2/3. Growth of A: 40/20-1 = 1, 10/5-1 = 1, 30/60-1 = -0.5, 20/40-1 = -0.5. Growth of all:
# 60/40-1 = 0.5, 0, 50/80-1 = -0.375, 90/80-1 = 0.125. Relative growth: 0.5, 1, -0.125, -0.625, so
# i1 strength, i2 opportunity, i3 threat, i4 weakness.
HAND = {
    2020: {"A": (20, 5, 60, 40), "B": (10, 50, 10, 0), "C": (10, 45, 10, 40)},
    2023: {"A": (40, 10, 30, 20), "B": (10, 50, 5, 35), "C": (10, 40, 15, 35)},
}


@pytest.fixture(scope="module")
def hand() -> Panel:
    rows = [
        (year, code, industry, value)
        for year, regions in HAND.items()
        for code, values in regions.items()
        for industry, value in zip(("i1", "i2", "i3", "i4"), values, strict=True)
    ]
    return to_panel(pd.DataFrame(rows, columns=["year", "region", "industry", "value"]))


def by_industry(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("industry").sort_index()


def test_quadrants_by_hand(hand: Panel) -> None:
    result = quadrants(hand, "A")
    assert (result.region, result.base_year, result.year, result.peers) == ("A", 2020, 2023, ("A", "B", "C"))
    assert list(result.table.columns) == list(QUADRANT_COLUMNS)
    assert result.table["value"].tolist() == [40, 30, 20, 10]  # largest first
    t = by_industry(result.table)
    assert t["quadrant"].tolist() == ["strength", "opportunity", "threat", "weakness"]
    np.testing.assert_allclose(t["share"], [0.4, 0.1, 0.3, 0.2])
    np.testing.assert_allclose(t["lq"], [2.0, 0.3, 1.8, 2 / 3])
    np.testing.assert_allclose(t["growth"], [1.0, 1.0, -0.5, -0.5])
    np.testing.assert_allclose(t["peer_growth"], [0.5, 0.0, -0.375, 0.125])
    np.testing.assert_allclose(t["relative_growth"], [0.5, 1.0, -0.125, -0.625])
    assert not t["new"].any()


def test_quadrants_new_industry(hand: Panel) -> None:
    # B in 2023: LQ = 0.1/0.2 = 0.5, 0.5/(1/3) = 1.5, 0.05/(1/6) = 0.3, 0.35/0.3 = 7/6.
    # Growth of B: 0, 0, -0.5, new (base 0); relative: -0.5, 0 (counts as not losing), -0.125, new.
    t = by_industry(quadrants(hand, "B").table)
    assert t["new"].tolist() == [False, False, False, True]
    assert t.loc["i4", ["growth", "relative_growth"]].isna().all()
    assert t.loc["i4", "peer_growth"] == pytest.approx(0.125)
    np.testing.assert_allclose(t["lq"], [0.5, 1.5, 0.3, 7 / 6])
    assert t["quadrant"].tolist() == ["weakness", "strength", "weakness", "strength"]


def test_quadrants_with_a_peer_subset(hand: Panel) -> None:
    # Group {A, B}: 2023 totals 50, 60, 35, 55 (200); 2020 totals 30, 55, 70, 40.
    # LQ of A = 0.4/0.25 = 1.6, 0.1/0.3 = 1/3, 0.3/0.175 = 12/7, 0.2/0.275 = 8/11.
    # Peer growth = 50/30-1 = 2/3, 60/55-1 = 1/11, 35/70-1 = -0.5, 55/40-1 = 0.375.
    # Relative = 1/3, 10/11, 0 (A shrank exactly as fast as the group: not losing ground), -0.875.
    result = quadrants(hand, "A", peers=["B"])
    assert result.peers == ("A", "B")
    t = by_industry(result.table)
    np.testing.assert_allclose(t["lq"], [1.6, 1 / 3, 12 / 7, 8 / 11])
    np.testing.assert_allclose(t["peer_growth"], [2 / 3, 1 / 11, -0.5, 0.375])
    np.testing.assert_allclose(t["relative_growth"], [1 / 3, 10 / 11, 0.0, -0.875], atol=1e-12)
    assert t["quadrant"].tolist() == ["strength", "opportunity", "strength", "weakness"]
    assert quadrants(hand, "A", peers=["A", "B", "C"]).table.equals(quadrants(hand, "A").table)


def test_quadrants_validation(hand: Panel) -> None:
    with pytest.raises(ValidationError, match="`base_year` must be before `year`"):
        quadrants(hand, "A", base_year=2023, year=2020)
    with pytest.raises(ValidationError, match="`base_year` must be before `year`"):
        quadrants(hand, "A", base_year=2023)
    with pytest.raises(ValidationError, match="`year`"):
        quadrants(hand, "A", year=2022)
    with pytest.raises(ValidationError, match="`region`"):
        quadrants(hand, "Z")
    with pytest.raises(ValidationError, match="`peers` must be regions of the panel"):
        quadrants(hand, "A", peers=["B", "Z"])
    with pytest.raises(ValidationError, match="`peers` must be a sequence"):
        quadrants(hand, "A", peers="B")


# ---------------------------------------------------------------------------------------------- bootstrap
@pytest.fixture(scope="module")
def stability(small_panel: Panel) -> Any:
    region = str(small_panel.regions[3])
    return bootstrap_stability(small_panel, region, top=10, draws=8, seed=42)


def test_bootstrap_is_reproducible_and_bounded(small_panel: Panel, stability: Any) -> None:
    region = str(small_panel.regions[3])
    again = bootstrap_stability(small_panel, region, top=10, draws=8, seed=42)
    assert again.top_k == stability.top_k
    pd.testing.assert_series_equal(again.frequency, stability.frequency)
    assert again.mean_jaccard == stability.mean_jaccard
    assert (stability.draws, stability.seed, stability.region, stability.year) == (8, 42, region, 2023)
    assert len(stability.top_k) == 10
    assert stability.frequency.index.tolist() == list(stability.top_k)
    assert stability.frequency.between(0, 1).all()
    assert np.allclose(stability.frequency * 8, np.round(stability.frequency * 8))
    assert 0 <= stability.mean_jaccard <= 1


def test_bootstrap_full_list_matches_opportunities(small_panel: Panel, stability: Any) -> None:
    full = opportunities(complexity(small_panel), str(small_panel.regions[3]))
    assert stability.top_k == tuple(full.table["industry"].iloc[:10])


def test_bootstrap_with_a_generator_and_validation(small_panel: Panel) -> None:
    region = str(small_panel.regions[3])
    result = bootstrap_stability(small_panel, region, top=5, draws=2, seed=np.random.default_rng(1))
    assert result.seed is None
    assert result.draws == 2
    with pytest.raises(ValidationError, match="`draws` must be an integer >= 1"):
        bootstrap_stability(small_panel, region, draws=0)
    with pytest.raises(ValidationError, match="`top` must be an integer >= 1"):
        bootstrap_stability(small_panel, region, top=0)
    with pytest.raises(ValidationError, match="`region`"):
        bootstrap_stability(small_panel, "nowhere", draws=1)
    with pytest.raises(ValidationError, match="`weights` keys"):
        bootstrap_stability(small_panel, region, draws=1, weights={"eci": 1})
