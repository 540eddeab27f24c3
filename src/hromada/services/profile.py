"""The ``profile`` domain: municipalities, their key figures and their statistics (including imports)."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import repeat
from pathlib import Path
from typing import Any, BinaryIO, Literal

import pandas as pd
from pydantic import Field
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from hromada.data.nace import load_nace, nace_codes, nace_title
from hromada.data.regions import load_regions
from hromada.db.models import ImportRecord, Municipality, MunicipalityStatus, StatisticSeries
from hromada.errors import ConflictError, NotFoundError, ValidationError
from hromada.io.statistics import StatisticsFile, read_statistics
from hromada.services import audit
from hromada.services._json import ServiceModel
from hromada.services.access import Principal, require, require_facilitator

__all__ = [
    "ImportSummary",
    "Municipality",
    "MunicipalityInput",
    "MunicipalityOverview",
    "MunicipalityProfile",
    "NaceEntry",
    "Statistic",
    "create_municipality",
    "get_municipality",
    "import_statistics",
    "list_municipalities",
    "list_statistics",
    "municipality_profile",
    "municipality_profiles",
    "nace_classification",
    "statistics_frame",
    "upsert_statistics",
]

logger = logging.getLogger(__name__)

KATOTTG = re.compile(r"^UA\d{17}$")
_KEY = ["region_code", "year", "sector_code", "measure"]
_CHUNK = 50_000

#: A progress callback: (stage, done, total) with stage "read" (bytes) or "write" (rows).
Progress = Callable[[str, int, int], None]


# --------------------------------------------------------------------------------------------------------
# Municipalities


@dataclass(frozen=True, slots=True)
class MunicipalityInput:
    """The fields needed to create a municipality."""

    code: str
    name_uk: str
    name_en: str
    oblast_code: str
    status: str = MunicipalityStatus.REAR.value
    kind: str = "urban"
    population: int | None = None
    area_km2: float | None = None
    name_de: str | None = None
    idp_share: float | None = None
    description: dict[str, str] | None = None
    is_synthetic: bool = False


def _validate_municipality(data: MunicipalityInput) -> None:
    if not KATOTTG.match(data.code):
        raise ValidationError(f"code must be a KATOTTG code (UA followed by 17 digits); got {data.code!r}")
    oblasts = set(load_regions()["oblast_code"])
    if data.oblast_code not in oblasts:
        raise ValidationError(
            f"oblast_code must be one of {', '.join(sorted(oblasts))}; got {data.oblast_code!r}"
        )
    if not data.code.startswith(data.oblast_code):
        raise ValidationError(
            f"code must start with its oblast's prefix {data.oblast_code}; got {data.code!r}"
        )
    statuses = [s.value for s in MunicipalityStatus]
    if data.status not in statuses:
        raise ValidationError(f"status must be one of {', '.join(statuses)}; got {data.status!r}")
    if data.population is not None and data.population < 0:
        raise ValidationError(f"population must be >= 0; got {data.population}")
    if data.area_km2 is not None and data.area_km2 <= 0:
        raise ValidationError(f"area_km2 must be > 0; got {data.area_km2}")
    if not data.name_uk.strip() or not data.name_en.strip():
        raise ValidationError("name_uk and name_en must not be empty")


def create_municipality(
    session: Session, data: MunicipalityInput, *, actor: Principal | None = None, update: bool = False
) -> Municipality:
    """Create a municipality (facilitators only); with ``update=True`` an existing code is updated."""
    if actor is not None:
        require_facilitator(actor)
    _validate_municipality(data)
    municipality = session.scalar(select(Municipality).where(Municipality.code == data.code))
    if municipality is not None and not update:
        raise ConflictError(f"A municipality with the code {data.code} already exists.")
    fields: dict[str, Any] = {
        "name_uk": data.name_uk,
        "name_en": data.name_en,
        "name_de": data.name_de,
        "oblast_code": data.oblast_code,
        "kind": data.kind,
        "status": MunicipalityStatus(data.status),
        "population": data.population,
        "area_km2": data.area_km2,
        "idp_share": data.idp_share,
        "description": data.description or {},
        "is_synthetic": data.is_synthetic,
    }
    action = "municipality.update"
    if municipality is None:
        municipality = Municipality(code=data.code, **fields)
        session.add(municipality)
        action = "municipality.create"
    else:
        changed = {k: v for k, v in fields.items() if getattr(municipality, k) != v}
        if not changed:
            return municipality
        for key, value in changed.items():
            setattr(municipality, key, value)
    session.flush()
    audit.record(session, actor, action, "municipality", entity_id=data.code, municipality_id=municipality.id)
    return municipality


def get_municipality(
    session: Session, principal: Principal, code: str, *, action: str = "read"
) -> Municipality:
    """The municipality with this KATOTTG code, if the caller may ``action`` it."""
    municipality = session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        raise NotFoundError("No such municipality in your workspace.")
    require(principal, action, municipality.id)  # type: ignore[arg-type]
    return municipality


@dataclass(frozen=True, slots=True)
class MunicipalityOverview:
    """A municipality with its key figures, as listed to a user."""

    municipality: Municipality
    employment: float | None
    employment_year: int | None
    n_values: int


def list_municipalities(
    session: Session, principal: Principal, *, only: Municipality | None = None
) -> list[MunicipalityOverview]:
    """The municipalities the caller may see (or just ``only``), with key figures, by oblast and name."""
    query = select(Municipality).order_by(Municipality.oblast_code, Municipality.name_en)
    if not principal.is_facilitator:
        query = query.where(Municipality.id.in_(principal.municipality_ids))
    if only is not None:
        query = query.where(Municipality.id == only.id)
    municipalities = list(session.scalars(query))
    ids = [m.id for m in municipalities]
    if not ids:
        return []
    counts = dict(
        session.execute(
            select(StatisticSeries.municipality_id, func.count())
            .where(StatisticSeries.municipality_id.in_(ids))
            .group_by(StatisticSeries.municipality_id)
        ).all()
    )
    totals = _latest_employment(session, municipalities)
    return [
        MunicipalityOverview(
            municipality=m,
            employment=totals.get(m.id, (None, None))[1],
            employment_year=totals.get(m.id, (None, None))[0],
            n_values=counts.get(m.id, 0),
        )
        for m in municipalities
    ]


class MunicipalityProfile(ServiceModel):
    """A municipality with its key figures (the REST API's municipality)."""

    code: str = Field(description="KATOTTG code")
    name_uk: str
    name_en: str
    name_de: str | None
    oblast_code: str = Field(description="KATOTTG code of the oblast")
    kind: str = Field(description="urban, settlement or rural")
    status: str = Field(description="Wartime status (see MunicipalityStatus)")
    population: int | None = Field(description="Residents (persons)")
    area_km2: float | None = Field(description="Area (km²)")
    idp_share: float | None = Field(description="Internally displaced people as a share of residents (0-1)")
    is_synthetic: bool = Field(description="Synthetic demo data, not a real place")
    employment: float | None = Field(
        default=None, description="Total employment in the latest year (persons, sum over NACE divisions)"
    )
    employment_year: int | None = Field(default=None, description="The year of `employment`")
    n_values: int = Field(default=0, description="Statistics stored in the workspace")

    def name(self, locale: str) -> str:
        """The name in ``locale`` (German falls back to the English transliteration), as
        :meth:`hromada.db.models.Municipality.name`."""
        if locale == "uk":
            return self.name_uk
        if locale == "de" and self.name_de:
            return self.name_de
        return self.name_en

    @classmethod
    def of(cls, overview: MunicipalityOverview) -> MunicipalityProfile:
        m = overview.municipality
        return cls(
            code=m.code,
            name_uk=m.name_uk,
            name_en=m.name_en,
            name_de=m.name_de,
            oblast_code=m.oblast_code,
            kind=m.kind,
            status=m.status.value,
            population=m.population,
            area_km2=m.area_km2,
            idp_share=m.idp_share,
            is_synthetic=m.is_synthetic,
            employment=overview.employment,
            employment_year=overview.employment_year,
            n_values=overview.n_values,
        )


def municipality_profiles(session: Session, principal: Principal) -> list[MunicipalityProfile]:
    """The municipalities the caller may see, with key figures, by oblast and name."""
    return [MunicipalityProfile.of(o) for o in list_municipalities(session, principal)]


def municipality_profile(session: Session, principal: Principal, code: str) -> MunicipalityProfile:
    """One municipality with its key figures, if the caller may read it."""
    municipality = get_municipality(session, principal, code)
    (overview,) = list_municipalities(session, principal, only=municipality)
    return MunicipalityProfile.of(overview)


def _latest_employment(
    session: Session, municipalities: Sequence[Municipality]
) -> dict[int, tuple[int, float]]:
    """Total employment (sum over NACE divisions) in the latest year, per municipality id."""
    divisions = sorted(nace_codes("division"))
    own = {m.id: m.code for m in municipalities}
    rows = session.execute(
        select(
            StatisticSeries.municipality_id,
            StatisticSeries.region_code,
            StatisticSeries.year,
            func.sum(StatisticSeries.value),
        )
        .where(
            StatisticSeries.municipality_id.in_(list(own)),
            StatisticSeries.measure == "employment",
            StatisticSeries.sector_code.in_(divisions),
        )
        .group_by(StatisticSeries.municipality_id, StatisticSeries.region_code, StatisticSeries.year)
    ).all()
    result: dict[int, tuple[int, float]] = {}
    for mid, region, year, total in rows:
        if region != own[mid]:
            continue
        if mid not in result or year > result[mid][0]:
            result[mid] = (int(year), float(total))
    return result


# --------------------------------------------------------------------------------------------------------
# Statistics


def statistics_frame(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    measure: str | None = None,
    region_code: str | None = None,
) -> pd.DataFrame:
    """The workspace's statistics as a long frame (region_code, year, sector_code, measure, value, unit, source)."""
    require(principal, "read", municipality.id)
    query = select(
        StatisticSeries.region_code,
        StatisticSeries.year,
        StatisticSeries.sector_code,
        StatisticSeries.measure,
        StatisticSeries.value,
        StatisticSeries.unit,
        StatisticSeries.source,
    ).where(StatisticSeries.municipality_id == municipality.id)
    if measure is not None:
        query = query.where(StatisticSeries.measure == measure)
    if region_code is not None:
        query = query.where(StatisticSeries.region_code == region_code)
    rows = session.execute(query.order_by(StatisticSeries.year, StatisticSeries.sector_code)).all()
    columns = ["region_code", "year", "sector_code", "measure", "value", "unit", "source"]
    return pd.DataFrame.from_records(rows, columns=columns)


class Statistic(ServiceModel):
    """One stored figure (long format)."""

    region_code: str = Field(description="KATOTTG code of the region the figure is about")
    year: int
    sector_code: str = Field(description="NACE Rev. 2 code, or a total")
    measure: str = Field(description="What is measured, for example employment")
    value: float = Field(description="The figure, in `unit`")
    unit: str = Field(description="Unit of `value`, for example persons or UAH")
    source: str


def list_statistics(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    measure: str | None = None,
    region_code: str | None = None,
) -> list[Statistic]:
    """The workspace's statistics, typed (see :func:`statistics_frame`)."""
    frame = statistics_frame(session, principal, municipality, measure=measure, region_code=region_code)
    return [Statistic.model_validate(row) for row in frame.to_dict(orient="records")]


NaceLevel = Literal["section", "division", "group", "class"]


class NaceEntry(ServiceModel):
    """One code of the NACE Rev. 2 classification (KVED-2010 is harmonised with it)."""

    code: str
    level: NaceLevel
    parent: str | None = Field(description="The code one level up; null for a section")
    title: str = Field(description="The title in the asked language")


def nace_classification(level: NaceLevel | None = None, locale: str = "uk") -> list[NaceEntry]:
    """The NACE Rev. 2 classification (or one level of it), with titles in one language."""
    table = load_nace()
    if level is not None:
        table = table[table["level"] == level]
    return [
        NaceEntry(
            code=row.code,
            level=row.level,
            parent=row.parent if isinstance(row.parent, str) and row.parent else None,
            title=nace_title(str(row.code), locale),
        )
        for row in table.itertuples(index=False)
    ]


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did (or, for a dry run, would do)."""

    filename: str
    layout: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    dry_run: bool
    measures: tuple[str, ...]
    years: tuple[int, ...]
    ignored_columns: tuple[str, ...] = ()
    import_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "layout": self.layout,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "measures": list(self.measures),
            "years": list(self.years),
            "ignored_columns": list(self.ignored_columns),
            "import_id": self.import_id,
        }


def _existing(connection: Connection, municipality_id: int, data: pd.DataFrame) -> pd.DataFrame:
    measures = sorted(data["measure"].unique().tolist())
    years = sorted(int(y) for y in data["year"].unique())
    query = select(
        StatisticSeries.region_code,
        StatisticSeries.year,
        StatisticSeries.sector_code,
        StatisticSeries.measure,
        StatisticSeries.value.label("old_value"),
        StatisticSeries.unit.label("old_unit"),
        StatisticSeries.source.label("old_source"),
    ).where(
        StatisticSeries.municipality_id == municipality_id,
        StatisticSeries.measure.in_(measures),
        StatisticSeries.year.between(years[0], years[-1]),
    )
    result = connection.execute(query)
    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    return frame


def _classify(connection: Connection, municipality_id: int, data: pd.DataFrame) -> pd.DataFrame:
    """Add a ``change`` column: 'insert', 'update' or 'same', comparing with stored values."""
    keyed = data[[*_KEY, "value", "unit", "source"]]
    existing = _existing(connection, municipality_id, data)
    if existing.empty:  # the common first import: no comparison needed
        return keyed.assign(change="insert")
    for column in ("region_code", "sector_code", "measure"):
        existing[column] = existing[column].astype(keyed[column].dtype)
    existing["year"] = existing["year"].astype(keyed["year"].dtype)
    merged = keyed.merge(existing, on=_KEY, how="left", validate="1:1")
    new = merged["old_value"].isna()
    same = (
        ~new
        & (merged["old_value"] == merged["value"])
        & (merged["old_unit"].astype(object) == merged["unit"].astype(object))
        & (merged["old_source"].astype(object) == merged["source"].astype(object))
    )
    merged["change"] = "update"
    merged.loc[new, "change"] = "insert"
    merged.loc[same, "change"] = "same"
    return merged


def _count_changes(classified: pd.DataFrame) -> tuple[int, int, int]:
    """(inserted, updated, unchanged) of a frame classified by :func:`_classify`."""
    counts = classified["change"].value_counts()
    return int(counts.get("insert", 0)), int(counts.get("update", 0)), int(counts.get("same", 0))


_COLUMNS = ("municipality_id", *_KEY, "value", "unit", "source", "import_id")


def _upsert_sql(connection: Connection) -> str:
    """Driver-level ``INSERT ... ON CONFLICT DO UPDATE`` by natural key (SQLite >= 3.24 and PostgreSQL).

    Bulk writes go straight to the driver's ``executemany`` with tuples: the ORM's per-row bookkeeping
    would cost more than the database's own work on national-size files.
    """
    placeholder = "?" if connection.dialect.paramstyle in ("qmark", "numeric") else "%s"
    if connection.dialect.name not in ("sqlite", "postgresql"):  # pragma: no cover
        raise NotImplementedError(connection.dialect.name)
    updates = ", ".join(f"{c} = excluded.{c}" for c in ("value", "unit", "source", "import_id"))
    return (
        f"INSERT INTO {StatisticSeries.__tablename__} ({', '.join(_COLUMNS)}) "  # noqa: S608 (constant names)
        f"VALUES ({', '.join([placeholder] * len(_COLUMNS))}) "
        f"ON CONFLICT (municipality_id, {', '.join(_KEY)}) DO UPDATE SET {updates}"
    )


def upsert_statistics(
    session: Session,
    municipality_id: int,
    data: pd.DataFrame,
    *,
    import_id: int | None = None,
    progress: Progress | None = None,
) -> tuple[int, int, int]:
    """Write validated statistics into a workspace, by natural key; return (inserted, updated, unchanged).

    Rows whose value, unit and source are already stored are skipped, so re-importing a file changes
    nothing. Runs inside the caller's transaction.
    """
    if data.empty:
        return 0, 0, 0
    text_columns = ("region_code", "sector_code", "measure", "unit", "source")
    data = data.astype({c: "str" for c in text_columns if data[c].dtype != "str"})
    connection = session.connection()
    session.flush()
    classified = _classify(connection, municipality_id, data)
    todo = classified[classified["change"] != "same"]
    sql = _upsert_sql(connection)
    total = len(todo)
    columns = [todo[name] for name in (*_KEY, "value", "unit", "source")]
    for start in range(0, total, _CHUNK):
        stop = min(start + _CHUNK, total)
        n = stop - start
        region, year, sector, measure, value, unit, source = (c.iloc[start:stop].tolist() for c in columns)
        rows = list(
            zip(
                repeat(municipality_id, n),
                region,
                year,
                sector,
                measure,
                value,
                unit,
                source,
                repeat(import_id, n),
                strict=True,
            )
        )
        connection.exec_driver_sql(sql, rows)
        if progress is not None:
            progress("write", stop, total)
    return _count_changes(classified)


def import_statistics(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    source: Path | bytes | BinaryIO,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    max_bytes: int | None = None,
) -> ImportSummary:
    """Validate a statistics file and write it into the municipality's workspace.

    Either every row is written or none is: validation happens before any write and the writes run in
    the caller's transaction. With ``dry_run`` nothing is written and the summary says what would change.

    Raises
    ------
    hromada.errors.ImportValidationError
        With every problem found (file, row, column, expected, got).
    """
    require(principal, "write", municipality.id)
    name = filename or (source.name if isinstance(source, Path) else "upload")
    raw = source.read_bytes() if isinstance(source, Path) else source if isinstance(source, bytes) else None
    read_kwargs: dict[str, Any] = {
        "filename": name,
        "default_region": municipality.code,
        "default_source": f"import: {name}",
    }
    if max_bytes is not None:
        read_kwargs["max_bytes"] = max_bytes
    if progress is not None:
        read_kwargs["progress"] = lambda done, total: progress("read", done, total)
    parsed: StatisticsFile = read_statistics(raw if raw is not None else source, **read_kwargs)
    digest = hashlib.sha256(raw).hexdigest() if raw is not None else ""
    data = parsed.data
    measures = tuple(sorted(data["measure"].unique().tolist()))
    years = tuple(sorted(int(y) for y in data["year"].unique()))
    summary = ImportSummary(
        filename=name,
        layout=parsed.layout,
        rows=len(data),
        inserted=0,
        updated=0,
        unchanged=0,
        dry_run=dry_run,
        measures=measures,
        years=years,
        ignored_columns=tuple(parsed.ignored_columns),
    )
    if dry_run:
        inserted, updated, unchanged = _count_changes(_classify(session.connection(), municipality.id, data))
        return replace(summary, inserted=inserted, updated=updated, unchanged=unchanged)
    record = ImportRecord(
        municipality_id=municipality.id,
        user_id=principal.user_id,
        filename=name,
        sha256=digest,
        layout=parsed.layout,
        rows=len(data),
        inserted=0,
        updated=0,
    )
    session.add(record)
    session.flush()
    inserted, updated, unchanged = upsert_statistics(
        session, municipality.id, data, import_id=record.id, progress=progress
    )
    record.inserted, record.updated = inserted, updated
    audit.record(
        session,
        principal,
        "statistics.import",
        "import_record",
        entity_id=record.id,
        municipality_id=municipality.id,
        details={"filename": name, "rows": len(data), "inserted": inserted, "updated": updated},
    )
    logger.info("imported %s: %d rows (%d new, %d changed)", name, len(data), inserted, updated)
    return replace(summary, inserted=inserted, updated=updated, unchanged=unchanged, import_id=record.id)
