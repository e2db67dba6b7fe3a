"""The supervisor dashboard: who sees it, its figures on a known data set, constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import ComplaintCase, StageTimeDaily
from complaints.reporting import dashboard
from complaints.reporting.summaries import bucket_of, median_from_buckets, summaries_refresh_recent
from tests.factories import make_case

pytestmark = pytest.mark.django_db
URL = "/dashboard/"


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["agent", "lead", "member", "callcenter"])
def test_roles_without_the_dashboard_get_the_403_page(client, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(URL)

    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("who", ["supervisor", "auditor", "admin_user"])
def test_supervisor_auditor_and_admin_see_the_dashboard_in_chinese(client, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'id="open-by-state"' in html and 'id="workload"' in html
    assert 'id="daily-chart-data" type="application/json"' in html


def test_page_has_no_inline_script_and_loads_the_vendored_chart(client, supervisor, known):
    client.force_login(supervisor)

    html = client.get(URL).content.decode()

    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert "/static/js/charts.js" in html
    for chunk in html.split("<script")[1:]:
        head = chunk.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head
    assert " onclick=" not in html and " style=" not in html


def test_open_cases_are_counted_by_state_category_and_severity(supervisor, known):
    figures = dashboard.open_breakdown(actor=supervisor)

    by_state = {row.code: row.count for row in figures["by_state"]}
    by_severity = {row.code: row.count for row in figures["by_severity"]}
    by_category = {row.code: row.count for row in figures["by_category"]}
    assert figures["total"] == 5
    assert by_state == {"intake": 2, "verify": 1, "communicate": 1, "resolve": 0, "feedback": 0, "follow_up": 1}
    assert by_severity == {"critical": 0, "high": 1, "normal": 4, "low": 0}
    assert by_category["fee_dispute"] == 1 and by_category["collection_conduct"] == 4


def test_a_supervisor_of_one_team_counts_only_that_team(supervisor_a, known):
    assert dashboard.open_breakdown(actor=supervisor_a)["total"] == 4


def test_at_risk_lists_the_running_deadline_past_its_warning(supervisor, known):
    figures = dashboard.at_risk(actor=supervisor)

    assert figures["count"] == 1
    assert [row["case"].pk for row in figures["rows"]] == [known["c3"].pk]
    assert figures["rows"][0]["deadline"].kind == "final_answer"


def test_breached_lists_the_open_breached_case(supervisor, known):
    figures = dashboard.breached(actor=supervisor)

    assert figures["count"] == 1
    assert [c.pk for c in figures["rows"]] == [known["c4"].pk]


def test_satisfaction_average_and_reopen_rate_cover_cases_resolved_in_90_days(supervisor, known):
    figures = dashboard.satisfaction_and_reopen(actor=supervisor)

    assert figures["resolved"] == 3
    assert figures["satisfaction"] == pytest.approx(3.0)
    assert figures["reopen_rate"] == pytest.approx(1 / 3)


def test_on_time_rate_counts_final_answers_met_before_due(supervisor, known):
    figures = dashboard.on_time(actor=supervisor)

    assert (figures["answered"], figures["on_time"]) == (3, 2)
    assert figures["rate"] == pytest.approx(2 / 3)


def test_median_time_in_stage_comes_from_the_timeline(supervisor, known):
    medians = {row["code"]: row for row in dashboard.stage_medians(actor=supervisor)}

    # c1 spent 10 h in each stage; the other cases' stages lasted well under a minute.
    assert medians["follow_up"]["exits"] == 1
    assert medians["follow_up"]["median_seconds"] == pytest.approx(36000, rel=0.03)
    assert medians["intake"]["exits"] == 4  # c1, c2, c4, c6 left intake


def test_median_from_buckets_is_within_a_bucket_of_the_exact_median():
    durations = [60, 600, 3600, 7200, 86400]
    counts: dict[int, int] = {}
    for seconds in durations:
        counts[bucket_of(seconds)] = counts.get(bucket_of(seconds), 0) + 1

    assert median_from_buckets(counts) == pytest.approx(3600, rel=0.03)
    assert median_from_buckets({}) is None


def test_daily_intake_covers_90_days_with_a_7_day_moving_average(supervisor, known):
    series = dashboard.daily_intake(actor=supervisor)

    assert len(series) == 90
    assert series[-1]["day"] == timezone.localdate()
    assert series[-1]["count"] == 6
    assert series[-1]["trend"] == pytest.approx(6 / 7, abs=0.01)


def test_workload_counts_open_cases_per_agent_with_a_reassign_form(client, supervisor, agent, agent_b, known):
    rows = {row["user"].username: row for row in dashboard.workload(actor=supervisor)}

    assert rows["agent"]["open"] == 3  # c2, c4, c6; c3 in intake has no assignee yet
    assert rows["agent2"]["open"] == 0
    client.force_login(supervisor)
    html = client.get(URL).content.decode()
    assert f'action="/cases/{rows["agent"]["oldest_case_id"]}/assign/"' in html
    assert 'name="assignee"' in html


def test_dashboard_rows_link_to_the_case_workspace(client, supervisor, known):
    client.force_login(supervisor)

    html = client.get(URL).content.decode()

    assert f'href="/cases/{known["c3"].pk}/"' in html
    assert f'href="/cases/{known["c4"].pk}/"' in html


def test_summary_refresh_is_idempotent(known):
    before = sorted(StageTimeDaily.objects.values_list("day", "team_id", "stage", "bucket", "exits"))

    summaries_refresh_recent(days=5)

    assert sorted(StageTimeDaily.objects.values_list("day", "team_id", "stage", "bucket", "exits")) == before


def _make_risky_cases(agent, n):
    now = timezone.now()
    for _ in range(n):
        case = make_case(actor=agent)
        case.deadlines.filter(kind="final_answer").update(
            warn_at=now - timedelta(hours=1), due_at=now + timedelta(hours=2)
        )
    ComplaintCase.objects.update(is_breached=True)


def test_dashboard_query_count_does_not_grow_with_the_rows_shown(
    client, supervisor, agent, django_assert_num_queries
):
    client.force_login(supervisor)
    _make_risky_cases(agent, 2)
    client.get(URL)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200

    _make_risky_cases(agent, 18)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL)

    assert response.context["at_risk"]["count"] == 20
    assert len(response.context["breached"]["rows"]) == 20


def test_at_risk_and_breached_counts_stop_at_the_cap_and_say_more(supervisor, agent, monkeypatch):
    monkeypatch.setattr(dashboard, "COUNT_CAP", 2)
    _make_risky_cases(agent, 3)

    assert (dashboard.at_risk(actor=supervisor)["count"], dashboard.at_risk(actor=supervisor)["more"]) == (2, True)
    assert (dashboard.breached(actor=supervisor)["count"], dashboard.breached(actor=supervisor)["more"]) == (2, True)


def test_counts_under_the_cap_are_exact(supervisor, agent, monkeypatch):
    monkeypatch.setattr(dashboard, "COUNT_CAP", 3)
    _make_risky_cases(agent, 3)

    assert dashboard.at_risk(actor=supervisor) | {"rows": None} == {"count": 3, "more": False, "rows": None}


def test_the_dashboard_headings_show_a_capped_count_with_a_plus(client, supervisor, agent, monkeypatch):
    monkeypatch.setattr(dashboard, "COUNT_CAP", 2)
    _make_risky_cases(agent, 3)
    client.force_login(supervisor)

    html = client.get(URL).content.decode()

    assert "即将超时（2+）" in html
    assert "已超时（2+）" in html


def test_reassignment_offers_only_agents_of_the_cases_team(client, supervisor, agent, agent_b, known):
    client.force_login(supervisor)

    html = client.get(URL).content.decode()

    form = html.split(f'id="assign-{known["c4"].pk}"', 1)[1].split("</select>", 1)[0]
    assert f'value="{agent.pk}"' in form
    assert f'value="{agent_b.pk}"' not in form
