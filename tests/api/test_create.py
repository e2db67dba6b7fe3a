import logging

import pytest

from accounts.roles import Role
from complaints.models import ComplaintCase
from tests.api.conftest import error_codes
from tests.factories import UserFactory, case_payload

URL = "/api/v1/complaints/"
pytestmark = pytest.mark.django_db


def test_create_returns_201_with_the_case_in_api_md_shape(api, agent):
    response = api(agent).post(URL, case_payload(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "intake"
    assert body["category"] == "collection_conduct"
    assert body["team"] == "team-a"
    assert body["version"] == 1
    assert body["available_transitions"] == ["start_verification", "withdraw"]
    assert body["reference"].startswith("TS")


def test_create_masks_personal_data_in_the_response(api, agent):
    body = api(agent).post(URL, case_payload(), format="json").json()

    assert body["complainant"] == {
        "name": "张*",
        "phone": "138****1234",
        "id_number": "110***********1233",
        "email": "a***@b.cn",
    }
    assert body["account_reference"] == "LN-****8812"


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.API_CLIENT])
def test_create_is_allowed_for_roles_that_register_complaints(api, team_a, role):
    user = UserFactory(role=role, teams=[team_a] if role != Role.API_CLIENT else [])

    assert api(user).post(URL, case_payload(), format="json").status_code == 201


def test_create_is_allowed_for_admin(api, admin_user, team_a):
    assert api(admin_user).post(URL, case_payload(), format="json").status_code == 201


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.EMERGENCY_LEAD, Role.EMERGENCY_MEMBER])
def test_create_is_forbidden_for_roles_that_only_read(api, team_a, role):
    response = api(UserFactory(role=role)).post(URL, case_payload(), format="json")

    assert response.status_code == 403
    assert error_codes(response) == {None: "permission_denied"}
    assert not ComplaintCase.objects.exists()


def test_create_without_authentication_is_401(api, team_a):
    response = api(None).post(URL, case_payload(), format="json")

    assert response.status_code == 401
    assert response.json()["type"] == "not_authenticated"


def test_create_names_every_missing_field(api, agent):
    response = api(agent).post(URL, {"complainant": {}}, format="json")

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    codes = error_codes(response)
    assert codes["channel"] == "required"
    assert codes["category"] == "required"
    assert codes["summary"] == "required"
    assert "complainant.name" in codes


def test_create_refuses_an_unknown_category_with_invalid_choice(api, agent):
    response = api(agent).post(URL, case_payload(category="no_such"), format="json")

    assert response.status_code == 400
    assert error_codes(response) == {"category": "invalid_choice"}


def test_create_refuses_a_bad_phone_and_id_number(api, agent):
    payload = case_payload(complainant={"name": "张三", "phone": "12345", "id_number": "110101199003071234"})

    response = api(agent).post(URL, payload, format="json")

    assert response.status_code == 400
    codes = error_codes(response)
    assert codes["complainant.phone"] == "invalid_phone"
    assert codes["complainant.id_number"] == "invalid_id_number"


def test_create_refuses_a_receipt_time_in_the_future(api, agent):
    response = api(agent).post(URL, case_payload(received_at="2999-01-01T00:00:00+08:00"), format="json")

    assert response.status_code == 400
    assert error_codes(response) == {"received_at": "future"}


def test_create_refuses_a_body_that_is_not_an_object(api, agent):
    response = api(agent).post(URL, ["催收"], format="json")

    assert response.status_code == 400
    assert error_codes(response) == {None: "invalid"}


def test_create_refuses_malformed_json_with_400(api, agent):
    response = api(agent).generic("POST", URL, b'{"summary": ', content_type="application/json")

    assert response.status_code == 400
    assert error_codes(response) == {None: "parse_error"}


def test_create_refuses_form_bodies_with_415(api, agent):
    response = api(agent).post(URL, {"summary": "x"}, format="multipart")

    assert response.status_code == 415
    assert response.json()["type"] == "unsupported_media_type"


def test_create_refuses_a_json_body_over_one_megabyte_with_413(api, agent):
    payload = case_payload(description="催" * 400_000)  # 1.2 MB of UTF-8

    response = api(agent).post(URL, payload, format="json")

    assert response.status_code == 413
    assert error_codes(response) == {None: "request_too_large"}


def test_chinese_and_emoji_round_trip_unchanged(api, agent):
    summary = "催收电话一天十几次😡🙏，还打给我同事！"
    description = "客户：“请停止骚扰”\n第二行 𠀀𪚥 emoji 👨‍👩‍👧"

    body = api(agent).post(URL, case_payload(summary=summary, description=description), format="json").json()
    fetched = api(agent).get(f"{URL}{body['id']}/").json()

    assert (fetched["summary"], fetched["description"]) == (summary, description)


def test_a_summary_of_200_characters_is_accepted(api, agent):
    response = api(agent).post(URL, case_payload(summary="诉" * 200), format="json")

    assert response.status_code == 201


def test_a_summary_over_200_characters_is_a_clear_400(api, agent):
    response = api(agent).post(URL, case_payload(summary="诉" * 201), format="json")

    assert response.status_code == 400
    assert error_codes(response) == {"summary": "max_length"}


def test_a_description_over_10000_characters_is_a_clear_400(api, agent):
    response = api(agent).post(URL, case_payload(description="😀" * 10_001), format="json")

    assert response.status_code == 400
    assert error_codes(response) == {"description": "max_length"}


def test_a_nul_character_is_refused_not_a_500(api, agent):
    response = api(agent).post(URL, case_payload(summary="催收\x00"), format="json")

    assert response.status_code == 400
    assert error_codes(response) == {"summary": "invalid"}


def test_personal_data_never_reaches_the_logs(api, agent, caplog):
    caplog.set_level(logging.DEBUG)

    api(agent).post(URL, case_payload(), format="json")

    for secret in ("13800001234", "110101199003071233", "张三", "LN-2024-88812"):
        assert secret not in caplog.text


def test_deeply_nested_json_is_a_400_not_a_500(api, agent):
    body = b"[" * 200_000 + b"]" * 200_000

    response = api(agent).generic("POST", URL, body, content_type="application/json")

    assert response.status_code == 400
    assert error_codes(response) == {None: "parse_error"}


def test_a_receipt_time_in_year_one_is_a_400_not_a_500(api, agent):
    response = api(agent).post(URL, case_payload(received_at="0001-01-01T00:00:00+14:00"), format="json")

    assert response.status_code == 400
    assert error_codes(response) == {"received_at": "invalid"}


def test_a_receipt_time_at_the_end_of_the_calendar_is_a_400(api, agent):
    response = api(agent).post(URL, case_payload(received_at="9999-12-31T23:59:59-14:00"), format="json")

    assert response.status_code == 400
    assert error_codes(response) == {"received_at": "future"}
