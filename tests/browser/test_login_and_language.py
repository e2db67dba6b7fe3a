"""A person's first minutes: log in through the login page in Chinese, then switch to English.
Drives Debian's Chromium through Playwright (the pip package is only the driver)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role
from tests.factories import UserFactory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

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
        # An English-speaking browser: the interface must still open in Chinese.
        context = browser.new_context(locale="en-US")
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()
        browser.close()


@pytest.fixture
def browser_agent(transactional_db):
    # Transactional tests flush the tables, data-migration rows included: recreate the role group.
    Group.objects.get_or_create(name=Role.AGENT)
    return UserFactory(username="browser-agent", display_name="王小明", role=Role.AGENT)


def test_agent_logs_in_in_chinese_and_switches_to_english(live_server, browser_agent, page):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill("browser-agent")
    page.get_by_label("密码").fill("demo-pass-123")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="欢迎，王小明")).to_be_visible()
    expect(page.locator("#roles")).to_contain_text("投诉专员")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Welcome, 王小明")).to_be_visible()
    expect(page.locator("#roles")).to_contain_text("Agent")
