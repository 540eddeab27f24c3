"""Assessment: a damage, losses and needs ledger in RDNA terms, and resilience self-assessment scoring.

Pure functions over labelled pandas data; see each function's ``Notes`` for the definitions and sources. The
RDNA sector catalogue is in :mod:`hromada.data.rdna`, the shipped frameworks and their loader in
:mod:`hromada.data.framework_files`.
"""

from hromada.analysis.assessment.framework import (
    AssessmentScore,
    Dimension,
    Framework,
    Indicator,
    compare,
    score,
)
from hromada.analysis.assessment.ledger import (
    ENTRY_COLUMNS,
    OPTIONAL_COLUMNS,
    RATE_COLUMNS,
    REQUIRED_COLUMNS,
    UNSPECIFIED_TERM,
    LedgerRollup,
    convert,
    rollup,
    validate_entries,
)

__all__ = [
    "ENTRY_COLUMNS",
    "OPTIONAL_COLUMNS",
    "RATE_COLUMNS",
    "REQUIRED_COLUMNS",
    "UNSPECIFIED_TERM",
    "AssessmentScore",
    "Dimension",
    "Framework",
    "Indicator",
    "LedgerRollup",
    "compare",
    "convert",
    "rollup",
    "score",
    "validate_entries",
]
