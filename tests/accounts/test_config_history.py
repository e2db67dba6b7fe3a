"""Configuration history: every change keeps who, when, before and after; auditors read it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from accounts.models import ConfigChange
from accounts.roles import Role
from complaints.models import Category, SlaPolicy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
FEED = "/api/v1/audit/config-changes/"
SECRET = "s3cret-for-tests-only"


def client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def _policy() -> SlaPolicy:
    return SlaPolicy.objects.get(category__code="fee_dispute", severity="normal")


def _patch_policy(user, **body):
    return client_for(user).patch(f"/api/v1/sla-policies/{_policy().pk}/", body, format="json")


def _latest(auditor, **params) -> dict:
    return client_for(auditor).get(FEED, params).json()["results"][0]


def test_auditor_sees_who_changed_an_sla_policy(admin_user, auditor):
    _patch_policy(admin_user, final_answer_within="P12D")

    change = _latest(auditor)
    assert (change["model"], change["object_id"], change["action"], change["actor"]["username"]) == (
        "complaints.slapolicy", str(_policy().pk), "changed", "admin"
    )


def test_auditor_sees_the_policy_field_before_and_after(admin_user, auditor):
    _patch_policy(admin_user, final_answer_within="P12D")

    assert _latest(auditor)["changes"] == [
        {"field": "final_answer_within", "label": "final answer within",
         "before": "P15DT00H00M00S", "after": "P12DT00H00M00S"},
    ]


def test_change_is_dated_when_it_was_made(admin_user, auditor):
    _patch_policy(admin_user, final_answer_within="P12D")

    assert parse_datetime(_latest(auditor)["at"]) == ConfigChange.objects.get(model="complaints.slapolicy").at


def test_admin_may_read_config_changes(admin_user):
    _patch_policy(admin_user, final_answer_within="P12D")

    assert client_for(admin_user).get(FEED).status_code == 200


def test_agent_may_not_read_config_changes(admin_user, agent):
    _patch_policy(admin_user, final_answer_within="P12D")

    assert client_for(agent).get(FEED).status_code == 403


def test_supervisor_may_not_read_config_changes(supervisor):
    assert client_for(supervisor).get(FEED).status_code == 403


def test_anonymous_config_changes_read_is_401():
    assert APIClient().get(FEED).status_code == 401


def test_feed_filters_by_model(admin_user, auditor):
    _patch_policy(admin_user, final_answer_within="P12D")
    UserFactory(username="new-agent", role=Role.AGENT)

    results = client_for(auditor).get(FEED, {"model": "complaints.slapolicy"}).json()["results"]
    assert [r["model"] for r in results] == ["complaints.slapolicy"]


def test_unknown_model_filter_is_400(auditor):
    response = client_for(auditor).get(FEED, {"model": "complaints.complaintcase"})

    assert response.json()["errors"][0]["attr"] == "model"


def test_feed_pages_with_a_cursor(admin_user, auditor):
    _patch_policy(admin_user, final_answer_within="P12D")
    _patch_policy(admin_user, final_answer_within="P13D")

    first = client_for(auditor).get(FEED, {"model": "complaints.slapolicy", "page_size": 1}).json()
    second = client_for(auditor).get(first["next"]).json()
    assert [c["changes"][0]["after"] for c in first["results"] + second["results"]] == [
        "P13DT00H00M00S", "P12DT00H00M00S"
    ]


def test_role_change_is_recorded_with_the_groups_before_and_after(auditor):
    user = UserFactory(username="promoted", role=Role.AGENT)

    user.groups.add(Group.objects.get(name=Role.SUPERVISOR))

    assert _latest(auditor, model="accounts.user")["changes"] == [
        {"field": "groups", "label": "groups", "before": ["agent"], "after": ["agent", "supervisor"]},
    ]


def test_role_change_from_the_group_side_is_recorded(auditor):
    user = UserFactory(username="promoted", role=Role.AGENT)

    Group.objects.get(name=Role.AUDITOR).user_set.add(user)

    assert _latest(auditor, model="accounts.user")["changes"][0]["after"] == ["agent", "auditor"]


def test_role_change_in_the_admin_records_the_admin(client, admin_user, auditor, team_a):
    user = UserFactory(username="promoted", role=Role.AGENT, teams=[team_a])
    client.force_login(admin_user)

    client.post(f"/admin/accounts/user/{user.pk}/change/", {
        "username": "promoted", "is_active": "on", "groups": [Group.objects.get(name=Role.SUPERVISOR).pk],
        "teams": [team_a.pk], "date_joined_0": "2026-01-05", "date_joined_1": "09:00:00",
        "display_name": user.display_name,
    })

    # The form sets the groups: one entry for the removal, one for the addition, both by the admin
    # (the factory's first role came from no request: no one).
    entries = client_for(auditor).get(FEED, {"model": "accounts.user", "object_id": user.pk}).json()["results"]
    assert [
        ((e["actor"] or {}).get("username"), c["before"], c["after"])
        for e in entries for c in e["changes"] if c["field"] == "groups"
    ] == [("admin", [], ["supervisor"]), ("admin", ["agent"], []), (None, [], ["agent"])]


def test_category_change_in_the_admin_keeps_the_default_team_before_and_after(client, admin_user, auditor, team_a):
    category = Category.objects.get(code="fee_dispute")
    client.force_login(admin_user)

    client.post(f"/admin/complaints/category/{category.pk}/change/", {
        "name_zh": category.name_zh, "name_en": category.name_en, "default_team": team_a.pk,
        "description_zh": category.description_zh, "description_en": category.description_en,
        "sort_order": category.sort_order, "is_active": "on",
    })

    change = _latest(auditor, model="complaints.category")
    assert (change["actor"]["username"], change["changes"]) == ("admin", [
        {"field": "default_team", "label": "default team", "before": None, "after": team_a.name},
    ])


def test_team_rename_is_recorded(auditor, team_a):
    before = team_a.name
    team_a.name = "催收投诉二组"
    team_a.save()

    change = _latest(auditor, model="accounts.team")
    assert [(c["field"], c["before"], c["after"]) for c in change["changes"]] == [("name", before, "催收投诉二组")]


def test_login_writes_no_history(client, agent):
    before = agent.history.count()

    client.post("/accounts/login/", {"username": "agent", "password": "demo-pass-123"})

    assert agent.history.count() == before


def test_password_change_shows_no_password_in_the_feed(auditor, agent):
    agent.set_password("another-long-passphrase")
    agent.save()

    assert not ConfigChange.objects.filter(changes__icontains="pbkdf2").exists()


def test_webhook_secret_never_reaches_the_feed(admin_user, auditor):
    client_for(admin_user).post(
        "/api/v1/webhooks/", {"url": "http://127.0.0.1:9/hooks", "events": ["case.created"], "secret": SECRET},
        format="json",
    )

    response = client_for(auditor).get(FEED, {"model": "webhooks.subscription"})
    assert (len(response.json()["results"]), "secret" in response.content.decode()) == (1, False)


def test_webhook_deactivation_is_recorded(admin_user, auditor):
    created = client_for(admin_user).post(
        "/api/v1/webhooks/", {"url": "http://127.0.0.1:9/hooks", "events": ["case.created"], "secret": SECRET},
        format="json",
    ).json()

    client_for(admin_user).delete(f"/api/v1/webhooks/{created['id']}/")

    changes = _latest(auditor, model="webhooks.subscription")["changes"]
    assert [c for c in changes if c["field"] == "is_active"] == [
        {"field": "is_active", "label": "active", "before": True, "after": False}
    ]


def test_config_change_rows_cannot_be_rewritten_by_raw_sql(admin_user):
    _patch_policy(admin_user, final_answer_within="P12D")

    with pytest.raises(IntegrityError, match="accounts_configchange"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_configchange SET actor_id = NULL")


# -- the admin's history views ------------------------------------------------------------------


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def _policy_history(client, user):
    client.force_login(user)
    return client.get(f"/admin/complaints/slapolicy/{_policy().pk}/history/")


def test_auditor_reads_a_policy_history_in_the_admin(client, admin_user, auditor):
    _patch_policy(admin_user, final_answer_within="P12D")

    response = _policy_history(client, _staff(auditor))

    body = response.content.decode()
    assert (response.status_code, "15 days" in body, "12 days" in body, admin_user.display_name in body) == (
        200, True, True, True
    )


def test_staff_agent_may_not_read_a_policy_history_in_the_admin(client, agent):
    assert _policy_history(client, _staff(agent)).status_code == 403

