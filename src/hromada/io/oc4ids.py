"""Projects as an Open Contracting for Infrastructure Data Standard (OC4IDS) project package.

The package follows the OC4IDS 0.9 project package structure (``uri``, ``publishedDate``, ``publisher``,
``version``, ``projects``) with the standard's codelists for ``status``, ``type`` and ``sector``. Hromada's
RDNA sectors are mapped to OC4IDS sectors; a sector without a counterpart is left out of ``sector`` and kept
in ``additionalClassifications`` so nothing is lost. Restricted data (asset locations) is never exported:
``locations`` carries only the project's public description of its place.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any, Final

from hromada.errors import ValidationError

__all__ = ["PROJECT_STATUSES", "PROJECT_TYPES", "SECTOR_MAP", "project_package", "validate_package"]

PROJECT_STATUSES: Final = (
    "identification",
    "preparation",
    "implementation",
    "completion",
    "completed",
    "cancelled",
)
PROJECT_TYPES: Final = (
    "construction",
    "maintenance",
    "rehabilitation",
    "replacement",
    "expansion",
    "decommissioning",
)
SECTOR_MAP: Final[Mapping[str, str]] = {
    "housing": "socialHousing",
    "education": "education",
    "health": "health",
    "social_protection": "governance",
    "culture": "cultureSportsAndRecreation",
    "agriculture": "economy",
    "commerce_industry": "economy",
    "finance": "economy",
    "energy": "energy",
    "transport": "transport",
    "telecommunications": "communications",
    "water_sanitation": "waterAndWaste",
    "municipal_services": "waterAndWaste",
    "irrigation": "naturalResources",
    "environment": "naturalResources",
    "public_administration": "governance",
    "civil_protection": "governance",
}


def _given(value: Any) -> bool:
    """Whether an optional field holds something (not None, NaN or blank)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return bool(str(value).strip())


def _project(record: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    record = {key: value for key, value in record.items() if _given(value)}  # a missing field is absent
    status = str(record.get("stage") or "identification")
    if status not in PROJECT_STATUSES:
        raise ValidationError(
            f"project {record.get('key')!r}: `stage` must be one of {', '.join(PROJECT_STATUSES)}; got {status!r}"
        )
    kind = str(record.get("type") or "")
    sector = str(record.get("sector") or "")
    project: dict[str, Any] = {
        "id": f"{prefix}-{record['key']}",
        "title": str(record.get("title", record["key"])),
        "status": status,
    }
    if "cost" in record:  # a project not costed yet has no budget (not a budget of zero)
        project["budget"] = {
            "amount": {"amount": float(record["cost"]), "currency": str(record.get("currency") or "UAH")}
        }
    if record.get("description"):
        project["description"] = str(record["description"])
    if kind in PROJECT_TYPES:
        project["type"] = kind
    if sector in SECTOR_MAP:
        project["sector"] = [SECTOR_MAP[sector]]
    project["additionalClassifications"] = [{"scheme": "RDNA-sector", "id": sector}] if sector else []
    if record.get("location"):
        project["locations"] = [{"id": "1", "description": str(record["location"])}]
    if record.get("start_year"):
        start = int(record["start_year"])
        end = start + max(1, int(record.get("duration_years") or 1)) - 1
        project["period"] = {"startDate": f"{start}-01-01T00:00:00Z", "endDate": f"{end}-12-31T23:59:59Z"}
    if record.get("cost_date") and "budget" in project:
        project["budget"]["approvalDate"] = f"{record['cost_date']}T00:00:00Z"
    return project


def project_package(
    projects: Iterable[Mapping[str, Any]],
    *,
    publisher: str,
    uri: str,
    id_prefix: str,
    published: dt.datetime | None = None,
) -> dict[str, Any]:
    """Build an OC4IDS project package from project records (``key``, ``title``, ``stage``, ``type``,
    ``sector``, ``cost``, ``currency``, optional ``description``, ``location``, ``start_year``,
    ``duration_years``, ``cost_date``). ``id_prefix`` makes project ids globally unique (for example
    ``oc4ids-xxxxxx-UA63120000000012345``)."""
    stamp = (published or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    package = {
        "uri": uri,
        "publishedDate": stamp,
        "publisher": {"name": publisher},
        "version": "0.9",
        "projects": [_project(record, id_prefix) for record in projects],
    }
    validate_package(package)
    return package


def validate_package(package: Mapping[str, Any]) -> None:
    """Check the required structure and codelists of a project package; raise :class:`ValidationError`."""
    for key in ("uri", "publishedDate", "publisher", "version", "projects"):
        if key not in package:
            raise ValidationError(f"an OC4IDS package needs `{key}`")
    ids = [p.get("id") for p in package["projects"]]
    if len(ids) != len(set(ids)):
        raise ValidationError("OC4IDS project ids must be unique in a package")
    for project in package["projects"]:
        if project.get("status") not in PROJECT_STATUSES:
            raise ValidationError(
                f"project {project.get('id')}: status {project.get('status')!r} is not in the OC4IDS codelist"
            )
        if "type" in project and project["type"] not in PROJECT_TYPES:
            raise ValidationError(
                f"project {project.get('id')}: type {project['type']!r} is not in the OC4IDS codelist"
            )
        amount = project.get("budget", {}).get("amount", {})
        if (
            not isinstance(amount.get("amount"), (int, float))
            or amount["amount"] < 0
            or len(str(amount.get("currency", ""))) != 3
        ):
            raise ValidationError(
                f"project {project.get('id')}: budget amount must be a non-negative number with a currency"
            )
