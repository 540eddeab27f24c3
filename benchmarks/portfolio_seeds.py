"""The portfolio benchmark over a batch of seeded instances: how solve times are distributed.

One instance (``python -m benchmarks decide``) says little about branch and bound, whose time varies by an
order of magnitude between instances of the same size. This runs the same generator (500 projects x 8
sources x 5 years, dependencies, exclusions and a debt rule) with seeds 1-10, each in a fresh interpreter,
to two optimality tolerances:

* relative gap 1e-6, Hromada's default ("proven optimal" in the strict sense);
* relative gap 1e-4, HiGHS's own default (0.01 % of the objective), the tolerance MIP solvers report as
  optimal by default.

Each solve gets at most ``TIME_LIMIT`` seconds. The report gives the median, the 90th percentile, the
largest time and how many instances were solved within 10 s. Run: ``python -m benchmarks portfolio-seeds``.
"""

from __future__ import annotations

import statistics
from typing import Any

from benchmarks._util import pin_blas, run_isolated

SEEDS = tuple(range(1, 11))
GAPS = ("1e-6", "1e-4")
TIME_LIMIT = "120"


def run() -> dict[str, Any]:
    pin_blas()
    return {
        gap: [
            {
                "seed": seed,
                **run_isolated("benchmarks.decide", "portfolio_case", "500", str(seed), TIME_LIMIT, gap),
            }
            for seed in SEEDS
        ]
        for gap in GAPS
    }


def _summary(rows: list[dict[str, Any]]) -> str:
    times = sorted(r["seconds"] for r in rows)
    optimal = sum(r["status"] == "optimal" for r in rows)
    p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
    fast = sum(r["seconds"] < 10 and r["status"] == "optimal" for r in rows)
    return (
        f"median {statistics.median(times):.1f} s, 90th percentile {p90:.1f} s, max {times[-1]:.1f} s; "
        f"{fast}/{len(rows)} optimal within 10 s, {optimal}/{len(rows)} within {TIME_LIMIT} s"
    )


def report(result: dict[str, Any]) -> str:
    lines = ["portfolio 500 projects x 8 sources x 5 years, seeds 1-10:"]
    for gap in GAPS:
        rows = result[gap]
        lines.append(f"  gap {gap}: {_summary(rows)}")
        lines.append(
            "    " + ", ".join(f"seed {r['seed']} {r['seconds']:.1f} s ({r['status']})" for r in rows)
        )
    strict, default = result[GAPS[0]], result[GAPS[1]]
    worst = max(
        (
            abs(d["objective"] - s["objective"]) / abs(s["objective"])
            for s, d in zip(strict, default, strict=True)
        ),
        default=0.0,
    )
    lines.append(f"  largest objective difference between the two tolerances: {worst:.1e} (relative)")
    return "\n".join(lines)
