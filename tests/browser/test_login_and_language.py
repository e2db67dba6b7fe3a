"""A person's first minutes: log in through the login page in Chinese, then switch to English."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.browser.conftest import CHROMIUM
from tests.factories import TeamFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (.ci/run installs it)"),
]


@pytest.fixture
def browser_agent(roles):
    team = TeamFactory(code="team-browser", name="投诉处理一组")
    return UserFactory(username="browser-agent", display_name="王小明", role=Role.AGENT, teams=[team])


def test_agent_logs_in_in_chinese_and_switches_to_english(live_server, browser_agent, page, shot):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    shot(page, "login")
    page.get_by_label("用户名").fill("browser-agent")
    page.get_by_label("密码").fill("demo-pass-123")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/cases/")
    expect(page.locator("#current-user")).to_contain_text("王小明")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()

    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert page.console_watch.errors == []


def test_a_wrong_password_five_times_locks_the_username(live_server, browser_agent, page, shot):
    from playwright.sync_api import expect

    for _ in range(5):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "browser-agent")
        page.fill("#id_password", "wrong")
        page.click("form[action='/accounts/login/'] button[type=submit]")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "browser-agent")
    page.fill("#id_password", "demo-pass-123")
    page.click("form[action='/accounts/login/'] button[type=submit]")

    expect(page.locator("#locked-out")).to_be_visible()
    shot(page, "locked-out")
