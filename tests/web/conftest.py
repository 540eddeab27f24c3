"""A small two-municipality workspace served by the app, with one user per role."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hromada.data.synthetic import generate_panel, write_panel_parquet
from hromada.db.engine import make_engine, make_session_factory, session_scope
from hromada.db.migrate import upgrade
from hromada.db.models import Municipality, Role
from hromada.services import accounts, economy
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality, upsert_statistics
from hromada.services.reference import NATIONAL_PANEL, register_reference
from hromada.settings import Settings, get_settings
from hromada.web import create_app

if TYPE_CHECKING:
    import pandas as pd

PASSWORD = "correct-horse-battery"
CODE_A = "UA63120000000011111"
CODE_B = "UA46060000000022222"
ROLES = ("facilitator", "admin", "editor", "viewer", "outsider")

ASSETS_CSV = (
    b"asset_id,name,type,population_served,backup_hours,status,latitude,longitude,weakness\n"
    b"PS-01,Substation 1,substation,20000,0,operational,48.51,35.01,single transformer\n"
    b"WP-01,Pump 1,water_pumping,15000,6,damaged,48.52,35.02,\n"
    b"HOSP-01,Hospital,hospital,30000,24,operational,48.53,35.03,no spare generator\n"
)
DEPENDENCIES_CSV = b"supplier,consumer,kind\nPS-01,WP-01,power\nPS-01,HOSP-01,power\nWP-01,HOSP-01,water\n"
LEDGER_CSV = b"sector,kind,amount,currency,valuation_date,source,confidence,asset_id\nenergy,damage,1500000,UAH,2024-02-23,act,high,WP-01\n"
EVIDENCE = (b"commission act", "act.pdf")
# The fixture's SWOT item of each municipality (A is seeded first in a fresh database).
SWOT_IDS = {CODE_A: 1, CODE_B: 2}
# The fixture's one registered stakeholder (in each municipality).
STAKEHOLDER = "Fixture water utility"
EVIDENCE_NAME = hashlib.sha256(EVIDENCE[0]).hexdigest()[:16] + "-act.pdf"


@dataclass
class Workspace:
    app: FastAPI
    tokens: dict[str, str]
    data_dir: Path

    def client(self, who: str | None) -> TestClient:
        """A browser-like client logged in as ``who`` (None: anonymous)."""
        client = TestClient(self.app, follow_redirects=False)
        if who is not None:
            login(client, email_of(who))
        return client


def email_of(who: str) -> str:
    return f"{who}@hromada.example"


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page carries no CSRF token"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text


def _stats(code: str) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "region_code": code,
            "year": [2020, 2021, 2020, 2021],
            "sector_code": ["10", "10", "47", "47"],
            "measure": "employment",
            "value": [100.0, 110.0, 50.0, 55.0],
            "unit": "persons",
            "source": "fixture",
        }
    )


def _assessment_data(session: Session, settings: Settings, municipality: Municipality) -> None:
    """Assets, dependencies, a ledger entry, an assessment with an evidence file and a criticality run."""
    import pandas as pd

    from hromada.services import assessment, infrastructure

    assets = pd.read_csv(io.BytesIO(ASSETS_CSV), dtype={"asset_id": str})
    deps = pd.read_csv(io.BytesIO(DEPENDENCIES_CSV))
    infrastructure.save_network(session, municipality, assets, deps)
    assessment.save_ledger(
        session, municipality, pd.read_csv(io.BytesIO(LEDGER_CSV), dtype={"asset_id": str})
    )
    principal = system_principal()
    assessment.save_assessment(
        session, settings, principal, municipality,
        framework="hromada-wartime-resilience", assessed_on=dt.date(2026, 1, 15), assessor="fixture",
        scores={}, evidence={}, files={"gov.lead": (EVIDENCE[1], EVIDENCE[0])},
    )  # fmt: skip
    infrastructure.rank_criticality(session, principal, municipality)
    from hromada.services import strategy

    strategy.add_swot(session, principal, municipality, "strength", "Fixture strength")
    from hromada.data.demo_strategy import demo_strategy
    from hromada.services import projects

    demo = demo_strategy("UA63120000000011111", "Fixture", 30_000, "rear")
    pipeline = demo.projects.head(3).assign(
        documents_ready=True, strategy_aligned=True, cofinancing_share=0.2, location_status="rear"
    )
    projects.save_projects(session, municipality, pipeline)
    projects.save_sources(session, municipality, demo.sources)
    projects.plan_portfolio(session, principal, municipality)
    strategy.add_goal(session, principal, municipality, "G1", "Fixture goal")
    strategy.add_goal(session, principal, municipality, "G1.1", "Fixture objective", parent="G1")
    from hromada.services import partners

    partners.add_stakeholder(session, principal, municipality, STAKEHOLDER, "public")


def _reference_panel(session: Session, settings: Settings) -> None:
    """A small synthetic national panel (NACE divisions, two years) registered as the reference dataset."""
    panel = generate_panel(level="division", years=(2020, 2021))
    path = settings.data_dir / "reference" / f"{NATIONAL_PANEL}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_panel_parquet(panel, path)
    register_reference(
        session, settings, NATIONAL_PANEL, path, rows=len(panel.employment), provenance=dict(panel.provenance)
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    data_dir = tmp_path_factory.mktemp("web")
    settings = get_settings(data_dir=data_dir, secret_key="k" * 48)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    tokens: dict[str, str] = {}
    with session_scope(make_session_factory(engine)) as s:
        a = create_municipality(
            s,
            MunicipalityInput(
                CODE_A, "Альфа", "Alfa", "UA63", status="frontline", population=20_000, area_km2=400.0
            ),
        )
        b = create_municipality(
            s,
            MunicipalityInput(
                CODE_B, "Бета", "Beta", "UA46", status="hosting-idp", population=50_000, area_km2=300.0
            ),
        )
        upsert_statistics(s, a.id, _stats(CODE_A))
        upsert_statistics(s, b.id, _stats(CODE_B))
        for who in ROLES:
            user = accounts.add_user(s, email_of(who), PASSWORD, is_facilitator=who == "facilitator")
            if who in ("admin", "editor", "viewer"):
                accounts.add_membership(s, user, a, Role(who))
            tokens[who] = accounts.issue_token(s, user, "test").secret
        _reference_panel(s, settings)
        principal = system_principal()
        for municipality in (a, b):
            economy.run_analysis(s, settings, principal, municipality)
            _assessment_data(s, settings, municipality)
    engine.dispose()
    app = create_app(settings)
    yield Workspace(app=app, tokens=tokens, data_dir=data_dir)
    app.state.database.dispose()
