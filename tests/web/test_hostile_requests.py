"""Issue 17's findings reproduced through the app, as an attacker or a careless client would send them.

Each test names its finding; each failed before the fix (a 500, a live formula, a deleted network, an active
file type served from the app's origin, a 500 page without security headers).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hromada.data.demo_strategy import demo_strategy
from hromada.db.engine import make_engine, make_session_factory, session_scope
from hromada.db.models import Dependency, ImportRecord, Municipality
from hromada.http.security import CONTENT_SECURITY_POLICY
from hromada.services import projects
from tests.web.conftest import (
    ASSETS_CSV,
    CODE_A,
    DEPENDENCIES_CSV,
    EVIDENCE_NAME,
    LEDGER_CSV,
    Workspace,
    csrf_from,
)

HOSTILE_TITLES = [
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@contextmanager
def _db(workspace: Workspace) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{(workspace.data_dir / 'hromada.sqlite3').as_posix()}")
    try:
        with session_scope(make_session_factory(engine)) as s:
            yield s
    finally:
        engine.dispose()


def _bearer(workspace: Workspace, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {workspace.tokens[who]}"}


def _dependencies(workspace: Workspace) -> int:
    with _db(workspace) as s:
        municipality_id = s.scalar(select(Municipality.id).where(Municipality.code == CODE_A))
        return s.scalar(select(func.count()).where(Dependency.municipality_id == municipality_id)) or 0


# ---------------------------------------------------------------------------- finding 6: formula injection


@pytest.fixture(scope="module")
def hostile_projects(workspace: Workspace) -> list[str]:
    """Municipality A's three projects, retitled as formulas."""
    with _db(workspace) as s:
        municipality = s.scalars(select(Municipality).where(Municipality.code == CODE_A)).one()
        demo = demo_strategy(CODE_A, "Fixture", 30_000, "rear")
        pipeline = demo.projects.head(3).assign(
            title=HOSTILE_TITLES,
            documents_ready=True,
            strategy_aligned=True,
            cofinancing_share=0.2,
            location_status="rear",
        )
        projects.save_projects(s, municipality, pipeline)
    return HOSTILE_TITLES


def _cells_xlsx(content: bytes) -> list[tuple[object, str]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [(cell.value, cell.data_type) for sheet in book for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("via", ["api", "web"])
def test_hostile_titles_stay_text_in_ranking_downloads(
    workspace: Workspace, hostile_projects: list[str], fmt: str, via: str
) -> None:
    if via == "api":
        client = workspace.client(None)
        response = client.get(
            f"/api/v1/municipalities/{CODE_A}/projects/ranking.{fmt}", headers=_bearer(workspace, "viewer")
        )
    else:
        response = workspace.client("viewer").get(f"/municipalities/{CODE_A}/projects/ranking.{fmt}")
    assert response.status_code == 200, response.text
    if fmt == "xlsx":
        cells = _cells_xlsx(response.content)
        assert all(kind != "f" for _, kind in cells), "a cell became a formula"
        texts = {value for value, _ in cells if isinstance(value, str)}
    else:
        texts = {
            cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row
        }
    for title in hostile_projects:
        assert "'" + title in texts
        assert title not in texts


def test_hostile_titles_stay_text_in_the_portfolio_download(
    workspace: Workspace, hostile_projects: list[str]
) -> None:
    client = workspace.client(None)
    headers = _bearer(workspace, "admin")
    planned = client.post(f"/api/v1/municipalities/{CODE_A}/projects/portfolio", headers=headers, json={})
    assert planned.status_code == 201, planned.text
    response = client.get(f"/api/v1/municipalities/{CODE_A}/projects/portfolio.xlsx", headers=headers)
    assert response.status_code == 200, response.text
    cells = _cells_xlsx(response.content)
    assert all(kind != "f" for _, kind in cells)
    assert not {value for value, _ in cells} & set(hostile_projects)


# ----------------------------------------------------------------------- finding 7: uploads and file names

HOSTILE_NAMES = ["../../../../tmp/pwn1.csv", "..", "a" * 300 + ".csv", "..\\..\\pwn2.csv", "\x00evil.csv"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_ledger_api_takes_any_file_name_as_a_label(workspace: Workspace, name: str) -> None:
    client = workspace.client(None)
    response = client.post(
        f"/api/v1/municipalities/{CODE_A}/ledger/import?dry_run=true",
        headers=_bearer(workspace, "editor"),
        files={"file": (name, LEDGER_CSV, "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == 1


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_web_infrastructure_import_takes_any_file_name_as_a_label(workspace: Workspace, name: str) -> None:
    client = workspace.client("editor")
    token = csrf_from(client.get(f"/municipalities/{CODE_A}/infrastructure").text)
    response = client.post(
        f"/municipalities/{CODE_A}/infrastructure/import",
        data={"csrf_token": token, "dry_run": "true"},
        files={
            "assets_file": (name, ASSETS_CSV, "text/csv"),
            "dependencies_file": (name, DEPENDENCIES_CSV, "text/csv"),
        },
    )
    assert response.status_code == 200, response.text
    assert "Checked, nothing written" in response.text or "Перевірено" in response.text


def test_the_stored_import_source_is_the_safe_label(workspace: Workspace) -> None:
    client = workspace.client(None)
    body = b"year,sector_code,measure,value\n2022,10,employment,120\n"
    response = client.post(
        f"/api/v1/municipalities/{CODE_A}/statistics/import",
        headers=_bearer(workspace, "editor"),
        files={"file": ("../../../etc/pwn1.csv", body, "text/csv")},
    )
    assert response.status_code == 200, response.text
    with _db(workspace) as s:
        sources = set(s.scalars(select(ImportRecord.filename)))
    assert "pwn1.csv" in sources
    assert not any("/" in name or ".." in name for name in sources)


def test_a_header_only_dependencies_file_deletes_nothing_without_replace(workspace: Workspace) -> None:
    """A file with only the header silently deleted every dependency of the municipality."""
    before = _dependencies(workspace)
    assert before == 3
    client_web = workspace.client("editor")
    token = csrf_from(client_web.get(f"/municipalities/{CODE_A}/infrastructure").text)
    files = {
        "assets_file": ("assets.csv", ASSETS_CSV, "text/csv"),
        "dependencies_file": ("deps.csv", b"supplier,consumer,kind\n", "text/csv"),
    }
    refused = client_web.post(
        f"/municipalities/{CODE_A}/infrastructure/import", data={"csrf_token": token}, files=files
    )
    assert refused.status_code == 422
    assert "replace" in refused.text
    assert _dependencies(workspace) == before

    dry = client_web.post(
        f"/municipalities/{CODE_A}/infrastructure/import",
        data={"csrf_token": token, "dry_run": "true"},
        files=files,
    )
    assert dry.status_code == 200
    for label in ("PS-01 → WP-01 (power)", "PS-01 → HOSP-01 (power)", "WP-01 → HOSP-01 (water)"):
        assert label in dry.text
    assert _dependencies(workspace) == before

    confirmed = client_web.post(
        f"/municipalities/{CODE_A}/infrastructure/import",
        data={"csrf_token": token, "replace": "true"},
        files=files,
    )
    assert confirmed.status_code == 303
    assert _dependencies(workspace) == 0
    # put the fixture's network back for the other tests
    restored = client_web.post(
        f"/municipalities/{CODE_A}/infrastructure/import",
        data={"csrf_token": token},
        files={
            "assets_file": ("assets.csv", ASSETS_CSV, "text/csv"),
            "dependencies_file": ("deps.csv", DEPENDENCIES_CSV, "text/csv"),
        },
    )
    assert restored.status_code == 303
    assert _dependencies(workspace) == before


def test_evidence_is_a_sandboxed_download(workspace: Workspace) -> None:
    response = workspace.client("viewer").get(f"/municipalities/{CODE_A}/resilience/evidence/{EVIDENCE_NAME}")
    assert response.status_code == 200
    assert response.content == b"commission act"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-security-policy"].startswith("sandbox")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_evidence_with_an_active_type_is_never_served_as_such(workspace: Workspace) -> None:
    client = workspace.client("editor")
    form_page = client.get(f"/municipalities/{CODE_A}/resilience/new")
    token = csrf_from(form_page.text)
    saved = client.post(
        f"/municipalities/{CODE_A}/resilience/new",
        data={
            "csrf_token": token,
            "framework": "hromada-wartime-resilience",
            "assessed_on": "2026-02-01",
            "assessor": "tester",
        },
        files={"file-gov.lead": ("pwn.js", b"alert(document.cookie)", "text/javascript")},
    )
    assert saved.status_code == 303, saved.text
    api = workspace.client(None).get(
        f"/api/v1/municipalities/{CODE_A}/resilience", headers=_bearer(workspace, "viewer")
    )
    stored = [a["evidence_files"]["gov.lead"] for a in api.json() if a["assessor"] == "tester"]
    assert len(stored) == 1 and stored[0].endswith("-pwn.js")
    response = workspace.client("viewer").get(f"/municipalities/{CODE_A}/resilience/evidence/{stored[0]}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert "javascript" not in response.headers["content-type"]
    assert response.headers["content-disposition"].startswith("attachment")


# ------------------------------------------------------------------------ security headers on a server error


def test_a_server_error_carries_the_security_headers(workspace: Workspace) -> None:
    def boom() -> None:
        raise RuntimeError("unexpected")

    workspace.app.add_api_route("/__test_boom", boom)
    client = TestClient(workspace.app, raise_server_exceptions=False)
    response = client.get("/__test_boom")
    assert response.status_code == 500
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
