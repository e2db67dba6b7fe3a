"""`make bench`: every page and endpoint of issue 12 against BENCH_CASES cases, one table, one JSON.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/6 make bench

Drops and creates its own database (BENCH_DATABASE, default `<DATABASE_URL's name>_bench`; the
one in DATABASE_URL is never touched), migrates it and loads the cases set-based (tests/bench/
loader.py), then starts gunicorn with config.settings.production and BENCH_WORKERS (2) sync
workers on a free loopback port and measures from client threads at BENCH_CONCURRENCY (2,8),
each scenario bounded by BENCH_REQUESTS and BENCH_SECONDS. With gunicorn stopped it measures
in process: intake through DRF's test client (CPU ms and SQL statements per create, ours and the
floor's; BENCH_PROFILE=1 prints a cProfile and the SQL of one create), the bulk import's service
(validation, store and signals per batch), the sweep, and last the key rotation on a small
database of its own (tests/bench/rotation.py). Settings (environment):

    BENCH_CASES (1000000)  BENCH_SECONDS (20)  BENCH_REQUESTS (300)  BENCH_INTAKE_REQUESTS (3000)
    BENCH_EXPORT_ROWS (100000)  BENCH_DUE (10000)  BENCH_CONTACTS (100000, in 20 batches)
    BENCH_CHECK_CONTACTS (2000)  BENCH_LOAD_CONTACTS (cases / 5)  BENCH_TIMELINE_DAYS (120)
    BENCH_IMPORT_BATCH (1000)  BENCH_IMPORT_CONCURRENCY (1,2)  BENCH_FLOOR_URL (extra intake paths)
    BENCH_INPROCESS_REQUESTS (300)  BENCH_INPROCESS_IMPORT_BATCHES (5)  BENCH_PROFILE (0)  BENCH_PROFILE_LINES (60)
    BENCH_ROTATE_ROWS (20000)  BENCH_ROTATE_FILES (50)  BENCH_ROTATE_FILE_MB (1)  BENCH_ROTATE_BATCH (500)
    BENCH_HELPDESK (0; 1 measures django-helpdesk's intake beside ours, tests/bench/helpdesk.py)
    BENCH_HELPDESK_TICKETS (BENCH_CASES)  BENCH_OUT (JSON path)

A fresh clone needs nothing but PostgreSQL and Redis: the message catalogues are compiled with
Babel (a pinned dependency) when a .mo is missing or older than its .po, so the pages are
measured in Chinese, as served.

Figures are printed and written, never asserted (tests/bench/test_bench_runs.py runs it tiny).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

from tests.bench import helpdesk, loader, rotation, scenarios
from tests.bench._common import (
    ROOT,
    Result,
    bench_database_url,
    bench_environment,
    env_float,
    env_int,
    machine_description,
    migrations_template,
    recreate_database,
    save_template,
    setup_django,
    wait_for_autovacuum,
)
from tests.bench.scenarios import Bounds
from tests.bench.server import Gunicorn


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def collectstatic() -> None:
    """The manifest storage needs collected files; skipped when none changed since the last run."""
    import io

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    manifest = os.path.join(settings.STATIC_ROOT, "staticfiles.json")
    if os.path.exists(manifest):
        newest = max((os.path.getmtime(storage.path(path)) for finder in get_finders()
                      for path, storage in finder.list([])), default=0)
        if newest < os.path.getmtime(manifest):
            return
    call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())


def compile_messages() -> str:
    """The .mo files are not in the repository (built by `make messages`): compile them when one
    is missing or older than its .po, with the Babel script `make messages` falls back on."""
    stale = [po for po in ROOT.glob("locale/*/LC_MESSAGES/*.po")
             if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
    if not stale:
        return "up to date"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_messages.py")], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return f"compiled {len(stale)}"


def session_cookie(user) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user)
    from django.conf import settings

    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def main() -> None:
    cases = env_int("BENCH_CASES", 1_000_000)
    concurrencies = [int(c) for c in os.environ.get("BENCH_CONCURRENCY", "2,8").split(",")]
    bounds = Bounds(seconds=env_float("BENCH_SECONDS", 20), requests=env_int("BENCH_REQUESTS", 300),
                    intake_requests=env_int("BENCH_INTAKE_REQUESTS", 3000))
    export_rows = env_int("BENCH_EXPORT_ROWS", 100_000)
    started = datetime.now(UTC)
    messages = compile_messages()  # before Django loads the catalogues
    queue = f"bench-{os.getpid()}"
    url = bench_database_url()
    environment = bench_environment(url, queue)
    template = migrations_template(url)
    copied = recreate_database(url, template)
    setup_django(environment)

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from complaints.models import ComplaintCase

    log(f"database {connection.settings_dict['NAME']}: " + ("copied from " + template if copied else "migrating"))
    load: dict = {"cases": cases, "messages": messages}
    t = time.monotonic()
    if not copied:
        call_command("migrate", verbosity=0, interactive=False)
        save_template(url, template)
    load["migrate_s"] = round(time.monotonic() - t, 1)
    data = loader.people()
    log(f"loading {cases:,} cases")
    t = time.monotonic()
    phases = loader.load(cases, data, timeline_days=env_int("BENCH_TIMELINE_DAYS", 120),
                         contacts=env_int("BENCH_LOAD_CONTACTS", cases // 5))
    load["load_s"] = round(time.monotonic() - t, 1)
    load["phases_s"] = {k: round(v, 1) for k, v in phases.items()}
    with connection.cursor() as cur:
        for table in ("complaints_complaintcase", "timers_deadline", "complaints_caseevent",
                      "conduct_collectioncontact", "contingency_activationcase"):
            cur.execute(f"SELECT count(*) FROM {table}")
            load[f"rows_{table}"] = cur.fetchone()[0]
        cur.execute("SELECT pg_database_size(current_database())")
        load["database_mib"] = round(cur.fetchone()[0] / 2**20)
    log(f"loaded in {load['load_s']} s: " + ", ".join(f"{k} {v}" for k, v in load["phases_s"].items()))
    log("collectstatic")
    collectstatic()

    results: list[Result] = []
    machine = machine_description()
    texts = _intake_texts()
    server = Gunicorn(environment, workers=env_int("BENCH_WORKERS", 2), log=ROOT / "var" / "bench" / "gunicorn.log")
    try:
        log("starting gunicorn")
        server.wait_ready()
        log(f"gunicorn on {server.base}")
        run_http(server, data, texts, concurrencies, bounds, export_rows, results)
    finally:
        server.stop()

    if os.environ.get("BENCH_HELPDESK") == "1":
        log("django-helpdesk side by side")
        results += helpdesk.run(bench_url=url, texts=texts, concurrencies=concurrencies, bounds=bounds, log=log)
        report_ratio(results)

    waited = wait_for_autovacuum(url)
    log(f"intake in process (waited {waited} s for autovacuum to finish)")
    results += run_in_process_intake(data, texts, env_int("BENCH_INPROCESS_REQUESTS", 300))
    results.append(scenarios.import_in_process(actor=data["users"]["callcenter"], texts=texts,
                                               batch=env_int("BENCH_IMPORT_BATCH", 1000),
                                               batches=env_int("BENCH_INPROCESS_IMPORT_BATCHES", 5), seed=500))
    log("sweep (in process)")
    results.append(scenarios.sweep_empty(repeats=20))
    results.append(scenarios.sweep_due(env_int("BENCH_DUE", 10_000)))
    purge_queue(queue)
    # Last: a new key in front (on a database of its own: the bench database keeps its keys).
    rotate_rows = env_int("BENCH_ROTATE_ROWS", 20_000)
    log(f"key rotation ({rotate_rows:,} cases, database of its own)")
    results += rotation.key_rotation(url=url, template=template, rows=rotate_rows,
                                     files=env_int("BENCH_ROTATE_FILES", 50),
                                     file_mb=env_float("BENCH_ROTATE_FILE_MB", 1.0),
                                     batch=env_int("BENCH_ROTATE_BATCH", 500))

    report = {
        "started_at": started.isoformat(), "finished_at": datetime.now(UTC).isoformat(),
        "machine": machine, "load": load,
        "settings": {"cases": cases, "concurrency": concurrencies, "seconds": bounds.seconds,
                     "requests": bounds.requests, "intake_requests": bounds.intake_requests,
                     "in_process_requests": env_int("BENCH_INPROCESS_REQUESTS", 300),
                     "import_batch": env_int("BENCH_IMPORT_BATCH", 1000),
                     "gunicorn_workers": env_int("BENCH_WORKERS", 2), "django_settings": environment[
                         "DJANGO_SETTINGS_MODULE"], "log_level": environment["LOG_LEVEL"]},
        "results": [r.as_dict() for r in results],
        "cases_at_end": ComplaintCase.objects.count(),
        "now": timezone.now().isoformat(),
    }
    print_table(report)
    out = os.environ.get("BENCH_OUT") or str(ROOT / "var" / "bench" / f"results-{started:%Y%m%dT%H%M%SZ}.json")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as handle:
        json.dump(report, handle, ensure_ascii=False, indent=2)
    print(f"\nwritten: {out}")


def run_in_process_intake(data: dict, texts: list, requests: int) -> list[Result]:
    """Ours as the call center's API client (with the volume spike the HTTP intake left, so each
    case joins its activation), ours steady (no spike to join; the trigger check still runs), and
    the floor; the ratio to the floor on ours' rows."""
    from django.apps import apps

    profile = os.environ.get("BENCH_PROFILE", "").lower() in ("1", "true", "yes")
    token = data["tokens"]["callcenter"]
    out, profiles = [], []
    for steady in (False, True):
        with scenarios.volume_out_of_reach() if steady else nullcontext():
            result, text = scenarios.intake_in_process(
                name="create in process (API client" + (", steady)" if steady else ", spike)"), path=scenarios.API,
                token=token, texts=texts, requests=requests, seed=300 + steady, profile=profile and not steady)
        out.append(result)
        profiles.append(text)
    if apps.is_installed("tests.bench.floor"):
        floor, _ = scenarios.intake_in_process(name="floor in process /bench/floor/", path="/bench/floor/",
                                               token=token, texts=texts, requests=requests, seed=400, floor=True)
        out.append(floor)
        for result in out[:-1]:
            ours, bare = result.extra["cpu_ms_per_create"], floor.extra["cpu_ms_per_create"]
            result.extra["cpu_ratio_to_floor"] = round(ours / bare, 1) if ours and bare else None
            ours, bare = result.extra["sql_per_create"], floor.extra["sql_per_create"]
            result.extra["sql_ratio_to_floor"] = round(ours / bare, 1) if ours and bare else None
    for text in profiles:
        if text:
            print(text, flush=True)
    return out


def run_http(server: Gunicorn, data: dict, texts: list, concurrencies: list[int], bounds: Bounds,
             export_rows: int, results: list[Result]) -> None:
    from complaints.models import ComplaintCase

    tokens = data["tokens"]
    floor = [p for p in scenarios.EXTRA_INTAKE_URLS + os.environ.get("BENCH_FLOOR_URL", "").split(",") if p]
    floor = [p for p in dict.fromkeys(floor) if scenarios.endpoint_exists(server, p, tokens["callcenter"])]
    for c in concurrencies:
        log(f"intake, concurrency {c}")
        for user, label in (("callcenter", "API client"), ("agent", "agent")):
            results.append(scenarios.intake(server, name=f"create ({label})", path=scenarios.API, token=tokens[user],
                                            texts=texts, concurrency=c, bounds=bounds, seed=c * 10 + len(user)))
        for path in floor:
            results.append(scenarios.intake(server, name=f"floor {path}", path=path, token=tokens["callcenter"],
                                            texts=texts, concurrency=c, bounds=bounds, seed=100 + c, floor=True))
    if scenarios.endpoint_exists(server, scenarios.IMPORT_API, tokens["callcenter"]):
        for c in (int(c) for c in os.environ.get("BENCH_IMPORT_CONCURRENCY", "1,2").split(",")):
            log(f"bulk import, concurrency {c}")
            results.append(scenarios.bulk_import(server, token=tokens["callcenter"], texts=texts,
                                                 batch=env_int("BENCH_IMPORT_BATCH", 1000), concurrency=c,
                                                 bounds=bounds, seed=c))

    check_contacts = env_int("BENCH_CHECK_CONTACTS", 2000)
    check_case = scenarios.conduct_check_case(server, tokens=tokens, contacts=check_contacts)
    cookies = {name: session_cookie(data["users"][name]) for name in ("agent", "supervisor")}
    deep = scenarios.deep_cursor(server, tokens["supervisor"], 50)
    paths = scenarios.list_paths(data)
    if deep:
        paths += [("API deep page 50 (keyset)", "supervisor", f"{scenarios.API}?cursor={deep}", {}),
                  ("queue deep page 50 (keyset)", "supervisor", f"/cases/?cursor={deep}", {})]
    phone = ComplaintCase.objects.filter(team__code="team-a").exclude(phone_index="").first()
    if phone:
        paths.append(("queue find a customer (phone)", "agent",
                      f"/cases/?q={phone.complainant_phone.reveal()}", {}))
    workspace_ids = list(ComplaintCase.objects.filter(team__code="team-a", state="closed")
                         .order_by("-received_at").values_list("id", flat=True)[:50])
    last_month = (datetime.now().date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    for c in concurrencies:
        log(f"reads, concurrency {c}")
        for name, user, path, _params in paths:
            page = not path.startswith("/api/")
            headers = {} if page else {"Authorization": f"Token {tokens[user]}"}
            kwargs = {"headers": {**headers, **_cookie_header(cookies[user])}} if page else {"headers": headers}
            results.append(scenarios.reads(server, "queue" if page else "list", name, [path], concurrency=c,
                                           bounds=bounds, target="p95<100 ms", **kwargs))
        agent_headers = _cookie_header(cookies["agent"])
        sup_headers = _cookie_header(cookies["supervisor"])
        results.append(scenarios.reads(server, "pages", "case workspace (50 cases)",
                                       [f"/cases/{i}/" for i in workspace_ids] or ["/cases/0/"],
                                       headers=agent_headers, concurrency=c, bounds=bounds, target="p95<100 ms"))
        results.append(scenarios.reads(server, "pages", "dashboard", ["/dashboard/"], headers=sup_headers,
                                       concurrency=c, bounds=bounds, target="p95<300 ms"))
        results.append(scenarios.reads(server, "pages", f"monthly report {last_month}",
                                       [f"/reports/monthly/?month={last_month}"], headers=sup_headers,
                                       concurrency=c, bounds=bounds, target="p95<300 ms"))
        log(f"conduct check, concurrency {c}")
        results.append(scenarios.conduct_check(server, token=tokens["agent"], case_id=check_case,
                                               contacts=check_contacts, concurrency=c,
                                               bounds=bounds))

    newest = (ComplaintCase.objects.order_by("-received_at").values_list("received_at", flat=True)
              [max(min(export_rows, ComplaintCase.objects.count()) - 1, 0)])
    export_params = {"received_after": newest.isoformat()}
    expected = ComplaintCase.objects.filter(received_at__gte=newest).count()
    for kind in ("csv", "xlsx"):
        log(f"{kind} export of {expected:,} rows")
        results.append(scenarios.export(server, kind=kind, params=export_params, cookie=cookies["supervisor"],
                                        expected_rows=expected))
    log("contact import")
    results.append(scenarios.contact_import(server, token=tokens["collection"],
                                            rows=env_int("BENCH_CONTACTS", 100_000), batches=20))


def _cookie_header(cookie: dict) -> dict:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookie.items())}


def _intake_texts() -> list[tuple[str, str, str]]:
    from complaints.models import Category

    codes = dict(Category.objects.values_list("pk", "code"))
    return [(codes[pk], summary, description) for pk, summary, description in loader.case_texts()]


def purge_queue(queue: str) -> None:
    import redis
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("redis"):
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)


def report_ratio(results: list[Result]) -> None:
    """Our intake's cases/s over django-helpdesk's tickets/s at each concurrency, in helpdesk's row."""
    ours = {r.concurrency: r.rate for r in results if r.group == "intake" and r.name == "create (API client)"}
    for r in results:
        if r.name.startswith("django-helpdesk") and r.rate and ours.get(r.concurrency):
            r.extra["ours_api_client_ratio"] = round(ours[r.concurrency] / r.rate, 2)


def print_table(report: dict) -> None:
    m, load = report["machine"], report["load"]
    print(f"\n{m['cores']} cores {m['cpu_model']}, {m['ram_gib']} GiB, PostgreSQL {m['postgresql']}, "
          f"Python {m['python']}, commit {m['git_commit'][:12]}, load average at start "
          f"{', '.join(f'{x:.1f}' for x in m['load_average_at_start'])}")
    print(f"{load['cases']:,} cases loaded in {load['load_s']} s (database {load['database_mib']:,} MiB); "
          f"gunicorn {report['settings']['gunicorn_workers']} sync workers, {report['settings']['django_settings']}")
    header = (f"{'group':8} {'scenario':44} {'c':>2} {'n':>6} {'/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} "
              f"{'fail':>4}  notes")
    print(header)
    print("-" * len(header))
    skip = {"group", "name", "concurrency", "requests", "seconds", "per_second", "p50_ms", "p95_ms", "p99_ms",
            "max_ms", "failures", "first_failure", "target"}

    def num(value) -> str:
        return "-" if value is None else f"{value:.1f}"

    for r in report["results"]:
        notes = ", ".join(f"{k}={v}" for k, v in r.items() if k not in skip)
        notes = "; ".join(x for x in (r["target"], notes, r["first_failure"][:120]) if x)
        print(f"{r['group']:8} {r['name'][:44]:44} {r['concurrency']:>2} {r['requests']:>6} {num(r['per_second']):>8} "
              f"{num(r['p50_ms']):>8} {num(r['p95_ms']):>8} {num(r['p99_ms']):>8} {r['failures']:>4}  {notes}")


if __name__ == "__main__":
    sys.exit(main())
