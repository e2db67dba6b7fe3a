import pytest
from rest_framework.authtoken.models import Token

from tests.api.conftest import error_codes

URL = "/api/v1/auth/token/"
pytestmark = pytest.mark.django_db


def test_valid_credentials_get_a_token(api, callcenter):
    response = api(None).post(URL, {"username": "callcenter", "password": "demo-pass-123"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=callcenter).key}


def test_the_token_authenticates_api_requests(api, callcenter):
    token = (
        api(None)
        .post(URL, {"username": "callcenter", "password": "demo-pass-123"}, format="json")
        .json()["token"]
    )
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.get("/api/v1/complaints/").status_code == 200


def test_asking_twice_returns_the_same_token(api, callcenter):
    first = api(None).post(URL, {"username": "callcenter", "password": "demo-pass-123"}, format="json").json()
    second = (
        api(None).post(URL, {"username": "callcenter", "password": "demo-pass-123"}, format="json").json()
    )

    assert first == second


def test_a_wrong_password_is_a_400_without_a_token(api, callcenter):
    response = api(None).post(URL, {"username": "callcenter", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert error_codes(response) == {None: "invalid_credentials"}
    assert not Token.objects.exists()


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
