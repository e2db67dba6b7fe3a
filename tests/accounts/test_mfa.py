"""Two-factor login (accounts.mfa): who must give it, enrolment, codes, recovery codes, the gate."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import mfa
from accounts.tokens import token_issue
from tests.api.conftest import error_codes

pytestmark = pytest.mark.django_db
PASSWORD = "demo-pass-123"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    """The authenticator app's current code, computed as the app does (RFC 6238)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _enrol(user) -> tuple[TOTPDevice, list[str]]:
    """A confirmed authenticator and recovery codes, as the enrolment page leaves them."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device, mfa.recovery_codes_issue(user=user)


def _logged_in(user) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_supervisor_without_authenticator_is_sent_to_enrolment(mfa_on, supervisor):
    response = _logged_in(supervisor).get("/dashboard/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/mfa/setup/")
    assert "<svg" in response.content.decode()


def test_enrolment_page_needs_no_inline_script(mfa_on, supervisor):
    response = _logged_in(supervisor).get("/accounts/mfa/setup/")

    assert "<script>" not in response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_confirmed_enrolment_shows_ten_recovery_codes_once(mfa_on, supervisor):
    client = _logged_in(supervisor)
    client.get("/accounts/mfa/setup/")
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)

    response = client.post("/accounts/mfa/setup/", {"code": _code(device), "next": "/dashboard/"})

    assert response.status_code == 200
    assert response.content.decode().count('<li class="col">') == 10
    assert "no-store" in response["Cache-Control"]


def test_confirmed_enrolment_opens_the_dashboard(mfa_on, supervisor):
    client = _logged_in(supervisor)
    client.get("/accounts/mfa/setup/")
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    client.post("/accounts/mfa/setup/", {"code": _code(device)})

    assert client.get("/dashboard/").status_code == 200


def test_enrolment_with_a_wrong_code_is_refused(mfa_on, supervisor):
    client = _logged_in(supervisor)
    client.get("/accounts/mfa/setup/")

    response = client.post("/accounts/mfa/setup/", {"code": "000000"})

    assert response.status_code == 400
    assert not mfa.mfa_enrolled(supervisor)


def test_agent_is_not_asked_for_a_second_factor(mfa_on, agent):
    assert _logged_in(agent).get("/cases/").status_code == 200


def test_auditor_must_give_a_second_factor(mfa_on, auditor):
    response = _logged_in(auditor).get("/cases/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/mfa/verify/")


def test_enrolled_supervisor_is_asked_for_the_code_after_the_password(mfa_on, supervisor):
    _enrol(supervisor)

    response = _logged_in(supervisor).get("/dashboard/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/mfa/verify/?next=%2Fdashboard%2F"


def test_the_right_code_verifies_the_session(mfa_on, supervisor):
    device, _codes = _enrol(supervisor)
    client = _logged_in(supervisor)

    response = client.post("/accounts/mfa/verify/", {"code": _code(device), "next": "/dashboard/"})

    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_a_wrong_code_is_refused(mfa_on, supervisor):
    _enrol(supervisor)
    client = _logged_in(supervisor)

    response = client.post("/accounts/mfa/verify/", {"code": "123456"})

    assert response.status_code == 400
    assert client.get("/dashboard/").status_code == 302


def test_after_a_wrong_code_even_the_right_one_waits(mfa_on, supervisor):
    device, _codes = _enrol(supervisor)
    client = _logged_in(supervisor)
    client.post("/accounts/mfa/verify/", {"code": "123456"})

    response = client.post("/accounts/mfa/verify/", {"code": _code(device)})

    assert response.status_code == 429
    assert client.get("/dashboard/").status_code == 302


def test_a_recovery_code_verifies_the_session(mfa_on, supervisor):
    _device, codes = _enrol(supervisor)
    client = _logged_in(supervisor)

    client.post("/accounts/mfa/verify/", {"code": codes[0].upper()})

    assert client.get("/dashboard/").status_code == 200


def test_a_recovery_code_works_only_once(mfa_on, supervisor):
    _device, codes = _enrol(supervisor)
    _logged_in(supervisor).post("/accounts/mfa/verify/", {"code": codes[0]})
    client = _logged_in(supervisor)

    response = client.post("/accounts/mfa/verify/", {"code": codes[0]})

    assert response.status_code == 400
    assert client.get("/dashboard/").status_code == 302


def test_admin_site_requires_a_second_factor(mfa_on, admin_user):
    client = Client()
    client.force_login(admin_user)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/mfa/verify/")


def test_admin_site_opens_once_verified(mfa_on, admin_user):
    device, _codes = _enrol(admin_user)
    client = Client()
    client.force_login(admin_user)
    client.post("/accounts/mfa/verify/", {"code": _code(device)})

    assert client.get("/admin/").status_code == 200


def test_with_mfa_off_a_supervisor_logs_in_with_the_password_only(settings, supervisor):
    settings.MFA_REQUIRED = False

    assert _logged_in(supervisor).get("/dashboard/").status_code == 200


def test_someone_who_enrolled_voluntarily_gives_the_code_with_mfa_off(settings, agent):
    settings.MFA_REQUIRED = False
    _enrol(agent)

    response = _logged_in(agent).get("/cases/")

    assert response["Location"].startswith("/accounts/mfa/verify/")


def test_an_agent_turns_two_factor_login_on_from_the_security_page(agent):
    client = _logged_in(agent)
    page = client.get("/accounts/security/")
    client.get("/accounts/mfa/setup/")
    device = TOTPDevice.objects.get(user=agent, confirmed=False)

    client.post("/accounts/mfa/setup/", {"code": _code(device)})

    assert 'href="/accounts/mfa/setup/' in page.content.decode()
    assert mfa.mfa_enrolled(agent)


def test_the_password_alone_cannot_replace_an_enrolled_authenticator(mfa_on, supervisor):
    _enrol(supervisor)

    response = _logged_in(supervisor).get("/accounts/mfa/setup/")

    assert response["Location"].startswith("/accounts/mfa/verify/")


def test_the_api_by_session_is_refused_until_the_second_factor(mfa_on, supervisor):
    response = _logged_in(supervisor).get("/api/v1/complaints/")

    assert response.status_code == 403
    assert error_codes(response) == {None: "mfa_required"}


def test_token_for_an_enrolled_supervisor_needs_the_code(mfa_on, supervisor):
    _enrol(supervisor)

    response = APIClient().post(TOKEN_URL, {"username": "supervisor", "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert error_codes(response) == {"otp": "required"}


def test_token_for_an_enrolled_supervisor_with_the_code(mfa_on, supervisor):
    device, _codes = _enrol(supervisor)

    response = APIClient().post(
        TOKEN_URL, {"username": "supervisor", "password": PASSWORD, "otp": _code(device)}, format="json"
    )

    assert response.status_code == 200


def test_token_for_a_supervisor_who_has_not_enrolled_is_refused(mfa_on, supervisor):
    response = APIClient().post(TOKEN_URL, {"username": "supervisor", "password": PASSWORD}, format="json")

    assert error_codes(response) == {None: "mfa_enrolment_required"}


def test_token_with_a_nul_byte_in_the_code_is_a_400(mfa_on, supervisor):
    _enrol(supervisor)

    response = APIClient().post(
        TOKEN_URL, {"username": "supervisor", "password": PASSWORD, "otp": "12\x003456"}, format="json"
    )

    assert error_codes(response) == {"otp": "invalid_otp"}


def test_passwords_shorter_than_twelve_characters_are_refused():
    with pytest.raises(ValidationError):
        validate_password("Tq8#wz2!pLm")


def test_the_demo_password_is_long_enough():
    validate_password(PASSWORD)


def test_an_issued_token_keeps_working_with_mfa_on(mfa_on, supervisor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=supervisor)}")

    assert client.get("/api/v1/complaints/").status_code == 200


def test_someone_not_required_may_turn_two_factor_login_off(mfa_on, agent):
    device, _codes = _enrol(agent)
    client = _logged_in(agent)
    client.post("/accounts/mfa/verify/", {"code": _code(device)})

    client.post("/accounts/security/disable/")

    assert not mfa.mfa_enrolled(agent)


def test_a_supervisor_may_not_turn_two_factor_login_off(mfa_on, supervisor):
    device, _codes = _enrol(supervisor)
    client = _logged_in(supervisor)
    client.post("/accounts/mfa/verify/", {"code": _code(device)})

    assert client.post("/accounts/security/disable/").status_code == 403
