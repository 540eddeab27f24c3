"""Background jobs: long work run outside the request, with its state in the database.

House rule: a run that can take more than a couple of seconds never blocks a page. It runs in the background
with visible progress, its state in the database (so a second worker process sees it), and it can be
cancelled.

How it works
------------
- A **job kind** is a function registered under a name (:func:`register`), called as
  ``function(session_factory, job_id, parameters, progress) -> result``. It does its data changes in one
  transaction of its own and commits it only at the end, through :func:`commit_unless_cancelled`; the result
  is a JSON-safe dict.
- :func:`submit` adds a queued row in the caller's transaction (the caller's service checks the permission
  first, as :func:`submit_statistics_import` does). The job is seen by the workers once that commits.
- A **worker** (:class:`Worker`, a thread started with the web app; or anything that calls :func:`run_one`)
  claims the oldest queued job with :func:`claim_next`: a conditional ``UPDATE … WHERE state = 'queued'``
  whose row count says who won (on PostgreSQL the candidate is picked with ``FOR UPDATE SKIP LOCKED``), so
  several worker processes never run the same job.
- ``progress(fraction, message)`` writes the progress and a heartbeat in a short transaction of its own and
  raises :class:`JobCancelled` once a cancel was requested (:func:`cancel`). The job's open transaction is
  then rolled back: nothing it wrote stays. A separate heartbeat thread keeps ``heartbeat_at`` fresh between
  progress calls.
- A job left ``running`` whose heartbeat is older than ``stale_after`` (its worker process died) is marked
  failed (``worker_lost``) by the next claim; its transaction died with the process, so nothing was written.
- When a worker is stopped (the server shuts down), the job it runs is interrupted at its next progress call
  and queued again, to run after the restart.

On SQLite the database has one writer at a time: while a job writes its data, progress and heartbeats that
cannot get the write lock within a fraction of a second are skipped (the cancel flag is still read), so the
job never waits for itself. ``stale_after`` must be longer than the longest write phase of a job.

Who sees what: a job of a municipality is seen by whoever may read that municipality, and cancelled by whoever
may write there; a job of no municipality by the user who submitted it and by facilitators. Anyone else gets
``NotFoundError``, as for a job that does not exist.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Final, Literal, cast

from pydantic import Field
from sqlalchemy import Connection, CursorResult, Engine, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from hromada.db.base import utcnow
from hromada.db.engine import short_lock_wait
from hromada.db.models import Job, JobState, Municipality
from hromada.errors import (
    AuthenticationError,
    ConfigurationError,
    HromadaError,
    ImportIssue,
    NotFoundError,
    ValidationError,
)
from hromada.services import audit, profile
from hromada.services._json import ServiceModel, json_safe
from hromada.services.access import Principal, load_principal, require

__all__ = [
    "DEFAULT_STALE_AFTER",
    "STATISTICS_IMPORT",
    "JobCancelled",
    "JobError",
    "JobFunction",
    "JobIssue",
    "JobState",
    "JobView",
    "Progress",
    "Worker",
    "cancel",
    "claim_next",
    "commit_unless_cancelled",
    "fail_stale",
    "get",
    "import_issues",
    "import_summary",
    "list_jobs",
    "register",
    "registered_kinds",
    "run_one",
    "submit",
    "submit_statistics_import",
    "unregister",
]

logger = logging.getLogger(__name__)

#: A running job whose heartbeat is older than this is taken for dead (its worker process is gone).
DEFAULT_STALE_AFTER: Final = dt.timedelta(minutes=5)
#: The job kind that imports a statistics file (:func:`submit_statistics_import`).
STATISTICS_IMPORT: Final = "statistics_import"
#: Parameters whose name starts with this are the server's own (a stored file's path): never shown.
PRIVATE_PREFIX: Final = "_"
#: The parameter naming a file the job consumes; it is removed when the job ends.
UPLOAD_KEY: Final = "_upload"

_SQLITE_LOCK_WAIT_MS: Final = 100
_PAUSE_AFTER_LOCKED_S: Final = 5.0
_MESSAGE_LENGTH: Final = 200


class JobCancelled(BaseException):
    """Raised inside a job (by its ``progress`` callable) when a cancel was requested: the job stops and its
    transaction is rolled back.

    It derives from ``BaseException`` so that code which catches every ``Exception`` (a file reader turning
    any failure into an import problem) lets it through.
    """


class _Interrupted(JobCancelled):
    """The worker is stopping: the job is put back in the queue instead of being cancelled."""


# ------------------------------------------------------------------------------------------ typed views


class JobIssue(ServiceModel):
    """One problem of a rejected file (as in an import's error answer)."""

    file: str
    row: int | None = Field(description="Line in the file as a spreadsheet shows it; null: the whole file")
    column: str | None
    expected: str
    got: str


class JobError(ServiceModel):
    """Why a job failed."""

    code: str = Field(
        description="import_invalid (the file was rejected: see issues), worker_lost (the worker stopped "
        "while running it), internal (an unexpected failure, logged on the server), or the code of the "
        "error the job raised (not_found, forbidden, …)"
    )
    message: str
    total: int | None = Field(default=None, description="Number of problems found in a rejected file")
    issues: list[JobIssue] | None = Field(default=None, description="The first problems of a rejected file")


class JobView(ServiceModel):
    """A background job as its submitter sees it: state, progress and outcome."""

    id: int
    kind: str = Field(description="What the job does, e.g. statistics_import")
    municipality_code: str | None = Field(description="KATOTTG code of the municipality it works on")
    state: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: float = Field(ge=0, le=1, description="Share of the work done (0 to 1)")
    message: str = Field(
        description="The current stage as a key (queued, reading, checking, writing, …), for the writing "
        "stage followed by the rows written and the rows to write, e.g. 'writing 50000/210000'"
    )
    parameters: dict[str, Any] = Field(description="What the job works on (e.g. filename, dry_run)")
    result: dict[str, Any] | None = Field(
        description="The outcome of a done job (for an import: the import summary)"
    )
    error: JobError | None = Field(description="Why a failed job failed")
    cancel_requested: bool
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    heartbeat_at: dt.datetime | None = Field(description="When the worker last said it was alive")

    @property
    def finished(self) -> bool:
        """Whether the job has ended (done, failed or cancelled)."""
        return self.state in ("done", "failed", "cancelled")


def _view(session: Session, job: Job) -> JobView:
    code = None
    if job.municipality_id is not None:
        code = session.scalar(select(Municipality.code).where(Municipality.id == job.municipality_id))
    return JobView(
        id=job.id,
        kind=job.kind,
        municipality_code=code,
        state=job.state.value,
        progress=job.progress,
        message=job.message,
        parameters={k: v for k, v in job.parameters.items() if not k.startswith(PRIVATE_PREFIX)},
        result=job.result,
        error=JobError.model_validate(job.error) if job.error else None,
        cancel_requested=job.cancel_requested,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        heartbeat_at=job.heartbeat_at,
    )


# --------------------------------------------------------------------------------------------- registry


class Progress:
    """The ``progress(fraction, message)`` callable a job function gets.

    Each call writes the progress (clipped to 0..1) and a heartbeat in a short transaction of its own, then
    raises :class:`JobCancelled` if a cancel was requested. Call it at most a few times a second. On SQLite,
    when the write lock is taken (by the job's own data transaction, most likely), writes pause for a few
    seconds; the cancel flag is still read at every call.
    """

    def __init__(
        self, engine: Engine, job_id: int, worker_id: str, stopping: threading.Event | None = None
    ) -> None:
        self.engine = engine
        self.job_id = job_id
        self.worker_id = worker_id
        self.stopping = stopping
        self._paused_until = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        values = {"progress": fraction, "message": message[:_MESSAGE_LENGTH], "heartbeat_at": utcnow()}
        write = time.monotonic() >= self._paused_until
        cancel_requested, written = _write_job(
            self.engine, self.job_id, self.worker_id, values if write else None
        )
        if write and not written:
            self._paused_until = time.monotonic() + _PAUSE_AFTER_LOCKED_S
        if cancel_requested:
            raise JobCancelled(f"job {self.job_id} was cancelled")
        if self.stopping is not None and self.stopping.is_set():
            raise _Interrupted(f"job {self.job_id} was interrupted: the worker is stopping")


#: A job kind: ``(session_factory, job_id, parameters, progress) -> result``.
JobFunction = Callable[[sessionmaker[Session], int, dict[str, Any], Progress], dict[str, Any]]

_REGISTRY: dict[str, JobFunction] = {}
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def register(kind: str, function: JobFunction, *, replace: bool = False) -> None:
    """Register the function that runs jobs of ``kind`` (lowercase letters, digits and ``_``)."""
    if not _KIND.match(kind):
        raise ValidationError(f"A job kind must be lowercase letters, digits and _; got {kind!r}")
    if kind in _REGISTRY and not replace and _REGISTRY[kind] is not function:
        raise ConfigurationError(f"The job kind {kind!r} is already registered")
    _REGISTRY[kind] = function


def unregister(kind: str) -> None:
    """Forget a job kind (tests register their own)."""
    _REGISTRY.pop(kind, None)


def registered_kinds() -> list[str]:
    return sorted(_REGISTRY)


# ------------------------------------------------------------------------------------ submit, see, cancel


def submit(
    session: Session,
    principal: Principal,
    kind: str,
    parameters: Mapping[str, Any],
    municipality: Municipality | None,
) -> JobView:
    """Queue a job in the caller's transaction; it runs once that commits.

    The permission is checked by the caller's service (it knows what the job will do). Parameters whose name
    starts with ``_`` are the server's own (a stored file's path) and never shown.
    """
    if kind not in _REGISTRY:
        raise ValidationError(f"job kind must be one of {', '.join(registered_kinds())}; got {kind!r}")
    stored = json_safe(dict(parameters))
    if principal.user_id is None:
        if not principal.is_facilitator:
            raise AuthenticationError("A job needs a signed-in user or the operator.")
        stored["_operator"] = True  # runs as the operator at the command line, not as a deleted user
    job = Job(
        kind=kind,
        municipality_id=municipality.id if municipality is not None else None,
        user_id=principal.user_id,
        state=JobState.QUEUED,
        progress=0.0,
        message="queued",
        parameters=stored,
        cancel_requested=False,
    )
    session.add(job)
    session.flush()
    audit.record(
        session,
        principal,
        "job.submit",
        "job",
        entity_id=job.id,
        municipality_id=job.municipality_id,
        details={"kind": kind, **{k: v for k, v in stored.items() if not k.startswith(PRIVATE_PREFIX)}},
    )
    return _view(session, job)


def _visible(principal: Principal, job: Job) -> bool:
    if job.municipality_id is not None:
        return principal.can("read", job.municipality_id)
    return principal.is_facilitator or (principal.user_id is not None and principal.user_id == job.user_id)


def _load(
    session: Session, principal: Principal, job_id: int, municipality: Municipality | None = None
) -> Job:
    job = session.get(Job, job_id)
    if (
        job is None
        or not _visible(principal, job)
        or (municipality is not None and job.municipality_id != municipality.id)
    ):
        raise NotFoundError("No such job in your workspace.")
    return job


def get(
    session: Session, principal: Principal, job_id: int, *, municipality: Municipality | None = None
) -> JobView:
    """One job, if the caller may see it (and, with ``municipality``, if it is that municipality's)."""
    job = _load(session, principal, job_id, municipality)
    session.refresh(job)  # a worker may have changed it since it was loaded in this session
    return _view(session, job)


def list_jobs(
    session: Session, principal: Principal, municipality: Municipality, *, limit: int = 50
) -> list[JobView]:
    """The municipality's jobs, newest first (readers of the municipality)."""
    require(principal, "read", municipality.id)
    jobs = session.scalars(
        select(Job).where(Job.municipality_id == municipality.id).order_by(Job.id.desc()).limit(limit)
    )
    return [_view(session, job) for job in jobs]


def _rowcount(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount)


def cancel(
    session: Session, principal: Principal, job_id: int, *, municipality: Municipality | None = None
) -> JobView:
    """Cancel a job: a queued one at once, a running one at its next progress call (its work is rolled back).

    Cancelling a finished job changes nothing. Needs the right to write in the job's municipality.
    """
    job = _load(session, principal, job_id, municipality)
    if job.municipality_id is not None:
        require(principal, "write", job.municipality_id)
    active = (JobState.QUEUED, JobState.RUNNING)
    flagged = session.execute(
        update(Job).where(Job.id == job_id, Job.state.in_(active)).values(cancel_requested=True)
    )
    dropped = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.QUEUED)
        .values(state=JobState.CANCELLED, finished_at=utcnow())
    )
    session.refresh(job)
    if _rowcount(flagged):
        audit.record(
            session, principal, "job.cancel", "job", entity_id=job_id, municipality_id=job.municipality_id
        )
    if _rowcount(dropped):
        _remove_files(job.parameters)
    return _view(session, job)


# ---------------------------------------------------------------------------------------------- workers


def default_worker_id() -> str:
    """``host:pid:random``: unique per worker, and says where a job ran."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _engine(session_factory: sessionmaker[Session]) -> Engine:
    bind = session_factory.kw.get("bind")
    if isinstance(bind, Engine):
        return bind
    if isinstance(bind, Connection):
        return bind.engine
    raise ConfigurationError("The job worker needs a session factory bound to an engine.")


def _short_lock_wait(connection: Connection) -> AbstractContextManager[None]:
    """On SQLite, wait at most a moment for the write lock (a job may hold it while it writes its data)."""
    return short_lock_wait(connection, _SQLITE_LOCK_WAIT_MS)


def _write_job(
    engine: Engine, job_id: int, worker_id: str, values: dict[str, Any] | None
) -> tuple[bool, bool]:
    """Read whether a cancel was requested and write ``values`` (progress, heartbeat) to a running job.

    Returns (cancel requested, values written). A write that cannot get SQLite's write lock at once is
    skipped: the job itself may be holding it.
    """
    with engine.connect() as connection, _short_lock_wait(connection):
        cancel_requested = bool(
            connection.execute(select(Job.cancel_requested).where(Job.id == job_id)).scalar()
        )
        if values is None:
            return cancel_requested, False
        try:
            connection.execute(
                update(Job)
                .where(Job.id == job_id, Job.worker == worker_id, Job.state == JobState.RUNNING)
                .values(**values)
            )
            connection.commit()
        except OperationalError as exc:
            connection.rollback()
            logger.debug("job %s: progress not written (%s)", job_id, exc.orig)
            return cancel_requested, False
    return cancel_requested, True


def commit_unless_cancelled(session: Session, job_id: int) -> None:
    """Commit the job's transaction, unless a cancel was requested: then roll back by raising JobCancelled.

    The job row is locked first (PostgreSQL; on SQLite the job's transaction already holds the write lock),
    so a cancel cannot slip in between the check and the commit.
    """
    requested = session.scalar(select(Job.cancel_requested).where(Job.id == job_id).with_for_update())
    if requested:
        raise JobCancelled(f"job {job_id} was cancelled")
    session.commit()


def _remove_files(parameters: Mapping[str, Any]) -> None:
    name = parameters.get(UPLOAD_KEY)
    if not isinstance(name, str):
        return
    path = Path(name)
    if path.parent.name == "uploads":  # only files the server stored for a job
        path.unlink(missing_ok=True)


def fail_stale(
    session_factory: sessionmaker[Session], stale_after: dt.timedelta = DEFAULT_STALE_AFTER
) -> list[int]:
    """Mark failed the running jobs whose heartbeat is older than ``stale_after`` (their worker died)."""
    cutoff = utcnow() - stale_after
    stale = (
        Job.state == JobState.RUNNING,
        or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff),
    )
    failed: list[tuple[int, dict[str, Any]]] = []
    with session_factory() as session:
        for job_id, parameters in session.execute(select(Job.id, Job.parameters).where(*stale)).all():
            done = session.execute(
                update(Job)
                .where(Job.id == job_id, *stale)
                .values(
                    state=JobState.FAILED,
                    finished_at=utcnow(),
                    error={
                        "code": "worker_lost",
                        "message": "The worker running this job stopped answering; nothing was written.",
                    },
                )
            )
            if _rowcount(done):
                failed.append((job_id, parameters))
        session.commit()
    for job_id, parameters in failed:
        logger.warning("job %s failed: its worker stopped sending heartbeats", job_id)
        _remove_files(parameters)
    return [job_id for job_id, _ in failed]


def claim_next(
    session_factory: sessionmaker[Session],
    worker_id: str,
    *,
    stale_after: dt.timedelta = DEFAULT_STALE_AFTER,
) -> int | None:
    """Take the oldest queued job for ``worker_id``; return its id, or None when there is none.

    First fails the jobs of dead workers (:func:`fail_stale`). The claim is one conditional update
    (``… WHERE id = :candidate AND state = 'queued'``): of several workers after the same job exactly one
    changes the row; the others see a row count of 0 and try the next candidate. On PostgreSQL the candidate
    is selected ``FOR UPDATE SKIP LOCKED``, so concurrent workers take different jobs at once.
    """
    fail_stale(session_factory, stale_after)
    for _attempt in range(20):
        with session_factory() as session:
            query = select(Job.id).where(Job.state == JobState.QUEUED).order_by(Job.id).limit(1)
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            job_id = session.scalar(query)
            if job_id is None:
                return None
            now = utcnow()
            claimed = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.state == JobState.QUEUED)
                .values(
                    state=JobState.RUNNING,
                    worker=worker_id,
                    started_at=now,
                    heartbeat_at=now,
                    progress=0.0,
                    message="started",
                )
            )
            session.commit()
            if _rowcount(claimed) == 1:
                return int(job_id)
    return None


def _finish(engine: Engine, job_id: int, worker_id: str, values: dict[str, Any]) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(Job)
            .where(Job.id == job_id, Job.worker == worker_id)
            .values(finished_at=utcnow(), heartbeat_at=utcnow(), **values)
        )


def _requeue(engine: Engine, job_id: int, worker_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(Job)
            .where(Job.id == job_id, Job.worker == worker_id, Job.state == JobState.RUNNING)
            .values(
                state=JobState.QUEUED,
                worker=None,
                started_at=None,
                heartbeat_at=None,
                progress=0.0,
                message="queued",
            )
        )


class _Heartbeat:
    """Keeps a running job's ``heartbeat_at`` fresh between progress calls."""

    def __init__(self, engine: Engine, job_id: int, worker_id: str, interval: float) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, args=(engine, job_id, worker_id, interval), name=f"job-{job_id}-heartbeat"
        )
        self._thread.daemon = True

    def _beat(self, engine: Engine, job_id: int, worker_id: str, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                _write_job(engine, job_id, worker_id, {"heartbeat_at": utcnow()})
            except Exception:  # the database may be briefly away; the next beat tries again
                logger.warning("job %s: heartbeat not written", job_id, exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _run(
    session_factory: sessionmaker[Session],
    job_id: int,
    worker_id: str,
    *,
    stopping: threading.Event | None,
    heartbeat_s: float,
) -> None:
    engine = _engine(session_factory)
    with session_factory() as session:
        job = session.get(Job, job_id)
        if job is None:  # pragma: no cover - deleted with its municipality meanwhile
            return
        kind, parameters, cancel_requested = job.kind, dict(job.parameters), job.cancel_requested
    function = _REGISTRY.get(kind)
    requeued = False
    try:
        if cancel_requested:
            _finish(engine, job_id, worker_id, {"state": JobState.CANCELLED})
            return
        if function is None:
            error = {"code": "unknown_kind", "message": f"No worker knows the job kind {kind!r}."}
            _finish(engine, job_id, worker_id, {"state": JobState.FAILED, "error": error})
            return
        progress = Progress(engine, job_id, worker_id, stopping)
        try:
            with _Heartbeat(engine, job_id, worker_id, heartbeat_s):
                result = function(session_factory, job_id, dict(parameters), progress)
        except _Interrupted:
            logger.info("job %s interrupted by the worker's shutdown; queued again", job_id)
            _requeue(engine, job_id, worker_id)
            requeued = True
        except JobCancelled:
            logger.info("job %s cancelled", job_id)
            _finish(engine, job_id, worker_id, {"state": JobState.CANCELLED})
        except HromadaError as exc:
            _finish(engine, job_id, worker_id, {"state": JobState.FAILED, "error": json_safe(exc.to_dict())})
        except Exception:
            logger.exception("job %s (%s) failed", job_id, kind)
            error = {"code": "internal", "message": "The job failed unexpectedly; nothing was written."}
            _finish(engine, job_id, worker_id, {"state": JobState.FAILED, "error": error})
        else:
            values = {"state": JobState.DONE, "result": json_safe(result), "progress": 1.0, "message": "done"}
            _finish(engine, job_id, worker_id, values)
    finally:
        if not requeued:
            _remove_files(parameters)


def run_one(
    session_factory: sessionmaker[Session],
    worker_id: str | None = None,
    *,
    stale_after: dt.timedelta = DEFAULT_STALE_AFTER,
    stopping: threading.Event | None = None,
    heartbeat_s: float | None = None,
) -> int | None:
    """Claim the oldest queued job and run it to its end; return its id, or None when the queue was empty."""
    worker_id = worker_id or default_worker_id()
    job_id = claim_next(session_factory, worker_id, stale_after=stale_after)
    if job_id is None:
        return None
    interval = (
        heartbeat_s if heartbeat_s is not None else min(30.0, max(0.5, stale_after.total_seconds() / 10))
    )
    _run(session_factory, job_id, worker_id, stopping=stopping, heartbeat_s=interval)
    return job_id


class Worker:
    """A daemon thread that runs queued jobs one after another, polling the queue every ``poll_s`` seconds.

    :meth:`stop` ends it; a job it is running is interrupted at its next progress call and queued again.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        worker_id: str | None = None,
        poll_s: float = 0.5,
        stale_after: dt.timedelta = DEFAULT_STALE_AFTER,
    ) -> None:
        self.session_factory = session_factory
        self.worker_id = worker_id or default_worker_id()
        self.poll_s = poll_s
        self.stale_after = stale_after
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.alive:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name=f"hromada-jobs-{self.worker_id}", daemon=True)
        self._thread.start()
        logger.info("job worker %s started", self.worker_id)

    def request_stop(self) -> None:
        """Stop polling; a running job is interrupted at its next progress call (see :meth:`stop`)."""
        self._stopping.set()

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop polling and wait up to ``timeout`` seconds for the current job; return whether it ended."""
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout)
        stopped = not self.alive
        if not stopped:
            logger.warning("job worker %s still busy after %.0f s; leaving it", self.worker_id, timeout)
        return stopped

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                job_id = run_one(
                    self.session_factory,
                    self.worker_id,
                    stale_after=self.stale_after,
                    stopping=self._stopping,
                )
            except Exception:  # the database may be briefly away: wait and try again
                logger.exception("job worker %s: claiming or finishing a job failed", self.worker_id)
                self._stopping.wait(self.poll_s * 10)
                continue
            if job_id is None:
                self._stopping.wait(self.poll_s)


# ------------------------------------------------------------------------------------ statistics import

_READ_SHARE: Final = 0.5
_WRITE_FROM: Final = 0.6


def submit_statistics_import(
    session: Session,
    principal: Principal,
    municipality: Municipality,
    upload: Path,
    *,
    filename: str,
    dry_run: bool,
    max_bytes: int,
) -> JobView:
    """Queue the import of a stored statistics file (editors and admins of the municipality).

    ``upload`` is a file the server stored under its data directory (``uploads/<random name>``); the job
    removes it when it ends. ``filename`` is the client's name of the file: a label, never a path.
    """
    require(principal, "write", municipality.id)
    parameters = {
        "filename": filename,
        "dry_run": dry_run,
        "size": upload.stat().st_size,
        UPLOAD_KEY: str(upload.resolve()),
        "_max_bytes": max_bytes,
    }
    return submit(session, principal, STATISTICS_IMPORT, parameters, municipality)


def _job_principal(session: Session, job: Job) -> Principal:
    """The submitter, as they are now (a deactivated user's job fails; changed roles apply)."""
    if job.user_id is not None:
        return load_principal(session, job.user_id)
    if job.parameters.get("_operator"):
        return Principal(user_id=None, email="cli", is_facilitator=True)
    raise AuthenticationError("The user who started this job no longer exists.")


def _statistics_import(
    session_factory: sessionmaker[Session], job_id: int, parameters: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    with session_factory() as session:
        job = session.get(Job, job_id)
        if job is None or job.municipality_id is None:  # pragma: no cover - cascaded away meanwhile
            raise NotFoundError("No such municipality in your workspace.")
        principal = _job_principal(session, job)
        municipality = session.get(Municipality, job.municipality_id)
        if municipality is None:  # pragma: no cover - a foreign key with ON DELETE CASCADE
            raise NotFoundError("No such municipality in your workspace.")
    # The lookup session is closed (its objects stay loaded): no transaction stays open while the file is
    # read, so on SQLite the import's first write starts from a fresh snapshot.
    progress(0.0, "reading")

    def hook(stage: str, done: int, total: int) -> None:
        share = done / total if total > 0 else 1.0
        if stage == "read":
            if done >= total:
                progress(_READ_SHARE, "checking")
            else:
                progress(_READ_SHARE * share, "reading")
        else:
            progress(_WRITE_FROM + (1 - _WRITE_FROM) * share, f"writing {done}/{total}")

    with session_factory() as session:
        summary = profile.import_statistics(
            session,
            principal,
            municipality,
            Path(parameters[UPLOAD_KEY]),
            filename=str(parameters["filename"]),
            dry_run=bool(parameters["dry_run"]),
            progress=hook,
            max_bytes=int(parameters["_max_bytes"]),
        )
        commit_unless_cancelled(session, job_id)
    return summary.to_dict()


register(STATISTICS_IMPORT, _statistics_import)


def import_summary(job: JobView) -> profile.ImportSummary | None:
    """The import summary of a done statistics import (None for anything else)."""
    if job.kind != STATISTICS_IMPORT or job.state != "done" or job.result is None:
        return None
    result = dict(job.result)
    for key in ("measures", "years", "ignored_columns"):
        result[key] = tuple(result.get(key) or ())
    return profile.ImportSummary(**result)


def import_issues(error: JobError) -> list[ImportIssue]:
    """The problems of a rejected file, as the reader reported them."""
    return [ImportIssue(**issue.model_dump()) for issue in error.issues or []]
