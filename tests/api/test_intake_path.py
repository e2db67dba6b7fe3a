"""The fast intake path: a create answers from memory exactly as a read of the case would, and
what it memoises per process (token users, teams, categories, policies) follows every change."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken

from accounts.roles import Role
from accounts.tokens import token_issue, tokens_revoke_all
from complaints.models import Category, ComplaintCase
from tests.api.conftest import client_for
from tests.factories import TeamFactory, case_payload

URL = "/api/v1/complaints/"


def _create(client, **overrides):
    return client.post(URL, case_payload(**overrides), format="json")


@pytest.mark.django_db
def test_the_create_answer_is_the_case_as_a_read_gives_it(api, callcenter, team_a):
    client = api(callcenter)
    created = _create(client, risk_flags=["media_exposure", "regulator_referral"])

    read = client.get(f"{URL}{created.json()['id']}/")

    assert created.status_code == 201
    assert created.json() == read.json()


@pytest.mark.django_db
def test_the_create_answer_masks_personal_data(api, callcenter, team_a):
    body = _create(api(callcenter)).json()

    assert (body["complainant"]["name"], body["complainant"]["phone"], body["account_reference"]) == (
        "张*",
        "138****1234",
        "LN-****8812",
    )


@pytest.mark.django_db
def test_the_stored_reference_is_ts_the_creation_date_and_the_padded_id(api, callcenter, team_a):
    body = _create(api(callcenter)).json()

    case = ComplaintCase.objects.get(pk=body["id"])

    assert case.reference == body["reference"] == f"TS{timezone.localdate(case.created_at):%Y%m%d}{case.pk:07d}"
    assert re.fullmatch(r"TS\d{8}\d{7,}", case.reference)


@pytest.mark.django_db
def test_a_revoked_token_is_refused_at_once_after_it_was_used(callcenter, team_a):
    client = client_for(callcenter)
    assert client.get(URL).status_code == 200

    tokens_revoke_all(user=callcenter)

    assert client.get(URL).status_code == 401


@pytest.mark.django_db
def test_a_logged_out_token_is_refused_at_once_after_it_was_used(callcenter, team_a):
    client = client_for(callcenter)
    assert client.get(URL).status_code == 200

    AuthToken.objects.filter(user=callcenter).delete()

    assert client.get(URL).status_code == 401


@pytest.mark.django_db
def test_a_deactivated_user_is_refused_at_once_after_their_token_was_used(callcenter, team_a):
    client = client_for(callcenter)
    assert client.get(URL).status_code == 200

    callcenter.is_active = False
    callcenter.save()

    assert client.get(URL).status_code == 401


@pytest.mark.django_db
def test_a_user_who_loses_their_role_may_no_longer_create_at_once(callcenter, team_a):
    client = client_for(callcenter)
    assert _create(client).status_code == 201

    callcenter.groups.remove(Group.objects.get(name=Role.API_CLIENT))

    assert _create(client).status_code == 403


@pytest.mark.django_db
def test_an_agent_moved_to_another_team_files_into_the_new_team_at_once(agent, team_a):
    client = client_for(agent)
    assert _create(client).json()["team"] == team_a.code
    team_c = TeamFactory(code="team-c")

    agent.teams.set([team_c])

    assert _create(client).json()["team"] == "team-c"


@pytest.mark.django_db
def test_a_deactivated_category_is_refused_at_once_after_it_was_used(api, callcenter, team_a):
    client = api(callcenter)
    assert _create(client).status_code == 201

    category = Category.objects.get(code="collection_conduct")
    category.is_active = False
    category.save()

    assert _create(client).status_code == 400


@pytest.mark.django_db
def test_a_token_used_once_is_not_read_again_the_second_time(callcenter, team_a):
    token = token_issue(user=callcenter)
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    client.get("/api/v1/categories/")

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/categories/")

    assert response.status_code == 200
    assert [q["sql"] for q in captured.captured_queries if "knox_authtoken" in q["sql"]] == []


@pytest.mark.django_db
def test_a_category_added_by_another_process_is_usable_at_once(api, callcenter, team_a):
    client = api(callcenter)
    assert _create(client).status_code == 201

    Category.objects.bulk_create([Category(code="fee_disputes", name_zh="费用争议", name_en="Fee disputes")])  # no signal

    assert _create(client, category="fee_disputes").json()["category"] == "fee_disputes"
