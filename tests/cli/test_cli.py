"""The command line: commands, clear errors and exit codes per error class."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from hromada.cli import app
from hromada.errors import ConfigurationError, ImportValidationError, NotFoundError, ValidationError

CODE = "UA63120000000012345"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HROMADA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HROMADA_SECRET_KEY", "s" * 40)
    monkeypatch.delenv("HROMADA_DATABASE_URL", raising=False)
    return tmp_path


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.output


def test_help_and_version() -> None:
    code, out = run("--help")
    assert code == 0 and "import" in out and "demo" in out
    code, out = run("--version")
    assert code == 0 and out.startswith("hromada ")


def test_refuses_placeholder_secret(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HROMADA_SECRET_KEY", "changeme")
    code, out = run("db", "upgrade")
    assert code == ConfigurationError.exit_code
    assert "HROMADA_SECRET_KEY" in out


def test_workflow_municipality_user_import(env: Path) -> None:
    assert run("db", "upgrade")[0] == 0
    code, out = run(
        "municipality",
        "add",
        CODE,
        "--name-uk",
        "Тест",
        "--name-en",
        "Test",
        "--oblast",
        "UA63",
        "--status",
        "frontline",
        "--population",
        "12000",
        "--area",
        "300",
    )
    assert code == 0, out
    code, out = run("municipality", "add", "UA99", "--name-uk", "x", "--name-en", "x", "--oblast", "UA63")
    assert code == ValidationError.exit_code and "KATOTTG" in out
    code, out = run(
        "user",
        "add",
        "officer@example.org",
        "--password",
        "long-enough-pw",
        "--municipality",
        CODE,
        "--role",
        "editor",
    )
    assert code == 0, out
    code, out = run("user", "token", "officer@example.org")
    assert code == 0 and out.strip().startswith("hrm_")

    good = env / "stats.csv"
    good.write_text(
        "year,sector_code,measure,value\n2023,10,employment,120\n2023,_T,population,12000\n", encoding="utf-8"
    )
    code, out = run("import", "stats", str(good), "-m", CODE, "--dry-run")
    assert code == 0 and "would write" in out and "2 new" in out
    code, out = run("import", "stats", str(good), "-m", CODE)
    assert code == 0 and "2 new" in out
    code, out = run("import", "stats", str(good), "-m", CODE)
    assert code == 0 and "0 new" in out and "2 unchanged" in out

    bad = env / "bad.csv"
    bad.write_text("year,sector_code,measure,value\n2023,10,employment,abc\n", encoding="utf-8")
    code, out = run("import", "stats", str(bad), "-m", CODE)
    assert code == ImportValidationError.exit_code
    assert "bad.csv" in out and "value" in out and "abc" in out

    code, out = run("import", "stats", str(good), "-m", "UA00000000000000000")
    assert code == NotFoundError.exit_code
    code, out = run("municipality", "list")
    assert code == 0 and CODE in out
