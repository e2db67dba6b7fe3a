"""cases_import: a batch stores what the same number of single creates would store, set-based."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from common.exceptions import ActionNotPermitted
from common.pii import reveal
from complaints import signals
from complaints.api.import_inputs import import_batch_validate
from complaints.models import CaseEvent, ComplaintCase
from complaints.services.imports import cases_import
from tests.factories import case_payload, create_from_payload

pytestmark = pytest.mark.django_db

RECEIVED = "2026-11-28T10:00:00+08:00"
CASE_FIELDS = (
    "state",
    "category_id",
    "severity",
    "channel",
    "summary",
    "description",
    "received_at",
    "collection_channel",
    "risk_flags",
    "external_id",
    "team_id",
    "assignee_id",
    "created_by_id",
    "is_repeat",
    "escalation_level",
    "is_breached",
    "extension_count",
    "sla_terms",
    "version",
    "phone_index",
    "id_number_index",
    "account_index",
)
PII_FIELDS = (
    "complainant_name",
    "complainant_phone",
    "complainant_id_number",
    "complainant_email",
    "account_reference",
)


def run_import(actor, payloads):
    items, refused = import_batch_validate({"cases": payloads})
    return sorted([*refused, *cases_import(actor=actor, items=items)], key=lambda o: o.index)


def stored_as(case_id):
    """Everything a user can notice of a new case: its row (personal data in clear), timeline and deadlines."""
    case = ComplaintCase.objects.get(pk=case_id)
    row = {name: getattr(case, name) for name in CASE_FIELDS}
    row.update({name: reveal(getattr(case, name)) for name in PII_FIELDS})
    events = list(
        CaseEvent.objects.filter(case=case).values_list(
            "kind", "actor", "summary", "data", "transition", "from_state", "to_state"
        )
    )
    deadlines = list(
        case.deadlines.order_by("kind").values_list(
            "kind",
            "state",
            "started_at",
            "due_at",
            "warn_at",
            "next_check_at",
            "breached",
            "escalation_level",
        )
    )
    return row, events, deadlines, case.reference[:10] == f"TS{timezone.localdate(case.created_at):%Y%m%d}"


def test_an_imported_case_is_stored_as_a_single_create_stores_it(agent):
    payload = case_payload(received_at=RECEIVED, risk_flags=["media_exposure"], external_id="OLD-1")
    with transaction.atomic():
        single = stored_as(create_from_payload(actor=agent, payload=payload).pk)
        transaction.set_rollback(True)

    [outcome] = run_import(agent, [payload])

    assert stored_as(outcome.case_id) == single


def test_an_imported_case_gets_its_reference_from_its_id(agent):
    [outcome] = run_import(agent, [case_payload()])

    assert ComplaintCase.objects.get(pk=outcome.case_id).reference == outcome.reference
    assert outcome.reference.endswith(f"{outcome.case_id:07d}")


def test_a_bad_item_is_refused_and_the_good_ones_are_stored(agent):
    outcomes = run_import(agent, [case_payload(), case_payload(complainant={"name": "张三", "phone": "12"})])

    assert [o.status for o in outcomes] == [201, 400]
    assert ComplaintCase.objects.count() == 1


def test_a_bad_item_names_its_field_as_the_single_create_does(agent):
    [_good, bad] = run_import(
        agent, [case_payload(), case_payload(complainant={"name": "张三", "phone": "12"})]
    )

    assert {attr: [code for code, _ in pairs] for attr, pairs in bad.errors.items()} == {
        "complainant.phone": ["invalid_phone"]
    }


def test_a_later_case_of_the_same_phone_in_the_batch_is_a_repeat(agent):
    earlier = case_payload(received_at="2026-11-20T10:00:00+08:00")
    later = case_payload(received_at=RECEIVED)

    outcomes = run_import(agent, [earlier, later])

    repeats = dict(ComplaintCase.objects.values_list("pk", "is_repeat"))
    assert [repeats[o.case_id] for o in outcomes] == [False, True]


def test_an_imported_case_is_a_repeat_of_a_stored_one(agent):
    create_from_payload(actor=agent, payload=case_payload(received_at="2026-11-20T10:00:00+08:00"))

    [outcome] = run_import(agent, [case_payload(received_at=RECEIVED)])

    assert ComplaintCase.objects.get(pk=outcome.case_id).is_repeat


def test_cases_of_other_phones_are_not_repeats(agent):
    outcomes = run_import(
        agent,
        [
            case_payload(complainant={"name": "张三", "phone": "13800001111"}),
            case_payload(complainant={"name": "李四", "phone": "13800002222"}),
        ],
    )

    assert not ComplaintCase.objects.filter(pk__in=[o.case_id for o in outcomes], is_repeat=True).exists()


def test_a_replayed_batch_stores_nothing_new_and_returns_the_same_cases(agent):
    batch = [case_payload(idempotency_key="K-1"), case_payload(idempotency_key="K-2", summary="第二件")]
    first = run_import(agent, batch)

    again = run_import(agent, batch)

    assert [(o.status, o.case_id) for o in again] == [(200, o.case_id) for o in first]
    assert ComplaintCase.objects.count() == 2


def test_a_key_reused_with_another_case_is_a_409_for_that_item(agent):
    run_import(agent, [case_payload(idempotency_key="K-1")])

    [outcome] = run_import(agent, [case_payload(idempotency_key="K-1", summary="另一件投诉")])

    assert (outcome.status, list(outcome.errors)) == (409, ["idempotency_key"])


def test_a_key_given_twice_in_a_batch_stores_one_case(agent):
    outcomes = run_import(agent, [case_payload(idempotency_key="K-1"), case_payload(idempotency_key="K-1")])

    assert [o.status for o in outcomes] == [201, 200]
    assert outcomes[0].case_id == outcomes[1].case_id


def test_the_key_of_a_refused_item_can_be_used_again(agent):
    create_from_payload(actor=agent, payload=case_payload(external_id="CC-1"))
    [refused] = run_import(agent, [case_payload(idempotency_key="K-1", external_id="CC-1")])

    [fixed] = run_import(agent, [case_payload(idempotency_key="K-1", external_id="CC-2")])

    assert (refused.status, fixed.status) == (400, 201)


def test_an_external_id_used_before_is_refused_for_that_item(agent):
    create_from_payload(actor=agent, payload=case_payload(external_id="CC-9912"))

    [outcome] = run_import(agent, [case_payload(external_id="CC-9912")])

    assert (outcome.status, list(outcome.errors)) == (400, ["external_id"])


def test_an_external_id_given_twice_in_a_batch_stores_the_first(agent):
    outcomes = run_import(agent, [case_payload(external_id="CC-1"), case_payload(external_id="CC-1")])

    assert [o.status for o in outcomes] == [201, 400]


def test_the_stored_cases_are_announced_once_after_commit(agent, django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, *, case_ids, actor_id, **kwargs):
        heard.append((case_ids, actor_id))

    signals.cases_created.connect(receiver, dispatch_uid="test-import-heard")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outcomes = run_import(agent, [case_payload(), case_payload(summary="第二件")])
    finally:
        signals.cases_created.disconnect(dispatch_uid="test-import-heard")

    assert heard == [([o.case_id for o in outcomes], agent.pk)]


def test_a_replayed_item_is_not_announced_again(agent, django_capture_on_commit_callbacks):
    run_import(agent, [case_payload(idempotency_key="K-1")])

    with django_capture_on_commit_callbacks() as callbacks:
        run_import(agent, [case_payload(idempotency_key="K-1")])

    assert callbacks == []


def test_a_role_that_may_not_create_cannot_import(auditor):
    with pytest.raises(ActionNotPermitted):
        run_import(auditor, [case_payload()])


def test_deadlines_count_from_each_cases_receipt(agent):
    received = timezone.now() - timedelta(days=3)
    [outcome] = run_import(agent, [case_payload(received_at=received.isoformat())])

    assert set(
        ComplaintCase.objects.get(pk=outcome.case_id).deadlines.values_list("started_at", flat=True)
    ) == {received}


def test_every_receiver_of_case_created_also_hears_the_batch_form():
    def apps_of(signal):
        return {receiver.__module__.split(".")[0] for receiver in signal._live_receivers(None)[0]}

    assert apps_of(signals.cases_created) == apps_of(signals.case_created)
