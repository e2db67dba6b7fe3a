"""The case workspace: who sees what, the transition forms, the side actions, errors next to the
field with the API's message, stale forms, forged POSTs, and the panel seam."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from complaints.models import ComplaintCase, PiiAccessLog
from complaints.views import workspace
from tests.factories import HAPPY_PATH, advance, make_case

pytestmark = pytest.mark.django_db


def _url(case, suffix: str = "") -> str:
    return f"/cases/{case.pk}/{suffix}"


def _forms(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="(/cases/\d+/transitions/[a-z_]+/)"', html)


def _field_error(html: str, field_id: str) -> str:
    """The message the field's aria-describedby points at (page markers, README "Pages")."""
    tag = re.search(rf'<[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    assert tag, f"no field {field_id}"
    assert 'aria-invalid="true"' in tag.group(0), tag.group(0)
    described = re.search(r'aria-describedby="([^"]+)"', tag.group(0)).group(1)
    message = re.search(rf'id="{re.escape(described)}"[^>]*>(.*?)</div>', html, re.S)
    return message.group(1).strip()


def test_an_agent_sees_the_case_with_masked_personal_data(login, agent, case_a):
    html = login(agent).get(_url(case_a)).content.decode()

    assert case_a.reference in html
    assert "13800001234" not in html
    assert "138****1234" in html or "1380" not in html
    assert 'id="pii-form"' not in html


def test_another_teams_case_is_a_404_page(login, agent, case_b):
    response = login(agent).get(_url(case_b))

    assert response.status_code == 404
    assert case_b.reference not in response.content.decode()


def test_only_the_transitions_the_user_may_run_now_are_forms(login, agent, case_a):
    html = login(agent).get(_url(case_a)).content.decode()

    assert sorted(_forms(html)) == sorted(
        [_url(case_a, "transitions/start_verification/"), _url(case_a, "transitions/withdraw/")]
    )


def test_an_auditor_reads_but_has_no_forms(login, auditor, case_a):
    html = login(auditor).get(_url(case_a)).content.decode()

    assert _forms(html) == []
    assert 'id="note-form"' not in html
    assert 'id="pii-form"' in html


def test_a_supervisor_may_reassign_and_reveal(login, supervisor, case_a):
    html = login(supervisor).get(_url(case_a)).content.decode()

    assert 'id="assign-form"' in html
    assert 'id="pii-form"' in html


def test_the_happy_path_through_the_forms_reaches_closed(login, agent, case_a):
    client = login(agent)
    posts = {
        "start_verification": {},
        "complete_verification": {"finding": "substantiated", "notes": "通话记录显示一日拨打12次"},
        "propose_resolution": {"customer_demand": "停止频繁来电"},
        "resolve": {"actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0", "actions-0-type": "fee_waiver", "actions-0-amount": "120.50",
                    "actions-0-detail": "减免违约金", "summary": "已调整催收频次"},
        "record_feedback": {"satisfaction": "4", "accepted": "true"},
        "close": {"notes": "回访确认问题已解决"},
    }
    for name, payload in posts.items():
        case_a.refresh_from_db()
        response = client.post(_url(case_a, f"transitions/{name}/"), {**payload, "version": case_a.version})
        assert response.status_code == 302, (name, response.content.decode()[:3000])

    case_a.refresh_from_db()
    assert case_a.state == "closed"
    assert case_a.actions.get().amount == pytest.approx(120.5)
    html = client.get(_url(case_a)).content.decode()
    for name in posts:
        assert f'data-transition="{name}"' in html


def test_a_missing_finding_shows_the_api_message_next_to_the_field(login, agent, case_a, row_counts):
    advance(case_a, actor=agent, steps=1)
    case_a.refresh_from_db()
    before = row_counts()

    response = login(agent).post(_url(case_a, "transitions/complete_verification/"),
                                 {"notes": "我的笔记", "version": case_a.version})

    assert response.status_code == 400
    html = response.content.decode()
    assert _field_error(html, "complete_verification-finding") == "该字段为必填项。"
    assert "我的笔记" in html
    assert row_counts() == before


def test_an_action_without_its_amount_is_flagged_on_that_row(login, agent, case_a, row_counts):
    advance(case_a, actor=agent, steps=3)
    case_a.refresh_from_db()
    before = row_counts()

    response = login(agent).post(_url(case_a, "transitions/resolve/"), {
        "actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0", "actions-0-type": "apology", "actions-1-type": "fee_waiver",
        "summary": "总结", "version": case_a.version,
    })

    assert response.status_code == 400
    html = response.content.decode()
    assert _field_error(html, "resolve-actions-1-amount")
    assert 'id="resolve-actions-0-amount"' in html
    assert row_counts() == before


def test_bad_feedback_values_get_the_api_messages(login, agent, case_a):
    advance(case_a, actor=agent, steps=4)
    case_a.refresh_from_db()

    response = login(agent).post(_url(case_a, "transitions/record_feedback/"),
                                 {"satisfaction": "9", "accepted": "maybe", "version": case_a.version})

    html = response.content.decode()
    assert response.status_code == 400
    assert _field_error(html, "record_feedback-satisfaction")
    assert 'aria-invalid="true"' in html.split('id="record_feedback-accepted-0"')[0].rsplit("<fieldset", 1)[1]


def test_a_stale_form_shows_a_conflict_and_keeps_the_input(login, agent, supervisor, case_a):
    advance(case_a, actor=agent, steps=1)
    case_a.refresh_from_db()
    stale_version = case_a.version
    login(supervisor).post(_url(case_a, "assign/"), {"assignee": str(supervisor.pk), "version": stale_version})

    response = login(agent).post(_url(case_a, "transitions/complete_verification/"), {
        "finding": "substantiated", "notes": "我写了很久的核实说明", "version": stale_version,
    })

    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-form-errors="complete_verification"' in html
    assert "我写了很久的核实说明" in html
    case_a.refresh_from_db()
    assert case_a.state == "verify"


def test_a_transition_the_user_may_not_run_is_a_403_page_and_changes_nothing(login, auditor, case_a, row_counts):
    before = row_counts()

    response = login(auditor).post(_url(case_a, "transitions/start_verification/"), {})

    assert response.status_code == 403
    assert row_counts() == before


def test_a_transition_on_another_teams_case_is_a_404_page(login, agent, case_b, row_counts):
    before = row_counts()

    response = login(agent).post(_url(case_b, "transitions/withdraw/"), {"reason": "x"})

    assert response.status_code == 404
    assert row_counts() == before


def test_a_post_without_the_csrf_token_is_refused(agent, case_a, row_counts):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    before = row_counts()

    response = client.post(_url(case_a, "notes/"), {"body": "伪造"})

    assert response.status_code == 403
    assert row_counts() == before


def test_a_transition_not_possible_now_says_so_and_writes_nothing(login, agent, case_a, row_counts):
    before = row_counts()

    response = login(agent).post(_url(case_a, "transitions/close/"), {"notes": "提前关闭"})

    assert response.status_code == 409
    assert 'data-form-errors="close"' in response.content.decode()
    assert row_counts() == before


def test_a_note_is_added_to_the_timeline(login, agent, case_a):
    client = login(agent)

    assert client.post(_url(case_a, "notes/"), {"body": "客户下午再来电", "internal": "true"}).status_code == 302
    assert "客户下午再来电" in client.get(_url(case_a)).content.decode()


def test_the_timeline_names_each_event_s_kind(login, agent, case_a):
    from django.utils import translation

    from complaints.choices import EventKind

    html = login(agent).get(_url(case_a)).content.decode()

    with translation.override("zh-hans"):
        assert f"· {EventKind.CREATED.label} ·" in html


def test_an_empty_note_gets_the_api_message(login, agent, case_a, row_counts):
    before = row_counts()
    response = login(agent).post(_url(case_a, "notes/"), {"body": ""})

    assert response.status_code == 400
    assert _field_error(response.content.decode(), "note-body") == "该字段为必填项。"
    assert row_counts() == before


def test_a_communication_with_a_bad_outcome_is_refused_next_to_the_field(login, agent, case_a, row_counts):
    before = row_counts()
    response = login(agent).post(_url(case_a, "communications/"), {
        "channel": "phone", "direction": "outbound", "outcome": "nonsense", "summary": "回电",
    })

    assert response.status_code == 400
    assert _field_error(response.content.decode(), "communication-outcome")
    assert row_counts() == before


def test_an_attachment_without_a_file_is_refused(login, agent, case_a):
    response = login(agent).post(_url(case_a, "attachments/"), {})

    assert response.status_code == 400
    assert _field_error(response.content.decode(), "attachment-file")


def test_a_text_attachment_is_stored(login, agent, case_a, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile("记录.txt", "通话记录".encode(), content_type="text/plain")

    response = login(agent).post(_url(case_a, "attachments/"), {"file": upload})

    assert response.status_code == 302
    assert case_a.attachments.count() == 1


def test_an_extension_needs_a_reason(login, agent, case_a):
    response = login(agent).post(_url(case_a, "extension/"), {"reason": ""})

    assert response.status_code == 400
    assert _field_error(response.content.decode(), "extension-reason")


def test_a_supervisor_reassigns_and_an_agent_may_not(login, agent, supervisor, case_a):
    assert login(agent).post(_url(case_a, "assign/"), {"assignee": str(agent.pk)}).status_code == 403

    response = login(supervisor).post(_url(case_a, "assign/"), {"assignee": str(agent.pk)})

    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.assignee == agent


def test_reassigning_to_someone_outside_the_team_is_refused_next_to_the_field(login, supervisor, agent_b, case_a):
    response = login(supervisor).post(_url(case_a, "assign/"), {"assignee": str(agent_b.pk)})

    assert response.status_code == 400
    assert _field_error(response.content.decode(), "assign-assignee")


def test_a_reveal_needs_a_reason_and_is_logged(login, supervisor, case_a):
    client = login(supervisor)

    refused = client.post(_url(case_a, "pii/"), {"reason": ""})
    assert refused.status_code == 400
    assert _field_error(refused.content.decode(), "pii-reason")
    assert PiiAccessLog.objects.count() == 0

    response = client.post(_url(case_a, "pii/"), {"reason": "客户来电核实身份"})
    assert response.status_code == 200
    assert "13800001234" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert PiiAccessLog.objects.get().reason == "客户来电核实身份"


def test_an_agent_may_not_reveal(login, agent, case_a):
    assert login(agent).post(_url(case_a, "pii/"), {"reason": "想看"}).status_code == 403
    assert PiiAccessLog.objects.count() == 0


def test_reveals_are_throttled_per_user(login, supervisor, case_a):
    # The counter lives in Redis, which outlives the database between tests: start from zero.
    cache.clear()
    client = login(supervisor)
    for _ in range(10):
        assert client.post(_url(case_a, "pii/"), {"reason": "核实"}).status_code == 200

    response = client.post(_url(case_a, "pii/"), {"reason": "核实"})

    assert response.status_code == 429
    assert 'data-form-errors="pii"' in response.content.decode()
    assert PiiAccessLog.objects.count() == 10


def test_earlier_complaints_of_the_same_person_are_listed(login, agent, case_a):
    later = make_case(actor=agent, complainant={"name": "张三", "phone": "+86 138 0000 1234"})
    other = make_case(actor=agent, complainant={"name": "王五", "phone": "13700000000"})

    html = login(agent).get(_url(later)).content.decode()
    related = html.split('id="related-cases"')[1].split("</ul>")[0]

    assert case_a.reference in related
    assert other.reference not in related


def test_related_cases_of_another_team_are_not_shown(login, agent, agent_b, case_a):
    theirs = make_case(actor=agent_b)

    html = login(agent).get(_url(case_a)).content.decode()

    assert theirs.reference not in html


def test_registered_panels_render_in_order(login, agent, case_a, monkeypatch, tmp_path, settings):
    (tmp_path / "p1.html").write_text("<p id='panel-one'>{{ panel.word }}</p>")
    (tmp_path / "p2.html").write_text("<p id='panel-two'>two</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    monkeypatch.setattr(workspace, "_panels", [])
    workspace.register_case_panel("p1.html", lambda request, case: {"word": f"one-{case.pk}"})
    workspace.register_case_panel("p2.html", lambda request, case: {})
    workspace.register_case_panel("p3.html", lambda request, case: None)

    html = login(agent).get(_url(case_a)).content.decode()

    assert f"one-{case_a.pk}" in html
    assert html.index("panel-one") < html.index("panel-two")


def _workspace_queries(client, case, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(_url(case)).status_code == 200


def test_the_workspace_query_count_does_not_grow_with_the_timeline(login, agent, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(agent)
    short = make_case(actor=agent)
    long = make_case(actor=agent)
    advance(long, actor=agent, steps=len(HAPPY_PATH) - 1)
    for i in range(15):
        client.post(_url(long, "notes/"), {"body": f"备注{i}"})
    client.get(_url(short))
    counts = []
    for case in (short, long):
        with CaptureQueriesContext(connection) as ctx:
            client.get(_url(case))
        counts.append(len(ctx.captured_queries))
    assert counts[1] <= counts[0] + 2, counts
    assert ComplaintCase.objects.get(pk=long.pk).state == "follow_up"


def test_a_deadline_near_its_end_is_flagged_with_the_time_left(login, agent, case_a):
    from datetime import timedelta

    from django.utils import timezone

    from timers.models import Deadline

    Deadline.objects.filter(case=case_a).update(warn_at=timezone.now() - timedelta(minutes=5))

    html = login(agent).get(_url(case_a)).content.decode()
    deadlines = html.split('id="deadlines"')[1].split("</ul>")[0]

    assert "list-group-item-warning" in deadlines
    assert 'role="status"' in deadlines
