"""The workspace database: SQLAlchemy 2 models, engines and sessions, Alembic migrations."""

from hromada.db.base import Base, utcnow
from hromada.db.engine import make_engine, make_session_factory, session_scope
from hromada.db.models import (
    ApiToken,
    AuditLog,
    ImportRecord,
    Membership,
    Municipality,
    MunicipalityStatus,
    ReferenceDataset,
    Role,
    StatisticSeries,
    User,
)

__all__ = [
    "ApiToken",
    "AuditLog",
    "Base",
    "ImportRecord",
    "Membership",
    "Municipality",
    "MunicipalityStatus",
    "ReferenceDataset",
    "Role",
    "StatisticSeries",
    "User",
    "make_engine",
    "make_session_factory",
    "session_scope",
    "utcnow",
]
