"""The area dashboard in a real browser: ECharts draws every chart under the strict CSP, without errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from onewindow.accounts.models import User
from tests.factories import World, build_world
from tests.registry.helpers import first_day, permit_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_world(transactional_db: None) -> World:
    world = build_world()
    for nationality, count in (("US", 6), ("GB", 5), ("JP", 1)):
        for _ in range(count):
            permit_for(world, nationality=nationality)
    return world


def test_it_draws_the_charts_without_breaking_the_content_security_policy(
    live_world: World,
    live_server: object,
    new_page: Callable[..., Page],
    login: Callable[[Page, User], Page],
) -> None:
    page = login(new_page(), live_world.frank)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    area = live_world.areas["zhaoshang"].pk
    page.goto(f"{live_server}/registry/area/{area}/?date={first_day().isoformat()}")
    page.wait_for_selector("[data-chart-ready]")
    charts = page.locator(".ow-chart")
    drawn = page.locator(".ow-chart[data-chart-ready] canvas")
    assert charts.count() >= 5
    assert drawn.count() == charts.count()
    # Hovering shows a tooltip, drawn on the canvas (HTML tooltips would carry inline styles).
    first = drawn.first.bounding_box()
    assert first is not None
    page.mouse.move(first["x"] + first["width"] / 2, first["y"] + first["height"] / 2)
    page.wait_for_timeout(300)
    # Every chart has a table with the same figures, for screen readers and for copying.
    assert page.locator("table caption").count() >= charts.count()
    assert "12 foreigners from 3 countries work around Zhaoshang, at 1 employer." in page.content()
    assert not [text for text in problems if "favicon" not in text], problems
