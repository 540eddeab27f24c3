"""Latency of the municipality profile page under 20 concurrent clients (p50/p95).

A live server (`hromada demo`, uvicorn, one process) on loopback with the demo data; 20 client threads,
each logged in with its own session, request the profile page of a demo municipality. Bounded: a fixed
number of requests per client. The reference in the same run is the `/healthz` endpoint (the framework's
floor: same server, no database or template work); the ratio says what the page itself costs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks._http import Client, csrf_of, free_port, wait_for_port

CLIENTS = 20
REQUESTS_PER_CLIENT = 25


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "max_ms": ordered[-1] * 1000}


def _load(port: int, path: str, logged_in: bool) -> tuple[list[float], int]:
    from hromada.services.demo import DEMO_FACILITATOR, DEMO_PASSWORD

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        http = Client(port)
        if logged_in:
            _, page = http.request("GET", "/login")
            http.form(
                "/login", {"email": DEMO_FACILITATOR, "password": DEMO_PASSWORD, "csrf_token": csrf_of(page)}
            )
        for _ in range(REQUESTS_PER_CLIENT):
            start = time.perf_counter()
            try:
                status, _ = http.request("GET", path)
            except OSError:
                status = -1
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def run() -> dict[str, Any]:
    """Measure with one server process and with two (one per core)."""
    one = _run_with(1)
    two = _run_with(2)
    return {"workers_1": one, "workers_2": two}


def _run_with(workers: int) -> dict[str, Any]:
    from hromada.data import load_demo

    data_dir = Path(tempfile.mkdtemp(prefix="hromada-bench-"))
    port = free_port()
    env = {**os.environ, "HROMADA_DATA_DIR": str(data_dir)}
    env.pop("HROMADA_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "hromada.cli", "demo", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        code = load_demo().municipalities["code"].iloc[0]
        _load(port, f"/municipalities/{code}", True)  # warm-up
        page, page_errors = _load(port, f"/municipalities/{code}", True)
        floor, _ = _load(port, "/healthz", False)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result: dict[str, Any] = {
        "clients": CLIENTS,
        "requests": len(page),
        "errors": page_errors,
        "profile_page": _percentiles(page),
        "healthz_floor": _percentiles(floor),
    }
    result["ratio_p50_page_vs_floor"] = result["profile_page"]["p50_ms"] / result["healthz_floor"]["p50_ms"]
    return result


def report(result: dict[str, Any]) -> str:
    return "\n".join(f"{key.replace('_', ' ')}: {_report_one(value)}" for key, value in result.items())


def _report_one(result: dict[str, Any]) -> str:
    page, floor = result["profile_page"], result["healthz_floor"]
    return (
        f"profile page, {result['clients']} concurrent clients, {result['requests']} requests "
        f"({result['errors']} errors): p50 {page['p50_ms']:.0f} ms, p95 {page['p95_ms']:.0f} ms, "
        f"max {page['max_ms']:.0f} ms\n"
        f"  floor (/healthz, same server): p50 {floor['p50_ms']:.1f} ms, p95 {floor['p95_ms']:.1f} ms; "
        f"ratio p50 page/floor = {result['ratio_p50_page_vs_floor']:.1f}x"
    )
