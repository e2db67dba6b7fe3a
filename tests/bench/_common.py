"""What the bench runner's parts share: its database and settings, the machine, CPU readings,
latency samples and the bounded closed-loop client."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "config.settings.production"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def bench_database_url() -> str:
    """BENCH_DATABASE (a name) on DATABASE_URL's server; default `<DATABASE_URL's name>_bench`.
    The database in DATABASE_URL itself is never touched."""
    source = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/complaints")
    parts = urlsplit(source)
    if not parts.scheme.startswith("postgres"):
        sys.exit("the benchmark needs PostgreSQL in DATABASE_URL")
    name = os.environ.get("BENCH_DATABASE") or parts.path.lstrip("/") + "_bench"
    return urlunsplit(parts._replace(path="/" + name))


def admin_connection(url: str):
    """An autocommit connection to the server's `postgres` database, and the name of `url`'s database."""
    import psycopg2

    parts = urlsplit(url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    return admin, parts.path.lstrip("/")


def migrations_template(url: str) -> str:
    """The name of the migrated template of this code's migrations (a hash of their files)."""
    import hashlib

    digest = hashlib.sha1()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return urlsplit(url).path.lstrip("/") + "_tpl_" + digest.hexdigest()[:10]


def recreate_database(url: str, template: str) -> bool:
    """DROP and CREATE the bench database, as a copy of `template` when that exists (migrating
    takes most of a minute on a busy machine); True when it was copied."""
    admin, name = admin_connection(url)
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        copied = cur.fetchone() is not None
        cur.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if copied else ""))
    admin.close()
    return copied


def drop_database(url: str) -> None:
    admin, name = admin_connection(url)
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def wait_for_autovacuum(url: str, *, timeout: float = 180.0) -> float:
    """Wait (at most `timeout` s) until no autovacuum worker runs on the server; the seconds waited.

    The in-process figures run on one core beside PostgreSQL: an autovacuum of the tables the HTTP
    phase wrote (or of another database's fresh million rows) would take the other core.
    """
    admin, _name = admin_connection(url)
    start = time.monotonic()
    try:
        with admin.cursor() as cur:
            while time.monotonic() - start < timeout:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
                if cur.fetchone()[0] == 0:
                    break
                time.sleep(1)
    finally:
        admin.close()
    return round(time.monotonic() - start, 1)


def save_template(url: str, template: str) -> None:
    """Keep the just-migrated bench database as `template`, dropping older templates."""
    from django.db import connections

    connections.close_all()
    admin, name = admin_connection(url)
    with admin.cursor() as cur:
        cur.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [name.replace("_", r"\_") + r"\_tpl\_%"])
        for (old,) in cur.fetchall():
            cur.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
    admin.close()


def bench_environment(url: str, queue: str) -> dict[str, str]:
    """The production settings' environment for this run, shared by the runner and gunicorn.

    Fresh keys each run (the database is new each run). Plain HTTP on loopback, as the README's
    docker-compose trial: no HTTPS redirect, cookies not marked Secure. Throttle rates raised so
    the throttle's cost stays in the path but never refuses the load; tasks go to a queue of
    this run's own, deleted at the end; no e-mail leaves the machine.
    """
    from cryptography.fernet import Fernet

    var = ROOT / "var" / "bench"
    return {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or Fernet.generate_key().decode() * 2,
        "PII_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "PII_INDEX_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "MFA_REQUIRED": "false",  # the bench's supervisor logs in without a second factor
        "BENCH_FLOOR": "true",  # mounts the one-INSERT floor view next to intake, if the code has it
        "STATIC_ROOT": str(var / "static"),
        "MEDIA_ROOT": str(var / "media"),
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "THROTTLE_USER_RATE": "10000000/min",
        "THROTTLE_CLIENT_RATE": "10000000/min",
        "THROTTLE_ANON_RATE": "10000000/min",
        "THROTTLE_AUTH_RATE": "10000000/min",
        "THROTTLE_IMPORT_RATE": "10000000/min",
    }


def setup_django(environment: dict[str, str]) -> None:
    os.environ.update(environment)
    import django

    django.setup()


# -- the machine ---------------------------------------------------------------------------------


def machine_description() -> dict:
    from django.db import connection

    model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        ram_kib = int(meminfo.readline().split()[1])
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        postgres = cur.fetchone()[0]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        commit, dirty = "", ""
    return {
        "cores": os.cpu_count(),
        "cpu_model": model,
        "ram_gib": round(ram_kib / 2**20, 1),
        "postgresql": postgres,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "git_commit": commit + ("-dirty" if dirty else ""),
        "load_average_at_start": os.getloadavg(),
    }


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent not idle since boot (every process: server, PostgreSQL, client)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- samples and load ----------------------------------------------------------------------------


@dataclass
class Result:
    """One row of the table: a scenario's latencies (ms) and whatever else it measured."""

    group: str
    name: str
    concurrency: int = 1
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    failures: list[str] = field(default_factory=list)
    target: str = ""
    extra: dict = field(default_factory=dict)  # cases/s, CPU per create, peak memory…

    def pct(self, p: float) -> float | None:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else None

    @property
    def rate(self) -> float | None:
        return len(self.latencies) / self.elapsed if self.elapsed and self.latencies else None

    def as_dict(self) -> dict:
        def rounded(value):
            return None if value is None else round(value, 2)

        return {
            "group": self.group, "name": self.name, "concurrency": self.concurrency,
            "requests": len(self.latencies), "seconds": round(self.elapsed, 3), "per_second": rounded(self.rate),
            "p50_ms": rounded(self.pct(0.5)), "p95_ms": rounded(self.pct(0.95)), "p99_ms": rounded(self.pct(0.99)),
            "max_ms": rounded(max(self.latencies, default=None) if self.latencies else None),
            "failures": len(self.failures), "first_failure": self.failures[0][:300] if self.failures else "",
            "target": self.target, **self.extra,
        }


def run_load(result: Result, make_request, *, max_requests: int, seconds: float) -> Result:
    """A closed loop: `result.concurrency` threads, each with its own keep-alive session, calling
    `make_request(session, i)` until `max_requests` were issued or `seconds` passed; a request
    returns None when it went well, else a description of the failure."""
    import requests

    lock = threading.Lock()
    issued = [0]
    stop_at = time.monotonic() + seconds

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
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__}: {exc}"
            ms = (time.perf_counter() - t) * 1000
            with lock:
                result.latencies.append(ms)
                if problem:
                    result.failures.append(problem)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(result.concurrency)]
    t = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    result.elapsed = time.perf_counter() - t
    return result


def timed_calls(result: Result, fn, *, repeats: int) -> Result:
    """In-process: call `fn` `repeats` times after one warm-up call."""
    fn()
    t0 = time.perf_counter()
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        result.latencies.append((time.perf_counter() - t) * 1000)
    result.elapsed = time.perf_counter() - t0
    return result
