"""The whole user story in a real browser (Debian's chromium driven by Playwright) against `hromada demo`
served on loopback: log in, switch language, import a bad file and see the error, import a good file and
see the chart; no page may load anything from outside the app, and the content-security policy must hold."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import wait_for_port
from tests.pgserver import free_port as _free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "hromada-demo"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed; `make test` installs it")
    data_dir = tmp_path_factory.mktemp("live")
    port = _free_port()
    env = {**os.environ, "HROMADA_DATA_DIR": str(data_dir)}
    env.pop("HROMADA_DATABASE_URL", None)
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "hromada.cli", "demo", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, timeout=180)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def browser(live_server: str) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class Watch:
    """Records every request a page makes and every console error (CSP violations among them)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.outside: list[str] = []
        self.console_errors: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("request", self._request)
        page.on("console", self._console)

    def _request(self, request: Request) -> None:
        url: str = request.url
        if not (url.startswith(self.base) or url.startswith(("data:", "blob:", "about:"))):
            self.outside.append(url)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            page_url = message.location.get("url", "")
            self.console_errors.append(f"{page_url}: {message.text}")


def _login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r".*/municipalities$"))


def test_facilitator_story(browser: Browser, live_server: str, tmp_path: Path) -> None:
    base = live_server
    context = browser.new_context(locale="uk-UA")
    page = context.new_page()
    watch = Watch(base)
    watch.attach(page)

    _login(page, base, "facilitator@hromada.example")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.locator("h1").inner_text() == "Муніципалітети"
    rows = page.locator("#municipalities tbody tr")
    assert rows.count() == 10
    assert "синтетичні" in page.content() or "synthetic" in page.content()

    page.click("button[value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Municipalities"

    first = page.locator("#municipalities tbody tr a").first
    name = first.inner_text()
    first.click()
    page.wait_for_selector(".chart[data-rendered=true]", timeout=30_000)
    assert page.locator("h1").inner_text().startswith(name)
    assert page.locator("#profile").inner_text().count("UA") >= 1
    code = page.url.rsplit("/", 1)[-1]

    page.click("text=Import statistics")
    page.wait_for_selector("#import-form")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "year,sector_code,measure,value\n2025,10,employment,4321\n2025,10,employment,x\n", encoding="utf-8"
    )
    page.set_input_files("input[name=file]", str(bad))
    page.click("#import-form button[type=submit]")
    error = page.wait_for_selector("#import-error")
    assert error is not None  # None only when waiting for the element to go
    text = error.inner_text()
    assert "bad.csv" in text and "value" in text and "3" in text and "'x'" in text
    assert "Nothing was written" in text

    good = tmp_path / "good.csv"
    good.write_text(
        "year,sector_code,measure,value\n2025,10,employment,4321\n2025,47,employment,765\n", encoding="utf-8"
    )
    page.set_input_files("input[name=file]", str(good))
    page.click("#import-form button[type=submit]")
    summary = page.wait_for_selector("#import-summary")
    assert summary is not None
    assert "2 new values" in summary.inner_text()

    page.click("text=See the statistics")
    page.wait_for_selector(".chart[data-rendered=true]", timeout=30_000)
    figure = page.locator("script#figure-employment").text_content() or ""
    assert "2025" in figure and "4321" in figure
    assert page.url.split("?")[0].endswith(code)

    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector(".swagger-ui", timeout=30_000)

    assert not watch.outside, f"pages referenced outside URLs: {watch.outside}"
    csp = [e for e in watch.console_errors if "Content Security Policy" in e or "Refused" in e]
    assert not csp, csp
    context.close()


def test_municipality_user_sees_only_their_own(browser: Browser, live_server: str) -> None:
    from hromada.data import load_demo
    from hromada.services.demo import demo_email

    demo = load_demo().municipalities
    own, other = demo.iloc[0], demo.iloc[1]
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert page.locator("html").get_attribute("lang") == "de"
    _login(page, live_server, demo_email(own["name_en"]))
    rows = page.locator("#municipalities tbody tr")
    assert rows.count() == 1
    assert own["code"] in rows.first.inner_text()
    response = page.goto(f"{live_server}/municipalities/{other['code']}")
    assert response is not None and response.status == 404
    assert other["name_en"] not in page.content()
    context.close()


def test_economy_analysis_story(browser: Browser, live_server: str) -> None:
    """A municipality's team runs its economy analysis and reads structure, quadrants and opportunities."""
    from hromada.data import load_demo
    from hromada.services.demo import demo_email

    own = load_demo().municipalities.iloc[2]
    context = browser.new_context(locale="uk-UA")
    page = context.new_page()
    watch = Watch(live_server)
    watch.attach(page)
    _login(page, live_server, demo_email(own["name_en"]))
    page.goto(f"{live_server}/municipalities/{own['code']}")
    page.click(f"a[href='/municipalities/{own['code']}/economy']")
    page.wait_for_url(re.compile(r".*/economy$"))
    assert page.locator("#opportunities").count() == 0  # nothing analysed yet
    page.select_option("#analyze-form select[name=preset]", "atlas")
    page.click("#analyze-form button[type=submit]")
    page.wait_for_selector("#opportunities tbody tr", timeout=60_000)
    assert "atlas" in page.locator("#provenance").inner_text()
    assert page.locator("#opportunities tbody tr").count() == 25
    # Three charts drawn by the app's own plotly.js: structure, specialisation vs growth, indices over time.
    page.wait_for_function("document.querySelectorAll('.chart .main-svg').length >= 3")
    assert page.locator(".quadrant").count() == 4
    assert "Можливість" in page.locator("#quadrants").inner_text()
    assert not watch.outside, f"pages referenced outside URLs: {watch.outside}"
    csp = [e for e in watch.console_errors if "Content Security Policy" in e or "Refused" in e]
    assert not csp, csp
    context.close()


def test_assessment_and_infrastructure_story(browser: Browser, live_server: str, tmp_path: Path) -> None:
    """A frontline municipality's team reads its damage ledger, assesses its resilience with evidence, sees
    what fails with its damaged assets, ranks critical assets and plans repairs."""
    from hromada.data import load_demo
    from hromada.services.demo import demo_email

    demo = load_demo().municipalities
    own = demo[demo["status"] == "frontline"].iloc[0]
    code = own["code"]
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    watch = Watch(live_server)
    watch.attach(page)
    _login(page, live_server, demo_email(own["name_en"]))

    page.goto(f"{live_server}/municipalities/{code}/ledger")
    page.wait_for_function("document.querySelectorAll('.chart .main-svg').length >= 1")
    assert "UAH" in page.locator("#totals").inner_text()
    assert page.locator("#entries tbody tr").count() > 5

    page.goto(f"{live_server}/municipalities/{code}/resilience")
    page.click("form[action$='/resilience/new'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/resilience/new\?framework=.*"))
    selects = page.locator("#assessment-form select")
    for k in range(3):
        selects.nth(k).select_option("5")
    page.fill("#assessment-form input[name=assessor]", "Browser test")
    evidence = tmp_path / "minutes.txt"
    evidence.write_text("Minutes of the working group", encoding="utf-8")
    page.locator("#assessment-form input[type=file]").first.set_input_files(str(evidence))
    page.click("#assessment-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/resilience$"))
    page.wait_for_function("document.querySelectorAll('.chart .main-svg').length >= 1")
    assert "Browser test" in page.locator("#result").inner_text()
    assert page.locator("#evidence a").count() >= 1

    page.goto(f"{live_server}/municipalities/{code}/infrastructure")
    page.wait_for_function("document.querySelectorAll('.chart .main-svg').length >= 2")
    assert page.locator("#cascade-table tbody tr").count() > 0
    page.click("#criticality button[type=submit]")
    page.wait_for_selector("#criticality table tbody tr")
    page.fill("#restoration-form input[name=crews]", "4")
    page.click("#restoration-form button[type=submit]")
    page.wait_for_selector("#restoration .chart")
    page.wait_for_function("document.querySelectorAll('#restoration .chart .main-svg').length >= 2")
    # The team sees its own restricted fields.
    assert "restricted" not in page.locator("#assets").inner_text()

    assert not watch.outside, f"pages referenced outside URLs: {watch.outside}"
    csp = [e for e in watch.console_errors if "Content Security Policy" in e or "Refused" in e]
    assert not csp, csp
    context.close()


def test_strategy_partners_and_projects_story(browser: Browser, live_server: str) -> None:
    """A team accepts a SWOT suggestion, reads its partners' grid and funds its ranked projects."""
    from hromada.data import load_demo
    from hromada.services.demo import demo_email

    own = load_demo().municipalities.iloc[3]
    code = own["code"]
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    watch = Watch(live_server)
    watch.attach(page)
    _login(page, live_server, demo_email(own["name_en"]))

    page.goto(f"{live_server}/municipalities/{code}/strategy")
    suggestions = page.locator("#swot-suggestions tbody tr")
    before = suggestions.count()
    assert before > 0
    page.locator("#swot-suggestions button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/strategy#swot$"))
    assert page.locator("#swot-suggestions tbody tr").count() == before - 1
    assert page.locator("#goals .flag").count() >= 1  # the demo's incomplete KPI is flagged
    flags = page.locator("#goals .flag").count()
    kpi = page.locator("#kpi-form")
    kpi.locator("select[name=objective]").select_option(index=0)
    kpi.locator("input[name=name]").fill("Betriebe mit Notstrom")
    kpi.locator("input[name=target]").fill("80")
    kpi.locator("input[name=deadline]").fill("2028-12-31")
    kpi.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/strategy#goals$"))
    assert "Betriebe mit Notstrom" in page.locator("#goals").inner_text()
    assert page.locator("#goals .flag").count() == flags + 1  # no baseline: flagged

    page.goto(f"{live_server}/municipalities/{code}/partners")
    page.wait_for_function("document.querySelectorAll('.chart .main-svg').length >= 2")
    assert page.locator("#register tbody tr").count() == 10

    page.goto(f"{live_server}/municipalities/{code}/projects")
    page.wait_for_selector("#ranking-table tbody tr")
    assert "AHP" in page.locator("#weights-from").inner_text()  # the demo committee's judgements
    page.locator("#ahp summary").click()
    page.locator("#ahp select").first.select_option("1/3")  # population served now matters less than urgency
    page.locator("#ahp button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/projects\?method=topsis#ranking$"))
    assert page.locator("#ahp select").first.input_value() == "1/3"
    # the eligibility gates: with no rule every active project is ranked; the reset brings the rules back
    ranked = page.locator("#ranking-table tbody tr").count()
    failing = page.locator("#ranking ul.small li").count()
    assert failing > 0 and "Kofinanzierung" in page.locator("#gate-list").inner_text()
    page.locator("#gates summary").click()
    for box in page.locator("#gates input[type=checkbox][name^=gate_]").all():
        box.uncheck()
    page.locator("#gates button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/projects#gates$"))
    assert "Keine Regel" in page.locator("#gate-list").inner_text()
    failed_keys = len(set(page.locator("#ranking ul.small li code").all_inner_texts()))
    assert failed_keys == 0 and page.locator("#ranking-table tbody tr").count() > ranked
    page.locator("#gates summary").click()
    page.locator("#gates button[name=reset]").click()
    page.wait_for_url(re.compile(r".*/projects#gates$"))
    assert page.locator("#ranking-table tbody tr").count() == ranked
    assert page.locator("#ranking ul.small li").count() == failing
    page.click("#portfolio button[type=submit]")
    page.wait_for_url(re.compile(r".*/projects\?method=topsis#portfolio$"))
    page.wait_for_function("document.querySelectorAll('#portfolio .chart .main-svg').length >= 2")
    assert "optimal" in page.locator("#portfolio-status").inner_text()
    assert page.locator("#debt-check").inner_text().startswith("✓")  # the demo's 10 % limit holds
    with page.expect_download() as download:
        page.locator("#portfolio a[href$='portfolio.xlsx']").click()
    assert download.value.suggested_filename == f"hromada-{code}-portfolio.xlsx"

    assert not watch.outside, f"pages referenced outside URLs: {watch.outside}"
    csp = [e for e in watch.console_errors if "Content Security Policy" in e or "Refused" in e]
    assert not csp, csp
    context.close()
