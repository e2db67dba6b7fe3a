"""Two identical batches at once, on two PostgreSQL connections: each case is stored once."""

import threading

import pytest
from django.db import connections

from complaints.api.import_inputs import import_batch_validate
from complaints.choices import EventKind
from complaints.models import CaseEvent, ComplaintCase
from complaints.services import imports
from tests.factories import case_payload

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_identical_batches_at_once_store_each_case_once(agent, monkeypatch):
    batch = [case_payload(idempotency_key=f"K-{i}", summary=f"投诉{i}") for i in range(20)]
    barrier = threading.Barrier(2, timeout=10)
    original = imports._claim_keys

    def claim_together(*args, **kwargs):
        barrier.wait()  # both transactions are open before either claims its keys
        return original(*args, **kwargs)

    monkeypatch.setattr(imports, "_claim_keys", claim_together)
    results: list = [None, None]

    def run(i):
        try:
            items, _ = import_batch_validate({"cases": batch})
            results[i] = imports.cases_import(actor=agent, items=items)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(sorted({o.status for o in r}) for r in results) == [[200], [201]]
    assert ComplaintCase.objects.count() == 20
    assert CaseEvent.objects.filter(kind=EventKind.CREATED).count() == 20
    assert [o.case_id for o in results[0]] == [o.case_id for o in results[1]]
