"""Projects exported as an OC4IDS project package (codelists from the standard, see DOMAIN.md)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hromada.errors import ValidationError
from hromada.io.oc4ids import PROJECT_STATUSES, project_package, validate_package

PROJECT = {
    "key": "P-01",
    "title": "Rebuild the water treatment plant",
    "description": "Replace the destroyed filters and add backup power",
    "stage": "preparation",
    "type": "rehabilitation",
    "sector": "water_sanitation",
    "cost": 48_000_000.0,
    "currency": "UAH",
    "location": "Northern district",
    "start_year": 2026,
    "duration_years": 2,
    "cost_date": "2025-11-01",
}


def test_package_structure_codelists_and_no_restricted_fields() -> None:
    package = project_package(
        [PROJECT, {**PROJECT, "key": "P-02", "sector": "explosive_hazards", "type": "demining"}],
        publisher="Test community",
        uri="https://example.org/oc4ids.json",
        id_prefix="oc4ids-abc123-UA63120000000012345",
        published=dt.datetime(2026, 11, 24, tzinfo=dt.UTC),
    )
    first, second = package["projects"]
    assert package["version"] == "0.9" and package["publishedDate"] == "2026-11-24T00:00:00Z"
    assert first["id"] == "oc4ids-abc123-UA63120000000012345-P-01"
    assert first["status"] in PROJECT_STATUSES and first["type"] == "rehabilitation"
    assert first["sector"] == ["waterAndWaste"]
    assert first["budget"] == {
        "amount": {"amount": 48_000_000.0, "currency": "UAH"},
        "approvalDate": "2025-11-01T00:00:00Z",
    }
    assert first["period"] == {"startDate": "2026-01-01T00:00:00Z", "endDate": "2027-12-31T23:59:59Z"}
    # A sector or type without an OC4IDS code is kept as an additional classification, never invented.
    assert "sector" not in second and "type" not in second
    assert second["additionalClassifications"] == [{"scheme": "RDNA-sector", "id": "explosive_hazards"}]
    text = json.dumps(package)
    assert "latitude" not in text and "weakness" not in text


def test_invalid_projects_are_refused() -> None:
    with pytest.raises(ValidationError, match="stage"):
        project_package([{**PROJECT, "stage": "dreaming"}], publisher="x", uri="u", id_prefix="p")
    with pytest.raises(ValidationError, match="unique"):
        project_package([PROJECT, PROJECT], publisher="x", uri="u", id_prefix="p")
    with pytest.raises(ValidationError, match="needs `projects`"):
        validate_package({"uri": "u", "publishedDate": "d", "publisher": {}, "version": "0.9"})


def test_missing_optional_fields_are_left_out_not_a_crash() -> None:
    # A project without start year, duration, cost date or description (NaN from a table, None, blank):
    # the export leaves those parts out instead of failing (int(NaN) used to raise).
    nan = float("nan")
    package = project_package(
        [
            {"key": "P-9", "title": "Shelter", "stage": "identification", "type": "construction",
             "sector": "education", "cost": 1_000_000.0, "currency": "UAH", "start_year": nan,
             "duration_years": nan, "cost_date": None, "description": "", "location": nan},
            {"key": "P-10", "title": "Bridge", "stage": "identification", "cost": 5e5, "start_year": 2027.0,
             "duration_years": nan},
        ],
        publisher="Test", uri="https://example.org/p.json", id_prefix="oc4ids-test",
    )  # fmt: skip
    first, second = package["projects"]
    assert "period" not in first and "description" not in first and "locations" not in first
    assert "approvalDate" not in first["budget"]
    assert second["period"]["startDate"].startswith("2027-01-01") and second["period"]["endDate"].startswith(
        "2027-12-31"
    )
