"""`hromada infrastructure` (and its former name `infra`, hidden): import, cascade, criticality, restore."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hromada.cli import app
from hromada.errors import NotFoundError, ValidationError

CODE = "UA63120000000012345"
ASSETS = """asset_id,name,type,population_served,backup_hours,status,repair_days,repair_cost
PS-01,Substation,substation,10000,0,damaged,5,2000000
PS-02,Substation 2,substation,8000,0,operational,,
WP-01,Pump,water_pumping,9000,6,operational,,
HOSP-01,Hospital,hospital,20000,24,operational,,
"""
DEPENDENCIES = """supplier,consumer,kind,group,required
PS-01,WP-01,power,WP-01:power,1
PS-01,HOSP-01,power,HOSP-01:power,1
PS-02,HOSP-01,power,HOSP-01:power,1
WP-01,HOSP-01,water,HOSP-01:water,1
"""


def run(*args: str) -> tuple[int, str]:
    """Exit code and output with whitespace runs as one space (Rich wraps lines at the terminal width)."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HROMADA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HROMADA_SECRET_KEY", "s" * 40)
    monkeypatch.delenv("HROMADA_DATABASE_URL", raising=False)
    code, out = run("municipality", "add", CODE, "--name-uk", "Тест", "--name-en", "Test", "--oblast", "UA63")
    assert code == 0, out
    (tmp_path / "assets.csv").write_text(ASSETS, encoding="utf-8")
    (tmp_path / "deps.csv").write_text(DEPENDENCIES, encoding="utf-8")
    return tmp_path


def test_import_cascade_criticality_and_restore(place: Path) -> None:
    assets, deps = str(place / "assets.csv"), str(place / "deps.csv")
    code, out = run("infrastructure", "import", assets, deps, "-m", CODE, "--dry-run")
    assert code == 0 and "4 assets (4 new), 4 dependencies checked" in out, out
    code, out = run("infrastructure", "import", assets, deps, "-m", CODE)
    assert code == 0 and "4 assets (4 new), 4 dependencies imported" in out, out
    # A dependencies file with only its header would delete all four: refused without --replace, listed by
    # a dry run, done with --replace (issue 17: it used to delete them silently).
    header_only = place / "no-deps.csv"
    header_only.write_text("supplier,consumer,kind\n", encoding="utf-8")
    code, out = run("infrastructure", "import", assets, str(header_only), "-m", CODE)
    assert code != 0 and "would delete 4" in out and "replace" in out, out
    code, out = run("infrastructure", "import", assets, str(header_only), "-m", CODE, "--dry-run")
    assert code == 0 and "would delete 4 stored dependencies" in out, out
    code, out = run("infrastructure", "import", assets, deps, "-m", CODE)
    assert code == 0 and "deleted" not in out, out
    bad = place / "bad.csv"
    bad.write_text(DEPENDENCIES + "XX-99,HOSP-01,power,,1\n", encoding="utf-8")
    code, out = run("infrastructure", "import", assets, str(bad), "-m", CODE)
    assert code == ValidationError.exit_code and "XX-99" in out
    code, out = run("infrastructure", "cascade", CODE, "--fail", "PS-01", "--hours", "48")
    assert code == 0 and "Failed: PS-01;" in out and "within 48 h" in out, out
    code, out = run("infrastructure", "criticality", CODE, "--top", "3")
    assert code == 0 and "Criticality" in out and "PS-01" in out, out
    code, out = run("infrastructure", "cascade", CODE)  # the damaged assets by default
    assert code == 0 and "Failed: PS-01;" in out, out
    code, out = run("infrastructure", "restore", CODE, "--crews", "2")
    assert code == 0 and "Restoration plan" in out and "PS-01" in out and "person-days" in out, out
    code, out = run("infrastructure", "criticality", "UA00000000000000000")
    assert code == NotFoundError.exit_code


def test_infra_still_works_as_a_hidden_alias(place: Path) -> None:
    assets, deps = str(place / "assets.csv"), str(place / "deps.csv")
    code, out = run("infra", "import", assets, deps, "-m", CODE)
    assert code == 0 and "4 dependencies imported" in out, out
    assert run("infra", "cascade", CODE, "--fail", "PS-01") == run(
        "infrastructure", "cascade", CODE, "--fail", "PS-01"
    )
    code, out = run("infra", "criticality", "UA00000000000000000")
    assert code == NotFoundError.exit_code
