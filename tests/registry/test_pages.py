"""The figures pages and exports: who sees which area, suppression outside the commission, logging."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from tests.factories import World, complete_sign_in
from tests.registry.helpers import first_day, permit_for

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]
STAFF = ("alice", "olga", "bob", "carol", "cora", "dave", "dina", "erin", "frank", "gina", "heidi")


def figures_url(world: World, area: str, **query: str) -> str:
    url = reverse("registry:figures", kwargs={"area_id": world.areas[area].pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def twelve(world: World) -> World:
    """Twelve at Robotics in Zhaoshang: six Americans, five Britons, one Japanese."""
    for nationality, count in (("US", 6), ("GB", 5), ("JP", 1)):
        for _ in range(count):
            permit_for(world, nationality=nationality)
    return world


def cell(html: str, code: str) -> str:
    """The text of the table cell of ``code`` in the nationality table."""
    marker = f'data-code="{code}">'
    start = html.index("nationality-title")
    at = html.index(marker, start) + len(marker)
    return html[at : html.index("</td>", at)]


def test_it_shows_a_community_officer_their_street_with_small_counts_suppressed(
    twelve: World, sign_in: SignIn
) -> None:
    client = sign_in(twelve.gina)
    response = client.get(figures_url(twelve, "zhaoshang", date=first_day().isoformat()))
    assert response.status_code == 200
    html = response.content.decode()
    sentence = "12 foreigners from 3 countries work around Zhaoshang, at fewer than 5 employers."
    assert sentence in html
    assert cell(html, "US") == "6"
    assert "ow-suppressed" in cell(html, "JP")  # 1: below the threshold
    assert "ow-suppressed" in cell(html, "GB")  # 5, hidden so that 12 - 6 does not give the 1 away
    assert cell(html, "total") == "12"


def test_it_shows_the_commission_exact_figures(twelve: World, sign_in: SignIn) -> None:
    client = sign_in(twelve.frank)
    html = client.get(figures_url(twelve, "zhaoshang", date=first_day().isoformat())).content.decode()
    assert "12 foreigners from 3 countries work around Zhaoshang, at 1 employer." in html
    assert (cell(html, "US"), cell(html, "GB"), cell(html, "JP")) == ("6", "5", "1")
    assert "ow-suppressed" not in html


def test_it_rolls_the_district_and_city_up_for_those_who_reach_them(twelve: World, sign_in: SignIn) -> None:
    permit_for(twelve, employer="lab", nationality="FR")
    html = sign_in(twelve.frank).get(figures_url(twelve, "shenzhen", date=first_day().isoformat())).content
    assert b"13 foreigners from 4 countries work around Shenzhen, at 2 employers." in html
    assert b"By area" in html


@pytest.mark.parametrize(
    ("area", "allowed"),
    [
        ("zhaoshang", {"frank", "gina", "heidi"}),
        ("nanshan", {"frank", "heidi"}),
        ("lianhua", {"frank", "heidi"}),
        ("shenzhen", {"frank", "heidi"}),
    ],
)
def test_it_shows_an_area_only_to_those_who_reach_it(world: World, area: str, allowed: set[str]) -> None:
    for persona in STAFF:
        client = complete_sign_in(Client(), world.users[persona])
        status = client.get(figures_url(world, area)).status_code
        assert status == (200 if persona in allowed else 404), persona
    assert Client().get(figures_url(world, area)).status_code == 302


def test_it_answers_404_for_an_area_that_does_not_exist(world: World, sign_in: SignIn) -> None:
    assert sign_in(world.frank).get(reverse("registry:figures", kwargs={"area_id": 99999})).status_code == 404


def test_it_starts_each_user_at_their_own_office_area(world: World, sign_in: SignIn) -> None:
    assert sign_in(world.gina).get(reverse("registry:home")).url == figures_url(world, "zhaoshang")
    assert sign_in(world.frank).get(reverse("registry:home")).url == figures_url(world, "shenzhen")
    chosen = sign_in(world.frank).get(
        reverse("registry:home") + f"?area={world.areas['lianhua'].pk}&basis=home"
    )
    assert chosen.url == figures_url(world, "lianhua", basis="home")


def test_it_does_not_let_the_selector_reach_beyond_the_user(world: World, sign_in: SignIn) -> None:
    client = sign_in(world.gina)
    assert client.get(reverse("registry:home") + f"?area={world.areas['lianhua'].pk}").status_code == 404
    assert client.get(reverse("registry:home") + "?area=x").url == figures_url(world, "zhaoshang")
    assert sign_in(world.carol).get(reverse("registry:home")).status_code == 404


def test_it_refuses_a_malformed_date(world: World, sign_in: SignIn) -> None:
    response = sign_in(world.gina).get(figures_url(world, "zhaoshang", date="31-12-2026"))
    assert response.status_code == 400


def test_it_shows_the_residence_figures_and_any_date(twelve: World, sign_in: SignIn) -> None:
    client = sign_in(twelve.frank)
    day = (first_day() - dt.timedelta(days=1)).isoformat()
    before = client.get(figures_url(twelve, "zhaoshang", date=day, basis="home")).content
    assert b"No foreigner with a valid work permit lives in Zhaoshang." in before
    during = client.get(figures_url(twelve, "zhaoshang", date=first_day().isoformat(), basis="home")).content
    assert b"12 foreigners from 3 countries live in Zhaoshang." in during


def test_it_answers_the_dashboard_in_a_fixed_number_of_queries(
    twelve: World, sign_in: SignIn, django_assert_max_num_queries: Callable
) -> None:
    client = sign_in(twelve.frank)
    url = figures_url(twelve, "shenzhen", date=first_day().isoformat())
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    for nationality in ("KR", "DE", "FR"):
        permit_for(twelve, employer="lab", nationality=nationality)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def _export(client: Client, world: World, area: str, file_format: str, **body: str) -> object:
    url = reverse("registry:export", kwargs={"area_id": world.areas[area].pk})
    return client.post(
        url, {"date": first_day().isoformat(), "basis": "work", "file_format": file_format, **body}
    )


def test_it_exports_a_suppressed_csv_for_a_community_officer_and_logs_it(
    twelve: World, sign_in: SignIn
) -> None:
    response = _export(sign_in(twelve.gina), twelve, "zhaoshang", "csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "nationality,US,United States of America,6" in text
    assert "nationality,GB,United Kingdom,x" in text
    assert "nationality,JP,Japan,x" in text
    event = Event.objects.get(action="registry.export")
    assert event.actor == twelve.gina
    assert event.data["area"] == "/shenzhen/nanshan/zhaoshang/"
    assert event.data["format"] == "csv"
    assert event.data["date"] == first_day().isoformat()
    assert event.data["suppressed"] is True
    assert "nationality" in event.data["tables"]


def test_it_exports_exact_figures_to_xlsx_for_the_commission(twelve: World, sign_in: SignIn) -> None:
    response = _export(sign_in(twelve.frank), twelve, "zhaoshang", "xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Nationality"]
    values = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values == {"US": 6, "GB": 5, "JP": 1, None: 12}  # the last row is the total
    assert Event.objects.get(action="registry.export").data["suppressed"] is False


@pytest.mark.parametrize("persona", ["heidi", "carol", "dave", "alice", "bob"])
def test_it_refuses_exports_to_other_roles_without_logging(world: World, persona: str) -> None:
    client = complete_sign_in(Client(), world.users[persona])
    assert _export(client, world, "zhaoshang", "csv").status_code == 404
    assert not Event.objects.filter(action="registry.export").exists()


def test_it_refuses_an_export_of_another_area(world: World, sign_in: SignIn) -> None:
    assert _export(sign_in(world.gina), world, "lianhua", "csv").status_code == 404
    assert not Event.objects.filter(action="registry.export").exists()


def test_it_refuses_a_malformed_export_without_logging(world: World, sign_in: SignIn) -> None:
    assert _export(sign_in(world.gina), world, "zhaoshang", "pdf").status_code == 400
    assert not Event.objects.filter(action="registry.export").exists()
    url = reverse("registry:export", kwargs={"area_id": world.areas["zhaoshang"].pk})
    assert sign_in(world.gina).get(url).status_code == 405


def test_it_keeps_a_built_dashboard_until_the_counts_change(
    twelve: World, sign_in: SignIn, django_assert_max_num_queries: Callable
) -> None:
    client = sign_in(twelve.frank)
    url = figures_url(twelve, "zhaoshang", date=first_day().isoformat())
    first = client.get(url).content.decode()
    # The same page again: the report comes from the cache (only the request's own queries).
    with django_assert_max_num_queries(8):
        again = client.get(url).content.decode()
    assert cell(again, "US") == cell(first, "US") == "6"
    # A permit issued changes the maintained counts: the next page is built afresh.
    permit_for(twelve, nationality="US")
    assert cell(client.get(url).content.decode(), "US") == "7"
    # Another language is another report, with its tables rendered in that language.
    assert '<th scope="row">Total</th>' in first
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 200
    assert '<th scope="row">合计</th>' in chinese.content.decode()
    assert '<th scope="row">Total</th>' not in chinese.content.decode()
