"""activation.created for webhooks (no personal data) and the per-process trigger cache."""

import json

import pytest

from contingency import triggers
from contingency.models import Activation
from webhooks import services as webhooks
from webhooks.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(admin_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    webhooks.subscription_create(actor=admin_user, url="http://127.0.0.1:9/hooks",
                                 events=["activation.created", "activation.transitioned"], secret="s" * 32)


def test_an_activation_publishes_activation_created(subscribed, group, agent, committed_case):
    case = committed_case(actor=agent, severity="critical")

    event = Event.objects.get(type="activation.created")
    assert event.data["case_ids"] == [case.pk]
    assert event.data["activation_id"] == Activation.objects.get().pk


def test_activation_created_carries_no_personal_data(subscribed, group, agent, committed_case):
    committed_case(actor=agent, severity="critical")

    body = json.dumps(Event.objects.get(type="activation.created").data, ensure_ascii=False)
    assert "张三" not in body and "13800001234" not in body and "LN-2024" not in body


def test_a_drill_publishes_nothing(subscribed, group, lead, conduct_playbook):
    from contingency.services import drill_schedule

    drill_schedule(actor=lead, playbook=conduct_playbook, scheduled_for=None)

    assert not Event.objects.exists()


def test_the_trigger_cache_serves_repeated_checks_without_queries(conduct_playbook, django_assert_num_queries):
    triggers.active_triggers()

    with django_assert_num_queries(0):
        triggers.active_triggers()


def test_a_playbook_save_clears_the_cache(lead, conduct_playbook):
    from tests.api.conftest import client_for

    assert any(t.playbook_id == conduct_playbook.pk for t in triggers.active_triggers())
    client_for(lead).patch(f"/api/v1/playbooks/{conduct_playbook.pk}/", {"status": "retired"}, format="json")

    assert not any(t.playbook_id == conduct_playbook.pk for t in triggers.active_triggers())


def test_another_process_sees_the_change_through_the_generation(conduct_playbook, monkeypatch):
    triggers.active_triggers()
    monkeypatch.setitem(triggers._state, "checked_at", 0.0)
    triggers._state["triggers"] = []  # a stale copy, as another process might hold
    triggers.cache.set(triggers.GENERATION_KEY, "changed-elsewhere")

    assert any(t.playbook_id == conduct_playbook.pk for t in triggers.active_triggers())


def test_an_ordinary_intake_check_costs_two_queries(agent, django_assert_num_queries):
    from contingency.receivers import activation_check_case
    from tests.factories import make_case

    case = make_case(actor=agent)
    triggers.active_triggers()
    with django_assert_num_queries(2):  # the case's facts, the volume count of its category
        activation_check_case(case_id=case.pk)
