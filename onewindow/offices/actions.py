"""Adding areas, offices and coverage: a new street, station or city is data, not code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from onewindow.audit.trail import record_event
from onewindow.offices.hours import Period, format_hours
from onewindow.offices.models import Area, CalendarDay, Coverage, Office, OpeningHours, ServiceWindow
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
    if existing is not None and existing.office_id == office.pk:
        return existing  # already so: nothing changes, nothing to record
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


# Office fields an administrator may correct after creation (kind, area and code stay).
OFFICE_EDITABLE_FIELDS = ("name_en", "name_zh", "address_en", "address_zh", "phone", "is_active")


@transaction.atomic
def do_update_office(office: Office, *, actor: User | None, **changes: Any) -> Office:
    """Correct an office's names, address, phone or active flag; unchanged values write nothing."""
    unknown = set(changes) - set(OFFICE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Office.objects.select_for_update().get(pk=office.pk)
    old = {
        field: getattr(locked, field) for field, value in changes.items() if getattr(locked, field) != value
    }
    if not old:
        return locked
    for field in old:
        setattr(locked, field, changes[field])
    locked.full_clean()
    locked.save(update_fields=list(old))
    record_event(
        actor=actor,
        action="config.office_update",
        obj=locked,
        office=locked,
        data={"old": {k: str(v) for k, v in old.items()}, "new": {k: str(changes[k]) for k in old}},
    )
    return locked


@transaction.atomic
def do_set_opening_hours(office: Office, *, actor: User | None, periods: list[Period]) -> list[OpeningHours]:
    """Replace a station's or hall's opening hours; the same hours again change nothing."""
    if not office.accepts_applications:
        raise ValidationError(_("Only work stations and service halls have opening hours."))
    current = list(OpeningHours.objects.select_for_update().filter(office=office))
    old = sorted((row.weekday, row.opens, row.closes) for row in current)
    new = sorted(periods)
    if old == new:
        return current
    OpeningHours.objects.filter(office=office).delete()
    rows = [
        OpeningHours(office=office, weekday=day, opens=opens, closes=closes) for day, opens, closes in new
    ]
    for row in rows:
        row.full_clean()
    OpeningHours.objects.bulk_create(rows)
    record_event(
        actor=actor,
        action="config.opening_hours",
        obj=office,
        office=office,
        data={"old": format_hours(old), "new": format_hours(new)},
    )
    return rows


@transaction.atomic
def do_set_windows(office: Office, *, actor: User | None, count: int) -> list[ServiceWindow]:
    """Open windows 1 to ``count`` of a station or hall for appointments, and close the others."""
    if not office.accepts_applications:
        raise ValidationError(_("Only work stations and service halls have service windows."))
    if count < 0 or count > 200:
        raise ValidationError(_("A station has between 0 and 200 windows."))
    windows = {w.number: w for w in ServiceWindow.objects.select_for_update().filter(office=office)}
    old = sorted(number for number, window in windows.items() if window.is_active)
    for number in range(1, count + 1):
        window = windows.get(number)
        if window is None:
            window = ServiceWindow(office=office, number=number)
            window.full_clean()
            window.save()
            windows[number] = window
        elif not window.is_active:
            window.is_active = True
            window.save(update_fields=["is_active"])
    for number, window in windows.items():
        if number > count and window.is_active:
            window.is_active = False
            window.save(update_fields=["is_active"])
    new = list(range(1, count + 1))
    if old != new:
        record_event(
            actor=actor,
            action="config.windows",
            obj=office,
            office=office,
            data={"old": len(old), "new": count},
        )
    return [windows[number] for number in new]


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
