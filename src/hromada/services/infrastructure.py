"""The ``infrastructure`` domain: a municipality's critical assets and their dependencies.

Assets and dependencies are stored per workspace; the analyses (cascade, criticality, restoration) run on
the canonical :class:`hromada.analysis.infrastructure.Network` built from them. Locations and weaknesses
of assets are restricted (:func:`hromada.services.access.can_see_restricted`): they are masked for
everyone else, and never enter stored analysis results, unless an admin released the field.

A damaged asset is an outage: assets whose status is damaged or destroyed, and assets a damage entry of the
ledger points to, are the default failures of "what if" and the repairs of the restoration plan.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hromada.analysis.infrastructure import Network, cascade, criticality, restoration_plan
from hromada.db.models import AnalysisRun, Asset, Dependency, LedgerEntry, Municipality
from hromada.errors import NotFoundError, ValidationError
from hromada.io.tables import read_table
from hromada.services import audit, runs
from hromada.services._json import OpenModel, ServiceModel
from hromada.services.access import Principal, can_see_restricted, require, require_own_admin

__all__ = [
    "RESTRICTED_FIELDS",
    "AssetRow",
    "CascadeScenario",
    "CriticalityRun",
    "DependencyRow",
    "NetworkSummary",
    "RestorationRun",
    "build_network",
    "cascade_scenario",
    "damaged_keys",
    "import_network",
    "latest_analysis",
    "list_assets",
    "list_dependencies",
    "plan_restoration",
    "rank_criticality",
    "release_field",
    "save_network",
]

logger = logging.getLogger(__name__)

RESTRICTED_FIELDS = ("latitude", "longitude", "weakness")
ASSET_COLUMNS = (
    "asset_id",
    "name",
    "type",
    "service",
    "population_served",
    "capacity",
    "replacement_cost",
    "repair_days",
    "repair_cost",
    "backup_hours",
    "status",
)
_NUMERIC = ("population_served", "capacity", "replacement_cost", "repair_days", "repair_cost", "backup_hours")


@dataclass(frozen=True, slots=True)
class NetworkSummary:
    """What a network import or seed wrote."""

    assets: int
    dependencies: int
    new_assets: int
    dry_run: bool = False
    #: Stored dependencies the file does not have ("supplier → consumer (kind)"): deleted by the import,
    #: which then needs ``replace=True``; a dry run lists them.
    removed_dependencies: tuple[str, ...] = ()


def _assets(session: Session, municipality: Municipality) -> list[Asset]:
    return list(
        session.scalars(select(Asset).where(Asset.municipality_id == municipality.id).order_by(Asset.key))
    )


class AssetRow(ServiceModel):
    """An asset as the caller may see it: the restricted fields are null unless allowed or released."""

    asset_id: str = Field(description="The municipality's own asset id")
    name: str
    type: str = Field(description="Asset type (see hromada.analysis.infrastructure.ASSET_TYPES)")
    service: str = Field(description="The service it provides to people; empty: the type's default or none")
    population_served: float = Field(description="People who lose the service while it is down (persons)")
    capacity: float | None = Field(description="Capacity, kept for reference (the asset type's unit)")
    replacement_cost: float | None = Field(description="Replacement cost (UAH)")
    repair_days: float | None = Field(description="Days one crew needs to repair it")
    repair_cost: float | None = Field(description="Repair cost (UAH)")
    backup_hours: float | None = Field(
        description="Hours a backup bridges a loss of supply (null: without limit)"
    )
    status: str = Field(description="operational, damaged or destroyed")
    latitude: float | None = Field(description="Restricted: null unless you may see it or it was released")
    longitude: float | None = Field(description="Restricted: null unless you may see it or it was released")
    weakness: str | None = Field(description="Restricted: null unless you may see it or it was released")
    released: list[str] = Field(description="Restricted fields an admin released to every reader")
    restricted_hidden: bool = Field(description="Whether restricted fields are masked for you")


def list_assets(session: Session, principal: Principal, municipality: Municipality) -> list[AssetRow]:
    """The assets as the caller may see them: restricted fields are None unless allowed or released."""
    require(principal, "read", municipality.id)
    inside = can_see_restricted(principal, municipality.id)
    rows = []
    for asset in _assets(session, municipality):
        row: dict[str, Any] = {"asset_id": asset.key, **{c: getattr(asset, c) for c in ASSET_COLUMNS[1:]}}
        for field in RESTRICTED_FIELDS:
            row[field] = getattr(asset, field) if inside or field in (asset.released or []) else None
        row["released"] = list(asset.released or [])
        row["restricted_hidden"] = not inside and any(
            f not in (asset.released or []) for f in RESTRICTED_FIELDS
        )
        rows.append(AssetRow.model_validate(row))
    return rows


def _tables(session: Session, municipality: Municipality) -> tuple[pd.DataFrame, pd.DataFrame]:
    assets = _assets(session, municipality)
    frame = pd.DataFrame(
        [{"asset_id": a.key, **{c: getattr(a, c) for c in ASSET_COLUMNS[1:]}} for a in assets],
        columns=list(ASSET_COLUMNS),
    )
    frame["service"] = frame["service"].replace("", None)
    keys = {a.id: a.key for a in assets}
    deps = session.execute(
        select(
            Dependency.supplier_id,
            Dependency.consumer_id,
            Dependency.kind,
            Dependency.group_label,
            Dependency.required,
        )
        .where(Dependency.municipality_id == municipality.id)
        .order_by(Dependency.id)
    ).all()
    dependencies = pd.DataFrame(
        [
            {
                "supplier": keys[s],
                "consumer": keys[c],
                "kind": k,
                "group": g or f"{keys[c]}:{keys[s]}",
                "required": r,
            }
            for s, c, k, g, r in deps
        ],
        columns=["supplier", "consumer", "kind", "group", "required"],
    )
    return frame, dependencies


class DependencyRow(ServiceModel):
    """The consumer needs the supplier (with the other suppliers of its redundancy group)."""

    supplier: str = Field(description="Asset id of the supplier")
    consumer: str = Field(description="Asset id of the consumer")
    kind: str = Field(description="What is supplied: power, water, heat, access, telecom ...")
    group: str = Field(description="Redundancy group (within the consumer)")
    required: int = Field(description="How many suppliers of the group must function")


def list_dependencies(
    session: Session, principal: Principal, municipality: Municipality
) -> list[DependencyRow]:
    """The dependencies (supplier, consumer, kind, group, required) by asset key (readers and up)."""
    require(principal, "read", municipality.id)
    _, dependencies = _tables(session, municipality)
    return [DependencyRow.model_validate(row) for row in dependencies.to_dict(orient="records")]


def build_network(session: Session, principal: Principal, municipality: Municipality) -> Network:
    """The municipality's network, validated (readers and up; no restricted fields involved)."""
    require(principal, "read", municipality.id)
    assets, dependencies = _tables(session, municipality)
    if assets.empty:
        raise NotFoundError("This municipality has no infrastructure assets yet; import them first.")
    return Network.from_tables(assets.drop(columns=["capacity"]).dropna(axis=1, how="all"), dependencies)


def save_network(
    session: Session,
    municipality: Municipality,
    assets: pd.DataFrame,
    dependencies: pd.DataFrame,
    *,
    synthetic: bool = False,
) -> NetworkSummary:
    """Upsert assets by their key and replace the dependencies, in the caller's transaction.

    Assets not in ``assets`` are kept (a partial file never deletes data); restricted fields present in the
    table are written, absent ones are left as they are.
    """
    existing = {a.key: a for a in _assets(session, municipality)}
    new = 0
    for record in assets.to_dict(orient="records"):
        key = str(record["asset_id"])
        asset = existing.get(key)
        if asset is None:
            asset = Asset(municipality_id=municipality.id, key=key, is_synthetic=synthetic, released=[])
            session.add(asset)
            existing[key] = asset
            new += 1
        asset.name = str(record.get("name") or key)
        asset.type = str(record["type"])
        asset.service = str(record.get("service") or "")
        asset.status = str(record.get("status") or "operational")
        for column in _NUMERIC:
            value = record.get(column)
            number = (
                None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
            )
            if column in ("population_served", "backup_hours"):
                number = number or 0.0
            setattr(asset, column, number)
        for column in RESTRICTED_FIELDS:
            if (
                column in record
                and record[column] is not None
                and not (isinstance(record[column], float) and math.isnan(record[column]))
            ):
                setattr(asset, column, record[column] if column == "weakness" else float(record[column]))
    session.flush()
    session.execute(delete(Dependency).where(Dependency.municipality_id == municipality.id))
    for record in dependencies.to_dict(orient="records"):
        group = record.get("group")
        session.add(
            Dependency(
                municipality_id=municipality.id,
                supplier_id=existing[str(record["supplier"])].id,
                consumer_id=existing[str(record["consumer"])].id,
                kind=str(record.get("kind") or "power"),
                group_label=None
                if group is None or (isinstance(group, float) and math.isnan(group))
                else str(group),
                required=int(record.get("required") or 1),
            )
        )
    session.flush()
    return NetworkSummary(assets=len(assets), dependencies=len(dependencies), new_assets=new)


def import_network(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    assets_file: Path,
    dependencies_file: Path,
    *,
    dry_run: bool = False,
    replace: bool = False,
) -> NetworkSummary:
    """Import assets and dependencies from CSV/XLSX/Parquet files (editors and admins); all or nothing.

    The whole network (the stored assets not in the file included) is validated before anything is written.
    The dependencies file replaces the stored dependencies: when that deletes any (a file with fewer rows, or
    only its header), the import is refused unless ``replace`` is given; a dry run lists what would go.
    """
    require(principal, "write", municipality.id)
    assets = read_table(
        assets_file,
        required=("asset_id", "type"),
        text_columns=("asset_id", "type", "service", "status", "name"),
    )
    dependencies = read_table(
        dependencies_file,
        required=("supplier", "consumer"),
        text_columns=("supplier", "consumer", "kind", "group"),
    )
    stored, _ = _tables(session, municipality)
    combined = pd.concat([stored[~stored["asset_id"].isin(assets["asset_id"])], assets], ignore_index=True)
    try:
        Network.from_tables(
            combined[[c for c in combined.columns if c in ASSET_COLUMNS and c != "capacity"]].dropna(
                axis=1, how="all"
            ),
            dependencies,
        )
    except ValidationError as error:
        raise ValidationError(f"{assets_file.name} / {dependencies_file.name}: {error.message}") from None
    removed = _removed_dependencies(session, municipality, dependencies)
    if dry_run:
        return NetworkSummary(
            assets=len(assets),
            dependencies=len(dependencies),
            new_assets=int((~assets["asset_id"].isin(stored["asset_id"])).sum()),
            dry_run=True,
            removed_dependencies=removed,
        )
    if removed and not replace:
        raise ValidationError(
            f"{dependencies_file.name}: importing it would delete {len(removed):,} of the stored dependencies "
            f"(for example {removed[0]}); check with a dry run, then import again with replace to confirm"
        )
    summary = dataclasses.replace(
        save_network(session, municipality, assets, dependencies), removed_dependencies=removed
    )
    audit.record(
        session, principal, "import", "infrastructure", municipality_id=municipality.id,
        details={"assets": summary.assets, "dependencies": summary.dependencies, "files": [assets_file.name, dependencies_file.name]},
    )  # fmt: skip
    return summary


def _removed_dependencies(
    session: Session, municipality: Municipality, dependencies: pd.DataFrame
) -> tuple[str, ...]:
    """The stored dependencies (supplier, consumer, kind) that ``dependencies`` does not have, as labels."""
    _, stored = _tables(session, municipality)
    if stored.empty:
        return ()
    kinds = (
        dependencies["kind"].fillna("").replace("", "power")
        if "kind" in dependencies
        else pd.Series("power", index=dependencies.index)
    )
    kept = set(
        zip(
            dependencies["supplier"].astype(str),
            dependencies["consumer"].astype(str),
            kinds.astype(str),
            strict=True,
        )
    )
    return tuple(
        f"{supplier} → {consumer} ({kind})"
        for supplier, consumer, kind in zip(
            stored["supplier"], stored["consumer"], stored["kind"], strict=True
        )
        if (str(supplier), str(consumer), str(kind)) not in kept
    )


def damaged_keys(session: Session, principal: Principal, municipality: Municipality) -> list[str]:
    """Assets out of service: status damaged or destroyed, or the subject of a damage entry in the ledger."""
    require(principal, "read", municipality.id)
    by_status = set(
        session.scalars(
            select(Asset.key).where(
                Asset.municipality_id == municipality.id, Asset.status.in_(("damaged", "destroyed"))
            )
        )
    )
    by_ledger = set(
        session.scalars(
            select(Asset.key)
            .join(LedgerEntry, LedgerEntry.asset_id == Asset.id)
            .where(Asset.municipality_id == municipality.id, LedgerEntry.kind == "damage")
        )
    )
    return sorted(by_status | by_ledger)


class ServicesCut(OpenModel):
    """People without each service (persons), and their sum (person-services)."""

    electricity: float = Field(description="persons")
    water: float = Field(description="persons")
    heating: float = Field(description="persons")
    sanitation: float = Field(description="persons")
    health: float = Field(description="persons")
    education: float = Field(description="persons")
    shelter: float = Field(description="persons")
    transport: float = Field(description="persons")
    telecom: float = Field(description="persons")
    administration: float = Field(description="persons")
    total: float = Field(description="Sum over the services (person-services)")


class CascadeStep(ServicesCut):
    """The state at some hours after the failure."""

    hours: float = Field(description="Hours after the failure")
    assets_down: int


class AssetDown(ServiceModel):
    asset_id: str
    hours: float = Field(description="Hours after the failure at which the asset is down")


class CascadeScenario(ServiceModel):
    """What fails with the given assets over the horizon, hour by hour."""

    failed: list[str] = Field(description="The assets that fail first (asset ids)")
    horizon_hours: float = Field(description="hours")
    timeline: list[CascadeStep] = Field(description="At 0, every failure time and the horizon")
    down: list[AssetDown] = Field(description="The assets down within the horizon, first first")


def cascade_scenario(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    failed: Sequence[str] | None = None,
    *,
    horizon_hours: float = 72.0,
) -> CascadeScenario:
    """The cascade of ``failed`` (default: the damaged assets) over the horizon (readers and up)."""
    network = build_network(session, principal, municipality)
    failed = list(failed) if failed else damaged_keys(session, principal, municipality)
    unknown = sorted(set(failed) - set(network.asset_ids))
    if unknown:
        raise ValidationError(
            f"`failed` must name assets of this municipality; unknown: {', '.join(unknown[:10])}"
        )
    result = cascade(network, failed, horizon_hours=horizon_hours)
    times = sorted(
        {
            0.0,
            horizon_hours,
            *[float(t) for t in result.failure_time if math.isfinite(t) and t <= horizon_hours],
        }
    )
    timeline = result.timeline(times)
    down = result.failure_time[result.failure_time <= horizon_hours].sort_values()
    return CascadeScenario.model_validate(
        {
            "failed": failed,
            "horizon_hours": horizon_hours,
            "timeline": timeline.reset_index().to_dict(orient="records"),
            "down": [{"asset_id": k, "hours": float(v)} for k, v in down.items()],
        }
    )


def _store(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    domain: str,
    parameters: dict[str, Any],
    results: dict[str, Any],
    network: Network,
) -> AnalysisRun:
    assets, dependencies = _tables(session, municipality)
    digest = runs.content_hash(
        {"assets": assets.to_dict(orient="records"), "dependencies": dependencies.to_dict(orient="records")}
    )
    return runs.store(
        session, principal, municipality, domain=domain, preset=str(parameters.get("method", "default")),
        parameters=parameters, results=results, data_hash=digest,
    )  # fmt: skip


class CriticalityParameters(OpenModel):
    horizon_hours: float = Field(description="Hours after the failure at which losses are counted")
    pairs: int = Field(description="How many top assets are combined in pairs")


class CriticalityRank(OpenModel):
    """One asset, most critical first."""

    asset_id: str
    rank: int = Field(description="1 = most critical")
    type: str
    service: str | None
    population_cut: float | None = Field(description="Person-services cut by its failure alone")
    assets_lost: int = Field(description="Assets down with it, itself included")
    dependents: int = Field(description="Assets that depend on it, directly or transitively")
    population_at_risk: float | None = Field(description="People served by it and its dependents")


class CriticalPair(OpenModel):
    """Two top assets failing together."""

    first: str = Field(description="Asset id")
    second: str = Field(description="Asset id")
    population_cut: float | None = Field(description="Person-services cut by both failing")
    sum_of_singles: float | None = Field(description="Their single cuts added (person-services)")
    synergy: float | None = Field(description="population_cut - sum_of_singles")
    assets_lost: int


class CriticalityResults(OpenModel):
    ranking: list[CriticalityRank]
    pairs: list[CriticalPair] = Field(description="By synergy, then population cut")


class RestorationParameters(OpenModel):
    crews: int = Field(description="Repair crews working in parallel")
    budget: float | None = Field(description="Repair budget (UAH); null: unlimited")
    method: Literal["heuristic", "exact"]
    damaged: list[str] = Field(description="The assets to repair (asset ids)")


class Repair(OpenModel):
    asset: str = Field(description="Asset id")
    crew: int = Field(description="1, 2, ...")
    start_day: float = Field(description="Days from today")
    finish_day: float = Field(description="Days from today; the asset functions again from then on")
    cost: float | None = Field(description="UAH")


class ServedDay(ServicesCut):
    """The state on one day of the plan."""

    day: float = Field(description="Days from today")
    assets_down: int


class Unscheduled(OpenModel):
    asset: str = Field(description="Asset id")
    reason: str = Field(description="budget or horizon")


class RestorationResults(OpenModel):
    schedule: list[Repair] = Field(description="One row per repair, by start")
    served: list[ServedDay] = Field(description="People without each service, day by day")
    objective: float | None = Field(description="Person-days of service lost over the horizon")
    unscheduled: list[Unscheduled] = Field(description="Damaged assets the plan does not repair")


class _StoredRun(ServiceModel):
    id: int
    created_at: str = Field(description="When it was computed (ISO 8601)")
    data_hash: str = Field(description="Hash of the assets and dependencies analysed")
    version: str = Field(description="Hromada version that computed it")


class CriticalityRun(_StoredRun):
    """A stored criticality ranking."""

    domain: Literal["infrastructure-criticality"]
    parameters: CriticalityParameters
    results: CriticalityResults


class RestorationRun(_StoredRun):
    """A stored restoration plan."""

    domain: Literal["infrastructure-restoration"]
    parameters: RestorationParameters
    results: RestorationResults


def _run_data(row: AnalysisRun) -> dict[str, Any]:
    return {
        "id": row.id, "domain": row.domain, "created_at": row.created_at.isoformat(), "data_hash": row.data_hash,
        "version": row.version, "parameters": row.parameters, "results": row.results,
    }  # fmt: skip


def rank_criticality(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    horizon_hours: float = 0.0,
    pairs: int = 15,
) -> CriticalityRun:
    """Rank assets by the population and services lost if each fails (and the worst pairs); stored (editors
    and admins)."""
    require(principal, "write", municipality.id)
    network = build_network(session, principal, municipality)
    result = criticality(network, horizon_hours=horizon_hours, pairs=pairs)
    results = {
        "ranking": result.ranking.reset_index().to_dict(orient="records"),
        "pairs": result.pairs.to_dict(orient="records"),
    }
    row = _store(
        session,
        principal,
        municipality,
        "infrastructure-criticality",
        {"horizon_hours": horizon_hours, "pairs": pairs},
        results,
        network,
    )
    return CriticalityRun.model_validate(_run_data(row))


def plan_restoration(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    crews: int,
    budget: float | None = None,
    method: Literal["heuristic", "exact"] = "heuristic",
    damaged: Iterable[str] | None = None,
) -> RestorationRun:
    """Sequence the repairs of the damaged assets (default: :func:`damaged_keys`) under crews and budget;
    stored (editors and admins)."""
    require(principal, "write", municipality.id)
    network = build_network(session, principal, municipality)
    targets = list(damaged) if damaged is not None else damaged_keys(session, principal, municipality)
    if not targets:
        raise ValidationError("There is nothing to restore: no asset is damaged or destroyed.")
    plan = restoration_plan(network, targets, crews=crews, budget=budget, method=method)
    results = {
        "schedule": plan.schedule.to_dict(orient="records"),
        "served": plan.served.to_dict(orient="records"),
        "objective": plan.objective,
        "unscheduled": plan.unscheduled.to_dict(orient="records")
        if hasattr(plan.unscheduled, "to_dict")
        else list(plan.unscheduled),
    }
    params = {"crews": crews, "budget": budget, "method": method, "damaged": targets}
    row = _store(session, principal, municipality, "infrastructure-restoration", params, results, network)
    return RestorationRun.model_validate(_run_data(row))


def latest_analysis(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    kind: Literal["criticality", "restoration"],
) -> CriticalityRun | RestorationRun | None:
    """The latest stored criticality ranking or restoration plan, typed (readers and up)."""
    require(principal, "read", municipality.id)
    row = runs.latest(session, municipality, f"infrastructure-{kind}")
    if row is None:
        return None
    model = CriticalityRun if kind == "criticality" else RestorationRun
    return model.model_validate(_run_data(row))


def release_field(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    key: str,
    field: str,
    *,
    released: bool = True,
) -> list[str]:
    """Release (or withdraw) one restricted field of one asset for everyone who may read the workspace (the
    municipality's own admins; not a network facilitator)."""
    require_own_admin(principal, municipality.id)
    if field not in RESTRICTED_FIELDS:
        raise ValidationError(f"`field` must be one of {', '.join(RESTRICTED_FIELDS)}; got {field!r}")
    asset = session.scalar(select(Asset).where(Asset.municipality_id == municipality.id, Asset.key == key))
    if asset is None:
        raise NotFoundError(f"No asset {key!r} in this municipality.")
    fields = set(asset.released or [])
    fields = fields | {field} if released else fields - {field}
    asset.released = sorted(fields)
    audit.record(
        session,
        principal,
        "release" if released else "withdraw",
        "asset",
        entity_id=key,
        municipality_id=municipality.id,
        details={"field": field},
    )
    return asset.released
