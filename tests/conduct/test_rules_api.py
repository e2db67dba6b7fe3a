"""GET /api/v1/conduct-rules/ and PATCH /api/v1/conduct-rules/{code}/, parameters checked per kind."""

import pytest

from conduct.admin import ConductRuleForm
from conduct.models import ConductRule
from tests.api.conftest import error_codes

pytestmark = pytest.mark.django_db
URL = "/api/v1/conduct-rules/"


def test_the_default_rules_are_seeded():
    rules = {r.code: (r.kind, r.enabled, r.params) for r in ConductRule.objects.all()}

    assert rules == {
        "quiet_hours": ("quiet_hours", True, {"start": "22:00", "end": "08:00"}),
        "daily_unanswered_attempts": ("daily_unanswered_attempts", True, {"max": 6}),
        "unrelated_third_party": ("unrelated_third_party", True, {}),
        "visit_collectors": ("visit_collectors", True, {"min": 2}),
        "attempts_in_days": ("attempts_in_days", False, {"max": 7, "days": 7}),
        "quiet_hours_us": ("quiet_hours", False, {"start": "21:00", "end": "08:00"}),
    }


@pytest.mark.parametrize(("user", "code"), [("supervisor", 200), ("auditor", 200), ("admin_user", 200),
                                            ("agent", 403), ("callcenter", 403), ("lead", 403)])
def test_who_may_read_the_rules(request, api, user, code):
    assert api(request.getfixturevalue(user)).get(URL).status_code == code


def test_a_rule_has_the_contract_fields(api, auditor):
    first = api(auditor).get(URL).json()[0]

    assert {"code", "name", "enabled", "params"} <= set(first)
    assert first["code"] == "quiet_hours" and first["name"] == "禁止在22:00至次日08:00电话或上门催收"


def test_admin_changes_a_number(api, admin_user):
    response = api(admin_user).patch(URL + "daily_unanswered_attempts/", {"params": {"max": 5}}, format="json")

    assert response.status_code == 200 and response.json()["params"] == {"max": 5}
    assert ConductRule.objects.get(code="daily_unanswered_attempts").params == {"max": 5}


def test_admin_switches_a_rule_on(api, admin_user):
    api(admin_user).patch(URL + "attempts_in_days/", {"enabled": True}, format="json")

    assert ConductRule.objects.get(code="attempts_in_days").enabled


def test_params_are_merged_into_the_current_ones(api, admin_user):
    response = api(admin_user).patch(URL + "quiet_hours/", {"params": {"start": "21:00"}}, format="json")

    assert response.json()["params"] == {"start": "21:00", "end": "08:00"}


@pytest.mark.parametrize(("code", "params", "attr", "error"), [
    ("daily_unanswered_attempts", {"max": 0}, "params.max", "invalid"),
    ("daily_unanswered_attempts", {"max": "6"}, "params.max", "invalid"),
    ("daily_unanswered_attempts", {"max": True}, "params.max", "invalid"),
    ("daily_unanswered_attempts", {"limit": 6}, "params.limit", "unknown_field"),
    ("quiet_hours", {"start": "25:00"}, "params.start", "invalid"),
    ("quiet_hours", {"end": "22:00"}, "params.end", "invalid"),
    ("visit_collectors", {"min": 100}, "params.min", "invalid"),
    ("attempts_in_days", {"days": 0}, "params.days", "invalid"),
    ("unrelated_third_party", {"allowed_parties": ["neighbour"]}, "params.allowed_parties", "invalid_choice"),
])
def test_bad_params_are_400_naming_the_param(api, admin_user, code, params, attr, error):
    response = api(admin_user).patch(URL + f"{code}/", {"params": params}, format="json")

    assert error_codes(response) == {attr: error}


@pytest.mark.parametrize(("body", "attr"), [({"code": "x"}, "code"), ({"kind": "quiet_hours"}, "kind"),
                                            ({"enabled": "perhaps"}, "enabled"), ({"params": [1]}, "params")])
def test_other_bad_patches_are_400_naming_the_field(api, admin_user, body, attr):
    assert list(error_codes(api(admin_user).patch(URL + "quiet_hours/", body, format="json"))) == [attr]


@pytest.mark.parametrize("user", ["supervisor", "auditor", "agent"])
def test_only_admins_may_change_rules(request, api, user):
    response = api(request.getfixturevalue(user)).patch(URL + "quiet_hours/", {"enabled": False}, format="json")

    assert response.status_code == 403
    assert ConductRule.objects.get(code="quiet_hours").enabled


def test_an_unknown_rule_is_404(api, admin_user):
    assert api(admin_user).patch(URL + "nope/", {"enabled": False}, format="json").status_code == 404


def test_the_admin_form_refuses_bad_params():
    rule = ConductRule.objects.get(code="visit_collectors")
    form = ConductRuleForm(instance=rule, data={"enabled": "on", "params": '{"min": 0}', "name_zh": rule.name_zh,
                                                "name_en": rule.name_en, "sort_order": 40})

    assert not form.is_valid() and "params" in form.errors


def test_the_admin_form_saves_good_params():
    rule = ConductRule.objects.get(code="visit_collectors")
    form = ConductRuleForm(instance=rule, data={"enabled": "on", "params": '{"min": 3}', "name_zh": rule.name_zh,
                                                "name_en": rule.name_en, "sort_order": 40})

    assert form.is_valid()
    form.save()
    assert ConductRule.objects.get(code="visit_collectors").params == {"min": 3}
