"""Decide: TOPSIS against ``pymcdm`` in the same run, the financing portfolio MILP, weight sensitivity.

Three cases, each in its own interpreter with one BLAS thread (DOMAIN.md), so timings are not disturbed by
what ran before:

* TOPSIS on 10,000 alternatives x 12 criteria: Hromada's :func:`~hromada.analysis.decide.topsis` (input
  checks, trace tables and ranks included) against ``pymcdm.methods.TOPSIS`` with the same (vector)
  normalisation, both with input validation (``pymcdm`` checks for dominated alternatives, which is what a
  user gets by default) and without it (its bare computation); median of repeated calls after a warm-up, and
  the largest score difference;
* the portfolio of 500 projects x 8 sources x 5 years (seed 2025, then seeds 1-3) from a seeded synthetic mix of Ukrainian recovery
  projects (RDNA sectors and OC4IDS types, 10% co-financing, sector-restricted grants and donor money, two
  sector subventions, the regional development fund, an IFI loan with a grace period, PPP, dependencies and
  exclusions, a debt-service rule that binds), solved to proven optimality (HiGHS relative gap 1e-6); the time
  is the whole call (reading, both solves, explanations of every unfunded project). The same problem is then
  solved with ``time_limit=10`` to show what a 10-second answer is worth;
* weight sensitivity: 10,000 Dirichlet weight draws on 200 projects x 12 criteria, TOPSIS.

Goals: TOPSIS at least as fast as ``pymcdm``; portfolio optimal in under 10 s; sensitivity under 2 s.
"""

from __future__ import annotations

import statistics
from typing import Any

from benchmarks._util import pin_blas, run_isolated, timed

SECTORS = {  # RDNA sectors a municipality funds, with a rough share of projects
    "housing": 0.18,
    "education": 0.16,
    "health": 0.10,
    "energy": 0.14,
    "transport": 0.12,
    "water_sanitation": 0.12,
    "municipal_services": 0.08,
    "social_protection": 0.05,
    "culture": 0.05,
}
TYPES = ("rehabilitation", "construction", "replacement", "expansion", "maintenance")  # OC4IDS projectType
YEARS = (2025, 2026, 2027, 2028, 2029)
SEEDS = (1, 2, 3)  # further portfolio instances


def synthetic_portfolio(n_projects: int = 500, seed: int = 2025) -> dict[str, Any]:
    """A seeded, plausible recovery portfolio: projects, sources, dependencies, exclusions and a debt rule."""
    import numpy as np
    import pandas as pd

    from hromada.analysis.decide import DebtRule

    rng = np.random.default_rng(seed)
    sectors = rng.choice(list(SECTORS), size=n_projects, p=list(SECTORS.values()))
    types = rng.choice(TYPES, size=n_projects, p=[0.45, 0.2, 0.15, 0.12, 0.08])
    cost = np.round(np.exp(rng.normal(np.log(25e6), 1.0, n_projects)).clip(1e6, 600e6), -3)  # UAH
    duration = rng.choice([1, 2, 3], size=n_projects, p=[0.35, 0.45, 0.2])
    start = np.array([rng.integers(YEARS[0], YEARS[-1] - d + 2) for d in duration])
    projects = pd.DataFrame(
        {
            "project_id": [f"P{i:04d}" for i in range(n_projects)],
            "sector": sectors,
            "type": types,
            "cost": cost,
            "start_year": start,
            "duration": duration,
            "min_cofinancing": 0.10,
            "score": rng.beta(2.0, 2.0, n_projects).round(4),
        }
    )
    total = cost.sum()
    spec = [  # id, kind, share of all project cost available over the plan, sectors, types, max_share
        ("city_budget", "own_budget", 0.09, "*", "*", 1.0),
        ("education_subvention", "state_subvention", 0.05, "education", "*", 0.9),
        ("health_subvention", "state_subvention", 0.03, "health", "*", 0.9),
        (
            "regional_development_fund",
            "regional_fund",
            0.07,
            "*",
            "construction, rehabilitation, expansion",
            0.9,
        ),
        (
            "eib_recovery_loan",
            "ifi_loan",
            0.09,
            "energy, water_sanitation, transport, municipal_services",
            "*",
            0.9,
        ),
        ("eu_ukraine_facility", "grant", 0.08, "education, health, housing, social_protection", "*", 0.8),
        ("donor_housing", "donor", 0.05, "housing, social_protection, water_sanitation", "*", 0.7),
        ("energy_ppp", "ppp", 0.04, "energy, transport", "construction, expansion", 0.6),
    ]
    sources = pd.DataFrame(
        [
            {
                "source_id": sid,
                "kind": kind,
                "eligible_sectors": sec,
                "eligible_types": typ,
                "max_share": share,
            }
            for sid, kind, _, sec, typ, share in spec
        ]
    )
    profile = rng.dirichlet(np.full(len(YEARS), 8.0), size=len(spec))
    for t, year in enumerate(YEARS):
        sources[f"amount_{year}"] = [
            round(total * frac * profile[s, t], -3) for s, (_, _, frac, *_) in enumerate(spec)
        ]
    sources["interest_rate"] = [0.0, 0.0, 0.0, 0.0, 0.045, 0.0, 0.0, 0.0]
    sources["tenor_years"] = [1, 1, 1, 1, 12, 1, 1, 1]
    sources["grace_years"] = [0, 0, 0, 0, 3, 0, 0, 0]
    ids = projects["project_id"].to_numpy()
    pairs = rng.choice(n_projects, size=(30, 2), replace=False)
    dependencies = [(str(ids[a]), str(ids[b])) for a, b in pairs[:15]]
    exclusions = [(str(ids[a]), str(ids[b])) for a, b in pairs[15:]]
    revenue = {year: total * 0.012 for year in range(YEARS[0], YEARS[-1] + 11)}
    debt = DebtRule(revenue=revenue, max_share=0.25, existing_service={y: total * 0.0015 for y in revenue})
    return {
        "projects": projects,
        "sources": sources,
        "dependencies": dependencies,
        "exclusions": exclusions,
        "debt": debt,
    }


def topsis_case(n: str, m: str, repeats: str) -> dict[str, Any]:
    """Time Hromada's and pymcdm's TOPSIS (vector normalisation) on the same seeded matrix."""
    import warnings

    import numpy as np
    import pandas as pd
    from pymcdm.methods import TOPSIS
    from pymcdm.normalizations import vector_normalization

    from hromada.analysis.decide import topsis

    rng = np.random.default_rng(1)
    rows, cols, reps = int(n), int(m), int(repeats)
    values = rng.uniform(1.0, 100.0, size=(rows, cols))
    weights = rng.dirichlet(np.ones(cols))
    types = np.where(np.arange(cols) % 3 == 0, -1, 1)
    matrix = pd.DataFrame(values, columns=[f"c{j}" for j in range(cols)])
    criteria = pd.DataFrame(
        {"weight": weights, "direction": np.where(types > 0, "benefit", "cost")}, index=matrix.columns
    )
    body = TOPSIS(vector_normalization)

    def median(call: Any, count: int) -> tuple[float, Any]:
        out = call()  # warm-up
        times = []
        for _ in range(count):
            with timed() as clock:
                out = call()
            times.append(clock.seconds)
        return statistics.median(times), out

    ours, ranking = median(lambda: topsis(matrix, criteria, normalization="vector"), reps)
    bare, theirs = median(lambda: body(values, weights, types, validation=False), reps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        checked, _ = median(lambda: body(values, weights, types), max(1, reps // 10))
    return {
        "hromada_s": ours,
        "pymcdm_s": bare,
        "pymcdm_validated_s": checked,
        "max_abs_difference": float(np.max(np.abs(ranking.scores.to_numpy() - theirs))),
    }


def portfolio_case(n_projects: str, seed: str, time_limit: str, mip_gap: str = "1e-6") -> dict[str, Any]:
    """Solve the synthetic portfolio within `time_limit` seconds to the relative gap `mip_gap`; report time,
    status, gap and the funding."""
    from hromada.analysis.decide import optimize_portfolio

    case = synthetic_portfolio(int(n_projects), int(seed))
    with timed() as clock:
        result = optimize_portfolio(
            case["projects"],
            case["sources"],
            years=YEARS,
            dependencies=case["dependencies"],
            exclusions=case["exclusions"],
            debt=case["debt"],
            time_limit=float(time_limit),
            mip_gap=float(mip_gap),
        )
    used = result.cash_flow["used"].sum() / result.cash_flow["available"].sum()
    return {
        "seconds": clock.seconds,
        "status": result.status,
        "mip_gap": result.mip_gap,
        "objective": result.objective,
        "projects": len(case["projects"]),
        "sources": len(case["sources"]),
        "years": len(YEARS),
        "selected": len(result.selected),
        "funding_gap_share": result.funding_gap / float(case["projects"]["cost"].sum()),
        "budget_used_share": float(used),
        "loan_share": float(result.funding.loc[result.funding["kind"] == "ifi_loan", "amount"].sum())
        / float(result.funding["amount"].sum()),
    }


def sensitivity_case(n: str, m: str, draws: str) -> dict[str, Any]:
    """Time 10,000 weight draws on a seeded matrix, TOPSIS."""
    import numpy as np
    import pandas as pd

    from hromada.analysis.decide import weight_sensitivity

    rng = np.random.default_rng(7)
    rows, cols = int(n), int(m)
    matrix = pd.DataFrame(rng.uniform(0.0, 10.0, size=(rows, cols)), columns=[f"c{j}" for j in range(cols)])
    matrix.index = [f"P{i:04d}" for i in range(rows)]
    criteria = {
        c: (float(w), "cost" if j % 4 == 0 else "benefit")
        for j, (c, w) in enumerate(zip(matrix.columns, rng.dirichlet(np.full(cols, 5.0)), strict=True))
    }
    weight_sensitivity(matrix, criteria, draws=100, seed=0)  # warm-up
    with timed() as clock:
        result = weight_sensitivity(matrix, criteria, draws=int(draws), seed=0)
    return {
        "seconds": clock.seconds,
        "draws": result.draws,
        "alternatives": rows,
        "criteria": cols,
        "top_k_unchanged": result.top_k_unchanged,
        "p_first_of_base_leader": float(result.summary["p_first"].iloc[0]),
    }


def run() -> dict[str, Any]:
    """Run the three cases, each in a fresh interpreter."""
    pin_blas()
    return {
        "topsis": run_isolated("benchmarks.decide", "topsis_case", "10000", "12", "50"),
        "portfolio": run_isolated("benchmarks.decide", "portfolio_case", "500", "2025", "600"),
        "portfolio_10s": run_isolated("benchmarks.decide", "portfolio_case", "500", "2025", "10"),
        # the same generator with other seeds: branch and bound times vary a lot between instances
        "portfolio_seeds": [
            run_isolated("benchmarks.decide", "portfolio_case", "500", str(seed), "600") for seed in SEEDS
        ],
        "sensitivity": run_isolated("benchmarks.decide", "sensitivity_case", "200", "12", "10000"),
    }


def report(result: dict[str, Any]) -> str:
    t, p, q, s = result["topsis"], result["portfolio"], result["portfolio_10s"], result["sensitivity"]
    return "\n".join(
        [
            f"TOPSIS 10,000 x 12 (vector): hromada {t['hromada_s'] * 1e3:.2f} ms | pymcdm {t['pymcdm_s'] * 1e3:.2f} ms "
            f"(ratio {t['pymcdm_s'] / t['hromada_s']:.1f}x), with its validation {t['pymcdm_validated_s'] * 1e3:.0f} ms "
            f"(ratio {t['pymcdm_validated_s'] / t['hromada_s']:.0f}x) | max |score difference| {t['max_abs_difference']:.1e}",
            f"portfolio {p['projects']} projects x {p['sources']} sources x {p['years']} years: {p['seconds']:.1f} s to "
            f"status {p['status']} (relative gap {p['mip_gap']:.1e}, objective {p['objective']:.4f}), "
            f"{p['selected']} funded, budget used {p['budget_used_share']:.0%}, loans {p['loan_share']:.0%} of "
            f"funding, funding gap {p['funding_gap_share']:.0%} of all cost",
            "  other seeds: "
            + ", ".join(
                f"seed {seed} {r['seconds']:.1f} s ({r['status']})"
                for seed, r in zip(SEEDS, result.get("portfolio_seeds", []), strict=False)
            ),
            f"  with time_limit=10 s: {q['seconds']:.1f} s, status {q['status']}, relative gap {q['mip_gap']:.1e}, "
            f"objective {q['objective']:.4f} ({q['objective'] / p['objective'] - 1:+.4%} vs the proven optimum)",
            f"sensitivity {s['draws']:,} draws on {s['alternatives']} x {s['criteria']} (TOPSIS): {s['seconds']:.2f} s, "
            f"top-10 set unchanged in {s['top_k_unchanged']:.0%} of draws",
        ]
    )
