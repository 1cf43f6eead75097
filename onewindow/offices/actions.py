"""Adding areas, offices and coverage: a new street, station or city is data, not code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from onewindow.audit.trail import record_event
from onewindow.offices.models import Area, CalendarDay, Coverage, Office
from onewindow.offices.selectors import forget_calendars

if TYPE_CHECKING:
    from onewindow.accounts.models import User


@transaction.atomic
def do_create_area(
    *,
    actor: User | None,
    parent: Area | None,
    code: str,
    level: Area.Level,
    name_en: str,
    name_zh: str,
    division_code: str = "",
) -> Area:
    """Add a city, district or street; a new city gets the statutory time limits as data."""
    path = (parent.path if parent is not None else "/") + code + "/"
    area = Area(
        parent=parent,
        code=code,
        level=level,
        name_en=name_en,
        name_zh=name_zh,
        division_code=division_code,
        path=path,
    )
    area.full_clean()
    area.save()
    record_event(
        actor=actor,
        action="config.area_create",
        obj=area,
        data={"path": path, "level": str(level), "name_en": name_en, "name_zh": name_zh},
    )
    if level == Area.Level.CITY:
        from onewindow.cases.actions import do_seed_statutory_limits

        do_seed_statutory_limits(city=area, actor=actor)
    return area


@transaction.atomic
def do_create_office(
    *,
    actor: User | None,
    code: str,
    kind: Office.Kind,
    area: Area,
    name_en: str,
    name_zh: str,
    covers: list[Area] | None = None,
    **extra: Any,
) -> Office:
    """Add an office; a station or hall may be given the streets it covers."""
    office = Office(code=code, kind=kind, area=area, name_en=name_en, name_zh=name_zh, **extra)
    office.full_clean()
    office.save()
    record_event(
        actor=actor,
        action="config.office_create",
        obj=office,
        office=office,
        data={"code": code, "kind": str(kind), "area": area.path},
    )
    for street in covers or []:
        do_set_coverage(actor=actor, office=office, street=street)
    return office


@transaction.atomic
def do_set_coverage(*, actor: User | None, office: Office, street: Area) -> Coverage:
    """Make ``office`` the one that accepts applications from ``street`` (moving it if needed)."""
    existing = Coverage.objects.select_for_update().filter(street=street).first()
    old_office = existing.office_id if existing is not None else None
    if existing is not None:
        existing.office = office
        existing.full_clean()
        existing.save(update_fields=["office"])
        coverage = existing
    else:
        coverage = Coverage(office=office, street=street)
        coverage.full_clean()
        coverage.save()
    record_event(
        actor=actor,
        action="config.coverage_set",
        obj=coverage,
        office=office,
        data={"street": street.path, "old_office": old_office, "new_office": office.pk},
    )
    return coverage


@transaction.atomic
def do_set_calendar_day(
    *, actor: User | None, city: Area | None, date: Any, is_working_day: bool, note: str = ""
) -> CalendarDay:
    """Add or correct a day of the working calendar; open deadlines are recomputed."""
    day, created = CalendarDay.objects.get_or_create(
        city=city, date=date, defaults={"is_working_day": is_working_day, "note": note}
    )
    old = None if created else day.is_working_day
    if not created:
        day.is_working_day, day.note = is_working_day, note
        day.full_clean()
        day.save(update_fields=["is_working_day", "note"])
    record_event(
        actor=actor,
        action="config.calendar_day",
        obj=day,
        data={
            "date": str(date),
            "city": city.path if city else "",
            "old": old,
            "new": is_working_day,
            "note": note,
        },
    )
    forget_calendars()
    from onewindow.cases.actions import do_refresh_deadlines

    transaction.on_commit(lambda: do_refresh_deadlines(city_path=city.path if city else None))
    return day
