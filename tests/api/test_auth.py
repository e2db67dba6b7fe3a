from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from accounts.roles import Role
from accounts.tokens import token_issue
from tests.api.conftest import error_codes
from tests.factories import UserFactory

URL = "/api/v1/auth/token/"
pytestmark = pytest.mark.django_db


def test_valid_credentials_get_a_token(api, callcenter):
    response = api(None).post(URL, {"username": "callcenter", "password": "demo-pass-123"}, format="json")

    assert response.status_code == 200
    assert set(response.json()) == {"token"} and len(response.json()["token"]) == 64


def test_the_token_authenticates_api_requests(api, callcenter):
    token = (
        api(None)
        .post(URL, {"username": "callcenter", "password": "demo-pass-123"}, format="json")
        .json()["token"]
    )
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.get("/api/v1/complaints/").status_code == 200


def test_asking_twice_issues_two_tokens_that_both_work(api, callcenter):
    tokens = [
        api(None).post(URL, {"username": "callcenter", "password": "demo-pass-123"}, format="json").json()["token"]
        for _ in range(2)
    ]

    assert tokens[0] != tokens[1]
    assert [_get(api, token).status_code for token in tokens] == [200, 200]


def test_a_wrong_password_is_a_400_without_a_token(api, callcenter):
    response = api(None).post(URL, {"username": "callcenter", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert error_codes(response) == {None: "invalid_credentials"}
    assert not AuthToken.objects.exists()


def test_an_inactive_user_gets_no_token(api, callcenter):
    callcenter.is_active = False
    callcenter.save()

    assert (
        api(None)
        .post(URL, {"username": "callcenter", "password": "demo-pass-123"}, format="json")
        .status_code
        == 400
    )


def test_missing_fields_are_named(api):
    response = api(None).post(URL, {"username": 5}, format="json")

    assert error_codes(response) == {"username": "required", "password": "required"}


def _get(api, token: str):
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/complaints/")


def test_a_dump_of_the_token_table_holds_no_usable_token(api, callcenter):
    token = token_issue(user=callcenter)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        dumped = [str(value) for row in cursor.fetchall() for value in row]
    digest = AuthToken.objects.get().digest

    assert [value for value in dumped if token in value] == []
    assert (_get(api, digest).status_code, _get(api, digest[:64]).status_code) == (401, 401)
    assert _get(api, token).status_code == 200


def test_a_person_s_token_expires_after_the_person_ttl(api, callcenter, agent, settings):
    settings.TOKEN_TTL_PERSON = 3600
    token = token_issue(user=agent)

    AuthToken.objects.filter(user=agent).update(expiry=timezone.now() - timedelta(seconds=1))

    assert _get(api, token).status_code == 401


def test_people_get_short_tokens_and_api_clients_long_ones(callcenter, agent, settings):
    settings.TOKEN_TTL_PERSON = 10 * 3600
    settings.TOKEN_TTL_API_CLIENT = 90 * 86400
    token_issue(user=agent)
    token_issue(user=callcenter)
    now = timezone.now()

    ttl = {t.user_id: round((t.expiry - now).total_seconds() / 3600) for t in AuthToken.objects.all()}

    assert (ttl[agent.pk], ttl[callcenter.pk]) == (10, 90 * 24)


def test_a_revoked_token_no_longer_authenticates(api, callcenter):
    token = token_issue(user=callcenter)
    other = token_issue(user=callcenter)

    AuthToken.objects.get(token_key=token[:15]).delete()

    assert (_get(api, token).status_code, _get(api, other).status_code) == (401, 200)


def test_a_password_change_revokes_every_token_of_the_user(api, callcenter):
    tokens = [token_issue(user=callcenter), token_issue(user=callcenter)]
    bystander = UserFactory(role=Role.API_CLIENT)
    kept = token_issue(user=bystander)

    callcenter.set_password("a-new-password-9931")
    callcenter.save()

    assert [_get(api, token).status_code for token in tokens] == [401, 401]
    assert AuthToken.objects.filter(user=bystander).count() == 1 and kept


def test_saving_a_user_without_a_password_change_keeps_the_tokens(api, callcenter):
    token = token_issue(user=callcenter)

    callcenter.display_name = "呼叫中心"
    callcenter.save()

    assert _get(api, token).status_code == 200


def test_a_token_that_is_not_ascii_is_a_401(api):
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION="Token \u00e9t\u00e9".encode().decode("unicode_escape"))

    assert client.get("/api/v1/complaints/").status_code == 401


def test_the_admin_lists_tokens_without_their_key_and_revokes_one(client, admin_user, callcenter):
    token = token_issue(user=callcenter)
    stored = AuthToken.objects.get()
    client.force_login(admin_user)

    listing = client.get("/admin/knox/authtoken/").content.decode()
    client.post(
        "/admin/knox/authtoken/",
        {"action": "delete_selected", "_selected_action": [stored.pk], "post": "yes"},
    )

    assert "callcenter" in listing or str(callcenter) in listing
    # The digest is the row's primary key (in links) but authenticates nothing; the secret part is nowhere.
    assert token not in listing and token[15:] not in listing
    assert not AuthToken.objects.exists()
