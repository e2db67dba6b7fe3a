"""Who may do what (docs/api-guide.md table), per role, on every contingency endpoint."""

import pytest

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ["agent", "supervisor", "lead", "member", "auditor", "callcenter", "admin_user"]


def allowed(*roles):
    return {role: role in roles for role in ROLES}


def status_ok(response) -> bool:
    assert response.status_code != 500
    return response.status_code < 400


def _user(request, role):
    return request.getfixturevalue(role)


READS = {
    "/api/v1/emergency-group/members/": allowed("supervisor", "lead", "member", "auditor", "admin_user"),
    "/api/v1/playbooks/": allowed("agent", "supervisor", "lead", "member", "auditor", "admin_user"),
    "/api/v1/activations/": allowed("supervisor", "lead", "member", "auditor", "admin_user"),
    "/api/v1/drills/": allowed("lead", "admin_user"),
    "/api/v1/training-records/": allowed("supervisor", "lead", "member", "auditor", "admin_user"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(READS))
def test_list_reads_per_role(request, role, path):
    response = client_for(_user(request, role)).get(path)

    assert status_ok(response) is READS[path][role]
    if not READS[path][role]:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_reading_an_activation_per_role(request, role, activation):
    expected = allowed("supervisor", "lead", "member", "auditor", "admin_user")[role]

    response = client_for(_user(request, role)).get(f"/api/v1/activations/{activation.pk}/")
    assert response.status_code == (200 if expected else 404)


@pytest.mark.parametrize("role", ROLES)
def test_writing_a_playbook_per_role(request, role, conduct_playbook):
    expected = allowed("lead", "admin_user")[role]

    response = client_for(_user(request, role)).patch(
        f"/api/v1/playbooks/{conduct_playbook.pk}/", {"name_en": "Renamed"}, format="json"
    )
    assert status_ok(response) is expected


@pytest.mark.parametrize("role", ROLES)
def test_manual_activation_per_role(request, role, group, conduct_playbook):
    expected = allowed("lead", "admin_user")[role]

    response = client_for(_user(request, role)).post(
        "/api/v1/activations/", {"playbook": conduct_playbook.pk, "cases": []}, format="json"
    )
    assert status_ok(response) is expected


@pytest.mark.parametrize("role", ROLES)
def test_transitions_per_role(request, role, activation):
    expected = allowed("lead", "admin_user")[role]

    response = client_for(_user(request, role)).post(f"/api/v1/activations/{activation.pk}/transitions/acknowledge/")
    assert status_ok(response) is expected
    if not expected:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_completing_a_task_per_role(request, role, activation):
    expected = allowed("lead", "member", "admin_user")[role]
    task = activation.tasks.first()

    response = client_for(_user(request, role)).post(
        f"/api/v1/activations/{activation.pk}/tasks/{task.pk}/complete/", {}, format="json"
    )
    assert status_ok(response) is expected


@pytest.mark.parametrize("role", ROLES)
def test_scheduling_a_drill_per_role(request, role, group, conduct_playbook):
    expected = allowed("lead", "admin_user")[role]

    response = client_for(_user(request, role)).post(
        "/api/v1/drills/", {"playbook": conduct_playbook.pk, "scheduled_for": "2030-01-01T10:00:00+08:00"},
        format="json",
    )
    assert status_ok(response) is expected


@pytest.mark.parametrize("role", ROLES)
def test_recording_training_per_role(request, role, member, conduct_playbook):
    expected = allowed("lead", "admin_user")[role]

    response = client_for(_user(request, role)).post(
        "/api/v1/training-records/",
        {"user": member.pk, "playbook": conduct_playbook.pk, "trained_at": "2026-11-01T10:00:00+08:00"},
        format="json",
    )
    assert status_ok(response) is expected


def test_anonymous_gets_401(db):
    assert client_for(None).get("/api/v1/activations/").status_code == 401
