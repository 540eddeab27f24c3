"""The audit trail: every change is recorded with who, what and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hromada.db.models import AuditLog
from hromada.services.access import Principal

__all__ = ["record"]


def record(
    session: Session,
    principal: Principal | None,
    action: str,
    entity: str,
    *,
    entity_id: object | None = None,
    municipality_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Add an audit entry to the current transaction (it commits or rolls back with the change)."""
    entry = AuditLog(
        user_id=principal.user_id if principal else None,
        municipality_id=municipality_id,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        details=details or {},
    )
    session.add(entry)
    return entry
