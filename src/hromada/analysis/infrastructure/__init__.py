"""Critical municipal infrastructure as a dependency system: cascades, criticality and restoration.

Water pumps need power, boiler houses need power and water, hospitals and shelters need all of them.
:class:`Network` is the one validated representation (assets, dependencies in k-of-n redundancy groups,
backup autonomy); :func:`cascade` follows failures through it hour by hour, :func:`criticality` ranks
assets (and pairs) by the people their failure cuts off, and :func:`restoration_plan` sequences repairs by
crews under a budget. Pure functions over pandas/numpy data; see each function's ``Notes``.
"""

from hromada.analysis.infrastructure.cascade import CascadeResult, cascade
from hromada.analysis.infrastructure.criticality import CriticalityResult, criticality
from hromada.analysis.infrastructure.network import (
    ASSET_TYPES,
    DEFAULT_REPAIR_DAYS,
    DEFAULT_SERVICE,
    SERVICES,
    STATUSES,
    AssetType,
    DependencyArrays,
    Network,
    Service,
    Status,
)
from hromada.analysis.infrastructure.restoration import MAX_EXACT_DAMAGED, RestorationPlan, restoration_plan

__all__ = [
    "ASSET_TYPES",
    "DEFAULT_REPAIR_DAYS",
    "DEFAULT_SERVICE",
    "MAX_EXACT_DAMAGED",
    "SERVICES",
    "STATUSES",
    "AssetType",
    "CascadeResult",
    "CriticalityResult",
    "DependencyArrays",
    "Network",
    "RestorationPlan",
    "Service",
    "Status",
    "cascade",
    "criticality",
    "restoration_plan",
]
