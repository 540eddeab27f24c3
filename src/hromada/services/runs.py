"""Stored analysis runs: one way to record a result with its provenance, and one way to find the latest."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada._version import __version__
from hromada.db.models import AnalysisRun, Municipality
from hromada.services import audit
from hromada.services._json import json_safe
from hromada.services.access import Principal

__all__ = ["content_hash", "latest", "store"]


def content_hash(data: Any) -> str:
    """SHA-256 of ``data`` as canonical JSON (keys sorted, NaN as null): the hash of what a run was computed from."""
    return hashlib.sha256(json.dumps(json_safe(data), sort_keys=True, default=str).encode()).hexdigest()


def store(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    *,
    domain: str,
    preset: str,
    parameters: dict[str, Any],
    results: dict[str, Any],
    data_hash: str,
) -> AnalysisRun:
    """Add a run (JSON-safe parameters and results, the version) in the caller's transaction, and audit it."""
    row = AnalysisRun(
        municipality_id=municipality.id,
        domain=domain,
        preset=preset,
        parameters=json_safe(parameters),
        data_hash=data_hash,
        version=__version__,
        user_id=principal.user_id,
        results=json_safe(results),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "analyze",
        "analysis_run",
        entity_id=row.id,
        municipality_id=municipality.id,
        details={"domain": domain, "preset": preset, "data_hash": data_hash},
    )
    return row


def latest(session: Session, municipality: Municipality, domain: str) -> AnalysisRun | None:
    """The most recent run of ``domain`` for the municipality (the caller checks permissions)."""
    return session.scalar(
        select(AnalysisRun)
        .where(AnalysisRun.municipality_id == municipality.id, AnalysisRun.domain == domain)
        .order_by(AnalysisRun.created_at.desc(), AnalysisRun.id.desc())
        .limit(1)
    )
