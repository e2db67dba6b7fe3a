"""Bulk intake: cases per second at batches of 1,000, in process and through HTTP (target ≥ 1,000 cases/s).

    PYTHONPATH=. .venv/bin/python tests/bench/bench_import.py [--batches 5] [--http-batches 6] [--no-http]

Runs on the database `<name of DATABASE_URL>_bench_import` (created and migrated if missing; the
demo playbooks of the data migrations are active, so every case runs the contingency trigger
check after commit) with the test settings.
- in process: `import_batch_validate` + `cases_import` (validation, the set-based store, the
  after-commit signals), timed per phase;
- HTTP: gunicorn with 2 sync workers on loopback (as bench_api.py starts it), the call-center
  API client posting batches of 1,000 from 1 and from 2 client threads.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_api  # noqa: E402
from _common import bench_database_url, ensure_database  # noqa: E402

BATCH = 1000


def batch(rng: random.Random, tag: str) -> list[dict]:
    """1,000 create payloads with keys, Chinese texts of every category, some repeat callers."""
    cases = []
    for i in range(BATCH):
        payload = bench_api.intake_payload(rng, external=False)
        payload["idempotency_key"] = f"{tag}-{i}"
        cases.append(payload)
    return cases


def in_process(people: dict, batches: int, rng: random.Random) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints import signals
    from complaints.api.import_inputs import import_batch_validate
    from complaints.services.imports import cases_import

    actor = people["callcenter"]
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


def _wait_ready(server, timeout: float = 120) -> None:
    """Like Server.wait_ready, but patient with a loaded machine (a slow answer is not a failure)."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit("gunicorn exited during start-up")
        try:
            requests.get(server.base + "/healthz", timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.5)
    sys.exit("gunicorn did not answer in time")


def over_http(url: str, people: dict, batches: int, rng: random.Random) -> None:
    import json

    from tests.bench._people import api_token

    os.environ["THROTTLE_IMPORT_RATE"] = "1000000/min"
    server = bench_api.Server(url, workers=2, conn_max_age=60)
    _wait_ready(server)
    headers = {
        "Authorization": f"Token {api_token(people['callcenter'])}",
        "Content-Type": "application/json",
    }
    run = f"H{time.time_ns()}"
    bodies = [
        json.dumps({"cases": batch(rng, f"{run}-{n}")}, ensure_ascii=False).encode()
        for n in range(batches + 2)
    ]
    try:
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
        "--http-batches", type=int, default=6, help="HTTP batches of 1,000 (half with 1 client, half with 2)"
    )
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    url = bench_database_url("bench_import")
    ensure_database(url)
    bench_api.setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.bench._people import bench_people

    people = bench_people()
    rng = random.Random(12)
    in_process(people, args.batches, rng)
    if not args.no_http:
        over_http(url, people, args.http_batches, rng)
    bench_api.purge_queue()


if __name__ == "__main__":
    main()
