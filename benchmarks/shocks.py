"""Shocks: Hromada's ARIO against BoARIO 0.7.2 in the same run, one BLAS thread for both.

Cases (each side in its own interpreter, so peak memory is its own):

* 365 daily steps after a capital-destruction event with linear recovery, at N = 48 (pymrio's test MRIO),
  N = 200 and N = 1,200 region-sectors (seeded synthetic multi-regional tables: every industry buys every
  product from its own region and from three other regions, so about a tenth of Z is non-zero at N = 1,200,
  as in a table of many regions);
* a 1,000-member ensemble at N = 200 (damage, recovery time and ψ uncertain): Hromada's whole ensemble
  against BoARIO member by member, BoARIO timed on a sample of members (model built anew for each, as BoARIO
  cannot reset a simulation) and extrapolated to 1,000, which the report says;
* the same ensemble on a Dask ``LocalCluster`` of one and of two workers.

Goals (stress-test issue): at least 20x BoARIO per simulation at N = 1,200 with memory growing with the
table's non-zeros; at least 100x on the ensemble; two Dask workers faster than one.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from typing import Any, Literal

from benchmarks._util import peak_rss_mib, pin_blas, run_isolated, timed

DAYS = 365
SIZES = {"n48": (0, 0), "n200": (5, 40), "n1200": (30, 40)}
BOARIO_SAMPLE = 5


def _mrio(regions: int, sectors: int, seed: int = 2026) -> Any:
    """A seeded productive multi-regional table as a pymrio IOSystem (pymrio's test MRIO for 0 x 0)."""
    import numpy as np
    import pandas as pd
    import pymrio

    if regions == 0:
        return pymrio.load_test().calc_all()
    rng = np.random.default_rng(seed)
    reg = [f"r{i:02d}" for i in range(regions)]
    sec = [f"s{j:02d}" for j in range(sectors)]
    index = pd.MultiIndex.from_product([reg, sec], names=["region", "sector"])
    n = regions * sectors
    a = np.zeros((n, n))
    for c in range(regions):
        partners = [
            c,
            *rng.choice([r for r in range(regions) if r != c], size=min(3, regions - 1), replace=False),
        ]
        weights = rng.dirichlet(np.ones(len(partners)) * 2.0)
        block = rng.uniform(0.0, 1.0, (sectors, sectors)) * (rng.uniform(size=(sectors, sectors)) < 0.6)
        block *= 0.55 / np.maximum(block.sum(axis=0), 1e-9)  # inputs are 55 % of output
        for r, w in zip(partners, weights, strict=True):
            a[r * sectors : (r + 1) * sectors, c * sectors : (c + 1) * sectors] = block * w
    y_total = rng.uniform(20.0, 200.0, n)  # final demand; output follows from it: x = (I - A)^-1 y
    x = np.linalg.solve(np.eye(n) - a, y_total)
    z = a * x[None, :]
    y_share = np.zeros((n, regions))
    y_share[np.arange(n), np.arange(n) // sectors] = 1.0
    fd = pd.MultiIndex.from_product([reg, ["households"]], names=["region", "category"])
    io = pymrio.IOSystem(
        Z=pd.DataFrame(z, index=index, columns=index),
        Y=pd.DataFrame(y_share * y_total[:, None], index=index, columns=fd),
    )
    io.calc_all()
    return io


def _impact(io: Any) -> Any:
    """30 % of the capital (4 x value added) of the first region's first three sectors."""
    import pandas as pd

    va = io.x["indout"] - io.Z.sum(axis=0)
    first = io.Z.index[:3]
    return pd.Series({key: 0.3 * 4 * float(va[key]) for key in first}).rename_axis(["region", "sector"])


def hromada_case(size: str) -> dict[str, Any]:
    from hromada.analysis.shocks import CapitalDestruction, IOTable, Money, simulate

    io = _mrio(*SIZES[size])
    table = IOTable.from_pymrio(io, money=Money("EUR", 1e6))
    event = CapitalDestruction(_impact(io), day=5, recovery="linear", recovery_days=180)
    simulate(table, [event], days=5)  # warm-up
    with timed() as t:
        run = simulate(table, [event], days=DAYS)
    nnz = int((table.Z.to_numpy() > 0).sum())
    return {
        "seconds": t.seconds,
        "ms_per_step": 1000 * t.seconds / DAYS,
        "peak_mib": peak_rss_mib(),
        "n": table.n,
        "nnz": nnz,
        "value_added_lost": float(run.summary["value_added_lost"].iloc[0]),
    }


def boario_case(size: str, members: str = "1") -> dict[str, Any]:
    import logging

    from boario.event import from_series
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    io = _mrio(*SIZES[size])
    impact = _impact(io)
    logging.getLogger("boario").setLevel(logging.WARNING)
    seconds = 0.0
    for _ in range(int(members)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with timed() as t:
                model = ARIOPsiModel(io, monetary_factor=10**6)
                sim = Simulation(model, n_temporal_units_to_sim=DAYS)
                sim.add_event(
                    from_series(
                        impact,
                        event_type="recovery",
                        recovery_tau=180,
                        recovery_function="linear",
                        occurrence=5,
                        duration=1,
                        event_monetary_factor=10**6,
                    )
                )
                sim.loop()
        seconds += t.seconds
    return {
        "seconds": seconds,
        "ms_per_step": 1000 * seconds / DAYS / int(members),
        "peak_mib": peak_rss_mib(),
    }


def ensemble_case(engine: str, workers: str = "0") -> dict[str, Any]:
    from hromada.analysis.shocks import CapitalDestruction, IOTable, Money, Triangular, Uniform, run_ensemble
    from hromada.analysis.shocks.ensemble import Distribution

    io = _mrio(*SIZES["n200"])
    table = IOTable.from_pymrio(io, money=Money("EUR", 1e6))
    event = CapitalDestruction(_impact(io), day=5, recovery="linear", recovery_days=180)
    uncertain: dict[str, Distribution] = {
        "damage": Triangular(0.5, 1.0, 1.5),
        "recovery_days": Uniform(90, 270),
        "psi": Uniform(0.7, 0.9),
    }
    scheduler: Any = None
    cluster: Any = None
    if engine == "dask":
        distributed: Any = importlib.import_module("dask.distributed")
        cluster = distributed.LocalCluster(
            n_workers=int(workers), threads_per_worker=1, dashboard_address=None
        )
        scheduler = distributed.Client(cluster)
    mode: Literal["local", "dask"] = "dask" if engine == "dask" else "local"
    with timed() as t:
        result = run_ensemble(
            table,
            [event],
            uncertain,
            members=1000,
            seed=1,
            days=DAYS,
            chunk_size=125,
            engine=mode,
            scheduler=scheduler,
        )
    if scheduler is not None:
        scheduler.close()
        cluster.close()
    return {
        "seconds": t.seconds,
        "peak_mib": peak_rss_mib(),
        "p50_value_added_lost": float(result.quantiles["value_added_lost"].iloc[1]),
    }


def run() -> dict[str, Any]:
    pin_blas()
    out: dict[str, Any] = {"days": DAYS}
    for size in SIZES:
        ours = run_isolated("benchmarks.shocks", "hromada_case", size)
        theirs = run_isolated("benchmarks.shocks", "boario_case", size)
        out[size] = {"hromada": ours, "boario": theirs, "ratio": theirs["seconds"] / ours["seconds"]}
    sample = run_isolated("benchmarks.shocks", "boario_case", "n200", str(BOARIO_SAMPLE))
    boario_1000 = sample["seconds"] / BOARIO_SAMPLE * 1000
    local = run_isolated("benchmarks.shocks", "ensemble_case", "local")
    dask1 = run_isolated("benchmarks.shocks", "ensemble_case", "dask", "1")
    dask2 = run_isolated("benchmarks.shocks", "ensemble_case", "dask", "2")
    out["ensemble_n200_1000"] = {
        "hromada_local": local,
        "hromada_dask_1_worker": dask1,
        "hromada_dask_2_workers": dask2,
        "boario_sample_members": BOARIO_SAMPLE,
        "boario_sample_seconds": sample["seconds"],
        "boario_extrapolated_seconds": boario_1000,
        "ratio": boario_1000 / local["seconds"],
        "same_numbers_on_dask": local["p50_value_added_lost"] == dask2["p50_value_added_lost"],
    }
    return out


def report(result: dict[str, Any]) -> str:
    lines = []
    for size in SIZES:
        case = result[size]
        h, b = case["hromada"], case["boario"]
        lines.append(
            f"N={h['n']} (nnz {h['nnz']}): Hromada {h['ms_per_step']:.2f} ms/step, {h['peak_mib']:.0f} MiB; "
            f"BoARIO {b['ms_per_step']:.2f} ms/step, {b['peak_mib']:.0f} MiB; ratio {case['ratio']:.1f}x"
        )
    e = result["ensemble_n200_1000"]
    lines.append(
        f"ensemble N=200 x 1000 members x {result['days']} days: Hromada {e['hromada_local']['seconds']:.1f} s "
        f"(Dask 1 worker {e['hromada_dask_1_worker']['seconds']:.1f} s, 2 workers "
        f"{e['hromada_dask_2_workers']['seconds']:.1f} s, same numbers: {e['same_numbers_on_dask']}); BoARIO "
        f"{e['boario_extrapolated_seconds']:.0f} s extrapolated from {e['boario_sample_members']} members; "
        f"ratio {e['ratio']:.0f}x"
    )
    return "\n  ".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(report(run()), file=sys.stdout)
