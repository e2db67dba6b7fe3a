"""Worker and beat processes for the escalation tests, each in its own session so a test can
SIGKILL the whole worker (main process and pool children) like a crashed host."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque

from tests.conftest import ROOT, _worker_env


class Process:
    """A child process whose output is drained in the background (a full pipe would block it)."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        self.lines: deque[str] = deque(maxlen=500)
        self._ready = threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            if "ready." in line or "beat: Starting" in line:
                self._ready.set()

    def wait_ready(self, timeout: float = 30) -> Process:
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError("process did not start:\n" + "".join(self.lines))
        return self

    def output(self) -> str:
        return "".join(self.lines)

    def kill(self) -> None:
        """SIGKILL the whole process group: no cleanup, no commit, like a lost machine."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def _env(queue: str, extra: dict[str, str] | None) -> dict[str, str]:
    env = _worker_env(queue)
    env.update(extra or {})
    return env


def start_worker(queue: str, *, extra_env: dict[str, str] | None = None, name: str = "esc") -> Process:
    return Process(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-c", "2",
         "-n", f"{name}-{queue}-{time.monotonic_ns()}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-l", "INFO"],
        _env(queue, extra_env),
    ).wait_ready()


def start_beat(queue: str, *, extra_env: dict[str, str] | None = None) -> Process:
    return Process(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO", "--pidfile=",
         "-S", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1"],
        _env(queue, extra_env),
    ).wait_ready()
