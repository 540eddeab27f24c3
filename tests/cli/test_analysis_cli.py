"""`hromada economy` and `hromada assess`: file-to-file complexity, workspace analysis, framework files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hromada.cli import app
from hromada.data.demo import load_demo
from hromada.data.synthetic import generate_panel
from hromada.services.demo import demo_email


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HROMADA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HROMADA_SECRET_KEY", "s" * 40)
    monkeypatch.delenv("HROMADA_DATABASE_URL", raising=False)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    """Exit code and output with whitespace runs as one space (Rich wraps lines at the terminal width)."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def test_complexity_file_to_file(tmp_path: Path) -> None:
    panel = generate_panel(level="division", years=(2023,))
    data = panel.employment.rename(columns={"region_code": "region", "sector_code": "industry"})
    source = tmp_path / "panel.csv"
    data.to_csv(source, index=False)
    target = tmp_path / "out.parquet"
    code, out = run("economy", "complexity", str(source), str(target), "--preset", "atlas")
    assert code == 0, out
    assert "preset atlas" in out and "Wrote" in out
    result = pd.read_parquet(target)
    assert len(result) == data["region"].nunique() * data["industry"].nunique()
    assert {
        "year",
        "region",
        "industry",
        "value",
        "rca",
        "mcp",
        "eci",
        "pci",
        "density",
        "coi",
        "cog",
    } <= set(result.columns)
    assert result["region"].str.startswith("UA").all()


def test_complexity_refuses_bad_input_with_the_data_error_exit_code(tmp_path: Path) -> None:
    source = tmp_path / "dup.csv"
    source.write_text("year,region,industry,value\n2023,a,01,5\n2023,a,01,6\n2023,b,02,1\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    code, out = run("economy", "complexity", str(source), str(target))
    assert code == 65
    assert "dup.csv" in out and "must appear once" in out
    assert not target.exists()
    code, out = run("economy", "complexity", str(source), str(target), "--sum-duplicates")
    assert code == 0, out
    assert (
        pd.read_csv(target, dtype={"industry": str})
        .query("region == 'a' and industry == '01'")["value"]
        .item()
        == 11
    )
    code, out = run("economy", "complexity", str(tmp_path / "none.csv"), str(target))
    assert code == 66 and "no such file" in out


def test_analyze_a_demo_municipality(env: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    demo = load_demo(cache_dir=env / "cache")
    lines = result.output.splitlines()
    for row in demo.municipalities.to_dict(orient="records"):
        # One line per account, its cells whole, however narrow the console the output goes to.
        account = demo_email(str(row["name_en"]))
        cell = f"{row['name_en']} ({row['code']})"
        assert any(account in line and cell in line for line in lines), result.output
    municipality = demo.municipalities.iloc[0]["code"]
    code, out = run("economy", "analyze", str(municipality), "--top", "5")
    assert code == 0, out
    assert "Diversification opportunities" in out and "ECI" in out and "preset ecomplexity" in out
    code, out = run("economy", "analyze", "UA00000000000000000")
    assert code == 66


CUSTOM_FRAMEWORK = """
id: oblast-heat-readiness
version: "1"
source: A framework written by an oblast working group for this test.
title: {uk: Готовність до опалювального сезону, en: Heating season readiness, de: Bereitschaft für die Heizperiode}
scale_min: 0
scale_max: 2
scale_labels: {0: {uk: Ні, en: "No", de: Nein}, 2: {uk: Так, en: "Yes", de: Ja}}
dimensions:
  - id: heat
    weight: 1
    title: {uk: Тепло, en: Heat, de: Wärme}
    indicators:
      - id: heat.backup
        title: {uk: Резервне живлення котелень, en: Backup power for boiler houses, de: Notstrom für Heizwerke}
        question: {uk: "Чи мають котельні резервне живлення?", en: "Do boiler houses have backup power?", de: "Haben Heizwerke Notstrom?"}
"""


def test_a_facilitator_adds_a_framework_file_and_it_can_be_used(env: Path) -> None:
    path = env / "heat.yaml"
    path.write_text(CUSTOM_FRAMEWORK, encoding="utf-8")
    code, out = run("assess", "add-framework", str(path))
    assert code == 0, out
    assert "Added oblast-heat-readiness" in out
    code, out = run("assess", "frameworks")
    assert "hromada-wartime-resilience" in out and "oblast-heat-readiness" in out
    broken = env / "broken.yaml"
    broken.write_text(CUSTOM_FRAMEWORK.replace("scale_max: 2", "scale_max: -1"), encoding="utf-8")
    code, out = run("assess", "add-framework", str(broken))
    # Rich wraps long lines at the terminal width: compare without whitespace.
    assert code == 65 and "broken.yaml" in "".join(out.split())
    shipped = env / "shipped.yaml"
    shipped.write_text(
        CUSTOM_FRAMEWORK.replace("oblast-heat-readiness", "hromada-wartime-resilience"), encoding="utf-8"
    )
    code, out = run("assess", "add-framework", str(shipped))
    assert code == 75 and "shippedwithHromada" in "".join(out.split())


def test_strategy_and_projects_commands_on_the_demo(env: Path) -> None:
    import json

    code, out = run("demo", "--no-serve")
    assert code == 0, out
    municipality = load_demo(cache_dir=env / "cache").municipalities.iloc[0]["code"]
    code, out = run("strategy", "show", str(municipality))
    assert code == 0 and "Vision" in out and "G1" in out and "no measure" in out
    code, out = run("strategy", "suggest", str(municipality))
    assert code == 0 and "SWOT suggestions" in out
    code, ukrainian = run("strategy", "suggest", str(municipality), "--locale", "uk")
    assert code == 0 and ukrainian != out
    assert sum("а" <= c <= "я" or c in "іїєґ" for c in ukrainian) > 100  # the texts are in Ukrainian
    target = env / "oc4ids.json"
    code, out = run("projects", "oc4ids", str(municipality), str(target))
    assert code == 0, out
    package = json.loads(target.read_text(encoding="utf-8"))
    assert package["version"] == "0.9" and len(package["projects"]) == 13
