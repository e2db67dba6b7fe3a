"""The same batch sent twice at the same moment, on two real connections, is stored once."""

import threading

import pytest
from django.db import connections

from conduct import services
from conduct.models import CollectionContact, ConductBreach
from conduct.validation import contact_rows_validate
from tests.conduct.helpers import row
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(*targets) -> list:
    results: list = [None] * len(targets)

    def run(i, target):
        try:
            results[i] = target()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_a_batch_sent_twice_at_once_is_stored_once(callcenter, monkeypatch):
    rows = contact_rows_validate({"contacts": [row(f"S{i}") for i in range(200)]})
    barrier = threading.Barrier(2, timeout=10)
    original = services._known_source_ids

    def look_then_wait(client, batch):
        known = original(client, batch)  # both see nothing stored yet
        barrier.wait()
        return known

    monkeypatch.setattr(services, "_known_source_ids", look_then_wait)

    results = _in_threads(*(lambda: services.contacts_import(actor=callcenter, rows=rows) for _ in range(2)))

    assert sorted((r.created, r.unchanged) for r in results) == [(0, 200), (200, 0)]
    assert CollectionContact.objects.count() == 200


def test_two_checks_of_one_case_at_once_leave_one_current(agent, callcenter):
    case = make_case(actor=agent, received_at="2026-11-28T10:00:00+08:00")
    services.contacts_import(actor=callcenter, rows=contact_rows_validate(
        {"contacts": [row("N1", at="2026-11-20T22:30:00+08:00")]}))

    results = _in_threads(*(lambda: services.conduct_check_record(case=case, actor=agent) for _ in range(2)))

    latest = max(r.pk for r in results)
    assert list(ConductBreach.objects.filter(is_current=True).values_list("check_run_id", flat=True)) == [latest]
