"""Browser fixtures: Debian's Chromium driven by Playwright (the pip package is only the driver),
console errors collected per page (CSP violations are reported there), screenshots saved to
test-results/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.fixture
def browser_context(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM reads between
    # steps are synchronous and safe (the live server answers from its own thread).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # An English-speaking browser at 1366×768: the interface must still open in Chinese.
        context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 768})
        context.set_default_timeout(15_000)
        yield context
        context.close()
        browser.close()


class ConsoleWatch:
    """Every console error and uncaught page error, with the URL it happened on."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        self.page = page

    def _console(self, msg) -> None:
        if msg.type != "error":
            return
        # Form errors answer 400/409 and refusals 403/404/429 on purpose; Chromium reports that
        # status of the page itself as a console error. Any other resource failing still counts.
        source = (msg.location or {}).get("url", "")
        if "the server responded with a status of 4" in msg.text and "/static/" not in source:
            return
        self.errors.append(f"{self.page.url}: {msg.text}")


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    page.console_watch = ConsoleWatch(page)
    yield page
    page.close()


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return _shot


@pytest.fixture
def roles(transactional_db):
    # Transactional tests flush the tables, data-migration rows included: recreate the role groups.
    for role in Role:
        Group.objects.get_or_create(name=role)


def log_in(page, base_url: str, username: str, password: str = "demo-pass-123") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
