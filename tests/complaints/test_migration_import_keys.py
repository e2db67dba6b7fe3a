"""Migration 0024: the bulk import's earlier keys join the single create's scope."""

import importlib

import pytest
from django.apps import apps

from common.models import IdempotencyRecord

pytestmark = pytest.mark.django_db

migration = importlib.import_module("complaints.migrations.0024_import_keys_in_create_scope")


def record(user, scope, key, case_id):
    return IdempotencyRecord.objects.create(
        user=user, scope=scope, key=key, request_hash="h", status_code=201, response_body={"id": case_id}
    )


def test_an_import_key_moves_to_the_create_scope(agent):
    moved = record(agent, "complaints.import", "OLD-1", 1)

    migration.move_import_keys(apps, None)

    moved.refresh_from_db()
    assert moved.scope == "complaints.create"


def test_a_key_both_scopes_hold_keeps_the_single_creates_answer(agent):
    record(agent, "complaints.import", "OLD-1", 1)
    record(agent, "complaints.create", "OLD-1", 2)

    migration.move_import_keys(apps, None)

    assert IdempotencyRecord.objects.get(scope="complaints.create", key="OLD-1").response_body == {"id": 2}
    assert IdempotencyRecord.objects.filter(scope="complaints.import").count() == 1


def test_the_same_key_of_another_client_moves(agent, supervisor):
    record(agent, "complaints.create", "OLD-1", 2)
    theirs = record(supervisor, "complaints.import", "OLD-1", 1)

    migration.move_import_keys(apps, None)

    theirs.refresh_from_db()
    assert theirs.scope == "complaints.create"
