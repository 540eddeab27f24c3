"""A small stdlib HTTP client for the server benchmarks: keep-alive, one session's cookies, CSRF tokens."""

from __future__ import annotations

import http.client
import re
import socket
import time
from urllib.parse import urlencode

__all__ = ["Client", "csrf_of", "free_port", "wait_for_port"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError("server did not start")


class Client:
    """A keep-alive HTTP client with a cookie jar of one session (stdlib only)."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=self.timeout)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def form(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        return self.request(
            "POST", path, urlencode(data).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )


def csrf_of(html: str) -> str:
    """The CSRF token a page carries (the meta tag, else a form field)."""
    found = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)
