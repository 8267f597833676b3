"""What every browser test shares: Debian's Chromium driven by Playwright,
pages that fail the test when they log an error, and logging in.

The root conftest.py loads this module as a plugin, so the fixtures
``browser`` and ``chromium_browser`` are there for every test.
"""

import os
import shutil

import pytest

from conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# CI sets CI=true: there a missing browser fails the run, since a skipped
# browser test would pass CI without having looked at a single page.
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by the tests themselves are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium() -> str:
    """Debian's Chromium; without it, a failure in CI and a skip elsewhere."""
    if CHROMIUM is not None:
        return CHROMIUM
    missing = "Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)"
    if IN_CI:
        pytest.fail(f"{missing}: in CI the browser tests must run, not skip", pytrace=False)
    pytest.skip(f"{missing}; outside CI the browser tests are skipped")


@pytest.fixture(scope="module")
def chromium_browser():
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class WatchedBrowser:
    """The browser, with an ear on every page it opens: an error in the
    console (a refused inline style, a missing favicon, a failed request) or
    an uncaught exception is something a user's browser would show too."""

    def __init__(self, browser) -> None:
        self._browser = browser
        self.contexts: list = []
        self.errors: list[str] = []

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.on("page", self._listen)
        self.contexts.append(context)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    def _listen(self, page) -> None:
        page.on("console", lambda m: self._console(page, m))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def _console(self, page, message) -> None:
        if message.type == "error":
            where = message.location.get("url") or ""
            self.errors.append(f"{page.url}: {message.text} {where}".strip())

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browser(chromium_browser):
    """A browser whose pages may log no error: checked when the test ends."""
    watched = WatchedBrowser(chromium_browser)
    yield watched
    watched.close()
    assert watched.errors == [], "the pages logged errors:\n" + "\n".join(watched.errors)


def log_in(browser, live_server, username, width=1280):
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    return page
