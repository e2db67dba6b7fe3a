"""API test helpers: clients that authenticate with a real token, as integrators do."""

from __future__ import annotations

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import make_case


def _reseed_if_flushed() -> None:
    """Put back what migrations create (content types, permissions, roles, categories,
    calendar, SLA policies) after a transactional test's flush emptied every table.

    Without this a --reuse-db run that follows a live-server or worker test starts with no
    roles or categories.
    """
    if Group.objects.exists():
        return
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    graph = MigrationLoader(connection).graph
    plan = list(dict.fromkeys(key for leaf in graph.leaf_nodes() for key in graph.forwards_plan(leaf)))
    with connection.schema_editor() as schema_editor:
        for key in plan:
            for operation in graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    operation.code(django_apps, schema_editor)


@pytest.fixture(scope="session", autouse=True)
def _seed_data_survives_live_server_tests(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _reseed_if_flushed()
    yield
    with django_db_blocker.unblock():
        _reseed_if_flushed()


@pytest.fixture
def live_api(live_server, transactional_db):
    """The live server on a committed database that still has its roles and categories.

    Tests using it are marked `django_db(transaction=True, serialized_rollback=True)`, like the
    other process-level tests, so their flushes and reloads do not collide.
    """
    _reseed_if_flushed()
    return live_server


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api():
    """`api(user)` → an APIClient sending that user's token; `api(None)` is anonymous."""
    return client_for


@pytest.fixture
def case_a(agent):
    """A case of team A, created by the team's agent."""
    return make_case(actor=agent)


def case_url(case, suffix: str = "") -> str:
    return f"/api/v1/complaints/{case.pk}/{suffix}"


def error_codes(response) -> dict[str | None, str]:
    """{attr: code} of an API.md error body, after checking its shape."""
    body = response.json()
    assert set(body) == {"type", "errors"}
    assert all(set(item) == {"attr", "code", "detail"} for item in body["errors"])
    return {item["attr"]: item["code"] for item in body["errors"]}
