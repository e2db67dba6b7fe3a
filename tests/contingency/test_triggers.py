"""Automatic activation from case events (after commit)."""

import pytest

from complaints.models import CaseEvent
from contingency.models import Activation, ActivationCase
from notifications.models import Delivery, Notification
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_a_critical_case_opens_an_activation_of_its_categorys_playbook(group, agent, committed_case, conduct_playbook):
    case = committed_case(actor=agent, severity="critical")

    activation = Activation.objects.get(case_links__case=case)
    assert (activation.playbook, activation.trigger, activation.state) == (conduct_playbook, "auto", "activated")


@pytest.mark.parametrize("flag", ["regulator_referral", "media_exposure", "self_harm_risk", "violence_threat"])
def test_each_serious_risk_flag_opens_an_activation(group, agent, committed_case, flag):
    case = committed_case(actor=agent, risk_flags=[flag])

    assert Activation.objects.filter(case_links__case=case, is_drill=False).count() == 1


def test_an_ordinary_case_opens_no_activation(group, agent, committed_case):
    committed_case(actor=agent, severity="high", risk_flags=["litigation_threat"])

    assert Activation.objects.count() == 0


def test_no_activation_before_the_case_commits(group, agent):
    make_case(actor=agent, severity="critical")  # on_commit callbacks never run here

    assert Activation.objects.count() == 0


def test_a_second_matching_case_joins_the_open_activation(group, agent, committed_case):
    first = committed_case(actor=agent, severity="critical")
    second = committed_case(actor=agent, risk_flags=["media_exposure"])

    activation = Activation.objects.get()
    assert set(activation.case_links.values_list("case_id", flat=True)) == {first.pk, second.pk}


def test_a_case_joining_by_itself_is_on_the_shared_timeline_through_its_own_entry_only(
    group, agent, committed_case, lead
):
    from contingency.selectors import activation_events_for

    committed_case(actor=agent, severity="critical")
    second = committed_case(actor=agent, risk_flags=["media_exposure"])
    activation = Activation.objects.get()

    timeline = activation_events_for(actor=lead, activation_id=activation.pk)

    linked = [e for e in timeline if e["kind"] == "case_linked"]
    covered = [e["case"]["id"] for e in timeline if e["source"] == "case" and e["kind"] == "activation"]
    assert len(linked) == 1  # the opening's, not one more per joining case
    assert second.pk in covered


def test_activation_copies_the_versions_steps_into_tasks_with_due_times(activation):
    steps = activation.playbook_version.steps
    tasks = list(activation.tasks.order_by("order"))

    assert [t.title for t in tasks] == [s["title"] for s in sorted(steps, key=lambda s: s["order"])]
    assert (tasks[0].due_at - activation.activated_at).total_seconds() == steps[0]["due_within"]


def test_activation_writes_an_activation_entry_on_the_case_timeline(activation):
    link = activation.case_links.get()

    event = CaseEvent.objects.get(case_id=link.case_id, kind="activation")
    assert event.data["activation_id"] == activation.pk


def test_activation_notifies_the_lead_and_on_duty_members_on_every_channel(activation, lead, member):
    notes = Notification.objects.filter(kind="activation")

    assert set(notes.values_list("recipient__username", flat=True)) == {"lead", "member"}
    assert activation.lead == lead


def test_activation_notifications_go_out_by_email_and_sms(activation, lead):
    lead.email, lead.phone = "lead@bank.cn", "13800009999"
    lead.save()
    Notification.objects.all().delete()
    from contingency.services.activations import _alert

    _alert(activation, case_count=1)

    assert set(Delivery.objects.filter(notification__recipient=lead).values_list("channel", flat=True)) == {"email", "sms"}


def test_later_transitions_of_a_covered_case_do_not_reopen_the_playbook(activation, agent, django_capture_on_commit_callbacks):
    from complaints import services

    case_id = activation.case_links.get().case_id
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case_id=case_id, name="start_verification", actor=agent)

    assert Activation.objects.count() == 1


def test_ten_cases_of_one_category_within_the_hour_open_one_mass_activation(group, agent, committed_case, mass_playbook):
    cases = [committed_case(actor=agent, category="fee_dispute") for _ in range(10)]

    activation = Activation.objects.get(playbook=mass_playbook)
    assert set(ActivationCase.objects.filter(activation=activation).values_list("case_id", flat=True)) == {
        c.pk for c in cases
    }


def test_nine_cases_open_no_mass_activation(group, agent, committed_case, mass_playbook):
    for _ in range(9):
        committed_case(actor=agent, category="fee_dispute")

    assert not Activation.objects.filter(playbook=mass_playbook).exists()


def test_an_emergency_escalation_opens_an_activation(group, agent, conduct_playbook):
    from contingency.receivers import on_case_escalated

    case = make_case(actor=agent)
    on_case_escalated(None, case_id=case.pk, level=3, deadline_id=None)

    assert Activation.objects.get(case_links__case=case).playbook == conduct_playbook


def test_a_supervisor_escalation_opens_nothing(group, agent):
    from contingency.receivers import on_case_escalated

    case = make_case(actor=agent)
    on_case_escalated(None, case_id=case.pk, level=2, deadline_id=None)

    assert Activation.objects.count() == 0


def escalations(*pairs):
    return [{"case_id": case.pk, "deadline_id": None, "deadline_kind": "final_answer", "level": level}
            for case, level in pairs]


def test_a_batch_of_emergency_escalations_opens_one_activation_covering_each_case(group, agent, conduct_playbook):
    from contingency.receivers import on_cases_escalated

    first, second = make_case(actor=agent), make_case(actor=agent)
    on_cases_escalated(None, escalations=escalations((first, 3), (second, 3)))

    assert set(ActivationCase.objects.values_list("activation__playbook", "case")) == {
        (conduct_playbook.pk, first.pk), (conduct_playbook.pk, second.pk)
    }


def test_a_later_batch_joins_the_open_activation(group, agent, conduct_playbook):
    from contingency.receivers import on_cases_escalated

    first, second, third = make_case(actor=agent), make_case(actor=agent), make_case(actor=agent)
    on_cases_escalated(None, escalations=escalations((first, 3)))
    on_cases_escalated(None, escalations=escalations((second, 3), (third, 3)))

    assert Activation.objects.get().case_links.count() == 3


def test_a_batch_links_only_its_emergency_escalations(group, agent):
    from contingency.receivers import on_cases_escalated

    emergency, supervisor = make_case(actor=agent), make_case(actor=agent)
    on_cases_escalated(None, escalations=escalations((emergency, 3), (supervisor, 2)))

    assert list(ActivationCase.objects.values_list("case", flat=True)) == [emergency.pk]


def test_tasks_go_to_a_member_of_their_department(activation, member, lead):
    tasks = {t.department: t.assignee_id for t in activation.tasks.all()}

    assert (tasks["customer_service"], tasks["compliance"], tasks["legal"]) == (member.pk, lead.pk, None)
