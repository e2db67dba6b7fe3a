"""The admin for supervisors: scoped changelists, search by reference, masked personal data,
edits and transitions through the services."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone, translation

from complaints.admin import CaseEventInline
from complaints.choices import EventKind
from complaints.models import CaseEvent, ComplaintCase
from tests.factories import TeamFactory, UserFactory, advance, make_case

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:complaints_complaintcase_changelist")


def _staff(user):
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(_staff(supervisor))
    return client


@pytest.fixture
def case_a(agent):
    return make_case(actor=agent, summary="催收电话过于频繁")


@pytest.fixture
def case_c(db):
    other = UserFactory(username="agent-c", role="agent", teams=[TeamFactory(code="team-c")])
    return make_case(actor=other, summary="其他组的投诉")


def _change_url(case) -> str:
    return reverse("admin:complaints_complaintcase_change", args=[case.pk])


def _act(client, action: str, *cases, **form):
    data = {"action": action, "_selected_action": [c.pk for c in cases], **form}
    if not form:
        data["index"] = 0
    return client.post(CHANGELIST, data, follow=True)


def test_changelist_loads_for_a_supervisor(supervisor_client, case_a):
    assert supervisor_client.get(CHANGELIST).status_code == 200


def test_changelist_lists_the_supervisors_cases(supervisor_client, case_a):
    assert case_a.reference in supervisor_client.get(CHANGELIST).content.decode()


def test_changelist_hides_other_teams_cases(supervisor_client, case_a, case_c):
    assert case_c.reference not in supervisor_client.get(CHANGELIST).content.decode()


def test_search_by_reference_finds_the_case(supervisor_client, agent, case_a):
    other = make_case(actor=agent, summary="另一件投诉")

    response = supervisor_client.get(CHANGELIST, {"q": case_a.reference})

    assert list(response.context["cl"].result_list) == [case_a] != [other]


def test_search_by_external_id_finds_the_case(supervisor_client, agent):
    case = make_case(actor=agent, external_id="CC-9912")

    response = supervisor_client.get(CHANGELIST, {"q": "CC-9912"})

    assert list(response.context["cl"].result_list) == [case]


def test_changelist_filters_by_state(supervisor_client, agent, case_a):
    verifying = advance(make_case(actor=agent), actor=agent, steps=1)

    response = supervisor_client.get(CHANGELIST, {"state__exact": "verify"})

    assert list(response.context["cl"].result_list) == [verifying]


def test_change_page_shows_personal_data_masked(supervisor_client, case_a):
    content = supervisor_client.get(_change_url(case_a)).content.decode()

    assert "138****1234" in content and "13800001234" not in content


def test_change_page_of_another_team_is_not_found(supervisor_client, case_c):
    response = supervisor_client.get(_change_url(case_c))

    assert response.status_code == 302 and response.url == reverse("admin:index")


def test_state_is_not_an_editable_field(supervisor_client, case_a):
    form = supervisor_client.get(_change_url(case_a)).context["adminform"].form

    assert "state" not in form.fields


def test_editing_severity_goes_through_the_service(supervisor_client, case_a):
    page = supervisor_client.get(_change_url(case_a))
    data = _form_data(page)
    data["severity"] = "high"

    supervisor_client.post(_change_url(case_a), data)

    case_a.refresh_from_db()
    assert (case_a.severity, case_a.version, CaseEvent.objects.filter(case=case_a).latest("id").kind) == (
        "high", 2, EventKind.UPDATE
    )


def test_edit_refused_by_the_service_changes_nothing(supervisor_client, agent_b, case_a):
    data = _form_data(supervisor_client.get(_change_url(case_a)))
    data.update(severity="high", assignee=agent_b.pk)

    response = supervisor_client.post(_change_url(case_a), data, follow=True)

    case_a.refresh_from_db()
    assert (case_a.severity, case_a.assignee, [m.level_tag for m in response.context["messages"]]) == (
        "normal", None, ["error"]
    )


def test_edit_with_a_future_receipt_time_shows_the_error(supervisor_client, case_a):
    data = _form_data(supervisor_client.get(_change_url(case_a)))
    data["received_at_0"] = "2099-01-01"

    response = supervisor_client.post(_change_url(case_a), data)

    assert "received_at" in response.context["adminform"].form.errors


def test_start_verification_action_fires_the_transition(supervisor_client, case_a):
    _act(supervisor_client, "transition_start_verification", case_a)

    case_a.refresh_from_db()
    assert case_a.state == "verify"


def test_action_writes_the_transition_to_the_timeline(supervisor_client, supervisor, case_a):
    _act(supervisor_client, "transition_start_verification", case_a)

    event = CaseEvent.objects.filter(case=case_a).latest("id")
    assert (event.transition, event.actor) == ("start_verification", supervisor)


def test_action_with_payload_first_asks_for_it(supervisor_client, case_a):
    response = _act(supervisor_client, "transition_withdraw", case_a)

    assert "reason" in response.context["form"].fields


def test_action_with_payload_fires_when_applied(supervisor_client, case_a):
    _act(supervisor_client, "transition_withdraw", case_a, apply="yes", reason="客户来电撤回投诉")

    case_a.refresh_from_db()
    assert (case_a.state, case_a.withdrawal_reason) == ("withdrawn", "客户来电撤回投诉")


def test_action_with_an_incomplete_form_changes_nothing(supervisor_client, case_a):
    response = _act(supervisor_client, "transition_withdraw", case_a, apply="yes", reason="")

    case_a.refresh_from_db()
    assert (case_a.state, bool(response.context["form"].errors)) == ("intake", True)


def test_action_reports_each_case_that_failed(supervisor_client, agent, case_a):
    verifying = advance(make_case(actor=agent), actor=agent, steps=1)

    response = _act(supervisor_client, "transition_start_verification", case_a, verifying)

    levels = sorted(m.level_tag for m in response.context["messages"])
    assert levels == ["error", "success"]


def test_auditor_sees_every_case_but_no_actions(client, auditor, case_a, case_c):
    client.force_login(_staff(auditor))

    response = client.get(CHANGELIST)

    assert (response.context["cl"].result_count, response.context["action_form"]) == (2, None)


def test_auditor_cannot_fire_an_action(client, auditor, case_a):
    client.force_login(_staff(auditor))

    _act(client, "transition_start_verification", case_a)

    case_a.refresh_from_db()
    assert case_a.state == "intake"


def test_non_staff_supervisor_is_sent_to_login(client, supervisor, case_a):
    client.force_login(supervisor)

    assert client.get(CHANGELIST).status_code == 302


def test_case_events_cannot_be_added(client, admin_user):
    client.force_login(admin_user)

    assert client.get(reverse("admin:complaints_caseevent_add")).status_code == 403


def test_cases_cannot_be_deleted(client, admin_user, case_a):
    client.force_login(admin_user)

    assert client.get(reverse("admin:complaints_complaintcase_delete", args=[case_a.pk])).status_code == 403


@pytest.mark.parametrize(
    "model",
    ["complaints_category", "complaints_complaintcase", "complaints_resolutionaction", "complaints_caseevent",
     "complaints_note", "complaints_communication", "complaints_piiaccesslog", "complaints_attachment",
     "complaints_slapolicy", "timers_deadline", "timers_escalationstep", "timers_calendarday",
     "timers_calendaryear"],
)
def test_every_model_has_a_working_changelist(client, admin_user, case_a, model):
    client.force_login(admin_user)

    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200


def test_supervisor_sees_only_their_cases_deadlines(supervisor_client, case_a, case_c):
    response = supervisor_client.get(reverse("admin:timers_deadline_changelist"))

    assert {d.object_id for d in response.context["cl"].result_list} == {case_a.pk}


def test_supervisor_sees_only_their_cases_events(supervisor_client, case_a, case_c):
    response = supervisor_client.get(reverse("admin:complaints_caseevent_changelist"))

    assert {e.case_id for e in response.context["cl"].result_list} == {case_a.pk}


def test_calendar_day_is_editable_by_an_admin(client, admin_user):
    client.force_login(admin_user)

    response = client.post(reverse("admin:timers_calendarday_add"),
                           {"date": "2027-10-01", "is_working_day": "", "name": "国庆节"})

    assert response.status_code == 302


def _form_data(page) -> dict:
    """The change form's current values as POST data, inlines' management forms included."""
    data = {}
    form = page.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if name == "received_at":
            local = timezone.localtime(form.initial["received_at"])
            data["received_at_0"], data["received_at_1"] = local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")
            continue
        data[name] = value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


def test_timeline_inline_shows_state_names(agent, case_a):
    case = advance(case_a, actor=agent, steps=1)
    event = CaseEvent.objects.filter(case=case).latest("id")
    inline = CaseEventInline(ComplaintCase, admin.site)

    with translation.override("en"):
        assert (inline.from_label(event), inline.to_label(event)) == ("Intake", "Verification")
