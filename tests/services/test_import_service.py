"""The import use case: all or nothing, idempotent, dry run, provenance, and safe against a killed process."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hromada.db.models import AuditLog, ImportRecord, Municipality, StatisticSeries
from hromada.errors import ImportValidationError, NotFoundError, PermissionDeniedError
from hromada.services import profile
from hromada.services.access import Principal, Role
from hromada.services.profile import MunicipalityInput, create_municipality

CODE = "UA63120000000012345"
HEADER = "year,sector_code,measure,value\n"

# One bad file per documented error class; each must be rejected whole (the good first row included).
BAD_FILES = {
    "missing column": (b"year,sector_code,value\n2023,10,5\n", "measure"),
    "bad code": ((HEADER + "2023,10,employment,5\n2023,1X,employment,5\n").encode(), "sector_code"),
    "bad year": ((HEADER + "2023,10,employment,5\n20x3,11,employment,5\n").encode(), "year"),
    "non-numeric value": ((HEADER + "2023,10,employment,5\n2023,11,employment,five\n").encode(), "value"),
    "negative value": ((HEADER + "2023,10,employment,5\n2023,11,employment,-3\n").encode(), "value"),
    "duplicate key": ((HEADER + "2023,10,employment,5\n2023,10,employment,6\n").encode(), None),
    "wrong encoding": (
        (HEADER + "2023,10,employment,5\n").encode() + "2023,11,зайнятість,5\n".encode("cp1251"),
        None,
    ),
    "empty file": (b"", None),
    "header only": (HEADER.encode(), None),
    "unknown measure": ((HEADER + "2023,10,employment,5\n2023,10,jobs,5\n").encode(), "measure"),
}


@pytest.fixture
def workspace(session: Session) -> tuple[Session, Principal, Municipality]:
    municipality = create_municipality(
        session, MunicipalityInput(CODE, "Тест", "Test", "UA63", population=1000, area_km2=10.0)
    )
    session.commit()
    editor = Principal(user_id=None, email="e", roles={municipality.id: Role.EDITOR})
    return session, editor, municipality


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_every_error_class_writes_nothing(
    workspace: tuple[Session, Principal, Municipality], case: str
) -> None:
    session, editor, municipality = workspace
    content, column = BAD_FILES[case]
    with pytest.raises(ImportValidationError) as info:
        profile.import_statistics(session, editor, municipality, content, filename=f"{case}.csv")
    session.rollback()
    error = info.value
    assert error.issues and all(issue.file == f"{case}.csv" for issue in error.issues)
    if column is not None:
        assert any(issue.column == column for issue in error.issues), error.issues
    assert "nothing was written" in error.message
    assert _count(session, StatisticSeries) == 0
    assert _count(session, ImportRecord) == 0
    assert _count(session, AuditLog) == 1  # only the municipality's creation


def test_huge_file_is_refused_before_parsing(workspace: tuple[Session, Principal, Municipality]) -> None:
    session, editor, municipality = workspace
    content = (HEADER + "2023,10,employment,5\n" * 1000).encode()
    with pytest.raises(ImportValidationError) as info:
        profile.import_statistics(session, editor, municipality, content, filename="big.csv", max_bytes=1000)
    assert "1,000" in str(info.value) or "1000" in str(info.value)
    assert _count(session, StatisticSeries) == 0


def test_import_dry_run_reimport_and_provenance(workspace: tuple[Session, Principal, Municipality]) -> None:
    session, editor, municipality = workspace
    content = (HEADER + "2023,10,employment,5\n2023,11,employment,7\n2023,_T,population,1000\n").encode()
    dry = profile.import_statistics(session, editor, municipality, content, filename="a.csv", dry_run=True)
    assert (dry.inserted, dry.updated, dry.unchanged, dry.dry_run) == (3, 0, 0, True)
    assert _count(session, StatisticSeries) == 0
    first = profile.import_statistics(session, editor, municipality, content, filename="a.csv")
    session.commit()
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    again = profile.import_statistics(session, editor, municipality, content, filename="a.csv")
    session.commit()
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    changed = content.replace(b"employment,7", b"employment,8")
    third = profile.import_statistics(session, editor, municipality, changed, filename="a.csv")
    session.commit()
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 2)
    assert _count(session, StatisticSeries) == 3
    record = session.get(ImportRecord, third.import_id)
    assert record is not None and len(record.sha256) == 64 and record.rows == 3
    actions = session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions.count("statistics.import") == 3
    value = session.scalar(select(StatisticSeries.value).where(StatisticSeries.sector_code == "11"))
    assert value == 8.0


def test_viewers_and_strangers_cannot_import(workspace: tuple[Session, Principal, Municipality]) -> None:
    session, _, municipality = workspace
    content = (HEADER + "2023,10,employment,5\n").encode()
    viewer = Principal(user_id=None, email="v", roles={municipality.id: Role.VIEWER})
    stranger = Principal(user_id=None, email="s", roles={})
    with pytest.raises(PermissionDeniedError):
        profile.import_statistics(session, viewer, municipality, content, filename="a.csv")
    with pytest.raises(NotFoundError):
        profile.import_statistics(session, stranger, municipality, content, filename="a.csv")
    assert _count(session, StatisticSeries) == 0


@pytest.mark.slow
def test_killing_an_import_never_corrupts_the_database(tmp_path: Path) -> None:
    """SIGKILL in the middle of a large import: the database is intact and holds all or nothing."""
    data_dir = tmp_path / "data"
    rows = ["year,sector_code,measure,value"]
    sectors = [f"{d:02d}" for d in range(1, 100) if d not in (4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89)][:80]
    regions = [f"UA63{i:015d}" for i in range(1, 400)]
    lines = [
        f"{r},{y},{s},employment,{(i % 97) + 1}"
        for i, (r, y, s) in enumerate((r, y, s) for r in regions for y in range(2015, 2025) for s in sectors)
    ]
    csv = tmp_path / "big.csv"
    csv.write_text("region_code," + rows[0] + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "HROMADA_DATA_DIR": str(data_dir), "HROMADA_SECRET_KEY": "k" * 40}
    env.pop("HROMADA_DATABASE_URL", None)
    cli = [sys.executable, "-m", "hromada.cli"]
    subprocess.run(
        [*cli, "municipality", "add", CODE, "--name-uk", "Т", "--name-en", "T", "--oblast", "UA63"],
        env=env,
        check=True,
        capture_output=True,
    )
    db = data_dir / "hromada.sqlite3"
    process = subprocess.Popen(
        [*cli, "import", "stats", str(csv), "-m", CODE],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Wait until the writer has started (the WAL grows), then kill it without warning.
    deadline = time.monotonic() + 120
    wal = db.with_name(db.name + "-wal")
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > 2_000_000:
            break
        time.sleep(0.05)
    killed_mid_write = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.wait()
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = con.execute("SELECT count(*) FROM statistic_series").fetchone()[0]
        imports = con.execute("SELECT count(*) FROM import_record").fetchone()[0]
    finally:
        con.close()
    if killed_mid_write:
        assert (count, imports) == (0, 0)
    else:  # the import finished before the kill: then all of it is there
        assert (count, imports) == (len(lines), 1)
