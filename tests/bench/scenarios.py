"""The measured scenarios: HTTP against gunicorn (closed loop, bounded by count and time) and
in-process calls: intake through DRF's test client (CPU and SQL per create) and the sweep."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import random
import statistics
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from tests.bench._common import Result, machine_busy_seconds, run_load, timed_calls
from tests.bench.server import Gunicorn

API = "/api/v1/complaints/"
IMPORT_API = "/api/v1/complaints/import/"
# Extra intake endpoints measured like the API's create when they exist (a 404 skips them):
# the bare-DRF "floor" view of issue 12 (one INSERT of `{"body": text}`, mounted when the server's
# environment has BENCH_FLOOR=true), and any listed in BENCH_FLOOR_URL (comma-separated).
EXTRA_INTAKE_URLS = ["/bench/floor/"]


@dataclass
class Bounds:
    seconds: float  # per scenario
    requests: int  # per read scenario
    intake_requests: int  # per intake scenario


def intake_payload(rng: random.Random, texts: list[tuple[str, str, str]]) -> dict:
    code, summary, description = rng.choice(texts)
    return {
        "channel": rng.choice(["phone", "phone", "phone", "web", "email", "walk_in", "letter"]),
        "category": code,
        "severity": rng.choice(["low", "normal", "normal", "normal", "high", "critical"]),
        "summary": summary,
        "description": description,
        "complainant": {"name": rng.choice("王李张刘陈杨") + rng.choice(["伟", "芳", "敏", "静", "强"]),
                        "phone": f"13{rng.randrange(10**9):09d}"},
        "account_reference": f"LN-2026-{rng.randrange(10**5):05d}",
        "collection_channel": "phone",
        "risk_flags": rng.choice([[], [], [], ["media_exposure"], ["regulator_referral"]]),
        "external_id": "BENCH-" + uuid.uuid4().hex,
    }


def _ok(response, *expected: int) -> str | None:
    return None if response.status_code in expected else f"{response.status_code} {response.text[:200]}"


def intake(server: Gunicorn, *, name: str, path: str, token: str, texts, concurrency: int,
           bounds: Bounds, seed: int, floor: bool = False) -> Result:
    """POSTs of one complaint each with an Idempotency-Key; cases/s and CPU per create: the
    gunicorn processes', the client's and the whole machine's (/proc/stat, all processes)."""
    url = server.base + path
    headers = {"Authorization": f"Token {token}"}

    def post(session, i):
        rng = random.Random(seed * 1_000_003 + i)
        payload = intake_payload(rng, texts)
        response = session.post(url, json={"body": payload["summary"]} if floor else payload, timeout=60,
                                headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
        return _ok(response, 200, 201) if floor else _ok(response, 201)

    result = Result("intake", name, concurrency, target="" if floor else "p95<50 ms at c=2; ≤15 ms CPU/create")
    return measure_intake(result, server, post, bounds)


def measure_intake(result: Result, server: Gunicorn, post, bounds: Bounds) -> Result:
    """Run `post(session, i)` in a closed loop and add the CPU per create to `result`."""
    # What the rest of the machine burns meanwhile (a shared machine): cores busy over 3 s with
    # none of our load, subtracted below as an estimate ("net").
    quiet = machine_busy_seconds()
    time.sleep(3)
    background = (machine_busy_seconds() - quiet) / 3
    server_cpu, client_cpu, machine = server.cpu_seconds(), time.process_time(), machine_busy_seconds()
    run_load(result, post, max_requests=bounds.intake_requests, seconds=bounds.seconds)
    created = max(len(result.latencies) - len(result.failures), 1)
    busy = machine_busy_seconds() - machine
    result.extra = {
        "cpu_ms_per_create_machine": round(busy * 1000 / created, 1),
        "background_cores_busy": round(background, 2),
        "cpu_ms_per_create_machine_net": round(max(busy - background * result.elapsed, 0) * 1000 / created, 1),
        "cpu_ms_per_create_gunicorn": round((server.cpu_seconds() - server_cpu) * 1000 / created, 1),
        "cpu_ms_per_create_client": round((time.process_time() - client_cpu) * 1000 / created, 1),
    }
    return result


def endpoint_exists(server: Gunicorn, path: str, token: str) -> bool:
    import requests

    response = requests.post(server.base + path, json={}, headers={"Authorization": f"Token {token}"}, timeout=30)
    return response.status_code not in (404, 405)


def bulk_import(server: Gunicorn, *, token: str, texts, batch: int, concurrency: int, bounds: Bounds,
                seed: int) -> Result:
    """`POST /api/v1/complaints/import/` with `batch` cases a request, each with its own key, from
    `concurrency` clients after one warm-up batch per worker: cases/s, and CPU per case of the
    gunicorn processes and of the whole machine."""
    url = server.base + IMPORT_API
    headers = {"Authorization": f"Token {token}"}

    def post(session, i):
        rng = random.Random(seed * 7_000_003 + i)
        cases = [{**intake_payload(rng, texts), "idempotency_key": uuid.uuid4().hex} for _ in range(batch)]
        response = session.post(url, json={"cases": cases}, headers=headers, timeout=300)
        problem = _ok(response, 200, 201, 207)
        stored = None if problem else response.json().get("stored")
        return problem or (None if stored == batch else f"{stored} of {batch} stored: {response.text[:300]}")

    import requests

    warm = requests.Session()
    for i in range(2):  # both workers: imports and per-process memos outside the figure
        post(warm, -1 - i)
    result = Result("intake", f"bulk import ({batch:,} a request)", concurrency, target="≥1,000 cases/s")
    server_cpu, machine = server.cpu_seconds(), machine_busy_seconds()
    run_load(result, post, max_requests=max(bounds.intake_requests // batch, 3 * concurrency),
             seconds=bounds.seconds)
    created = max((len(result.latencies) - len(result.failures)) * batch, 1)
    result.extra = {"cases_per_second": round(created / result.elapsed, 1) if not result.failures else None,
                    "cpu_ms_per_case_gunicorn": round((server.cpu_seconds() - server_cpu) * 1000 / created, 2),
                    "cpu_ms_per_case_machine": round((machine_busy_seconds() - machine) * 1000 / created, 2)}
    return result


def reads(server: Gunicorn, group: str, name: str, paths: list[str], *, headers: dict, concurrency: int,
          bounds: Bounds, target: str) -> Result:
    """GETs cycling over `paths` (one path, or several cases' pages)."""

    def get(session, i):
        return _ok(session.get(server.base + paths[i % len(paths)], headers=headers, timeout=120), 200)

    import requests

    warm = requests.Session()
    for path in paths[: min(3, bounds.requests // 10)]:  # no warm-up in the tiny runs
        warm.get(server.base + path, headers=headers, timeout=120)
    result = Result(group, name, concurrency, target=target)
    return run_load(result, get, max_requests=bounds.requests, seconds=bounds.seconds)


def list_paths(data: dict) -> list[tuple[str, str, str, dict]]:
    """(name, user, base path, params) of the list API and the queue page."""
    from django.utils import timezone

    now = timezone.localtime()
    # A reference prefix of a month eight months back: its matches lie deep in the newest-first order.
    old_month = f"TS{now - timedelta(days=240):%Y%m}"
    year = f"TS{now:%Y}"
    after = (now - timedelta(days=30)).isoformat()
    out = []
    for base, label in ((API, "API"), ("/cases/", "queue")):
        out += [
            (f"{label} supervisor (all)", "supervisor", base, {}),
            (f"{label} agent (team A)", "agent", base, {}),
            (f"{label} state=verify&severity=high", "supervisor", base, {"state": "verify", "severity": "high"}),
            (f"{label} category&received_after", "agent", base,
             {"category": "collection_conduct", "received_after": after}),
            (f"{label} breached=true", "supervisor", base, {"breached": "true"}),
            (f"{label} q={year}", "supervisor", base, {"q": year}),
            (f"{label} q={old_month} (8 months back)", "supervisor", base, {"q": old_month}),
            (f"{label} q=催收", "supervisor", base, {"q": "催收"}),
        ]
    return [(n, u, b + ("?" + urlencode(p) if p else ""), p) for n, u, b, p in out]


def deep_cursor(server: Gunicorn, token: str, pages: int) -> str:
    """The cursor of page `pages` of the supervisor's list (followed through the API's `next`)."""
    from urllib.parse import parse_qs, urlsplit

    import requests

    session = requests.Session()
    url = server.base + API
    body: dict = {}
    for _ in range(pages - 1):
        body = session.get(url, headers={"Authorization": f"Token {token}"}, timeout=60).json()
        if not body.get("next"):
            break
        url = body["next"]
    query = parse_qs(urlsplit(url).query)
    return query.get("cursor", [""])[0]


def export(server: Gunicorn, *, kind: str, params: dict, cookie: dict, expected_rows: int) -> Result:
    """One export, streamed to /dev/null: time, bytes, and the workers' peak memory before and after."""
    import requests

    before = server.peak_rss_mib()
    result = Result("export", f"{kind} export ({expected_rows:,} rows)", 1, target="streamed: peak flat")
    t = time.perf_counter()
    size = 0
    with requests.get(f"{server.base}/cases/export.{kind}?{urlencode(params)}", cookies=cookie, stream=True,
                      timeout=1800) as response:
        for chunk in response.iter_content(1 << 16):
            size += len(chunk)
        if response.status_code != 200:
            result.failures.append(f"{response.status_code}")
    result.latencies.append((time.perf_counter() - t) * 1000)
    result.elapsed = result.latencies[0] / 1000
    after = server.peak_rss_mib()
    result.extra = {
        "bytes": size,
        "worker_peak_rss_mib_before": round(max(before.values(), default=0), 1),
        "worker_peak_rss_mib_after": round(max(after.values(), default=0), 1),
        "worker_peak_rss_growth_mib": round(max((after[p] - before.get(p, after[p]) for p in after), default=0), 1),
    }
    return result


def contact_import(server: Gunicorn, *, token: str, rows: int, batches: int) -> Result:
    """`rows` collection contacts through the API in `batches` requests, one after another."""
    from tests.bench.loader import POOL

    size = max(rows // batches, 1)
    url = server.base + "/api/v1/collection-contacts/"
    now = time.time()
    channels = ["call"] * 8 + ["sms", "visit", "letter"]

    def post(session, b):
        rng = random.Random(b)
        contacts = []
        for i in range(size):
            channel = rng.choice(channels)
            row = {
                "source_id": f"API-{b}-{i}", "account_reference": f"LN-{2020 + i % 6}-{rng.randrange(POOL):05d}",
                "at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now - rng.randrange(59 * 86400))),
                "channel": channel, "direction": "outbound",
                "outcome": rng.choice(["answered", "unanswered", "busy"]) if channel == "call" else "delivered",
                "party": rng.choice(["debtor"] * 6 + ["guarantor", "relative"]),
                "contacted_number": f"138{rng.randrange(10**8):08d}", "collector": f"催收员{rng.randrange(200):03d}",
                "agency": f"资产管理公司{rng.randrange(20):02d}",
            }
            if channel == "visit":
                row["collectors_present"] = 2
            contacts.append(row)
        response = session.post(url, json={"contacts": contacts}, headers={"Authorization": f"Token {token}"},
                                timeout=600)
        return _ok(response, 200, 201)

    result = Result("conduct", f"contact import ({batches} × {size:,} rows)", 1, target="")
    run_load(result, post, max_requests=batches, seconds=3600)
    done = (len(result.latencies) - len(result.failures)) * size
    result.extra = {"rows_per_second": round(done / result.elapsed, 1) if result.elapsed else None}
    return result


def conduct_check_case(server: Gunicorn, *, tokens: dict, contacts: int) -> int:
    """Through the API: a case received yesterday on an account of its own, and `contacts`
    contacts of that account in its window; returns the case's id."""
    import requests
    from django.utils import timezone

    from tests.bench.loader import CHECK_ACCOUNT, conduct_check_rows

    session = requests.Session()
    response = session.post(server.base + API, headers={"Authorization": f"Token {tokens['agent']}"}, timeout=60, json={
        "channel": "phone", "category": "collection_conduct", "summary": "催收电话过于频繁，夜间也打",
        "complainant": {"name": "王芳", "phone": "13800009999"}, "account_reference": CHECK_ACCOUNT,
        "received_at": (timezone.now() - timedelta(days=1)).isoformat(),
    })
    response.raise_for_status()
    rows = conduct_check_rows(contacts)
    for start in range(0, len(rows), 5000):
        session.post(server.base + "/api/v1/collection-contacts/", json={"contacts": rows[start:start + 5000]},
                     headers={"Authorization": f"Token {tokens['collection']}"}, timeout=600).raise_for_status()
    return response.json()["id"]


def conduct_check(server: Gunicorn, *, token: str, case_id: int, contacts: int, concurrency: int,
                  bounds: Bounds) -> Result:
    url = f"{server.base}/api/v1/complaints/{case_id}/conduct-check/"

    def post(session, i):
        return _ok(session.post(url, json={}, headers={"Authorization": f"Token {token}"}, timeout=120), 200, 201)

    result = Result("conduct", f"conduct check ({contacts:,} contacts)", concurrency, target="<200 ms")
    return run_load(result, post, max_requests=min(bounds.requests, 100), seconds=bounds.seconds)


# -- in-process ------------------------------------------------------------------------------


def intake_in_process(*, name: str, path: str, token: str, texts, requests: int, seed: int,
                      floor: bool = False, profile: bool = False) -> tuple[Result, str]:
    """POSTs through DRF's test client in this process (the production settings, token auth, an
    Idempotency-Key each; no network, no gunicorn): CPU ms and SQL statements per create, the
    Django side of one create. Returns the result and, with `profile`, a cProfile (CPU time,
    cumulative) of as many more creates, and the SQL of the last measured create."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    rng = random.Random(seed)

    def post():
        payload = intake_payload(rng, texts)
        return client.post(path, {"body": payload["summary"]} if floor else payload, format="json",
                           HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)

    for _ in range(min(20, requests)):  # imports, per-process memos, the connection
        post()
    result = Result("intake", name, 1, target="" if floor else "Django side of ≤15 ms machine CPU/create")
    cpu: list[float] = []
    queries: list[int] = []
    t0 = time.perf_counter()
    for _ in range(max(requests, 1)):
        # The log is a deque of 9,000: full, it would count nothing (the test client only
        # resets it between captures).
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            t, c = time.perf_counter(), time.process_time()
            response = post()
            cpu.append((time.process_time() - c) * 1000)
            result.latencies.append((time.perf_counter() - t) * 1000)
        queries.append(len(captured.captured_queries))
        if response.status_code != 201:
            result.failures.append(f"{response.status_code} {response.content[:200]!r}")
    result.elapsed = time.perf_counter() - t0
    last_sql = [q["sql"] for q in captured.captured_queries]
    cpu.sort()
    result.extra = {
        "cpu_ms_per_create": round(statistics.median(cpu), 2),
        "cpu_ms_per_create_p95": round(cpu[int(len(cpu) * 0.95)], 2),
        "sql_per_create": statistics.median(queries),
        "sql_per_create_min": min(queries),
        "sql_per_create_max": max(queries),
    }
    if not profile:
        return result, ""
    # A pass of its own: cProfile's overhead would inflate the figures above two- or threefold.
    profiler = cProfile.Profile(time.process_time)  # CPU, not wall time
    for _ in range(max(requests, 1)):
        profiler.enable()
        post()
        profiler.disable()
    out = io.StringIO()
    lines = int(os.environ.get("BENCH_PROFILE_LINES") or 60)
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(lines)
    sql = "\n".join("  " + q[:200] for q in last_sql)
    return result, (f"profile of {name} ({requests} more creates, CPU time, with cProfile's overhead):\n"
                    f"{out.getvalue()}\nSQL of one create:\n{sql}\n")


def import_in_process(*, actor, texts, batch: int, batches: int, seed: int) -> Result:
    """The bulk import's service in this process, `batches` batches of `batch`: cases/s, and each
    batch's time in validation, the set-based store and the after-commit signals (trigger checks,
    webhooks), its CPU and its SQL statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints import signals
    from complaints.api.import_inputs import import_batch_validate
    from complaints.services.imports import cases_import

    rng = random.Random(seed)

    def body(size: int) -> dict:
        return {"cases": [{**intake_payload(rng, texts), "idempotency_key": uuid.uuid4().hex} for _ in range(size)]}

    items, _ = import_batch_validate(body(min(batch, 50)))  # imports, memos
    cases_import(actor=actor, items=items)
    phases: dict[str, list[float]] = {"validate": [], "store": [], "signals": [], "cpu": [], "sql": []}
    original, in_signals = signals.send_now, [0.0]

    def timed_send(signal, **kwargs):
        t = time.perf_counter()
        original(signal, **kwargs)
        in_signals[0] += (time.perf_counter() - t) * 1000

    result = Result("intake", f"bulk import in process ({batch:,} a batch)", 1, target="≥1,000 cases/s")
    signals.send_now = timed_send  # type: ignore[assignment]  # the after-commit lambda looks it up
    try:
        for _ in range(batches):
            request = body(batch)
            in_signals[0] = 0.0
            t, cpu = time.perf_counter(), time.process_time()
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as captured:
                items, refused = import_batch_validate(request)
                validated = time.perf_counter()
                outcomes = cases_import(actor=actor, items=items)
            done = time.perf_counter()
            stored = sum(o.stored for o in outcomes)
            if refused or stored != batch:
                result.failures.append(f"{stored} of {batch} stored, {len(refused)} refused")
            result.latencies.append((done - t) * 1000)
            phases["validate"].append((validated - t) * 1000)
            phases["signals"].append(in_signals[0])
            phases["store"].append((done - validated) * 1000 - in_signals[0])
            phases["cpu"].append((time.process_time() - cpu) * 1000)
            phases["sql"].append(len(captured.captured_queries))
    finally:
        signals.send_now = original  # type: ignore[assignment]
    result.elapsed = sum(result.latencies) / 1000
    median = {k: statistics.median(v) if v else None for k, v in phases.items()}
    result.extra = {
        "cases_per_second": round(batch * len(result.latencies) / result.elapsed, 1) if result.elapsed else None,
        "validate_ms_per_batch": _round(median["validate"]), "store_ms_per_batch": _round(median["store"]),
        "signals_ms_per_batch": _round(median["signals"]),
        "cpu_ms_per_case": _round(median["cpu"] / batch if median["cpu"] is not None else None, 2),
        "sql_per_batch": median["sql"],
    }
    return result


def _round(value: float | None, digits: int = 0) -> float | None:
    return None if value is None else round(value, digits)


@contextmanager
def volume_out_of_reach():
    """The seeded volume triggers' thresholds out of reach for the block (the bench database's
    playbooks): every create still runs the trigger check, none joins a spike's activation."""
    from contingency.models import PlaybookVersion
    from contingency.triggers import triggers_forget

    saved = {v.pk: v.trigger for v in PlaybookVersion.objects.filter(trigger__has_key="volume")}
    for pk, trigger in saved.items():
        PlaybookVersion.objects.filter(pk=pk).update(trigger={**trigger, "volume": {**trigger["volume"],
                                                                                    "count": 10**9}})
    triggers_forget()
    try:
        yield
    finally:
        for pk, trigger in saved.items():
            PlaybookVersion.objects.filter(pk=pk).update(trigger=trigger)
        triggers_forget()


def sweep_empty(repeats: int) -> Result:
    from timers.sweep import deadlines_sweep

    result = Result("sweep", "sweep, nothing due", 1, target="<10 ms")
    timed_calls(result, deadlines_sweep, repeats=repeats)
    claimed = deadlines_sweep().claimed
    if claimed:
        result.failures.append(f"{claimed} deadlines were due")
    return result


def sweep_due(count: int) -> Result:
    """Breach `count` pending deadlines spread over the table (already warned: the supervisor
    step is due) and sweep until nothing is due: steps, timeline, flags, notifications."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from complaints.models import ComplaintCase
    from timers.models import EscalationStep
    from timers.sweep import deadlines_sweep

    with connection.cursor() as cur:
        cur.execute(
            "UPDATE timers_deadline SET due_at = now() - interval '1 minute', warn_at = now() - interval '2 days', "
            "next_check_at = now() - interval '1 minute', escalation_level = 1 WHERE id IN ("
            "SELECT id FROM timers_deadline WHERE state = 'pending' AND kind = 'final_answer' AND content_type_id = %s "
            "ORDER BY md5(id::text) LIMIT %s)",
            [ContentType.objects.get_for_model(ComplaintCase).pk, count],
        )
        due = cur.rowcount
        cur.execute("ANALYZE timers_deadline")
    steps_before = EscalationStep.objects.count()
    result = Result("sweep", f"sweep, {due:,} due escalated", 1, target="10,000 in <10 s")
    t = time.perf_counter()
    fired = 0
    while True:
        run = deadlines_sweep()
        fired += run.fired
        if run.claimed == 0:
            break
    result.elapsed = time.perf_counter() - t
    result.latencies.append(result.elapsed * 1000)
    steps = EscalationStep.objects.count() - steps_before
    result.extra = {"steps_fired": fired, "per_second": round(due / result.elapsed, 1) if result.elapsed else None}
    if steps < due:
        result.failures.append(f"{steps} steps for {due} due deadlines")
    return result
