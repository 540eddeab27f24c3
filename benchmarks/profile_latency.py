"""Latency of the municipality profile page under 20 concurrent clients (p50/p95).

A live server (`hromada demo`, uvicorn, one process) on loopback with the demo data; 20 client threads,
each logged in with its own session, request the profile page of a demo municipality. Bounded: a fixed
number of requests per client. The reference in the same run is the `/healthz` endpoint (the framework's
floor: same server, no database or template work); the ratio says what the page itself costs.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

CLIENTS = 20
REQUESTS_PER_CLIENT = 25


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError("server did not start")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "max_ms": ordered[-1] * 1000}


def _load(base: str, path: str, logged_in: bool) -> tuple[list[float], int]:
    import httpx

    from hromada.services.demo import DEMO_FACILITATOR, DEMO_PASSWORD

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            if logged_in:
                token = re.search(r'name="csrf-token" content="([^"]+)"', http.get("/login").text)
                assert token
                http.post(
                    "/login",
                    data={"email": DEMO_FACILITATOR, "password": DEMO_PASSWORD, "csrf_token": token.group(1)},
                )
            for _ in range(REQUESTS_PER_CLIENT):
                start = time.perf_counter()
                response = http.get(path)
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 200:
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
    port = _free_port()
    env = {**os.environ, "HROMADA_DATA_DIR": str(data_dir)}
    env.pop("HROMADA_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "hromada.cli", "demo", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(port)
        base = f"http://127.0.0.1:{port}"
        code = load_demo().municipalities["code"].iloc[0]
        _load(base, f"/municipalities/{code}", True)  # warm-up
        page, page_errors = _load(base, f"/municipalities/{code}", True)
        floor, _ = _load(base, "/healthz", False)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
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
