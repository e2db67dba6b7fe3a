"""One intake, in process: CPU time and SQL statements per `POST /api/v1/complaints/`.

    PYTHONPATH=. .venv/bin/python tests/bench/bench_intake.py [--requests 300] [--profile] [--sql]

Runs on the database `<name of DATABASE_URL>_bench_intake` (created and migrated if missing)
with the test settings, through DRF's test client, token authentication and an
`Idempotency-Key` per request (no network, no gunicorn): the figure is the cost of the Django
side of one create. `--profile` prints where that time goes (cProfile, cumulative), `--sql` the
statements of one create. By default the seeded mass-complaint playbook (10 cases of a category in
an hour) is in a spike, so every create also joins its open activation; `--steady` measures with
its threshold out of reach (the trigger check still counts), restoring it afterwards. The floor beside it is a bare DRF view that inserts one row
(`BENCH_FLOOR`, tests/bench/floor), measured the same way. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_database_url, ensure_database  # noqa: E402

PAYLOAD = {
    "channel": "phone", "category": "collection_conduct", "severity": "normal",
    "summary": "催收电话一天十几次", "description": "客户反映催收人员每天拨打十几次电话。",
    "complainant": {"name": "张三", "phone": "13800001234", "id_number": "110101199003071233"},
    "account_reference": "LN-2024-88812", "collection_channel": "phone", "risk_flags": [],
}


def measure(client, path: str, payload: dict, requests: int, *, profile: bool = False) -> dict:
    """CPU ms and SQL statements per POST (after a warm-up), optionally under cProfile."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def post():
        return client.post(path, payload, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)

    for _ in range(20):  # warm-up: imports, caches, connection
        post()
    cpu, queries = [], []
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not wall time
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            if profiler:
                profiler.enable()
            started = time.process_time()
            response = post()
            cpu.append((time.process_time() - started) * 1000)
            if profiler:
                profiler.disable()
        assert response.status_code == 201, response.content
        queries.append(len(captured.captured_queries))
    cpu.sort()
    return {
        "cpu_median": statistics.median(cpu),
        "cpu_p95": cpu[int(len(cpu) * 0.95)],
        "sql": statistics.median(queries),
        "sql_min": min(queries),
        "sql_max": max(queries),
        "profiler": profiler,
        "last_queries": [q["sql"] for q in captured.captured_queries],
    }


@contextmanager
def volume_out_of_reach(enabled: bool):
    """Raise the volume triggers' thresholds for the block (this bench's database only)."""
    if not enabled:
        yield
        return
    from contingency.models import PlaybookVersion
    from contingency.triggers import triggers_forget

    saved = {v.pk: v.trigger for v in PlaybookVersion.objects.filter(trigger__has_key="volume")}
    for pk, trigger in saved.items():
        PlaybookVersion.objects.filter(pk=pk).update(trigger={**trigger, "volume": {**trigger["volume"], "count": 10**9}})
    triggers_forget()
    try:
        yield
    finally:
        for pk, trigger in saved.items():
            PlaybookVersion.objects.filter(pk=pk).update(trigger=trigger)
        triggers_forget()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the creates")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one create")
    parser.add_argument("--no-floor", action="store_true", help="skip the one-row floor")
    parser.add_argument("--steady", action="store_true", help="no volume spike: no activation to join")
    args = parser.parse_args()
    url = bench_database_url("bench_intake")
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["BENCH_FLOOR"] = "true"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {k: "1000000/min" for k in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
    }
    settings.ALLOWED_HOSTS = ["*"]
    from rest_framework.test import APIClient

    from tests.bench._people import api_token, bench_people

    people = bench_people()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(people['callcenter'])}")
    with volume_out_of_reach(args.steady):
        ours = measure(client, "/api/v1/complaints/", PAYLOAD, args.requests, profile=args.profile)
    scenario = "steady: no activation to join" if args.steady else "spike: each case joins the open activation"
    print(f"intake in process: {args.requests} creates (token auth, Idempotency-Key; {scenario})")
    print(f"  CPU per create: median {ours['cpu_median']:.2f} ms, p95 {ours['cpu_p95']:.2f} ms")
    print(f"  SQL statements per create: {ours['sql']:.0f} (min {ours['sql_min']}, max {ours['sql_max']})")
    if not args.no_floor:
        floor = measure(client, "/bench/floor/", {"body": PAYLOAD["summary"]}, args.requests)
        print("floor (bare DRF view, token auth, one INSERT):")
        print(f"  CPU per create: median {floor['cpu_median']:.2f} ms, p95 {floor['cpu_p95']:.2f} ms")
        print(f"  SQL statements per create: {floor['sql']:.0f}")
        print(f"  ours / floor (CPU median): {ours['cpu_median'] / floor['cpu_median']:.1f}x")
    if args.sql:
        print("SQL of one create:")
        for sql in ours["last_queries"]:
            print("  " + sql[:160])
    if ours["profiler"]:
        stats = pstats.Stats(ours["profiler"]).strip_dirs().sort_stats("cumulative")
        stats.print_stats(int(os.environ.get("BENCH_PROFILE_LINES", "60")))


if __name__ == "__main__":
    main()
