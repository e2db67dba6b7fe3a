"""Bulk intake: cases per second at batches of 1,000, in process and through HTTP (target ≥ 1,000 cases/s).

    PYTHONPATH=. .venv/bin/python tests/bench/bench_import.py [--batches 5] [--http-batches 6] [--no-http]

Runs on the database `<name of DATABASE_URL>_bench_import` (created and migrated if missing; the
demo playbooks of the data migrations are active, so every case runs the contingency trigger
check after commit) with the test settings.
- in process: `import_batch_validate` + `cases_import` (validation, the set-based store, the
  after-commit signals), timed per phase;
- HTTP: gunicorn with 2 sync workers on loopback (config.wsgi, test settings), the call-center
  API client posting batches of 1,000 from 1 and from 2 client threads.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SETTINGS = "config.settings.test"
BATCH = 1000


def database_url() -> str:
    """DATABASE_URL with `_bench_import` appended to the database name, created if missing."""
    import psycopg2

    parts = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/complaints"))
    if not parts.scheme.startswith("postgres"):
        sys.exit("the benchmark needs PostgreSQL in DATABASE_URL")
    name = parts.path.lstrip("/") + "_bench_import"
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunsplit(parts._replace(path="/" + name))


def callcenter():
    """The call-center API client (and team A, which receives its cases)."""
    from django.contrib.auth.models import Group

    from accounts.models import Team, User
    from accounts.roles import Role

    Team.objects.get_or_create(code="team-a", defaults={"name": "team-a"})
    user, _ = User.objects.get_or_create(username="callcenter")
    user.groups.add(Group.objects.get(name=Role.API_CLIENT))
    return user


def batch(rng: random.Random, tag: str) -> list[dict]:
    """1,000 keyed create payloads: Chinese texts of every category, severities, some risk flags."""
    from complaints.demo_data import COMPLAINTS

    cases = []
    for i in range(BATCH):
        code = rng.choice(list(COMPLAINTS))
        summary, description = rng.choice(COMPLAINTS[code])
        cases.append(
            {
                "idempotency_key": f"{tag}-{i}",
                "channel": "phone",
                "category": code,
                "severity": rng.choice(["low", "normal", "normal", "normal", "high", "critical"]),
                "summary": summary,
                "description": description,
                "complainant": {"name": "张三", "phone": f"13{rng.randrange(10**9):09d}"},
                "account_reference": f"LN-2026-{rng.randrange(10**5):05d}",
                "collection_channel": "phone",
                "risk_flags": rng.choice([[], [], [], ["media_exposure"], ["regulator_referral"]]),
            }
        )
    return cases


def in_process(actor, batches: int, rng: random.Random) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints import signals
    from complaints.api.import_inputs import import_batch_validate
    from complaints.services.imports import cases_import

    run = f"P{time.time_ns()}"
    import_batch_validate({"cases": batch(rng, run + "-warm")[:50]})  # imports, caches
    validate_ms, store_ms, total_ms, cpu_ms, queries = [], [], [], [], []
    original_send = signals.send_now
    signal_ms = [0.0]

    def timed_send(signal, **kwargs):
        started = time.perf_counter()
        original_send(signal, **kwargs)
        signal_ms[0] += (time.perf_counter() - started) * 1000

    signals.send_now = timed_send
    try:
        for n in range(batches):
            body = {"cases": batch(rng, f"{run}-{n}")}
            signal_ms[0] = 0.0
            started, cpu = time.perf_counter(), time.process_time()
            with CaptureQueriesContext(connection) as captured:
                items, refused = import_batch_validate(body)
                validated = time.perf_counter()
                outcomes = cases_import(actor=actor, items=items)
            done = time.perf_counter()
            assert not refused and all(o.status == 201 for o in outcomes), (refused[:1], outcomes[:1])
            validate_ms.append((validated - started) * 1000)
            store_ms.append((done - validated) * 1000 - signal_ms[0])
            total_ms.append((done - started) * 1000)
            cpu_ms.append((time.process_time() - cpu) * 1000)
            queries.append(len(captured.captured_queries))
    finally:
        signals.send_now = original_send
    signal_each = [t - v - s for t, v, s in zip(total_ms, validate_ms, store_ms, strict=True)]
    median_total = statistics.median(total_ms)
    print(f"in process: {batches} batches of {BATCH}")
    print(
        f"  {BATCH / median_total * 1000:,.0f} cases/s (median batch {median_total:.0f} ms, "
        f"CPU of this process {statistics.median(cpu_ms):.0f} ms)"
    )
    print(
        f"  validation {statistics.median(validate_ms):.0f} ms, store {statistics.median(store_ms):.0f} ms, "
        f"after-commit signals (trigger checks, webhooks) {statistics.median(signal_each):.0f} ms"
    )
    print(f"  SQL statements per batch: {statistics.median(queries):.0f}")


def _post_all(
    base: str, headers: dict, bodies: list[bytes], clients: int
) -> tuple[float, list[float], list[str]]:
    """Post every body from `clients` threads; (seconds, latencies in ms, failures)."""
    import requests

    lock, latencies, failures = threading.Lock(), [], []
    queue = list(bodies)

    def worker() -> None:
        session = requests.Session()
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            started = time.perf_counter()
            response = session.post(
                base + "/api/v1/complaints/import/", data=body, headers=headers, timeout=300
            )
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200 or response.json()["stored"] != BATCH:
                    failures.append(response.text[:200])

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, failures


class Gunicorn:
    """gunicorn with 2 sync workers on a free loopback port, in its own process group."""

    def __init__(self, url: str) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        rates = {f"THROTTLE_{scope}_RATE": "1000000/min" for scope in ("USER", "CLIENT", "ANON", "IMPORT")}
        env = {
            **os.environ,
            **rates,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--chdir",
                str(ROOT),
                "--log-level",
                "warning",
                "--timeout",
                "300",
                "config.wsgi:application",
            ],
            env=env,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 120) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit("gunicorn exited during start-up")
            try:
                requests.get(self.base + "/healthz", timeout=10)
                return
            except requests.RequestException:  # not up yet, or slow on a loaded machine
                time.sleep(0.5)
        sys.exit("gunicorn did not answer in time")

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far (Linux /proc)."""
        pids = [self.process.pid]
        try:
            with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as children:
                pids += [int(pid) for pid in children.read().split()]
        except OSError:
            return float("nan")
        total = 0.0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def over_http(url: str, actor, batches: int, rng: random.Random) -> None:
    from accounts.tokens import token_issue

    server = Gunicorn(url)
    try:
        server.wait_ready()
        headers = {"Authorization": f"Token {token_issue(user=actor)}", "Content-Type": "application/json"}
        run = f"H{time.time_ns()}"
        bodies = [
            json.dumps({"cases": batch(rng, f"{run}-{n}")}, ensure_ascii=False).encode()
            for n in range(batches + 2)
        ]
        _post_all(server.base, headers, bodies[-2:], 2)  # warm-up: both workers
        for clients, share in ((1, bodies[: batches // 2]), (2, bodies[batches // 2 : batches])):
            cpu_before = server.cpu_seconds()
            elapsed, latencies, failures = _post_all(server.base, headers, share, clients)
            cpu = server.cpu_seconds() - cpu_before
            print(f"HTTP, {clients} client(s), 2 gunicorn workers: {len(share)} batches of {BATCH}")
            print(
                f"  {len(share) * BATCH / elapsed:,.0f} cases/s, median request {statistics.median(latencies):.0f} ms, "
                f"gunicorn CPU {cpu / (len(share) * BATCH) * 1000:.2f} ms per case"
                + (f", FAILED {len(failures)}: {failures[0]}" if failures else "")
            )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batches", type=int, default=5, help="in-process batches of 1,000")
    parser.add_argument(
        "--http-batches", type=int, default=6, help="HTTP batches (half from 1 client, half from 2)"
    )
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    url = database_url()
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS})
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    actor = callcenter()
    rng = random.Random(12)
    in_process(actor, args.batches, rng)
    if not args.no_http:
        over_http(url, actor, args.http_batches, rng)


if __name__ == "__main__":
    main()
