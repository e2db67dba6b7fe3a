"""Benchmark of the REST API (targets in the README "Benchmarks") with 1,000,000 cases, on a database of its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/7 \
        PYTHONPATH=. .venv/bin/python tests/bench/bench_api.py [--cases 1000000] [--time-limit 900]

Uses the database `<name of DATABASE_URL>_bench_api` (created and migrated if missing; the one in
DATABASE_URL is never touched). The first run loads the cases with one INSERT … SELECT
generate_series (teams A/B, every state, category, severity, some risk flags and breaches,
received over two years, Chinese texts from complaints.demo_data, one deadline each); later runs
reuse them. It starts gunicorn (config.settings.test, throttles raised) on a free loopback port
and measures, from client threads:
- intake: POST /api/v1/complaints/ as the call-center API client and as an agent
  (target ≥ 300 cases/s, p95 < 50 ms);
- list: GET /api/v1/complaints/ with each filter, ordering and a deep cursor page, as supervisor
  and agent (target p95 < 100 ms);
then counts queries per list request in-process (constant in rows shown) and prints EXPLAIN
(ANALYZE, BUFFERS) of the two slowest list queries. Figures are printed, never asserted.
Celery tasks sent by the server go to a throw-away queue that is deleted afterwards.
"""

from __future__ import annotations

import argparse
import atexit
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import _common  # noqa: E402 - the script's own folder is on sys.path
from _common import Clock, ensure_database  # noqa: E402

QUEUE = "bench-api"
SETTINGS = "config.settings.test"
API = "/api/v1/complaints/"
NO_MATCH = "无此关键词XYZ"
TEAM_CODES = ("team-a", "team-b")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to load")
    parser.add_argument("--time-limit", type=float, default=900, help="give up after this many seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=2, help="client threads for intake")
    parser.add_argument("--intake-seconds", type=float, default=20, help="per intake scenario")
    parser.add_argument("--intake-requests", type=int, default=6000, help="per intake scenario")
    parser.add_argument("--list-clients", type=int, default=2, help="client threads for list scenarios")
    parser.add_argument("--list-requests", type=int, default=200, help="per list scenario")
    parser.add_argument("--only", choices=["intake", "list"], help="run one group of scenarios")
    parser.add_argument("--conn-max-age", type=int, default=60, help="server's CONN_MAX_AGE (0: connect per request)")
    return parser.parse_args()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["CELERY_QUEUE"] = QUEUE
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


# -- data ------------------------------------------------------------------------------------


def load_people() -> dict:
    """Teams A and B and the demo's users (agent A, agent B, supervisor of both, call center)."""
    from django.contrib.auth.models import Group

    from accounts.models import Team, User
    from accounts.roles import Role
    from accounts.tokens import token_issue

    teams = {code: Team.objects.get_or_create(code=code, defaults={"name": code})[0] for code in TEAM_CODES}
    people = {}
    for username, role, team_codes in (
        ("agent", Role.AGENT, ("team-a",)),
        ("agent2", Role.AGENT, ("team-b",)),
        ("supervisor", Role.SUPERVISOR, TEAM_CODES),
        ("callcenter", Role.API_CLIENT, ()),
    ):
        user, _ = User.objects.get_or_create(username=username)
        user.groups.add(Group.objects.get(name=role))
        user.teams.add(*(teams[c] for c in team_codes))
        people[username] = user
    tokens = {name: token_issue(user=user) for name, user in people.items()}
    return {"teams": teams, "people": people, "tokens": tokens}


def _pick(values: list[str], salt: int) -> str:
    """SQL choosing one of `values` per row, spread by a hash of the row number."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"(ARRAY[{quoted}])[1 + (hashint4(g * 16 + {salt}) & 2147483647) % {len(values)}]"


def _hash(salt: int) -> str:
    return f"(hashint4(g * 16 + {salt}) & 2147483647)"


def load_cases(count: int, data: dict) -> None:
    """Insert `count` cases and one deadline each in SQL; indexes are rebuilt afterwards."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from common.pii import encrypt
    from complaints.choices import OPEN_STATES, Channel, CollectionChannel
    from complaints.demo_data import COMPLAINTS
    from complaints.models import Category, ComplaintCase

    table = ComplaintCase._meta.db_table
    categories = dict(Category.objects.values_list("code", "pk"))
    texts = [(categories[code], s, d) for code, items in COMPLAINTS.items() if code in categories for s, d in items]
    team_a, team_b = (data["teams"][c].pk for c in TEAM_CODES)
    people = {name: user.pk for name, user in data["people"].items()}
    two_years = 2 * 365 * 86400
    recent = count * 60 // 730  # the last 60 days' cases are the open ones
    open_states = [str(s) for s in OPEN_STATES]
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("CREATE TEMP TABLE bench_texts (k int PRIMARY KEY, category_id bigint, summary text, description text)")
        cur.executemany("INSERT INTO bench_texts VALUES (%s, %s, %s, %s)", [(k, *t) for k, t in enumerate(texts)])
        # Building the indexes once is several times faster than maintaining them per row.
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        index_defs = cur.fetchall()
        for name, _definition in index_defs:
            cur.execute(f'DROP INDEX "{name}"')
    source = (
        "(SELECT g, nextval(pg_get_serial_sequence('complaints_complaintcase', 'id')) AS id, "
        f"now() - interval '1 hour' - ({count} - g) * ({two_years}.0 / {count}) * interval '1 second' AS recv, "
        f"CASE WHEN g > {count - recent} THEN {_pick(open_states * 2 + ['verify', 'communicate', 'follow_up'], 1)} "
        f"WHEN {_hash(2)} % 100 = 0 THEN 'follow_up' "
        f"ELSE {_pick(['closed'] * 9 + ['withdrawn'], 3)} END AS st "
        "FROM generate_series(1, {count_param}) AS g) AS s "
        f"JOIN bench_texts t ON t.k = (hashint4(s.g) & 2147483647) % {len(texts)}"
    ).replace("%", "%%").replace("{count_param}", "%s")
    closed = "st IN ('closed', 'withdrawn')"
    breached = f"{_hash(4)} % 25 = 0"
    overrides = {
        "id": "id",
        "reference": "'TS' || to_char((recv + interval '1 minute') AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') "
        "|| lpad(id::text, greatest(7, length(id::text)), '0')",
        "state": "st",
        "category_id": "t.category_id",
        "severity": _pick(["low"] * 2 + ["normal"] * 12 + ["high"] * 4 + ["critical"] * 2, 5),
        "channel": _pick([str(Channel.PHONE)] * 6 + [str(c) for c in Channel], 6),
        "summary": "t.summary",
        "description": "t.description || "
        + _pick(["", "客户要求尽快处理。", "客户情绪激动，表示将向监管部门反映。", "已告知处理时限。", "客户提供了通话录音。"], 7),
        "received_at": "recv",
        "phone_index": f"encode(sha256(('p' || {_hash(8)} % 300000)::bytea), 'hex')",
        "id_number_index": f"CASE WHEN {_hash(9)} % 3 = 0 THEN '' "
        f"ELSE encode(sha256(('i' || {_hash(9)} % 400000)::bytea), 'hex') END",
        "collection_channel": _pick([str(c) for c in CollectionChannel] + [""], 10),
        "risk_flags": f"CASE WHEN {_hash(11)} % 100 < 3 THEN '[\"media_exposure\"]'::jsonb "
        f"WHEN {_hash(11)} % 100 < 6 THEN '[\"regulator_referral\"]'::jsonb "
        f"WHEN {_hash(11)} % 100 < 7 THEN '[\"litigation_threat\", \"media_exposure\"]'::jsonb "
        f"WHEN {_hash(11)} % 100 < 8 THEN '[\"self_harm_risk\"]'::jsonb ELSE '[]'::jsonb END",
        "team_id": f"CASE WHEN g % 2 = 0 THEN {team_a} ELSE {team_b} END",
        "assignee_id": f"CASE WHEN st = 'intake' THEN NULL WHEN g % 2 = 0 THEN {people['agent']} "
        f"ELSE {people['agent2']} END",
        "created_by_id": f"CASE WHEN {_hash(12)} % 3 = 0 THEN {people['callcenter']} "
        f"WHEN g % 2 = 0 THEN {people['agent']} ELSE {people['agent2']} END",
        "is_repeat": f"{_hash(13)} % 10 = 0",
        "escalation_level": f"CASE WHEN {breached} THEN 1 ELSE 0 END",
        "is_breached": breached,
        "verification_finding": f"CASE WHEN st IN ('intake', 'verify') THEN '' ELSE "
        f"{_pick(['substantiated', 'partially_substantiated', 'unsubstantiated'], 14)} END",
        "resolved_at": "CASE WHEN st = 'closed' THEN recv + interval '10 days' END",
        "closed_at": f"CASE WHEN {closed} THEN recv + interval '12 days' END",
        "created_at": "recv + interval '1 minute'",
        "updated_at": "recv + interval '1 minute'",
    }
    # The statement has parameters, so a literal % (modulo) is written %%.
    overrides = {k: v.replace("%", "%%") for k, v in overrides.items()}
    params_by_column = {
        "complainant_name": encrypt("张三"),
        "complainant_phone": encrypt("13800001234"),
        "complainant_id_number": encrypt("110101199003071233"),
        "account_reference": encrypt("LN-2024-88812"),
    }
    _common.insert_cases_sql(count, overrides, params_by_column, source=source)
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO timers_deadline (content_type_id, object_id, kind, state, started_at, due_at, warn_at, "
            "next_check_at, breached, met_at, escalation_level, created_at) "
            "SELECT %s, id, 'final_answer', CASE WHEN closed_at IS NOT NULL THEN 'met' WHEN is_breached THEN 'breached' "
            "ELSE 'pending' END, received_at, received_at + interval '15 days', received_at + interval '11 days', "
            "CASE WHEN closed_at IS NULL AND NOT is_breached THEN received_at + interval '11 days' END, "
            "is_breached, closed_at, escalation_level, created_at FROM complaints_complaintcase",
            [ContentType.objects.get_for_model(ComplaintCase).pk],
        )
        for _name, definition in index_defs:
            cur.execute(definition)
        cur.execute("VACUUM ANALYZE complaints_complaintcase")
        cur.execute("VACUUM ANALYZE timers_deadline")
        cur.execute("DROP TABLE bench_texts")


# -- server and load -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn in its own process group, stopped on exit, Ctrl-C or SIGTERM."""

    def __init__(self, url: str, workers: int, conn_max_age: int) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "BENCH_CONN_MAX_AGE": str(conn_max_age),
            "CELERY_QUEUE": QUEUE,
            "LOG_LEVEL": "WARNING",
            "THROTTLE_USER_RATE": "1000000/min",
            "THROTTLE_CLIENT_RATE": "1000000/min",
            "THROTTLE_ANON_RATE": "1000000/min",
            "PYTHONPATH": f"{ROOT}{os.pathsep}{Path(__file__).parent}",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--chdir", str(ROOT), "--log-level", "warning", "--timeout", "60", "_bench_wsgi:application"],
            env=env,
            start_new_session=True,
        )
        atexit.register(self.stop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _on_signal(self, signum, frame) -> None:
        self.stop()
        sys.exit(128 + signum)

    def wait_ready(self, timeout: float = 30) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit("gunicorn exited during start-up")
            try:
                requests.get(self.base + "/healthz", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        sys.exit("gunicorn did not answer in time")

    def cpu_seconds(self) -> float:
        """User + system CPU of gunicorn's master and workers so far (Linux /proc)."""
        pids = [self.process.pid]
        try:
            with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as children:
                pids += [int(pid) for pid in children.read().split()]
        except OSError:
            return float("nan")
        return sum(_process_cpu(pid) for pid in pids)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _process_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy() -> float:
    """CPU seconds all cores spent not idle since boot (every process: server, PostgreSQL, us)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)  # ms
    elapsed: float = 0.0
    failures: list[str] = field(default_factory=list)
    queries: str = "-"
    target: str = ""
    cpu: str = ""  # CPU ms per request: server (gunicorn), this client, whole machine

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


def run_load(name: str, make_request, *, clients: int, max_requests: int, seconds: float, clock: Clock) -> Result:
    """`clients` threads, each with its own Session, calling `make_request(session, i)` until the
    request budget or the time is used up; a request returns None when it went well."""
    import requests

    result = Result(name)
    lock = threading.Lock()
    issued = [0]
    stop_at = time.monotonic() + min(seconds, max(clock.left(), 0))

    def worker() -> None:
        session = requests.Session()
        while True:
            with lock:
                if issued[0] >= max_requests or time.monotonic() > stop_at:
                    return
                issued[0] += 1
                i = issued[0]
            t = time.perf_counter()
            try:
                problem = make_request(session, i)
            except requests.RequestException as exc:  # the server went away (Ctrl-C, crash)
                problem = type(exc).__name__
            ms = (time.perf_counter() - t) * 1000
            with lock:
                result.latencies.append(ms)
                if problem:
                    result.failures.append(problem)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    t = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - t
    return result


def intake_payload(rng: random.Random, *, external: bool) -> dict:
    from complaints.demo_data import COMPLAINTS

    code = rng.choice(list(COMPLAINTS))
    summary, description = rng.choice(COMPLAINTS[code])
    payload = {
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
    if external:
        payload["external_id"] = "BENCH-" + uuid.uuid4().hex
    return payload


def intake(server: Server, token: str, name: str, args, clock: Clock, *, api_client: bool) -> Result:
    url = server.base + API

    def post(session, i):
        rng = random.Random(i * 7919 + (1 if api_client else 2))
        headers = {"Authorization": f"Token {token}"}
        if api_client:
            headers["Idempotency-Key"] = uuid.uuid4().hex
        response = session.post(url, json=intake_payload(rng, external=api_client), headers=headers, timeout=30)
        return None if response.status_code == 201 else f"{response.status_code} {response.text[:200]}"

    server_cpu, client_cpu, machine = server.cpu_seconds(), time.process_time(), _machine_busy()
    result = run_load(name, post, clients=args.clients, max_requests=args.intake_requests,
                      seconds=args.intake_seconds, clock=clock)
    n = max(len(result.latencies), 1)
    result.cpu = (f"CPU ms/request: gunicorn {(server.cpu_seconds() - server_cpu) * 1000 / n:.1f}, "
                  f"client {(time.process_time() - client_cpu) * 1000 / n:.1f}, "
                  f"whole machine {(_machine_busy() - machine) * 1000 / n:.1f}")
    result.target = "≥300/s, p95<50"
    return result


def list_scenarios(data: dict) -> list[tuple[str, str, dict]]:
    from django.utils import timezone

    now = timezone.localtime()
    after = (now - timedelta(days=30)).isoformat()
    # A reference prefix of a month eight months back (~1/24 of the rows): every match lies deep in
    # the newest-first order, which the planner cannot foresee; case_filter_reference_prefix bounds
    # its walk of case_recv_id by the matches' received-time range.
    old_month = f"TS{now - timedelta(days=240):%Y%m}"
    sup, agent = "supervisor", "agent"
    return [
        ("list supervisor (A+B)", sup, {}),
        ("list agent (A)", agent, {}),
        ("state=verify", sup, {"state": "verify"}),
        ("category=fee_dispute", sup, {"category": "fee_dispute"}),
        ("severity=high", sup, {"severity": "high"}),
        ("breached=true", sup, {"breached": "true"}),
        ("risk_flag=media_exposure", sup, {"risk_flag": "media_exposure"}),
        ("q=催收", sup, {"q": "催收"}),
        ("q=<no match>", sup, {"q": NO_MATCH}),
        ("q=TS<yyyymm 8 months back>", sup, {"q": old_month}),
        ("ordering=severity", sup, {"ordering": "severity"}),
        ("ordering=-severity", sup, {"ordering": "-severity"}),
        ("ordering=created_at", sup, {"ordering": "created_at"}),
        ("received_after=30d ago", sup, {"received_after": after}),
        ("agent state=verify", agent, {"state": "verify"}),
        ("agent category+severity", agent, {"category": "fee_dispute", "severity": "high"}),
    ]


def deep_page_url(server: Server, token: str, pages: int) -> str:
    import requests

    session = requests.Session()
    url = server.base + API
    for _ in range(pages - 1):
        body = session.get(url, headers={"Authorization": f"Token {token}"}, timeout=30).json()
        url = body["next"]
    return url


def list_load(server: Server, name: str, token: str, url: str, args, clock: Clock) -> Result:
    headers = {"Authorization": f"Token {token}"}

    def get(session, i):
        response = session.get(url, headers=headers, timeout=30)
        return None if response.status_code == 200 else f"{response.status_code} {response.text[:200]}"

    import requests

    warm = requests.Session()
    for _ in range(3):
        get(warm, 0)
    result = run_load(name, get, clients=args.list_clients, max_requests=args.list_requests, seconds=20, clock=clock)
    result.target = "p95<100"
    return result


# -- in-process: queries and plans -------------------------------------------------------------


def capture(token: str, path: str, payload: dict | None = None) -> tuple[int, str, int]:
    """(queries, the case-list SQL, status) of one in-process GET, or POST of `payload`."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as ctx:
        if payload is None:
            response = client.get(path)
        else:
            response = client.post(path, payload, content_type="application/json",
                                   HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    main = [q["sql"] for q in ctx.captured_queries
            if 'FROM "complaints_complaintcase"' in q["sql"] and "ORDER BY" in q["sql"]]
    return len(ctx.captured_queries), (main[0] if main else ""), response.status_code


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        lines = [row[0] for row in cur.fetchall()]
    plan = [line for line in lines if not line.startswith(("Planning", "Execution"))][:12]
    timing = [line for line in lines if line.startswith(("Planning Time", "Execution Time"))]
    return timing + plan


# -- report ------------------------------------------------------------------------------------


def print_table(results: list[Result]) -> None:
    header = f"{'scenario':<30} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  target"
    print(header)
    print("-" * len(header))
    for r in results:
        n = len(r.latencies)
        rate = n / r.elapsed if r.elapsed else 0
        print(f"{r.name:<30} {n:>8} {rate:>8.1f} {r.pct(0.5):>8.1f} {r.pct(0.95):>8.1f} "
              f"{max(r.latencies, default=float('nan')):>8.1f} {r.queries:>8}  {r.target}"
              + (f"  FAILED {len(r.failures)}: {r.failures[0]}" if r.failures else ""))


def purge_queue() -> None:
    import redis
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("redis"):
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(QUEUE)


def main() -> None:
    args = parse_args()
    clock = Clock(args.time_limit)
    url = _common.bench_database_url("bench_api")
    ensure_database(url)
    setup_django(url)

    from urllib.parse import urlencode

    from django.core.management import call_command
    from django.db import connection

    from complaints.models import ComplaintCase

    print(f"database: {connection.settings_dict['NAME']}, cpus: {os.cpu_count()}, gunicorn workers: "
          f"{args.workers}, intake clients: {args.clients}, list clients: {args.list_clients}, "
          f"server CONN_MAX_AGE: {args.conn_max_age}")
    t = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.monotonic() - t:.1f} s")
    data = load_people()
    existing = ComplaintCase.objects.count()
    if existing < args.cases:
        clock.check("loading")
        with connection.cursor() as cur:
            cur.execute("SET statement_timeout = %s", [int(max(clock.left(), 1) * 1000)])
            cur.execute("TRUNCATE complaints_complaintcase, timers_deadline, complaints_caseevent, "
                        "common_idempotencyrecord CASCADE")
        t = time.monotonic()
        load_cases(args.cases, data)
        print(f"loaded {args.cases:,} cases with a deadline each, indexes rebuilt, in {time.monotonic() - t:.1f} s")
    else:
        print(f"reusing {existing:,} cases")

    clock.check("starting the server")
    server = Server(url, args.workers, args.conn_max_age)
    server.wait_ready()
    tokens = data["tokens"]
    results: list[Result] = []
    paths: dict[str, tuple[str, str]] = {}
    try:
        for name, user, api_client in (("intake api_client", "callcenter", True), ("intake agent", "agent", False)):
            if args.only == "list":
                break
            clock.check(name)
            results.append(intake(server, tokens[user], name, args, clock, api_client=api_client))
        for name, user, params in list_scenarios(data) if args.only != "intake" else ():
            clock.check(name)
            path = API + ("?" + urlencode(params) if params else "")
            paths[name] = (user, path)
            results.append(list_load(server, name, tokens[user], server.base + path, args, clock))
        if args.only != "intake":
            clock.check("deep page")
            deep = deep_page_url(server, tokens["supervisor"], 50)
            paths["deep page 50 (cursor)"] = ("supervisor", deep.removeprefix(server.base))
            results.append(list_load(server, "deep page 50 (cursor)", tokens["supervisor"], deep, args, clock))
    finally:
        server.stop()
    finish(results, paths, tokens, clock)


def finish(results: list[Result], paths: dict[str, tuple[str, str]], tokens: dict, clock: Clock) -> None:
    """Query counts and plans in-process, then the table."""
    clock.check("query counts")
    by_name = {r.name: r for r in results}
    sql_by_name = {}
    for name, user, api_client in (("intake api_client", "callcenter", True), ("intake agent", "agent", False)):
        if name in by_name:
            count, _sql, status = capture(tokens[user], API, intake_payload(random.Random(1), external=api_client))
            by_name[name].queries = str(count) if status == 201 else f"{count}!{status}"
    for name, (user, path) in paths.items():
        count, sql, status = capture(tokens[user], path)
        by_name[name].queries = str(count) if status == 200 else f"{count}!{status}"
        sql_by_name[name] = sql
    print()
    print_table(results)
    for r in results:
        if r.cpu:
            print(f"{r.name}: {r.cpu}")
    sizes = {size: capture(tokens["supervisor"], f"{API}?page_size={size}")[0] for size in (1, 25, 100)}
    print("queries per list page by page_size: " + ", ".join(f"{k}: {v}" for k, v in sizes.items()))

    slowest = sorted((r for r in results if r.name in sql_by_name and sql_by_name[r.name]),
                     key=lambda r: r.pct(0.95), reverse=True)[:2]
    for r in slowest:
        clock.check("explain")
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of “{r.name}” (p95 {r.pct(0.95):.1f} ms):")
        for line in explain(sql_by_name[r.name]):
            print("    " + line)
    purge_queue()
    intakes = [r for r in results if r.name.startswith("intake")]
    lists = [r for r in results if not r.name.startswith("intake")]
    verdict = []
    if intakes:
        ok = all(len(r.latencies) / r.elapsed >= 300 and r.pct(0.95) < 50 for r in intakes)
        verdict.append(f"intake {'meets' if ok else 'MISSES'} its target")
    if lists:
        verdict.append(f"list {'meets' if all(r.pct(0.95) < 100 for r in lists) else 'MISSES'} its target")
    print(f"\nRESULT {', '.join(verdict)}; {sum(len(r.failures) for r in results)} failed requests")


if __name__ == "__main__":
    main()
