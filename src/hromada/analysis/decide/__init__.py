"""Decide: transparent project prioritisation and an exactly optimised financing portfolio.

- :mod:`~hromada.analysis.decide.ahp`: criterion weights from pairwise comparisons, with a consistency check;
- :mod:`~hromada.analysis.decide.mcda`: TOPSIS, weighted sum and PROMETHEE II rankings with their full
  computation trace, and the agreement between rankings;
- :mod:`~hromada.analysis.decide.sensitivity`: how robust a ranking is to the weights (seeded Monte Carlo);
- :mod:`~hromada.analysis.decide.gates`: eligibility rules as data, with reasons for every failure;
- :mod:`~hromada.analysis.decide.portfolio`: which projects to fund from which sources in which years, solved
  as a mixed-integer programme and explained; :mod:`~hromada.analysis.decide.debt`: the borrowing rule.

Pure functions over labelled pandas/numpy data; see each function's ``Notes`` for the formula and its source.
"""

from hromada.analysis.decide.ahp import RANDOM_INDEX, AHPResult, ahp_weights, comparisons_from_pairs
from hromada.analysis.decide.debt import DebtRule, loan_schedule
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
    "DebtRule",
    "Gate",
    "GateOp",
    "GateResult",
    "PortfolioResult",
    "PreferenceFunction",
    "Ranking",
    "SensitivityResult",
    "Why",
    "ahp_weights",
    "apply_gates",
    "comparisons_from_pairs",
    "loan_schedule",
    "notice_text",
    "optimize_portfolio",
    "promethee_ii",
    "rank_agreement",
    "reason_text",
    "topsis",
    "weight_sensitivity",
    "weighted_sum",
]
