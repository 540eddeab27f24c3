"""From a project pipeline to the portfolio's inputs: schedules fitted to the plan, dependencies that cannot be
met, the sources' years, and the projects left out merged into the unfunded list."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from hromada.analysis.decide import (
    DependencyLinks,
    dependency_links,
    fit_schedule,
    optimize_portfolio,
    pipeline_years,
    portfolio_inputs,
    sources_for_years,
    unfunded,
)
from hromada.errors import ValidationError

PLAN = (2026, 2027, 2028)


def _pipeline(*rows: dict[str, Any]) -> pd.DataFrame:
    """Projects with every column the rules read; each row gives its key and what differs from the defaults."""
    defaults: dict[str, Any] = {
        "stage": "identification", "cost": 10.0, "start_year": 2026, "duration_years": 1, "sector": "education",
        "type": "rehabilitation", "cofinancing_share": 0.0, "depends_on": [], "excludes": [],
    }  # fmt: skip
    return pd.DataFrame([{**defaults, **row} for row in rows])


# -- schedules --------------------------------------------------------------------------------------------


def test_projects_within_the_plan_keep_their_years() -> None:
    fit = fit_schedule(_pipeline({"key": "a", "start_year": 2027, "duration_years": 2}), PLAN)
    assert fit.start == {"a": 2027} and fit.duration == {"a": 2}
    assert fit.moved == {} and fit.outside == {}


def test_a_project_ending_in_the_last_year_fits() -> None:
    fit = fit_schedule(_pipeline({"key": "a", "start_year": 2026, "duration_years": 3}), PLAN)
    assert fit.start == {"a": 2026} and fit.outside == {}


def test_an_early_start_is_moved_into_the_plan_with_a_note() -> None:
    fit = fit_schedule(_pipeline({"key": "a", "start_year": 2024, "duration_years": 2}), PLAN)
    assert fit.start == {"a": 2026} and fit.duration == {"a": 2}
    assert fit.moved == {"a": {"code": "moved_start", "start": 2024, "first": 2026}}
    assert fit.outside == {}


def test_a_project_running_past_the_plan_is_left_out() -> None:
    fit = fit_schedule(_pipeline({"key": "a", "start_year": 2028, "duration_years": 2}), PLAN)
    assert fit.start == {} and fit.moved == {}
    assert fit.outside == {"a": {"code": "runs_past", "until": 2029, "first": 2026, "last": 2028}}


def test_a_project_starting_after_the_plan_is_left_out() -> None:
    fit = fit_schedule(_pipeline({"key": "a", "start_year": 2031, "duration_years": 1}), PLAN)
    assert fit.outside == {"a": {"code": "runs_past", "until": 2031, "first": 2026, "last": 2028}}


def test_an_early_project_pushed_past_the_plan_by_the_move_is_left_out() -> None:
    # 2025-2028 fits the plan's end, but moved to 2026 it runs until 2029: the solver would have no year
    # for its last part, so it is left out rather than passed on.
    fit = fit_schedule(_pipeline({"key": "a", "start_year": 2025, "duration_years": 4}), PLAN)
    assert fit.start == {} and fit.moved == {}
    assert fit.outside == {"a": {"code": "runs_past", "until": 2029, "first": 2026, "last": 2028}}


def test_missing_start_and_duration_take_the_first_year_and_one_year() -> None:
    pipeline = _pipeline(
        {"key": "a", "start_year": None, "duration_years": None},
        {"key": "b", "start_year": np.nan, "duration_years": 0},
        {"key": "c", "start_year": "", "duration_years": "two"},
    )
    fit = fit_schedule(pipeline, PLAN)
    assert fit.start == {"a": 2026, "b": 2026, "c": 2026}
    assert fit.duration == {"a": 1, "b": 1, "c": 1}
    assert fit.moved == {} and fit.outside == {}


@pytest.mark.parametrize("years", [(), (2026, 2028), (2027, 2026)])
def test_planning_years_must_be_consecutive(years: tuple[int, ...]) -> None:
    with pytest.raises(ValidationError, match="consecutive"):
        fit_schedule(_pipeline({"key": "a"}), years)


def test_pipeline_years_span_the_projects_up_to_ten_years() -> None:
    pipeline = _pipeline(
        {"key": "a", "start_year": 2027, "duration_years": 2},
        {"key": "b", "start_year": 2026, "duration_years": None},
        {"key": "c", "start_year": None, "duration_years": 30},  # no start: does not widen the horizon
    )
    assert pipeline_years(pipeline) == (2026, 2027, 2028)
    long = _pipeline({"key": "a", "start_year": 2026, "duration_years": 25})
    assert pipeline_years(long) == tuple(range(2026, 2036))
    assert pipeline_years(long, max_years=3) == (2026, 2027, 2028)
    assert pipeline_years(_pipeline({"key": "a", "start_year": None})) == ()


# -- dependencies and alternatives -------------------------------------------------------------------------


def test_a_dependency_on_an_ineligible_project_blocks() -> None:
    pipeline = _pipeline({"key": "a", "depends_on": ["b"]}, {"key": "b"})
    links = dependency_links(pipeline, {"a"})  # b is not a candidate: it failed a gate
    assert links == DependencyLinks(
        blocked={"a": {"code": "needs_unfundable", "projects": ["b"]}}, dependencies=(), exclusions=()
    )


def test_a_dependency_on_a_completed_project_is_met() -> None:
    pipeline = _pipeline({"key": "a", "depends_on": ["b"]}, {"key": "b", "stage": "completed"})
    links = dependency_links(pipeline, {"a"})
    assert links.blocked == {} and links.dependencies == ()


def test_a_dependency_on_an_unknown_or_cancelled_project_blocks() -> None:
    pipeline = _pipeline({"key": "a", "depends_on": ["ghost", "b"]}, {"key": "b", "stage": "cancelled"})
    assert dependency_links(pipeline, {"a"}).blocked == {
        "a": {"code": "needs_unfundable", "projects": ["ghost", "b"]}
    }


def test_a_dependency_between_candidates_becomes_a_constraint() -> None:
    pipeline = _pipeline({"key": "a", "depends_on": ["b"]}, {"key": "b"})
    links = dependency_links(pipeline, {"a", "b"})
    assert links.blocked == {} and links.dependencies == (("a", "b"),)


def test_a_chain_falls_with_its_first_unmet_link() -> None:
    # a -> b -> c -> d, d ineligible: c misses d, b misses c, a misses b; e needs only a met link.
    pipeline = _pipeline(
        {"key": "a", "depends_on": ["b"]},
        {"key": "b", "depends_on": ["c"]},
        {"key": "c", "depends_on": ["d"]},
        {"key": "d"},
        {"key": "e", "depends_on": ["f"]},
        {"key": "f"},
    )
    links = dependency_links(pipeline, {"a", "b", "c", "e", "f"})
    assert links.blocked == {
        "a": {"code": "needs_unfundable", "projects": ["b"]},
        "b": {"code": "needs_unfundable", "projects": ["c"]},
        "c": {"code": "needs_unfundable", "projects": ["d"]},
    }
    assert links.dependencies == (("e", "f"),)


def test_only_the_missing_dependencies_are_named() -> None:
    pipeline = _pipeline({"key": "a", "depends_on": ["b", "c"]}, {"key": "b"}, {"key": "c"})
    links = dependency_links(pipeline, {"a", "b"})
    assert links.blocked == {"a": {"code": "needs_unfundable", "projects": ["c"]}}


def test_exclusions_are_kept_once_per_pair_among_the_remaining_candidates() -> None:
    pipeline = _pipeline(
        {"key": "b", "excludes": ["a"]},
        {"key": "a", "excludes": ["b", "c"]},
        {"key": "c", "depends_on": ["x"]},  # blocked, so its alternative pair goes too
        {"key": "x"},
    )
    links = dependency_links(pipeline, {"a", "b", "c"})
    assert links.exclusions == (("a", "b"),)
    assert set(links.blocked) == {"c"}


def test_missing_link_columns_mean_no_links() -> None:
    links = dependency_links(pd.DataFrame({"key": ["a", "b"]}), {"a", "b"})
    assert links == DependencyLinks(blocked={}, dependencies=(), exclusions=())
    none = pd.DataFrame({"key": ["a"], "depends_on": [None], "excludes": [np.nan]})
    assert dependency_links(none, {"a"}).blocked == {}


# -- the portfolio's inputs --------------------------------------------------------------------------------


def test_portfolio_inputs_fit_block_and_table_the_candidates() -> None:
    pipeline = _pipeline(
        {"key": "school", "cost": 40.0, "start_year": 2025, "duration_years": 2, "cofinancing_share": 0.1},
        {"key": "gym", "depends_on": ["school"], "excludes": ["pool"]},
        {"key": "pool", "excludes": ["gym"]},
        {"key": "bridge", "start_year": 2028, "duration_years": 2},  # runs past
        {"key": "ramp", "depends_on": ["bridge"]},  # needs a project left out for its schedule
        {"key": "clinic", "depends_on": ["lab"]},  # lab is not ranked (ineligible)
        {"key": "lab"},
        {"key": "old", "stage": "completed"},
    )
    priority = {"school": 0.9, "gym": 0.5, "pool": 0.6, "bridge": 0.8, "ramp": 0.3, "clinic": 0.7}
    inputs = portfolio_inputs(pipeline, priority, PLAN)
    assert inputs.years == PLAN
    assert inputs.projects.to_dict(orient="records") == [
        {"project_id": "school", "cost": 40.0, "start_year": 2026, "duration": 2, "sector": "education",
         "type": "rehabilitation", "min_cofinancing": 0.1, "score": 0.9},
        {"project_id": "gym", "cost": 10.0, "start_year": 2026, "duration": 1, "sector": "education",
         "type": "rehabilitation", "min_cofinancing": 0.0, "score": 0.5},
        {"project_id": "pool", "cost": 10.0, "start_year": 2026, "duration": 1, "sector": "education",
         "type": "rehabilitation", "min_cofinancing": 0.0, "score": 0.6},
    ]  # fmt: skip
    assert list(inputs.projects.index) == [0, 1, 2]
    assert inputs.dependencies == (("gym", "school"),)
    assert inputs.exclusions == (("gym", "pool"),)
    assert inputs.blocked == {
        "bridge": {"code": "runs_past", "until": 2029, "first": 2026, "last": 2028},
        "ramp": {"code": "needs_unfundable", "projects": ["bridge"]},
        "clinic": {"code": "needs_unfundable", "projects": ["lab"]},
    }
    assert inputs.moved == {"school": {"code": "moved_start", "start": 2025, "first": 2026}}


def test_portfolio_inputs_feed_the_optimiser() -> None:
    pipeline = _pipeline(
        {"key": "school", "cost": 40.0, "start_year": 2025, "duration_years": 2},
        {"key": "gym", "depends_on": ["school"]},
        {"key": "bridge", "start_year": 2028, "duration_years": 2},
    )
    inputs = portfolio_inputs(pipeline, {"school": 0.9, "gym": 0.5, "bridge": 0.8}, PLAN)
    sources = pd.DataFrame(
        {"source_id": ["city"], "kind": ["own_budget"], "eligible_sectors": [None], "eligible_types": ["*"],
         "amount_2025": [99.0], "amount_2026": [100.0], "amount_2027": [100.0]}
    )  # fmt: skip
    result = optimize_portfolio(
        inputs.projects,
        sources_for_years(sources, inputs.years),
        years=inputs.years,
        dependencies=inputs.dependencies,
        exclusions=inputs.exclusions,
    )
    assert result.selected_ids == ["school", "gym"]
    table = unfunded(result.gap, inputs.blocked, {"bridge": 0.8}, {"bridge": 10.0})
    assert table.index.tolist() == ["bridge"] and table["why"].iloc[0]["code"] == "runs_past"


def test_only_ranked_projects_are_candidates() -> None:
    pipeline = _pipeline({"key": "a"}, {"key": "b"})
    inputs = portfolio_inputs(pipeline, {"b": 0.4}, PLAN)
    assert inputs.projects["project_id"].tolist() == ["b"] and inputs.blocked == {}


def test_nothing_fits_leaves_an_empty_table_and_the_reasons() -> None:
    pipeline = _pipeline({"key": "a", "start_year": 2030})
    inputs = portfolio_inputs(pipeline, {"a": 1.0}, PLAN)
    assert inputs.projects.empty and list(inputs.projects.columns) == [
        "project_id", "cost", "start_year", "duration", "sector", "type", "min_cofinancing", "score",
    ]  # fmt: skip
    assert inputs.blocked["a"]["code"] == "runs_past"


# -- sources and the unfunded list -------------------------------------------------------------------------


def test_sources_keep_the_planning_years_only() -> None:
    sources = pd.DataFrame(
        {"source_id": ["eu", "city"], "eligible_sectors": ["education; health", None],
         "eligible_types": [None, "rehabilitation"], "amount_2025": [1.0, 2.0], "amount_2027": [3.0, 4.0]}
    )  # fmt: skip
    out = sources_for_years(sources, PLAN)
    assert sorted(c for c in out.columns if c.startswith("amount_")) == [
        "amount_2026", "amount_2027", "amount_2028",
    ]  # fmt: skip
    assert out["amount_2026"].tolist() == [0.0, 0.0] and out["amount_2027"].tolist() == [3.0, 4.0]
    assert out["eligible_sectors"].tolist() == ["education, health", "*"]
    assert out["eligible_types"].tolist() == ["*", "rehabilitation"]
    assert "amount_2025" in sources.columns  # the input is not changed


def test_unfunded_merges_blocked_projects_by_priority() -> None:
    gap = pd.DataFrame(
        {"priority": [0.8, 0.5], "cost": [10.0, 20.0], "reason": ["r", "r"],
         "why": [{"code": "outranked", "full": []}, {"code": "needs", "projects": ["x"]}]},
        index=pd.Index(["p1", "p2"], name="project_id"),
    )  # fmt: skip
    blocked: dict[str, dict[str, Any]] = {
        "z": {"code": "runs_past"},
        "b": {"code": "needs_unfundable", "projects": ["q"]},
    }
    table = unfunded(gap, blocked, {"z": 0.5, "b": 0.9}, {"z": 5.0, "b": 7.0})
    assert table.index.tolist() == ["b", "p1", "p2", "z"]  # ties keep the solver's order, then by key
    assert list(table.columns) == ["priority", "cost", "why"]
    assert table["cost"].sum() == pytest.approx(42.0)


def test_unfunded_of_nothing_is_empty() -> None:
    empty = pd.DataFrame(columns=["priority", "cost", "reason", "why"])
    table = unfunded(empty, {}, {}, {})
    assert table.empty and list(table.columns) == ["priority", "cost", "why"]
