"""The command line: commands, clear errors and exit codes per error class."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from hromada.cli import app
from hromada.cli.serve import print_accounts
from hromada.errors import ConfigurationError, ImportValidationError, NotFoundError, ValidationError
from hromada.services.demo import DemoLogin

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


def _command_paths(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group under ``command`` (hidden ones included), as argument lists."""
    paths = [path]
    for name, sub in getattr(command, "commands", {}).items():
        paths.extend(_command_paths(sub, (*path, name)))
    return paths


def test_help_shows_no_type_after_a_flag() -> None:
    paths = _command_paths(typer.main.get_command(app))
    assert ("demo",) in paths and ("user", "add") in paths and ("infra", "cascade") in paths
    for path in paths:
        code, out = run(*path, "--help")
        assert code == 0, (path, out)
        assert "<bool>" not in out and "BOOLEAN" not in out, (path, out)
    code, out = run("--help")
    assert "--verbose" in out and "--help" in out
    code, out = run("demo", "--help")
    assert "--no-serve" in out and "<int range>" in out  # options with a value still show its type
    code, out = run("user", "add", "--help")
    assert "--no-facilitator" in out


def test_infrastructure_is_the_group_and_infra_a_hidden_alias() -> None:
    code, out = run("--help")
    assert code == 0 and "infrastructure" in out
    assert re.search(r"\binfra\b", out) is None  # hidden from the list of commands
    for group in ("infrastructure", "infra"):
        code, out = run(group, "--help")
        assert code == 0 and all(c in out for c in ("import", "cascade", "criticality", "restore"))


def test_demo_accounts_keep_every_cell_whole_on_a_narrow_console() -> None:
    logins = [
        DemoLogin("facilitator@hromada.example", "facilitator", None),
        *(
            DemoLogin(f"{name}@hromada.example", "editor", f"{name.title()} (UA6312000000001234{i})")
            for i, name in enumerate(
                ("verkhnodniprovsk-district", "novoukrainka-rural-community", "ternova-balka")
            )
        ),
    ]
    buffer = io.StringIO()
    print_accounts(Console(file=buffer, width=80, force_terminal=False), logins, "hromada-demo")
    lines = buffer.getvalue().splitlines()
    for login in logins:
        row = [line for line in lines if login.email in line]
        assert len(row) == 1, buffer.getvalue()
        assert (login.municipality or "all (network)") in row[0] and login.role in row[0]
    assert max(len(line) for line in lines) > 80  # wider than the console rather than wrapped


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
