"""The emergency response in the browser: the lead activates a playbook by hand from a case, a
member completes a task on the board, the lead resolves and submits the review, and the
improvement becomes a draft version of the playbook; no page logs a console error."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser.conftest import CHROMIUM, log_in
from tests.factories import TeamFactory, UserFactory, make_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (.ci/run installs it)"),
]


@pytest.fixture
def people(roles):
    from contingency.models import GroupMember, Playbook

    if not Playbook.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("contingency.migrations.0002_seed_playbooks").seed(apps, None)
    team = TeamFactory(code="team-browser", name="投诉处理一组")
    agent = UserFactory(username="b-agent", role=Role.AGENT, teams=[team])
    lead = UserFactory(username="b-lead", display_name="赵明", role=Role.EMERGENCY_LEAD)
    member = UserFactory(username="b-member", display_name="孙丽", role=Role.EMERGENCY_MEMBER)
    GroupMember.objects.create(user=lead, role="lead", department="compliance")
    GroupMember.objects.create(user=member, role="member", department="customer_service")
    return {"agent": agent, "playbook": Playbook.objects.get(code="collection_conduct")}


def _submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{form_selector} button[type=submit]")


def _log_out(page) -> None:
    with page.expect_navigation():
        page.click("form[action='/accounts/logout/'] button[type=submit]")


def test_lead_activates_member_completes_lead_reviews_and_a_draft_follows(live_server, people, page, shot):
    from playwright.sync_api import expect

    from contingency.models import Activation, PlaybookVersion

    url = live_server.url
    case = make_case(actor=people["agent"])
    log_in(page, url, "b-lead")
    page.goto(f"{url}/contingency/activations/new/?case={case.pk}")
    page.select_option("#id_playbook", str(people["playbook"].pk))
    _submit(page, "#activate-form")
    expect(page.locator("#activation-state")).to_have_attribute("data-state", "activated")
    board = page.url
    _submit(page, "#transitions form[action$='/acknowledge/']")
    expect(page.locator("#activation-state")).to_have_attribute("data-state", "responding")
    _log_out(page)

    log_in(page, url, "b-member")
    page.goto(board)
    _submit(page, "#board-live form[action$='/complete/']")
    expect(page.locator("[data-task] .badge.text-bg-success")).to_have_count(1)
    shot(page, "activation-board")
    _log_out(page)

    log_in(page, url, "b-lead")
    page.goto(board)
    page.fill("#id_override_reason", "演练：其余任务线下完成")
    _submit(page, "#transitions form[action$='/resolve/']")
    expect(page.locator("#activation-state")).to_have_attribute("data-state", "resolved")
    page.fill("#id_summary", "两小时内完成核实与沟通")
    page.fill("#id_root_cause", "外包机构夜间催收")
    page.fill("#id_what_worked", "各部门信息共享及时")
    page.fill("#id_improvements", "夜间催收须经主管批准")
    _submit(page, "#review-form")
    expect(page.locator("#review")).to_be_visible()

    assert Activation.objects.get(case_links__case=case).state == "reviewed"
    draft = PlaybookVersion.objects.get(playbook=people["playbook"], status="draft")
    assert draft.key_points[-1] == "夜间催收须经主管批准"
    assert page.console_watch.errors == []
