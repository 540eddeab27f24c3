"""The web pages: login, language, profile with chart data, import with precise errors, security headers."""

from __future__ import annotations

import json
import re

import pytest

from hromada.http.security import CONTENT_SECURITY_POLICY
from tests.web.conftest import CODE_A, PASSWORD, Workspace, csrf_from, email_of

EXTERNAL = re.compile(r"""(?:src|href|action|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def test_login_page_is_ukrainian_by_default(workspace: Workspace) -> None:
    page = workspace.client(None).get("/login")
    assert page.status_code == 200
    assert '<html lang="uk">' in page.text
    assert "Увійти" in page.text


def test_accept_language_is_honoured(workspace: Workspace) -> None:
    client = workspace.client(None)
    assert '<html lang="de">' in client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9"}).text
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "en-GB"}).text
    assert '<html lang="uk">' in client.get("/login", headers={"Accept-Language": "fr"}).text


def test_wrong_password_is_refused_without_saying_which_part(workspace: Workspace) -> None:
    client = workspace.client(None)
    token = csrf_from(client.get("/login").text)
    wrong_pw = client.post(
        "/login", data={"email": email_of("viewer"), "password": "nope-nope-nope", "csrf_token": token}
    )
    no_user = client.post(
        "/login", data={"email": "ghost@hromada.example", "password": PASSWORD, "csrf_token": token}
    )
    assert wrong_pw.status_code == no_user.status_code == 401
    assert "hromada_session" not in wrong_pw.cookies or "uid" not in wrong_pw.text


def test_login_switch_language_and_logout(workspace: Workspace) -> None:
    client = workspace.client("viewer")
    page = client.get("/municipalities")
    assert page.status_code == 200 and "Муніципалітети" in page.text
    token = csrf_from(page.text)
    response = client.post("/language", data={"locale": "de", "next": "/municipalities", "csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/municipalities"
    page = client.get("/municipalities")
    assert '<html lang="de">' in page.text and "Gemeinden" in page.text
    client.post("/language", data={"locale": "en", "next": "https://evil.example/", "csrf_token": token})
    page = client.get("/municipalities")
    assert '<html lang="en">' in page.text and "Municipalities" in page.text
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert client.get("/municipalities").status_code == 303


def test_login_does_not_redirect_off_site(workspace: Workspace) -> None:
    client = workspace.client(None)
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "email": email_of("viewer"),
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/municipalities"


def test_profile_shows_the_facts_and_the_chart_data(workspace: Workspace) -> None:
    client = workspace.client("editor")
    client.cookies.set("x", "y")
    page = client.get(f"/municipalities/{CODE_A}", headers={"Accept-Language": "uk"})
    assert page.status_code == 200
    text = page.text
    assert "Альфа" in text and CODE_A in text
    assert "лінія фронту" in text  # status in Ukrainian
    assert "20 000" in text.replace("\u00a0", " ")  # population, Ukrainian digit grouping
    match = re.search(r'<script type="application/json" id="figure-employment">(.*?)</script>', text, re.S)
    assert match, "the chart's data block is missing"
    figure = json.loads(match.group(1))
    bars = {trace["name"]: trace["y"] for trace in figure["data"]}
    # 10 (food products) is manufacturing (C), 47 (retail trade) is section G.
    assert any(name.startswith("C ") for name in bars) and any(name.startswith("G ") for name in bars)
    c = next(v for k, v in bars.items() if k.startswith("C "))
    assert c == [100.0, 110.0]


def test_chart_fragment_switches_measure(workspace: Workspace) -> None:
    client = workspace.client("viewer")
    fragment = client.get(f"/municipalities/{CODE_A}/chart?measure=wages", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    bad = client.get(f"/municipalities/{CODE_A}/chart?measure=bogus")
    assert bad.status_code == 422


def test_import_error_is_precise_and_writes_nothing_then_fix_works(workspace: Workspace) -> None:
    client = workspace.client("editor")
    page = client.get(f"/municipalities/{CODE_A}/import")
    token = csrf_from(page.text)
    bad = b"year,sector_code,measure,value\n2024,10,employment,12\n2024,00,employment,5\n"
    response = client.post(
        f"/municipalities/{CODE_A}/import",
        data={"csrf_token": token},
        files={"file": ("bad.csv", bad, "text/csv")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "bad.csv" in response.text and "sector_code" in response.text and "00" in response.text
    assert ">3<" in response.text  # the row number
    chart = client.get(f"/municipalities/{CODE_A}/chart?measure=employment").text
    assert "2024" not in chart
    good = b"year,sector_code,measure,value\n2024,10,employment,12\n2024,47,employment,5\n"
    response = client.post(
        f"/municipalities/{CODE_A}/import",
        data={"csrf_token": token},
        files={"file": ("good.csv", good, "text/csv")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.text
    assert 'id="import-summary"' in response.text
    chart = client.get(f"/municipalities/{CODE_A}/chart?measure=employment").text
    assert "2024" in chart and "good.csv" in chart


@pytest.mark.parametrize(
    "path",
    [
        "/login",
        "/municipalities",
        f"/municipalities/{CODE_A}",
        f"/municipalities/{CODE_A}/import",
        "/api/v1/docs",
    ],
)
def test_pages_have_strict_csp_and_no_outside_urls(workspace: Workspace, path: str) -> None:
    page = workspace.client(None if path == "/login" else "facilitator").get(path)
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert page.headers["x-frame-options"] == "DENY"
    assert not EXTERNAL.search(page.text), EXTERNAL.search(page.text)
    # no inline scripts: every <script> either loads a local file or carries JSON data
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S):
        assert 'src="/' in attrs or ('type="application/json"' in attrs), attrs
        if 'src="/' in attrs:
            assert not body.strip()


def test_static_assets_are_served_locally(workspace: Workspace) -> None:
    client = workspace.client(None)
    for path in [
        "/static/vendor/htmx/htmx-2.0.11.min.js",
        "/static-vendor/plotly.min.js",
        "/static/css/app.css",
        "/static/js/app.js",
        "/static/vendor/fonts/noto-sans-cyrillic-400-normal.woff2",
        "/api/v1/docs-assets/swagger-ui-bundle.js",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert len(response.content) > 500


def test_openapi_document(workspace: Workspace) -> None:
    spec = workspace.client(None).get("/api/v1/openapi.json").json()
    assert "/api/v1/municipalities/{code}/statistics/import" in spec["paths"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
