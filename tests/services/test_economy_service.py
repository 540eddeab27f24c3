"""The economy service: a municipality analysed against the national panel, stored with provenance."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from hromada.analysis.economy import complexity, to_panel
from hromada.data.synthetic import generate_panel, write_panel_parquet
from hromada.db.engine import make_session_factory
from hromada.db.models import AnalysisRun, AuditLog, Municipality, Role
from hromada.errors import NotFoundError, PermissionDeniedError, ValidationError
from hromada.services import accounts, economy
from hromada.services.access import load_principal
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality, upsert_statistics
from hromada.services.reference import NATIONAL_PANEL, register_reference
from hromada.settings import Settings

YEARS = (2019, 2021, 2023)


def _setup(session: Session, settings: Settings) -> tuple[Municipality, str]:
    panel = generate_panel(level="division", years=YEARS)
    path = settings.data_dir / "reference" / f"{NATIONAL_PANEL}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_panel_parquet(panel, path)
    register_reference(
        session, settings, NATIONAL_PANEL, path, rows=len(panel.employment), provenance=dict(panel.provenance)
    )
    row = panel.municipalities.iloc[100]
    municipality = create_municipality(
        session,
        MunicipalityInput(
            str(row["code"]), "Тест", "Test", str(row["oblast_code"]), status="rear", population=10_000
        ),
    )
    session.flush()
    return municipality, str(row["code"])


def test_analysis_is_stored_with_provenance_on_both_databases(any_engine: Engine, settings: Settings) -> None:
    with make_session_factory(any_engine)() as session:
        municipality, code = _setup(session, settings)
        run = economy.run_analysis(session, settings, system_principal(), municipality, preset="atlas")
        session.commit()
        stored = economy.latest_analysis(session, system_principal(), municipality)
        assert stored is not None and stored.id == run.id
        # The stored data hash is the hash of exactly the panel analysed.
        data, sources = economy.analysis_panel(session, settings, system_principal(), municipality)
        assert run.data_hash == to_panel(data).data_hash
        assert run.preset == "atlas" and run.parameters.preset.strict is True
        assert sources["reference_sha256"] and run.parameters.sources.workspace_rows == 0
        results = run.model_dump(mode="json")["results"]
        assert results["year"] == 2023 and results["base_year"] == 2019
        # The stored figures agree with the library on the same data.
        direct = complexity(data, preset="atlas")
        r = direct.panel.region_position(code)
        assert results["indices"][-1]["eci"] == pytest.approx(direct.eci[-1, r], abs=1e-12)
        assert len(results["opportunities"]) == 25
        assert all(row["why"] and isinstance(row["related"], list) for row in results["opportunities"])
        assert not {row["industry"][:2] for row in results["opportunities"]} & {"84", "97", "98", "99"}
        assert {row["quadrant"] for row in results["quadrants"]} <= {
            "strength",
            "opportunity",
            "threat",
            "weakness",
        }
        assert 0 <= results["stability"]["mean_jaccard"] <= 1
        totals = results["shift_share"]["totals"]
        change = sum(row["change"] for row in results["shift_share"]["components"])
        assert totals["national_share"] + totals["industry_mix"] + totals["competitive"] == pytest.approx(
            change
        )
        assert (
            session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "analyze"))
            == 1
        )
        # The typed analysis (the REST API's answer) carries exactly the stored run, as JSON text.
        analysis = economy.get_analysis(session, system_principal(), municipality)
        assert analysis.results.year == 2023 and analysis.parameters.preset.strict is True
        assert len(analysis.results.opportunities) == 25 and analysis.results.opportunities[0].rank == 1
        row = session.get(AnalysisRun, run.id)
        assert row is not None
        assert json.dumps(analysis.model_dump(mode="json")["results"], sort_keys=True) == json.dumps(
            row.results, sort_keys=True
        )
        assert json.dumps(analysis.model_dump(mode="json")["parameters"], sort_keys=True) == json.dumps(
            row.parameters, sort_keys=True
        )


def test_workspace_statistics_replace_the_panel_row(session: Session, settings: Settings) -> None:
    municipality, code = _setup(session, settings)
    before, _ = economy.analysis_panel(session, settings, system_principal(), municipality)
    own = pd.DataFrame(
        {
            "region_code": code,
            "year": [2023, 2023],
            "sector_code": ["10", "62"],
            "measure": "employment",
            "value": [500.0, 250.0],
            "unit": "persons",
            "source": "test",
        }
    )
    upsert_statistics(session, municipality.id, own)
    after, sources = economy.analysis_panel(session, settings, system_principal(), municipality)
    assert sources["workspace_rows"] == 2
    mine = after[(after["region"] == code) & (after["year"] == 2023)].set_index("industry")["value"]
    assert mine.to_dict() == {"10": 500.0, "62": 250.0}
    # Other years keep the national panel's figures.
    old = before[(before["region"] == code) & (before["year"] == 2021)]
    assert len(after[(after["region"] == code) & (after["year"] == 2021)]) == len(old)


def test_viewers_read_runs_but_only_editors_run_them(session: Session, settings: Settings) -> None:
    municipality, _ = _setup(session, settings)
    viewer = accounts.add_user(session, "viewer@example.org", "long-enough-password")
    accounts.add_membership(session, viewer, municipality, Role.VIEWER)
    session.flush()
    principal = load_principal(session, viewer.id)
    assert economy.latest_analysis(session, principal, municipality) is None
    with pytest.raises(NotFoundError, match="no economy analysis yet"):
        economy.get_analysis(session, principal, municipality)
    with pytest.raises(PermissionDeniedError):
        economy.run_analysis(session, settings, principal, municipality)
    with pytest.raises(ValidationError, match="preset"):
        economy.run_analysis(session, settings, system_principal(), municipality, preset="nope")
    assert session.scalar(select(func.count()).select_from(AnalysisRun)) == 0


def test_complexity_file_round_trips_all_formats(tmp_path: Path) -> None:
    panel = generate_panel(level="division", years=(2022, 2023))
    data = panel.employment.rename(columns={"region_code": "region", "sector_code": "industry"})
    data = data[data["region"].isin(panel.municipalities["code"].iloc[:200])].astype(
        {"region": str, "industry": str}
    )
    source = tmp_path / "in.csv"
    data.to_csv(source, index=False)
    expected = complexity(data).to_frame()
    for suffix in (".csv", ".parquet", ".xlsx"):
        target = tmp_path / f"out{suffix}"
        summary = economy.complexity_file(source, target, preset="ecomplexity")
        assert summary.rows_out == len(expected) == target.exists() * len(expected)
        if suffix == ".csv":
            out = pd.read_csv(target, dtype={"region": str, "industry": str})
        elif suffix == ".parquet":
            out = pd.read_parquet(target)
        else:
            out = pd.read_excel(target, dtype={"region": str, "industry": str})
        for column in (
            "year",
            "region",
            "industry",
            "value",
            "rca",
            "mcp",
            "diversity",
            "ubiquity",
            "eci",
            "pci",
            "density",
            "coi",
            "cog",
        ):
            assert column in out.columns
        np.testing.assert_allclose(
            out["eci"].to_numpy(float), expected["eci"].to_numpy(float), rtol=1e-12, equal_nan=True
        )


def test_complexity_file_bad_input_names_the_file_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("year,region,industry,value\n2023,a,01,5\n2023,b,01,-1\n", encoding="utf-8")
    target = tmp_path / "out.parquet"
    with pytest.raises(ValidationError, match=r"bad\.csv: .*must be zero or positive.*row 2"):
        economy.complexity_file(source, target)
    assert not target.exists() and list(tmp_path.iterdir()) == [source]
    missing = tmp_path / "cols.csv"
    missing.write_text("year,region,value\n2023,a,5\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"cols\.csv: missing column\(s\) industry"):
        economy.complexity_file(missing, target)
    with pytest.raises(ValidationError, match="file type"):
        economy.complexity_file(source, tmp_path / "out.json")
