"""Economy: sector structure, concentration, specialisation, shift-share, complexity and relatedness.

Pure functions over labelled pandas/numpy data; see each function's ``Notes`` for the formula and its source.
"""

from hromada.analysis.economy.complexity import (
    OUTPUT_COLUMNS,
    ComplexityResult,
    complexity,
    external_proximity,
    proximity_matrix,
)
from hromada.analysis.economy.opportunities import (
    DEFAULT_WEIGHTS,
    OpportunityTable,
    QuadrantTable,
    StabilityResult,
    bootstrap_stability,
    opportunities,
    quadrants,
)
from hromada.analysis.economy.panel import COLUMNS, Panel, to_panel
from hromada.analysis.economy.presets import PRESETS, ComplexityPreset, get_preset
from hromada.analysis.economy.shift_share import ShiftShareResult, dynamic_shift_share, shift_share
from hromada.analysis.economy.structure import (
    balassa_rca,
    gini_localisation,
    herfindahl,
    hoover_localisation,
    krugman_specialisation,
    location_quotient,
    shannon_entropy,
    variety,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_WEIGHTS",
    "OUTPUT_COLUMNS",
    "PRESETS",
    "ComplexityPreset",
    "ComplexityResult",
    "OpportunityTable",
    "Panel",
    "QuadrantTable",
    "ShiftShareResult",
    "StabilityResult",
    "balassa_rca",
    "bootstrap_stability",
    "complexity",
    "dynamic_shift_share",
    "external_proximity",
    "get_preset",
    "gini_localisation",
    "herfindahl",
    "hoover_localisation",
    "krugman_specialisation",
    "location_quotient",
    "opportunities",
    "proximity_matrix",
    "quadrants",
    "shannon_entropy",
    "shift_share",
    "to_panel",
    "variety",
]
