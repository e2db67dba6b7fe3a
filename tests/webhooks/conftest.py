"""A real HTTP receiver on 127.0.0.1 (a thread) that answers from a script and records requests."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    """`script` lists the answers in order (an int status, or "hang" to time out); then 200."""

    url: str
    script: list = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_answer(self):
        with self.lock:
            return self.script.pop(0) if self.script else 200


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            answer = receiver.next_answer()
            if answer == "hang":
                time.sleep(3)
                answer = 200
            receiver.requests.append(Received(dict(self.headers.items()), body, answer))
            try:
                self.send_response(answer)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:  # the client gave up (timeout)
                pass

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    recv = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks")
    server.RequestHandlerClass = _handler(recv)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield recv
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session", autouse=True)
def _reference_data_at_start(django_db_setup, django_db_blocker):
    """Roles and categories come from data migrations; a transactional test's flush (here or in
    an earlier session) empties them: put them back, committed, before this folder's tests."""
    from tests.complaints.conftest import restore_migration_data

    with django_db_blocker.unblock():
        restore_migration_data()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request, django_db_blocker):
    """After a transactional test's flush, put the reference data back for the tests that follow.

    Autouse and independent of the database fixtures, so it is set up before them and torn
    down after them, i.e. after the flush.
    """
    yield
    if "transactional_db" in request.fixturenames:
        from tests.complaints.conftest import restore_migration_data

        with django_db_blocker.unblock():
            restore_migration_data()
