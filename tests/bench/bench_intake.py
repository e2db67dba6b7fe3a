"""One intake, in process: CPU time and SQL statements per `POST /api/v1/complaints/`.

    PYTHONPATH=. .venv/bin/python tests/bench/bench_intake.py [--requests 300]

Runs on the database `<name of DATABASE_URL>_bench_intake` (created and migrated if missing)
with the test settings, through DRF's test client and token authentication (no network, no
gunicorn): the figure is the cost of the Django side of one create. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_database_url, ensure_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    url = bench_database_url("bench_intake")
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

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
    payload = {
        "channel": "phone", "category": "collection_conduct", "severity": "normal",
        "summary": "催收电话一天十几次", "description": "客户反映催收人员每天拨打十几次电话。",
        "complainant": {"name": "张三", "phone": "13800001234", "id_number": "110101199003071233"},
        "account_reference": "LN-2024-88812", "collection_channel": "phone", "risk_flags": [],
    }
    cpu, queries = [], []
    for _ in range(20):  # warm-up: imports, caches, connection
        client.post("/api/v1/complaints/", payload, format="json")
    for _ in range(args.requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            response = client.post("/api/v1/complaints/", payload, format="json")
            cpu.append((time.process_time() - started) * 1000)
        assert response.status_code == 201, response.content
        queries.append(len(captured.captured_queries))
    cpu.sort()
    print(f"intake in process: {args.requests} creates")
    print(f"  CPU per create: median {statistics.median(cpu):.2f} ms, p95 {cpu[int(len(cpu) * 0.95)]:.2f} ms")
    print(f"  SQL statements per create: {statistics.median(queries):.0f} (min {min(queries)}, max {max(queries)})")


if __name__ == "__main__":
    main()
