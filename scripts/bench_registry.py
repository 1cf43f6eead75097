"""Measure the area registry at volume on PostgreSQL: rebuild, dashboard queries, one issuance's upkeep.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ow_bench .venv/bin/python scripts/bench_registry.py 300000

It fills an EMPTY scratch database (its name must end in "bench") with one
city of 10 districts and 100 streets, 5,000 employers and N permits written
straight into the tables with set-based SQL (a benchmark of reads, not of the
workflow), then times ``registry rebuild``, the dashboard's queries for a
street, a district and the city, and the counts' upkeep around one change.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")

import django

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from onewindow.accounts.actions import do_create_user  # noqa: E402
from onewindow.offices.actions import do_create_area, do_create_office  # noqa: E402
from onewindow.offices.models import Area, Office  # noqa: E402
from onewindow.registry import selectors  # noqa: E402
from onewindow.registry.actions import do_rebuild_counts, recounting  # noqa: E402
from onewindow.registry.models import AreaCount  # noqa: E402

NATIONALITIES = ["US", "GB", "DE", "FR", "JP", "KR", "IN", "RU", "CA", "AU", "BR", "IT", "ES", "NL", "SG"]


def timed(label: str, function, repeat: int = 5) -> object:  # type: ignore[no-untyped-def]
    function()  # warm the caches once
    started = time.perf_counter()
    for _ in range(repeat):
        result = function()
    print(f"{label:<48} {(time.perf_counter() - started) / repeat * 1000:8.1f} ms")
    return result


def fill(permits: int) -> None:
    city = do_create_area(
        actor=None, parent=None, code="benchcity", level=Area.Level.CITY, name_en="Bench", name_zh="城",
        division_code="449900",
    )  # fmt: skip
    streets = []
    for d in range(10):
        district = do_create_area(
            actor=None,
            parent=city,
            code=f"d{d}",
            level=Area.Level.DISTRICT,
            name_en=f"D{d}",
            name_zh=f"区{d}",
        )
        for s in range(10):
            streets.append(
                do_create_area(
                    actor=None,
                    parent=district,
                    code=f"s{s}",
                    level=Area.Level.STREET,
                    name_en=f"S{d}.{s}",
                    name_zh=f"街{d}.{s}",
                )
            )
    hall = do_create_office(
        actor=None, code="bench-hall", kind=Office.Kind.CIVIC_HALL, area=city, name_en="Hall", name_zh="大厅"
    )
    user = do_create_user(actor=None, email="bench@example.org", full_name="Bench", password=None)
    first = streets[0].pk
    nationalities = "ARRAY[" + ",".join(f"'{n}'" for n in NATIONALITIES) + "]"
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO employers_employer (credit_code, name_zh, name_en, industry, size_band,
                   registered_address, workplace_address, contact_name, contact_email, contact_phone, status,
                   created_at, registered_street_id, workplace_street_id)
               SELECT lpad(i::text, 18, '0'), 'E' || i, 'E' || i, chr(65 + i %% 20),
                   (ARRAY['micro','small','medium','large'])[1 + i %% 4],
                   'x', 'x', 'x', 'x@x', 'x', 'verified',
                   %s, %s + i %% 100, %s + i %% 100
               FROM generate_series(1, 5000) i""",
            [now, first, first],
        )
        cursor.execute("SELECT min(id) FROM employers_employer")
        employer0 = cursor.fetchone()[0]
        cursor.execute(
            f"""INSERT INTO people_person (family_name, given_names, chinese_name, sex, date_of_birth,
                   birth_year, nationality, passport_number, passport_hash, passport_expiry,
                   residential_address, phone, email, language, notices_opt_out, created_at,
                   residential_street_id)
               SELECT 'P' || i, '', '', 'X', 'x', 1950 + i %% 50, ({nationalities})[1 + (i * 7) %% 15],
                   'x', md5(i::text), '2035-01-01', 'x', 'x', '', 'en', false, %s,
                   CASE WHEN i %% 10 = 0 THEN NULL ELSE %s + (i * 13) %% 100 END
               FROM generate_series(1, %s) i""",  # noqa: S608 - a literal array of country codes
            [now, first, permits],
        )
        cursor.execute("SELECT min(id) FROM people_person")
        person0 = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO cases_application (reference, kind, status, area_path, category, position, details,
                   needs_residence_permit, returned_once, version, created_at, updated_at, client_token,
                   created_by_id, employer_id, person_id, station_id, street_id)
               SELECT 'B-' || i, CASE WHEN i %% 5 = 0 THEN 'extension' ELSE 'new_in_china' END, 'completed',
                   '/benchcity/', chr(65 + i %% 3), 'x', '{}', false, false, 1, %s, %s, '', %s,
                   %s + i %% 5000, %s + i - 1, %s, %s
               FROM generate_series(1, %s) i""",
            [now, now, user.pk, employer0, person0, hall.pk, first, permits],
        )
        cursor.execute("SELECT min(id) FROM cases_application")
        application0 = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO permits_permitnumber (number, allocated_at, person_id)
               SELECT 'N' || lpad(i::text, 17, '0'), %s, %s + i - 1 FROM generate_series(1, %s) i""",
            [now, person0, permits],
        )
        cursor.execute("SELECT min(id) FROM permits_permitnumber")
        number0 = cursor.fetchone()[0]
        # Valid from some day in the last five years, for one to three years; a tenth cancelled or revoked.
        cursor.execute(
            """INSERT INTO permits_permit (category, position, work_location, valid_from, valid_until, status,
                   issued_at, ended_at, end_reason, cancellation_reference, application_id, employer_id,
                   issued_by_id, issuing_office_id, person_id, number_id)
               SELECT chr(65 + i %% 3), 'x', 'x', d, d + 365 * (1 + i %% 3),
                   CASE WHEN i %% 20 = 0 THEN 'cancelled' WHEN i %% 20 = 1 THEN 'revoked' ELSE 'active' END,
                   d::timestamp AT TIME ZONE 'Asia/Shanghai',
                   CASE WHEN i %% 20 IN (0, 1) THEN (d + 200)::timestamp AT TIME ZONE 'Asia/Shanghai' END,
                   CASE WHEN i %% 20 = 1 THEN 'bench' ELSE '' END,
                   CASE WHEN i %% 20 = 0 THEN 'CX-' || i ELSE '' END,
                   %s + i - 1, %s + i %% 5000, %s, %s, %s + i - 1, %s + i - 1
               FROM (SELECT i, (DATE '2021-01-01' + (i * 37) %% 1800) AS d
                     FROM generate_series(1, %s) i) g""",
            [application0, employer0, user.pk, hall.pk, person0, number0, permits],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or not str(name).endswith("bench"):
        sys.exit("Run against an empty PostgreSQL scratch database whose name ends in 'bench'.")
    permits = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    call_command("migrate", verbosity=0)
    if not Area.objects.filter(path="/benchcity/").exists():
        started = time.perf_counter()
        fill(permits)
        print(f"filled {permits} permits in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    result = do_rebuild_counts(actor=None)
    with connection.cursor() as cursor:
        # A freshly written table: let PostgreSQL know which pages are all-visible (index-only scans).
        cursor.execute("VACUUM ANALYZE registry_areacount")
        cursor.execute("VACUUM ANALYZE registry_areaflow")
    print(f"rebuild: {result.count_rows} count rows, {result.flow_rows} flow rows, "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    day = dt.date(2024, 6, 15)
    city = Area.objects.get(path="/benchcity/")
    district = Area.objects.get(path="/benchcity/d3/")
    street = Area.objects.get(path="/benchcity/d3/s4/")
    for area in (street, district, city):
        total = timed(f"stock, every dimension, {area.level}", lambda a=area: selectors.stock(a, day))
        timed(f"employers with foreign staff, {area.level}", lambda a=area: selectors.employers(a, day))
        timed(f"parts (roll-up by child), {area.level}", lambda a=area: selectors.parts(a, day, "work"))
        timed(f"flows per month (12), {area.level}", lambda a=area: selectors.flows(a, day, "work"))
        print(f"    valid on {day} by workplace: {total.total('work')}")  # type: ignore[attr-defined]
    person_id = connection.cursor().execute("SELECT person_id FROM permits_permit LIMIT 1").fetchone()[0]

    def upkeep() -> None:
        with transaction.atomic():
            with recounting(person_ids=[person_id]):
                pass
            transaction.set_rollback(True)

    timed("upkeep around one change (before, after, diff)", upkeep)
    print(f"area count rows: {AreaCount.objects.count()}")


if __name__ == "__main__":
    main()
