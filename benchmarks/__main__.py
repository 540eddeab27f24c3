"""Run the benchmarks: `python -m benchmarks [NAME ...]`; results also go to benchmarks/results/NAME.json."""

from __future__ import annotations

import argparse
import importlib

from benchmarks._util import machine, pin_blas, save

BENCHMARKS = {
    "import": "benchmarks.foundation_import",
    "latency": "benchmarks.profile_latency",
    "economy": "benchmarks.economy",
    "infrastructure": "benchmarks.infrastructure",
    "decide": "benchmarks.decide",
    "portfolio-seeds": "benchmarks.portfolio_seeds",
    "load": "benchmarks.load",
    "shocks": "benchmarks.shocks",
}
LONG = {"portfolio-seeds", "load"}  # run only when named (tens of minutes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all but {', '.join(sorted(LONG))})",
    )
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    pin_blas()
    print(f"machine: {machine()}")
    for name in args.names or [n for n in BENCHMARKS if n not in LONG]:
        module = importlib.import_module(BENCHMARKS[name])
        result = module.run()
        path = save(name, result)
        print(f"\n[{name}] {module.report(result)}\n  -> {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
