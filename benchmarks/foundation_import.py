"""Importing the national demo panel as one long CSV (class level, zeros included: about 9 million rows).

Hromada's import (read, validate every cell, upsert by natural key in one transaction into SQLite) is
compared in the same run with a floor: the same rows parsed by pyarrow and bulk-inserted with the bare
``sqlite3`` module into a table with the same unique key, without any validation. The ratio says what
validation, natural-key upserts and provenance cost on top of the bare minimum.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from benchmarks._util import peak_rss_mib, run_isolated, timed

CODE_OF_WORKSPACE = "UA80000000000093317"


def make_file(path: str) -> dict[str, Any]:
    """Write the dense class-level national panel (2015-2024) as a long CSV."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from hromada.data.synthetic import generate_panel

    panel = generate_panel(level="class")
    regions = panel.municipalities["code"].to_numpy(dtype=object)
    sectors = np.asarray(panel.sectors, dtype=object)
    years = np.asarray(panel.years, dtype=np.int64)
    emp = panel.employment
    dense = np.zeros((len(regions), len(years), len(sectors)))
    r = emp["region_code"].cat.codes.to_numpy() if hasattr(emp["region_code"], "cat") else None
    region_index = {code: i for i, code in enumerate(regions)}
    sector_index = {code: i for i, code in enumerate(sectors)}
    ri = (
        r
        if r is not None and list(emp["region_code"].cat.categories) == list(regions)
        else emp["region_code"].astype(str).map(region_index).to_numpy()
    )
    si = emp["sector_code"].astype(str).map(sector_index).to_numpy()
    yi = np.searchsorted(years, emp["year"].to_numpy())
    dense[ri, yi, si] = emp["value"].to_numpy()
    n = dense.size
    table = pa.table(
        {
            "region_code": pa.array(np.repeat(regions, len(years) * len(sectors))),
            "year": pa.array(np.tile(np.repeat(years, len(sectors)), len(regions))),
            "sector_code": pa.array(np.tile(sectors, len(regions) * len(years))),
            "measure": pa.array(np.full(n, "employment", dtype=object)),
            "value": pa.array(np.round(dense.reshape(-1), 1)),
        }
    )
    pacsv.write_csv(table, path)
    return {
        "rows": n,
        "bytes": Path(path).stat().st_size,
        "regions": len(regions),
        "sectors": len(sectors),
        "years": len(years),
    }


def run_hromada(path: str) -> dict[str, Any]:
    """Hromada's import service into a fresh SQLite workspace."""
    from hromada.services import profile
    from hromada.services.database import open_database
    from hromada.services.demo import system_principal
    from hromada.settings import get_settings

    data_dir = Path(tempfile.mkdtemp(prefix="hromada-bench-"))
    settings = get_settings(data_dir=data_dir, secret_key="b" * 40)
    db = open_database(settings)
    db.upgrade()
    with db.unit_of_work() as session:
        m = profile.create_municipality(
            session,
            profile.MunicipalityInput(
                code=CODE_OF_WORKSPACE, name_uk="Київ", name_en="Kyiv", oblast_code="UA80"
            ),
        )
    with timed() as t, db.unit_of_work() as session:
        summary = profile.import_statistics(session, system_principal(), m, Path(path))
    db.dispose()
    return {
        "seconds": t.seconds,
        "peak_mib": peak_rss_mib(),
        "rows": summary.rows,
        "inserted": summary.inserted,
    }


def run_floor(path: str) -> dict[str, Any]:
    """pyarrow parse + bare sqlite3 executemany, no validation (the floor)."""
    import sqlite3

    import pyarrow.csv as pacsv

    db_path = Path(tempfile.mkdtemp(prefix="hromada-floor-")) / "floor.sqlite3"
    with timed() as t:
        table = pacsv.read_csv(path)
        con = sqlite3.connect(db_path)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute(
            "CREATE TABLE s (id INTEGER PRIMARY KEY, m INTEGER, region_code TEXT, year INTEGER, "
            "sector_code TEXT, measure TEXT, value REAL, unit TEXT, source TEXT, "
            "UNIQUE (m, region_code, year, sector_code, measure))"
        )
        columns = [
            table.column(name).to_pylist()
            for name in ("region_code", "year", "sector_code", "measure", "value")
        ]
        with con:
            con.executemany(
                "INSERT INTO s (m, region_code, year, sector_code, measure, value, unit, source) "
                "VALUES (1, ?, ?, ?, ?, ?, 'persons', 'floor')",
                zip(*columns, strict=True),
            )
        con.close()
    return {"seconds": t.seconds, "peak_mib": peak_rss_mib()}


def run() -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="hromada-bench-file-"))
    path = workdir / "national-panel-class-long.csv"
    made = run_isolated("benchmarks.foundation_import", "make_file", str(path))
    hromada = run_isolated("benchmarks.foundation_import", "run_hromada", str(path))
    floor = run_isolated("benchmarks.foundation_import", "run_floor", str(path))
    path.unlink()
    return {
        "file": made,
        "hromada": hromada,
        "floor": floor,
        "ratio_time_vs_floor": hromada["seconds"] / floor["seconds"],
    }


def report(result: dict[str, Any]) -> str:
    f, h, fl = result["file"], result["hromada"], result["floor"]
    return (
        f"import of the national panel, long CSV: {f['rows']:,} rows ({f['regions']} regions x {f['sectors']} "
        f"NACE classes x {f['years']} years), {f['bytes'] / 2**20:.0f} MiB\n"
        f"  hromada (validate + upsert, one transaction, SQLite): {h['seconds']:.1f} s, "
        f"peak {h['peak_mib']:.0f} MiB, {h['rows'] / h['seconds']:,.0f} rows/s\n"
        f"  floor (pyarrow + bare sqlite3, no validation):        {fl['seconds']:.1f} s, "
        f"peak {fl['peak_mib']:.0f} MiB\n"
        f"  ratio hromada/floor = {result['ratio_time_vs_floor']:.2f}x"
    )
