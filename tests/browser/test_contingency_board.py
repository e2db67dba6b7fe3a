"""The emergency response in the browser: the lead activates a playbook by hand from a case, a
member completes a task on the board, the lead resolves and submits the review, and the
improvement becomes a draft version of the playbook."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.browser.test_login_and_language import CHROMIUM, CHROMIUM_ARGS
from tests.factories import TeamFactory, UserFactory, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (.ci/run installs it)"),
]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.console_errors = errors
        yield page
        context.close()
        browser.close()


@pytest.fixture
def people(transactional_db):
    from contingency.models import GroupMember, Playbook

    if not Playbook.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("contingency.migrations.0002_seed_playbooks").seed(apps, None)
    for role in (Role.AGENT, Role.EMERGENCY_LEAD, Role.EMERGENCY_MEMBER):
        Group.objects.get_or_create(name=role)
    team = TeamFactory(code="team-a")
    agent = UserFactory(username="agent", role=Role.AGENT, teams=[team])
    lead = UserFactory(username="lead", display_name="赵明", role=Role.EMERGENCY_LEAD)
    member = UserFactory(username="member", display_name="孙丽", role=Role.EMERGENCY_MEMBER)
    GroupMember.objects.create(user=lead, role="lead", department="compliance")
    GroupMember.objects.create(user=member, role="member", department="customer_service")
    return {"agent": agent, "lead": lead, "member": member,
            "playbook": Playbook.objects.get(code="collection_conduct")}


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo-pass-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


def _logout(page):
    page.locator("form[action='/accounts/logout/'] button").click()


def test_lead_activates_member_completes_lead_reviews_and_a_draft_follows(live_server, page, people):
    from playwright.sync_api import expect

    from contingency.models import Activation, PlaybookVersion

    base = live_server.url
    case = make_case(actor=people["agent"])
    _login(page, base, "lead")
    page.goto(f"{base}/contingency/activations/new/?case={case.pk}")
    page.select_option("#id_playbook", str(people["playbook"].pk))
    page.locator("#activate-form button[type=submit]").click()
    expect(page.locator("#activation-state")).to_have_attribute("data-state", "activated")
    board = page.url
    page.locator("#transitions form[action$='/acknowledge/'] button").click()
    expect(page.locator("#activation-state")).to_have_attribute("data-state", "responding")
    _logout(page)

    _login(page, base, "member")
    page.goto(board)
    page.locator("form[action$='/complete/'] button").first.click()
    expect(page.locator("[data-task] .badge.text-bg-success")).to_have_count(1)
    _logout(page)

    _login(page, base, "lead")
    page.goto(board)
    page.fill("#id_override_reason", "演练：其余任务由线下完成")
    page.locator("#transitions form[action$='/resolve/'] button").click()
    expect(page.locator("#activation-state")).to_have_attribute("data-state", "resolved")
    page.fill("#id_summary", "两小时内完成核实与沟通")
    page.fill("#id_root_cause", "外包机构夜间催收")
    page.fill("#id_what_worked", "各部门信息共享及时")
    page.fill("#id_improvements", "夜间催收须经主管批准")
    page.locator("#review-form button[type=submit]").click()
    expect(page.locator("#review")).to_be_visible()

    activation = Activation.objects.get(case_links__case=case)
    assert activation.state == "reviewed"
    draft = PlaybookVersion.objects.get(playbook=people["playbook"], status="draft")
    assert draft.key_points[-1] == "夜间催收须经主管批准"
    assert page.console_errors == []
