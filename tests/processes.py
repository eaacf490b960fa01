"""A satmon process that serves HTTP, started as an operator would, for the tests
that talk to it over the network."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    condition: Callable[[], Any], timeout_s: float, what: str, every_s: float = 0.5
) -> Any:
    """The first truthy result of `condition`, polled until `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")


class SatmonProcess:
    """`python -m satmon <verb> --port <free port> <args>` with `env` added to the
    environment, its output appended to `log_path`; ready once /health answers."""

    def __init__(
        self,
        verb: str,
        args: Sequence[str],
        env: dict[str, str],
        log_path: Path,
        start_timeout_s: float = 60,
    ) -> None:
        self.verb = verb
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "satmon", verb, "--port", str(self.port), *args],
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.client = httpx.Client(base_url=self.base, timeout=30)
        wait_for(self._healthy, start_timeout_s, f"satmon {verb} to answer /health")

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(
                f"satmon {self.verb} exited with {self.process.returncode}:\n"
                + self.log_path.read_text(errors="replace")[-3000:]
            )
        try:
            return self.client.get("/health").status_code == 200
        except httpx.TransportError:
            return False

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def stop(self, timeout_s: float = 40) -> int:
        """SIGTERM, then the exit code once the process has shut down."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout_s)
        finally:
            self.client.close()
            self.log.close()

    def stop_if_running(self) -> None:
        if self.process.poll() is None:
            self.stop()
        else:
            self.client.close()
            self.log.close()
