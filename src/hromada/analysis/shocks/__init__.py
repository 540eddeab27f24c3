"""Shocks: how a blow to the local economy spreads and how fast it recovers.

The input-output table (:class:`IOTable`), static Leontief and Ghosh models (multipliers of type I and II,
hypothetical extraction, linkages), the adaptive regional input-output model ARIO on sparse flows with an
ensemble axis (:func:`simulate`), and Monte Carlo ensembles that run here or on Dask with the same numbers for
the same seed (:func:`run_ensemble`). Pure functions over labelled pandas/numpy data; see each ``Notes``.
"""

from hromada.analysis.shocks.ario import (
    ARIOParams,
    ARIORun,
    CapitalDestruction,
    DemandLoss,
    Event,
    LabourLoss,
    Outage,
    simulate,
)
from hromada.analysis.shocks.ensemble import (
    UNCERTAIN,
    EnsembleResult,
    Fixed,
    Triangular,
    Uniform,
    draw_members,
    run_ensemble,
)
from hromada.analysis.shocks.static import (
    Linkages,
    Multipliers,
    ghosh_inverse,
    hypothetical_extraction,
    leontief_inverse,
    linkages,
    multipliers,
    output_impact,
    supply_impact,
)
from hromada.analysis.shocks.table import IOTable, Money

__all__ = [
    "UNCERTAIN",
    "ARIOParams",
    "ARIORun",
    "CapitalDestruction",
    "DemandLoss",
    "EnsembleResult",
    "Event",
    "Fixed",
    "IOTable",
    "LabourLoss",
    "Linkages",
    "Money",
    "Multipliers",
    "Outage",
    "Triangular",
    "Uniform",
    "draw_members",
    "ghosh_inverse",
    "hypothetical_extraction",
    "leontief_inverse",
    "linkages",
    "multipliers",
    "output_impact",
    "run_ensemble",
    "simulate",
    "supply_impact",
]
