"""A national-size import (1,469 municipalities x 600 NACE classes x 10 years, long layout) completes
through the command line, with progress bars, in one transaction."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from typer.testing import CliRunner

from hromada.cli import app
from hromada.data.nace import nace_codes

pytestmark = pytest.mark.slow

WORKSPACE = "UA80000000000093317"


def _write_panel(path: Path, regions: int = 1469, classes: int = 600, years: int = 10) -> int:
    rng = np.random.default_rng(7)
    codes = np.array([f"UA{(5 + i % 70):02d}{i:015d}" for i in range(regions)], dtype=object)
    sectors = np.array(sorted(nace_codes("class"))[:classes], dtype=object)
    year_values = np.arange(2015, 2015 + years)
    n = regions * classes * years
    values = rng.lognormal(2.0, 1.5, n) * (rng.random(n) < 0.3)
    table = pa.table(
        {
            "region_code": np.repeat(codes, classes * years),
            "year": np.tile(np.repeat(year_values, classes), regions),
            "sector_code": np.tile(sectors, regions * years),
            "measure": np.full(n, "employment", dtype=object),
            "value": np.round(values, 1),
        }
    )
    pacsv.write_csv(table, path)
    return n


def test_national_size_import_with_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HROMADA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HROMADA_SECRET_KEY", "s" * 40)
    monkeypatch.delenv("HROMADA_DATABASE_URL", raising=False)
    runner = CliRunner()
    result = runner.invoke(
        app, ["municipality", "add", WORKSPACE, "--name-uk", "Київ", "--name-en", "Kyiv", "--oblast", "UA80"]
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "panel.csv"
    rows = _write_panel(path)
    assert rows == 1469 * 600 * 10
    result = runner.invoke(app, ["import", "stats", str(path), "-m", WORKSPACE])
    assert result.exit_code == 0, result.output[-2000:]
    assert "Reading and checking" in result.output and "Writing" in result.output
    assert f"{rows:,} rows" in result.output and f"{rows:,} new" in result.output
    con = sqlite3.connect(tmp_path / "data" / "hromada.sqlite3")
    try:
        assert con.execute("SELECT count(*) FROM statistic_series").fetchone()[0] == rows
        assert con.execute("SELECT count(*), max(rows) FROM import_record").fetchone() == (1, rows)
    finally:
        con.close()
