"""django-helpdesk side by side (`BENCH_HELPDESK=1`): the same closed-loop intake against
django-helpdesk 2.6.1's ticket API on this machine, for the ratio of issue 12.

Nothing of django-helpdesk is in the repository: `make bench` installs it from PyPI into a
virtualenv of its own (`var/bench/helpdesk-venv`, kept between runs) and writes a minimal project
for it (`var/bench/helpdesk-project`: settings, URLs, WSGI) each run. Its database
(`<bench database>_helpdesk`) gets `BENCH_HELPDESK_TICKETS` tickets (default: as many as our
cases) set-based, like ours; then gunicorn from that virtualenv serves it with 2 sync workers and
the production-like settings below (DEBUG off, token authentication, e-mail to a dummy backend,
as our run), and the client posts one ticket a request (`POST /api/tickets/`, as an admin: its
API is for staff) at concurrency 2 and 8.
"""

from __future__ import annotations

import json
import random
import subprocess
import textwrap
from urllib.parse import urlsplit, urlunsplit

from tests.bench._common import ROOT, Result, admin_connection, drop_database, env_int
from tests.bench.scenarios import Bounds, measure_intake
from tests.bench.server import Gunicorn

VERSION = "2.6.1"
# What it was measured with; Django and DRF at the versions ours runs on.
PACKAGES = [f"django-helpdesk=={VERSION}", "Django==5.2.*", "djangorestframework==3.16.*", "gunicorn",
            "psycopg2-binary"]
HERE = ROOT / "var" / "bench"
VENV = HERE / "helpdesk-venv"
PROJECT = HERE / "helpdesk-project"
PYTHON = VENV / "bin" / "python"

def ensure_installed(log) -> str:
    """The virtualenv with django-helpdesk; installed when missing. Returns the installed version."""
    probe = [str(PYTHON), "-c", "import importlib.metadata as m; print(m.version('django-helpdesk'))"]
    if PYTHON.exists():
        found = subprocess.run(probe, capture_output=True, text=True)
        if found.returncode == 0 and found.stdout.strip() == VERSION:
            return VERSION
    log(f"installing django-helpdesk {VERSION} into {VENV.relative_to(ROOT)}")
    subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", *PACKAGES], check=True)
    return subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()


def write_project(url: str) -> None:
    parts = urlsplit(url)
    database = {"name": parts.path.lstrip("/"), "user": parts.username or "postgres",
                "host": parts.hostname or "127.0.0.1", "port": str(parts.port or 5432)}
    package = PROJECT / "hdbench"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(textwrap.dedent(f'''\
        SECRET_KEY = "bench-only-{random.randrange(10**12)}"
        DEBUG = False
        ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
        INSTALLED_APPS = [
            "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
            "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
            "django.contrib.sites", "django.contrib.humanize", "rest_framework",
            "rest_framework.authtoken", "helpdesk",
        ]
        MIDDLEWARE = [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ]
        ROOT_URLCONF = "hdbench.urls"
        TEMPLATES = [{{
            "BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
            "OPTIONS": {{"context_processors": [
                "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages"]}},
        }}]
        DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": {database["name"]!r},
                                  "USER": {database["user"]!r}, "HOST": {database["host"]!r},
                                  "PORT": {database["port"]!r}, "CONN_MAX_AGE": 60}}}}
        DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
        SITE_ID = 1
        USE_TZ = True
        TIME_ZONE = "Asia/Shanghai"
        STATIC_URL = "/static/"
        EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        HELPDESK_TEAMS_MODE_ENABLED = False
        REST_FRAMEWORK = {{"DEFAULT_AUTHENTICATION_CLASSES": [
            "rest_framework.authentication.TokenAuthentication"]}}
        LOGGING = {{"version": 1, "disable_existing_loggers": False,
                   "handlers": {{"console": {{"class": "logging.StreamHandler"}}}},
                   "root": {{"handlers": ["console"], "level": "WARNING"}}}}
        '''))
    (package / "urls.py").write_text(textwrap.dedent('''\
        from django.http import HttpResponse
        from django.urls import include, path

        urlpatterns = [
            path("healthz", lambda request: HttpResponse("ok")),
            path("", include("helpdesk.urls", namespace="helpdesk")),
        ]
        '''))
    (package / "wsgi.py").write_text(textwrap.dedent('''\
        import os

        from django.core.wsgi import get_wsgi_application

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdbench.settings")
        application = get_wsgi_application()
        '''))


def _manage(*args: str) -> str:
    """`manage.py` of the helpdesk project, in its virtualenv; its output, or exit with it."""
    done = subprocess.run(
        [str(PYTHON), "-c", "import django.core.management as m; m.execute_from_command_line()", *args],
        cwd=PROJECT, env={"DJANGO_SETTINGS_MODULE": "hdbench.settings", "PYTHONPATH": str(PROJECT),
                          "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True,
    )
    if done.returncode:
        raise SystemExit(f"django-helpdesk: manage {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


SET_UP = '''
import json
from django.contrib.auth import get_user_model
from helpdesk.models import Queue
from rest_framework.authtoken.models import Token
user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True,
                                                                              "email": "bench@example.com"})
queue, _ = Queue.objects.get_or_create(slug="complaints", defaults={"title": "投诉", "email_address": ""})
print(json.dumps({"token": Token.objects.get_or_create(user=user)[0].key, "queue": queue.pk, "user": user.pk}))
'''


def _load_tickets(url: str, tickets: int, queue: int, user: int) -> None:
    """Tickets set-based, with Chinese titles and bodies, spread over two years."""
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO helpdesk_ticket (title, queue_id, created, modified, submitter_email, assigned_to_id, "
            "status, on_hold, description, resolution, priority, due_date, last_escalation, secret_key) "
            "SELECT '客户投诉催收方式不当 ' || g, %s, now() - (g %% 730) * interval '1 day', now(), "
            "'c' || g || '@example.com', CASE WHEN g %% 3 = 0 THEN %s END, 1 + g %% 4, false, "
            "repeat('催收人员多次在夜间致电客户本人及其家属，言语威胁。', 3), NULL, 1 + g %% 5, NULL, NULL, md5(g::text) "
            "FROM generate_series(1, %s) AS g",
            [queue, user, tickets],
        )
    # As our loader: vacuumed and analysed now, so that autovacuum does not do it during the measurement.
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE helpdesk_ticket")
    conn.close()


def run(*, bench_url: str, texts, concurrencies: list[int], bounds: Bounds, log) -> list[Result]:
    """Install, load and measure django-helpdesk; its database is dropped at the end."""
    version = ensure_installed(log)
    parts = urlsplit(bench_url)
    url = urlunsplit(parts._replace(path=parts.path + "_helpdesk"))
    drop_database(url)
    admin, name = admin_connection(url)
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    write_project(url)
    log(f"django-helpdesk {version}: migrating its database")
    _manage("migrate", "--noinput", "-v", "0")
    ids = json.loads(_manage("shell", "-c", SET_UP).strip().splitlines()[-1])
    tickets = env_int("BENCH_HELPDESK_TICKETS", env_int("BENCH_CASES", 1_000_000))
    log(f"django-helpdesk: loading {tickets:,} tickets")
    _load_tickets(url, tickets, ids["queue"], ids["user"])
    results = []
    server = Gunicorn({"DJANGO_SETTINGS_MODULE": "hdbench.settings"}, workers=env_int("BENCH_WORKERS", 2),
                      log=HERE / "helpdesk-gunicorn.log", python=str(PYTHON), app="hdbench.wsgi:application",
                      chdir=PROJECT, health="/healthz")
    try:
        server.wait_ready()
        api = server.base + "/api/tickets/"
        headers = {"Authorization": f"Token {ids['token']}"}
        for concurrency in concurrencies:
            log(f"django-helpdesk intake, c={concurrency}")

            def post(session, i, concurrency=concurrency):
                rng = random.Random(concurrency * 1_000_003 + i)
                _code, summary, description = rng.choice(texts)
                response = session.post(api, timeout=60, headers=headers, json={
                    "queue": ids["queue"], "title": summary, "description": description,
                    "submitter_email": f"c{rng.randrange(10**6)}@example.com", "priority": rng.randint(1, 5),
                })
                return None if response.status_code == 201 else f"{response.status_code} {response.text[:200]}"

            result = Result("intake", f"django-helpdesk {version}, ticket API", concurrency,
                            target="ours ≥ 2.5×")
            results.append(measure_intake(result, server, post, bounds))
    finally:
        server.stop()
        drop_database(url)
    return results
