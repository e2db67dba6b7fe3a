"""Benchmark of the dashboard, the monthly report and the exports with 1,000,000 cases.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/7 \
        PYTHONPATH=. .venv/bin/python tests/bench/bench_reports.py [--cases 1000000] [--repeats 30]

Uses the database `<name of DATABASE_URL>_bench_reports` (created and migrated if missing; the
one in DATABASE_URL is never touched). The first run loads the cases as bench_api.py does (one
INSERT … SELECT generate_series, one final-answer deadline each), then timeline entries for
the cases of the last 120 days (created plus one transition per stage they passed, hours
apart), satisfaction scores, conduct breaches (a contact and a check per collection-conduct
case, 0–3 breaches each), and rebuilds the summary rows of 90 days; later runs reuse them.
`--database NAME` names the database instead.
It then times, in-process, each dashboard selector and the whole dashboard page (target p95 <
300 ms), the monthly report of last month, the beat task's rebuild of two days, and the peak
Python memory of a 100,000-row CSV and Excel export. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import _common  # noqa: E402 - the script's own folder is on sys.path
import bench_api  # noqa: E402
from _common import Clock, ensure_database  # noqa: E402

TARGET_MS = 300
STAGE_ORDER = ["intake", "verify", "communicate", "resolve", "feedback", "follow_up", "closed"]
TRANSITIONS = ["start_verification", "complete_verification", "propose_resolution", "resolve",
               "record_feedback", "close"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to load")
    parser.add_argument("--repeats", type=int, default=30, help="timed runs per selector")
    parser.add_argument("--export-rows", type=int, default=100_000, help="rows in the export memory test")
    parser.add_argument("--time-limit", type=float, default=1800, help="give up after this many seconds")
    parser.add_argument("--database", default="", help="database name (default: DATABASE_URL's name + _bench_reports)")
    return parser.parse_args()


def load_timeline(days: int = 120) -> int:
    """Timeline entries for the cases received in the last `days` days, in SQL: `created`, then
    one transition per stage the case's state lies beyond, 2–50 hours apart."""
    from django.db import connection

    states = ", ".join(f"'{s}'" for s in STAGE_ORDER)
    transitions = ", ".join(f"'{t}'" for t in TRANSITIONS)
    with connection.cursor() as cur:
        cur.execute(
            f"""
            WITH c AS (
                SELECT id, received_at, state,
                       CASE WHEN state = 'withdrawn' THEN 1
                            ELSE array_position(ARRAY[{states}], state::text) - 1 END AS steps
                FROM complaints_complaintcase WHERE received_at >= now() - interval '{days} days'
            ), e AS (
                SELECT c.id AS case_id, k, c.state, c.received_at
                       + (SELECT coalesce(sum(2 + (hashint4(c.id::int * 8 + j) & 2147483647) %% 48), 0)
                          FROM generate_series(1, k) AS j) * interval '1 hour' AS at
                FROM c, generate_series(0, c.steps) AS k
            )
            INSERT INTO complaints_caseevent (case_id, kind, at, transition, from_state, to_state, summary, data)
            SELECT case_id,
                   CASE WHEN k = 0 THEN 'created' ELSE 'transition' END,
                   least(at, now()),
                   CASE WHEN k = 0 THEN '' WHEN state = 'withdrawn' THEN 'withdraw'
                        ELSE (ARRAY[{transitions}])[k] END,
                   CASE WHEN k = 0 THEN '' ELSE (ARRAY[{states}])[k] END,
                   CASE WHEN k = 0 THEN 'intake' WHEN state = 'withdrawn' THEN 'withdrawn'
                        ELSE (ARRAY[{states}])[k + 1] END,
                   '', '{{}}'::jsonb
            FROM e
            """,
            [],
        )
        inserted = cur.rowcount
        cur.execute(
            "UPDATE complaints_complaintcase SET satisfaction = 1 + (hashint4(id::int) & 2147483647) %% 5, "
            "reopen_count = CASE WHEN (hashint4(id::int + 7) & 2147483647) %% 20 = 0 THEN 1 ELSE 0 END "
            "WHERE resolved_at >= now() - interval '%s days'",
            [days],
        )
        # Some final answers late, so that the on-time rate is not 100 %.
        cur.execute(
            "UPDATE timers_deadline SET met_at = due_at + interval '2 days' "
            "WHERE state = 'met' AND (hashint4(object_id::int) & 2147483647) %% 10 = 0 "
            "AND met_at >= now() - interval '%s days'",
            [days],
        )
        cur.execute("VACUUM ANALYZE complaints_caseevent")
        cur.execute("VACUUM ANALYZE complaints_complaintcase")
        cur.execute("VACUUM ANALYZE timers_deadline")
    return inserted


def load_conduct(client_id: int) -> int:
    """For every collection-conduct case, one contact (encrypted columns as ciphertext of fixed
    values), one current check and 0–3 breaches on it, by 200 collectors of 20 agencies."""
    from django.db import connection

    from common.pii import encrypt

    rules = ["quiet_hours", "daily_unanswered_attempts", "unrelated_third_party", "visit_collectors"]
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO conduct_collectioncontact (client_id, source_id, account_reference, account_index, at, "
            "channel, direction, outcome, party, contacted_number, contacted_number_index, consented_contact, "
            "collector, agency, collectors_present, recording_ref, created_at) "
            "SELECT %s, 'B' || c.id, %s, md5(c.id::text), c.received_at - interval '3 days', 'call', 'outbound', "
            "'answered', 'debtor', %s, '', false, "
            "'催收员' || (hashint4(c.id::int) & 2147483647) %% 200, "
            "'资产管理公司' || (hashint4(c.id::int) & 2147483647) %% 20, NULL, '', now() "
            "FROM complaints_complaintcase c JOIN complaints_category k ON k.id = c.category_id "
            "WHERE k.code = 'collection_conduct'",
            [client_id, encrypt("LN-2024-88812"), encrypt("13800001234")],
        )
        cur.execute(
            "INSERT INTO conduct_conductcheck (case_id, checked_at, window_since, window_until, contacts_checked, "
            "breaches, suggested_finding, actor_id) "
            "SELECT c.id, c.received_at + interval '1 day', c.received_at - interval '30 days', c.received_at, 1, "
            "'[]'::jsonb, 'substantiated', NULL FROM complaints_complaintcase c "
            "JOIN complaints_category k ON k.id = c.category_id WHERE k.code = 'collection_conduct'"
        )
        cur.execute(
            "INSERT INTO conduct_conductbreach (check_run_id, case_id, rule_code, contact_id, collector, agency, at, "
            "is_current) "
            "SELECT ch.id, ch.case_id, (%s::text[])[1 + (r + ch.case_id::int) %% 4], ct.id, ct.collector, ct.agency, "
            "ct.at, true FROM conduct_conductcheck ch "
            "JOIN conduct_collectioncontact ct ON ct.source_id = 'B' || ch.case_id "
            "CROSS JOIN generate_series(1, 3) AS r WHERE r <= (hashint4(ch.case_id::int + 5) & 2147483647) %% 4",
            [rules],
        )
        inserted = cur.rowcount
        for table in ("conduct_collectioncontact", "conduct_conductcheck", "conduct_conductbreach"):
            cur.execute(f"VACUUM ANALYZE {table}")
    return inserted


def timed(fn, repeats: int) -> tuple[float, float, object]:
    result = fn()  # warm caches and the connection
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples), p95, result


def export_memory(user, rows: int, fmt: str) -> tuple[int, float, float]:
    """(rows written, seconds, peak traced MiB) of an export of about `rows` rows: timed once
    plainly, then again under tracemalloc for the peak (tracing slows it several times)."""
    import datetime as dt

    from django.http import QueryDict

    from complaints.models import ComplaintCase
    from complaints.reporting import exports

    newest = ComplaintCase.objects.order_by("-received_at").values_list("received_at", flat=True)[rows - 1]
    params = QueryDict(mutable=True)
    params["received_after"] = newest.astimezone(dt.UTC).isoformat()

    def run() -> int:
        written = -1  # the header
        if fmt == "csv":
            for _chunk in exports.csv_chunks(exports.export_rows(actor=user, params=params)):
                written += 1
        else:
            handle = exports.xlsx_file(exports.export_rows(actor=user, params=params), title="cases")
            written = 0
            while chunk := handle.read(1 << 20):
                written += len(chunk)
            handle.close()
        return written

    t = time.perf_counter()
    written = run()
    elapsed = time.perf_counter() - t
    tracemalloc.start()
    run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return written, elapsed, peak / 2**20


def main() -> None:
    args = parse_args()
    clock = Clock(args.time_limit)
    url = _common.bench_database_url("bench_reports")
    if args.database:
        url = url.rsplit("/", 1)[0] + "/" + args.database
    ensure_database(url)
    bench_api.setup_django(url)

    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from complaints.models import CaseEvent, ComplaintCase, StageTimeDaily
    from complaints.reporting import dashboard, monthly, summaries
    from conduct import reporting as conduct_reporting
    from conduct.models import ConductBreach

    print(f"database: {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    data = bench_api.load_people()
    auditor, _ = User.objects.get_or_create(username="auditor")
    auditor.groups.add(Group.objects.get(name=Role.AUDITOR))
    existing = ComplaintCase.objects.count()
    if existing < args.cases:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE complaints_complaintcase, timers_deadline, complaints_caseevent, "
                        "complaints_stagetimedaily, complaints_finalanswerdaily, common_idempotencyrecord CASCADE")
        t = time.monotonic()
        bench_api.load_cases(args.cases, data)
        print(f"loaded {args.cases:,} cases in {time.monotonic() - t:.1f} s")
    else:
        print(f"reusing {existing:,} cases")
    if not CaseEvent.objects.exists():
        t = time.monotonic()
        events = load_timeline()
        print(f"loaded {events:,} timeline entries (last 120 days) in {time.monotonic() - t:.1f} s")
        StageTimeDaily.objects.all().delete()
    if not ConductBreach.objects.exists():
        t = time.monotonic()
        breaches = load_conduct(data["people"]["callcenter"].pk)
        print(f"loaded {breaches:,} conduct breaches in {time.monotonic() - t:.1f} s")
    if not StageTimeDaily.objects.exists():
        t = time.monotonic()
        call_command("refresh_reports", days=90, verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        print(f"summary rows of 90 days rebuilt in {time.monotonic() - t:.1f} s")
    with connection.cursor() as cur:  # fresh statistics, as autovacuum would give a live database
        for table in ("complaints_stagetimedaily", "complaints_intakehourly", "complaints_opencasecount"):
            cur.execute(f"VACUUM ANALYZE {table}")

    clock.check("timing")
    supervisor = User.objects.get(username="supervisor")
    now, today = timezone.now(), timezone.localdate()
    selectors = {
        "open_breakdown": lambda u: dashboard.open_breakdown(actor=u),
        "at_risk": lambda u: dashboard.at_risk(actor=u, now=now),
        "breached": lambda u: dashboard.breached(actor=u),
        "stage_medians": lambda u: dashboard.stage_medians(actor=u, today=today),
        "satisfaction_and_reopen": lambda u: dashboard.satisfaction_and_reopen(actor=u, now=now),
        "daily_intake": lambda u: dashboard.daily_intake(actor=u, today=today),
        "workload": lambda u: dashboard.workload(actor=u),
        "on_time": lambda u: dashboard.on_time(actor=u, today=today),
        "conduct panel (30 days)": lambda u: conduct_reporting.dashboard_panel_context(actor=u, now=now),
        "dashboard_for (all of them)": lambda u: dashboard.dashboard_for(actor=u, now=now),
    }
    last_month = (today.replace(day=1) - __import__("datetime").timedelta(days=1)).replace(day=1)
    print(f"\n{'selector':34} {'user':10} {'p50 ms':>8} {'p95 ms':>8}")
    worst = 0.0
    for name, fn in selectors.items():
        for user in (supervisor, auditor):
            p50, p95, _ = timed(lambda fn=fn, user=user: fn(user), args.repeats)
            worst = max(worst, p95) if name.startswith("dashboard_for") else worst
            print(f"{name:34} {user.username:10} {p50:8.1f} {p95:8.1f}")
    p50, p95, report = timed(lambda: monthly.monthly_report(actor=supervisor, month=last_month), args.repeats)
    print(f"{'monthly_report ' + last_month.strftime('%Y-%m'):34} {'supervisor':10} {p50:8.1f} {p95:8.1f}"
          f"   ({report['received']:,} cases)")

    last_day = today.replace(day=1) - __import__("datetime").timedelta(days=1)
    p50, p95, tables = timed(lambda: conduct_reporting.report_tables(actor=supervisor, month=last_month,
                                                                    last_day=last_day), args.repeats)
    print(f"{'  of which conduct tables':34} {'supervisor':10} {p50:8.1f} {p95:8.1f}"
          f"   ({sum(row[1] for row in tables[0].rows):,} breaches)")

    figures = dashboard.dashboard_for(actor=supervisor, now=now)
    medians = ", ".join(f"{row['code']} {row['median_seconds'] / 3600:.1f} h" for row in figures["stages"]
                        if row["median_seconds"])
    print(f"figures: {figures['open']['total']:,} open, {figures['at_risk']['count']:,} at risk, "
          f"{figures['breached']['count']:,} breached, on time {figures['on_time']['on_time']:,}/"
          f"{figures['on_time']['answered']:,}; stage medians: {medians}")

    client = Client(HTTP_HOST="localhost")
    client.force_login(supervisor)
    p50, p95, _ = timed(lambda: client.get("/dashboard/"), max(5, args.repeats // 3))
    print(f"{'GET /dashboard/ (in-process)':34} {'supervisor':10} {p50:8.1f} {p95:8.1f}")
    with CaptureQueriesContext(connection) as queries:
        client.get("/dashboard/")
    print(f"queries per dashboard page: {len(queries.captured_queries)}")
    reset_queries()

    clock.check("refresh")
    p50, p95, counts = timed(lambda: summaries.summaries_refresh_recent(days=2), 3)
    print(f"beat rebuild of yesterday and today: p50 {p50:.0f} ms ({counts['stage_rows']} stage rows)")

    clock.check("exports")
    for fmt in ("csv", "xlsx"):
        written, seconds, peak = export_memory(supervisor, args.export_rows, fmt)
        size = f"{written:,} rows" if fmt == "csv" else f"{args.export_rows:,} rows, {written / 2**20:.1f} MiB file"
        print(f"export {fmt} ({size}): {seconds:.1f} s, peak Python memory {peak:.1f} MiB")
    verdict = "meets" if worst < TARGET_MS else "MISSES"
    print(f"\nRESULT dashboard p95 {worst:.0f} ms {verdict} its target (< {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
