"""A private Redis for tests that stop the broker (never the machine's Redis), and a way to
point this process's Celery app at it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """`redis-server` on a free port, without persistence; start/stop it at will."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        end = time.monotonic() + 10
        while time.monotonic() < end:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


def _reset_pools(app) -> None:
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def use_broker(settings, url: str):
    """Publish from this process to `url` for the duration (settings and the live app conf)."""
    from config.celery import app

    previous = app.conf.broker_url
    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    _reset_pools(app)
    try:
        yield
    finally:
        app.conf.broker_url = previous
        _reset_pools(app)
