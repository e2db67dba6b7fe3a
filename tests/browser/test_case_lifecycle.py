"""An agent registers a complaint (once with errors, once right), works it through every stage to
closed from the workspace and sees each step on the timeline; a supervisor reassigns; no page
logs a console error (CSP violations included). Screenshots go to test-results/screenshots/."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from complaints.models import ComplaintCase
from notifications.services import notify
from tests.browser.conftest import CHROMIUM, log_in
from tests.factories import TeamFactory, UserFactory, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (.ci/run installs it)"),
]


@pytest.fixture
def people(roles):
    team = TeamFactory(code="team-browser", name="投诉处理一组")
    agent = UserFactory(username="b-agent", display_name="王小明", role=Role.AGENT, teams=[team])
    supervisor = UserFactory(username="b-supervisor", display_name="李主管", role=Role.SUPERVISOR, teams=[team])
    admin = UserFactory(username="b-admin", display_name="管理员")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return {"agent": agent, "supervisor": supervisor, "admin": admin, "team": team}


def _submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{form_selector} button[type=submit]")


def test_an_agent_registers_and_works_a_case_to_closed(live_server, people, page, shot):
    from playwright.sync_api import expect

    url = live_server.url
    log_in(page, url, "b-agent")
    page.goto(f"{url}/cases/new/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # Once with errors: no summary, a bad phone.
    page.select_option("#intake-channel", "phone")
    page.select_option("#intake-category", "collection_conduct")
    page.fill("#intake-complainant_name", "张三")
    page.fill("#intake-complainant_phone", "12345")
    _submit(page, "#intake-form")
    expect(page.locator("#intake-summary")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#intake-summary-error")).to_be_visible()
    expect(page.locator("#intake-complainant_phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#intake-complainant_name")).to_have_value("张三")
    shot(page, "intake-errors")
    assert ComplaintCase.objects.count() == 0

    # Then right.
    page.fill("#intake-summary", "催收电话一天十几次")
    page.fill("#intake-description", "客户反映催收人员每天拨打十几次电话。")
    page.fill("#intake-complainant_phone", "13800001234")
    page.check("#intake-risk_flags-1")
    _submit(page, "#intake-form")
    case = ComplaintCase.objects.get()
    expect(page).to_have_url(f"{url}/cases/{case.pk}/")
    expect(page.locator("#case-heading")).to_have_text(case.reference)
    shot(page, "workspace-intake")

    steps = [
        ("start_verification", {}),
        ("complete_verification", {"select:finding": "substantiated", "notes": "通话记录显示一日拨打12次"}),
        ("propose_resolution", {"customer_demand": "停止频繁来电"}),
        ("resolve", {"select:actions-0-type": "fee_waiver", "actions-0-amount": "120.50",
                     "actions-0-detail": "减免违约金", "summary": "已调整催收频次"}),
        ("record_feedback", {"select:satisfaction": "4", "check:accepted-0": ""}),
        ("close", {"notes": "回访确认问题已解决"}),
    ]
    for name, fields in steps:
        form = f"#transition-{name}"
        for key, value in fields.items():
            kind, _, field = key.rpartition(":")
            selector = f"#{name}-{field}" if not field.startswith("actions-") else f"#resolve-{field}"
            if kind == "select":
                page.select_option(selector, value)
            elif kind == "check":
                page.check(selector)
            else:
                page.fill(selector, value)
        _submit(page, form)
        expect(page.locator(f"#timeline [data-transition='{name}']")).to_be_visible()
        if name == "resolve":
            shot(page, "workspace-resolved")
    case.refresh_from_db()
    assert case.state == "closed"
    expect(page.locator("#transition-reopen")).to_be_visible()
    shot(page, "workspace-closed")

    page.goto(f"{url}/cases/")
    expect(page.locator(f"tr[data-case-id='{case.pk}']")).to_be_visible()
    shot(page, "queue")
    assert page.console_watch.errors == []


def test_a_supervisor_reassigns_a_case(live_server, people, page, shot):
    from playwright.sync_api import expect

    case = make_case(actor=people["agent"])
    log_in(page, live_server.url, "b-supervisor")
    page.goto(f"{live_server.url}/cases/{case.pk}/")

    page.select_option("#assign-assignee", str(people["agent"].pk))
    _submit(page, "#assign-form")

    expect(page.locator("#case-assignee")).to_have_text("王小明")
    expect(page.locator("#timeline [data-kind='assignment']")).to_be_visible()
    shot(page, "workspace-supervisor")
    assert page.console_watch.errors == []


def test_no_page_logs_a_console_error(live_server, people, page, shot):
    case = make_case(actor=people["agent"])
    notify([people["admin"]], "test", "测试通知", case=case)
    log_in(page, live_server.url, "b-admin")
    for path, name in [
        ("/cases/", None), ("/cases/?state=nonsense", None), ("/cases/new/", None),
        (f"/cases/{case.pk}/", None), ("/notifications/", "notifications"), ("/admin/", "admin"),
        ("/admin/complaints/complaintcase/", None), (f"/admin/complaints/complaintcase/{case.pk}/change/", None),
        ("/api/docs/", "api-docs"), ("/no-such-page/", None), ("/dashboard/", None),
        ("/reports/monthly/", None), ("/contingency/activations/", None),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        if name:
            shot(page, name)
    assert page.console_watch.errors == []
