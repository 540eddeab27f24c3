"""Accounts and sign-in: the findings of the security review as tests.

- Sign-in throttling per account and per client address, with the state in the database (shared by every
  worker process) and no password hashing for refused attempts.
- Server-side sessions: a cookie replayed after logout, a password change or a deactivation is refused.
- API tokens listed and revoked; users deactivated and reactivated.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hromada.db.base import utcnow
from hromada.db.engine import make_engine, make_session_factory, session_scope
from hromada.db.migrate import upgrade
from hromada.db.models import Role, SignInFailure, SwotItem, UserSession
from hromada.services import accounts, partners
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality
from hromada.settings import Settings, get_settings
from hromada.web import create_app
from tests.web.conftest import csrf_from

CODE = "UA63120000000011111"
PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "another-horse-battery"
FACILITATOR = "facilitator@hromada.example"
EDITOR = "editor@hromada.example"
OTHER = "other@hromada.example"


class Clock:
    """The services' clock, moved forward by the test instead of sleeping."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Site:
    settings: Settings
    app: FastAPI
    factory: sessionmaker[Session]
    tokens: dict[str, str]
    clock: Clock

    def client(self, *, address: str = "testclient", app: FastAPI | None = None) -> TestClient:
        return TestClient(app or self.app, follow_redirects=False, client=(address, 50000))

    def db(self) -> Any:
        return session_scope(self.factory)

    def count(self, model: type[Any]) -> int:
        with self.factory() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(accounts, "utcnow", clock)
    return clock


@dataclass(frozen=True)
class Template:
    """A migrated, seeded database file copied for each test (migrating and hashing once per module)."""

    path: Path
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    data_dir = tmp_path_factory.mktemp("accounts")
    settings = get_settings(data_dir=data_dir, secret_key="k" * 48)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    tokens: dict[str, str] = {}
    with session_scope(make_session_factory(engine)) as s:
        place = create_municipality(s, MunicipalityInput(CODE, "Альфа", "Alfa", "UA63", population=20_000))
        partners.add_stakeholder(
            s, system_principal(), place, "Water utility", "public", contact="+380 00 000 00 00"
        )
        for email in (FACILITATOR, EDITOR, OTHER):
            user = accounts.add_user(s, email, PASSWORD, is_facilitator=email == FACILITATOR)
            if email != FACILITATOR:
                accounts.add_membership(s, user, place, Role.EDITOR)
            tokens[email] = accounts.issue_token(s, user, "test").secret
    engine.dispose()
    return Template(Path(settings.resolved_database_url.removeprefix("sqlite:///")), tokens)


@pytest.fixture
def site(tmp_path: Path, template: Template, clock: Clock) -> Iterator[Site]:
    settings = get_settings(
        data_dir=tmp_path / "data",
        secret_key="k" * 48,
        sign_in_account_limit=5,
        sign_in_address_limit=8,
        sign_in_window_s=900,
        sign_in_backoff_s=900,
    )
    settings.data_dir.mkdir(parents=True)
    shutil.copyfile(template.path, settings.data_dir / "hromada.sqlite3")
    engine = make_engine(settings.resolved_database_url)
    app = create_app(settings)
    yield Site(settings, app, make_session_factory(engine), dict(template.tokens), clock)
    app.state.database.dispose()
    engine.dispose()


def _login(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _signed_in(site: Site, email: str, **kwargs: Any) -> TestClient:
    client = site.client(**kwargs)
    assert _login(client, email).status_code == 303
    return client


def _form(client: TestClient, path: str, data: dict[str, str] | None = None) -> Any:
    token = csrf_from(client.get("/login", follow_redirects=True).text)
    return client.post(path, data={**(data or {}), "csrf_token": token})


def _alert(html: str) -> str:
    match = re.search(r'<p class="alert error" role="alert">(.*?)</p>', html)
    assert match, "no error message on the page"
    return match.group(1)


def _bearer(site: Site, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {site.tokens[email]}"}


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password check (an Argon2 run) the services make, by the hash checked against."""
    calls: list[str] = []
    real: Callable[[str, str], bool] = accounts.verify_password

    def counting(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "verify_password", counting)
    return calls


# -------------------------------------------------------------------------------------------- throttling


def test_wrong_passwords_then_the_right_one_is_refused_until_the_back_off_passes(
    site: Site, hashes: list[str]
) -> None:
    client = site.client()
    for _ in range(5):
        assert _login(client, EDITOR, "wrong-password-0").status_code == 401
    assert len(hashes) == 5
    sixth = _login(client, EDITOR, "wrong-password-0")
    assert sixth.status_code == 429
    right = _login(client, EDITOR)
    assert right.status_code == 429
    assert 890 <= int(right.headers["Retry-After"]) <= 900
    assert "15" in right.text  # minutes, in the reader's language
    assert len(hashes) == 5  # refused attempts run no password hash
    assert site.count(SignInFailure) == 5  # and are not recorded

    site.clock.advance(seconds=890)
    assert _login(client, EDITOR).status_code == 429
    site.clock.advance(seconds=11)
    assert _login(client, EDITOR).status_code == 303
    assert client.get("/municipalities").status_code == 200


def test_unknown_accounts_are_throttled_like_known_ones(site: Site, hashes: list[str]) -> None:
    known = site.client(address="10.0.0.1")
    unknown = site.client(address="10.0.0.2")
    answers = {
        "known": [_login(known, EDITOR, "wrong-password-0") for _ in range(6)],
        "unknown": [_login(unknown, "ghost@hromada.example", "wrong-password-0") for _ in range(6)],
    }
    for responses in answers.values():
        assert [r.status_code for r in responses] == [401] * 5 + [429]
    for i in (0, 5):
        assert _alert(answers["known"][i].text) == _alert(answers["unknown"][i].text)
    assert len(hashes) == 10  # the unknown e-mail was checked against a dummy hash, as long


def test_a_successful_sign_in_clears_the_account_failures_not_the_address_ones(site: Site) -> None:
    client = site.client()
    for _ in range(4):
        assert _login(client, EDITOR, "wrong-password-0").status_code == 401
    assert _login(client, EDITOR).status_code == 303
    client = site.client()
    for _ in range(4):
        assert _login(client, EDITOR, "wrong-password-0").status_code == 401  # a fresh count of 5
    # ...but the address has 8 failures now: its limit.
    assert _login(site.client(), OTHER).status_code == 429


def test_the_address_limit_holds_across_accounts(site: Site, hashes: list[str]) -> None:
    client = site.client(address="192.0.2.7")
    for i in range(8):  # eight accounts, one failure each: no account reaches its limit
        assert _login(client, f"user{i}@hromada.example", "wrong-password-0").status_code == 401
    refused = _login(client, OTHER)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert len(hashes) == 8
    # Another address is not concerned, nor is the account itself.
    assert _login(site.client(address="192.0.2.8"), OTHER).status_code == 303


def test_the_throttle_state_is_in_the_database(site: Site) -> None:
    """A second app (another worker process) on the same database refuses as well."""
    first = site.client()
    for _ in range(5):
        assert _login(first, EDITOR, "wrong-password-0").status_code == 401
    second_app = create_app(site.settings)
    try:
        response = _login(site.client(app=second_app), EDITOR)
        assert response.status_code == 429
    finally:
        second_app.state.database.dispose()
    with site.factory() as s:
        addresses = set(s.scalars(select(SignInFailure.address)))
        keys = set(s.scalars(select(SignInFailure.account_key)))
    assert addresses == {"testclient"}
    assert len(keys) == 1 and EDITOR not in next(iter(keys))  # the e-mail is stored as a hash only


def test_old_failures_are_forgotten(site: Site) -> None:
    client = site.client()
    for _ in range(4):
        assert _login(client, EDITOR, "wrong-password-0").status_code == 401
    site.clock.advance(minutes=31)
    assert _login(client, EDITOR, "wrong-password-0").status_code == 401
    assert site.count(SignInFailure) == 1  # the older ones were deleted with the new one's record


def test_the_current_password_check_is_throttled_too(site: Site, hashes: list[str]) -> None:
    client = _signed_in(site, EDITOR)
    wrong = {"current_password": "wrong-password-0", "new_password": NEW_PASSWORD}
    wrong["new_password_again"] = NEW_PASSWORD
    for _ in range(5):
        assert _form(client, "/account/password", wrong).status_code == 422
    before = len(hashes)
    response = _form(client, "/account/password", {**wrong, "current_password": PASSWORD})
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert len(hashes) == before
    assert _login(site.client(address="10.1.1.1"), EDITOR).status_code == 429  # the account's back-off


# -------------------------------------------------------------------------------------------- sessions


def test_a_cookie_replayed_after_logout_is_refused(site: Site) -> None:
    client = _signed_in(site, EDITOR)
    partners_page = f"/municipalities/{CODE}/partners"
    assert "+380 00 000 00 00" in client.get(partners_page).text
    saved = dict(client.cookies)
    csrf = csrf_from(client.get(partners_page).text)
    assert _form(client, "/logout").status_code == 303

    replay = site.client()
    replay.cookies.update(saved)
    page = replay.get(partners_page)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    api = site.client()
    api.cookies.update(saved)
    assert api.get(f"/api/v1/municipalities/{CODE}/partners").status_code == 401
    before = site.count(SwotItem)
    write = site.client()
    write.cookies.update(saved)
    response = write.post(
        f"/municipalities/{CODE}/strategy/swot",
        data={"quadrant": "threat", "text": "Replayed", "csrf_token": csrf},
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert site.count(SwotItem) == before
    response = write.post(
        f"/api/v1/municipalities/{CODE}/finance-plan/ahp", headers={"X-CSRF-Token": csrf}, json={}
    )
    assert response.status_code == 401


def test_a_session_record_is_needed_and_ends_when_it_expires(site: Site) -> None:
    client = _signed_in(site, EDITOR)
    with site.factory() as s:
        record = s.scalars(select(UserSession)).one()
        assert record.ended_at is None and record.user_agent == "testclient"
        assert record.address == "testclient"
        assert record.expires_at - record.created_at == dt.timedelta(seconds=site.settings.session_max_age_s)
    site.clock.advance(seconds=site.settings.session_max_age_s + 1)
    assert client.get("/municipalities").status_code == 303


def test_last_seen_is_written_at_most_once_a_minute(site: Site) -> None:
    client = _signed_in(site, EDITOR)

    def last_seen() -> dt.datetime:
        with site.factory() as s:
            return s.scalars(select(UserSession.last_seen_at)).one()

    first = last_seen()
    site.clock.advance(seconds=30)
    assert client.get("/municipalities").status_code == 200
    assert last_seen() == first
    site.clock.advance(seconds=31)
    assert client.get("/municipalities").status_code == 200
    assert last_seen() == site.clock.now


def test_a_read_never_waits_for_the_write_lock_to_touch_its_session(site: Site) -> None:
    """Workshop finding 1: on SQLite every signed-in GET wrote the session's last activity in the request's
    transaction, so while a large import held the write lock, reads failed with "database is locked"."""
    client = _signed_in(site, EDITOR)

    def last_seen() -> dt.datetime:
        with site.factory() as s:
            return s.scalars(select(UserSession.last_seen_at)).one()

    first = last_seen()
    site.clock.advance(seconds=61)
    holder = sqlite3.connect(site.settings.data_dir / "hromada.sqlite3", timeout=0)
    try:
        holder.execute("BEGIN IMMEDIATE")  # what an import's transaction holds while it writes
        # Before the fix this waited out the busy timeout and answered 500.
        assert client.get("/municipalities").status_code == 200
    finally:
        holder.rollback()
        holder.close()
    assert last_seen() == first  # skipped, not waited for
    assert client.get("/municipalities").status_code == 200
    assert last_seen() == site.clock.now  # the next request touches it


def test_a_password_change_ends_the_other_sessions(site: Site) -> None:
    here = _signed_in(site, EDITOR)
    there = _signed_in(site, EDITOR, address="10.0.0.5")
    page = here.get("/account")
    assert page.status_code == 200 and "10.0.0.5" in page.text
    response = _form(
        here,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert response.status_code == 303 and response.headers["location"] == "/account?done=password"
    assert there.get("/municipalities").status_code == 303
    assert here.get("/municipalities").status_code == 200  # this browser got a new session
    assert _login(site.client(), EDITOR).status_code == 401
    assert _login(site.client(), EDITOR, NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        ({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": "x" * 12}, 422, "differ"),
        ({"current_password": PASSWORD, "new_password": "short", "new_password_again": "short"}, 422, "10"),
        ({"current_password": "wrong-password-0", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}, 422, "wrong"),
    ],
    ids=["mismatch", "short", "wrong current"],
)  # fmt: skip
def test_a_refused_password_change_changes_nothing(
    site: Site, data: dict[str, str], status: int, error: str
) -> None:
    client = _signed_in(site, EDITOR, address="10.0.0.6")
    client.headers["Accept-Language"] = "en"
    other = _signed_in(site, EDITOR)
    response = _form(client, "/account/password", data)
    assert response.status_code == status and error in response.text
    assert other.get("/municipalities").status_code == 200
    assert _login(site.client(), EDITOR).status_code == 303


def test_log_out_everywhere_else_and_one_session(site: Site) -> None:
    here = _signed_in(site, EDITOR)
    others = [_signed_in(site, EDITOR, address=f"10.0.1.{i}") for i in range(3)]
    with site.factory() as s:
        ids = list(s.scalars(select(UserSession.id).order_by(UserSession.id)))
    assert _form(here, f"/account/sessions/{ids[1]}/end").status_code == 303
    assert others[0].get("/municipalities").status_code == 303
    assert others[1].get("/municipalities").status_code == 200
    response = _form(here, "/account/sessions/end-others")
    assert response.status_code == 303
    assert all(o.get("/municipalities").status_code == 303 for o in others)
    assert here.get("/municipalities").status_code == 200
    me = here.get("/api/v1/me", headers=_bearer(site, EDITOR)).json()
    assert me["active_sessions"] == 1 and me["email"] == EDITOR


# -------------------------------------------------------------------------------------- tokens and users


def test_a_revoked_token_is_refused(site: Site) -> None:
    client = site.client()
    headers = _bearer(site, EDITOR)
    tokens = client.get("/api/v1/me/tokens", headers=headers)
    assert tokens.status_code == 200
    [token] = tokens.json()
    assert token["active"] and "secret" not in token and "token_hash" not in token
    response = client.delete(f"/api/v1/me/tokens/{token['id']}", headers=headers)
    assert response.status_code == 200 and response.json()["active"] is False
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get(f"/api/v1/municipalities/{CODE}", headers=headers).status_code == 401


def test_a_token_revoked_on_the_account_page_is_refused(site: Site) -> None:
    with site.db() as s:
        issued = accounts.issue_token(s, accounts.get_user(s, EDITOR), "laptop")
    headers = {"Authorization": f"Bearer {issued.secret}"}
    assert site.client().get("/api/v1/me", headers=headers).status_code == 200
    browser = _signed_in(site, EDITOR)
    assert "laptop" in browser.get("/account").text
    assert _form(browser, f"/account/tokens/{issued.id}/revoke").status_code == 303
    assert site.client().get("/api/v1/me", headers=headers).status_code == 401
    assert site.client().get("/api/v1/me", headers=_bearer(site, EDITOR)).status_code == 200


def test_a_deactivated_user_is_locked_out_at_once(site: Site) -> None:
    browser = _signed_in(site, EDITOR)
    assert browser.get("/municipalities").status_code == 200
    api = site.client()
    with site.factory() as s:
        editor_id = accounts.get_user(s, EDITOR).id
    response = api.post(f"/api/v1/users/{editor_id}/deactivate", headers=_bearer(site, FACILITATOR))
    assert response.status_code == 200
    body = response.json()
    assert body["is_active"] is False and body["active_sessions"] == 0 and body["active_tokens"] == 0
    assert browser.get("/municipalities").status_code == 303
    assert api.get("/api/v1/me", headers=_bearer(site, EDITOR)).status_code == 401
    assert _login(site.client(), EDITOR).status_code == 401  # the same answer as a wrong password

    users = api.get("/api/v1/users", headers=_bearer(site, FACILITATOR)).json()
    assert next(u for u in users if u["email"] == EDITOR)["is_active"] is False
    response = api.post(f"/api/v1/users/{editor_id}/activate", headers=_bearer(site, FACILITATOR))
    assert response.status_code == 200 and response.json()["is_active"] is True
    assert _login(site.client(), EDITOR).status_code == 303
    assert api.get("/api/v1/me", headers=_bearer(site, EDITOR)).status_code == 401  # tokens stay revoked


def test_the_admin_page_deactivates_and_activates(site: Site) -> None:
    victim = _signed_in(site, OTHER)
    facilitator = _signed_in(site, FACILITATOR)
    page = facilitator.get("/admin")
    assert page.status_code == 200 and OTHER in page.text and "/deactivate" in page.text
    with site.factory() as s:
        other_id = accounts.get_user(s, OTHER).id
    response = _form(facilitator, f"/admin/users/{other_id}/deactivate")
    assert response.status_code == 303 and response.headers["location"] == f"/admin#user-{other_id}"
    assert victim.get("/municipalities").status_code == 303
    assert f"/admin/users/{other_id}/activate" in facilitator.get("/admin").text
    assert _form(facilitator, f"/admin/users/{other_id}/activate").status_code == 303
    assert _login(site.client(), OTHER).status_code == 303


def test_the_navigation_links_the_admin_page_for_those_who_may_see_it(site: Site) -> None:
    assert 'href="/admin"' in _signed_in(site, FACILITATOR).get("/municipalities").text
    editor = _signed_in(site, EDITOR).get("/municipalities").text
    assert 'href="/admin"' not in editor and 'href="/account"' in editor


def test_the_account_pages_are_translated(site: Site) -> None:
    client = _signed_in(site, FACILITATOR)
    assert "Змінити пароль" in client.get("/account", headers={"Accept-Language": "uk"}).text
    _form(client, "/language", {"locale": "de", "next": "/admin"})
    assert "Deaktivieren" in client.get("/admin").text
