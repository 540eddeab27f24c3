"""ORM models of the workspace: tenants, accounts, audit trail and statistics."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hromada.db.base import Base, utcnow

__all__ = [
    "AnalysisRun",
    "ApiToken",
    "Asset",
    "AuditLog",
    "CommunicationItem",
    "Consultation",
    "Dependency",
    "ExchangeRate",
    "FundingSource",
    "Goal",
    "ImportRecord",
    "Kpi",
    "LedgerEntry",
    "Measure",
    "Membership",
    "Municipality",
    "MunicipalityStatus",
    "Partnership",
    "Project",
    "ReferenceDataset",
    "ResilienceAssessment",
    "ResilienceScore",
    "Role",
    "SignInFailure",
    "Stakeholder",
    "StatisticSeries",
    "Strategy",
    "SwotItem",
    "User",
    "UserSession",
]


class Role(enum.StrEnum):
    """A user's role inside one municipality's workspace (ordered: viewer < editor < admin)."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}[self]


class MunicipalityStatus(enum.StrEnum):
    """The situation of a municipality that changes what is possible there."""

    FRONTLINE = "frontline"
    DEOCCUPIED = "de-occupied"
    HOSTING_IDP = "hosting-idp"
    REAR = "rear"


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Municipality(Base):
    """A territorial community (hromada): the tenant that owns a workspace."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(19), unique=True, comment="KATOTTG code: UA + 17 digits")
    name_uk: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    name_de: Mapped[str | None] = mapped_column(String(200))
    oblast_code: Mapped[str] = mapped_column(String(4), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="urban")
    status: Mapped[MunicipalityStatus] = mapped_column(
        _enum(MunicipalityStatus, "municipality_status"), default=MunicipalityStatus.REAR
    )
    population: Mapped[int | None] = mapped_column(Integer)
    area_km2: Mapped[float | None] = mapped_column(Float)
    idp_share: Mapped[float | None] = mapped_column(Float)
    description: Mapped[dict[str, Any]] = mapped_column(default=dict, comment="text per locale")
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="municipality", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("population IS NULL OR population >= 0", name="population_nonnegative"),
        CheckConstraint("area_km2 IS NULL OR area_km2 > 0", name="area_positive"),
    )

    def name(self, locale: str) -> str:
        """The name in ``locale`` (German falls back to the English transliteration)."""
        if locale == "uk":
            return self.name_uk
        if locale == "de" and self.name_de:
            return self.name_de
        return self.name_en


class User(Base):
    """A person who logs in. Facilitators see and manage every municipality of the network."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_facilitator: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")


class Membership(Base):
    """A user's role in one municipality."""

    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(_enum(Role, "membership_role"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    municipality: Mapped[Municipality] = relationship(back_populates="memberships")

    __table_args__ = (UniqueConstraint("user_id", "municipality_id"),)


class ApiToken(Base):
    """A personal access token for the REST API; only its SHA-256 hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class UserSession(Base):
    """A browser session on the server side: the signed cookie carries a random token, only its SHA-256 hash is
    stored, and a request is signed in only while its record is live (not ended, not expired). Logging out,
    changing the password or deactivating the account ends records, whatever cookies are still around."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256 of the cookie's token")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow, comment="updated at most once a minute")
    expires_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(16), comment="logout, ended, password, deactivated")
    user_agent: Mapped[str] = mapped_column(String(200), default="", comment="shortened User-Agent")
    address: Mapped[str] = mapped_column(String(64), default="", comment="client address at sign-in")

    user: Mapped[User] = relationship()


class SignInFailure(Base):
    """A failed password check, kept for the throttling window; the database is shared by every worker process,
    so the limits hold across them. The account is stored as a hash of the normalised e-mail (unknown e-mails
    are counted the same way, so a refusal says nothing about whether an account exists)."""

    __tablename__ = "sign_in_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    account_key: Mapped[str] = mapped_column(String(64), comment="SHA-256 of the normalised e-mail")
    address: Mapped[str] = mapped_column(String(64), comment="client address")
    cleared: Mapped[bool] = mapped_column(
        default=False, comment="the account signed in since: no longer counted for the account"
    )

    __table_args__ = (
        Index("ix_sign_in_failure_account", "account_key", "at"),
        Index("ix_sign_in_failure_address", "address", "at"),
    )


class AuditLog(Base):
    """Who changed what, when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ImportRecord(Base):
    """One accepted import of a statistics file: its provenance."""

    __tablename__ = "import_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    layout: Mapped[str] = mapped_column(String(8))
    rows: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class StatisticSeries(Base):
    """One observation: a measure for a region (municipality or oblast code), year and NACE sector.

    The natural key is (workspace, region, year, sector, measure); re-importing a file updates values in
    place and never duplicates rows.
    """

    __tablename__ = "statistic_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    region_code: Mapped[str] = mapped_column(String(19))
    year: Mapped[int] = mapped_column(Integer)
    sector_code: Mapped[str] = mapped_column(String(8), comment="NACE Rev. 2 code, or _T for the total")
    measure: Mapped[str] = mapped_column(String(32))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_record.id", ondelete="SET NULL"))

    __table_args__ = (
        UniqueConstraint("municipality_id", "region_code", "year", "sector_code", "measure"),
        Index("ix_statistic_series_lookup", "municipality_id", "measure", "year"),
    )


class ReferenceDataset(Base):
    """A reference dataset kept as a columnar file under the data directory (e.g. the national panel)."""

    __tablename__ = "reference_dataset"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    path: Mapped[str] = mapped_column(String(500), comment="relative to the data directory")
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    provenance: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AnalysisRun(Base):
    """One stored analysis of a municipality, with what it was computed from and how.

    ``results`` holds the tables the pages and the API show; ``data_hash``, ``preset``, ``parameters`` and
    ``version`` say exactly which data, conventions and code produced them, so a result can be reproduced and
    explained.
    """

    __tablename__ = "analysis_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(32), comment="economy, shocks, infrastructure, ...")
    preset: Mapped[str] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    data_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    results: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (Index("ix_analysis_run_latest", "municipality_id", "domain", "created_at"),)


# --------------------------------------------------------------------------------------------------------
# Assessment: damage, losses and needs; resilience self-assessment


class LedgerEntry(Base):
    """One damage, loss or need figure of a municipality, in RDNA terms."""

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    sector: Mapped[str] = mapped_column(String(32), comment="RDNA sector code, see hromada.data.rdna")
    kind: Mapped[str] = mapped_column(String(8), comment="damage, loss or need")
    amount: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    valuation_date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[str] = mapped_column(String(8), default="medium")
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("infrastructure_asset.id", ondelete="SET NULL"))
    bbb_factor: Mapped[float] = mapped_column(
        Float, default=1.0, comment="build-back-better multiplier (needs)"
    )
    term: Mapped[str | None] = mapped_column(String(8), comment="short or medium (needs)")
    description: Mapped[str] = mapped_column(Text, default="")
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_record.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("kind IN ('damage', 'loss', 'need')", name="kind_known"),
    )


class ExchangeRate(Base):
    """A rate stated by the workspace: units of ``target`` per unit of ``currency`` on ``date``."""

    __tablename__ = "exchange_rate"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(String(3))
    target: Mapped[str] = mapped_column(String(3), default="UAH")
    date: Mapped[dt.date] = mapped_column(Date)
    rate: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("municipality_id", "currency", "target", "date"),
        CheckConstraint("rate > 0", name="rate_positive"),
    )


class ResilienceAssessment(Base):
    """One self-assessment of a municipality against a framework, on a date."""

    __tablename__ = "resilience_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    framework: Mapped[str] = mapped_column(String(100))
    framework_version: Mapped[str] = mapped_column(String(32))
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    assessor: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    scores: Mapped[list[ResilienceScore]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="ResilienceScore.indicator_id"
    )


class ResilienceScore(Base):
    """The score of one indicator in one assessment, with its evidence."""

    __tablename__ = "resilience_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("resilience_assessment.id", ondelete="CASCADE"))
    indicator_id: Mapped[str] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_file: Mapped[str | None] = mapped_column(
        String(255), comment="stored name under the data directory"
    )
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))

    assessment: Mapped[ResilienceAssessment] = relationship(back_populates="scores")

    __table_args__ = (UniqueConstraint("assessment_id", "indicator_id"),)


# --------------------------------------------------------------------------------------------------------
# Critical infrastructure (restricted data)


class Asset(Base):
    """A critical asset of a municipality. Location and weakness are restricted (see ``released``)."""

    __tablename__ = "infrastructure_asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64), comment="the municipality's own asset id")
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    service: Mapped[str] = mapped_column(String(32))
    population_served: Mapped[float] = mapped_column(Float, default=0.0)
    capacity: Mapped[float | None] = mapped_column(Float)
    replacement_cost: Mapped[float | None] = mapped_column(Float)
    repair_days: Mapped[float | None] = mapped_column(Float)
    repair_cost: Mapped[float | None] = mapped_column(Float)
    backup_hours: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16), default="operational")
    latitude: Mapped[float | None] = mapped_column(Float, comment="restricted")
    longitude: Mapped[float | None] = mapped_column(Float, comment="restricted")
    weakness: Mapped[str] = mapped_column(Text, default="", comment="restricted")
    released: Mapped[list[str]] = mapped_column(
        JSON, default=list, comment="restricted fields an admin released"
    )
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("municipality_id", "key"),)


class Dependency(Base):
    """The consumer needs the supplier (in redundancy group ``group_label``, ``required`` of its suppliers)."""

    __tablename__ = "infrastructure_dependency"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(ForeignKey("infrastructure_asset.id", ondelete="CASCADE"))
    consumer_id: Mapped[int] = mapped_column(ForeignKey("infrastructure_asset.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="power")
    group_label: Mapped[str | None] = mapped_column(String(64))
    required: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        UniqueConstraint("supplier_id", "consumer_id"),
        CheckConstraint("supplier_id <> consumer_id", name="not_self"),
        CheckConstraint("required >= 1", name="required_positive"),
    )


# --------------------------------------------------------------------------------------------------------
# Strategy: vision, SWOT, goals -> objectives -> KPIs -> measures


class Strategy(Base):
    """A municipality's recovery strategy: its vision and horizon."""

    __tablename__ = "strategy"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), unique=True
    )
    vision: Mapped[str] = mapped_column(Text, default="")
    horizon_year: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SwotItem(Base):
    """A strength, weakness, opportunity or threat, optionally backed by evidence from an analysis.

    ``status`` is ``suggested`` (proposed by Hromada from the data), ``accepted``, ``edited`` or ``rejected``.
    """

    __tablename__ = "swot_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    quadrant: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict, comment="kind, reference and figures")
    status: Mapped[str] = mapped_column(String(16), default="accepted")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "quadrant IN ('strength', 'weakness', 'opportunity', 'threat')", name="quadrant_known"
        ),
    )


class Goal(Base):
    """A strategic goal, or an objective under a goal (``parent_id``)."""

    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32), comment="e.g. G1 or G1.2")
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("municipality_id", "key"),)


class Kpi(Base):
    """A key performance indicator of an objective: baseline, target, deadline, direction, data source."""

    __tablename__ = "kpi"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    objective_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(32), default="")
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[dt.date | None] = mapped_column(Date)
    target_value: Mapped[float | None] = mapped_column(Float)
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    direction: Mapped[str] = mapped_column(String(8), default="increase")
    data_source: Mapped[str] = mapped_column(Text, default="")


class Measure(Base):
    """A measure (action) that serves an objective."""

    __tablename__ = "measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    objective_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------------------------------------
# Partners


class Stakeholder(Base):
    """A partner or stakeholder: type, role, influence and interest (1-5) for the power-interest grid."""

    __tablename__ = "stakeholder"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(
        String(24), comment="public, private, civil_society, international, academia, donor"
    )
    role: Mapped[str] = mapped_column(Text, default="")
    influence: Mapped[int] = mapped_column(Integer, default=3)
    interest: Mapped[int] = mapped_column(Integer, default=3)
    contact: Mapped[str] = mapped_column(Text, default="", comment="personal data: editors and admins only")

    __table_args__ = (
        UniqueConstraint("municipality_id", "name"),
        CheckConstraint("influence BETWEEN 1 AND 5", name="influence_range"),
        CheckConstraint("interest BETWEEN 1 AND 5", name="interest_range"),
    )


class Partnership(Base):
    """Who works with whom on what: commitments and dates, linked to a goal or a project."""

    __tablename__ = "partnership"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id", ondelete="CASCADE"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(Text)
    commitments: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="SET NULL"))


class Consultation(Base):
    """A public consultation: topic, the window for proposals, proposals received and responses."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    topic: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    proposals_received: Mapped[int] = mapped_column(Integer, default=0)
    responses: Mapped[str] = mapped_column(Text, default="")


class CommunicationItem(Base):
    """One line of the communication plan: audience, message, channel, timing."""

    __tablename__ = "communication_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(100))
    timing: Mapped[str] = mapped_column(String(100))


# --------------------------------------------------------------------------------------------------------
# Projects and financing


class Project(Base):
    """A recovery project in the pipeline (stages compatible with OC4IDS)."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(16), default="identification")
    type: Mapped[str] = mapped_column(
        String(32), comment="construction, rehabilitation, replacement, expansion, ..."
    )
    sector: Mapped[str] = mapped_column(String(32), comment="RDNA sector code")
    cost: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3), default="UAH")
    cost_date: Mapped[dt.date | None] = mapped_column(Date)
    start_year: Mapped[int | None] = mapped_column(Integer)
    duration_years: Mapped[int] = mapped_column(Integer, default=1)
    location: Mapped[str] = mapped_column(Text, default="")
    location_status: Mapped[str] = mapped_column(String(16), default="rear")
    documents_ready: Mapped[bool] = mapped_column(Boolean, default=False)
    strategy_aligned: Mapped[bool] = mapped_column(Boolean, default=False)
    cofinancing_share: Mapped[float] = mapped_column(Float, default=0.0)
    goal_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    asset_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    need_ids: Mapped[list[int]] = mapped_column(JSON, default=list, comment="ledger entries (needs) it meets")
    depends_on: Mapped[list[str]] = mapped_column(JSON, default=list, comment="keys of projects it needs")
    excludes: Mapped[list[str]] = mapped_column(JSON, default=list, comment="keys of alternative projects")
    criteria: Mapped[dict[str, Any]] = mapped_column(default=dict, comment="criterion -> score for ranking")
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("municipality_id", "key"),
        CheckConstraint("cost >= 0", name="cost_not_negative"),
    )


class FundingSource(Base):
    """A source of money with amounts per year, eligibility, co-financing rules and loan terms."""

    __tablename__ = "funding_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(
        String(24), comment="own_budget, state_subvention, regional_fund, ifi_loan, grant, donor, ppp"
    )
    amounts: Mapped[dict[str, Any]] = mapped_column(default=dict, comment="year -> amount (UAH)")
    eligible_sectors: Mapped[str] = mapped_column(Text, default="*")
    eligible_types: Mapped[str] = mapped_column(Text, default="*")
    max_share: Mapped[float] = mapped_column(Float, default=1.0)
    interest_rate: Mapped[float | None] = mapped_column(Float)
    tenor_years: Mapped[int | None] = mapped_column(Integer)
    grace_years: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("municipality_id", "key"),)


class FinancePlan(Base):
    """How a municipality ranks and finances its pipeline: planning years, published criteria and weights
    (with the AHP judgements they came from) and the borrowing rule (revenue forecast and limits)."""

    __tablename__ = "finance_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), unique=True
    )
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    criteria: Mapped[dict[str, Any] | None] = mapped_column(
        comment="criterion -> {weight, direction}; None: the default criteria"
    )
    ahp: Mapped[dict[str, Any] | None] = mapped_column(
        comment="pairwise judgements [[a, b, value], ...] and the consistency ratio they gave"
    )
    revenue: Mapped[dict[str, Any]] = mapped_column(default=dict, comment="year -> forecast revenue (UAH)")
    debt_service_share: Mapped[float | None] = mapped_column(
        Float, comment="largest share of revenue for debt service; None: not checked"
    )
    max_debt_ratio: Mapped[float | None] = mapped_column(
        Float, comment="largest outstanding debt as a multiple of revenue; None: not checked"
    )
    existing_service: Mapped[dict[str, Any]] = mapped_column(
        default=dict, comment="year -> committed service"
    )
    existing_debt: Mapped[dict[str, Any]] = mapped_column(default=dict, comment="year -> outstanding debt")
    gates: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JSON, comment="eligibility rules [{name, column, op, value, message}]; None: the default rules"
    )
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("last_year >= first_year", name="years_ordered"),)


# --------------------------------------------------------------------------------------------------------
# Background jobs


class JobState(enum.StrEnum):
    """Where a background job stands: queued -> running -> done, failed or cancelled."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class Job(Base):
    """Long work (an import, a report) run in the background by a worker, with its progress and outcome.

    The row is the only shared state: any worker process claims a queued job by switching it to ``running``
    (see :mod:`hromada.services.jobs`), writes progress and a heartbeat while it runs, and stores the
    result or the error. ``cancel_requested`` asks the running worker to stop; a job whose heartbeat is
    stale (its worker died) is failed by the next claim.
    """

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), comment="registered job kind, e.g. statistics_import")
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    state: Mapped[JobState] = mapped_column(_enum(JobState, "job_state"), default=JobState.QUEUED)
    progress: Mapped[float] = mapped_column(Float, default=0.0, comment="0 to 1")
    message: Mapped[str] = mapped_column(String(200), default="", comment="stage key, optionally done/total")
    parameters: Mapped[dict[str, Any]] = mapped_column(
        default=dict, comment="what the job works on; keys starting with _ are not shown"
    )
    result: Mapped[dict[str, Any] | None] = mapped_column(comment="the outcome of a done job")
    error: Mapped[dict[str, Any] | None] = mapped_column(
        comment="code, message and, for a rejected file, total and issues"
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    heartbeat_at: Mapped[dt.datetime | None]
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker: Mapped[str | None] = mapped_column(String(100), comment="id of the worker running it")

    __table_args__ = (
        Index("ix_job_state", "state", "id"),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress_range"),
    )
