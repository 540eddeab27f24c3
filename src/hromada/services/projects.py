"""The ``projects`` domain: the recovery project pipeline and its funding sources.

Projects move through the OC4IDS stages; they link to goals, damaged assets and ledger needs. Funding
sources carry amounts per year, eligibility, a maximum share of a project's cost and loan terms. Ranking and
the funding portfolio are computed by :mod:`hromada.analysis.decide`; exports are OC4IDS JSON.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.data.rdna import sector_codes
from hromada.db.models import FundingSource, Municipality, Project
from hromada.errors import ImportIssue, ImportValidationError, NotFoundError, ValidationError
from hromada.io.oc4ids import PROJECT_STATUSES, project_package
from hromada.io.tables import read_table
from hromada.services import audit
from hromada.services.access import Principal, require

__all__ = [
    "PROJECT_COLUMNS",
    "SOURCE_KINDS",
    "STAGES",
    "export_oc4ids",
    "import_projects",
    "import_sources",
    "project_frame",
    "save_projects",
    "save_sources",
    "set_stage",
    "source_frame",
]

logger = logging.getLogger(__name__)

STAGES = PROJECT_STATUSES
SOURCE_KINDS = ("own_budget", "state_subvention", "regional_fund", "ifi_loan", "grant", "donor", "ppp")
LOCATION_STATUSES = ("rear", "hosting-idp", "de-occupied", "frontline", "occupied")
PROJECT_COLUMNS = (
    "key", "title", "description", "stage", "type", "sector", "cost", "currency", "cost_date", "start_year",
    "duration_years", "location", "location_status", "documents_ready", "strategy_aligned",
    "cofinancing_share", "goal_keys", "asset_keys",
)  # fmt: skip
_TRUE = {"true", "1", "yes", "так", "ja", "y"}
_FALSE = {"false", "0", "no", "ні", "nein", "n", ""}


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold() if value is not None and value == value else ""
    return True if text in _TRUE else False if text in _FALSE else None


def _text(value: Any) -> str:
    """A cell as stripped text; empty for None and NaN."""
    return "" if value is None or value != value else str(value).strip()


def _validate_projects(frame: pd.DataFrame, filename: str) -> pd.DataFrame:
    """Check a project table; every problem is listed (file, row, column, expected, got)."""
    issues: list[ImportIssue] = []
    sectors = set(sector_codes())
    out = frame.copy()

    def issue(i: int, column: str, expected: str, got: Any) -> None:
        issues.append(ImportIssue(file=filename, row=i + 2, column=column, expected=expected, got=str(got)))

    for i, row in enumerate(frame.to_dict(orient="records")):
        if not _text(row.get("key")):
            issue(i, "key", "a project key such as P-01", row.get("key"))
        if not _text(row.get("title")):
            issue(i, "title", "a title", row.get("title"))
        stage = str(row.get("stage") or "identification")
        if stage not in STAGES:
            issue(i, "stage", f"one of {', '.join(STAGES)}", stage)
        if str(row.get("sector")) not in sectors:
            issue(i, "sector", "an RDNA sector code (see hromada.data.rdna)", row.get("sector"))
        try:
            cost = float(row.get("cost"))  # type: ignore[arg-type]
            if not math.isfinite(cost) or cost < 0:
                raise ValueError
        except (TypeError, ValueError):
            issue(i, "cost", "a non-negative amount", row.get("cost"))
        share = row.get("cofinancing_share", 0)
        try:
            if not 0 <= float(share if share == share and share is not None else 0) <= 1:
                raise ValueError
        except (TypeError, ValueError):
            issue(i, "cofinancing_share", "a share between 0 and 1 (0.1 for 10 %)", share)
        for column in ("documents_ready", "strategy_aligned"):
            if column in row and _bool(row[column]) is None:
                issue(i, column, "true or false", row[column])
        status = str(row.get("location_status") or "rear")
        if status not in LOCATION_STATUSES:
            issue(i, "location_status", f"one of {', '.join(LOCATION_STATUSES)}", status)
    keys = frame["key"].astype(str).str.strip() if "key" in frame else pd.Series([], dtype=str)
    for i in [int(p) for p in (keys[keys.duplicated()].index if len(keys) else [])]:
        issue(i, "key", "a key used once in the file", keys.iloc[i])
    if issues:
        raise ImportValidationError(issues[:200], total=len(issues))
    return out


def project_frame(session: Session, principal: Principal, municipality: Municipality) -> pd.DataFrame:
    """The pipeline as a table (one row per project, criteria columns prefixed ``c:``)."""
    require(principal, "read", municipality.id)
    rows = []
    for p in session.scalars(
        select(Project).where(Project.municipality_id == municipality.id).order_by(Project.key)
    ):
        record = {c: getattr(p, c) for c in PROJECT_COLUMNS}
        record.update({f"c:{k}": v for k, v in (p.criteria or {}).items()})
        rows.append(record)
    return pd.DataFrame(rows, columns=None if rows else list(PROJECT_COLUMNS))


def save_projects(
    session: Session, municipality: Municipality, projects: pd.DataFrame, *, synthetic: bool = False
) -> int:
    """Upsert validated projects by key (criteria from ``c:<name>`` columns)."""
    existing = {
        p.key: p for p in session.scalars(select(Project).where(Project.municipality_id == municipality.id))
    }
    for row in projects.to_dict(orient="records"):
        key = str(row["key"]).strip()
        project = existing.get(key)
        if project is None:
            project = Project(municipality_id=municipality.id, key=key, is_synthetic=synthetic)
            session.add(project)
            existing[key] = project
        project.title = str(row["title"]).strip()
        project.description = (
            str(row.get("description") or "") if row.get("description") == row.get("description") else ""
        )
        project.stage = str(row.get("stage") or "identification")
        project.type = str(row.get("type") or "rehabilitation")
        project.sector = str(row["sector"])
        project.cost = float(row["cost"])
        project.currency = str(row.get("currency") or "UAH")
        cost_date = row.get("cost_date")
        project.cost_date = (
            pd.Timestamp(cost_date).date()
            if cost_date is not None and cost_date == cost_date and cost_date != ""
            else None
        )
        start = row.get("start_year")
        project.start_year = int(start) if start is not None and start == start and start != "" else None
        duration = row.get("duration_years")
        project.duration_years = (
            int(duration) if duration is not None and duration == duration and duration != "" else 1
        )
        location = row.get("location")
        project.location = str(location) if location is not None and location == location else ""
        project.location_status = str(row.get("location_status") or "rear")
        project.documents_ready = bool(_bool(row.get("documents_ready", False)))
        project.strategy_aligned = bool(_bool(row.get("strategy_aligned", False)))
        share = row.get("cofinancing_share")
        project.cofinancing_share = (
            float(share) if share is not None and share == share and share != "" else 0.0
        )
        for column in ("goal_keys", "asset_keys"):
            value = row.get(column)
            if isinstance(value, str):
                setattr(project, column, [v.strip() for v in value.replace(",", ";").split(";") if v.strip()])
            elif isinstance(value, (list, tuple)):
                setattr(project, column, [str(v) for v in value])
        project.criteria = {
            k[2:]: float(v)
            for k, v in row.items()
            if isinstance(k, str) and k.startswith("c:") and v is not None and v == v
        }
    session.flush()
    return len(projects)


def import_projects(session: Session, principal: Principal, municipality: Municipality, path: Path) -> int:
    """Import projects from CSV/XLSX/Parquet (editors and admins): all problems listed, all or nothing."""
    require(principal, "write", municipality.id)
    frame = read_table(
        path,
        required=("key", "title", "sector", "cost"),
        text_columns=("key", "sector", "stage", "type", "location_status"),
    )
    _validate_projects(frame, path.name)
    written = save_projects(session, municipality, frame)
    audit.record(
        session,
        principal,
        "import",
        "project",
        municipality_id=municipality.id,
        details={"file": path.name, "rows": written},
    )
    return written


def set_stage(
    session: Session, principal: Principal, municipality: Municipality, key: str, stage: str
) -> Project:
    """Move a project to another OC4IDS stage (editors and admins)."""
    require(principal, "write", municipality.id)
    if stage not in STAGES:
        raise ValidationError(f"`stage` must be one of {', '.join(STAGES)}; got {stage!r}")
    project = session.scalar(
        select(Project).where(Project.municipality_id == municipality.id, Project.key == key)
    )
    if project is None:
        raise NotFoundError(f"No project {key!r} in this municipality.")
    previous, project.stage = project.stage, stage
    audit.record(
        session,
        principal,
        "stage",
        "project",
        entity_id=key,
        municipality_id=municipality.id,
        details={"from": previous, "to": stage},
    )
    return project


def source_frame(session: Session, principal: Principal, municipality: Municipality) -> pd.DataFrame:
    """The funding sources, one column ``amount_<year>`` per year."""
    require(principal, "read", municipality.id)
    rows = []
    for s in session.scalars(
        select(FundingSource)
        .where(FundingSource.municipality_id == municipality.id)
        .order_by(FundingSource.key)
    ):
        record: dict[str, Any] = {
            "source_id": s.key, "name": s.name, "kind": s.kind, "eligible_sectors": s.eligible_sectors,
            "eligible_types": s.eligible_types, "max_share": s.max_share, "interest_rate": s.interest_rate,
            "tenor_years": s.tenor_years, "grace_years": s.grace_years,
        }  # fmt: skip
        record.update({f"amount_{year}": float(v) for year, v in sorted((s.amounts or {}).items())})
        rows.append(record)
    return pd.DataFrame(rows)


def save_sources(session: Session, municipality: Municipality, sources: pd.DataFrame) -> int:
    """Upsert funding sources by ``source_id`` (amounts from ``amount_<year>`` columns)."""
    existing = {
        s.key: s
        for s in session.scalars(
            select(FundingSource).where(FundingSource.municipality_id == municipality.id)
        )
    }
    for row in sources.to_dict(orient="records"):
        key = str(row["source_id"]).strip()
        kind = str(row["kind"])
        if kind not in SOURCE_KINDS:
            raise ValidationError(
                f"source {key!r}: `kind` must be one of {', '.join(SOURCE_KINDS)}; got {kind!r}"
            )
        source = existing.get(key)
        if source is None:
            source = FundingSource(municipality_id=municipality.id, key=key)
            session.add(source)
            existing[key] = source
        source.name = str(row.get("name") or key)
        source.kind = kind
        source.amounts = {
            str(c).removeprefix("amount_"): float(v)
            for c, v in row.items()
            if str(c).startswith("amount_") and v == v and v is not None
        }
        source.eligible_sectors = str(row.get("eligible_sectors") or "*")
        source.eligible_types = str(row.get("eligible_types") or "*")
        share = row.get("max_share")
        source.max_share = float(share) if share is not None and share == share else 1.0
        for column in ("interest_rate", "tenor_years", "grace_years"):
            value = row.get(column)
            number = None if value is None or value != value or value == "" else value
            setattr(
                source,
                column,
                None if number is None else (float(number) if column == "interest_rate" else int(number)),
            )
    session.flush()
    return len(sources)


def import_sources(session: Session, principal: Principal, municipality: Municipality, path: Path) -> int:
    """Import funding sources (editors and admins)."""
    require(principal, "write", municipality.id)
    frame = read_table(
        path,
        required=("source_id", "kind"),
        text_columns=("source_id", "kind", "eligible_sectors", "eligible_types"),
    )
    try:
        written = save_sources(session, municipality, frame)
    except ValidationError as error:
        raise ValidationError(f"{path.name}: {error.message}") from None
    audit.record(
        session,
        principal,
        "import",
        "funding_source",
        municipality_id=municipality.id,
        details={"file": path.name, "rows": written},
    )
    return written


def export_oc4ids(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    base_url: str = "http://127.0.0.1:8000",
    published: dt.datetime | None = None,
) -> dict[str, Any]:
    """The pipeline as an OC4IDS project package (no restricted data)."""
    frame = project_frame(session, principal, municipality)
    records: list[Mapping[str, Any]] = [
        {str(k): (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()}
        for r in frame.to_dict(orient="records")
    ]
    return project_package(
        records,
        publisher=municipality.name_en or municipality.name_uk,
        uri=f"{base_url}/api/v1/municipalities/{municipality.code}/projects/oc4ids",
        id_prefix=f"hromada-{municipality.code}",
        published=published,
    )
