"""Local parameters as dated data: adding periods, finding the one in force, the admin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from onewindow.accounts.actions import do_create_user
from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.eligibility.actions import do_add_local_parameters
from onewindow.eligibility.engine import Category, InvalidInputs, NoLocalRules
from onewindow.eligibility.models import LocalParameters
from onewindow.eligibility.selectors import assess, parameters_for
from onewindow.offices.actions import do_create_area
from onewindow.offices.models import Area
from tests.eligibility.conftest import make_city
from tests.factories import enrol_totp

pytestmark = pytest.mark.django_db

APPLICANT = {
    "annual_salary_cny": 500_000,
    "education": "none",
    "related_experience_years": 0,
    "months_per_year_in_china": 3,
    "age": 30,
}


def add(city: Area, start: dt.date, end: dt.date | None = None, wage: int = 100_000, bonus: int = 5):
    return do_add_local_parameters(
        actor=None,
        city=city,
        valid_from=start,
        valid_until=end,
        previous_year_average_wage_cny=wage,
        local_bonus_max=bonus,
        note="test",
    )


def test_it_adds_a_period_with_an_audit_event(shenzhen: Area) -> None:
    period = add(shenzhen, dt.date(2025, 7, 1), dt.date(2026, 6, 30), wage=130_000)
    event = Event.objects.get(action="config.local_parameters_add")
    assert event.object_id == str(period.pk)
    assert event.data["previous_year_average_wage_cny"] == 130_000
    assert event.data["valid_until"] == "2026-06-30"


def test_it_closes_the_open_period_before_a_new_one(shenzhen: Area) -> None:
    first = add(shenzhen, dt.date(2024, 7, 1), wage=120_000)
    second = add(shenzhen, dt.date(2025, 7, 1), wage=125_000)
    first.refresh_from_db()
    assert first.valid_until == dt.date(2025, 6, 30)
    assert second.valid_until is None
    closing = Event.objects.get(action="config.local_parameters_close")
    assert closing.data["valid_until"] == {"old": None, "new": "2025-06-30"}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2025, 1, 1), dt.date(2025, 7, 1)),  # ends on the first day of the existing period
        (dt.date(2025, 12, 1), dt.date(2026, 1, 31)),  # inside it
        (dt.date(2026, 6, 30), None),  # starts on its last day
        (dt.date(2024, 1, 1), None),  # open-ended, from before it
    ],
)
def test_it_refuses_an_overlapping_period(shenzhen: Area, start: dt.date, end: dt.date | None) -> None:
    add(shenzhen, dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    with pytest.raises(ValidationError) as caught:
        add(shenzhen, start, end)
    assert "valid_from" in caught.value.message_dict
    assert LocalParameters.objects.count() == 1
    assert not Event.objects.filter(action="config.local_parameters_close").exists()


def test_it_accepts_adjacent_periods(shenzhen: Area) -> None:
    add(shenzhen, dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    add(shenzhen, dt.date(2026, 7, 1), dt.date(2027, 6, 30))
    add(shenzhen, dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    assert LocalParameters.objects.count() == 3


def test_it_refuses_a_district_and_a_bonus_above_10(shenzhen: Area) -> None:
    district = do_create_area(
        actor=None,
        parent=shenzhen,
        code="nanshan",
        level=Area.Level.DISTRICT,
        name_en="Nanshan",
        name_zh="南山区",
    )
    with pytest.raises(ValidationError) as caught:
        add(district, dt.date(2025, 1, 1))
    assert "city" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        add(shenzhen, dt.date(2025, 1, 1), bonus=11)
    assert "local_bonus_max" in caught.value.message_dict


def test_its_database_refuses_what_validation_refuses(shenzhen: Area) -> None:
    for bad in (
        {"local_bonus_max": 11},
        {"previous_year_average_wage_cny": 0},
        {"valid_until": dt.date(2024, 12, 31)},
    ):
        values = {
            "city": shenzhen,
            "valid_from": dt.date(2025, 1, 1),
            "previous_year_average_wage_cny": 100_000,
            "local_bonus_max": 5,
            **bad,
        }
        with pytest.raises(IntegrityError), transaction.atomic():
            LocalParameters.objects.create(**values)


@pytest.mark.parametrize(
    ("day", "wage"),
    [
        (dt.date(2024, 6, 30), None),
        (dt.date(2024, 7, 1), 120_000),
        (dt.date(2025, 6, 30), 120_000),
        (dt.date(2025, 7, 1), 125_000),
        (dt.date(2030, 1, 1), 125_000),
    ],
)
def test_it_finds_the_period_in_force_on_a_date(shenzhen: Area, day: dt.date, wage: int | None) -> None:
    add(shenzhen, dt.date(2024, 7, 1), wage=120_000)
    add(shenzhen, dt.date(2025, 7, 1), wage=125_000)
    found = parameters_for("/shenzhen/", day)
    assert (found.previous_year_average_wage_cny if found else None) == wage


def test_it_assesses_with_the_wage_of_the_date(shenzhen: Area) -> None:
    add(shenzhen, dt.date(2024, 7, 1), wage=120_000)  # 4× = 480,000: B
    add(shenzhen, dt.date(2025, 7, 1), wage=130_000)  # 4× = 520,000: C
    before = assess(city="shenzhen", on_date=dt.date(2025, 6, 30), **APPLICANT)
    after = assess(city="/shenzhen/", on_date=dt.date(2025, 7, 1), **APPLICANT)
    assert (before.category, before.route) == (Category.B, "salary_4x")
    assert after.category == Category.C


def test_it_says_clearly_when_no_period_covers_the_date(shenzhen: Area) -> None:
    add(shenzhen, dt.date(2025, 7, 1))
    with pytest.raises(NoLocalRules) as caught:
        assess(city="shenzhen", on_date=dt.date(2025, 6, 30), **APPLICANT)
    assert caught.value.errors == {
        "on_date": ["No local parameters of this city cover 2025-06-30; an administrator must add them."]
    }


def test_it_refuses_an_unknown_city_education_and_route(shenzhen: Area) -> None:
    with pytest.raises(InvalidInputs) as caught:
        assess(
            city="atlantis",
            on_date=dt.date(2026, 1, 1),
            **{**APPLICANT, "education": "phd"},
            direct_routes=["knighthood"],
        )
    assert set(caught.value.errors) == {"city", "education", "direct_routes"}


def test_it_takes_the_only_configured_city_when_none_is_named(shenzhen: Area) -> None:
    add(shenzhen, dt.date(2025, 1, 1))
    assert assess(on_date=dt.date(2026, 1, 1), **APPLICANT).rules.city == "Shenzhen"
    add(make_city("hangzhou", "Hangzhou", "杭州市"), dt.date(2025, 1, 1))
    with pytest.raises(InvalidInputs) as caught:
        assess(on_date=dt.date(2026, 1, 1), **APPLICANT)
    assert list(caught.value.errors) == ["city"]


def test_it_checks_the_local_bonus_against_the_citys_maximum(shenzhen: Area) -> None:
    add(shenzhen, dt.date(2025, 1, 1), bonus=3)
    assert assess(city="shenzhen", on_date=dt.date(2026, 1, 1), local_bonus=3, **APPLICANT).points == 43
    with pytest.raises(InvalidInputs) as caught:
        assess(city="shenzhen", on_date=dt.date(2026, 1, 1), local_bonus=4, **APPLICANT)
    assert caught.value.errors == {"local_bonus": ["Shenzhen grants a local bonus of at most 3 points."]}


def test_it_answers_with_one_query(shenzhen: Area, django_assert_num_queries) -> None:
    add(shenzhen, dt.date(2025, 1, 1))
    with django_assert_num_queries(1):
        assess(city="shenzhen", on_date=dt.date(2026, 1, 1), **APPLICANT)


# --- The admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(sign_in: Callable[[User], Client], shenzhen: Area) -> Client:
    heidi = do_create_user(
        actor=None, email="heidi@example.org", full_name="Heidi", password="x" * 16, admin_site=True
    )
    enrol_totp(heidi)  # the admin site, like every staff page, needs the second factor
    return sign_in(heidi)


def _form(city: Area, start: str, end: str = "", wage: int = 131_000) -> dict[str, object]:
    return {
        "city": city.pk,
        "valid_from": start,
        "valid_until": end,
        "previous_year_average_wage_cny": wage,
        "local_bonus_max": 5,
        "note": "Published by the city's statistics bureau",
    }


def test_it_adds_a_period_in_the_admin_through_the_action(admin_client: Client, shenzhen: Area) -> None:
    first = add(shenzhen, dt.date(2024, 7, 1))
    response = admin_client.post("/admin/eligibility/localparameters/add/", _form(shenzhen, "2025-07-01"))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.valid_until == dt.date(2025, 6, 30)
    added = LocalParameters.objects.get(valid_from=dt.date(2025, 7, 1))
    assert added.previous_year_average_wage_cny == 131_000
    events = Event.objects.filter(object_id=str(added.pk), action__startswith="config.local")
    assert [e.action for e in events] == ["config.local_parameters_add"]
    assert events[0].actor is not None


def test_it_refuses_an_overlap_in_the_admin(admin_client: Client, shenzhen: Area) -> None:
    add(shenzhen, dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    response = admin_client.post(
        "/admin/eligibility/localparameters/add/", _form(shenzhen, "2025-01-01", "2025-12-31")
    )
    assert response.status_code == 200
    assert "This period overlaps" in response.content.decode()
    assert LocalParameters.objects.count() == 1


def test_it_audits_a_change_in_the_admin(admin_client: Client, shenzhen: Area) -> None:
    period = add(shenzhen, dt.date(2024, 7, 1))
    response = admin_client.post(
        f"/admin/eligibility/localparameters/{period.pk}/change/", _form(shenzhen, "2024-07-01", wage=122_000)
    )
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.previous_year_average_wage_cny == 122_000
    assert Event.objects.filter(action="config.localparameters_change", object_id=str(period.pk)).exists()
