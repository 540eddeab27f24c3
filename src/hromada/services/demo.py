"""Loading the synthetic demo data into a workspace (idempotent), and operator helpers for the CLI."""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hromada.data import load_demo
from hromada.data.synthetic import write_panel_parquet
from hromada.db.models import Municipality, ReferenceDataset, Role, User
from hromada.errors import NotFoundError
from hromada.services import accounts
from hromada.services.access import Principal
from hromada.services.profile import MunicipalityInput, create_municipality, upsert_statistics
from hromada.services.reference import NATIONAL_PANEL, register_reference
from hromada.settings import Settings

__all__ = [
    "DEMO_FACILITATOR",
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoSummary",
    "demo_email",
    "municipality_by_code",
    "seed_demo",
    "system_principal",
]

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "hromada-demo"  # noqa: S105 (synthetic demo accounts, printed by `hromada demo`)
DEMO_FACILITATOR = "facilitator@hromada.example"


def system_principal() -> Principal:
    """The operator at the command line: acts network-wide, recorded in the audit log without a user."""
    return Principal(user_id=None, email="cli", is_facilitator=True)


def municipality_by_code(session: Session, code: str) -> Municipality:
    municipality = session.scalar(select(Municipality).where(Municipality.code == code))
    if municipality is None:
        raise NotFoundError(f"No municipality with the code {code}.")
    return municipality


@dataclass(frozen=True, slots=True)
class DemoLogin:
    email: str
    role: str
    municipality: str | None


@dataclass(frozen=True, slots=True)
class DemoSummary:
    logins: tuple[DemoLogin, ...]
    municipalities: int
    values_written: int
    values_unchanged: int
    panel_rows: int


def demo_email(name_en: str) -> str:
    """The demo account of a demo municipality: its English name as an address at hromada.example."""
    return re.sub(r"[^a-z0-9]+", "-", name_en.lower()).strip("-") + "@hromada.example"


def _ensure_user(session: Session, email: str, *, facilitator: bool, full_name: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = accounts.add_user(
            session, email, DEMO_PASSWORD, full_name=full_name, is_facilitator=facilitator
        )
    return user


def _seed_assessment_data(
    session: Session, settings: Settings, municipality: Municipality, row: Mapping[Hashable, Any]
) -> None:
    """A synthetic asset network, damage ledger and stated rates, once (an edited demo is left alone)."""
    from hromada.data.demo_infrastructure import DEMO_RATES, demo_infrastructure, demo_ledger
    from hromada.db.models import Asset, LedgerEntry
    from hromada.services.assessment import save_ledger, set_rates
    from hromada.services.infrastructure import save_network

    has_assets = session.scalar(select(Asset.id).where(Asset.municipality_id == municipality.id).limit(1))
    if has_assets is None:
        network = demo_infrastructure(
            row["code"], float(row["population"]), str(row["kind"]), str(row["status"])
        )
        save_network(session, municipality, network.assets, network.dependencies, synthetic=True)
        has_ledger = session.scalar(
            select(LedgerEntry.id).where(LedgerEntry.municipality_id == municipality.id).limit(1)
        )
        if has_ledger is None:
            save_ledger(
                session, municipality, demo_ledger(network, float(row["population"]), str(row["status"]))
            )
        set_rates(session, system_principal(), municipality, DEMO_RATES)
        _seed_assessments(session, settings, municipality, str(row["code"]))
    _seed_strategy(session, municipality, row)


def _seed_strategy(session: Session, municipality: Municipality, row: Mapping[Hashable, Any]) -> None:
    """A synthetic strategy, stakeholder register, project pipeline and funding sources, once."""
    from hromada.data.demo_strategy import demo_strategy
    from hromada.db.models import Strategy
    from hromada.services import partners, projects, strategy
    from hromada.services.projects import finance

    if session.scalar(select(Strategy.id).where(Strategy.municipality_id == municipality.id)) is not None:
        return
    demo = demo_strategy(str(row["code"]), str(row["name_en"]), float(row["population"]), str(row["status"]))
    operator = system_principal()
    strategy.set_vision(session, operator, municipality, demo.vision, horizon_year=2030)
    for goal in demo.goals:
        strategy.add_goal(session, operator, municipality, goal["key"], goal["title"], parent=goal["parent"])
    for kpi in demo.kpis:
        strategy.add_kpi(
            session, operator, municipality, kpi["objective"], kpi["name"], unit=kpi["unit"], baseline=kpi["baseline"],
            target=kpi["target"], deadline=kpi["deadline"], direction=kpi["direction"], data_source=kpi["data_source"],
        )  # fmt: skip
    for measure in demo.measures:
        strategy.add_measure(session, operator, municipality, measure["objective"], measure["title"])
    projects.save_projects(session, municipality, demo.projects, synthetic=True)
    projects.save_sources(session, municipality, demo.sources)
    finance.set_plan(session, operator, municipality, **demo.finance)
    finance.set_ahp(session, operator, municipality, demo.judgements)
    for item in demo.stakeholders:
        partners.add_stakeholder(session, operator, municipality, **item)
    for link in demo.partnerships:
        partners.add_partnership(session, operator, municipality, **link)
    for consultation in demo.consultations:
        partners.add_consultation(session, operator, municipality, **consultation)
    for line in demo.communication:
        partners.add_communication(session, operator, municipality, **line)


def _seed_assessments(session: Session, settings: Settings, municipality: Municipality, code: str) -> None:
    """Two synthetic self-assessments a year apart against the default framework (scores improve a little)."""
    import datetime as dt

    import numpy as np

    from hromada.data.framework_files import DEFAULT_FRAMEWORK, load_framework
    from hromada.services.assessment import save_assessment

    framework = load_framework(DEFAULT_FRAMEWORK)
    rng = np.random.default_rng([20220224, int(code[2:]) % (2**32)])
    base = {i: float(rng.integers(0, 4)) for i in framework.indicator_ids}
    for when, lift in ((dt.date(2025, 3, 1), 0), (dt.date(2026, 3, 1), 1)):
        scores: dict[str, float | None] = {
            i: min(framework.scale_max, v + lift * float(rng.integers(0, 2))) for i, v in base.items()
        }
        for skipped in rng.choice(framework.indicator_ids, size=3, replace=False):
            scores[str(skipped)] = None
        save_assessment(
            session, settings, system_principal(), municipality, framework=framework.id, assessed_on=when,
            assessor="Demo working group (synthetic)", scores=scores,
            evidence={framework.indicator_ids[0]: "Synthetic demo evidence: minutes of the working group."},
        )  # fmt: skip


def seed_demo(session: Session, settings: Settings) -> DemoSummary:
    """Load the demo municipalities, accounts, statistics and the national reference panel.

    Running it again changes nothing: municipalities and users are matched by code and email, and
    statistics by their natural key.
    """
    demo = load_demo(cache_dir=settings.cache_dir)
    # The national panel: a Parquet file under the data directory, registered with its provenance.
    panel_path = settings.data_dir / "reference" / f"{NATIONAL_PANEL}.parquet"
    existing = session.scalar(select(ReferenceDataset).where(ReferenceDataset.name == NATIONAL_PANEL))
    stale = existing is None or existing.provenance != demo.provenance or not panel_path.exists()
    if stale:
        panel_path.parent.mkdir(parents=True, exist_ok=True)
        write_panel_parquet(demo.panel, panel_path)
        register_reference(
            session,
            settings,
            NATIONAL_PANEL,
            panel_path,
            rows=len(demo.panel.employment),
            provenance=dict(demo.provenance),
        )
    facilitator = _ensure_user(session, DEMO_FACILITATOR, facilitator=True, full_name="Demo facilitator")
    logins = [DemoLogin(facilitator.email, "facilitator", None)]
    written = unchanged = 0
    for row in demo.municipalities.to_dict(orient="records"):
        municipality = create_municipality(
            session,
            MunicipalityInput(
                code=row["code"],
                name_uk=row["name_uk"],
                name_en=row["name_en"],
                name_de=row.get("name_de") or None,
                oblast_code=row["oblast_code"],
                status=row["status"],
                kind=row["kind"],
                population=int(row["population"]),
                area_km2=float(row["area_km2"]),
                idp_share=float(row["idp_share"]) if row.get("idp_share") is not None else None,
                description={
                    loc: str(row[f"description_{loc}"])
                    for loc in ("uk", "en", "de")
                    if row.get(f"description_{loc}")
                },
                is_synthetic=True,
            ),
            update=True,
        )
        email = demo_email(row["name_en"])
        user = _ensure_user(session, email, facilitator=False, full_name=f"Demo user, {row['name_en']}")
        if not any(m.municipality_id == municipality.id for m in user.memberships):
            accounts.add_membership(session, user, municipality, Role.EDITOR)
        logins.append(DemoLogin(email, Role.EDITOR.value, f"{row['name_en']} ({row['code']})"))
        stats = demo.statistics[demo.statistics["region_code"] == row["code"]]
        inserted, updated, same = upsert_statistics(session, municipality.id, stats)
        written += inserted + updated
        unchanged += same
        _seed_assessment_data(session, settings, municipality, row)
    logger.info("demo data loaded: %d values written, %d unchanged", written, unchanged)
    return DemoSummary(
        logins=tuple(logins),
        municipalities=len(demo.municipalities),
        values_written=written,
        values_unchanged=unchanged,
        panel_rows=len(demo.panel.employment),
    )
