"""Benchmark of the escalation sweep (timers.sweep with the case handler; targets in the README
"Benchmarks"), on a database of its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/4 \
        .venv/bin/python tests/bench/bench_sweep.py [--cases 1000000] [--due 10000]

Uses the database `<name of DATABASE_URL>_bench_sweep` (created if missing; the one in
DATABASE_URL is never touched) and loads the open cases with INSERT … SELECT generate_series
(about a minute for a million; reused by later runs). Then it measures:
- a sweep with nothing due (target < 10 ms), with every case open and one pending deadline each;
- escalating `--due` breached deadlines to the supervisor (target 10,000 in < 10 s): the step,
  the timeline entry, the case flags, three notifications each and their e-mail deliveries,
  and `case_escalated` to its receivers; once with one sweep process, once with two in
  parallel (what a worker with -c 2 does: a sweep facing a backlog starts a second one).
Notification tasks go to a throw-away queue that is deleted afterwards. Bounded by --time-limit.
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

import _common  # noqa: E402 - the script's own folder is on sys.path
from _common import Clock, ensure_database  # noqa: E402

QUEUE = "bench-sweep"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000, help="open cases to load")
    parser.add_argument("--due", type=int, default=10_000, help="deadlines to escalate")
    parser.add_argument("--empty-runs", type=int, default=50, help="empty sweeps to time")
    parser.add_argument("--time-limit", type=float, default=900, help="give up after this many seconds")
    return parser.parse_args()


def bench_database_url() -> str:
    return _common.bench_database_url("bench_sweep")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["CELERY_QUEUE"] = QUEUE
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def load_people():
    """One team, its agent (the assignee) and two supervisors with e-mail addresses."""
    from django.contrib.auth.models import Group

    from accounts.models import Team, User
    from accounts.roles import Role

    team, _ = Team.objects.get_or_create(code="bench", defaults={"name": "压测组"})
    people = {}
    for username, role, email in (
        ("bench-agent", Role.AGENT, ""),
        ("bench-sup1", Role.SUPERVISOR, "sup1@example.cn"),
        ("bench-sup2", Role.SUPERVISOR, "sup2@example.cn"),
    ):
        user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
        user.groups.add(Group.objects.get(name=role))
        user.teams.add(team)
        people[username] = user
    return team, people


def load_cases(count: int, team, agent) -> None:
    """Insert `count` open cases (state verify) and one pending deadline each, in SQL."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from common.pii import blind_index, encrypt
    from complaints.models import Category, ComplaintCase
    from timers.models import Deadline

    overrides = {
        "reference": "'BENCH' || lpad(g::text, 10, '0')",
        "state": "'verify'",
        "summary": "'催收电话过于频繁 ' || g",
        "received_at": "now() - (g %% 1000) * interval '1 minute'",
        "created_at": "now()",
        "updated_at": "now()",
    }
    params_by_column = {
        "category_id": Category.objects.get(code="collection_conduct").pk,
        "team_id": team.pk,
        "assignee_id": agent.pk,
        "created_by_id": agent.pk,
        "channel": "phone",
        "complainant_name": encrypt("张三"),
        "complainant_phone": encrypt("13800001234"),
        "phone_index": blind_index("13800001234"),
    }
    _common.insert_cases_sql(count, overrides, params_by_column)
    case_table = ComplaintCase._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {Deadline._meta.db_table} (content_type_id, object_id, kind, state, started_at, "
            "due_at, warn_at, next_check_at, breached, escalation_level, created_at) "
            "SELECT %s, id, 'final_answer', 'pending', now(), now() + interval '15 days', "
            "now() + interval '11 days', now() + interval '11 days', false, 0, now() "
            f"FROM {case_table} WHERE reference LIKE 'BENCH%%'",
            [ContentType.objects.get_for_model(ComplaintCase).pk],
        )
        cur.execute(f"ANALYZE {case_table}")
        cur.execute(f"ANALYZE {Deadline._meta.db_table}")


def reset_escalations() -> None:
    """Undo a previous run's escalations so nothing is due (bench database only)."""
    from django.db import connection

    from tests.audit_trail import audit_trail_unlocked

    with connection.cursor() as cur, audit_trail_unlocked():  # the timeline is append-only
        cur.execute("DELETE FROM notifications_delivery")
        cur.execute("DELETE FROM notifications_notification")
        cur.execute("DELETE FROM timers_escalationstep")
        cur.execute("DELETE FROM complaints_caseevent WHERE kind IN ('deadline_warning', 'deadline_breach', 'escalation')")
        cur.execute(
            "UPDATE timers_deadline SET due_at = now() + interval '15 days', "
            "warn_at = now() + interval '11 days', next_check_at = now() + interval '11 days', "
            "escalation_level = 0, breached = false, state = 'pending' "
            "WHERE escalation_level > 0 OR next_check_at IS NULL OR next_check_at <= now() + interval '1 day'"
        )
        cur.execute("UPDATE complaints_complaintcase SET escalation_level = 0, is_breached = false "
                    "WHERE escalation_level > 0 OR is_breached")
        cur.execute("VACUUM ANALYZE timers_deadline")


def make_due(count: int) -> None:
    """Breach `count` deadlines spread over the table (already warned: the supervisor step is due)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE timers_deadline SET due_at = now() - interval '1 minute', "
            "warn_at = now() - interval '2 days', next_check_at = now() - interval '1 minute', "
            "escalation_level = 1 WHERE id IN (SELECT id FROM timers_deadline "
            "ORDER BY md5(id::text) LIMIT %s)",
            [count],
        )
        cur.execute("ANALYZE timers_deadline")


def explain_claim() -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN ANALYZE SELECT id FROM timers_deadline WHERE next_check_at <= now() "
            "AND state = 'pending' ORDER BY next_check_at LIMIT 500 FOR UPDATE SKIP LOCKED"
        )
        return "\n".join("    " + row[0] for row in cur.fetchall())


def purge_queue() -> None:
    import redis
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("redis"):
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(QUEUE)


def sweep_until_done(clock: Clock) -> int:
    from timers.sweep import deadlines_sweep

    fired = 0
    while True:
        result = deadlines_sweep()
        fired += result.fired
        if result.claimed == 0:
            return fired
        clock.check("the end of the due sweep")


def run_sweeps(processes: int, clock: Clock) -> tuple[float, int, float]:
    """Sweep until nothing is due with `processes` sweeps in parallel (as a worker pool of that
    size would run them); returns (seconds, steps fired, seconds spent in signal receivers)."""
    import multiprocessing

    from django.db import connections

    from complaints import escalation

    if processes == 1:
        spent = [0.0]
        send = escalation._send_signals

        def timed(fired):
            t = time.perf_counter()
            send(fired)
            spent[0] += time.perf_counter() - t

        escalation._send_signals = timed
        try:
            t = time.perf_counter()
            fired = sweep_until_done(clock)
            return time.perf_counter() - t, fired, spent[0]
        finally:
            escalation._send_signals = send
    connections.close_all()  # each forked process opens its own connection
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    t = time.perf_counter()
    workers = [ctx.Process(target=_sweep_child, args=(results, clock)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    fired = sum(results.get(timeout=clock.limit) for _ in workers)
    elapsed = time.perf_counter() - t
    for worker in workers:
        worker.join()
    return elapsed, fired, 0.0


def _sweep_child(results, clock: Clock) -> None:
    from django.db import connections

    try:
        results.put(sweep_until_done(clock))
    finally:
        connections.close_all()


def main() -> None:
    args = parse_args()
    clock = Clock(args.time_limit)
    url = bench_database_url()
    ensure_database(url)
    setup_django(url)

    from django.core.management import call_command
    from django.db import connection

    from complaints.models import ComplaintCase
    from notifications.models import Delivery, Notification
    from timers.models import EscalationStep
    from timers.sweep import deadlines_sweep

    print(f"database: {connection.settings_dict['NAME']}, cpus: {os.cpu_count()}")
    t = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.monotonic() - t:.1f} s")
    team, people = load_people()
    open_cases = ComplaintCase.objects.filter(reference__startswith="BENCH").count()
    if open_cases < args.cases:
        clock.check("loading")
        ComplaintCase.objects.filter(reference__startswith="BENCH").exists()  # warm the connection
        with connection.cursor() as cur:
            cur.execute("SET statement_timeout = %s", [int(args.time_limit * 1000)])
        t = time.monotonic()
        with connection.cursor() as cur:
            cur.execute("TRUNCATE complaints_complaintcase, timers_deadline, timers_escalationstep, "
                        "complaints_caseevent, notifications_notification, notifications_delivery CASCADE")
        load_cases(args.cases, team, people["bench-agent"])
        print(f"loaded {args.cases:,} open cases and deadlines in {time.monotonic() - t:.1f} s")
    else:
        print(f"reusing {open_cases:,} open cases")
    clock.check("reset")
    reset_escalations()

    clock.check("empty sweep")
    deadlines_sweep()  # warm up: connection, imports, plan cache
    timings = []
    for _ in range(args.empty_runs):
        t = time.perf_counter()
        result = deadlines_sweep()
        timings.append((time.perf_counter() - t) * 1000)
        assert result.claimed == 0, "something was due in the empty-sweep phase"
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"empty sweep over {ComplaintCase.objects.count():,} open cases: median {statistics.median(timings):.2f} ms, "
          f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms (target < 10 ms)")

    clock.check("due sweep")
    ok = True
    for processes in (1, 2):
        clock.check(f"the due sweep with {processes} process(es)")
        reset_escalations()
        make_due(args.due)
        if processes == 1:
            print("claim query plan with the due rows present:\n" + explain_claim())
        elapsed, fired, receivers = run_sweeps(processes, clock)
        steps = EscalationStep.objects.count()
        print(f"{processes} sweep process(es): escalated {fired:,} due deadlines in {elapsed:.2f} s "
              f"({fired / elapsed:,.0f}/s; target {args.due:,} in < 10 s)"
              + (f", of which {receivers:.2f} s in case_escalated receivers (webhooks)" if receivers else "")
              + f"; steps {steps:,}, notifications {Notification.objects.count():,}, "
              f"e-mail deliveries {Delivery.objects.count():,}, breached cases "
              f"{ComplaintCase.objects.filter(is_breached=True).count():,}")
        ok = ok and fired == args.due and steps == args.due
    purge_queue()
    print("RESULT", "ok" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
