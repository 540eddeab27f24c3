"""Decide: transparent project prioritisation and an exactly optimised financing portfolio.

- :mod:`~hromada.analysis.decide.ahp`: criterion weights from pairwise comparisons, with a consistency check;
- :mod:`~hromada.analysis.decide.mcda`: TOPSIS, weighted sum and PROMETHEE II rankings with their full
  computation trace, and the agreement between rankings;
- :mod:`~hromada.analysis.decide.sensitivity`: how robust a ranking is to the weights (seeded Monte Carlo);
- :mod:`~hromada.analysis.decide.gates`: eligibility rules as data, with reasons for every failure;
- :mod:`~hromada.analysis.decide.portfolio`: which projects to fund from which sources in which years, solved
  as a mixed-integer programme and explained; :mod:`~hromada.analysis.decide.debt`: the borrowing rule and a
  portfolio's debt check;
- :mod:`~hromada.analysis.decide.pipeline`: from a project pipeline to the portfolio's inputs: schedules
  fitted to the planning years, dependencies that cannot be met, and the projects left out before solving.

Pure functions over labelled pandas/numpy data; see each function's ``Notes`` for the formula and its source.
"""

from hromada.analysis.decide.ahp import RANDOM_INDEX, AHPResult, ahp_weights, comparisons_from_pairs
from hromada.analysis.decide.debt import DebtCheck, DebtRule, check_debt, loan_schedule
from hromada.analysis.decide.gates import DEFAULT_GATES, Gate, GateOp, GateResult, apply_gates
from hromada.analysis.decide.mcda import (
    PROMETHEE_MAX_ALTERNATIVES,
    PreferenceFunction,
    Ranking,
    promethee_ii,
    rank_agreement,
    topsis,
    weighted_sum,
)
from hromada.analysis.decide.pipeline import (
    DependencyLinks,
    PortfolioInputs,
    ScheduleFit,
    dependency_links,
    fit_schedule,
    pipeline_years,
    portfolio_inputs,
    sources_for_years,
    unfunded,
)
from hromada.analysis.decide.portfolio import (
    FUNDING_PREFERENCE,
    SOURCE_KINDS,
    PortfolioResult,
    Why,
    notice_text,
    optimize_portfolio,
    reason_text,
)
from hromada.analysis.decide.sensitivity import SensitivityResult, weight_sensitivity

__all__ = [
    "DEFAULT_GATES",
    "FUNDING_PREFERENCE",
    "PROMETHEE_MAX_ALTERNATIVES",
    "RANDOM_INDEX",
    "SOURCE_KINDS",
    "AHPResult",
    "DebtCheck",
    "DebtRule",
    "DependencyLinks",
    "Gate",
    "GateOp",
    "GateResult",
    "PortfolioInputs",
    "PortfolioResult",
    "PreferenceFunction",
    "Ranking",
    "ScheduleFit",
    "SensitivityResult",
    "Why",
    "ahp_weights",
    "apply_gates",
    "check_debt",
    "comparisons_from_pairs",
    "dependency_links",
    "fit_schedule",
    "loan_schedule",
    "notice_text",
    "optimize_portfolio",
    "pipeline_years",
    "portfolio_inputs",
    "promethee_ii",
    "rank_agreement",
    "reason_text",
    "sources_for_years",
    "topsis",
    "unfunded",
    "weight_sensitivity",
    "weighted_sum",
]
