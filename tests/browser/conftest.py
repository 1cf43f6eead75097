"""Browser tests: Playwright driving Debian's Chromium (Playwright's own download cannot work here)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, Page, sync_playwright

from onewindow.accounts.models import User
from tests.factories import PASSWORD, totp_code

# Playwright runs an event loop in the test's thread; the ORM calls made by the
# test itself between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# One request at a time. On SQLite the live server's threads share the test's
# in-memory connection, and a page that fires requests at once (htmx, charts'
# data, static files) could hang two threads on it. Django's plain server
# answers with "Connection: close", so the browser never holds it idle.
class OneRequestAtATimeServer(WSGIServer):
    def __init__(self, *args: object, connections_override: object = None, **kwargs: object) -> None:
        # The live server's thread already uses the test's connections.
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


LiveServerThread.server_class = OneRequestAtATimeServer

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open a fresh, isolated browser session (one per persona) in the given language."""
    contexts = []

    def _open(locale: str = "en-GB") -> Page:
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def login(live_server: object) -> Callable[[Page, User], Page]:
    """Sign a persona in through the real sign-in form (and the second factor, for officers)."""

    def _login(page: Page, user: User) -> Page:
        page.goto(f"{live_server}/accounts/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.usa-form button[type=submit]")
        page.wait_for_load_state()
        if "/accounts/second-factor/" in page.url:
            page.fill("input[name=code]", totp_code(user))
            page.click("form.usa-form button[type=submit]")
            page.wait_for_load_state()
        return page

    return _login
