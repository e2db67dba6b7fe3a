import logging

import pytest

from accounts.roles import Role
from complaints.models import PiiAccessLog
from tests.api.conftest import case_url, error_codes
from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db
CLEAR = {
    "name": "张三",
    "phone": "13800001234",
    "id_number": "110101199003071233",
    "email": "a@b.cn",
    "account_reference": "LN-2024-88812",
}


def pii(client, case, **body):
    return client.post(case_url(case, "pii/"), body, format="json")


def test_supervisor_of_the_team_sees_personal_data_unmasked(api, supervisor, case_a):
    response = pii(api(supervisor), case_a, reason="回访核对身份")

    assert response.status_code == 200
    assert response.json() == CLEAR
    assert response["Cache-Control"] == "no-store"


def test_each_access_is_logged_with_who_and_why(api, supervisor, case_a):
    pii(api(supervisor), case_a, reason="回访核对身份")

    log = PiiAccessLog.objects.get(case=case_a)
    assert (log.user, log.reason) == (supervisor, "回访核对身份")


def test_auditor_sees_personal_data_unmasked(api, auditor, case_a):
    assert pii(api(auditor), case_a, reason="合规抽查").json() == CLEAR


def test_admin_sees_personal_data_unmasked(api, admin_user, case_a):
    assert pii(api(admin_user), case_a, reason="数据更正").status_code == 200


def test_agent_of_the_team_gets_403_and_no_log(api, agent, case_a):
    response = pii(api(agent), case_a, reason="想看看")

    assert response.status_code == 403
    assert error_codes(response) == {None: "permission_denied"}
    assert not PiiAccessLog.objects.exists()


def test_api_client_gets_403_for_its_own_case(api, callcenter, team_a):
    case = make_case(actor=callcenter)

    assert pii(api(callcenter), case, reason="核对").status_code == 403


def test_another_teams_agent_gets_404(api, agent_b, case_a):
    assert pii(api(agent_b), case_a, reason="x").status_code == 404


def test_without_a_reason_a_permitted_role_gets_400(api, supervisor, case_a):
    response = pii(api(supervisor), case_a)

    assert response.status_code == 400
    assert error_codes(response) == {"reason": "required"}
    assert not PiiAccessLog.objects.exists()


def test_a_blank_reason_is_a_400(api, auditor, case_a):
    assert error_codes(pii(api(auditor), case_a, reason="   ")) == {"reason": "blank"}


def test_revealed_personal_data_is_not_logged(api, supervisor, case_a, caplog):
    caplog.set_level(logging.DEBUG)

    pii(api(supervisor), case_a, reason="回访核对身份")

    for value in CLEAR.values():
        assert value not in caplog.text


def test_the_detail_stays_masked_for_a_role_that_may_reveal(api, supervisor, case_a):
    body = api(supervisor).get(case_url(case_a)).content.decode()

    assert "13800001234" not in body
    assert "110101199003071233" not in body


def test_emergency_member_without_an_activation_gets_404(api, member, case_a):
    assert pii(api(member), case_a, reason="x").status_code == 404


def test_supervisor_of_another_team_gets_404(api, team_b, case_a):
    other = UserFactory(role=Role.SUPERVISOR, teams=[team_b])

    assert pii(api(other), case_a, reason="x").status_code == 404


def test_a_get_of_the_personal_data_is_a_405(api, supervisor, case_a):
    response = api(supervisor).get(case_url(case_a, "pii/"), {"reason": "回访核对身份"})

    assert response.status_code == 405
    assert not PiiAccessLog.objects.exists()


@pytest.fixture
def fresh_reveal_throttle():
    from django.core.cache import cache

    redis = cache._cache.get_client(write=True)
    for key in redis.scan_iter(match=cache.make_key("throttle_pii_reveal_*")):
        redis.delete(key)


def test_reveals_past_their_own_limit_get_429_in_the_error_format(api, supervisor, case_a, settings,
                                                                  fresh_reveal_throttle):
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**api_settings.DEFAULT_THROTTLE_RATES, "pii_reveal": "2/min"},
    }
    client = api(supervisor)
    pii(client, case_a, reason="回访")
    pii(client, case_a, reason="回访")

    response = pii(client, case_a, reason="回访")

    assert response.status_code == 429
    assert error_codes(response) == {None: "throttled"}
    assert "Retry-After" in response
    assert PiiAccessLog.objects.filter(case=case_a).count() == 2
