"""The bulk import publishes one `case.created` per stored case, as single creates would."""

import pytest

from complaints.api.import_inputs import import_batch_validate
from complaints.services.imports import cases_import
from tests.factories import case_payload
from webhooks import services
from webhooks.models import Event

pytestmark = pytest.mark.django_db


def test_an_imported_batch_publishes_case_created_for_each_case(admin_user, agent, django_capture_on_commit_callbacks):
    services.subscription_create(
        actor=admin_user, url="https://hooks.example.com/in", events=["case.created"], secret="s3cret-for-tests-only"
    )
    items, _ = import_batch_validate({"cases": [case_payload(), case_payload(summary="第二件")]})

    with django_capture_on_commit_callbacks(execute=True):
        outcomes = cases_import(actor=agent, items=items)

    published = Event.objects.filter(type="case.created").order_by("data__case_id")
    assert [(e.data["case_id"], e.data["reference"]) for e in published] == [(o.case_id, o.reference) for o in outcomes]
