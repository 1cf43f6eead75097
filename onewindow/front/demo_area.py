"""Demo data for the area registry and for replication, added to the demo city once.

* A population: about thirty foreign nationals with permits valid today in
  Zhaoshang, Shekou and Xiangmihu, of many nationalities, ages and
  languages, so the area figures have something to say (and something to
  suppress); one of the permits is revoked.
* Replication as data: a Nanshan district office with a community officer
  (nina) who sees the district roll-up; a new Xiangmihu Street station with
  its own window officer (xia), opening hours and windows, added after the
  Futian institute's first cases went to the Civic Center hall, so that
  its new application is routed to the new station; and a second city,
  Guangzhou, with its own average wage, promise and calendar correction.
* A published public-health notice from the Zhaoshang street office.

Everything goes through the actions the pages and ``manage.py offices`` use.
It runs once: its marker is the Xiangmihu station.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from onewindow.accounts.actions import do_create_user, do_grant_role
from onewindow.accounts.models import Role, User
from onewindow.cases.actions import (
    do_create_application,
    do_record_decision,
    do_set_time_limit,
    do_transition,
)
from onewindow.cases.kinds import spec, visit_documents
from onewindow.cases.models import Authority, Decision, TimeLimit
from onewindow.cases.workflow import Action, Kind
from onewindow.eligibility.actions import do_add_local_parameters
from onewindow.employers.models import Employer
from onewindow.offices.actions import (
    do_create_area,
    do_create_office,
    do_set_calendar_day,
    do_set_opening_hours,
    do_set_windows,
)
from onewindow.offices.hours import parse_hours
from onewindow.offices.models import Area, Office
from onewindow.people.actions import do_create_person, do_update_person
from onewindow.people.models import Person
from onewindow.permits.actions import do_issue_permit, do_revoke_permit
from onewindow.registry.actions import do_create_notice, do_publish_notice, do_rebuild_counts
from onewindow.registry.selectors import check_counts
from onewindow.visits.actions import do_record_original_check
from onewindow.visits.models import OriginalCheck

MARKER_OFFICE = "xiangmihu-station"
HOURS = "mon-fri 09:00-12:00,14:00-18:00"
# The staff this module adds: (key, name, role, office code).
STAFF = [
    ("xia", "Xia Ming 夏明", Role.WINDOW_OFFICER, MARKER_OFFICE),
    ("nina", "Nie Na 聂娜", Role.COMMUNITY_OFFICER, "nanshan-district-office"),
]


@dataclass(frozen=True)
class Resident:
    family: str
    given: str
    sex: str
    born: dt.date
    nationality: str
    employer: str
    lives_in: str
    language: str
    category: str
    # Days since the permit became valid (it is valid today and for two years from then).
    since_days: int


POPULATION = [
    Resident("Johnson", "Emily", "F", dt.date(1990, 2, 3), "US", "robotics", "zhaoshang", "en", "B", 400),
    Resident("Brown", "Michael", "M", dt.date(1984, 6, 12), "US", "robotics", "zhaoshang", "en", "A", 300),
    Resident("Davis", "Sarah", "F", dt.date(1995, 9, 21), "US", "robotics", "shekou", "en", "B", 200),
    Resident("Wilson", "James", "M", dt.date(1978, 1, 30), "US", "robotics", "zhaoshang", "en", "A", 120),
    Resident("Moore", "Olivia", "F", dt.date(1999, 11, 2), "US", "robotics", "zhaoshang", "en", "C", 60),
    Resident("Taylor", "George", "M", dt.date(1988, 4, 17), "GB", "robotics", "zhaoshang", "en", "B", 250),
    Resident("Evans", "Charlotte", "F", dt.date(1992, 8, 8), "GB", "robotics", "shekou", "en", "B", 90),
    Resident("Müller", "Jonas", "M", dt.date(1986, 3, 3), "DE", "robotics", "zhaoshang", "de", "B", 330),
    Resident("Weber", "Anna", "F", dt.date(1994, 5, 25), "DE", "robotics", "zhaoshang", "de", "B", 45),
    Resident("Martin", "Lucas", "M", dt.date(1991, 12, 12), "FR", "robotics", "zhaoshang", "fr", "B", 150),
    Resident("Tanaka", "Yui", "F", dt.date(1993, 7, 7), "JP", "robotics", "zhaoshang", "ja", "B", 30),
    Resident("Patel", "Arjun", "M", dt.date(1989, 10, 10), "IN", "robotics", "zhaoshang", "en", "B", 210),
    Resident("Park", "Ji-woo", "F", dt.date(1997, 1, 15), "KR", "robotics", "zhaoshang", "ko", "C", 15),
    Resident("Harris", "Thomas", "M", dt.date(1975, 2, 28), "GB", "school", "shekou", "en", "B", 500),
    Resident("Clarke", "Emma", "F", dt.date(1987, 6, 6), "GB", "school", "shekou", "en", "B", 420),
    Resident("Walker", "Harry", "M", dt.date(1996, 3, 19), "GB", "school", "zhaoshang", "en", "B", 100),
    Resident("Wright", "Sophie", "F", dt.date(1983, 9, 9), "GB", "school", "shekou", "en", "B", 260),
    Resident("Green", "Jack", "M", dt.date(1990, 10, 1), "GB", "school", "shekou", "en", "B", 75),
    Resident("Miller", "Ava", "F", dt.date(1985, 4, 4), "US", "school", "shekou", "en", "B", 340),
    Resident("Anderson", "Noah", "M", dt.date(1992, 2, 14), "US", "school", "shekou", "en", "B", 180),
    Resident("Roy", "Chloé", "F", dt.date(1994, 8, 30), "CA", "school", "shekou", "fr", "B", 50),
    Resident("Kelly", "Liam", "M", dt.date(1981, 5, 5), "AU", "school", "shekou", "en", "B", 230),
    Resident("Popov", "Alexei", "M", dt.date(1980, 7, 19), "RU", "bioresearch", "xiangmihu", "ru", "A", 380),
    Resident("Singh", "Ananya", "F", dt.date(1991, 3, 27), "IN", "bioresearch", "xiangmihu", "en", "B", 140),
    Resident("Rao", "Vikram", "M", dt.date(1988, 12, 3), "IN", "bioresearch", "lianhua", "en", "B", 95),
    Resident("Fischer", "Lena", "F", dt.date(1993, 11, 11), "DE", "bioresearch", "xiangmihu", "de", "B", 20),
    Resident("Santos", "Mateus", "M", dt.date(1995, 1, 22), "BR", "bioresearch", "xiangmihu", "pt", "C", 10),
    Resident("Lee", "Daniel", "M", dt.date(1979, 9, 14), "US", "bioresearch", "xiangmihu", "en", "A", 280),
]

FACTS = {
    "A": {
        "education": "doctorate",
        "related_experience_years": 12,
        "months_per_year_in_china": 12,
        "hsk_level": 3,
        "direct_routes": ["talent_programme"],
    },
    "B": {
        "education": "master",
        "related_experience_years": 5,
        "months_per_year_in_china": 12,
        "hsk_level": 2,
    },
    "C": {"education": "none", "related_experience_years": 1, "months_per_year_in_china": 12},
}
SALARY = {"A": 900_000, "B": 420_000, "C": 150_000}


def is_added() -> bool:
    return Office.objects.filter(code=MARKER_OFFICE).exists()


def add(password: str, email_of: object) -> None:
    """Add the registry and replication demo data to an already seeded demo city (once)."""
    if is_added():
        return
    areas = {area.code: area for area in Area.objects.filter(path__startswith="/shenzhen/")}
    offices = {office.code: office for office in Office.objects.all()}
    users = {
        user.email.split("@")[0]: user for user in User.objects.filter(email__endswith="@onewindow.example")
    }
    employers = {
        "robotics": Employer.objects.get(name_en__startswith="Shenzhen Zhaoshang Robotics"),
        "school": Employer.objects.get(name_en__startswith="Shekou International School"),
        "bioresearch": Employer.objects.get(name_en__startswith="Futian Institute"),
    }
    hr_of = {"robotics": users["alice"], "school": users["alice"], "bioresearch": users["judy"]}
    for station in ("zhaoshang-station", "futian-civic-hall"):
        do_set_opening_hours(offices[station], actor=None, periods=parse_hours(HOURS))
        do_set_windows(offices[station], actor=None, count=3 if station == "zhaoshang-station" else 8)

    for index, resident in enumerate(POPULATION):
        window = users["carol"] if resident.employer != "bioresearch" else users["ivan"]
        _resident_with_permit(resident, index, employers, hr_of, areas, window, users)
    revoked = Person.objects.get(family_name="Moore", given_names="Olivia").permits.get(status="active")
    do_revoke_permit(
        revoked,
        actor=users["frank"],
        reason="Demo: the employment contract submitted was found not to be genuine.",
    )
    opted_out = Person.objects.get(family_name="Green", given_names="Jack")
    do_update_person(opted_out, actor=None, notices_opt_out=True)

    _replicate(areas, offices, users, employers, hr_of, password, email_of)
    _notice(users, offices, areas)
    # A demo city seeded before the counts were kept gets them computed once, here.
    differing, _sample = check_counts(limit=1)
    if differing:
        do_rebuild_counts(actor=None)


def _resident_with_permit(
    resident: Resident,
    index: int,
    employers: dict[str, Employer],
    hr_of: dict[str, User],
    areas: dict[str, Area],
    window: User,
    users: dict[str, User],
) -> None:
    employer = employers[resident.employer]
    hr = hr_of[resident.employer]
    key = f"{resident.given}.{resident.family}".lower().replace(" ", "").replace("ü", "ue").replace("é", "e")
    person = do_create_person(
        actor=hr,
        employer=employer,
        position="Specialist",
        family_name=resident.family,
        given_names=resident.given,
        sex=resident.sex,
        date_of_birth=resident.born,
        nationality=resident.nationality,
        passport_number=f"D{index:03d}{resident.born:%y%m%d}",
        passport_expiry=timezone.localdate() + dt.timedelta(days=6 * 365),
        residential_address=f"Apartment {100 + index}, {areas[resident.lives_in].name_en}, Shenzhen",
        residential_street=areas[resident.lives_in],
        phone="+86 138 0000 0000",
        email=f"{key}@onewindow.example",
        language=resident.language,
    )
    start = timezone.localdate() - dt.timedelta(days=resident.since_days)
    end = start + dt.timedelta(days=2 * 365)
    application = do_create_application(
        actor=hr,
        employer=employer,
        person=person,
        kind=Kind.NEW_IN_CHINA,
        position="Specialist",
        annual_salary_cny=SALARY[resident.category],
        work_start=start,
        work_end=end,
        details={"basis": "intra_group"},
        assessment_facts=FACTS[resident.category] if spec(Kind.NEW_IN_CHINA).assessed else None,
    )
    application = do_transition(application, actor=hr, action=Action.SUBMIT)
    application = do_transition(application, actor=window, action=Action.ACCEPT)
    application = do_record_decision(
        application,
        actor=users["dave"],
        authority=Authority.WORK_PERMIT,
        outcome=Decision.Outcome.APPROVED,
        reason_codes=["criteria_met"],
        valid_from=start,
        valid_until=end,
    )
    if application.needs_residence_permit:
        application = do_record_decision(
            application,
            actor=users["erin"],
            authority=Authority.RESIDENCE_PERMIT,
            outcome=Decision.Outcome.APPROVED,
            reason_codes=["residence_granted"],
            valid_from=start,
            valid_until=end,
            fee_cny=800,
        )
    for document in visit_documents(application.kind):
        do_record_original_check(
            application, actor=window, document_type=str(document), outcome=OriginalCheck.Outcome.MATCHES
        )
    application = do_transition(application, actor=window, action=Action.VERIFY_ORIGINALS)
    do_issue_permit(application, actor=window, residence_permit_number=f"RP9{index:07d}")


def _user(key: str, name: str, password: str, email_of: object) -> User:
    return do_create_user(actor=None, email=email_of(key), full_name=name, password=password)  # type: ignore[operator]


def _replicate(
    areas: dict[str, Area],
    offices: dict[str, Office],
    users: dict[str, User],
    employers: dict[str, Employer],
    hr_of: dict[str, User],
    password: str,
    email_of: object,
) -> None:
    # A district office whose community officer sees Nanshan's streets rolled up.
    district_office = do_create_office(
        actor=None,
        code="nanshan-district-office",
        kind=Office.Kind.DISTRICT_OFFICE,
        area=areas["nanshan"],
        name_en="Nanshan District Office",
        name_zh="南山区人民政府",
    )
    nina = _user("nina", STAFF[1][1], password, email_of)
    do_grant_role(actor=None, user=nina, role=Role.COMMUNITY_OFFICER, office=district_office)

    # A new station in another district: from now on the Futian institute's applications go there.
    station = do_create_office(
        actor=None,
        code=MARKER_OFFICE,
        kind=Office.Kind.WORK_STATION,
        area=areas["xiangmihu"],
        name_en="Xiangmihu Street Foreigners' Work Permit Station",
        name_zh="香蜜湖街道外国人工作许可工作站",
        address_en="Xiangmihu Street Service Center, Futian District, Shenzhen",
        address_zh="深圳市福田区香蜜湖街道党群服务中心",
        covers=[areas["xiangmihu"]],
    )
    do_set_opening_hours(station, actor=None, periods=parse_hours(HOURS))
    do_set_windows(station, actor=None, count=2)
    xia = _user("xia", STAFF[0][1], password, email_of)
    do_grant_role(actor=None, user=xia, role=Role.WINDOW_OFFICER, office=station)
    marco = do_create_person(
        actor=hr_of["bioresearch"],
        employer=employers["bioresearch"],
        position="Bioinformatician",
        family_name="Rossi",
        given_names="Marco",
        sex="M",
        date_of_birth=dt.date(1990, 4, 18),
        nationality="IT",
        passport_number="YA1234567",
        passport_expiry=timezone.localdate() + dt.timedelta(days=5 * 365),
        residential_address="Apartment 808, Xiangmihu, Shenzhen",
        residential_street=areas["xiangmihu"],
        phone="+86 138 0000 0000",
        email="marco@onewindow.example",
        language="en",
    )
    today = timezone.localdate()
    application = do_create_application(
        actor=hr_of["bioresearch"],
        employer=employers["bioresearch"],
        person=marco,
        kind=Kind.NEW_IN_CHINA,
        position="Bioinformatician",
        annual_salary_cny=SALARY["B"],
        work_start=today + dt.timedelta(days=30),
        work_end=today + dt.timedelta(days=30 + 2 * 365),
        details={"basis": "intra_group"},
        assessment_facts=FACTS["B"] if spec(Kind.NEW_IN_CHINA).assessed else None,
    )
    do_transition(application, actor=hr_of["bioresearch"], action=Action.SUBMIT)

    # A second city, configured as data: its own wage, promise and calendar correction.
    guangzhou = do_create_area(
        actor=None,
        parent=None,
        code="guangzhou",
        level=Area.Level.CITY,
        name_en="Guangzhou",
        name_zh="广州市",
        division_code="440100",
    )
    tianhe = do_create_area(
        actor=None,
        parent=guangzhou,
        code="tianhe",
        level=Area.Level.DISTRICT,
        name_en="Tianhe District",
        name_zh="天河区",
        division_code="440106",
    )
    liede = do_create_area(
        actor=None,
        parent=tianhe,
        code="liede",
        level=Area.Level.STREET,
        name_en="Liede Street",
        name_zh="猎德街道",
    )
    do_add_local_parameters(
        actor=None,
        city=guangzhou,
        valid_from=dt.date(2024, 7, 1),
        previous_year_average_wage_cny=135_138,
        local_bonus_max=10,
        note="Illustrative figure for the demo, not Guangzhou's published average wage.",
    )
    do_set_time_limit(
        actor=None,
        city=guangzhou,
        step=TimeLimit.Step.PROMISED_TOTAL,
        working_days=10,
        valid_from=dt.date(2024, 1, 1),
        legal_basis="Demo: the city's own promise of a decision within 10 working days.",
    )
    do_set_calendar_day(
        actor=None,
        city=guangzhou,
        date=dt.date(today.year, 9, 15),
        is_working_day=False,
        note="Demo: offices closed for a typhoon.",
    )
    do_create_office(
        actor=None,
        code="guangzhou-commission",
        kind=Office.Kind.COMMISSION,
        area=guangzhou,
        name_en="Guangzhou Science and Technology Bureau",
        name_zh="广州市科学技术局",
    )
    liede_station = do_create_office(
        actor=None,
        code="liede-station",
        kind=Office.Kind.WORK_STATION,
        area=liede,
        name_en="Liede Street Foreigners' Work Permit Station",
        name_zh="猎德街道外国人工作许可工作站",
        covers=[liede],
    )
    do_set_opening_hours(liede_station, actor=None, periods=parse_hours("mon-fri 09:00-12:00,13:30-17:30"))
    do_set_windows(liede_station, actor=None, count=2)


def _notice(users: dict[str, User], offices: dict[str, Office], areas: dict[str, Area]) -> None:
    grace = users["grace"]
    notice = do_create_notice(
        actor=grace,
        office=offices["zhaoshang-street-office"],
        area=areas["zhaoshang"],
        kind="public_health",
        texts={
            "en": (
                "Free influenza vaccination at the community health centre",
                "The Zhaoshang community health centre offers free influenza vaccination to every resident, "
                "including foreign nationals, on weekdays from 9:00 to 11:30. Bring your passport.",
            ),
            "zh-hans": (
                "社区健康服务中心免费接种流感疫苗",
                "招商街道社区健康服务中心为所有居民（包括外籍人士）免费接种流感疫苗，"
                "时间为工作日上午9:00至11:30。请携带护照。",
            ),
            "fr": (
                "Vaccination gratuite contre la grippe au centre de santé",
                "Le centre de santé de Zhaoshang vaccine gratuitement contre la grippe tous les résidents, "
                "y compris les étrangers, en semaine de 9 h à 11 h 30. Apportez votre passeport.",
            ),
            "ja": (
                "地域保健センターでインフルエンザ予防接種（無料）",
                "招商街道の地域保健センターでは、外国籍の方を含むすべての住民を対象に、平日9:00〜11:30に"
                "インフルエンザ予防接種を無料で行っています。パスポートをお持ちください。",
            ),
        },
    )
    do_publish_notice(notice, actor=grace)
