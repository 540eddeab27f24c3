"""Complexity on a national panel: Hromada against ``ecomplexity`` 0.5.3 in the same run.

The panel is the synthetic national panel at NACE class level (1,470 municipalities x 615 classes; the cells
that round to zero are absent, as in published statistics), 1 year and 10 years. Each measurement runs in its
own interpreter with one BLAS thread, so wall time and peak memory (the process's high-water mark, input
included; the high-water mark is reset after the input is read, so it is the peak during the computation)
are its own:

* ``ecomplexity``: its ``ecomplexity()`` call (log-supermodularity check off, since Hromada does not compute
  it) plus its ``proximity()`` call, which is what a user needs for the same outputs;
* Hromada: :func:`hromada.analysis.economy.complexity`, which returns proximity too.

After timing, both outputs are compared cell by cell under the ``ecomplexity`` preset (rca, mcp, diversity,
ubiquity, eci, pci, density, coi, cog and the proximity matrix), so the speed is for identical numbers.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import warnings
from pathlib import Path
from typing import Any

from benchmarks._util import peak_rss_mib, run_isolated, timed

YEARS_10 = tuple(range(2015, 2025))
COMPARED = ("rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog")


def _reset_peak() -> None:
    """Start a new high-water mark of resident memory (Linux: ``/proc/self/clear_refs``), so the peak of a
    computation is measured after its input is loaded."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as handle:  # noqa: PTH123
        handle.write("5")


def _peak_mib() -> float:
    """The high-water mark of resident memory since the last reset, in MiB (falls back to the process peak)."""
    try:
        with open("/proc/self/status") as handle:  # noqa: PTH123
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mib()


def _input(path: str, years: int) -> Any:
    import pandas as pd

    frame = pd.read_parquet(path)
    keep = sorted(frame["year"].unique())[-years:]
    return frame[frame["year"].isin(keep)].reset_index(drop=True)


def hromada_case(path: str, years: str, out: str) -> dict[str, Any]:
    """Time Hromada on the panel in ``path`` (the last ``years`` years); write its output to ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from hromada.analysis.economy import complexity

    data = _input(path, int(years))
    base = peak_rss_mib()
    _reset_peak()
    with timed() as clock:
        result = complexity(data, preset="ecomplexity")
    peak = _peak_mib()
    writer: pq.ParquetWriter | None = None
    for frame in result.iter_frames():
        table = pa.Table.from_pandas(frame.astype({"region": str, "industry": str}), preserve_index=False)
        writer = writer or pq.ParquetWriter(out, table.schema)
        writer.write_table(table)
    if writer is not None:
        writer.close()
    stacked = [result.proximity_frame(int(y)).stack() for y in result.years]
    import pandas as pd

    prox = [pd.Series(series, name="proximity") for series in stacked]
    pd.concat(
        prox, keys=list(result.years), names=["year", "industry_1", "industry_2"]
    ).reset_index().to_parquet(out + ".prox")
    return {"seconds": clock.seconds, "peak_mib": peak, "input_mib": base, "rows_in": len(data)}


def ecomplexity_case(path: str, years: str, out: str) -> dict[str, Any]:
    """Time ``ecomplexity`` + ``proximity`` on the same input; write their outputs next to ``out``."""
    from ecomplexity import ecomplexity, proximity

    data = _input(path, int(years))
    data["region"] = data["region"].astype(str)
    data["industry"] = data["industry"].astype(str)
    cols = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}
    base = peak_rss_mib()
    _reset_peak()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        with timed() as clock:
            output = ecomplexity(data, cols, check_logsupermodularity=False, verbose=False)
            prox = proximity(data, cols)
    peak = _peak_mib()
    output.to_parquet(out)
    prox.to_parquet(out + ".prox")
    return {"seconds": clock.seconds, "peak_mib": peak, "input_mib": base, "rows_in": len(data)}


def _compare(ours: str, theirs: str) -> dict[str, float]:
    import numpy as np
    import pandas as pd

    keys = ["year", "region", "industry"]
    a = pd.read_parquet(ours)
    b = pd.read_parquet(theirs)
    merged = a.merge(b, on=keys, suffixes=("", "_ref"), how="inner")
    diffs = {
        column: float(
            np.nanmax(np.abs(merged[column].to_numpy(float) - merged[column + "_ref"].to_numpy(float)))
        )
        for column in COMPARED
    }
    diffs["rows_compared"] = float(len(merged))
    pa_ = pd.read_parquet(ours + ".prox")
    pb = pd.read_parquet(theirs + ".prox").rename(
        columns={"industry_1": "industry_1", "industry_2": "industry_2"}
    )
    joined = pa_.merge(pb, on=["year", "industry_1", "industry_2"], suffixes=("", "_ref"))
    diffs["proximity"] = float(np.nanmax(np.abs(joined["proximity"] - joined["proximity_ref"])))
    return diffs


def run() -> dict[str, Any]:
    """Run the four cases and the comparisons."""
    from hromada.data.synthetic import generate_panel

    panel = generate_panel(level="class", years=YEARS_10)
    frame = panel.employment.rename(columns={"region_code": "region", "sector_code": "industry"})
    cases: dict[str, Any] = {"regions": int(frame["region"].nunique()), "industries": len(panel.sectors)}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "panel.parquet")
        frame.to_parquet(path)
        for years in (1, 10):
            ours = str(Path(tmp) / f"hromada-{years}.parquet")
            theirs = str(Path(tmp) / f"ecomplexity-{years}.parquet")
            h = run_isolated("benchmarks.economy", "hromada_case", path, str(years), ours)
            e = run_isolated("benchmarks.economy", "ecomplexity_case", path, str(years), theirs)
            cases[f"{years}y"] = {
                "hromada": h,
                "ecomplexity": e,
                "ratio": e["seconds"] / h["seconds"],
                "max_abs_difference": _compare(ours, theirs),
            }
    return cases


def report(result: dict[str, Any]) -> str:
    lines = [f"panel {result['regions']} regions x {result['industries']} NACE classes"]
    for key in ("1y", "10y"):
        case = result[key]
        h, e = case["hromada"], case["ecomplexity"]
        worst = max(v for k, v in case["max_abs_difference"].items() if k != "rows_compared")
        lines.append(
            f"  {key}: hromada {h['seconds']:.2f} s, peak {h['peak_mib']:.0f} MiB | ecomplexity+proximity "
            f"{e['seconds']:.1f} s, peak {e['peak_mib']:.0f} MiB | ratio {case['ratio']:.1f}x | "
            f"max |difference| {worst:.1e} over {case['max_abs_difference']['rows_compared']:.0f} rows"
        )
    return "\n".join(lines)
