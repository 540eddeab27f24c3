"""Background jobs: submit, claim, run, progress, cancel, dead workers, permissions; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from hromada.db.base import utcnow
from hromada.db.engine import make_engine, make_session_factory
from hromada.db.models import AuditLog, ImportRecord, Job, JobState, Municipality, Role, StatisticSeries
from hromada.errors import NotFoundError, PermissionDeniedError
from hromada.services import accounts, jobs, profile
from hromada.services.access import Principal, load_principal
from hromada.services.demo import system_principal
from hromada.services.profile import MunicipalityInput, create_municipality
from hromada.settings import Settings

CODE_A = "UA63120000000012345"
CODE_B = "UA46060000000022222"
PASSWORD = "correct-horse-battery"


def _csv(rows: int, *, value: int = 1) -> bytes:
    """A long-layout statistics file of ``rows`` figures (distinct years and sectors)."""
    sectors = ["10", "11", "13", "14", "15", "16", "17", "18", "20", "22", "23", "25", "47", "49"]
    lines = ["year,sector_code,measure,value"]
    for k in range(rows):
        lines.append(f"{1990 + k // len(sectors)},{sectors[k % len(sectors)]},employment,{value + k}")
    return ("\n".join(lines) + "\n").encode()


@dataclass
class World:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    a: Municipality
    b: Municipality
    editor: Principal  # editor of A
    viewer: Principal  # viewer of A
    outsider: Principal  # no membership

    def upload(self, content: bytes) -> Path:
        """Store a file as the web does: under data_dir/uploads, with a random name."""
        folder = self.settings.data_dir / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / secrets.token_hex(8)
        path.write_bytes(content)
        return path

    def submit_import(
        self, content: bytes, *, principal: Principal | None = None, dry_run: bool = False
    ) -> int:
        with self.factory() as s:
            view = jobs.submit_statistics_import(
                s,
                principal or self.editor,
                s.merge(self.a),
                self.upload(content),
                filename="figures.csv",
                dry_run=dry_run,
                max_bytes=self.settings.max_upload_bytes,
            )
            s.commit()
        return view.id

    def job(self, job_id: int) -> Job:
        with self.factory() as s:
            job = s.get(Job, job_id)
            assert job is not None
            return job

    def count(self, model: type) -> int:
        with self.factory() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _world(settings: Settings, engine: Engine) -> World:
    factory = make_session_factory(engine)
    with factory() as s:
        a = create_municipality(s, MunicipalityInput(CODE_A, "Альфа", "Alfa", "UA63", population=1000))
        b = create_municipality(s, MunicipalityInput(CODE_B, "Бета", "Beta", "UA46", population=1000))
        users = {}
        for who, role in (("editor", Role.EDITOR), ("viewer", Role.VIEWER), ("outsider", None)):
            users[who] = accounts.add_user(s, f"{who}@hromada.example", PASSWORD)
            if role is not None:
                accounts.add_membership(s, users[who], a, role)
        s.commit()
        principals = {who: load_principal(s, user.id) for who, user in users.items()}
    return World(
        settings, engine, factory, a, b, principals["editor"], principals["viewer"], principals["outsider"]
    )


@pytest.fixture
def world(settings: Settings, sqlite_engine: Engine) -> World:
    return _world(settings, sqlite_engine)


@pytest.fixture
def kinds() -> Iterator[Callable[[str, jobs.JobFunction], None]]:
    """Register test job kinds for one test."""
    added: list[str] = []

    def add(kind: str, function: jobs.JobFunction) -> None:
        jobs.register(kind, function, replace=True)
        added.append(kind)

    yield add
    for kind in added:
        jobs.unregister(kind)


def _submit(factory: sessionmaker[Session], kind: str, parameters: dict[str, Any] | None = None) -> int:
    with factory() as s:
        view = jobs.submit(s, system_principal(), kind, parameters or {}, None)
        s.commit()
    return view.id


# --------------------------------------------------------------------------------------------- the import


def test_import_job_runs_to_done_with_the_data_of_a_synchronous_import(world: World) -> None:
    content = _csv(300)
    job_id = world.submit_import(content)
    upload = Path(world.job(job_id).parameters["_upload"])
    assert upload.exists() and upload.parent == world.settings.data_dir / "uploads"
    with world.factory() as s:
        queued = jobs.get(s, world.editor, job_id)
    assert queued.state == "queued" and queued.progress == 0
    assert queued.parameters == {"filename": "figures.csv", "dry_run": False, "size": len(content)}

    assert jobs.run_one(world.factory, "w1") == job_id
    assert jobs.run_one(world.factory, "w1") is None  # the queue is empty

    with world.factory() as s:
        done = jobs.get(s, world.editor, job_id)
        job_rows = profile.statistics_frame(s, world.editor, s.merge(world.a))
    assert done.state == "done" and done.progress == 1.0 and done.error is None
    assert (
        done.started_at is not None and done.finished_at is not None and done.finished_at >= done.started_at
    )
    assert done.result is not None and done.result["inserted"] == 300 and done.result["dry_run"] is False
    assert not upload.exists()  # the stored file is removed when the job ends
    summary = jobs.import_summary(done)
    assert summary is not None and summary.rows == 300 and summary.import_id is not None

    # the same file imported in a request into B gives the same figures and summary
    facilitator = system_principal()
    with world.factory() as s:
        b = s.merge(world.b)
        direct = profile.import_statistics(s, facilitator, b, content, filename="figures.csv")
        s.commit()
        sync_rows = profile.statistics_frame(s, facilitator, b)
    assert {k: v for k, v in direct.to_dict().items() if k != "import_id"} == {
        k: v for k, v in done.result.items() if k != "import_id"
    }
    columns = ["year", "sector_code", "measure", "value", "unit", "source"]
    pd.testing.assert_frame_equal(
        job_rows[columns].sort_values(columns).reset_index(drop=True),
        sync_rows[columns].sort_values(columns).reset_index(drop=True),
    )
    with world.factory() as s:
        record = s.scalar(select(ImportRecord).where(ImportRecord.municipality_id == world.a.id))
        assert (
            record is not None and record.user_id == world.editor.user_id and record.filename == "figures.csv"
        )


def test_progress_reaches_one_through_the_stages(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[float, str]] = []
    original = jobs.Progress.__call__

    def spy(self: jobs.Progress, fraction: float, message: str = "") -> None:
        seen.append((fraction, message))
        original(self, fraction, message)

    monkeypatch.setattr(jobs.Progress, "__call__", spy)
    job_id = world.submit_import(_csv(120))
    jobs.run_one(world.factory, "w1")
    stages = [message.split(" ")[0] for _, message in seen]
    assert stages[0] == "reading" and "checking" in stages and stages[-1] == "writing"
    assert seen[-1] == (1.0, "writing 120/120")
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions)
    assert world.job(job_id).progress == 1.0 and world.job(job_id).message == "done"


def test_dry_run_job_writes_nothing(world: World) -> None:
    job_id = world.submit_import(_csv(50), dry_run=True)
    jobs.run_one(world.factory, "w1")
    job = world.job(job_id)
    assert job.state == JobState.DONE and job.result is not None
    assert job.result["dry_run"] is True and job.result["inserted"] == 50
    assert world.count(StatisticSeries) == 0 and world.count(ImportRecord) == 0


def test_a_rejected_file_fails_the_job_with_its_problems(world: World) -> None:
    bad = b"year,sector_code,measure,value\n2024,10,employment,12\n2024,00,employment,5\n"
    job_id = world.submit_import(bad)
    jobs.run_one(world.factory, "w1")
    with world.factory() as s:
        failed = jobs.get(s, world.viewer, job_id)
    assert failed.state == "failed" and failed.result is None
    assert failed.error is not None and failed.error.code == "import_invalid" and failed.error.total == 1
    (issue,) = jobs.import_issues(failed.error)
    assert (issue.file, issue.row, issue.column) == ("figures.csv", 3, "sector_code")
    assert world.count(StatisticSeries) == 0 and world.count(ImportRecord) == 0


def test_an_unexpected_error_fails_the_job_without_details(
    world: World, kinds: Callable[[str, jobs.JobFunction], None]
) -> None:
    def broken(*_: Any) -> dict[str, Any]:
        raise RuntimeError("secret internals")

    kinds("test_broken", broken)
    job_id = _submit(world.factory, "test_broken")
    jobs.run_one(world.factory, "w1")
    job = world.job(job_id)
    assert job.state == JobState.FAILED and job.error is not None
    assert job.error["code"] == "internal" and "secret" not in job.error["message"]


def test_the_submitter_is_checked_again_when_the_job_runs(world: World) -> None:
    job_id = world.submit_import(_csv(5))
    with world.factory() as s:  # the editor loses the role before a worker gets to the job
        s.execute(update(Job).where(Job.id == job_id).values(user_id=world.viewer.user_id))
        s.commit()
    jobs.run_one(world.factory, "w1")
    job = world.job(job_id)
    assert job.state == JobState.FAILED and job.error is not None and job.error["code"] == "forbidden"
    assert world.count(StatisticSeries) == 0


# ------------------------------------------------------------------------------------------------ cancel


def test_cancel_while_running_rolls_everything_back(
    world: World, kinds: Callable[[str, jobs.JobFunction], None]
) -> None:
    started, release = threading.Event(), threading.Event()

    def slow_writer(
        factory: sessionmaker[Session], job_id: int, parameters: dict[str, Any], progress: jobs.Progress
    ) -> dict[str, Any]:
        progress(0.1, "started")
        started.set()
        assert release.wait(10)
        with factory() as s:
            s.add(AuditLog(action="test.write", entity="test"))  # the job's data change
            s.flush()
            progress(0.5, "writing")  # raises JobCancelled: the change above is rolled back
            jobs.commit_unless_cancelled(s, job_id)
        return {"written": 1}

    kinds("test_slow_writer", slow_writer)
    job_id = _submit(world.factory, "test_slow_writer")
    before = world.count(AuditLog)
    runner = threading.Thread(target=jobs.run_one, args=(world.factory, "w1"))
    runner.start()
    try:
        assert started.wait(10)
        with world.factory() as s:
            view = jobs.cancel(s, system_principal(), job_id)
            s.commit()
        assert view.state == "running" and view.cancel_requested
    finally:
        release.set()
        runner.join(10)
    job = world.job(job_id)
    assert job.state == JobState.CANCELLED and job.result is None and job.finished_at is not None
    assert world.count(AuditLog) == before + 1  # the cancel's own audit entry, not the job's write
    with world.factory() as s:
        assert s.scalar(select(func.count()).where(AuditLog.action == "test.write")) == 0


def test_a_cancelled_import_writes_nothing(world: World) -> None:
    """Cancelled while writing its rows (the progress hook of the writes raises): all is rolled back."""
    job_id = world.submit_import(_csv(80))
    assert jobs.claim_next(world.factory, "w1") == job_id
    calls: list[str] = []

    class CancelWhileWriting(jobs.Progress):
        def __call__(self, fraction: float, message: str = "") -> None:
            calls.append(message)
            if message.startswith("writing"):
                raise jobs.JobCancelled

    progress = CancelWhileWriting(world.engine, job_id, "w1")
    with pytest.raises(jobs.JobCancelled):
        jobs._statistics_import(world.factory, job_id, dict(world.job(job_id).parameters), progress)
    assert calls[-1] == "writing 80/80"
    assert world.count(StatisticSeries) == 0 and world.count(ImportRecord) == 0


def test_commit_unless_cancelled_refuses_after_a_cancel(world: World) -> None:
    job_id = world.submit_import(_csv(5))
    with world.factory() as s:
        s.execute(update(Job).where(Job.id == job_id).values(cancel_requested=True))
        s.commit()
    with world.factory() as s:
        s.add(AuditLog(action="test.write", entity="test"))
        s.flush()
        with pytest.raises(jobs.JobCancelled):
            jobs.commit_unless_cancelled(s, job_id)
    with world.factory() as s:
        assert s.scalar(select(func.count()).where(AuditLog.action == "test.write")) == 0


def test_cancelling_a_queued_job_ends_it_at_once(world: World) -> None:
    job_id = world.submit_import(_csv(5))
    upload = Path(world.job(job_id).parameters["_upload"])
    with world.factory() as s:
        view = jobs.cancel(s, world.editor, job_id)
        s.commit()
    assert view.state == "cancelled" and view.finished_at is not None
    assert not upload.exists()
    assert jobs.run_one(world.factory, "w1") is None
    with world.factory() as s:  # cancelling again changes nothing
        assert jobs.cancel(s, world.editor, job_id).state == "cancelled"


# ------------------------------------------------------------------------------------- claims and workers


def _two_worker_run(engine: Engine, kinds: Callable[[str, jobs.JobFunction], None]) -> None:
    """Two workers with their own engines drain a queue of 24 jobs: each job runs exactly once."""
    ran: list[int] = []
    lock = threading.Lock()

    def record(
        factory: sessionmaker[Session], job_id: int, parameters: dict[str, Any], progress: jobs.Progress
    ) -> dict[str, Any]:
        time.sleep(0.01)
        with lock:
            ran.append(job_id)
        return {}

    kinds("test_record", record)
    factory = make_session_factory(engine)
    ids = [_submit(factory, "test_record") for _ in range(24)]
    claims: dict[str, list[int]] = {"w1": [], "w2": []}
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def drain(worker_id: str) -> None:
        own = make_engine(engine.url.render_as_string(hide_password=False))
        try:
            own_factory = make_session_factory(own)
            barrier.wait(10)
            while True:
                job_id = jobs.run_one(own_factory, worker_id)
                if job_id is None:
                    return
                claims[worker_id].append(job_id)
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=drain, args=(w,)) for w in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(claims["w1"] + claims["w2"]) == ids  # every job claimed, none twice
    assert sorted(ran) == ids  # and run once
    with factory() as s:
        rows = s.execute(select(Job.id, Job.state, Job.worker).order_by(Job.id)).all()
    assert all(state == JobState.DONE for _, state, _ in rows)
    assert {job_id: worker for job_id, _, worker in rows} == {
        job_id: worker for worker, claimed in claims.items() for job_id in claimed
    }


def test_two_workers_never_run_the_same_job(
    any_engine: Engine, kinds: Callable[[str, jobs.JobFunction], None]
) -> None:
    """On SQLite (conditional update) and, marked postgres, on PostgreSQL (FOR UPDATE SKIP LOCKED)."""
    _two_worker_run(any_engine, kinds)


def test_racing_claims_of_one_job_have_one_winner(
    any_engine: Engine, kinds: Callable[[str, jobs.JobFunction], None]
) -> None:
    kinds("test_noop", lambda *_: {})
    factory = make_session_factory(any_engine)
    for _round in range(5):
        job_id = _submit(factory, "test_noop")
        barrier = threading.Barrier(4)
        won: list[int | None] = []

        def claim(worker_id: str, barrier: threading.Barrier, won: list[int | None]) -> None:
            barrier.wait(10)
            won.append(jobs.claim_next(factory, worker_id))

        threads = [threading.Thread(target=claim, args=(f"w{k}", barrier, won)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(won, key=lambda x: x or 0) == [None, None, None, job_id]
        with factory() as s:  # finish it so the next round has one queued job again
            s.execute(update(Job).where(Job.id == job_id).values(state=JobState.DONE))
            s.commit()


def test_a_job_whose_worker_died_is_failed_on_the_next_claim(
    world: World, kinds: Callable[[str, jobs.JobFunction], None]
) -> None:
    kinds("test_noop", lambda *_: {})
    dead = world.submit_import(_csv(5))
    alive = _submit(world.factory, "test_noop")
    assert jobs.claim_next(world.factory, "dead-worker") == dead
    assert jobs.claim_next(world.factory, "live-worker") == alive
    upload = Path(world.job(dead).parameters["_upload"])
    with world.factory() as s:  # the dead worker's last heartbeat was long ago; the live one's is fresh
        s.execute(update(Job).where(Job.id == dead).values(heartbeat_at=utcnow() - dt.timedelta(hours=1)))
        s.commit()
    waiting = _submit(world.factory, "test_noop")
    assert jobs.claim_next(world.factory, "w3", stale_after=dt.timedelta(minutes=5)) == waiting
    failed, running = world.job(dead), world.job(alive)
    assert failed.state == JobState.FAILED and failed.error is not None
    assert failed.error["code"] == "worker_lost" and failed.finished_at is not None
    assert running.state == JobState.RUNNING
    assert not upload.exists()
    with world.factory() as s:
        assert jobs.get(s, world.editor, dead).error == jobs.JobError(
            code="worker_lost", message=failed.error["message"]
        )


def test_the_worker_thread_runs_jobs_and_requeues_on_stop(
    world: World, kinds: Callable[[str, jobs.JobFunction], None]
) -> None:
    started = threading.Event()

    def endless(
        factory: sessionmaker[Session], job_id: int, parameters: dict[str, Any], progress: jobs.Progress
    ) -> dict[str, Any]:
        if parameters.get("quick"):
            return {"ok": True}
        started.set()
        while True:  # until the worker stops
            progress(0.2, "working")
            time.sleep(0.02)

    kinds("test_endless", endless)
    quick = _submit(world.factory, "test_endless", {"quick": True})
    worker = jobs.Worker(world.factory, poll_s=0.02)
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while world.job(quick).state != JobState.DONE and time.monotonic() < deadline:
            time.sleep(0.02)
        assert world.job(quick).result == {"ok": True}
        slow = _submit(world.factory, "test_endless")
        assert started.wait(10)
        assert world.job(slow).state == JobState.RUNNING and world.job(slow).worker == worker.worker_id
    finally:
        assert worker.stop(10)
    job = world.job(slow)
    assert job.state == JobState.QUEUED and job.worker is None and job.progress == 0  # runs again later


# ---------------------------------------------------------------------------------------------- who sees


def test_permissions(world: World) -> None:
    job_id = world.submit_import(_csv(5))
    with world.factory() as s:
        b_job = jobs.submit_statistics_import(
            s, system_principal(), s.merge(world.b), world.upload(_csv(5)), filename="b.csv", dry_run=False,
            max_bytes=1000,
        )  # fmt: skip
        s.commit()
    with world.factory() as s:
        assert jobs.get(s, world.viewer, job_id).municipality_code == CODE_A
        assert [j.id for j in jobs.list_jobs(s, world.viewer, s.merge(world.a))] == [job_id]
        with pytest.raises(NotFoundError):
            jobs.get(s, world.outsider, job_id)
        with pytest.raises(NotFoundError):
            jobs.get(s, world.editor, b_job.id)  # another municipality's job
        with pytest.raises(NotFoundError):
            jobs.get(s, world.editor, job_id, municipality=s.merge(world.b))  # not B's job
        with pytest.raises(NotFoundError):
            jobs.get(s, world.editor, 9999)
        with pytest.raises(NotFoundError):
            jobs.cancel(s, world.editor, b_job.id)
        with pytest.raises(NotFoundError):
            jobs.list_jobs(s, world.editor, s.merge(world.b))
        with pytest.raises(PermissionDeniedError):
            jobs.cancel(s, world.viewer, job_id)  # may see it, may not stop it
        with pytest.raises(PermissionDeniedError):
            jobs.submit_statistics_import(
                s, world.viewer, s.merge(world.a), world.upload(b"x"), filename="x.csv", dry_run=False,
                max_bytes=1000,
            )  # fmt: skip
        assert jobs.get(s, system_principal(), b_job.id).municipality_code == CODE_B


def test_jobs_of_no_municipality_are_the_submitters(
    world: World, kinds: Callable[[str, jobs.JobFunction], None]
) -> None:
    kinds("test_noop", lambda *_: {})
    with world.factory() as s:
        own = jobs.submit(s, world.outsider, "test_noop", {}, None)
        s.commit()
        assert jobs.get(s, world.outsider, own.id).municipality_code is None
        with pytest.raises(NotFoundError):
            jobs.get(s, world.editor, own.id)
        assert jobs.get(s, system_principal(), own.id).id == own.id


def test_unknown_kinds_are_refused(world: World) -> None:
    with world.factory() as s, pytest.raises(Exception, match="job kind must be one of"):
        jobs.submit(s, world.editor, "no_such_kind", {}, s.merge(world.a))
