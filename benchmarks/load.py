"""The workshop under load: 17 and 50 concurrent clients on a real server, with a large import running meanwhile.

A live server (``hromada serve --workers 2``, uvicorn) on loopback, on SQLite and then on PostgreSQL, seeded with
the demo data. Each client logs in as one of the demo accounts with its own session and runs a bounded loop:
a page view (profile, strategy or projects page), an API read (municipalities, statistics or strategy), and
every third round a write (a SWOT item with a unique text, through the web form with its CSRF token). One
extra client uploads a large statistics CSV through the REST API at the same time, and a poller reads
``/healthz`` every 0.2 s throughout.

After the run the database is read directly: every write the client was told succeeded must be stored
(otherwise it is *lost*), and every stored write must have been told succeeded (otherwise it is a *phantom*:
a write the client saw fail or time out that was committed anyway).

Goals (issue "Hold the workshop"): 0 errors and 0 lost or phantom writes at 50 clients, p95 under 1 s on two
workers on a 2-core machine, ``/healthz`` always under 200 ms, also while a 200 MB import runs. The import's
size is ``HROMADA_BENCH_IMPORT_MB`` (default 50; set 200 for the full goal).

Run: ``python -m benchmarks load`` (a few minutes); ``HROMADA_BENCH_CLIENTS=17,50``,
``HROMADA_BENCH_BACKENDS=sqlite,postgresql`` and ``HROMADA_BENCH_IMPORT_MB`` choose the scenarios. The reference in the same run is ``/healthz``, the
framework's floor on the same server.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks._http import Client, csrf_of, free_port, wait_for_port

CLIENT_COUNTS = tuple(int(n) for n in os.environ.get("HROMADA_BENCH_CLIENTS", "17,50").split(","))
ROUNDS = 12
WORKERS = 2
TIMEOUT_S = 30.0
MARKER = "load-bench"


@dataclass
class Tally:
    """What the clients saw, gathered under one lock."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    failed_writes: set[str] = field(default_factory=set)
    health: list[float] = field(default_factory=list)
    health_errors: int = 0
    import_seconds: float | None = None
    import_status: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client_loop(port: int, email: str, password: str, code: str, tally: Tally, index: int) -> None:
    client = Client(port)
    try:
        _, page = client.request("GET", "/login")
        status, _ = client.form("/login", {"email": email, "password": password, "csrf_token": csrf_of(page)})
        if status not in (200, 303):
            raise RuntimeError(f"login answered {status}")
    except Exception as exc:
        with tally.lock:
            tally.errors.append(f"login: {exc}")
        return
    try:
        _, strategy_page = client.request("GET", f"/municipalities/{code}/strategy")
        csrf = csrf_of(strategy_page)
    except Exception as exc:
        with tally.lock:
            tally.errors.append(f"first page: {exc}")
        return
    pages = [
        f"/municipalities/{code}",
        f"/municipalities/{code}/strategy",
        f"/municipalities/{code}/projects",
    ]
    reads = ["/api/v1/municipalities", f"/api/v1/municipalities/{code}/statistics", f"/api/v1/municipalities/{code}/strategy"]  # fmt: skip
    for round_ in range(ROUNDS):
        steps: list[tuple[str, str]] = [("GET", pages[round_ % 3]), ("GET", reads[(round_ + index) % 3])]
        if round_ % 3 == 2:
            steps.append(("WRITE", ""))
        for kind, path in steps:
            start = time.perf_counter()
            text_id = ""
            try:
                if kind == "WRITE":
                    text_id = f"{MARKER} {uuid.uuid4().hex}"
                    status, _ = client.form(
                        f"/municipalities/{code}/strategy/swot",
                        {"quadrant": "strength", "text": text_id, "csrf_token": csrf},
                    )
                    ok = status in (200, 303)
                else:
                    status, _ = client.request("GET", path)
                    ok = status == 200
            except Exception as exc:
                ok, status = False, -1
                with tally.lock:
                    tally.errors.append(f"{kind} {path}: {type(exc).__name__}")
            elapsed = time.perf_counter() - start
            with tally.lock:
                tally.latencies.append(elapsed)
                if not ok and status != -1:
                    tally.errors.append(f"{kind} {path}: HTTP {status}")
                if text_id:
                    (tally.acknowledged if ok else tally.failed_writes).add(text_id)


def _health_loop(port: int, tally: Tally, stop: threading.Event) -> None:
    while not stop.is_set():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        start = time.perf_counter()
        try:
            connection.request("GET", "/healthz")
            ok = connection.getresponse().status == 200
        except (OSError, http.client.HTTPException):
            ok = False
        elapsed = time.perf_counter() - start
        connection.close()
        with tally.lock:
            tally.health.append(elapsed)
            tally.health_errors += 0 if ok else 1
        stop.wait(0.2)


def _statistics_csv(path: Path, megabytes: int) -> None:
    """A long-layout statistics file of about ``megabytes`` MB: employment by division and year (1990-2024)
    for as many (synthetic) comparison regions as it takes, every key once."""
    divisions = [
        f"{d:02d}" for d in range(1, 100) if d not in (4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89, 98)
    ]
    with path.open("w", encoding="utf-8") as out:
        out.write("region_code,year,sector_code,measure,value,source\n")
        written, region = 0, 0
        while written < megabytes * 1_000_000:
            code = f"UA{63120000000000000 + region:017d}"
            for year in range(1990, 2025):
                lines = [
                    f"{code},{year},{d},employment,{(region + year) % 997},load benchmark\n"
                    for d in divisions
                ]
                text = "".join(lines)
                out.write(text)
                written += len(text)
            region += 1


def _import_loop(port: int, token: str, code: str, csv_path: Path, tally: Tally) -> None:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    body = head + csv_path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    try:
        connection.request(
            "POST",
            f"/api/v1/municipalities/{code}/statistics/import",
            body=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        response = connection.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = -1
    with tally.lock:
        tally.import_seconds = time.perf_counter() - start
        tally.import_status = status


def _percentiles(samples: list[float]) -> dict[str, float]:
    if len(samples) < 2:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "max_ms": float("nan")}
    q = statistics.quantiles(sorted(samples), n=100, method="inclusive")
    return {"p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "max_ms": max(samples) * 1000}


def _hromada(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "hromada.cli", *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def _stored_writes(database_url: str) -> set[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT text FROM swot_item WHERE text LIKE :marker"), {"marker": f"{MARKER} %"}
            )
            return {str(row[0]) for row in rows}
    finally:
        engine.dispose()


def _scenario(
    env: dict[str, str], database_url: str, clients: int, import_mb: int, data_dir: Path
) -> dict[str, Any]:
    from hromada.data import load_demo
    from hromada.services.demo import DEMO_FACILITATOR, DEMO_PASSWORD

    demo = load_demo()
    codes = list(demo.municipalities["code"])
    port = free_port()
    log = (data_dir / f"server-{clients}.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "hromada.cli", "serve", "--port", str(port), "--workers", str(WORKERS)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    tally = Tally()
    stop = threading.Event()
    try:
        wait_for_port(port)
        token = _hromada(env, "user", "token", DEMO_FACILITATOR).strip().split()[-1]
        csv_path = data_dir / "big.csv"
        if import_mb and not csv_path.exists():
            _statistics_csv(csv_path, import_mb)
        health = threading.Thread(target=_health_loop, args=(port, tally, stop))
        health.start()
        importer = (
            threading.Thread(target=_import_loop, args=(port, token, codes[0], csv_path, tally))
            if import_mb
            else None
        )
        if importer:
            importer.start()
            time.sleep(1.0)  # the upload is under way before the crowd arrives
        threads = [
            threading.Thread(
                target=_client_loop,
                args=(port, DEMO_FACILITATOR, DEMO_PASSWORD, codes[k % len(codes)], tally, k),
            )
            for k in range(clients)
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
        if importer:
            importer.join()
        stop.set()
        health.join()
    finally:
        stop.set()
        server.terminate()
        try:  # a job in its write phase is interrupted at its next progress call, which can take a while
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    stored = _stored_writes(database_url)
    mine = tally.acknowledged | tally.failed_writes
    return {
        "clients": clients,
        "requests": len(tally.latencies),
        "errors": len(tally.errors),
        "error_examples": sorted(set(tally.errors))[:8],
        "latency": _percentiles(tally.latencies),
        "wall_s": wall,
        "writes_acknowledged": len(tally.acknowledged),
        "writes_lost": len(tally.acknowledged - stored),
        "writes_phantom": len((stored & mine) - tally.acknowledged),
        "healthz": {**_percentiles(tally.health), "errors": tally.health_errors, "polls": len(tally.health)},
        "import_mb": import_mb,
        "import_seconds": tally.import_seconds,
        "import_status": tally.import_status,
    }


def _backend(name: str, import_mb: int) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"hromada-load-{name}-"))
    env = {
        **os.environ,
        "HROMADA_DATA_DIR": str(data_dir),
        "HROMADA_SECRET_KEY": "load-benchmark-" + "k" * 40,
    }
    env.pop("HROMADA_DATABASE_URL", None)
    server = None
    if name == "postgresql":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.pgserver import PostgresServer, pg_bin

        bindir = pg_bin()
        if bindir is None:
            return {"skipped": "PostgreSQL server binaries are not installed"}
        server = PostgresServer(bindir)
        server.start()
        env["HROMADA_DATABASE_URL"] = server.url()
        database_url = server.url()
    else:
        database_url = f"sqlite:///{(data_dir / 'hromada.sqlite3').as_posix()}"
    try:
        _hromada(env, "demo", "--no-serve")
        return {f"clients_{n}": _scenario(env, database_url, n, import_mb, data_dir) for n in CLIENT_COUNTS}
    finally:
        if server is not None:
            server.stop()


def run() -> dict[str, Any]:
    import_mb = int(os.environ.get("HROMADA_BENCH_IMPORT_MB", "50"))
    backends = os.environ.get("HROMADA_BENCH_BACKENDS", "sqlite,postgresql").split(",")
    return {"workers": WORKERS, "rounds": ROUNDS, **{b: _backend(b, import_mb) for b in backends}}


def report(result: dict[str, Any]) -> str:
    lines = [f"{result['workers']} workers, {result['rounds']} rounds per client"]
    for backend in ("sqlite", "postgresql"):
        for s in result.get(backend, {}).values():
            if not isinstance(s, dict):
                lines.append(f"  {backend}: {s}")
                continue
            lines.append(
                f"  {backend:10s} {s['clients']:3d} clients: {s['requests']} requests, {s['errors']} errors, "
                f"p50 {s['latency']['p50_ms']:.0f} ms, p95 {s['latency']['p95_ms']:.0f} ms, "
                f"max {s['latency']['max_ms']:.0f} ms; writes {s['writes_acknowledged']} acknowledged, "
                f"{s['writes_lost']} lost, {s['writes_phantom']} phantom; /healthz p95 "
                f"{s['healthz']['p95_ms']:.0f} ms, max {s['healthz']['max_ms']:.0f} ms, "
                f"{s['healthz']['errors']} failed of {s['healthz']['polls']}; import {s['import_mb']} MB: "
                f"HTTP {s['import_status']} in {s['import_seconds'] or 0:.1f} s; "
                f"ratio p95/healthz-p95 {s['latency']['p95_ms'] / max(s['healthz']['p95_ms'], 1e-9):.1f}"
            )
            if s["error_examples"]:
                lines.append("      e.g. " + "; ".join(s["error_examples"]))
    return "\n".join(lines)


if __name__ == "__main__":
    outcome = run()
    print(json.dumps(outcome, indent=2, default=str))
    print(report(outcome))
