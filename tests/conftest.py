"""Fixtures shared by the whole suite: teams and users per role, and a real Celery worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from accounts.roles import Role
from tests.factories import TeamFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


def _blocker(config):
    from pytest_django.plugin import blocking_manager_key

    return config.stash[blocking_manager_key]


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


@pytest.fixture(scope="session", autouse=True)
def _reference_data(request, django_db_blocker):
    """With --reuse-db the previous session may have ended on a flush: restore, and leave the
    database as the migrations made it for the next session. A run of database-free tests
    only never touches the database."""
    if not any(
        item.get_closest_marker("django_db") or DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        for item in request.session.items
    ):
        yield
        return
    from tests.reference_data import restore_migration_data

    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        restore_migration_data()
    yield
    with django_db_blocker.unblock():
        restore_migration_data()


@pytest.fixture(autouse=True)
def _no_cached_webhook_subscribers():
    """A subscription cached by one test must not leak into the next one's rolled-back world."""
    from webhooks.services import subscribers_forget

    subscribers_forget()


@pytest.fixture(autouse=True)
def _no_process_memos():
    """Teams, categories, policies and token users memoised by one test (rows that roll back
    without a signal) must not leak into the next."""
    from common.memo import memos_forget_local

    memos_forget_local()


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
        or fixtures & {"transactional_db", "live_server", "celery_worker"}
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush (which runs in fixture teardown, i.e. inside this
    hook), put the data migrations' rows back for the tests that follow."""
    yield
    if _is_transactional(item):
        from tests.reference_data import restore_migration_data

        with _blocker(item.config).unblock():
            restore_migration_data()


@pytest.fixture
def team_a(db):
    return TeamFactory(code="team-a", name="投诉处理一组")


@pytest.fixture
def team_b(db):
    return TeamFactory(code="team-b", name="投诉处理二组")


@pytest.fixture
def agent(team_a):
    return UserFactory(username="agent", role=Role.AGENT, teams=[team_a])


@pytest.fixture
def agent_b(team_b):
    return UserFactory(username="agent2", role=Role.AGENT, teams=[team_b])


@pytest.fixture
def supervisor(team_a, team_b):
    return UserFactory(username="supervisor", role=Role.SUPERVISOR, teams=[team_a, team_b])


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", role=Role.AUDITOR)


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", role=Role.EMERGENCY_LEAD)


@pytest.fixture
def member(db):
    return UserFactory(username="member", role=Role.EMERGENCY_MEMBER)


@pytest.fixture
def callcenter(team_a):
    return UserFactory(username="callcenter", role=Role.API_CLIENT)


@pytest.fixture
def admin_user(db):
    user = UserFactory(username="admin")
    user.is_superuser = user.is_staff = True
    user.save()
    return user


@pytest.fixture
def dead_broker(settings):
    """Point the Celery app at a port where no broker listens (the machine's Redis is untouched)."""
    from tests.escalation.brokers import free_port, use_broker

    with use_broker(settings, f"redis://127.0.0.1:{free_port()}/0"):
        yield


def _worker_env(queue: str) -> dict[str, str]:
    from django.db import connection

    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        CELERY_QUEUE=queue,
    )
    return env


@pytest.fixture
def celery_queue(settings):
    """A queue of this test's own, so parallel runs on one Redis never take each other's tasks."""
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = previous


def start_celery_worker(queue: str, *, extra_env: dict[str, str] | None = None, name: str = "w1"):
    """Start `celery worker` against the test database; returns the Popen (caller stops it)."""
    env = _worker_env(queue)
    env.update(extra_env or {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "-c", "2",
         "-n", f"{name}-{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-l", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 30
    assert proc.stdout is not None
    for line in proc.stdout:
        if "ready." in line:
            break
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError("celery worker did not start: " + line)
    return proc


def stop_process(proc) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def celery_worker(transactional_db, celery_queue):
    """A real worker on Redis and the test database. Tests using it commit their data
    (transactional_db), because the worker reads through its own connection."""
    proc = start_celery_worker(celery_queue)
    yield proc
    stop_process(proc)


def wait_until(predicate, *, timeout: float = 20.0, interval: float = 0.1, explain=None, every=None):
    """Poll until `predicate()` is truthy; returns its value or fails the test, with what
    `explain()` says (a worker's output, say) so that a failure on CI can be read.
    `every=(seconds, action)` calls `action()` at the start and again each `seconds` while waiting."""
    end = time.monotonic() + timeout
    next_action = time.monotonic()
    while time.monotonic() < end:
        if every is not None and time.monotonic() >= next_action:
            every[1]()
            next_action = time.monotonic() + every[0]
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    detail = f":\n{explain()}" if explain is not None else ""
    pytest.fail(f"condition not met within {timeout}s{detail}")


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to this test's own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)
