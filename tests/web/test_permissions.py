"""Every route and API endpoint x every role x own/other municipality.

Roles: a network facilitator; an admin, an editor and a viewer of municipality A; an outsider with no
membership; and an anonymous visitor. Municipality B belongs to nobody but the facilitator, so every
request on B by A's members must fail exactly as for a municipality that does not exist (404).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.routing import Route

from hromada.data.demo_strategy import demo_strategy
from hromada.db.engine import make_engine, make_session_factory, session_scope
from hromada.db.models import StatisticSeries, User, UserSession
from hromada.services import accounts
from tests.web.conftest import (
    ASSETS_CSV,
    CODE_A,
    CODE_B,
    DEPENDENCIES_CSV,
    EVIDENCE_NAME,
    LEDGER_CSV,
    PASSWORD,
    ROLES,
    STAKEHOLDER,
    SWOT_IDS,
    Workspace,
    csrf_from,
    email_of,
)

WHO = (*ROLES, None)  # None: anonymous
READERS_A = {"facilitator", "admin", "editor", "viewer"}
WRITERS_A = {"facilitator", "admin", "editor"}
GOOD_CSV = b"year,sector_code,measure,value\n2022,10,employment,120\n"
JUDGEMENTS = demo_strategy(CODE_A, "Alfa", 20_000, "frontline").judgements


# Successful requests that answer with something other than 200 (303: back to the page).
SUCCESS = {
    ("POST", "/municipalities/{code}/economy/analyze"): 303,
    ("POST", "/api/v1/municipalities/{code}/economy/analyze"): 201,
    ("POST", "/municipalities/{code}/resilience/new"): 303,
    ("POST", "/municipalities/{code}/infrastructure/criticality"): 303,
    ("POST", "/municipalities/{code}/infrastructure/restoration"): 303,
    ("POST", "/municipalities/{code}/infrastructure/import"): 303,
    ("POST", "/municipalities/{code}/infrastructure/release"): 303,
    ("POST", "/municipalities/{code}/strategy/vision"): 303,
    ("POST", "/municipalities/{code}/projects/portfolio"): 303,
    ("POST", "/municipalities/{code}/projects/weights"): 303,
    ("POST", "/municipalities/{code}/projects/plan"): 303,
    ("POST", "/municipalities/{code}/projects/gates"): 303,
    ("POST", "/municipalities/{code}/projects/{key}/stage"): 303,
    ("POST", "/municipalities/{code}/strategy/swot"): 303,
    ("POST", "/municipalities/{code}/strategy/swot/{item_id}"): 303,
    ("POST", "/municipalities/{code}/strategy/goals"): 303,
    ("POST", "/municipalities/{code}/strategy/kpis"): 303,
    ("POST", "/municipalities/{code}/strategy/measures"): 303,
    ("POST", "/municipalities/{code}/partners/stakeholders"): 303,
    ("POST", "/municipalities/{code}/partners/partnerships"): 303,
    ("POST", "/municipalities/{code}/partners/consultations"): 303,
    ("POST", "/municipalities/{code}/partners/communications"): 303,
    ("POST", "/api/v1/municipalities/{code}/resilience"): 201,
    ("POST", "/api/v1/municipalities/{code}/infrastructure/criticality"): 201,
    ("POST", "/api/v1/municipalities/{code}/infrastructure/restoration"): 201,
    ("POST", "/api/v1/municipalities/{code}/projects/portfolio"): 201,
    ("POST", "/municipalities/{code}/jobs/{job_id}/cancel"): 303,
}

# What each unsafe request sends (default: a statistics file as a dry run): the keyword arguments of the
# client's request, or a function making them (for values that must differ on every call).
PAYLOADS: dict[str, dict[str, Any] | Callable[[], dict[str, Any]]] = {
    "/municipalities/{code}/ledger/import": {
        "data": {"dry_run": "true"},
        "files": {"file": ("l.csv", LEDGER_CSV, "text/csv")},
    },
    "/api/v1/municipalities/{code}/ledger/import": {
        "params": {"dry_run": "true"},
        "files": {"file": ("l.csv", LEDGER_CSV, "text/csv")},
    },
    "/municipalities/{code}/resilience/new": {
        "data": {"framework": "hromada-wartime-resilience", "assessed_on": "2026-11-01", "assessor": "test"}
    },
    "/api/v1/municipalities/{code}/resilience": {
        "json": {
            "framework": "hromada-wartime-resilience",
            "assessed_on": "2026-11-01",
            "assessor": "test",
            "scores": {},
        }
    },
    "/municipalities/{code}/infrastructure/criticality": {"data": {}},
    "/api/v1/municipalities/{code}/infrastructure/criticality": {},
    "/municipalities/{code}/infrastructure/restoration": {"data": {"crews": "2"}},
    "/api/v1/municipalities/{code}/infrastructure/restoration": {"json": {"crews": 2}},
    "/municipalities/{code}/infrastructure/import": {
        "data": {},
        "files": {
            "assets_file": ("a.csv", ASSETS_CSV, "text/csv"),
            "dependencies_file": ("d.csv", DEPENDENCIES_CSV, "text/csv"),
        },
    },
    "/municipalities/{code}/infrastructure/release": {
        "data": {"asset": "PS-01", "field": "weakness", "released": "false"}
    },
    "/api/v1/municipalities/{code}/economy/analyze": {},
    "/municipalities/{code}/strategy/vision": {"data": {"vision": "Warm and safe", "horizon_year": "2030"}},
    "/municipalities/{code}/projects/portfolio": {"data": {"method": "topsis"}},
    "/municipalities/{code}/projects/{key}/stage": {"data": {"stage": "preparation"}},
    "/municipalities/{code}/projects/weights": {
        "data": {
            "pair_population_served__urgency": "2",
            "pair_population_served__jobs": "2",
            "pair_population_served__readiness": "2",
            "pair_population_served__cost_per_person": "2",
            "pair_urgency__jobs": "1",
            "pair_urgency__readiness": "1",
            "pair_urgency__cost_per_person": "1",
            "pair_jobs__readiness": "1",
            "pair_jobs__cost_per_person": "1",
            "pair_readiness__cost_per_person": "1",
        }
    },
    "/municipalities/{code}/projects/plan": {"data": {"first_year": "2026", "last_year": "2028"}},
    "/municipalities/{code}/projects/gates": {
        "data": {"gate_cofinancing": "1", "cofinancing_min": "10", "gate_strategy": "1"}
    },
    "/api/v1/municipalities/{code}/finance-plan/gates": {"json": {"gates": None}},
    "/municipalities/{code}/strategy/swot": {"data": {"quadrant": "threat", "text": "Power cuts"}},
    "/municipalities/{code}/strategy/swot/{item_id}": {"data": {"status": "accepted"}},
    "/municipalities/{code}/strategy/goals": lambda: {
        "data": {"key": f"G{next(_UNIQUE)}", "title": "New goal"}
    },
    "/municipalities/{code}/strategy/kpis": {
        "data": {"objective": "G1.1", "name": "Households with water", "unit": "%"}
    },
    "/municipalities/{code}/partners/stakeholders": lambda: {
        "data": {"name": f"Partner {next(_UNIQUE)}", "type": "donor"}
    },
    "/municipalities/{code}/partners/consultations": {
        "data": {"topic": "Programme", "starts_on": "2026-03-01", "ends_on": "2026-03-20"}
    },
    "/municipalities/{code}/strategy/measures": {
        "data": {"objective": "G1.1", "title": "Generators for pumps"}
    },
    "/municipalities/{code}/partners/partnerships": {
        "data": {"stakeholder": STAKEHOLDER, "subject": "Water supply", "goal": "G1", "project": "P-01"}
    },
    "/municipalities/{code}/partners/communications": {
        "data": {"audience": "Residents", "message": "Repairs", "channel": "Telegram", "timing": "Monthly"}
    },
    "/municipalities/{code}/economy/analyze": {"data": {}},
    "/api/v1/municipalities/{code}/projects/portfolio": {"json": {"method": "topsis"}},
    "/api/v1/municipalities/{code}/finance-plan": {"json": {"first_year": 2026, "last_year": 2028}},
    "/municipalities/{code}/jobs/{job_id}/cancel": {"data": {}},
    "/api/v1/jobs/{job_id}/cancel": {},
    "/api/v1/municipalities/{code}/finance-plan/ahp": {
        "json": {"judgements": [{"a": a, "b": b, "value": v} for a, b, v in JUDGEMENTS]}
    },
}
_UNIQUE: itertools.count[int] = itertools.count(100)
_DEFAULT_API: dict[str, Any] = {
    "params": {"dry_run": "true"},
    "files": {"file": ("x.csv", GOOD_CSV, "text/csv")},
}
_DEFAULT_PAGE: dict[str, Any] = {
    "data": {"dry_run": "true"},
    "files": {"file": ("x.csv", GOOD_CSV, "text/csv")},
}


def _expect(
    who: str | None, municipality: str, action: str, *, api: bool, template: str = "", method: str = "GET"
) -> int:
    """The status a request must get."""
    status = _expect_base(who, municipality, action, api=api)
    return SUCCESS.get((method, template), 200) if status == 200 else status


def _expect_base(who: str | None, municipality: str, action: str, *, api: bool) -> int:
    if who is None:
        return 401 if api else 303
    if action == "own_admin":
        # Releasing restricted fields is the municipality's own decision: a facilitator, who acts as admin
        # everywhere else, is refused (services.access.require_own_admin).
        if who == "facilitator":
            return 403
        action = "admin"
    if who == "facilitator":
        return 200
    if municipality == CODE_B or who == "outsider":
        return 404
    if action == "write" and who not in WRITERS_A:
        return 403
    if action == "admin" and who != "admin":
        return 403
    return 200


# (method, path template, action) for every page and endpoint that concerns one municipality.
MUNICIPALITY_ROUTES = [
    ("GET", "/municipalities/{code}", "read", False),
    ("GET", "/municipalities/{code}/chart", "read", False),
    ("GET", "/municipalities/{code}/import", "write", False),
    ("POST", "/municipalities/{code}/import", "write", False),
    ("GET", "/api/v1/municipalities/{code}", "read", True),
    ("GET", "/api/v1/municipalities/{code}/statistics", "read", True),
    ("POST", "/api/v1/municipalities/{code}/statistics/import", "write", True),
    ("GET", "/municipalities/{code}/economy", "read", False),
    ("POST", "/municipalities/{code}/economy/analyze", "write", False),
    ("GET", "/api/v1/municipalities/{code}/economy", "read", True),
    ("POST", "/api/v1/municipalities/{code}/economy/analyze", "write", True),
    ("GET", "/municipalities/{code}/ledger", "read", False),
    ("POST", "/municipalities/{code}/ledger/import", "write", False),
    ("GET", "/municipalities/{code}/resilience", "read", False),
    ("GET", "/municipalities/{code}/resilience/new", "write", False),
    ("POST", "/municipalities/{code}/resilience/new", "write", False),
    ("GET", "/municipalities/{code}/resilience/evidence/" + EVIDENCE_NAME, "read", False),
    ("GET", "/municipalities/{code}/infrastructure", "read", False),
    ("POST", "/municipalities/{code}/infrastructure/criticality", "write", False),
    ("POST", "/municipalities/{code}/infrastructure/restoration", "write", False),
    ("POST", "/municipalities/{code}/infrastructure/import", "write", False),
    ("POST", "/municipalities/{code}/infrastructure/release", "own_admin", False),
    ("GET", "/api/v1/municipalities/{code}/ledger", "read", True),
    ("POST", "/api/v1/municipalities/{code}/ledger/import", "write", True),
    ("GET", "/api/v1/municipalities/{code}/resilience", "read", True),
    ("POST", "/api/v1/municipalities/{code}/resilience", "write", True),
    ("GET", "/api/v1/municipalities/{code}/infrastructure/assets", "read", True),
    ("GET", "/api/v1/municipalities/{code}/infrastructure/dependencies", "read", True),
    ("GET", "/api/v1/municipalities/{code}/infrastructure/cascade", "read", True),
    ("POST", "/api/v1/municipalities/{code}/infrastructure/criticality", "write", True),
    ("POST", "/api/v1/municipalities/{code}/infrastructure/restoration", "write", True),
    ("GET", "/api/v1/municipalities/{code}/infrastructure/runs/{kind}", "read", True),
    ("GET", "/municipalities/{code}/strategy", "read", False),
    ("POST", "/municipalities/{code}/strategy/vision", "write", False),
    ("POST", "/municipalities/{code}/strategy/swot", "write", False),
    ("POST", "/municipalities/{code}/strategy/swot/{item_id}", "write", False),
    ("POST", "/municipalities/{code}/strategy/goals", "write", False),
    ("POST", "/municipalities/{code}/strategy/kpis", "write", False),
    ("POST", "/municipalities/{code}/strategy/measures", "write", False),
    ("GET", "/municipalities/{code}/partners", "read", False),
    ("POST", "/municipalities/{code}/partners/stakeholders", "write", False),
    ("POST", "/municipalities/{code}/partners/partnerships", "write", False),
    ("POST", "/municipalities/{code}/partners/consultations", "write", False),
    ("POST", "/municipalities/{code}/partners/communications", "write", False),
    ("GET", "/municipalities/{code}/projects", "read", False),
    ("POST", "/municipalities/{code}/projects/portfolio", "write", False),
    ("POST", "/municipalities/{code}/projects/{key}/stage", "write", False),
    ("POST", "/municipalities/{code}/projects/weights", "write", False),
    ("POST", "/municipalities/{code}/projects/plan", "write", False),
    ("POST", "/municipalities/{code}/projects/gates", "write", False),
    ("GET", "/municipalities/{code}/projects/ranking.{fmt}", "read", False),
    ("GET", "/municipalities/{code}/projects/portfolio.{fmt}", "read", False),
    ("GET", "/api/v1/municipalities/{code}/strategy", "read", True),
    ("GET", "/api/v1/municipalities/{code}/strategy/swot-suggestions", "read", True),
    ("GET", "/api/v1/municipalities/{code}/partners", "read", True),
    ("GET", "/api/v1/municipalities/{code}/projects", "read", True),
    ("GET", "/api/v1/municipalities/{code}/projects/oc4ids", "read", True),
    ("GET", "/api/v1/municipalities/{code}/projects/ranking", "read", True),
    ("GET", "/api/v1/municipalities/{code}/projects/ranking.{fmt}", "read", True),
    ("POST", "/api/v1/municipalities/{code}/projects/portfolio", "write", True),
    ("GET", "/api/v1/municipalities/{code}/projects/portfolio", "read", True),
    ("GET", "/api/v1/municipalities/{code}/projects/portfolio.{fmt}", "read", True),
    ("GET", "/api/v1/municipalities/{code}/finance-plan", "read", True),
    ("PUT", "/api/v1/municipalities/{code}/finance-plan", "write", True),
    ("POST", "/api/v1/municipalities/{code}/finance-plan/ahp", "write", True),
    ("PUT", "/api/v1/municipalities/{code}/finance-plan/gates", "write", True),
    ("GET", "/municipalities/{code}/jobs", "read", False),
    ("GET", "/municipalities/{code}/jobs/{job_id}", "read", False),
    ("POST", "/municipalities/{code}/jobs/{job_id}/cancel", "write", False),
    ("GET", "/api/v1/municipalities/{code}/jobs", "read", True),
    ("GET", "/api/v1/jobs/{job_id}", "read", True),  # the job of municipality {code}
    ("POST", "/api/v1/jobs/{job_id}/cancel", "write", True),
]
# Routes that list or serve everyone's own view, and public routes.
NETWORK_ROUTES = [
    ("GET", "/municipalities", False),
    ("GET", "/api/v1/municipalities", True),
    ("GET", "/api/v1/classifications/nace", True),
]
# Account routes: (method, path template, rule, api). Rules (services.access): "self" - everyone signed in, on
# their own account; "members" - facilitators see every account, a municipality admin the members of their
# municipalities; "facilitator" - only the account manager.
ACCOUNT_ROUTES = [
    ("GET", "/account", "self", False),
    ("POST", "/account/password", "self", False),
    ("POST", "/account/tokens/{token_id}/revoke", "self", False),
    ("POST", "/account/sessions/{session_id}/end", "self", False),
    ("POST", "/account/sessions/end-others", "self", False),
    ("GET", "/admin", "members", False),
    ("POST", "/admin/users/{user_id}/deactivate", "facilitator", False),
    ("POST", "/admin/users/{user_id}/activate", "facilitator", False),
    ("GET", "/api/v1/me", "self", True),
    ("GET", "/api/v1/me/tokens", "self", True),
    ("DELETE", "/api/v1/me/tokens/{token_id}", "self", True),
    ("GET", "/api/v1/users", "members", True),
    ("POST", "/api/v1/users/{user_id}/deactivate", "facilitator", True),
    ("POST", "/api/v1/users/{user_id}/activate", "facilitator", True),
]
PUBLIC_ROUTES = {
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/language"),
    ("GET", "/healthz"),
    ("GET", "/static-vendor/plotly.min.js"),
    ("GET", "/api/v1/docs"),
    ("GET", "/api/v1/docs-assets/{name}"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/economy/presets"),
    ("GET", "/api/v1/assessment/frameworks"),
}


def test_the_table_covers_every_route(workspace: Workspace) -> None:
    """A new route must be added to this table (and so get its permission rule tested)."""
    declared = {(m, p) for m, p, *_ in MUNICIPALITY_ROUTES}
    declared |= {(m, p) for m, p, _ in NETWORK_ROUTES} | PUBLIC_ROUTES
    declared |= {(m, p) for m, p, *_ in ACCOUNT_ROUTES}
    app_routes: set[tuple[str, str]] = set()
    for route in workspace.app.routes:
        methods = getattr(route, "methods", None) or set()
        for method in methods - {"HEAD"}:
            assert isinstance(route, Route)  # only a Route (an APIRoute too) has methods
            app_routes.add((method, route.path))
    missing = app_routes - declared
    assert not missing, f"routes without a permission rule in this test: {sorted(missing)}"
    assert any(isinstance(r, APIRoute) for r in workspace.app.routes)


_JOB_IDS: dict[str, int] = {}


def _job_id(workspace: Workspace, code: str) -> int:
    """A queued job of the municipality (no worker runs in these tests), made once per municipality."""
    from hromada.services import jobs
    from hromada.services.demo import municipality_by_code, system_principal

    if code not in _JOB_IDS:
        engine = make_engine(f"sqlite:///{(workspace.data_dir / 'hromada.sqlite3').as_posix()}")
        try:
            with session_scope(make_session_factory(engine)) as s:
                job = jobs.submit(
                    s, system_principal(), jobs.STATISTICS_IMPORT, {}, municipality_by_code(s, code)
                )
                _JOB_IDS[code] = job.id
        finally:
            engine.dispose()
    return _JOB_IDS[code]


def _count(workspace: Workspace) -> int:
    engine = make_engine(f"sqlite:///{(workspace.data_dir / 'hromada.sqlite3').as_posix()}")
    try:
        with make_session_factory(engine)() as s:
            return int(s.scalar(select(func.count()).select_from(StatisticSeries)) or 0)
    finally:
        engine.dispose()


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("code", [CODE_A, CODE_B], ids=["own", "other"])
@pytest.mark.parametrize(
    ("method", "template", "action", "api"),
    MUNICIPALITY_ROUTES,
    ids=[f"{m} {p}" for m, p, *_ in MUNICIPALITY_ROUTES],
)
def test_municipality_routes(
    workspace: Workspace, who: str | None, code: str, method: str, template: str, action: str, api: bool
) -> None:
    job_id = _job_id(workspace, code) if "{job_id}" in template else 0
    path = template.format(
        code=code, kind="criticality", item_id=SWOT_IDS[code], key="P-01", fmt="xlsx", job_id=job_id
    )
    expected = _expect(who, code, action, api=api, template=template, method=method)
    before = _count(workspace)
    if api:
        client = workspace.client(None)
        headers = {"Authorization": f"Bearer {workspace.tokens[who]}"} if who else {}
        if method == "GET":
            response = client.get(path, headers=headers)
        else:
            spec = PAYLOADS.get(template, _DEFAULT_API)
            response = client.request(method, path, headers=headers, **(spec() if callable(spec) else spec))
    else:
        client = workspace.client(who)
        if method == "GET":
            response = client.get(path)
        else:
            token = csrf_from(client.get("/login", follow_redirects=True).text)
            spec = PAYLOADS.get(template, _DEFAULT_PAGE)
            spec = spec() if callable(spec) else spec
            payload: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in spec.items()}
            payload["data"] = {**payload.get("data", {}), "csrf_token": token}
            response = client.post(path, **payload)
    assert response.status_code == expected, (who, path, response.text[:300])
    if expected == 303:
        if who is None:
            assert response.headers["location"].startswith("/login")
        else:
            assert response.headers["location"].startswith(f"/municipalities/{code}/")
    if expected != 200:
        # Nothing of the other municipality leaks into the answer.
        assert "Бета" not in response.text and "Beta" not in response.text
    assert _count(workspace) == before  # dry runs and refusals write nothing


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize(("method", "path", "api"), NETWORK_ROUTES, ids=[p for _, p, _ in NETWORK_ROUTES])
def test_network_routes_show_only_own_municipalities(
    workspace: Workspace, who: str | None, method: str, path: str, api: bool
) -> None:
    if api:
        headers = {"Authorization": f"Bearer {workspace.tokens[who]}"} if who else {}
        response = workspace.client(None).get(path, headers=headers)
    else:
        response = workspace.client(who).get(path)
    if who is None:
        assert response.status_code == (401 if api else 303)
        return
    assert response.status_code == 200
    if "classifications" in path:
        return
    sees_a = CODE_A in response.text
    sees_b = CODE_B in response.text
    assert sees_a == (who in READERS_A)
    assert sees_b == (who == "facilitator")


@pytest.mark.parametrize("who", ["admin", "editor"])
def test_writes_really_write_for_writers_only(workspace: Workspace, who: str) -> None:
    before = _count(workspace)
    csv = f"year,sector_code,measure,value\n2023,{'10' if who == 'admin' else '47'},employment,7\n".encode()
    response = workspace.client(None).post(
        f"/api/v1/municipalities/{CODE_A}/statistics/import",
        headers={"Authorization": f"Bearer {workspace.tokens[who]}"},
        files={"file": ("x.csv", csv, "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["inserted"] == 1
    assert _count(workspace) == before + 1


def test_session_requests_to_the_api_need_csrf(workspace: Workspace) -> None:
    client = workspace.client("editor")
    response = client.post(
        f"/api/v1/municipalities/{CODE_A}/statistics/import", files={"file": ("x.csv", GOOD_CSV, "text/csv")}
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_forms_without_csrf_token_are_refused(workspace: Workspace) -> None:
    client = workspace.client("editor")
    response = client.post(
        f"/municipalities/{CODE_A}/import",
        data={"dry_run": "true"},
        files={"file": ("x.csv", GOOD_CSV, "text/csv")},
    )
    assert response.status_code == 403
    response = client.post("/login", data={"email": "x@y.org", "password": "whatever-long"})
    assert response.status_code == 403
    response = client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 403


def test_bad_tokens_are_refused(workspace: Workspace) -> None:
    client = workspace.client(None)
    for header in ("Bearer hrm_not-a-token", "Bearer ", "Basic abc"):
        response = client.get("/api/v1/municipalities", headers={"Authorization": header})
        assert response.status_code == 401, header


# ------------------------------------------------------------------------------------------------ accounts


@contextmanager
def _db(workspace: Workspace) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{(workspace.data_dir / 'hromada.sqlite3').as_posix()}")
    try:
        with session_scope(make_session_factory(engine)) as s:
            yield s
    finally:
        engine.dispose()


def _user_id(workspace: Workspace, email: str) -> int:
    with _db(workspace) as s:
        return accounts.get_user(s, email).id


def _fresh_token(workspace: Workspace, who: str) -> int:
    """A new API token of ``who`` (so that revoking it leaves the fixture's tokens alone)."""
    with _db(workspace) as s:
        return accounts.issue_token(s, accounts.get_user(s, email_of(who)), "throwaway").id


def _fresh_session(workspace: Workspace, who: str) -> int:
    """A new server-side session of ``who`` (another browser)."""
    with _db(workspace) as s:
        user_id = accounts.get_user(s, email_of(who)).id
        accounts.start_session(s, user_id, lifetime=dt.timedelta(hours=1), user_agent="other browser")
        found = s.scalar(select(func.max(UserSession.id)).where(UserSession.user_id == user_id))
        assert found is not None
        return found


def _throwaway_user(workspace: Workspace, *, active: bool) -> int:
    with _db(workspace) as s:
        user = accounts.add_user(s, f"throwaway{next(_UNIQUE)}@hromada.example", PASSWORD)
        user.is_active = active
        return user.id


def _is_active(workspace: Workspace, user_id: int) -> bool:
    with _db(workspace) as s:
        user = s.get(User, user_id)
        assert user is not None
        return user.is_active


def _account_expect(who: str | None, rule: str, *, api: bool, method: str) -> int:
    if who is None:
        return 401 if api else 303
    allowed = (
        rule == "self"
        or (rule == "members" and who in ("facilitator", "admin"))
        or (rule == "facilitator" and who == "facilitator")
    )
    if not allowed:
        return 403
    return 303 if method == "POST" and not api else 200


@pytest.mark.parametrize("who", WHO, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize(
    ("method", "template", "rule", "api"), ACCOUNT_ROUTES, ids=[f"{m} {p}" for m, p, *_ in ACCOUNT_ROUTES]
)
def test_account_routes(
    workspace: Workspace, who: str | None, method: str, template: str, rule: str, api: bool
) -> None:
    owner = who or "viewer"  # the anonymous visitor aims at someone's token or session
    target_user = _throwaway_user(workspace, active=not template.endswith("/activate"))
    path = template.format(
        token_id=_fresh_token(workspace, owner) if "{token_id}" in template else 0,
        session_id=_fresh_session(workspace, owner) if "{session_id}" in template else 0,
        user_id=target_user,
    )
    expected = _account_expect(who, rule, api=api, method=method)
    if api:
        headers = {"Authorization": f"Bearer {workspace.tokens[who]}"} if who else {}
        response = workspace.client(None).request(method, path, headers=headers)
    else:
        client = workspace.client(who)
        if method == "GET":
            response = client.get(path)
        else:
            token = csrf_from(client.get("/login", follow_redirects=True).text)
            data = {"csrf_token": token}
            if template == "/account/password":  # the same password again: the fixture keeps working
                data |= {
                    "current_password": PASSWORD,
                    "new_password": PASSWORD,
                    "new_password_again": PASSWORD,
                }
            response = client.post(path, data=data)
    assert response.status_code == expected, (who, path, response.text[:300])
    if expected == 303:
        location = response.headers["location"]
        assert location.startswith(
            "/login" if who is None else ("/admin" if "/admin/" in path else "/account")
        )
    if template.endswith(("/deactivate", "/activate")):
        # Only a facilitator's request changes the account.
        changed = who is not None and expected in (200, 303)
        assert _is_active(workspace, target_user) == (template.endswith("/activate") == changed)


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_someone_elses_token_or_session_is_not_found(workspace: Workspace, api: bool) -> None:
    token_id = _fresh_token(workspace, "editor")
    session_id = _fresh_session(workspace, "editor")
    for who in ("viewer", "admin"):
        if api:
            response = workspace.client(None).delete(
                f"/api/v1/me/tokens/{token_id}", headers={"Authorization": f"Bearer {workspace.tokens[who]}"}
            )
            assert response.status_code == 404
            continue
        client = workspace.client(who)
        token = csrf_from(client.get("/account").text)
        for path in (f"/account/tokens/{token_id}/revoke", f"/account/sessions/{session_id}/end"):
            assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    editor = workspace.client(None).get(
        "/api/v1/me/tokens", headers={"Authorization": f"Bearer {workspace.tokens['editor']}"}
    )
    assert next(t for t in editor.json() if t["id"] == token_id)["active"] is True


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_a_municipality_admin_sees_only_their_members(workspace: Workspace, api: bool) -> None:
    def listing(who: str) -> str:
        if api:
            headers = {"Authorization": f"Bearer {workspace.tokens[who]}"}
            response = workspace.client(None).get("/api/v1/users", headers=headers)
        else:
            response = workspace.client(who).get("/admin")
        assert response.status_code == 200
        return response.text

    admin = listing("admin")
    assert all(email_of(w) in admin for w in ("admin", "editor", "viewer"))
    assert email_of("outsider") not in admin and email_of("facilitator") not in admin
    assert "/deactivate" not in admin  # an admin sees, a facilitator manages
    facilitator = listing("facilitator")
    assert all(email_of(w) in facilitator for w in ROLES)


def test_nobody_deactivates_their_own_account(workspace: Workspace) -> None:
    facilitator = _user_id(workspace, email_of("facilitator"))
    response = workspace.client(None).post(
        f"/api/v1/users/{facilitator}/deactivate",
        headers={"Authorization": f"Bearer {workspace.tokens['facilitator']}"},
    )
    assert response.status_code == 409
    assert _is_active(workspace, facilitator)
