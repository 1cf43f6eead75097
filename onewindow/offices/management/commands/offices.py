"""Replicating the model: a new city, district, street, station or hall is data.

    manage.py offices add city guangzhou --name-en Guangzhou --name-zh 广州市 --division-code 440100
    manage.py offices add district tianhe --in /guangzhou/ --name-en "Tianhe District" --name-zh 天河区
    manage.py offices add street liede --in /guangzhou/tianhe/ --name-en "Liede Street" --name-zh 猎德街道
    manage.py offices add station liede-station --area /guangzhou/tianhe/liede/ \\
        --name-en "Liede Street Work Permit Station" --name-zh 猎德街道工作许可工作站 \\
        --covers /guangzhou/tianhe/liede/ --hours "mon-fri 09:00-12:00,14:00-17:30" --windows 2
    manage.py offices add hall … (the same options as a station)
    manage.py offices add office guangzhou-commission --kind commission --area /guangzhou/ …

Every command can be run again: what already exists is left as it is (and
said so), and a station's covered streets, hours and windows are brought to
what the command says. Every change goes through ``offices.actions`` and is
in the audit trail, attributed to ``--by`` (an administrator's e-mail) or to
the system.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from onewindow.accounts.models import User
from onewindow.offices.actions import (
    do_create_area,
    do_create_office,
    do_set_coverage,
    do_set_opening_hours,
    do_set_windows,
    do_update_office,
)
from onewindow.offices.hours import HoursError, format_hours, parse_hours
from onewindow.offices.models import Area, Office

AREA_LEVELS = {"city": Area.Level.CITY, "district": Area.Level.DISTRICT, "street": Area.Level.STREET}
OFFICE_KINDS = {"station": Office.Kind.WORK_STATION, "hall": Office.Kind.CIVIC_HALL}


class Command(BaseCommand):
    help = "Add a city, district, street, station, hall or other office (idempotent, audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        verbs = parser.add_subparsers(dest="verb", required=True)
        add = verbs.add_parser("add", help="Add an area or an office.")
        what = add.add_subparsers(dest="what", required=True)
        for level in AREA_LEVELS:
            sub = what.add_parser(level, help=f"Add a {level}.")
            sub.add_argument("code", help="Unique among its siblings, e.g. 'xiangmihu'.")
            if level != "city":
                sub.add_argument(
                    "--in", dest="parent", required=True, help="The parent's path, e.g. /shenzhen/."
                )
            self._names(sub)
            sub.add_argument("--division-code", default="", help="GB/T 2260 code (required for a city).")
        for kind in [*OFFICE_KINDS, "office"]:
            sub = what.add_parser(kind, help=f"Add a {kind}.")
            sub.add_argument("code", help="Unique office code, e.g. 'xiangmihu-station'.")
            sub.add_argument(
                "--area", required=True, help="Path of the office's area; staff reach it and below."
            )
            self._names(sub)
            if kind == "office":
                sub.add_argument(
                    "--kind",
                    required=True,
                    choices=[k for k in Office.Kind.values if k not in OFFICE_KINDS.values()],
                )
            else:
                sub.add_argument("--covers", nargs="*", default=[], help="Paths of the streets it serves.")
                sub.add_argument(
                    "--hours", default=None, help='e.g. "mon-fri 09:00-12:00,14:00-18:00; sat 09:00-12:00"'
                )
                sub.add_argument("--windows", type=int, default=None, help="Number of service windows.")
            sub.add_argument("--address-en", default="")
            sub.add_argument("--address-zh", default="")
            sub.add_argument("--phone", default="")

    def _names(self, parser: CommandParser) -> None:
        parser.add_argument("--name-en", required=True)
        parser.add_argument("--name-zh", required=True)
        parser.add_argument("--by", default=None, help="E-mail of the administrator making the change.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options.get("by"):
            actor = User.objects.filter(email=options["by"].lower(), is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {options['by']}")
        try:
            with transaction.atomic():
                if options["what"] in AREA_LEVELS:
                    self._add_area(options, actor)
                else:
                    self._add_office(options, actor)
        except (ValidationError, HoursError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("; ".join(messages)) from exc

    def _area(self, path: str) -> Area:
        path = "/" + path.strip("/") + "/"
        area = Area.objects.filter(path=path).first()
        if area is None:
            raise CommandError(f"No area {path}")
        return area

    def _add_area(self, options: dict[str, Any], actor: User | None) -> None:
        level = AREA_LEVELS[options["what"]]
        parent = self._area(options["parent"]) if level != Area.Level.CITY else None
        path = (parent.path if parent else "/") + options["code"] + "/"
        existing = Area.objects.filter(path=path).first()
        if existing is not None:
            if existing.level != level:
                raise CommandError(f"{path} exists as a {existing.level}, not a {level}")
            self.stdout.write(f"{path} already exists; unchanged.")
            return
        if level == Area.Level.CITY and not options["division_code"]:
            raise CommandError("A city needs --division-code (it opens its permit numbers).")
        do_create_area(
            actor=actor,
            parent=parent,
            code=options["code"],
            level=level,
            name_en=options["name_en"],
            name_zh=options["name_zh"],
            division_code=options["division_code"],
        )
        self.stdout.write(f"Added {level} {path}.")

    def _add_office(self, options: dict[str, Any], actor: User | None) -> None:
        kind = OFFICE_KINDS.get(options["what"]) or Office.Kind(options["kind"])
        area = self._area(options["area"])
        covers = [self._area(path) for path in options.get("covers") or []]
        hours = parse_hours(options["hours"]) if options.get("hours") else None
        fields = {
            "name_en": options["name_en"],
            "name_zh": options["name_zh"],
            "address_en": options["address_en"],
            "address_zh": options["address_zh"],
            "phone": options["phone"],
        }
        office = Office.objects.filter(code=options["code"]).first()
        if office is None:
            office = do_create_office(actor=actor, code=options["code"], kind=kind, area=area, **fields)
            self.stdout.write(f"Added {office.get_kind_display()} {office.code} at {area.path}.")
        else:
            if office.kind != kind or office.area_id != area.pk:
                raise CommandError(f"Office {office.code} exists as a {office.kind} at {office.area.path}")
            changed = sorted(field for field, value in fields.items() if getattr(office, field) != value)
            office = do_update_office(office, actor=actor, **fields)
            said = f"updated {', '.join(changed)}" if changed else "unchanged"
            self.stdout.write(f"{office.code} already exists; {said}.")
        for street in covers:
            current = getattr(street, "coverage", None)
            if current is not None and current.office_id == office.pk:
                continue
            do_set_coverage(actor=actor, office=office, street=street)
            self.stdout.write(f"  now covers {street.path}")
        if hours is not None:
            do_set_opening_hours(office, actor=actor, periods=hours)
            self.stdout.write(f"  hours: {format_hours(hours)}")
        if options.get("windows") is not None:
            do_set_windows(office, actor=actor, count=options["windows"])
            self.stdout.write(f"  windows: {options['windows']}")
