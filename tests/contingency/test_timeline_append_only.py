"""The activation's shared timeline is append-only, in the ORM and in PostgreSQL."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from contingency.models import ActivationEvent

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_update_of_an_activation_event_is_refused(activation):
    event = ActivationEvent.objects.filter(activation=activation).first()

    with pytest.raises(IntegrityError, match="append-only: UPDATE on contingency_activationevent"):
        _raw("UPDATE contingency_activationevent SET summary = %s WHERE id = %s", ["篡改", event.pk])


def test_raw_delete_of_an_activation_event_is_refused(activation):
    with pytest.raises(IntegrityError, match="append-only: DELETE on contingency_activationevent"):
        _raw("DELETE FROM contingency_activationevent WHERE activation_id = %s", [activation.pk])


def test_raw_insert_into_the_activation_timeline_still_works(activation):
    _raw(
        "INSERT INTO contingency_activationevent (activation_id, kind, at, department, summary, body, data) "
        "VALUES (%s, 'comment', now(), '', %s, '', '{}')",
        [activation.pk, "补充说明"],
    )

    assert ActivationEvent.objects.filter(activation=activation, summary="补充说明").exists()


def test_activation_event_cannot_be_changed_through_the_orm(activation):
    event = ActivationEvent.objects.filter(activation=activation).first()
    event.summary = "篡改"

    with pytest.raises(TypeError):
        event.save()


def test_activation_with_a_timeline_cannot_be_deleted(activation):
    with pytest.raises(ProtectedError):
        activation.delete()
