"""GET /api/v1/reports/conduct/?month=: breaches by rule, collector and agency, with cases touched."""

import pytest

from conduct import services
from tests.api.conftest import error_codes
from tests.conduct.helpers import row
from tests.factories import make_case

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/conduct/"


@pytest.fixture
def checked(agent, agent_b, conduct_case, store):
    """Two cases on two accounts: one in team A with three breaches, one in team B with one."""
    store([
        row("N1", at="2026-11-20T22:30:00+08:00", collector="王五", agency="甲公司"),
        row("N2", at="2026-11-21T23:00:00+08:00", collector="王五", agency="甲公司"),
        row("T1", at="2026-11-22T10:00:00+08:00", party="employer", collector="赵六", agency="乙公司"),
        # 08:00 on 1 December local time is still November 30 in UTC: it counts in December.
        row("DEC", at="2026-12-01T07:00:00+08:00", collector="王五", agency="甲公司"),
        row("B1", at="2026-11-20T23:30:00+08:00", account_reference="LN-2024-00002", collector="王五",
            agency="甲公司"),
    ])
    case_b = make_case(actor=agent_b, account_reference="LN-2024-00002", received_at="2026-11-28T10:00:00+08:00")
    services.conduct_check_record(case=conduct_case, actor=agent)
    services.conduct_check_record(case=case_b, actor=agent_b)
    return conduct_case, case_b


def test_breaches_are_counted_by_rule_collector_and_agency_with_cases(api, auditor, checked):
    body = api(auditor).get(URL, {"month": "2026-11"}).json()

    assert (body["month"], body["breaches"], body["cases"]) == ("2026-11", 4, 2)
    assert [(r["rule"], r["breaches"], r["cases"]) for r in body["by_rule"]] == [
        ("quiet_hours", 3, 2), ("unrelated_third_party", 1, 1)]
    assert [(r["collector"], r["breaches"], r["cases"]) for r in body["by_collector"]] == [
        ("王五", 3, 2), ("赵六", 1, 1)]
    assert [(r["agency"], r["breaches"], r["cases"]) for r in body["by_agency"]] == [
        ("甲公司", 3, 2), ("乙公司", 1, 1)]


def test_a_breach_counts_in_the_local_month_of_its_contact(api, auditor, checked):
    body = api(auditor).get(URL, {"month": "2026-12"}).json()

    assert body["breaches"] == 1 and body["by_rule"][0]["rule"] == "quiet_hours"


def test_only_the_latest_check_of_a_case_counts(api, auditor, agent, checked):
    services.conduct_check_record(case=checked[0], actor=agent)

    assert api(auditor).get(URL, {"month": "2026-11"}).json()["breaches"] == 4


def test_a_supervisor_sees_only_the_cases_of_their_teams(api, checked, team_b):
    from accounts.roles import Role
    from tests.factories import UserFactory

    supervisor_b = UserFactory(username="sup-b", role=Role.SUPERVISOR, teams=[team_b])

    assert api(supervisor_b).get(URL, {"month": "2026-11"}).json()["breaches"] == 1


@pytest.mark.parametrize(("user", "code"), [("supervisor", 200), ("auditor", 200), ("admin_user", 200),
                                            ("agent", 403), ("callcenter", 403), ("lead", 403), ("member", 403)])
def test_who_may_read_the_report(request, api, user, code):
    assert api(request.getfixturevalue(user)).get(URL, {"month": "2026-11"}).status_code == code


@pytest.mark.parametrize("month", ["", "2026-13", "2026-1", "november", "1899-01", "2026-11-01"])
def test_a_bad_month_is_400_naming_it(api, auditor, month):
    assert error_codes(api(auditor).get(URL, {"month": month})) == {"month": "invalid"}
