"""Conduct checks: on demand through the API, automatically on entering verification, and the
breach rows the statistics read."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services as case_services
from complaints.models import CaseEvent
from conduct import selectors, services
from conduct.models import ConductBreach, ConductCheck, ConductRule
from tests.api.conftest import case_url, error_codes
from tests.conduct.helpers import row
from tests.factories import make_case

pytestmark = pytest.mark.django_db

NIGHT = "2026-11-20T22:30:00+08:00"
DAY = "2026-11-20T10:00:00+08:00"


def _check_url(case):
    return case_url(case, "conduct-check/")


def test_a_check_finds_a_quiet_hours_breach_and_suggests_substantiated(api, agent, conduct_case, store):
    store([row("N1", at=NIGHT), row("D1", at=DAY)])

    response = api(agent).post(_check_url(conduct_case))

    body = response.json()
    assert response.status_code == 201
    assert set(body) == {"id", "checked_at", "window", "contacts_checked", "breaches", "suggested_finding"}
    assert body["contacts_checked"] == 2
    assert [(b["rule"], b["contacts"]) for b in body["breaches"]] == [("quiet_hours", ["N1"])]
    assert body["suggested_finding"] == "substantiated"


def test_contacts_without_breach_suggest_unsubstantiated(api, agent, conduct_case, store):
    store([row("D1", at=DAY)])

    assert api(agent).post(_check_url(conduct_case)).json()["suggested_finding"] == "unsubstantiated"


def test_no_contacts_suggest_nothing(api, agent, conduct_case):
    body = api(agent).post(_check_url(conduct_case)).json()

    assert body["contacts_checked"] == 0 and body["suggested_finding"] is None


def test_the_window_runs_from_30_days_before_receipt_to_the_check(api, agent, conduct_case, store):
    # Received 2026-11-28 10:00 +08:00: the window opens 2026-10-29 10:00 +08:00.
    store([row("OLD", at="2026-10-29T09:59:00+08:00"), row("IN", at="2026-10-29T10:00:00+08:00")])

    body = api(agent).post(_check_url(conduct_case)).json()

    assert body["contacts_checked"] == 1
    assert body["window"]["since"].startswith("2026-10-29T10:00:00")


def test_contacts_of_another_account_are_not_checked(api, agent, conduct_case, store):
    store([row("X1", at=NIGHT, account_reference="LN-2024-00001")])

    assert api(agent).post(_check_url(conduct_case)).json()["contacts_checked"] == 0


def test_the_account_reference_matches_whatever_its_spacing_and_case(api, agent, conduct_case, store):
    store([row("X1", at=NIGHT, account_reference=" ln-2024-88812 ")])

    assert api(agent).post(_check_url(conduct_case)).json()["contacts_checked"] == 1


def test_a_disabled_rule_is_not_applied(api, agent, conduct_case, store):
    ConductRule.objects.filter(code="quiet_hours").update(enabled=False)
    store([row("N1", at=NIGHT)])

    assert api(agent).post(_check_url(conduct_case)).json()["breaches"] == []


def test_the_regulation_f_rule_applies_once_enabled(api, agent, conduct_case, store):
    ConductRule.objects.filter(code="attempts_in_days").update(enabled=True)
    store([row(f"C{i}", at=f"2026-11-{10 + i // 2:02d}T{10 + i % 2}:00:00+08:00") for i in range(8)])

    assert [b["rule"] for b in api(agent).post(_check_url(conduct_case)).json()["breaches"]] == ["attempts_in_days"]


def test_each_run_lands_on_the_timeline_as_conduct_check(api, agent, conduct_case, store):
    store([row("N1", at=NIGHT)])

    check_id = api(agent).post(_check_url(conduct_case)).json()["id"]

    event = CaseEvent.objects.filter(case=conduct_case, kind="conduct_check").get()
    assert event.data == {"check_id": check_id, "contacts_checked": 1, "breaches": 1, "rules": ["quiet_hours"],
                          "suggested_finding": "substantiated"}
    assert "LN-2024" not in event.summary


def test_get_returns_the_latest_check(api, agent, conduct_case, store):
    api(agent).post(_check_url(conduct_case))
    store([row("N1", at=NIGHT)])
    latest = api(agent).post(_check_url(conduct_case)).json()

    assert api(agent).get(_check_url(conduct_case)).json() == latest


def test_get_without_any_check_is_404(api, agent, conduct_case):
    assert api(agent).get(_check_url(conduct_case)).status_code == 404


@pytest.mark.parametrize(("user", "post", "get"), [
    ("agent", 201, 200), ("supervisor", 201, 200), ("admin_user", 201, 200),
    ("auditor", 403, 200), ("callcenter", 403, 200),  # the client created the case: it may read
    ("agent_b", 404, 404), ("lead", 404, 404),
])
def test_check_permissions_follow_the_case(request, api, agent, store, user, post, get):
    case = make_case(actor=request.getfixturevalue("callcenter"), received_at="2026-11-28T10:00:00+08:00")
    client = api(request.getfixturevalue(user))

    assert client.post(_check_url(case)).status_code == post
    api(agent).post(_check_url(case))
    assert client.get(_check_url(case)).status_code == get


def test_anonymous_check_is_401(api, conduct_case):
    assert api(None).post(_check_url(conduct_case)).status_code == 401


def test_an_unknown_case_is_404(api, agent):
    assert error_codes(api(agent).post("/api/v1/complaints/999999/conduct-check/")) == {None: "not_found"}


def test_only_the_latest_check_of_a_case_has_current_breach_rows(agent, conduct_case, store):
    store([row("N1", at=NIGHT)])
    first = services.conduct_check_record(case=conduct_case, actor=agent)
    second = services.conduct_check_record(case=conduct_case, actor=agent)

    assert list(ConductBreach.objects.filter(is_current=True).values_list("check_run", flat=True)) == [second.pk]
    assert ConductBreach.objects.filter(check_run=first, is_current=False).count() == 1


def test_a_breach_row_names_the_contact_over_the_limit(agent, conduct_case, store):
    store([row(f"U{i}", at=f"2026-11-20T{9 + i}:00:00+08:00", outcome="unanswered", agency=f"agency{i}")
           for i in range(7)])

    services.conduct_check_record(case=conduct_case, actor=agent)

    breach = ConductBreach.objects.get()
    assert (breach.rule_code, breach.contact.source_id, breach.agency) == ("daily_unanswered_attempts", "U6", "agency6")


# -- automatic on entering verification ------------------------------------------------------


def _start_verification(case, actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_transition(case_id=case.pk, name="start_verification", actor=actor, payload={})


def test_the_check_runs_when_a_conduct_case_enters_verification(agent, conduct_case, store,
                                                                django_capture_on_commit_callbacks):
    store([row("N1", at=NIGHT)])

    _start_verification(conduct_case, agent, django_capture_on_commit_callbacks)

    check = ConductCheck.objects.get(case=conduct_case)
    assert check.actor == agent and check.breaches[0]["rule"] == "quiet_hours"
    assert selectors.conduct_suggested_finding(case=conduct_case) == "substantiated"


def test_no_automatic_check_for_other_categories(agent, store, django_capture_on_commit_callbacks):
    case = make_case(actor=agent, category="fee_dispute")

    _start_verification(case, agent, django_capture_on_commit_callbacks)

    assert not ConductCheck.objects.exists()


def test_a_failing_automatic_check_does_not_break_the_transition(agent, conduct_case, monkeypatch,
                                                                 django_capture_on_commit_callbacks, caplog):
    def broken(**kwargs):
        raise RuntimeError("rules table unreadable")

    monkeypatch.setattr(services, "conduct_check_record", broken)

    _start_verification(conduct_case, agent, django_capture_on_commit_callbacks)

    conduct_case.refresh_from_db()
    assert conduct_case.state == "verify"
    assert "automatic conduct check failed" in caplog.text


def test_the_suggestion_is_none_before_any_check(conduct_case):
    assert selectors.conduct_suggested_finding(case=conduct_case) is None


@pytest.mark.django_db(transaction=True)
def test_the_check_runs_after_the_verification_commits(agent, store):
    case = make_case(actor=agent, received_at=(timezone.now() - timedelta(days=1)).isoformat())
    store([row("N1", at=(timezone.now() - timedelta(days=2)).replace(hour=15, minute=0).isoformat())])

    case_services.case_transition(case_id=case.pk, name="start_verification", actor=agent, payload={})

    assert ConductCheck.objects.filter(case=case).count() == 1


def test_the_verification_form_is_pre_filled_with_the_suggested_finding(
    client, agent, conduct_case, store, django_capture_on_commit_callbacks
):
    store([row("N1", at=NIGHT)])
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_transition(case_id=conduct_case.pk, name="start_verification", actor=agent, payload={})
    client.force_login(agent)

    html = client.get(f"/cases/{conduct_case.pk}/").content.decode()

    form = html.split('id="transition-complete_verification"')[1].split("</form>")[0]
    assert '<option value="substantiated" selected' in form
    assert 'name="override_reason"' in form
