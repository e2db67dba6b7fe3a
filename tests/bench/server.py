"""gunicorn on a free loopback port with the production settings, in its own process group."""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.bench._common import ROOT, process_cpu_seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`config.wsgi` with `workers` sync workers; stopped on exit, Ctrl-C or SIGTERM. Another
    project (the django-helpdesk comparison) passes its own Python, application, folder and
    health path."""

    def __init__(self, environment: dict[str, str], *, workers: int, log: Path, python: str = sys.executable,
                 app: str = "config.wsgi:application", chdir: Path = ROOT, health: str = "/healthz") -> None:
        self.port = free_port()
        self.health = health
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log
        self._log_handle = log.open("ab")
        self.process = subprocess.Popen(
            [python, "-m", "gunicorn", app, "--workers", str(workers),
             "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}", "--chdir", str(chdir),
             "--timeout", "300", "--log-level", "warning"],
            env={**os.environ, **environment, "PYTHONPATH": str(chdir)},
            stdout=self._log_handle, stderr=subprocess.STDOUT, start_new_session=True,
        )
        atexit.register(self.stop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _on_signal(self, signum, frame) -> None:
        self.stop()
        sys.exit(128 + signum)

    def wait_ready(self, timeout: float = 180) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited during start-up; see {self.log}")
            try:
                if requests.get(self.base + self.health, timeout=30).status_code < 500 and len(self.workers()) > 0:
                    return
            except requests.RequestException:  # not listening yet, or still importing
                pass
            time.sleep(0.3)
        sys.exit(f"gunicorn did not answer in time; see {self.log}")

    def workers(self) -> list[int]:
        try:
            with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as children:
                return [int(pid) for pid in children.read().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far."""
        return sum(process_cpu_seconds(pid) for pid in [self.process.pid, *self.workers()])

    def peak_rss_mib(self) -> dict[int, float]:
        """VmHWM (peak resident memory since start) of each worker, MiB."""
        peaks = {}
        for pid in self.workers():
            try:
                with open(f"/proc/{pid}/status") as status:
                    for line in status:
                        if line.startswith("VmHWM:"):
                            peaks[pid] = int(line.split()[1]) / 1024
            except OSError:
                continue
        return peaks

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log_handle.close()
