"""SYNTHETIC critical infrastructure and damage ledgers for the demo municipalities.

Each demo municipality gets a plausible network of critical assets sized by its population and kind
(substations, boiler houses and heating networks in towns, water pumping and treatment, sewage pumping,
hospitals and clinics, schools and kindergartens, shelters, administration, telecom nodes, fuel depots,
bridges and road segments) with the dependencies that make a municipal system fragile: pumps and boiler
houses need power, heating needs water, hospitals, schools and shelters need power, water and heat, and a
hospital across a river needs its bridge. Critical consumers have two feeders (1-of-2 redundancy) and
backup generators with hours of autonomy. Municipalities near the front line have damaged or destroyed
assets, and their damage, loss and need ledgers refer to them.

Nothing here describes real places. Costs are rough magnitudes in UAH for training only.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

__all__ = ["DEMO_RATES", "DemoInfrastructure", "demo_infrastructure", "demo_ledger"]

#: Stated exchange rates for the synthetic demo (UAH per unit), close to the National Bank of Ukraine's
#: official rates of those dates; a workspace with real figures states its own rates.
DEMO_RATES: Final = pd.DataFrame(
    {
        "currency": ["USD", "EUR", "USD", "EUR", "USD", "EUR"],
        "date": pd.to_datetime(
            ["2023-02-24", "2023-02-24", "2024-02-23", "2024-02-23", "2025-02-24", "2025-02-24"]
        ).date,
        "rate": [36.57, 38.77, 37.93, 41.03, 41.62, 43.61],
        "source": "illustrative rates for the synthetic demo, close to NBU official rates",
    }
)

# type -> (service, repair days, replacement cost in million UAH, typical backup hours)
_TYPES: Final[dict[str, tuple[str, float, float, float]]] = {
    "substation": ("electricity", 20, 45.0, 0),
    "water_pumping": ("water", 10, 12.0, 6),
    "water_treatment": ("water", 30, 80.0, 12),
    "sewage_pumping": ("sanitation", 10, 9.0, 4),
    "boiler_house": ("heating", 25, 35.0, 0),
    "heating_network": ("heating", 15, 20.0, 0),
    "hospital": ("health", 60, 250.0, 48),
    "clinic": ("health", 20, 25.0, 24),
    "school": ("education", 45, 90.0, 0),
    "kindergarten": ("education", 30, 40.0, 0),
    "shelter": ("shelter", 10, 6.0, 36),
    "administration": ("administration", 20, 30.0, 8),
    "telecom_node": ("telecom", 5, 4.0, 6),
    "fuel_depot": ("transport", 15, 15.0, 0),
    "bridge": ("transport", 90, 120.0, 0),
    "road_segment": ("transport", 20, 25.0, 0),
}

_NAMES: Final[dict[str, str]] = {
    "substation": "Substation",
    "water_pumping": "Water pumping station",
    "water_treatment": "Water treatment plant",
    "sewage_pumping": "Sewage pumping station",
    "boiler_house": "Boiler house",
    "heating_network": "Heating network district",
    "hospital": "Hospital",
    "clinic": "Outpatient clinic",
    "school": "School",
    "kindergarten": "Kindergarten",
    "shelter": "Shelter",
    "administration": "Community administration",
    "telecom_node": "Telecom node",
    "fuel_depot": "Fuel depot",
    "bridge": "Bridge",
    "road_segment": "Road segment",
}


_PREFIX: Final[dict[str, str]] = {
    "substation": "PS", "water_pumping": "WP", "water_treatment": "WT", "sewage_pumping": "SP",
    "boiler_house": "BH", "heating_network": "HN", "hospital": "HOSP", "clinic": "CL", "school": "SCH",
    "kindergarten": "KG", "shelter": "SH", "administration": "ADM", "telecom_node": "TEL", "fuel_depot": "FD",
    "bridge": "BR", "road_segment": "RD",
}  # fmt: skip


@dataclass(frozen=True, eq=False)
class DemoInfrastructure:
    """Assets and dependencies of one demo municipality (tables as :class:`hromada.analysis.infrastructure.Network` reads them)."""

    assets: pd.DataFrame
    dependencies: pd.DataFrame


def _counts(population: float, kind: str) -> dict[str, int]:
    p = max(population, 1_000.0)
    urban = kind == "urban"
    counts = {
        "substation": max(2, round(p / 15_000)),
        "water_pumping": max(1, round(p / 9_000)),
        "water_treatment": 1 if p > 20_000 else 0,
        "sewage_pumping": max(1, round(p / 25_000)),
        "boiler_house": max(1, round(p / 12_000)) if urban or p > 8_000 else 0,
        "hospital": max(1, round(p / 60_000)) if p > 15_000 else 0,
        "clinic": max(1, round(p / 12_000)),
        "school": max(1, round(p / 3_500)),
        "kindergarten": max(1, round(p / 5_000)),
        "shelter": max(2, round(p / 2_500)),
        "administration": 1,
        "telecom_node": max(1, round(p / 20_000)),
        "fuel_depot": 1,
        "bridge": 1 if p > 5_000 else 0,
        "road_segment": max(2, round(math.sqrt(p) / 60)),
    }
    counts["heating_network"] = counts["boiler_house"]
    return counts


def demo_infrastructure(
    code: str, population: float, kind: str, status: str, *, seed: int = 20220224
) -> DemoInfrastructure:
    """A synthetic asset network for one municipality (deterministic for a given code and seed)."""
    rng = np.random.default_rng([seed, int(code[2:].lstrip("0") or 0) % (2**32)])
    counts = _counts(population, kind)
    rows: list[dict[str, object]] = []
    by_type: dict[str, list[str]] = {}
    for asset_type, n in counts.items():
        service, repair, cost, backup = _TYPES[asset_type]
        for k in range(n):
            key = f"{_PREFIX[asset_type]}-{k + 1:02d}"
            by_type.setdefault(asset_type, []).append(key)
            rows.append(
                {
                    "asset_id": key,
                    "name": f"{_NAMES[asset_type]} {k + 1}",
                    "type": asset_type,
                    "service": service,
                    "population_served": 0.0,
                    "replacement_cost": round(cost * 1e6 * float(rng.uniform(0.6, 1.5)), -3),
                    "repair_days": float(max(1, round(repair * float(rng.uniform(0.6, 1.4))))),
                    "backup_hours": float(backup * rng.choice([0, 1, 1, 2])) if backup else 0.0,
                    "status": "operational",
                    "latitude": None,
                    "longitude": None,
                    "weakness": "",
                }
            )
    assets = pd.DataFrame(rows).set_index("asset_id", drop=False)
    assets["repair_cost"] = (assets["replacement_cost"] * rng.uniform(0.15, 0.45, len(assets))).round(-3)
    # Service areas: each asset of a service serves a share of the population.
    share = {
        "substation": 1.0, "water_pumping": 1.0, "water_treatment": 1.0, "sewage_pumping": 1.0,
        "boiler_house": 0.7 if kind == "urban" else 0.4, "heating_network": 0.7 if kind == "urban" else 0.4,
        "hospital": 1.0, "clinic": 1.0, "school": 0.11, "kindergarten": 0.05, "shelter": 0.15,
        "administration": 1.0, "telecom_node": 1.0, "fuel_depot": 1.0, "bridge": 0.3, "road_segment": 0.4,
    }  # fmt: skip
    for asset_type, keys in by_type.items():
        weights = rng.dirichlet(np.full(len(keys), 4.0))
        assets.loc[keys, "population_served"] = np.round(population * share[asset_type] * weights)
    # A coarse synthetic location around a fictitious centre (restricted data in the product).
    centre = (48.5 + float(rng.uniform(-1.5, 1.5)), 31.0 + float(rng.uniform(-5, 5)))
    assets["latitude"] = np.round(centre[0] + rng.normal(0, 0.03, len(assets)), 5)
    assets["longitude"] = np.round(centre[1] + rng.normal(0, 0.05, len(assets)), 5)
    weak = rng.random(len(assets)) < 0.2
    assets.loc[weak, "weakness"] = rng.choice(
        ["single transformer, no spare", "no backup generator", "roof damaged, leaks", "one feeder only",
         "pumps older than 40 years", "no shelter ventilation backup"], int(weak.sum())
    )  # fmt: skip

    deps: list[dict[str, object]] = []

    def feed(
        consumer: str, suppliers: list[str], kind_: str, group: str | None = None, required: int = 1
    ) -> None:
        for supplier in suppliers:
            deps.append(
                {
                    "supplier": supplier,
                    "consumer": consumer,
                    "kind": kind_,
                    "group": group or f"{consumer}:{kind_}",
                    "required": required,
                }
            )

    substations = by_type.get("substation", [])
    pumps = by_type.get("water_pumping", [])
    boilers = by_type.get("boiler_house", [])
    for idx, key in enumerate(assets.index):
        asset_type = str(assets.at[key, "type"])
        if asset_type in ("substation", "bridge", "road_segment"):
            continue
        critical = asset_type in ("hospital", "water_treatment", "administration", "water_pumping")
        n_feeders = 2 if critical and len(substations) > 1 else 1
        chosen = [substations[(idx + j) % len(substations)] for j in range(n_feeders)]
        feed(key, chosen, "power")
        if (
            asset_type in ("boiler_house", "hospital", "clinic", "school", "kindergarten", "shelter")
            and pumps
        ):
            feed(key, [pumps[idx % len(pumps)]], "water")
        if asset_type in ("hospital", "clinic", "school", "kindergarten") and boilers:
            heat = by_type["heating_network"][idx % len(boilers)]
            feed(key, [heat], "heat")
        if asset_type == "heating_network":
            feed(key, [boilers[int(key.split("-")[1]) - 1]], "heat")
        if asset_type == "water_pumping" and "water_treatment" in by_type:
            feed(key, by_type["water_treatment"], "water")
        if asset_type in ("hospital", "administration") and "telecom_node" in by_type:
            feed(key, by_type["telecom_node"][:1], "telecom")
    if "bridge" in by_type and "hospital" in by_type:
        # The road to the hospital: the bridge or the detour road segment (1 of 2).
        feed(
            by_type["hospital"][0],
            [by_type["bridge"][0], by_type["road_segment"][0]],
            "access",
            group="hospital-access",
        )
    if "fuel_depot" in by_type:
        for key in by_type.get("boiler_house", []):
            feed(key, by_type["fuel_depot"], "fuel")
    dependencies = pd.DataFrame(deps)
    # War damage near the front line, some in the rear too.
    p_damage = {"frontline": 0.22, "de-occupied": 0.3, "hosting-idp": 0.03, "rear": 0.02}.get(status, 0.02)
    hit = rng.random(len(assets)) < p_damage
    assets.loc[hit, "status"] = np.where(rng.random(int(hit.sum())) < 0.3, "destroyed", "damaged")
    return DemoInfrastructure(assets=assets.reset_index(drop=True), dependencies=dependencies)


_SECTOR_OF_TYPE: Final[dict[str, str]] = {
    "substation": "energy", "boiler_house": "energy", "heating_network": "energy", "fuel_depot": "energy",
    "water_pumping": "water_sanitation", "water_treatment": "water_sanitation", "sewage_pumping": "water_sanitation",
    "hospital": "health", "clinic": "health", "school": "education", "kindergarten": "education",
    "shelter": "civil_protection", "administration": "public_administration", "telecom_node": "telecommunications",
    "bridge": "transport", "road_segment": "transport",
}  # fmt: skip


def demo_ledger(
    infrastructure: DemoInfrastructure, population: float, status: str, *, seed: int = 20220224
) -> pd.DataFrame:
    """Damage, loss and need entries for a demo municipality: one damage entry per damaged asset, plus
    housing damage, economic losses and needs by sector (build back better and a short/medium split)."""
    rng = np.random.default_rng([seed, int(population) % (2**32)])
    rows: list[dict[str, object]] = []
    dates = [dt.date(2023, 2, 24), dt.date(2024, 2, 23), dt.date(2025, 2, 24)]
    assets = infrastructure.assets
    for _, asset in assets[assets["status"] != "operational"].iterrows():
        destroyed = asset["status"] == "destroyed"
        amount = float(asset["replacement_cost"]) * (1.0 if destroyed else float(rng.uniform(0.2, 0.6)))
        rows.append(
            {
                "sector": _SECTOR_OF_TYPE[str(asset["type"])],
                "kind": "damage",
                "amount": round(amount, -3),
                "currency": "UAH",
                "valuation_date": dates[int(rng.integers(0, 3))],
                "source": "municipal damage commission act (synthetic)",
                "confidence": "high" if destroyed else "medium",
                "asset_id": asset["asset_id"],
                "bbb_factor": 1.0,
                "term": None,
                "description": f"{asset['name']}: {'destroyed' if destroyed else 'damaged'}",
            }
        )
    severity = {"frontline": 1.0, "de-occupied": 1.3, "hosting-idp": 0.05, "rear": 0.02}.get(status, 0.02)
    if severity > 0.04:
        housing = population * severity * 9_000.0 * float(rng.uniform(0.7, 1.3))
        rows.append(
            {"sector": "housing", "kind": "damage", "amount": round(housing, -3), "currency": "UAH",
             "valuation_date": dates[1], "source": "housing damage survey (synthetic)", "confidence": "medium",
             "asset_id": None, "bbb_factor": 1.0, "term": None, "description": "Damaged and destroyed dwellings"}
        )  # fmt: skip
    for sector, per_person in (
        ("commerce_industry", 2_500.0),
        ("agriculture", 1_200.0),
        ("transport", 400.0),
    ):
        loss = population * per_person * max(severity, 0.05) * float(rng.uniform(0.6, 1.4))
        rows.append(
            {"sector": sector, "kind": "loss", "amount": round(loss / 37.93, -2), "currency": "USD",
             "valuation_date": dates[1], "source": "economic loss estimate (synthetic)", "confidence": "low",
             "asset_id": None, "bbb_factor": 1.0, "term": None, "description": "Lost output and higher costs, 2022-2023"}
        )  # fmt: skip
    damages = pd.DataFrame(rows)
    damages = damages[damages["kind"] == "damage"]
    damage_by_sector = {str(k): float(v) for k, v in damages.groupby("sector")["amount"].sum().items()}
    for sector, damage in sorted(damage_by_sector.items()):
        for term, share in (("short", 0.4), ("medium", 0.6)):
            rows.append(
                {"sector": sector, "kind": "need", "amount": round(damage * share / 41.03, -2), "currency": "EUR",
                 "valuation_date": dates[2], "source": "recovery needs estimate (synthetic)", "confidence": "medium",
                 "asset_id": None, "bbb_factor": round(float(rng.uniform(1.1, 1.3)), 2), "term": term,
                 "description": "Recovery and reconstruction, building back better"}
            )  # fmt: skip
    return pd.DataFrame(rows)
