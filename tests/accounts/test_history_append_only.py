"""PostgreSQL refuses to change or delete configuration history, whatever sends the SQL; deleting
a user may still clear their name from the rows of their changes."""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from complaints.models import SlaPolicy
from tests.factories import UserFactory
from tests.reference_data import PROJECT_APPS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's"),
]


def _raw(sql: str, params: list) -> None:
    # In a savepoint, so that the test's transaction survives the refusal.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _policy_change(user) -> int:
    policy = SlaPolicy.objects.get(category__code="fee_dispute", severity="normal")
    policy.acknowledge_within = policy.acknowledge_within * 2
    policy._history_user = user
    policy.save()
    return SlaPolicy.history.latest("history_id").history_id


def test_raw_update_of_a_policy_change_is_refused(admin_user):
    history_id = _policy_change(admin_user)

    with pytest.raises(IntegrityError, match="append-only: UPDATE on complaints_historicalslapolicy"):
        _raw("UPDATE complaints_historicalslapolicy SET acknowledge_within = %s WHERE history_id = %s",
             ["1 hour", history_id])


def test_raw_delete_of_a_policy_change_is_refused(admin_user):
    history_id = _policy_change(admin_user)

    with pytest.raises(IntegrityError, match="append-only: DELETE on complaints_historicalslapolicy"):
        _raw("DELETE FROM complaints_historicalslapolicy WHERE history_id = %s", [history_id])


def test_clearing_the_user_of_a_change_together_with_another_field_is_refused(admin_user):
    history_id = _policy_change(admin_user)

    with pytest.raises(IntegrityError, match="append-only"):
        _raw("UPDATE complaints_historicalslapolicy SET history_user_id = NULL, acknowledge_within = %s "
             "WHERE history_id = %s", ["1 hour", history_id])


def test_a_user_whose_history_is_a_password_change_can_be_deleted(admin_user):
    user = UserFactory()
    user.set_password("a-new-long-passphrase")
    user._history_user = user
    user.save()  # a history row naming the user, and no entry in the auditors' feed
    user_id, history = user.pk, user.history.model.objects
    rows = history.filter(id=user_id).count()
    user._history_user = admin_user  # who deletes

    user.delete()

    assert history.filter(id=user_id).count() == rows + 1  # the deletion's own row
    assert not history.filter(history_user_id=user_id).exists()


def test_every_history_table_of_the_project_refuses_changes():
    tables = {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and model.__name__.startswith("Historical")
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = c.relname || '_append_only' AND NOT t.tgisinternal"
        )
        guarded = {name for (name,) in cursor.fetchall()}

    assert tables and tables <= guarded, sorted(tables - guarded)
