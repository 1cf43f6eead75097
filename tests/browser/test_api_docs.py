"""The interactive API documentation in a real browser: Swagger UI from local files, under the CSP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_render_every_operation_under_the_csp(
    transactional_db: None, live_server: object, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(str(live_server)) else None)
    page.goto(f"{live_server}/api/v1/docs")
    page.wait_for_selector(".opblock-summary", timeout=20_000)
    assert page.locator(".opblock").count() >= 30
    assert page.get_by_text("List the applications in your reach").count() >= 1
    assert not outside, outside
    blocking = [text for text in problems if "favicon" not in text]
    assert not blocking, blocking
