"""Background imports through the REST API and the import page: 202 and polling, the progress fragment,
cancelling, permissions, and the worker that starts and stops with the app."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from hromada.db.engine import make_engine, make_session_factory, session_scope
from hromada.db.migrate import upgrade
from hromada.db.models import Role
from hromada.services import accounts, jobs
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality
from hromada.settings import Settings, get_settings
from hromada.web import create_app
from tests.web.conftest import CODE_A, CODE_B, csrf_from, email_of, login

SYNC_LIMIT = 400  # bytes: larger files become jobs in this app
WHO = ("facilitator", "editor", "viewer", "outsider")


def _csv(rows: int, *, bad_row: int | None = None) -> bytes:
    lines = ["year,sector_code,measure,value"]
    for k in range(rows):
        sector = "00" if k == bad_row else ["10", "11", "13", "47"][k % 4]
        lines.append(f"{2000 + k // 4},{sector},employment,{100 + k}")
    return ("\n".join(lines) + "\n").encode()


LARGE = _csv(60)
SMALL = _csv(4)
assert len(SMALL) <= SYNC_LIMIT < len(LARGE)


@dataclass
class Site:
    app: FastAPI
    settings: Settings
    tokens: dict[str, str]

    @property
    def factory(self) -> sessionmaker[Session]:
        factory: sessionmaker[Session] = self.app.state.session_factory
        return factory

    def api(self, who: str | None) -> tuple[TestClient, dict[str, str]]:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return TestClient(self.app, follow_redirects=False), headers

    def browser(self, who: str) -> tuple[TestClient, str]:
        client = TestClient(self.app, follow_redirects=False)
        login(client, email_of(who))
        return client, csrf_from(client.get(f"/municipalities/{CODE_A}").text)

    def run_jobs(self) -> None:
        while jobs.run_one(self.factory, "test-worker") is not None:
            pass

    def uploads(self) -> list[Path]:
        folder = self.settings.data_dir / "uploads"
        return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data_dir = tmp_path_factory.mktemp("jobs")
    settings = get_settings(
        data_dir=data_dir, secret_key="k" * 48, sync_import_bytes=SYNC_LIMIT, job_workers=0
    )
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    tokens: dict[str, str] = {}
    with session_scope(make_session_factory(engine)) as s:
        a = create_municipality(s, MunicipalityInput(CODE_A, "Альфа", "Alfa", "UA63", population=20_000))
        create_municipality(s, MunicipalityInput(CODE_B, "Бета", "Beta", "UA46", population=50_000))
        for who in WHO:
            user = accounts.add_user(
                s, email_of(who), "correct-horse-battery", is_facilitator=who == "facilitator"
            )
            if who in ("editor", "viewer"):
                accounts.add_membership(s, user, a, Role(who))
            tokens[who] = accounts.issue_token(s, user, "test").secret
    engine.dispose()
    app = create_app(settings)
    yield Site(app=app, settings=settings, tokens=tokens)
    app.state.database.dispose()


def _import(site: Site, who: str, content: bytes, code: str = CODE_A, **params: str) -> dict[str, Any]:
    client, headers = site.api(who)
    response = client.post(
        f"/api/v1/municipalities/{code}/statistics/import",
        headers=headers,
        params=params,
        files={"file": ("figures.csv", content, "text/csv")},
    )
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/api/v1/jobs/{response.json()['id']}"
    body: dict[str, Any] = response.json()
    return body


# ------------------------------------------------------------------------------------------------ the API


def test_a_large_file_answers_202_and_the_job_is_polled_to_its_summary(site: Site) -> None:
    job = _import(site, "editor", LARGE)
    assert job["state"] == "queued" and job["progress"] == 0 and job["municipality_code"] == CODE_A
    assert job["parameters"] == {"filename": "figures.csv", "dry_run": False, "size": len(LARGE)}
    assert len(site.uploads()) == 1  # stored under a random name, never the client's
    assert "figures" not in site.uploads()[0].name
    client, headers = site.api("editor")
    polled = client.get(f"/api/v1/jobs/{job['id']}", headers=headers)
    assert polled.status_code == 200 and polled.json()["state"] == "queued"

    site.run_jobs()
    done = client.get(f"/api/v1/jobs/{job['id']}", headers=headers).json()
    assert done["state"] == "done" and done["progress"] == 1 and done["error"] is None
    assert done["result"]["rows"] == 60 and done["result"]["inserted"] == 60
    assert site.uploads() == []
    figures = client.get(f"/api/v1/municipalities/{CODE_A}/statistics", headers=headers).json()
    assert len(figures) >= 60
    listed = client.get(f"/api/v1/municipalities/{CODE_A}/jobs", headers=headers).json()
    assert job["id"] in [j["id"] for j in listed]


def test_background_can_be_asked_for_and_is_refused_to_turn_off_for_large_files(site: Site) -> None:
    client, headers = site.api("editor")
    small = client.post(
        f"/api/v1/municipalities/{CODE_A}/statistics/import",
        headers=headers,
        params={"dry_run": "true"},
        files={"file": ("small.csv", SMALL, "text/csv")},
    )
    assert small.status_code == 200 and small.json()["rows"] == 4  # small files stay synchronous
    job = _import(site, "editor", SMALL, dry_run="true", background="true")
    assert job["parameters"] == {"filename": "figures.csv", "dry_run": True, "size": len(SMALL)}
    refused = client.post(
        f"/api/v1/municipalities/{CODE_A}/statistics/import",
        headers=headers,
        params={"background": "false"},
        files={"file": ("large.csv", LARGE, "text/csv")},
    )
    assert refused.status_code == 422 and "background" in refused.json()["error"]["message"]
    site.run_jobs()
    assert client.get(f"/api/v1/jobs/{job['id']}", headers=headers).json()["result"]["dry_run"] is True
    assert site.uploads() == []


def test_a_rejected_file_ends_the_job_failed_with_its_problems(site: Site) -> None:
    job = _import(site, "editor", _csv(60, bad_row=7))
    site.run_jobs()
    client, headers = site.api("viewer")
    failed = client.get(f"/api/v1/jobs/{job['id']}", headers=headers).json()
    assert failed["state"] == "failed" and failed["result"] is None
    assert failed["error"]["code"] == "import_invalid" and failed["error"]["total"] == 1
    assert failed["error"]["issues"][0] | {"expected": ""} == {
        "file": "figures.csv",
        "row": 9,
        "column": "sector_code",
        "expected": "",
        "got": "'00'",
    }


def test_job_permissions_and_cancel(site: Site) -> None:
    own = _import(site, "editor", LARGE)
    other = _import(site, "facilitator", LARGE, code=CODE_B)
    expected = {
        # who: (GET own, POST cancel own, GET other)
        "facilitator": (200, 200, 200),
        "editor": (200, 200, 404),
        "viewer": (200, 403, 404),
        "outsider": (404, 404, 404),
        None: (401, 401, 401),
    }
    for who, (see, stop, see_other) in expected.items():
        client, headers = site.api(who)
        assert client.get(f"/api/v1/jobs/{own['id']}", headers=headers).status_code == see, who
        if stop != 200:
            assert client.post(f"/api/v1/jobs/{own['id']}/cancel", headers=headers).status_code == stop, who
        assert client.get(f"/api/v1/jobs/{other['id']}", headers=headers).status_code == see_other, who
        assert client.get(f"/api/v1/jobs/{other['id'] + 1000}", headers=headers).status_code in (401, 404)
    client, headers = site.api("editor")
    cancelled = client.post(f"/api/v1/jobs/{own['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    client, headers = site.api("facilitator")
    assert client.post(f"/api/v1/jobs/{other['id']}/cancel", headers=headers).json()["state"] == "cancelled"
    site.run_jobs()  # nothing left to run
    assert site.uploads() == []


# ---------------------------------------------------------------------------------------------- the page


def test_the_import_page_answers_with_a_progress_fragment_that_polls_until_done(site: Site) -> None:
    client, token = site.browser("editor")
    response = client.post(
        f"/municipalities/{CODE_A}/import",
        data={"csrf_token": token},
        files={"file": ("page.csv", LARGE, "text/csv")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 202, response.text
    match = re.search(r'hx-get="/municipalities/' + CODE_A + r'/jobs/(\d+)"', response.text)
    assert match, response.text
    url = f"/municipalities/{CODE_A}/jobs/{match.group(1)}"
    assert 'hx-trigger="every 1s"' in response.text and "<html" not in response.text
    assert "<progress" in response.text and f'hx-post="{url}/cancel"' in response.text

    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled.status_code == 200 and 'hx-trigger="every 1s"' in polled.text
    site.run_jobs()
    finished = client.get(url, headers={"HX-Request": "true"})
    assert finished.status_code == 200
    assert 'id="import-summary"' in finished.text and "hx-trigger" not in finished.text
    page = client.get(url)
    assert page.status_code == 200 and "<html" in page.text and 'id="import-summary"' in page.text
    listing = client.get(f"/municipalities/{CODE_A}/jobs")
    assert listing.status_code == 200 and f'href="{url}"' in listing.text and "page.csv" in listing.text


def test_the_page_shows_a_rejected_files_problems(site: Site) -> None:
    client, token = site.browser("editor")
    response = client.post(
        f"/municipalities/{CODE_A}/import",
        data={"csrf_token": token},
        files={"file": ("bad.csv", _csv(60, bad_row=7), "text/csv")},
    )
    assert response.status_code == 303  # without htmx: to the job's page
    url = response.headers["location"]
    assert re.fullmatch(f"/municipalities/{CODE_A}/jobs/\\d+", url)
    waiting = client.get(url)
    assert waiting.status_code == 200 and 'http-equiv="refresh"' in waiting.text  # polls without script too
    site.run_jobs()
    fragment = client.get(url, headers={"HX-Request": "true"}).text
    assert 'id="import-error"' in fragment and "bad.csv" in fragment and ">9<" in fragment
    assert "hx-trigger" not in fragment


def test_the_page_cancels_a_job(site: Site) -> None:
    client, token = site.browser("editor")
    response = client.post(
        f"/municipalities/{CODE_A}/import",
        data={"csrf_token": token},
        files={"file": ("cancel.csv", LARGE, "text/csv")},
        headers={"HX-Request": "true"},
    )
    match = re.search(r'hx-post="(/municipalities/[^"]+/cancel)"', response.text)
    assert match
    cancel_url = match.group(1)
    job_url = cancel_url.removesuffix("/cancel")
    viewer, _ = site.browser("viewer")
    seen = viewer.get(job_url, headers={"HX-Request": "true"})
    assert seen.status_code == 200 and 'hx-trigger="every 1s"' in seen.text
    assert "/cancel" not in seen.text  # a viewer sees the progress, not the cancel button
    assert viewer.get(job_url.replace(CODE_A, CODE_B)).status_code == 404

    cancelled = client.post(cancel_url, headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert cancelled.status_code == 200 and 'id="job-cancelled"' in cancelled.text
    assert "hx-trigger" not in cancelled.text
    again = client.post(cancel_url, data={"csrf_token": token})  # without htmx: back to the job's page
    assert again.status_code == 303 and again.headers["location"] == job_url


def test_small_files_are_still_imported_in_the_request(site: Site) -> None:
    client, token = site.browser("editor")
    response = client.post(
        f"/municipalities/{CODE_A}/import",
        data={"csrf_token": token},
        files={"file": ("small.csv", SMALL, "text/csv")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and 'id="import-summary"' in response.text


# ---------------------------------------------------------------------------------------------- the worker


def test_the_worker_starts_and_stops_with_the_app(site: Site) -> None:
    settings = get_settings(
        data_dir=site.settings.data_dir, secret_key="k" * 48, sync_import_bytes=SYNC_LIMIT, job_workers=1
    )
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            (worker,) = app.state.job_workers
            assert worker.alive
            response = client.post(
                f"/api/v1/municipalities/{CODE_A}/statistics/import",
                headers={"Authorization": f"Bearer {site.tokens['editor']}"},
                params={"dry_run": "true"},
                files={"file": ("figures.csv", LARGE, "text/csv")},
            )
            assert response.status_code == 202
            deadline = time.monotonic() + 20
            state = "queued"
            while state not in ("done", "failed", "cancelled") and time.monotonic() < deadline:
                time.sleep(0.1)
                state = client.get(
                    response.headers["location"], headers={"Authorization": f"Bearer {site.tokens['editor']}"}
                ).json()["state"]
            assert state == "done"
            assert client.get("/healthz").status_code == 200
        assert not worker.alive
    finally:
        app.state.database.dispose()
    with session_scope(site.factory) as s:
        assert jobs.get(s, system_principal(), int(response.json()["id"])).result is not None
