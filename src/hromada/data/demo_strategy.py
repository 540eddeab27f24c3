"""SYNTHETIC strategies, partners, project pipelines and funding sources for the demo municipalities.

Plausible, not real: a vision, three goals with objectives, KPIs (some deliberately incomplete, so the SMART
checks have something to flag) and measures; a stakeholder register across the public sector, businesses,
civil society, international organisations, academia and donors; a pipeline of recovery projects in the
sectors the municipality's damage ledger names; and funding sources (own budget, state subvention, the
regional development fund, an IFI loan, a grant and a donor programme) sized by the population.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

__all__ = ["DemoStrategy", "demo_strategy"]

_GOALS: Final = (
    ("G1", "Restore basic services and protect residents", (
        ("G1.1", "Water, heat and power keep working during outages", "Households with water during power cuts", "%", 55.0, 95.0, "increase"),
        ("G1.2", "Every school and clinic has a shelter and backup power", "Schools with a shelter", "%", 40.0, 100.0, "increase"),
    )),
    ("G2", "Grow local jobs in the industries we can develop", (
        ("G2.1", "Support the strengths and new potentials of the local economy", "Registered jobs", "persons", None, None, "increase"),
        ("G2.2", "Integrate displaced people into work", "Displaced people employed", "persons", 300.0, 900.0, "increase"),
    )),
    ("G3", "A transparent, partner-based recovery", (
        ("G3.1", "Projects ranked by published criteria", "Projects ranked with published criteria", "%", 0.0, 100.0, "increase"),
    )),
)  # fmt: skip

_STAKEHOLDERS: Final = (
    ("Community council", "public", "Adopts the programme and the budget", 5, 5),
    ("Oblast military administration", "public", "Approves regional co-financing", 5, 3),
    ("Municipal water utility", "public", "Runs water and sewage", 4, 5),
    ("Local business association", "private", "Voice of small and medium firms", 3, 4),
    ("Agricultural cooperative", "private", "Largest local employer in farming", 2, 4),
    ("Youth NGO", "civil_society", "Volunteers and youth programmes", 1, 4),
    ("Council of displaced people", "civil_society", "Represents displaced residents", 2, 5),
    ("UNDP recovery programme", "international", "Technical support and equipment", 4, 4),
    ("European Investment Bank", "donor", "Loans for water and energy", 5, 2),
    ("Regional university", "academia", "Data and training", 2, 3),
)  # fmt: skip

_PROJECTS: Final = (
    ("energy", "rehabilitation", "Backup power for boiler houses and pumps", 0.0009),
    ("water_sanitation", "rehabilitation", "Rehabilitate the water treatment plant", 0.0012),
    ("education", "construction", "Shelters in schools", 0.0007),
    ("health", "rehabilitation", "Restore the hospital wing", 0.0015),
    ("housing", "rehabilitation", "Repair damaged apartment blocks", 0.0020),
    ("transport", "replacement", "Replace the destroyed bridge", 0.0018),
    ("commerce_industry", "construction", "Industrial park for relocated businesses", 0.0010),
    ("civil_protection", "construction", "Civil protection centre", 0.0004),
    ("municipal_services", "expansion", "Modern waste collection", 0.0003),
    ("public_administration", "rehabilitation", "Administrative services centre", 0.0003),
    ("explosive_hazards", "maintenance", "Survey and clear farmland of explosive hazards", 0.0006),
    ("culture", "rehabilitation", "Restore the community culture house", 0.0002),
    ("transport", "construction", "Temporary modular bridge", 0.0006),
)  # fmt: skip
# Project links: the industrial park needs backup power (P-07 needs P-01); the modular bridge and the
# permanent replacement are alternatives for the same crossing (P-13 excludes P-06).
_DEPENDS: Final = {"P-07": "P-01"}
_EXCLUDES: Final = {"P-13": "P-06"}
# AHP judgements of a project committee (Saaty 1-9 scale): how many times the first matters more.
_JUDGEMENTS: Final = (
    ("population_served", "urgency", 1), ("population_served", "jobs", 2), ("population_served", "readiness", 2),
    ("population_served", "cost_per_person", 2), ("urgency", "jobs", 3), ("urgency", "readiness", 2),
    ("urgency", "cost_per_person", 2), ("jobs", "readiness", 1), ("jobs", "cost_per_person", 1),
    ("readiness", "cost_per_person", 1),
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class DemoStrategy:
    """Everything the strategy, partners and projects pages of one demo municipality show."""

    vision: str
    goals: list[dict[str, Any]]
    kpis: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    stakeholders: list[dict[str, Any]]
    partnerships: list[dict[str, Any]]
    consultations: list[dict[str, Any]]
    communication: list[dict[str, Any]]
    projects: pd.DataFrame
    sources: pd.DataFrame
    finance: dict[str, Any]
    judgements: tuple[tuple[str, str, float], ...]


def demo_strategy(
    code: str, name: str, population: float, status: str, *, seed: int = 20220224
) -> DemoStrategy:
    """A deterministic synthetic strategy, register, pipeline and sources for one municipality."""
    rng = np.random.default_rng([seed, int(code[2:]) % (2**32)])
    scale = max(population, 2_000.0) * 1_000_000.0  # money scales with the population (UAH)
    goals: list[dict[str, Any]] = []
    kpis: list[dict[str, Any]] = []
    measures: list[dict[str, Any]] = []
    for key, title, objectives in _GOALS:
        goals.append({"key": key, "title": title, "parent": None})
        for okey, otitle, kpi_name, unit, baseline, target, direction in objectives:
            goals.append({"key": okey, "title": otitle, "parent": key})
            kpis.append(
                {
                    "objective": okey, "name": kpi_name, "unit": unit, "direction": direction,
                    "baseline": None if baseline is None else (baseline, dt.date(2025, 1, 1)),
                    "target": target, "deadline": dt.date(2028, 12, 31) if target is not None else None,
                    "data_source": "municipal statistics (synthetic)" if baseline is not None else "",
                }
            )  # fmt: skip
            if okey != "G2.1":  # one objective without a measure, for the checks to find
                measures.append({"objective": okey, "title": f"Measures for: {otitle.lower()}"})
    stakeholders = [
        {
            "name": n,
            "type": t,
            "role": r,
            "influence": i,
            "interest": j,
            "contact": f"office@{n.split()[0].lower()}.example (synthetic)",
        }
        for n, t, r, i, j in _STAKEHOLDERS
    ]
    partnerships: list[dict[str, Any]] = [
        {"stakeholder": "Municipal water utility", "partner": "European Investment Bank", "subject": "Water treatment loan", "goal": "G1.1", "project": "P-02"},
        {"stakeholder": "UNDP recovery programme", "partner": None, "subject": "Generators and shelters", "goal": "G1.2", "project": "P-03"},
        {"stakeholder": "Local business association", "partner": "Regional university", "subject": "Skills for relocated firms", "goal": "G2.1", "project": None},
        {"stakeholder": "Council of displaced people", "partner": "Youth NGO", "subject": "Job fairs for displaced people", "goal": "G2.2", "project": None},
    ]  # fmt: skip
    consultations = [
        {"topic": "Comprehensive recovery programme", "starts_on": dt.date(2025, 4, 1), "ends_on": dt.date(2025, 4, 15), "proposals_received": int(rng.integers(8, 40))},
        {"topic": "Project ranking criteria", "starts_on": dt.date(2025, 9, 1), "ends_on": dt.date(2025, 9, 7), "proposals_received": int(rng.integers(2, 12))},
    ]  # fmt: skip
    communication = [
        {"audience": "Residents", "message": "What is being rebuilt, when and with whose money", "channel": "Website and Telegram", "timing": "Monthly"},
        {"audience": "Donors and partners", "message": "Progress against the KPIs", "channel": "Quarterly report", "timing": "Quarterly"},
    ]  # fmt: skip
    frontline = status in ("frontline", "de-occupied")
    rows = []
    for k, (sector, kind, title, share) in enumerate(_PROJECTS):
        cost = round(scale * share * float(rng.uniform(0.6, 1.6)), -4)
        rows.append(
            {
                "key": f"P-{k + 1:02d}", "title": f"{title} ({name})", "stage": ["identification", "preparation", "preparation", "implementation"][int(rng.integers(0, 4))],
                "type": kind, "sector": sector, "cost": cost, "currency": "UAH", "cost_date": "2025-06-30",
                "start_year": 2026 + int(rng.integers(0, 2)), "duration_years": int(rng.integers(1, 3)),
                "location": "community centre" if k % 2 else "outskirts",
                "location_status": "frontline" if frontline and rng.random() < 0.25 else "rear",
                "documents_ready": bool(rng.random() < 0.8), "strategy_aligned": bool(rng.random() < 0.9),
                "cofinancing_share": round(float(rng.choice([0.05, 0.1, 0.1, 0.15, 0.2, 0.25])), 2),
                "goal_keys": "G1.1" if sector in ("energy", "water_sanitation") else ("G1.2" if sector in ("education", "health", "civil_protection") else "G2.1"),
                "c:population_served": round(population * float(rng.uniform(0.05, 0.9))),
                "c:urgency": int(rng.integers(1, 6)), "c:jobs": int(rng.integers(0, 200)),
                "c:readiness": int(rng.integers(1, 6)), "c:cost_per_person": round(cost / max(population, 1.0), 1),
                "depends_on": _DEPENDS.get(f"P-{k + 1:02d}", ""), "excludes": _EXCLUDES.get(f"P-{k + 1:02d}", ""),
            }
        )  # fmt: skip
    projects = pd.DataFrame(rows)
    years = (2026, 2027, 2028)
    budget = scale * 0.0025
    sources = pd.DataFrame(
        [
            {"source_id": "OWN", "name": "Own budget", "kind": "own_budget", "eligible_sectors": "*", "max_share": 1.0},
            {"source_id": "SUBV", "name": "State subvention for recovery", "kind": "state_subvention", "eligible_sectors": "housing;education;health;water_sanitation;energy", "max_share": 0.7},
            {"source_id": "RDF", "name": "Regional development fund", "kind": "regional_fund", "eligible_sectors": "*", "max_share": 0.5},
            {"source_id": "EIB", "name": "EIB loan", "kind": "ifi_loan", "eligible_sectors": "water_sanitation;energy;municipal_services", "max_share": 0.8, "interest_rate": 0.03, "tenor_years": 15, "grace_years": 3},
            {"source_id": "GRANT", "name": "EU grant", "kind": "grant", "eligible_sectors": "energy;civil_protection;education", "max_share": 0.9},
            {"source_id": "UNDP", "name": "UNDP programme", "kind": "donor", "eligible_sectors": "civil_protection;explosive_hazards;public_administration", "max_share": 1.0},
        ]
    )  # fmt: skip
    weights = {"OWN": 0.15, "SUBV": 0.35, "RDF": 0.15, "EIB": 0.5, "GRANT": 0.2, "UNDP": 0.1}
    for year in years:
        sources[f"amount_{year}"] = [
            round(budget * weights[s] * float(rng.uniform(0.8, 1.2)), -4) for s in sources["source_id"]
        ]
    # Revenue forecast of the municipal budget (illustrative: about 6,000 UAH per resident a year, growing
    # 5 % a year) and a prudent limit: debt service at most 10 % of revenue, debt at most twice revenue
    # (the Budget Code is reported to allow up to 200 % of average forecast revenue, Art. 18; martial law
    # restricts borrowing further). Both limits are settings the municipality changes.
    revenue = {year: round(population * 6000 * 1.05 ** (year - 2026), -4) for year in range(2026, 2046)}
    finance = {
        "first_year": years[0], "last_year": years[-1], "revenue": revenue, "debt_service_share": 0.10,
        "max_debt_ratio": 2.0,
    }  # fmt: skip
    vision = (
        f"{name} in 2030: a safe community where water, heat and power keep working through any outage, where "
        "displaced people have found a home and a job, and where every hryvnia of recovery is planned in the open."
    )
    return DemoStrategy(
        vision=vision, goals=goals, kpis=kpis, measures=measures, stakeholders=stakeholders, partnerships=partnerships,
        consultations=consultations, communication=communication, projects=projects, sources=sources,
        finance=finance, judgements=_JUDGEMENTS,
    )  # fmt: skip
