"""The one validated representation of a municipality's critical infrastructure as a dependency system.

A :class:`Network` holds assets (substations, pumps, boiler houses, hospitals, shelters ...) and the
dependencies between them (a pump needs power, a boiler house needs power and water, a hospital needs all of
them). Dependencies of one consumer are collected in *redundancy groups*: a group of ``n`` suppliers of which
``k`` must function (k-of-n). A dependency given without a group label is a group of its own (``n = k = 1``),
so by default every listed supplier is required; several suppliers listed under the same ``group`` label of a
consumer form one group that by default needs one of them (``k = 1``: redundant feeders).

Build a network with :meth:`Network.from_tables` (or :meth:`Network.from_networkx`); every analysis of
:mod:`hromada.analysis.infrastructure` reads its cached integer views (:class:`DependencyArrays`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final, Literal, get_args

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd

from hromada.errors import ValidationError

__all__ = [
    "ASSET_TYPES",
    "DEFAULT_REPAIR_DAYS",
    "DEFAULT_SERVICE",
    "SERVICES",
    "STATUSES",
    "AssetType",
    "DependencyArrays",
    "Network",
    "Service",
    "Status",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

AssetType = Literal[
    "substation",
    "power_line",
    "generator_plant",
    "boiler_house",
    "heating_network",
    "water_pumping",
    "water_treatment",
    "sewage_pumping",
    "hospital",
    "clinic",
    "school",
    "kindergarten",
    "shelter",
    "administration",
    "bridge",
    "road_segment",
    "telecom_node",
    "fuel_depot",
    "other",
]
Service = Literal[
    "electricity",
    "water",
    "heating",
    "sanitation",
    "health",
    "education",
    "shelter",
    "transport",
    "telecom",
    "administration",
]
Status = Literal["operational", "damaged", "destroyed"]

ASSET_TYPES: Final[tuple[str, ...]] = get_args(AssetType)
SERVICES: Final[tuple[str, ...]] = get_args(Service)
STATUSES: Final[tuple[str, ...]] = get_args(Status)

#: The service an asset type provides when the ``service`` column leaves it open (None: must be given when
#: the asset serves people).
DEFAULT_SERVICE: Final[Mapping[str, str | None]] = {
    "substation": "electricity",
    "power_line": "electricity",
    "generator_plant": "electricity",
    "boiler_house": "heating",
    "heating_network": "heating",
    "water_pumping": "water",
    "water_treatment": "water",
    "sewage_pumping": "sanitation",
    "hospital": "health",
    "clinic": "health",
    "school": "education",
    "kindergarten": "education",
    "shelter": "shelter",
    "administration": "administration",
    "bridge": "transport",
    "road_segment": "transport",
    "telecom_node": "telecom",
    "fuel_depot": "transport",
    "other": None,
}

#: Planning defaults for the repair time of an asset type, in days (used where ``repair_days`` is missing).
DEFAULT_REPAIR_DAYS: Final[Mapping[str, float]] = {
    "substation": 14.0,
    "power_line": 3.0,
    "generator_plant": 60.0,
    "boiler_house": 30.0,
    "heating_network": 10.0,
    "water_pumping": 7.0,
    "water_treatment": 30.0,
    "sewage_pumping": 7.0,
    "hospital": 90.0,
    "clinic": 30.0,
    "school": 60.0,
    "kindergarten": 45.0,
    "shelter": 14.0,
    "administration": 30.0,
    "bridge": 60.0,
    "road_segment": 5.0,
    "telecom_node": 3.0,
    "fuel_depot": 14.0,
    "other": 14.0,
}

_DEFAULT_KIND: Final[Mapping[str | None, str]] = {
    "electricity": "power",
    "water": "water",
    "heating": "heat",
    "sanitation": "sanitation",
    "transport": "access",
    "telecom": "telecom",
}

_ASSET_NUMBERS: Final = ("population_served", "capacity", "replacement_cost", "repair_days", "repair_cost")
_ASSET_COLUMNS: Final = ("type", "name", "service", *_ASSET_NUMBERS, "backup_hours", "status")
_DEP_COLUMNS: Final = ("supplier", "consumer", "kind", "group", "required")


def as_number(value: object) -> float | None:
    """``value`` as a float if it is a real number (not a bool), else None."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer | np.floating):
        return None
    return float(value)


def _readonly(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class DependencyArrays:
    """Integer (CSR) views of a network's dependencies; positions follow ``Network.asset_ids``.

    Redundancy groups are numbered so that the groups of one consumer are consecutive, and the dependencies
    (edges) are stored once ordered by group and once ordered by supplier.

    Attributes
    ----------
    n_assets, n_groups, n_edges
        Numbers of assets, redundancy groups and dependencies.
    supplier_ptr, supplier_groups
        CSR by supplier: the groups that asset ``i`` supplies are
        ``supplier_groups[supplier_ptr[i]:supplier_ptr[i + 1]]`` (one entry per dependency).
    group_consumer
        The consumer of each group.
    group_n, group_k
        Suppliers listed in each group, and how many of them must function.
    group_threshold
        ``n - k + 1``: the number of suppliers down at which the group fails.
    group_ptr, group_suppliers
        CSR by group: the suppliers of group ``g`` are ``group_suppliers[group_ptr[g]:group_ptr[g + 1]]``.
    consumer_ptr
        The groups of consumer ``i`` are ``consumer_ptr[i] ... consumer_ptr[i + 1] - 1``; its suppliers,
        over all its groups, are ``group_suppliers[group_ptr[consumer_ptr[i]]:group_ptr[consumer_ptr[i + 1]]]``.
    population, backup_hours, repair_days, cost
        Per asset: ``population_served``, ``backup_hours``, ``repair_days`` and the repair cost
        (``repair_cost``, else ``replacement_cost``, else 0).
    service_code
        Position of each asset's service in :data:`SERVICES`; ``len(SERVICES)`` where it has none.
    """

    n_assets: int
    n_groups: int
    n_edges: int
    supplier_ptr: IntArray
    supplier_groups: IntArray
    group_consumer: IntArray
    group_n: IntArray
    group_k: IntArray
    group_threshold: IntArray
    group_ptr: IntArray
    group_suppliers: IntArray
    consumer_ptr: IntArray
    population: FloatArray
    backup_hours: FloatArray
    repair_days: FloatArray
    cost: FloatArray
    service_code: IntArray

    def consumers_of(self, i: int) -> IntArray:
        """The assets that depend directly on asset position ``i``."""
        groups = self.supplier_groups[self.supplier_ptr[i] : self.supplier_ptr[i + 1]]
        return self.group_consumer[groups]

    def suppliers_of(self, i: int) -> IntArray:
        """The assets that asset position ``i`` depends on directly (over all its groups)."""
        lo = self.group_ptr[self.consumer_ptr[i]]
        hi = self.group_ptr[self.consumer_ptr[i + 1]]
        return self.group_suppliers[lo:hi]


# ------------------------------------------------------------------------------------------- validation
def _where(frame: pd.DataFrame, pos: int, table: str) -> str:
    label = frame.index[pos]
    if table == "assets" and "asset_id" in frame.columns:
        return f"row {label!r} (asset {frame['asset_id'].iloc[pos]!r})"
    if table == "dependencies":
        supplier, consumer = frame["supplier"].iloc[pos], frame["consumer"].iloc[pos]
        return f"row {label!r} ({supplier!r} -> {consumer!r})"
    return f"row {label!r}"


def _fail(frame: pd.DataFrame, mask: BoolArray, table: str, column: str, expected: str) -> None:
    if mask.any():
        pos = int(np.flatnonzero(mask)[0])
        value = frame[column].iloc[pos]
        if isinstance(value, np.generic):
            value = value.item()
        raise ValidationError(
            f"`{table}.{column}` must be {expected}; got {value!r} in {_where(frame, pos, table)}"
        )


def _blank(value: object) -> bool:
    """NaN, None, pandas' missing markers and blank strings count as missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return isinstance(value, str) and not value.strip()


def _missing(values: pd.Series[Any]) -> BoolArray:
    if pd.api.types.is_numeric_dtype(values.dtype):
        return np.asarray(values.isna().to_numpy(dtype=bool), dtype=bool)
    return np.fromiter((_blank(v) for v in values.tolist()), dtype=bool, count=len(values))


def _text(
    frame: pd.DataFrame, column: str, table: str, allowed: tuple[str, ...] | None = None
) -> list[str | None]:
    """A text column with missing values as None (stripped); checked against ``allowed`` if given."""
    if column not in frame.columns:
        return [None] * len(frame)
    items = frame[column].tolist()
    out: list[str | None] = [None if _blank(v) else (v.strip() if isinstance(v, str) else v) for v in items]
    if allowed is None:
        not_text = np.fromiter(
            (v is not None and not isinstance(v, str) for v in out), dtype=bool, count=len(out)
        )
        _fail(frame, not_text, table, column, "text")
    else:
        allowed_set = set(allowed)
        bad = np.fromiter((v is not None and v not in allowed_set for v in out), dtype=bool, count=len(out))
        _fail(frame, bad, table, column, f"one of {', '.join(allowed)}")
    return out


def _number(
    frame: pd.DataFrame,
    column: str,
    table: str,
    *,
    default: float | FloatArray,
    positive: bool = False,
    allow_inf: bool = False,
) -> FloatArray:
    """A numeric column, missing values replaced by ``default``; >= 0 (> 0 if ``positive``), finite unless
    ``allow_inf``."""
    n = len(frame)
    if column not in frame.columns:
        return np.broadcast_to(np.asarray(default, dtype=np.float64), (n,)).copy()
    raw = frame[column]
    expected = "a number > 0" if positive else "a number >= 0"
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        values = np.asarray(raw.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
        missing = np.isnan(values)
    else:
        items = raw.tolist()
        missing = np.fromiter((_blank(v) for v in items), dtype=bool, count=n)
        is_bool = np.fromiter((isinstance(v, bool | np.bool_) for v in items), dtype=bool, count=n)
        numbers = pd.to_numeric(raw.where(~missing & ~is_bool, np.nan), errors="coerce")
        values = np.asarray(numbers.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
        _fail(frame, (np.isnan(values) & ~missing) | is_bool, table, column, expected)
    values = np.where(missing, default, values)
    _fail(frame, ~missing & (values <= 0 if positive else values < 0), table, column, expected)
    if not allow_inf:
        _fail(frame, ~missing & np.isinf(values), table, column, f"{expected} and finite")
    return np.asarray(values, dtype=np.float64)


def _check_frame(frame: object, table: str, required: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ValidationError(f"`{table}` must be a pandas DataFrame; got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"`{table}` must have the columns {', '.join(required)}; got columns {list(map(str, frame.columns))!r}"
        )
    return frame


def _clean_assets(frame: pd.DataFrame) -> pd.DataFrame:
    _check_frame(frame, "assets", ("asset_id", "type"))
    raw_ids = frame["asset_id"].tolist()
    bad_id = np.fromiter(
        (not (isinstance(v, str) and v.strip()) for v in raw_ids), dtype=bool, count=len(raw_ids)
    )
    _fail(frame, bad_id, "assets", "asset_id", "a non-empty string")
    id_list = [str(v).strip() for v in raw_ids]
    first: dict[str, int] = {}
    for pos, key in enumerate(id_list):
        if key in first:
            raise ValidationError(
                f"`assets.asset_id` must be unique; got {key!r} in rows {frame.index[first[key]]!r} "
                f"and {frame.index[pos]!r}"
            )
        first[key] = pos
    types = _text(frame, "type", "assets", ASSET_TYPES)
    _fail(frame, np.array([t is None for t in types], dtype=bool), "assets", "type", "an asset type")
    type_list = [str(t) for t in types]
    services = _text(frame, "service", "assets", SERVICES)
    services = [s if s is not None else DEFAULT_SERVICE[t] for s, t in zip(services, type_list, strict=True)]
    statuses = [s or "operational" for s in _text(frame, "status", "assets", STATUSES)]
    names = [n or key for n, key in zip(_text(frame, "name", "assets"), id_list, strict=True)]
    population = _number(frame, "population_served", "assets", default=0.0)
    orphan = np.array([s is None for s in services], dtype=bool) & (population > 0)
    _fail(frame, orphan, "assets", "type", "given with a `service` when the asset serves people")
    default_days = np.array([DEFAULT_REPAIR_DAYS[t] for t in type_list], dtype=np.float64)
    columns: dict[str, Any] = {
        "type": type_list,
        "name": names,
        "service": pd.Series(services, dtype=object),
        "population_served": population,
        "capacity": _number(frame, "capacity", "assets", default=np.nan),
        "replacement_cost": _number(frame, "replacement_cost", "assets", default=np.nan),
        "repair_days": _number(frame, "repair_days", "assets", default=default_days, positive=True),
        "repair_cost": _number(frame, "repair_cost", "assets", default=np.nan),
        "backup_hours": _number(frame, "backup_hours", "assets", default=0.0, allow_inf=True),
        "status": statuses,
    }
    out = pd.DataFrame(columns)
    out.insert(0, "asset_id", id_list)
    extra = [c for c in frame.columns if c not in out.columns]
    out = pd.concat([out, frame[extra].reset_index(drop=True)], axis=1) if extra else out
    out = out.set_index("asset_id")
    out["service"] = out["service"].astype(object)
    return out


def _clean_dependencies(frame: pd.DataFrame, assets: pd.DataFrame) -> tuple[pd.DataFrame, IntArray]:
    """Checked dependencies and each row's group number (groups ordered by consumer position)."""
    _check_frame(frame, "dependencies", ("supplier", "consumer"))
    ids = assets.index
    supplier_list = [v.strip() if isinstance(v, str) else v for v in frame["supplier"].tolist()]
    consumer_list = [v.strip() if isinstance(v, str) else v for v in frame["consumer"].tolist()]
    supplier = pd.Series(supplier_list, dtype=object)
    consumer = pd.Series(consumer_list, dtype=object)
    s_pos = ids.get_indexer(pd.Index(supplier, dtype=object))
    c_pos = ids.get_indexer(pd.Index(consumer, dtype=object))
    _fail(frame, s_pos < 0, "dependencies", "supplier", "a known asset_id")
    _fail(frame, c_pos < 0, "dependencies", "consumer", "a known asset_id")
    _fail(frame, s_pos == c_pos, "dependencies", "consumer", "different from `supplier` (no self-dependency)")
    pair = pd.Series(s_pos.astype(np.int64) * len(ids) + c_pos)
    dup = pair.duplicated().to_numpy(dtype=bool)
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        earlier = int(np.flatnonzero(pair.to_numpy() == pair.iloc[pos])[0])
        raise ValidationError(
            f"`dependencies` must list each (supplier, consumer) pair once; got {supplier.iloc[pos]!r} -> "
            f"{consumer.iloc[pos]!r} in rows {frame.index[earlier]!r} and {frame.index[pos]!r}"
        )
    kinds = _text(frame, "kind", "dependencies")
    services = assets["service"].to_numpy(dtype=object)
    kinds = [k or _DEFAULT_KIND.get(services[s], "supply") for k, s in zip(kinds, s_pos, strict=True)]
    groups: list[str | None] = (
        [None if _blank(v) else str(v).strip() for v in frame["group"].tolist()]
        if "group" in frame.columns
        else [None] * len(frame)
    )
    required = _number(frame, "required", "dependencies", default=np.nan, positive=True)
    given = ~np.isnan(required)
    _fail(frame, given & (required != np.floor(required)), "dependencies", "required", "a whole number >= 1")
    # Group keys: the label within the consumer, or the supplier for an unlabelled row (a group of one).
    key = ["l" + g if g is not None else "s" + str(s) for g, s in zip(groups, supplier_list, strict=True)]
    keys = pd.DataFrame({"c": c_pos, "key": pd.Series(key, dtype=object)})
    group_id = np.asarray(keys.groupby(["c", "key"], sort=True).ngroup().to_numpy(), dtype=np.int64)
    n_groups = int(group_id.max()) + 1 if len(group_id) else 0
    size = np.bincount(group_id, minlength=n_groups)
    k = np.ones(n_groups, dtype=np.float64)
    if given.any():
        g_given, k_given = group_id[given], required[given]
        k[g_given] = k_given
        conflict = k_given != k[g_given]
        if conflict.any():
            g = int(g_given[np.flatnonzero(conflict)[0]])
            rows = frame.index[np.flatnonzero((group_id == g) & given)].tolist()
            raise ValidationError(
                f"`dependencies.required` must be the same on every row of a group; got "
                f"{sorted(set(required[(group_id == g) & given].tolist()))!r} in rows {rows!r}"
            )
    too_many = k[group_id] > size[group_id]
    if too_many.any():
        pos = int(np.flatnonzero(too_many)[0])
        g = int(group_id[pos])
        rows = frame.index[np.flatnonzero(group_id == g)].tolist()
        label = groups[pos]
        what = f"group {label!r}" if label is not None else "a dependency without `group` (a group of one)"
        raise ValidationError(
            f"`dependencies.required` must be at most the number of suppliers in the group ({int(size[g])}); "
            f"got {int(k[g])} for {what} of consumer {consumer.iloc[pos]!r} in rows {rows!r}"
        )
    out = pd.DataFrame(
        {
            "supplier": supplier.to_numpy(dtype=object),
            "consumer": consumer.to_numpy(dtype=object),
            "kind": pd.Series(kinds, dtype=object),
            "group": pd.Series(groups, dtype=object),
            "required": k[group_id].astype(np.int64),
        }
    )
    extra = [c for c in frame.columns if c not in out.columns]
    if extra:
        out = pd.concat([out, frame[extra].reset_index(drop=True)], axis=1)
    return out, group_id


def _build_arrays(assets: pd.DataFrame, deps: pd.DataFrame, group_id: IntArray) -> DependencyArrays:
    n = len(assets)
    s_pos = np.asarray(assets.index.get_indexer(pd.Index(deps["supplier"], dtype=object)), dtype=np.int64)
    c_pos = np.asarray(assets.index.get_indexer(pd.Index(deps["consumer"], dtype=object)), dtype=np.int64)
    n_groups = int(group_id.max()) + 1 if len(group_id) else 0
    group_n = np.bincount(group_id, minlength=n_groups).astype(np.int64)
    group_k = np.ones(n_groups, dtype=np.int64)
    group_k[group_id] = deps["required"].to_numpy(dtype=np.int64)
    group_consumer = np.zeros(n_groups, dtype=np.int64)
    group_consumer[group_id] = c_pos
    by_group = np.argsort(group_id, kind="stable")
    by_supplier = np.argsort(s_pos, kind="stable")
    cost = assets["repair_cost"].to_numpy(dtype=np.float64)
    cost = np.where(np.isnan(cost), assets["replacement_cost"].to_numpy(dtype=np.float64), cost)
    service = assets["service"].to_numpy(dtype=object)
    codes = {s: i for i, s in enumerate(SERVICES)}

    def ptr(counts: npt.NDArray[np.int64]) -> IntArray:
        return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    arrays = {
        "supplier_ptr": ptr(np.bincount(s_pos, minlength=n)),
        "supplier_groups": group_id[by_supplier],
        "group_consumer": group_consumer,
        "group_n": group_n,
        "group_k": group_k,
        "group_threshold": group_n - group_k + 1,
        "group_ptr": ptr(group_n),
        "group_suppliers": s_pos[by_group],
        "consumer_ptr": ptr(np.bincount(group_consumer, minlength=n)),
        "population": assets["population_served"].to_numpy(dtype=np.float64),
        "backup_hours": assets["backup_hours"].to_numpy(dtype=np.float64),
        "repair_days": assets["repair_days"].to_numpy(dtype=np.float64),
        "cost": np.where(np.isnan(cost), 0.0, cost),
        "service_code": np.array([codes.get(s, len(SERVICES)) for s in service], dtype=np.int64),
    }
    return DependencyArrays(
        n_assets=n,
        n_groups=n_groups,
        n_edges=len(deps),
        **{name: _readonly(np.ascontiguousarray(a)) for name, a in arrays.items()},
    )


# ---------------------------------------------------------------------------------------------- network
@dataclass(frozen=True, eq=False)
class Network:
    """A municipality's critical assets and their dependencies, validated.

    Build it with :meth:`from_tables` or :meth:`from_networkx`; do not call the constructor directly.

    Attributes
    ----------
    assets
        One row per asset, indexed by ``asset_id`` (in input order), with the columns ``type``, ``name``,
        ``service`` (None for an asset that provides none), ``population_served``, ``capacity``,
        ``replacement_cost``, ``repair_days``, ``repair_cost``, ``backup_hours``, ``status`` and any extra
        input columns; defaults filled in.
    dependencies
        One row per dependency with ``supplier``, ``consumer``, ``kind``, ``group`` (the label, None for a
        group of one) and ``required`` (the ``k`` of its group), plus any extra input columns.
    """

    assets: pd.DataFrame = field(repr=False)
    dependencies: pd.DataFrame = field(repr=False)
    _group_id: IntArray = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"Network({self.arrays.n_assets} assets, {self.arrays.n_edges} dependencies, "
            f"{self.arrays.n_groups} redundancy groups)"
        )

    # ------------------------------------------------------------------------------------ constructors
    @classmethod
    def from_tables(cls, assets: pd.DataFrame, dependencies: pd.DataFrame | None = None) -> Network:
        """Validate asset and dependency tables and build the network.

        Parameters
        ----------
        assets
            One row per asset. Required columns: ``asset_id`` (unique text) and ``type`` (one of
            :data:`ASSET_TYPES`). Optional: ``name``; ``service`` (one of :data:`SERVICES`, default by type,
            see :data:`DEFAULT_SERVICE`); ``population_served`` (>= 0, default 0: the people who lose this
            service while the asset is down); ``capacity`` (>= 0, kept for reference); ``replacement_cost``
            and ``repair_cost`` (>= 0); ``repair_days`` (> 0, default by type, see
            :data:`DEFAULT_REPAIR_DAYS`); ``backup_hours`` (>= 0, may be infinite, default 0: how long a
            backup such as a generator or a reservoir bridges a loss of *supply*); ``status`` (one of
            :data:`STATUSES`, default ``"operational"``). Other columns are kept. Blank cells are missing.
        dependencies
            One row per dependency. Required columns: ``supplier`` and ``consumer`` (asset ids). Optional:
            ``kind`` (free text, default from the supplier's service: ``"power"``, ``"water"``, ``"heat"``,
            ``"access"``, ``"telecom"`` ...); ``group`` (a redundancy-group label, read within the consumer;
            missing: the dependency is a group of its own); ``required`` (``k``, the number of the group's
            suppliers that must function, default 1). None: no dependencies.

        Returns
        -------
        Network

        Raises
        ------
        ValidationError
            A missing column, an unknown type, service or status, a duplicate or empty ``asset_id``, a
            negative or non-numeric number, an unknown supplier or consumer, a self-dependency, a duplicate
            (supplier, consumer) pair, a ``required`` that is not a whole number or exceeds the group's
            number of suppliers, or differs between rows of a group; the message names the row.

        Notes
        -----
        A consumer's groups are independent: the consumer functions only while every one of its groups has
        at least ``k`` functioning suppliers (an AND of k-of-n ORs, the usual structure of a fault tree or a
        reliability block diagram; Rinaldi, Peerenboom & Kelly 2001, "Identifying, understanding, and
        analyzing critical infrastructure interdependencies", *IEEE Control Systems Magazine* 21(6), 11-25).

        Examples
        --------
        >>> import pandas as pd
        >>> assets = pd.DataFrame({"asset_id": ["S1", "S2", "H"],
        ...                        "type": ["substation", "substation", "hospital"],
        ...                        "population_served": [0, 0, 30_000]})
        >>> deps = pd.DataFrame({"supplier": ["S1", "S2"], "consumer": ["H", "H"], "group": "power"})
        >>> Network.from_tables(assets, deps)
        Network(3 assets, 2 dependencies, 1 redundancy groups)
        """
        clean_assets = _clean_assets(assets)
        if dependencies is None:
            dependencies = pd.DataFrame({"supplier": [], "consumer": []}, dtype=object)
        clean_deps, group_id = _clean_dependencies(dependencies, clean_assets)
        return cls(assets=clean_assets, dependencies=clean_deps, _group_id=_readonly(group_id))

    @classmethod
    def from_networkx(cls, graph: nx.DiGraph) -> Network:
        """Build a network from a directed graph (edges run supplier -> consumer).

        Parameters
        ----------
        graph
            A :class:`networkx.DiGraph` whose nodes are asset ids with the asset columns of
            :meth:`from_tables` as node attributes (``type`` at least) and whose edges carry the optional
            dependency columns ``kind``, ``group`` and ``required`` as attributes.

        Returns
        -------
        Network
        """
        if not isinstance(graph, nx.DiGraph) or isinstance(graph, nx.MultiDiGraph):
            raise ValidationError(f"`graph` must be a networkx DiGraph; got {type(graph).__name__}")
        nodes = [{**attrs, "asset_id": node} for node, attrs in graph.nodes(data=True)]
        edges = [{**attrs, "supplier": u, "consumer": v} for u, v, attrs in graph.edges(data=True)]
        assets = pd.DataFrame(nodes, columns=list(dict.fromkeys(["asset_id", "type", *pd.DataFrame(nodes)])))
        deps = pd.DataFrame(edges) if edges else pd.DataFrame({"supplier": [], "consumer": []}, dtype=object)
        return cls.from_tables(assets, deps)

    # ------------------------------------------------------------------------------------------- views
    @cached_property
    def asset_ids(self) -> pd.Index:
        """The asset ids in network order (positions of every integer view)."""
        return self.assets.index

    @cached_property
    def _lookup(self) -> dict[Hashable, int]:
        return {key: i for i, key in enumerate(self.assets.index.tolist())}

    @cached_property
    def arrays(self) -> DependencyArrays:
        """Integer CSR views of the dependencies (built once, read-only)."""
        return _build_arrays(self.assets, self.dependencies, self._group_id)

    @property
    def damaged(self) -> tuple[str, ...]:
        """The assets whose ``status`` is damaged or destroyed."""
        status = self.assets["status"]
        return tuple(str(i) for i in self.assets.index[status.isin(("damaged", "destroyed")).to_numpy()])

    def positions(self, ids: Iterable[Hashable], *, param: str = "assets") -> IntArray:
        """Positions of asset ids (duplicates dropped, first-seen order); unknown ids raise.

        Parameters
        ----------
        ids
            Asset ids.
        param
            The caller's parameter name, for the error message.
        """
        if isinstance(ids, str):
            raise ValidationError(f"`{param}` must be a collection of asset ids, not one string; got {ids!r}")
        wanted = list(dict.fromkeys(ids))
        lookup = self._lookup
        pos = np.fromiter((lookup.get(w, -1) for w in wanted), dtype=np.int64, count=len(wanted))
        if (pos < 0).any():
            unknown = [w for w, p in zip(wanted, pos, strict=True) if p < 0]
            raise ValidationError(f"`{param}` must contain known asset ids; got unknown {unknown[:20]!r}")
        return pos

    def to_networkx(self) -> nx.DiGraph:
        """The network as a :class:`networkx.DiGraph`, supplier -> consumer.

        Nodes carry the asset columns as attributes (missing values left out), edges ``kind``, ``group``
        (where labelled) and ``required``; :meth:`from_networkx` reads it back.
        """
        graph = nx.DiGraph()
        for key, record in zip(self.assets.index, self.assets.to_dict(orient="records"), strict=True):
            graph.add_node(key, **{str(k): v for k, v in record.items() if not _is_missing(v)})
        for record in self.dependencies.to_dict(orient="records"):
            attrs = {str(k): v for k, v in record.items() if k not in ("supplier", "consumer")}
            graph.add_edge(
                record["supplier"],
                record["consumer"],
                **{k: v for k, v in attrs.items() if not _is_missing(v)},
            )
        return graph


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
