"""Benchmark of the contact import and the conduct check (issue 10), on a database of its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python tests/bench/bench_conduct.py [--contacts 100000] [--check-contacts 2000]

Uses the database `<name of DATABASE_URL>_bench_conduct` (created if missing; the one in
DATABASE_URL is never touched; its contact tables are emptied at the start). Measures:
- importing `--contacts` contacts in batches of 5,000 through the validation and the service
  (what the endpoint does after parsing), and the same batch sent again (all unchanged);
- one batch through the HTTP endpoint in-process (Django test client: parsing, auth, rendering);
- `--runs` checks of a case whose account has `--check-contacts` contacts in its window
  (target: a check < 200 ms), p50 and p95.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import _common  # noqa: E402 - the script's own folder is on sys.path
from _common import Clock, ensure_database  # noqa: E402

BATCH = 5000
CHANNELS = ["call"] * 8 + ["sms", "visit", "letter"]
OUTCOMES = ["answered", "unanswered", "unanswered", "busy", "refused"]
PARTIES = ["debtor"] * 12 + ["guarantor", "spouse", "relative", "employer", "third_party"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000, help="contacts to import (batches of 5,000)")
    parser.add_argument("--check-contacts", type=int, default=2000, help="contacts on the checked account")
    parser.add_argument("--runs", type=int, default=20, help="checks to time")
    parser.add_argument("--no-http", action="store_true", help="skip the in-process HTTP batch")
    parser.add_argument("--time-limit", type=float, default=900, help="give up after this many seconds")
    return parser.parse_args()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def rows(count: int, *, prefix: str, accounts: int, start, span_days: int, rng: random.Random) -> list[dict]:
    """API-shaped contact rows spread over `span_days` from `start`, over `accounts` accounts."""
    out = []
    for i in range(count):
        at = start + timedelta(seconds=rng.randrange(span_days * 86400))
        channel = rng.choice(CHANNELS)
        row = {
            "source_id": f"{prefix}-{i}",
            "account_reference": f"LN-BENCH-{i % accounts:06d}",
            "at": at.isoformat(),
            "channel": channel,
            "direction": "outbound" if rng.random() < 0.9 else "inbound",
            "outcome": rng.choice(OUTCOMES) if channel == "call" else "delivered",
            "party": rng.choice(PARTIES),
            "contacted_number": f"138{rng.randrange(10**8):08d}" if rng.random() < 0.8 else "",
            "collector": f"催收员{rng.randrange(200):03d}",
            "agency": f"资产管理公司{rng.randrange(20):02d}",
        }
        if channel == "visit":
            row["collectors_present"] = rng.choice([1, 2, 2, 3])
        out.append(row)
    return out


def people():
    from django.contrib.auth.models import Group

    from accounts.models import Team, User
    from accounts.roles import Role

    team, _ = Team.objects.get_or_create(code="bench-conduct", defaults={"name": "压测组"})
    client, _ = User.objects.get_or_create(username="bench-collection-system")
    client.groups.add(Group.objects.get(name=Role.API_CLIENT))
    agent, _ = User.objects.get_or_create(username="bench-conduct-agent")
    agent.groups.add(Group.objects.get(name=Role.AGENT))
    agent.teams.add(team)
    return client, agent


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    args = parse_args()
    clock = Clock(args.time_limit)
    url = _common.bench_database_url("bench_conduct")
    ensure_database(url)
    setup_django(url)

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from complaints import services as case_services
    from conduct import services
    from conduct.validation import contact_rows_validate
    from tests.audit_trail import audit_trail_unlocked

    t = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.monotonic() - t:.1f} s")
    with connection.cursor() as cur:
        cur.execute("TRUNCATE conduct_conductbreach, conduct_conductcheck, conduct_collectioncontact")
        with audit_trail_unlocked():  # the timeline is append-only: a benchmark round resets it
            cur.execute("DELETE FROM complaints_caseevent WHERE kind = 'conduct_check'")
    client, agent = people()
    rng = random.Random(10)
    now = timezone.now()

    # -- import ---------------------------------------------------------------------------
    batches = max(1, args.contacts // BATCH)
    size = min(BATCH, args.contacts)
    validate_s = store_s = 0.0
    first = None
    for b in range(batches):
        clock.check(f"batch {b}")
        batch = rows(size, prefix=f"B{b}", accounts=5000, start=now - timedelta(days=60), span_days=59, rng=rng)
        first = first or batch
        t = time.monotonic()
        validated = contact_rows_validate({"contacts": batch})
        validate_s += time.monotonic() - t
        t = time.monotonic()
        result = services.contacts_import(actor=client, rows=validated)
        store_s += time.monotonic() - t
        assert result.created == size, result
    total = batches * size
    print(f"import {total:,} contacts in {batches} batches of {size:,}: "
          f"{total / (validate_s + store_s):,.0f} rows/s "
          f"(validation {validate_s:.1f} s = {total / validate_s:,.0f} rows/s, "
          f"insert {store_s:.1f} s = {total / store_s:,.0f} rows/s)")
    t = time.monotonic()
    again = services.contacts_import(actor=client, rows=contact_rows_validate({"contacts": first}))
    print(f"same batch again: {again.unchanged:,} unchanged in {(time.monotonic() - t) * 1000:.0f} ms")

    if not args.no_http:
        from rest_framework.test import APIClient

        from accounts.tokens import token_issue

        token = token_issue(user=client)
        http = APIClient(SERVER_NAME="localhost")
        http.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        batch = rows(size, prefix="HTTP", accounts=5000, start=now - timedelta(days=60), span_days=59, rng=rng)
        body = json.dumps({"contacts": batch}, ensure_ascii=False).encode()
        t = time.monotonic()
        response = http.post("/api/v1/collection-contacts/", body, content_type="application/json")
        elapsed = time.monotonic() - t
        print(f"HTTP (in-process) one batch of {size:,} ({len(body) / 1024 / 1024:.1f} MB): "
              f"{response.status_code} {response.json()} in {elapsed * 1000:.0f} ms = {size / elapsed:,.0f} rows/s")

    # -- check ----------------------------------------------------------------------------
    clock.check("check")
    for label, account, maker in (
        ("typical (a few breaches)", "LN-BENCH-TYPICAL", typical_rows),
        ("stress (random: about half the contacts break a rule)", "LN-BENCH-STRESS", stress_rows),
    ):
        case = case_services.case_create(actor=agent, data={
            "channel": "phone", "category": "collection_conduct", "summary": "压测：催收频繁",
            "complainant": {"name": "压测", "phone": "13800009999"}, "account_reference": account,
            "received_at": (now - timedelta(days=1)).isoformat(),
        })
        check_rows = maker(args.check_contacts, account=account, now=now, rng=rng)
        for start in range(0, len(check_rows), BATCH):
            chunk = contact_rows_validate({"contacts": check_rows[start:start + BATCH]})
            services.contacts_import(actor=client, rows=chunk)
        timings = []
        check = None
        for _ in range(args.runs):
            t = time.monotonic()
            check = services.conduct_check_record(case=case, actor=agent)
            timings.append((time.monotonic() - t) * 1000)
        print(f"check, {label}: {check.contacts_checked:,} contacts, {len(check.breaches)} breaches: "
              f"p50 {statistics.median(timings):.0f} ms, p95 {pct(timings, 0.95):.0f} ms, "
              f"max {max(timings):.0f} ms over {args.runs} runs (target < 200 ms)")


def typical_rows(count: int, *, account: str, now, rng: random.Random) -> list[dict]:
    """A month of daytime calls and SMS to the debtor's three numbers, and a handful of breaches."""
    out = []
    numbers = [f"139{rng.randrange(10**8):08d}" for _ in range(3)]
    local_now = now.astimezone(ZoneInfo("Asia/Shanghai"))
    for i in range(count):
        day = local_now - timedelta(days=1 + rng.randrange(29))
        at = day.replace(hour=9 + rng.randrange(11), minute=rng.randrange(60), second=0, microsecond=0)
        channel = "call" if rng.random() < 0.85 else "sms"
        out.append({
            "source_id": f"TYP-{i}", "account_reference": account, "at": at.isoformat(), "channel": channel,
            "direction": "outbound", "outcome": rng.choice(["answered", "unanswered"]) if channel == "call"
            else "delivered", "party": "debtor", "contacted_number": rng.choice(numbers),
            "collector": f"催收员{rng.randrange(10):03d}", "agency": "资产管理公司01",
        })
    for i, row in enumerate(out[:5]):
        row["at"] = (local_now - timedelta(days=3 + i)).replace(hour=23, minute=10).isoformat()
    out[5]["party"] = "employer"
    return out


def stress_rows(count: int, *, account: str, now, rng: random.Random) -> list[dict]:
    rows_ = rows(count, prefix="STR", accounts=1, start=now - timedelta(days=30), span_days=30, rng=rng)
    for row in rows_:
        row["account_reference"] = account
    return rows_

if __name__ == "__main__":
    main()
