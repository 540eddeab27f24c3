"""The ``assessment`` domain: the damage, losses and needs ledger, and the resilience self-assessment.

Ledger entries are RDNA-style figures (sector, kind, amount, currency, valuation date, source, confidence,
optional asset); roll-ups convert them with the rates the workspace stated, at the valuation date. A
self-assessment scores the indicators of a framework file with evidence; assessments over time form the
history and the comparison with the previous one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import pandas as pd
from pydantic import Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hromada.analysis.assessment import Framework, compare, rollup, score, validate_entries
from hromada.data.framework_files import DEFAULT_FRAMEWORK, available_frameworks, load_framework
from hromada.db.models import (
    Asset,
    ExchangeRate,
    ImportRecord,
    LedgerEntry,
    Municipality,
    ResilienceAssessment,
    ResilienceScore,
)
from hromada.errors import ConflictError, ImportIssue, ImportValidationError, NotFoundError, ValidationError
from hromada.io.tables import read_table
from hromada.services import audit
from hromada.services._json import ServiceModel, json_safe
from hromada.services.access import Principal, require, require_facilitator
from hromada.services.files import client_filename
from hromada.settings import Settings

__all__ = [
    "LEDGER_COLUMNS",
    "DimensionChange",
    "EmptyLedgerRollup",
    "FrameworkInfo",
    "Ledger",
    "LedgerEntryRow",
    "LedgerImportSummary",
    "LedgerRollup",
    "SelfAssessment",
    "add_framework",
    "add_self_assessment",
    "changes_since_previous",
    "framework_catalogue",
    "frameworks",
    "frameworks_by_id",
    "get_ledger",
    "import_ledger_entries",
    "save_assessment",
    "save_ledger",
    "self_assessments",
    "set_rates",
]

logger = logging.getLogger(__name__)

LEDGER_COLUMNS = (
    "sector",
    "kind",
    "amount",
    "currency",
    "valuation_date",
    "source",
    "confidence",
    "asset_id",
    "bbb_factor",
    "term",
    "description",
)
_EVIDENCE_MAX = 20 * 1024 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


_clean = json_safe


# --------------------------------------------------------------------------------------------------------
# Ledger


def _ledger_frame(session: Session, principal: Principal, municipality: Municipality) -> pd.DataFrame:
    """The ledger entries of the workspace (readers and up); ``asset_id`` is the asset's key."""
    require(principal, "read", municipality.id)
    rows = session.execute(
        select(LedgerEntry, Asset.key)
        .outerjoin(Asset, Asset.id == LedgerEntry.asset_id)
        .where(LedgerEntry.municipality_id == municipality.id)
        .order_by(LedgerEntry.valuation_date, LedgerEntry.id)
    ).all()
    records = [
        {**{c: getattr(entry, c) for c in LEDGER_COLUMNS if c != "asset_id"}, "asset_id": key, "id": entry.id}
        for entry, key in rows
    ]
    return pd.DataFrame(records, columns=["id", *LEDGER_COLUMNS])


def _rates_frame(session: Session, principal: Principal, municipality: Municipality) -> pd.DataFrame:
    """The exchange rates the workspace stated (currency, date, rate, source)."""
    require(principal, "read", municipality.id)
    rows = session.execute(
        select(ExchangeRate.currency, ExchangeRate.date, ExchangeRate.rate, ExchangeRate.source)
        .where(ExchangeRate.municipality_id == municipality.id)
        .order_by(ExchangeRate.currency, ExchangeRate.date)
    ).all()
    return pd.DataFrame(rows, columns=["currency", "date", "rate", "source"])


def set_rates(session: Session, principal: Principal, municipality: Municipality, rates: pd.DataFrame) -> int:
    """State exchange rates (UAH per unit) for the roll-ups; replaces rates of the same currency and date."""
    require(principal, "write", municipality.id)
    written = 0
    for record in rates.to_dict(orient="records"):
        currency = str(record["currency"]).upper()
        date = pd.Timestamp(record["date"]).date()
        rate = float(record["rate"])
        if not (len(currency) == 3 and rate > 0):
            raise ValidationError(
                f"a rate needs a 3-letter currency and a positive rate; got {currency!r} {rate}"
            )
        existing = session.scalar(
            select(ExchangeRate).where(
                ExchangeRate.municipality_id == municipality.id,
                ExchangeRate.currency == currency,
                ExchangeRate.target == "UAH",
                ExchangeRate.date == date,
            )
        )
        if existing is None:
            existing = ExchangeRate(
                municipality_id=municipality.id, currency=currency, target="UAH", date=date
            )
            session.add(existing)
        existing.rate = rate
        existing.source = str(record.get("source") or "")
        written += 1
    session.flush()
    return written


def save_ledger(
    session: Session, municipality: Municipality, entries: pd.DataFrame, *, import_id: int | None = None
) -> int:
    """Add validated entries (``asset_id`` given as the asset's key) in the caller's transaction."""
    keys = dict(
        session.execute(select(Asset.key, Asset.id).where(Asset.municipality_id == municipality.id)).all()
    )
    for record in entries.to_dict(orient="records"):
        key = record.get("asset_id")
        has_key = isinstance(key, str) and key != ""
        session.add(
            LedgerEntry(
                municipality_id=municipality.id,
                sector=str(record["sector"]),
                kind=str(record["kind"]),
                amount=float(record["amount"]),
                currency=str(record["currency"]),
                valuation_date=pd.Timestamp(record["valuation_date"]).date(),
                source=str(record.get("source") or ""),
                confidence=str(record.get("confidence") or "medium"),
                asset_id=keys.get(str(key)) if has_key else None,
                bbb_factor=float(record.get("bbb_factor") or 1.0),
                term=None if not isinstance(record.get("term"), str) else str(record["term"]),
                description=str(record.get("description") or ""),
                import_id=import_id,
            )
        )
    session.flush()
    return len(entries)


def _import_ledger(
    session: Session, principal: Principal, municipality: Municipality, path: Path, *, dry_run: bool = False
) -> int:
    """Import ledger entries from CSV/XLSX/Parquet (see :func:`import_ledger_entries`); the rows written."""
    require(principal, "write", municipality.id)
    raw = read_table(
        path,
        required=("sector", "kind", "amount", "currency", "valuation_date"),
        text_columns=("sector", "kind", "currency", "asset_id", "term", "confidence"),
    )
    try:
        entries = validate_entries(raw)
    except ImportValidationError as error:
        issues = [
            ImportIssue(file=path.name, row=i.row, column=i.column, expected=i.expected, got=i.got)
            for i in error.issues
        ]
        raise ImportValidationError(issues, total=error.total) from None
    keys = set(session.scalars(select(Asset.key).where(Asset.municipality_id == municipality.id)))
    unknown = [
        ImportIssue(file=path.name, row=position + 2, column="asset_id", expected="an asset of this municipality", got=str(k))
        for position, k in enumerate(entries["asset_id"].tolist())
        if isinstance(k, str) and k and k not in keys
    ] if "asset_id" in entries else []  # fmt: skip
    if unknown:
        raise ImportValidationError(unknown[:200], total=len(unknown))
    if dry_run:
        return len(entries)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    record = ImportRecord(
        municipality_id=municipality.id, user_id=principal.user_id, filename=path.name, sha256=digest,
        layout="ledger", rows=len(entries), inserted=len(entries), updated=0,
    )  # fmt: skip
    session.add(record)
    session.flush()
    written = save_ledger(session, municipality, entries, import_id=record.id)
    audit.record(
        session,
        principal,
        "import",
        "ledger",
        municipality_id=municipality.id,
        details={"file": path.name, "rows": written},
    )
    return written


def _ledger_rollup(entries: pd.DataFrame, rates: pd.DataFrame) -> dict[str, Any]:
    """Totals by sector, group and kind in UAH at the stated rates, needs by term; JSON-ready."""
    if entries.empty:
        return {"empty": True}
    result = rollup(entries.drop(columns=["id"]), rates if not rates.empty else None, target="UAH")
    summary = {k: v for k, v in result.as_dict().items() if k != "entries"}
    summary["needs_by_term"] = [t for t in summary.get("needs_by_term", []) if t.get("amount")]
    cleaned: dict[str, Any] = _clean({"empty": False, **summary})
    return cleaned


class LedgerEntryRow(ServiceModel):
    """One damage, loss or need entry of the ledger."""

    id: int
    sector: str = Field(description="RDNA sector code (see hromada.data.rdna)")
    kind: Literal["damage", "loss", "need"]
    amount: float = Field(description="The amount, in `currency`")
    currency: str = Field(description="ISO 4217 code, for example UAH")
    valuation_date: dt.date = Field(description="The date the amount is valued at (and converted at)")
    source: str
    confidence: str = Field(description="low, medium or high")
    asset_id: str | None = Field(description="Key of the infrastructure asset the entry is about, if any")
    bbb_factor: float | None = Field(description="Build-back-better factor applied to needs (1 = none)")
    term: str | None = Field(description="short or medium (needs)")
    description: str


class LedgerAmounts(ServiceModel):
    """Damage, loss and need in the roll-up's target currency (UAH)."""

    damage: float = Field(description="UAH")
    loss: float = Field(description="UAH")
    need: float = Field(description="UAH")


class SectorAmounts(LedgerAmounts):
    sector: str = Field(description="RDNA sector code")
    group: str = Field(description="RDNA sector group")


class GroupAmounts(LedgerAmounts):
    group: str = Field(description="RDNA sector group")


class TermNeed(ServiceModel):
    term: str = Field(description="short, medium or unspecified")
    amount: float = Field(description="Needs of the term (UAH)")


class RateUsed(ServiceModel):
    currency: str
    rate: float = Field(description="UAH per unit of `currency`")
    rate_date: dt.date = Field(description="The date of the stated rate used")
    count: int = Field(description="Entries converted at this rate")


class LedgerRollup(ServiceModel):
    """The ledger rolled up in UAH at the stated rates (RDNA conventions)."""

    empty: Literal[False] = False
    target: str = Field(description="The currency of every amount (UAH)")
    apply_bbb: bool = Field(description="Whether needs include the build-back-better factors")
    totals: LedgerAmounts
    by_sector: list[SectorAmounts]
    by_group: list[GroupAmounts]
    needs_by_term: list[TermNeed] = Field(description="Needs by term, terms without needs left out")
    rates_used: list[RateUsed]
    references: list[str] = Field(description="The assessments whose conventions are followed")


class EmptyLedgerRollup(ServiceModel):
    """The roll-up of an empty ledger."""

    empty: Literal[True] = True


class Ledger(ServiceModel):
    """The ledger entries (oldest valuation first) and their roll-up."""

    entries: list[LedgerEntryRow]
    rollup: LedgerRollup | EmptyLedgerRollup


def get_ledger(session: Session, principal: Principal, municipality: Municipality) -> Ledger:
    """The ledger entries and their roll-up in UAH at the stated rates (readers and up)."""
    entries = _ledger_frame(session, principal, municipality)
    rates = _rates_frame(session, principal, municipality)
    return Ledger.model_validate(
        {"entries": entries.to_dict(orient="records"), "rollup": _ledger_rollup(entries, rates)}
    )


class LedgerImportSummary(ServiceModel):
    """What a ledger import did (or, for a dry run, would do)."""

    rows: int = Field(description="Entries written (for a dry run: that would be written)")
    dry_run: bool


def import_ledger_entries(
    session: Session, principal: Principal, municipality: Municipality, path: Path, *, dry_run: bool = False
) -> LedgerImportSummary:
    """Import ledger entries from CSV/XLSX/Parquet (editors and admins): every problem listed, all or nothing."""
    rows = _import_ledger(session, principal, municipality, path, dry_run=dry_run)
    return LedgerImportSummary(rows=rows, dry_run=dry_run)


# --------------------------------------------------------------------------------------------------------
# Resilience self-assessment


class FrameworkIndicator(ServiceModel):
    id: str
    title: dict[str, str] = Field(description="The title by language (uk, en, de)")
    weight: float = Field(description="Weight within its dimension")


class FrameworkDimension(ServiceModel):
    id: str
    title: dict[str, str] = Field(description="The title by language (uk, en, de)")
    weight: float = Field(description="Weight in the overall score")
    indicators: list[FrameworkIndicator]


class FrameworkInfo(ServiceModel):
    """A resilience framework: dimensions, indicators, scale and weights."""

    id: str
    version: str
    title: dict[str, str] = Field(description="The title by language (uk, en, de)")
    scale: tuple[int, int] = Field(description="The lowest and the highest score of an indicator")
    dimensions: list[FrameworkDimension]

    @classmethod
    def of(cls, framework: Framework) -> FrameworkInfo:
        return cls.model_validate(
            {
                "id": framework.id,
                "version": framework.version,
                "title": framework.title,
                "scale": [framework.scale_min, framework.scale_max],
                "dimensions": [
                    {
                        "id": d.id,
                        "title": d.title,
                        "weight": d.weight,
                        "indicators": [
                            {"id": i.id, "title": i.title, "weight": i.weight} for i in d.indicators
                        ],
                    }
                    for d in framework.dimensions
                ],
            }
        )


def framework_catalogue(settings: Settings | None = None) -> list[FrameworkInfo]:
    """The available frameworks (see :func:`frameworks`), typed."""
    return [FrameworkInfo.of(f) for f in frameworks(settings)]


def _custom_dir(settings: Settings | None) -> Path | None:
    return None if settings is None else settings.data_dir / "frameworks"


def _framework(name: str, settings: Settings | None) -> Framework:
    """A shipped framework by name, or one a facilitator added to this installation."""
    if name in available_frameworks():
        return load_framework(name)
    folder = _custom_dir(settings)
    if folder is not None and (folder / f"{name}.yaml").is_file():
        return load_framework(folder / f"{name}.yaml")
    raise NotFoundError(f"No resilience framework named {name!r}.")


def frameworks(settings: Settings | None = None) -> list[Framework]:
    """The frameworks shipped with Hromada (the default first), then those added to this installation."""
    names = available_frameworks()
    ordered = [DEFAULT_FRAMEWORK, *[n for n in names if n != DEFAULT_FRAMEWORK]]
    found = [load_framework(name) for name in ordered if name in names]
    folder = _custom_dir(settings)
    if folder is not None and folder.is_dir():
        found += [load_framework(path) for path in sorted(folder.glob("*.yaml"))]
    return found


def frameworks_by_id(settings: Settings | None = None) -> dict[str, Framework]:
    """The available frameworks by id."""
    return {f.id: f for f in frameworks(settings)}


def add_framework(settings: Settings, principal: Principal, path: Path) -> Framework:
    """Add a framework file (YAML) to this installation for every municipality (network facilitators).

    The file is validated first (:func:`hromada.data.framework_files.load_framework`); a shipped framework's
    id cannot be taken, and a file with the id and version of an added one must be identical to it.
    """
    require_facilitator(principal)
    spec = load_framework(path)
    if spec.id in available_frameworks():
        raise ConflictError(
            f"{path.name}: the id {spec.id!r} belongs to a framework shipped with Hromada; choose another id"
        )
    folder = settings.data_dir / "frameworks"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{spec.id}.yaml"
    content = Path(path).read_bytes()
    if target.is_file() and target.read_bytes() != content:
        previous = load_framework(target)
        if previous.version == spec.version:
            raise ConflictError(
                f"{path.name}: framework {spec.id!r} version {spec.version} is already installed with other content; raise its version"
            )
    target.write_bytes(content)
    return spec


@dataclass(frozen=True, slots=True)
class _AssessmentView:
    """An assessment with its scores, evidence and result (what :class:`SelfAssessment` is built from)."""

    id: int
    framework: Framework
    assessed_on: dt.date
    assessor: str
    scores: dict[str, float | None]
    evidence: dict[str, str]
    evidence_files: dict[str, str]
    result: Any


class DimensionScore(ServiceModel):
    """The score of one dimension of a self-assessment."""

    dimension: str = Field(description="Dimension id")
    weight: float
    indicators: int = Field(description="Indicators of the dimension")
    scored: int = Field(description="Indicators scored")
    coverage: float | None = Field(description="Share of the indicators scored (0-1)")
    score: float | None = Field(description="Weighted mean score (0-100); null when nothing is scored")


class SelfAssessment(ServiceModel):
    """A resilience self-assessment with its scores, evidence and result."""

    id: int
    framework: str = Field(description="Framework id")
    framework_version: str
    assessed_on: dt.date
    assessor: str
    scores: dict[str, float | None] = Field(
        description="Per indicator id: the score given, on the framework's scale"
    )
    evidence: dict[str, str] = Field(description="Per indicator id: the evidence in words")
    evidence_files: dict[str, str] = Field(
        default_factory=dict,
        description="Per indicator id: the stored name of its evidence file (readers of the workspace may "
        "download it from the resilience page)",
    )
    overall: float | None = Field(
        description="Weighted mean of the dimension scores (0-100); null when nothing is scored"
    )
    coverage: float | None = Field(description="Share of all indicators scored (0-1)")
    by_dimension: list[DimensionScore]
    gaps: list[str] = Field(description="Indicators unscored or scored low, most important first")

    @classmethod
    def of(cls, view: _AssessmentView) -> SelfAssessment:
        result = view.result
        return cls.model_validate(
            {
                "id": view.id,
                "framework": view.framework.id,
                "framework_version": view.framework.version,
                "assessed_on": view.assessed_on,
                "assessor": view.assessor,
                "scores": view.scores,
                "evidence": view.evidence,
                "evidence_files": view.evidence_files,
                "overall": result.overall,
                "coverage": result.coverage,
                "by_dimension": result.by_dimension.reset_index().to_dict(orient="records"),
                "gaps": list(result.gaps),
            }
        )


def _view(row: ResilienceAssessment, settings: Settings | None = None) -> _AssessmentView:
    framework = _framework(row.framework, settings)
    scores = {s.indicator_id: s.score for s in row.scores}
    return _AssessmentView(
        id=row.id,
        framework=framework,
        assessed_on=row.assessed_on,
        assessor=row.assessor,
        scores=scores,
        evidence={s.indicator_id: s.evidence for s in row.scores if s.evidence},
        evidence_files={s.indicator_id: s.evidence_file for s in row.scores if s.evidence_file},
        result=score(framework, {k: v for k, v in scores.items() if k in framework.indicator_ids}),
    )


def self_assessments(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    framework: str | None = None,
    *,
    settings: Settings | None = None,
) -> list[SelfAssessment]:
    """All assessments of the municipality (oldest first), optionally of one framework."""
    require(principal, "read", municipality.id)
    query = select(ResilienceAssessment).where(ResilienceAssessment.municipality_id == municipality.id)
    if framework is not None:
        query = query.where(ResilienceAssessment.framework == framework)
    rows = session.scalars(query.order_by(ResilienceAssessment.assessed_on, ResilienceAssessment.id)).all()
    return [SelfAssessment.of(_view(row, settings)) for row in rows]


class DimensionChange(ServiceModel):
    """A dimension's score in the previous and in the latest assessment of the same framework."""

    dimension: str = Field(description="Dimension id")
    previous: float | None = Field(description="Score of the previous assessment (0-100); null: unscored")
    current: float | None = Field(description="Score of the latest assessment (0-100); null: unscored")
    change: float | None = Field(description="current - previous; null where either is unscored")


def changes_since_previous(
    history: Sequence[SelfAssessment], *, settings: Settings | None = None
) -> list[DimensionChange] | None:
    """Per dimension (in the framework's order): the previous and the latest of ``history`` (oldest first,
    as :func:`self_assessments` gives it) and the change; None unless both answer the same framework."""
    if len(history) < 2:
        return None
    previous, current = history[-2], history[-1]
    if previous.framework != current.framework:
        return None
    table = compare(_framework(current.framework, settings), previous.scores, current.scores)
    dimensions = table[table["level"] == "dimension"]
    return [
        DimensionChange.model_validate(
            {
                "dimension": row["id"],
                "previous": row["previous"],
                "current": row["current"],
                "change": row["change"],
            }
        )
        for row in dimensions.to_dict(orient="records")
    ]


def save_assessment(
    session: Session,
    settings: Settings,
    principal: Principal,
    municipality: Municipality,
    *,
    framework: str,
    assessed_on: dt.date,
    assessor: str,
    scores: Mapping[str, float | None],
    evidence: Mapping[str, str] | None = None,
    files: Mapping[str, tuple[str, bytes]] | None = None,
) -> SelfAssessment:
    """Record a new assessment (editors and admins): scores within the framework's scale, evidence text and
    files (stored under the data directory by content hash)."""
    require(principal, "write", municipality.id)
    spec = _framework(framework, settings)
    clean_scores = {k: v for k, v in scores.items() if v is not None}
    score(spec, clean_scores)  # validates ids and the scale
    if not assessor.strip():
        raise ValidationError("`assessor` must name who assessed; got an empty name")
    row = ResilienceAssessment(
        municipality_id=municipality.id, framework=spec.id, framework_version=spec.version,
        assessed_on=assessed_on, assessor=assessor.strip(), user_id=principal.user_id,
    )  # fmt: skip
    session.add(row)
    evidence = evidence or {}
    files = files or {}
    unknown = sorted(set(files) - set(spec.indicator_ids))
    if unknown:
        raise ValidationError(f"evidence files name unknown indicators: {', '.join(unknown)}")
    # Every file is checked before any is stored, so a rejected submission leaves nothing behind.
    for filename, content in files.values():
        if len(content) > _EVIDENCE_MAX:
            raise ValidationError(
                f"evidence files must be at most 20 MB; {client_filename(filename)} is larger"
            )
    for indicator in spec.indicator_ids:
        if indicator not in scores and indicator not in evidence and indicator not in files:
            continue
        stored_name = digest = None
        if indicator in files:
            filename, content = files[indicator]
            digest = _store_evidence(settings, municipality, content)
            stored_name = f"{digest[:16]}-{_SAFE_NAME.sub('_', client_filename(filename))[:80]}"
        row.scores.append(
            ResilienceScore(
                indicator_id=indicator, score=scores.get(indicator), evidence=(evidence.get(indicator) or "").strip(),
                evidence_file=stored_name, evidence_sha256=digest,
            )
        )  # fmt: skip
    session.flush()
    audit.record(
        session,
        principal,
        "assess",
        "resilience_assessment",
        entity_id=row.id,
        municipality_id=municipality.id,
        details={"framework": spec.id},
    )
    return SelfAssessment.of(_view(row, settings))


def add_self_assessment(
    session: Session,
    settings: Settings,
    principal: Principal,
    municipality: Municipality,
    *,
    framework: str,
    assessed_on: dt.date,
    assessor: str,
    scores: Mapping[str, float | None],
    evidence: Mapping[str, str] | None = None,
    files: Mapping[str, tuple[str, bytes]] | None = None,
) -> SelfAssessment:
    """Record a new self-assessment (editors and admins); see :func:`save_assessment`."""
    return save_assessment(
        session, settings, principal, municipality, framework=framework, assessed_on=assessed_on,
        assessor=assessor, scores=scores, evidence=evidence, files=files,
    )  # fmt: skip


def _evidence_folder(settings: Settings, municipality: Municipality) -> Path:
    return settings.data_dir / "evidence" / str(municipality.id)


def _store_evidence(settings: Settings, municipality: Municipality, content: bytes) -> str:
    """Store an evidence file under its SHA-256 (no client name, no extension) and return the hash.

    Written to a temporary name and renamed, so a reader never sees half a file; the same content is stored once.
    """
    digest = hashlib.sha256(content).hexdigest()
    folder = _evidence_folder(settings, municipality)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / digest
    if not target.is_file():
        partial = folder / f".{digest}.{secrets.token_hex(4)}.part"
        partial.write_bytes(content)
        partial.replace(target)
    return digest


#: Evidence is always downloaded (never shown in the app's origin); these types are kept, anything else is
#: sent as application/octet-stream. Active types (HTML, SVG, JavaScript, XML) are never among them.
_EVIDENCE_TYPES: Final = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence file to send: where it lies, the name to save it under and a safe media type."""

    path: Path
    filename: str
    media_type: str


def evidence_path(
    session: Session, settings: Settings, principal: Principal, municipality: Municipality, stored_name: str
) -> EvidenceFile:
    """The evidence file an assessment of the municipality refers to (readers of the workspace only).

    Only files named by a recorded score are served (a file left by a rejected submission is not); the media
    type comes from a short list of passive types, anything else is ``application/octet-stream``.
    """
    require(principal, "read", municipality.id)
    digest = session.scalar(
        select(ResilienceScore.evidence_sha256)
        .join(ResilienceAssessment)
        .where(
            ResilienceAssessment.municipality_id == municipality.id,
            ResilienceScore.evidence_file == stored_name,
        )
        .limit(1)
    )
    if digest is None:
        raise NotFoundError("No such evidence file.")
    folder = _evidence_folder(settings, municipality)
    candidates = [folder / digest]
    if not _SAFE_NAME.search(stored_name) and "/" not in stored_name:
        candidates.append(folder / stored_name)  # stored before files were kept under their hash
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        raise NotFoundError("No such evidence file.")
    label = stored_name.split("-", 1)[-1]
    media_type = _EVIDENCE_TYPES.get(Path(label).suffix.lower(), "application/octet-stream")
    return EvidenceFile(path=path, filename=label, media_type=media_type)


def delete_ledger(session: Session, principal: Principal, municipality: Municipality) -> int:
    """Remove every ledger entry of the workspace (admins)."""
    require(principal, "admin", municipality.id)
    result = session.execute(delete(LedgerEntry).where(LedgerEntry.municipality_id == municipality.id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
