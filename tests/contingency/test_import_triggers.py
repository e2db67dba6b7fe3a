"""The bulk import runs the automatic activation as single creates would (the batch's one signal)."""

import pytest

from complaints.api.import_inputs import import_batch_validate
from complaints.services.imports import cases_import
from contingency.models import Activation, ActivationCase
from tests.factories import case_payload, make_case

pytestmark = pytest.mark.django_db

SPIKE = 12  # the mass-complaint playbook: 10 cases of one category within 60 minutes


def import_committed(actor, payloads, capture):
    items, _ = import_batch_validate({"cases": payloads})
    with capture(execute=True):
        return cases_import(actor=actor, items=items)


def linked_to(playbook):
    return set(ActivationCase.objects.filter(activation__playbook=playbook).values_list("case_id", flat=True))


def test_an_imported_spike_opens_one_activation_with_every_case(
    group, agent, mass_playbook, django_capture_on_commit_callbacks
):
    outcomes = import_committed(
        agent, [case_payload(category="wrong_information", summary=f"投诉{i}") for i in range(SPIKE)],
        django_capture_on_commit_callbacks,
    )

    assert Activation.objects.filter(playbook=mass_playbook).count() == 1
    assert linked_to(mass_playbook) == {o.case_id for o in outcomes}


def test_imported_cases_join_a_spike_of_single_creates(group, agent, mass_playbook, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        singles = [make_case(actor=agent, category="wrong_information").pk for _ in range(10)]

    outcomes = import_committed(
        agent, [case_payload(category="wrong_information"), case_payload(category="wrong_information")],
        django_capture_on_commit_callbacks,
    )

    assert linked_to(mass_playbook) == {*singles, *(o.case_id for o in outcomes)}


def test_an_imported_critical_case_opens_its_categorys_activation(
    group, agent, conduct_playbook, django_capture_on_commit_callbacks
):
    outcomes = import_committed(
        agent, [case_payload(), case_payload(severity="critical")], django_capture_on_commit_callbacks
    )

    assert linked_to(conduct_playbook) == {outcomes[1].case_id}


def test_old_cases_imported_at_once_are_no_spike(group, agent, mass_playbook, django_capture_on_commit_callbacks):
    import_committed(
        agent,
        [case_payload(category="wrong_information", received_at="2025-01-01T10:00:00+08:00") for _ in range(SPIKE)],
        django_capture_on_commit_callbacks,
    )

    assert not Activation.objects.filter(playbook=mass_playbook).exists()
