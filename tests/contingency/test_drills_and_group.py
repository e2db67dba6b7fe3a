"""Drills, the group with its rota, and training records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import CaseEvent, ComplaintCase
from contingency.models import Activation, Drill, TrainingRecord
from contingency.selectors import members_untrained, shifts_between
from contingency.services import drills_start_due
from notifications.models import Notification
from tests.api.conftest import client_for, error_codes

pytestmark = pytest.mark.django_db


def start_drill(lead, playbook):
    response = client_for(lead).post("/api/v1/drills/", {"playbook": playbook.pk}, format="json")
    assert response.status_code == 201
    return Drill.objects.get(pk=response.json()["id"])


def run_drill_to_resolution(lead, member, drill, *, on_time_tasks):
    activation = drill.activation
    client_for(lead).post(f"/api/v1/activations/{activation.pk}/transitions/acknowledge/")
    for task in activation.tasks.order_by("order")[:on_time_tasks]:
        client_for(member).post(f"/api/v1/activations/{activation.pk}/tasks/{task.pk}/complete/", {}, format="json")
    client_for(lead).post(f"/api/v1/activations/{activation.pk}/transitions/resolve/",
                          {"override_reason": "演练结束"}, format="json")


def test_a_drill_started_now_runs_a_drill_activation_without_cases(group, lead, conduct_playbook):
    drill = start_drill(lead, conduct_playbook)

    activation = Activation.objects.get(pk=drill.activation_id)
    assert (activation.is_drill, activation.case_links.count(), activation.tasks.count()) == (True, 0, 8)


def test_every_drill_notification_is_marked_as_a_drill(group, lead, conduct_playbook):
    start_drill(lead, conduct_playbook)

    notes = Notification.objects.filter(kind="activation")
    assert notes.exists() and not notes.filter(is_drill=False).exists()


def test_a_drill_touches_no_customer_case(group, lead, member, agent, conduct_playbook):
    from tests.factories import make_case

    case = make_case(actor=agent)
    events_before = CaseEvent.objects.count()
    drill = start_drill(lead, conduct_playbook)
    run_drill_to_resolution(lead, member, drill, on_time_tasks=4)

    assert CaseEvent.objects.count() == events_before
    assert ComplaintCase.objects.get(pk=case.pk).version == case.version


def test_a_drill_does_not_block_a_real_activation(group, lead, agent, committed_case, conduct_playbook):
    start_drill(lead, conduct_playbook)
    committed_case(actor=agent, severity="critical")

    assert Activation.objects.filter(playbook=conduct_playbook, is_drill=False).count() == 1


def test_a_resolved_drill_reports_its_metrics(group, lead, member, conduct_playbook):
    drill = start_drill(lead, conduct_playbook)
    run_drill_to_resolution(lead, member, drill, on_time_tasks=4)

    body = client_for(lead).get(f"/api/v1/drills/?playbook={conduct_playbook.pk}").json()
    row = body["results"][0]
    assert (row["tasks_on_time_ratio"], row["results"]["tasks_on_time_ratio"]) == (0.5, 0.5)
    assert row["time_to_acknowledge"].startswith("PT")


def test_a_scheduled_drill_starts_when_due(group, lead, conduct_playbook):
    drill = Drill.objects.create(playbook=conduct_playbook, scheduled_for=timezone.now() - timedelta(seconds=5),
                                 created_by=lead)

    assert drills_start_due() == 1
    drill.refresh_from_db()
    assert drill.activation.is_drill


def test_a_future_drill_waits(group, lead, conduct_playbook):
    response = client_for(lead).post(
        "/api/v1/drills/", {"playbook": conduct_playbook.pk, "scheduled_for": "2099-01-01T10:00:00+08:00"},
        format="json",
    )

    assert response.json()["activation"] is None
    assert drills_start_due() == 0


def test_a_drill_of_an_unknown_playbook_is_a_400(lead):
    response = client_for(lead).post("/api/v1/drills/", {"playbook": 999999}, format="json")

    assert (response.status_code, set(error_codes(response))) == (400, {"playbook"})
    assert not Drill.objects.exists()


def test_manual_activation_of_an_unknown_playbook_is_a_400(lead):
    response = client_for(lead).post("/api/v1/activations/", {"playbook": 999999, "cases": []}, format="json")

    assert (response.status_code, set(error_codes(response))) == (400, {"playbook"})
    assert not Activation.objects.exists()


def test_manual_activation_with_an_unknown_case_is_a_400_and_writes_nothing(lead, agent, conduct_playbook):
    from tests.factories import make_case

    case = make_case(actor=agent)
    response = client_for(lead).post(
        "/api/v1/activations/", {"playbook": conduct_playbook.pk, "cases": [case.pk, 99999999]}, format="json"
    )

    assert (response.status_code, set(error_codes(response))) == (400, {"cases.1"})
    assert not Activation.objects.exists()


def test_members_list_shows_role_department_and_on_duty(group, lead, supervisor):
    body = client_for(supervisor).get("/api/v1/emergency-group/members/").json()

    rows = {r["user"]["username"]: (r["role"], r["department"], r["on_duty"]) for r in body["results"]}
    assert rows == {"lead": ("lead", "compliance", True), "member": ("member", "customer_service", True)}


def test_a_member_off_shift_is_not_on_duty(lead):
    from contingency.models import GroupMember

    GroupMember.objects.create(user=lead, role="lead", department="risk")
    body = client_for(lead).get("/api/v1/emergency-group/members/").json()

    assert body["results"][0]["on_duty"] is False


def test_rota_for_a_date_range(group):
    now = timezone.now()

    assert shifts_between(start=now + timedelta(days=1), end=now + timedelta(days=2)).count() == 0
    assert shifts_between(start=now, end=now + timedelta(hours=1)).count() == 2


def test_untrained_members_per_active_version(group, lead, member, conduct_playbook):
    version = conduct_playbook.versions.get(status="active")
    TrainingRecord.objects.create(user=lead, playbook_version=version, trained_at=timezone.now())

    gaps = {v.playbook_id: [m.user.username for m in members] for v, members in members_untrained()}
    assert gaps[conduct_playbook.pk] == ["member"]


def test_a_new_version_makes_everyone_untrained_again(group, lead, conduct_playbook):
    version = conduct_playbook.versions.get(status="active")
    TrainingRecord.objects.create(user=lead, playbook_version=version, trained_at=timezone.now())
    client_for(lead).patch(f"/api/v1/playbooks/{conduct_playbook.pk}/", {"key_points": ["新"]}, format="json")

    gaps = {v.playbook_id: [m.user.username for m in members] for v, members in members_untrained()}
    assert sorted(gaps[conduct_playbook.pk]) == ["lead", "member"]


def test_training_recorded_twice_is_a_400(lead, member, conduct_playbook):
    data = {"user": member.pk, "playbook": conduct_playbook.pk, "trained_at": "2026-11-01T10:00:00+08:00"}
    client_for(lead).post("/api/v1/training-records/", data, format="json")

    response = client_for(lead).post("/api/v1/training-records/", data, format="json")
    assert (response.status_code, TrainingRecord.objects.count()) == (400, 1)


def test_a_recurring_drill_schedules_the_next_one_when_it_starts(group, lead, conduct_playbook):
    response = client_for(lead).post("/api/v1/drills/", {"playbook": conduct_playbook.pk, "repeat_every": "P90D"},
                                     format="json")

    first = Drill.objects.get(pk=response.json()["id"])
    following = Drill.objects.exclude(pk=first.pk).get()
    assert following.scheduled_for - first.scheduled_for == timedelta(days=90)
    assert following.started_at is None
