"""Demo data: Shenzhen with two districts, the offices of the reform, one user per role,
three employers and a dozen foreign nationals whose applications stand at different steps.

Everything is created through the same actions the pages use, so the demo
data has the same audit trail, deadlines and invariants as real data.
Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import uscc

from onewindow.accounts.actions import (
    do_begin_totp_enrolment,
    do_confirm_totp_device,
    do_create_user,
    do_grant_role,
    do_record_agreement,
)
from onewindow.accounts.authn import base32_secret, code_at, current_step
from onewindow.accounts.models import ConfidentialityAgreement, Role, User
from onewindow.api import demo as api_demo
from onewindow.cases.actions import (
    do_create_application,
    do_record_decision,
    do_request_supplement,
    do_return_application,
    do_transition,
)
from onewindow.cases.kinds import spec, visit_documents
from onewindow.cases.models import Application, Authority, Decision
from onewindow.cases.workflow import Action, Kind
from onewindow.eligibility.actions import do_add_local_parameters
from onewindow.employers.actions import do_register_employer, do_verify_employer
from onewindow.employers.models import Employer
from onewindow.front import demo_area
from onewindow.offices.actions import do_create_area, do_create_office
from onewindow.offices.models import Area, Office
from onewindow.people import demo as people_demo
from onewindow.people.actions import do_create_person
from onewindow.people.models import Person
from onewindow.permits.actions import do_issue_permit, do_rotate_signing_key
from onewindow.supervision import demo as supervision_demo
from onewindow.visits import demo as visits_demo
from onewindow.visits.actions import do_record_original_check
from onewindow.visits.models import OriginalCheck

DOMAIN = "onewindow.example"


@dataclass(frozen=True)
class DemoUser:
    key: str
    name: str
    role: Role
    where: str  # office code, employer key or person key


DEMO_USERS = [
    DemoUser("alice", "Alice Wang 王爱丽", Role.EMPLOYER_HR, "robotics"),
    DemoUser("judy", "Judy Li 李朱迪", Role.EMPLOYER_HR, "bioresearch"),
    DemoUser("bob", "Bob Miller", Role.FOREIGN_NATIONAL, "bob"),
    DemoUser("carol", "Chen Jing 陈静", Role.WINDOW_OFFICER, "zhaoshang-station"),
    DemoUser("ivan", "Zhou Wei 周伟", Role.WINDOW_OFFICER, "futian-civic-hall"),
    DemoUser("dave", "Liu Dawei 刘大伟", Role.REVIEWER, "shenzhen-commission"),
    DemoUser("erin", "Huang Yan 黄燕", Role.IMMIGRATION_OFFICER, "shenzhen-exit-entry"),
    DemoUser("frank", "Zhang Fan 张帆", Role.SUPERVISOR, "shenzhen-commission"),
    DemoUser("grace", "Guo Li 郭丽", Role.COMMUNITY_OFFICER, "zhaoshang-street-office"),
    DemoUser("heidi", "He Di 何迪", Role.ADMINISTRATOR, "shenzhen-commission"),
]

STREETS = {
    "nanshan": [
        ("zhaoshang", "Zhaoshang Street", "招商街道"),
        ("shekou", "Shekou Street", "蛇口街道"),
        ("yuehai", "Yuehai Street", "粤海街道"),
        ("nantou", "Nantou Street", "南头街道"),
    ],
    "futian": [
        ("futian", "Futian Street", "福田街道"),
        ("lianhua", "Lianhua Street", "莲花街道"),
        ("xiangmihu", "Xiangmihu Street", "香蜜湖街道"),
    ],
}

EMPLOYERS = {
    "robotics": {
        "serial": "91440300MA5F00001",
        "name_zh": "深圳招商机器人科技有限公司",
        "name_en": "Shenzhen Zhaoshang Robotics Co., Ltd.",
        "industry": "I",
        "size_band": "medium",
        "street": "zhaoshang",
        "address": "1 Taizi Road, Zhaoshang Street, Nanshan District, Shenzhen",
    },
    "school": {
        "serial": "52440300MJL000002",
        "name_zh": "深圳蛇口国际学校",
        "name_en": "Shekou International School Shenzhen",
        "industry": "P",
        "size_band": "medium",
        "street": "shekou",
        "address": "8 Sea World Avenue, Shekou Street, Nanshan District, Shenzhen",
    },
    "bioresearch": {
        "serial": "12440300MB0000003",
        "name_zh": "深圳福田生物医药研究院",
        "name_en": "Futian Institute of Biomedical Research",
        "industry": "M",
        "size_band": "small",
        "street": "xiangmihu",
        "address": "6 Xiangmihu Road, Futian District, Shenzhen",
    },
}


@dataclass(frozen=True)
class DemoPerson:
    key: str
    family: str
    given: str
    sex: str
    born: dt.date
    nationality: str
    passport: str
    employer: str
    position: str
    kind: Kind
    # How far the demo takes the application: a step name from ``_STAGES``.
    stage: str
    category: str = "B"
    salary: int = 420_000


DEMO_PEOPLE = [
    DemoPerson(
        "bob",
        "Miller",
        "Robert James",
        "M",
        dt.date(1988, 3, 14),
        "US",
        "560123456",
        "robotics",
        "Robotics engineer",
        Kind.NEW_IN_CHINA,
        "completed",
        "A",
        980_000,
    ),
    DemoPerson(
        "amelie",
        "Dubois",
        "Amélie",
        "F",
        dt.date(1991, 7, 2),
        "FR",
        "18AB12345",
        "robotics",
        "Product designer",
        Kind.NEW_IN_CHINA,
        "submitted",
    ),
    DemoPerson(
        "kenji",
        "Sato",
        "Kenji",
        "M",
        dt.date(1985, 11, 20),
        "JP",
        "TK1234567",
        "robotics",
        "Senior control engineer",
        Kind.NEW_IN_CHINA,
        "in_review",
    ),
    DemoPerson(
        "lena",
        "Schmidt",
        "Lena",
        "F",
        dt.date(1993, 1, 9),
        "DE",
        "C01X00T47",
        "robotics",
        "Data scientist",
        Kind.NEW_IN_CHINA,
        "approved",
    ),
    DemoPerson(
        "oliver",
        "Smith",
        "Oliver",
        "M",
        dt.date(1990, 5, 30),
        "GB",
        "533380006",
        "school",
        "English teacher",
        Kind.NEW_IN_CHINA,
        "returned",
    ),
    DemoPerson(
        "sofia",
        "García López",
        "Sofía",
        "F",
        dt.date(1989, 9, 17),
        "ES",
        "PAA123456",
        "school",
        "Spanish teacher",
        Kind.NEW_IN_CHINA,
        "supplement",
    ),
    DemoPerson(
        "minjun",
        "Kim",
        "Min-jun",
        "M",
        dt.date(1987, 4, 4),
        "KR",
        "M12345678",
        "school",
        "Mathematics teacher",
        Kind.NEW_IN_CHINA,
        "draft",
    ),
    DemoPerson(
        "ivanov",
        "Ivanov",
        "Dmitri",
        "M",
        dt.date(1982, 12, 1),
        "RU",
        "720000001",
        "bioresearch",
        "Principal investigator",
        Kind.NEW_IN_CHINA,
        "completed",
        "A",
        1_200_000,
    ),
    DemoPerson(
        "priya",
        "Sharma",
        "Priya",
        "F",
        dt.date(1994, 8, 23),
        "IN",
        "Z1234567",
        "bioresearch",
        "Postdoctoral researcher",
        Kind.NEW_IN_CHINA,
        "in_review",
        "B",
        300_000,
    ),
    DemoPerson(
        "lucas",
        "Oliveira",
        "Lucas",
        "M",
        dt.date(1996, 2, 11),
        "BR",
        "FT123456",
        "bioresearch",
        "Lab technician",
        Kind.NEW_IN_CHINA,
        "refused",
        "C",
        150_000,
    ),
    DemoPerson(
        "noah",
        "Tremblay",
        "Noah",
        "M",
        dt.date(1979, 6, 6),
        "CA",
        "AB123456",
        "school",
        "Head of secondary school",
        Kind.SHORT_TERM,
        "submitted",
        "B",
        200_000,
    ),
    DemoPerson(
        "aisha",
        "Bello",
        "Aisha",
        "F",
        dt.date(1992, 10, 19),
        "NG",
        "A09876543",
        "robotics",
        "Firmware engineer",
        Kind.NEW_IN_CHINA,
        "in_review",
    ),
]


def credit_code(serial: str) -> str:
    return serial + uscc.calc_check_digit(serial)


def email_of(key: str) -> str:
    return f"{key}@{DOMAIN}"


def is_seeded() -> bool:
    return User.objects.filter(email=email_of("alice")).exists()


@transaction.atomic
def seed() -> None:
    """Create the demo city, offices, users, employers, people and cases (once), then the area
    registry's population, a new station, a district office and a second city (once, too)."""
    password = settings.ONEWINDOW_DEMO_PASSWORD
    if not password:
        raise RuntimeError("seed_demo refuses to run without ONEWINDOW_DEMO_PASSWORD (never in production)")
    if not is_seeded():
        _seed_city(password)
    people_demo.seed()  # the vault and an employer's duty (onewindow.people.demo)
    demo_area.add(password, email_of)
    secure_staff()
    visits_demo.seed()
    supervision_demo.seed(password, email_of)
    api_demo.seed()


def _seed_city(password: str) -> None:
    do_rotate_signing_key(actor=None)  # the key that signs the demo permits' QR codes
    areas = _areas()
    offices = _offices(areas)
    employers = _employers(areas)
    users = {
        u.key: do_create_user(
            actor=None,
            email=email_of(u.key),
            full_name=u.name,
            password=password,
            admin_site=u.role == Role.ADMINISTRATOR,
        )
        for u in DEMO_USERS
    }
    for demo_user in DEMO_USERS:
        if demo_user.role in {Role.EMPLOYER_HR, Role.FOREIGN_NATIONAL}:
            continue
        do_grant_role(
            actor=None,
            user=users[demo_user.key],
            role=demo_user.role,
            office=offices[demo_user.where],
        )
    secure_staff()
    for demo_user in DEMO_USERS:
        if demo_user.role == Role.EMPLOYER_HR:
            do_grant_role(
                actor=None,
                user=users[demo_user.key],
                role=Role.EMPLOYER_HR,
                employer=employers[demo_user.where],
                is_employer_admin=True,
            )
    hr_of = {"robotics": users["alice"], "school": users["alice"], "bioresearch": users["judy"]}
    do_grant_role(actor=None, user=users["alice"], role=Role.EMPLOYER_HR, employer=employers["school"])
    for demo_person in DEMO_PEOPLE:
        person = _person(demo_person, employers[demo_person.employer], hr_of[demo_person.employer], areas)
        if demo_person.key == "bob":
            do_grant_role(actor=None, user=users["bob"], role=Role.FOREIGN_NATIONAL, person=person)
        _application(demo_person, person, employers[demo_person.employer], hr_of[demo_person.employer], users)


def _areas() -> dict[str, Area]:
    city = do_create_area(
        actor=None,
        parent=None,
        code="shenzhen",
        level=Area.Level.CITY,
        name_en="Shenzhen",
        name_zh="深圳市",
        division_code="440300",
    )
    do_add_local_parameters(
        actor=None,
        city=city,
        valid_from=dt.date(2022, 7, 1),
        previous_year_average_wage_cny=123_485,
        local_bonus_max=10,
        note=(
            "Illustrative figures for the demo, not Shenzhen's published ones: the average wage of "
            "RMB 123,485 is one city's 2022 example (A threshold RMB 740,910, B threshold RMB 493,940). "
            "Replace them with the figures the city publishes each year."
        ),
    )
    areas = {"shenzhen": city}
    names = {
        "nanshan": ("Nanshan District", "南山区", "440305"),
        "futian": ("Futian District", "福田区", "440304"),
    }
    for district_code, streets in STREETS.items():
        en, zh, division = names[district_code]
        district = do_create_area(
            actor=None,
            parent=city,
            code=district_code,
            level=Area.Level.DISTRICT,
            name_en=en,
            name_zh=zh,
            division_code=division,
        )
        areas[district_code] = district
        for code, street_en, street_zh in streets:
            areas[code] = do_create_area(
                actor=None,
                parent=district,
                code=code,
                level=Area.Level.STREET,
                name_en=street_en,
                name_zh=street_zh,
            )
    return areas


def _offices(areas: dict[str, Area]) -> dict[str, Office]:
    offices = {}
    offices["shenzhen-commission"] = do_create_office(
        actor=None,
        code="shenzhen-commission",
        kind=Office.Kind.COMMISSION,
        area=areas["shenzhen"],
        name_en="Shenzhen Science and Technology Innovation Commission",
        name_zh="深圳市科技创新委员会",
        address_en="Civic Center, Futian District, Shenzhen",
        address_zh="深圳市福田区市民中心",
    )
    offices["shenzhen-exit-entry"] = do_create_office(
        actor=None,
        code="shenzhen-exit-entry",
        kind=Office.Kind.EXIT_ENTRY,
        area=areas["shenzhen"],
        name_en="Shenzhen Exit-Entry Administration, Public Security Bureau",
        name_zh="深圳市公安局出入境管理局",
    )
    offices["futian-civic-hall"] = do_create_office(
        actor=None,
        code="futian-civic-hall",
        kind=Office.Kind.CIVIC_HALL,
        area=areas["shenzhen"],
        name_en="Civic Center Administrative Service Hall",
        name_zh="市民中心行政服务大厅",
        address_en="Civic Center, Futian District, Shenzhen",
        address_zh="深圳市福田区市民中心",
    )
    offices["zhaoshang-station"] = do_create_office(
        actor=None,
        code="zhaoshang-station",
        kind=Office.Kind.WORK_STATION,
        area=areas["nanshan"],
        name_en="Zhaoshang Street Foreigners' Work Permit Station",
        name_zh="招商街道外国人工作许可工作站",
        address_en="Zhaoshang Street Service Center, Nanshan District, Shenzhen",
        address_zh="深圳市南山区招商街道党群服务中心",
        covers=[areas["zhaoshang"], areas["shekou"]],
    )
    offices["zhaoshang-street-office"] = do_create_office(
        actor=None,
        code="zhaoshang-street-office",
        kind=Office.Kind.STREET_OFFICE,
        area=areas["zhaoshang"],
        name_en="Zhaoshang Street Office",
        name_zh="招商街道办事处",
    )
    return offices


def _employers(areas: dict[str, Area]) -> dict[str, Employer]:
    employers = {}
    for key, data in EMPLOYERS.items():
        street = areas[data["street"]]
        employer = do_register_employer(
            actor=None,
            credit_code=credit_code(data["serial"]),
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            industry=data["industry"],
            size_band=data["size_band"],
            registered_address=data["address"],
            registered_street=street,
            workplace_address=data["address"],
            workplace_street=street,
            contact_name="HR",
            contact_email=f"hr-{key}@{DOMAIN}",
            contact_phone="+86 755 0000 0000",
        )
        employers[key] = do_verify_employer(employer, actor=None, note="demo")
    return employers


def _person(demo: DemoPerson, employer: Employer, hr: User, areas: dict[str, Area]) -> Person:
    return do_create_person(
        actor=hr,
        employer=employer,
        position=demo.position,
        family_name=demo.family,
        given_names=demo.given,
        sex=demo.sex,
        date_of_birth=demo.born,
        nationality=demo.nationality,
        passport_number=demo.passport,
        passport_expiry=timezone.localdate() + dt.timedelta(days=5 * 365),
        residential_address=f"Apartment {len(demo.family)}01, {employer.workplace_street.name_en}, Shenzhen",
        residential_street=employer.workplace_street,
        phone="+86 138 0000 0000",
        email=f"{demo.key}@{DOMAIN}",
        language="en",
    )


def _facts(demo: DemoPerson) -> dict[str, object]:
    """Plausible facts: a doctorate on a national programme for A, a master's for B, no degree for C."""
    if demo.category == "A":
        return {
            "education": "doctorate",
            "related_experience_years": 12,
            "months_per_year_in_china": 12,
            "hsk_level": 3,
            "direct_routes": ["talent_programme"],
        }
    if demo.category == "B":
        return {
            "education": "master",
            "related_experience_years": 5,
            "months_per_year_in_china": 12,
            "hsk_level": 2,
        }
    return {"education": "none", "related_experience_years": 1, "months_per_year_in_china": 12}


DEMO_DETAILS: dict[Kind, dict[str, object]] = {
    Kind.NEW_IN_CHINA: {"basis": "intra_group"},
    Kind.SHORT_TERM: {"situation": "training", "partner_organisation": "Shekou Education Group"},
}

_STAGES = [
    "draft",
    "submitted",
    "returned",
    "in_review",
    "supplement",
    "approved",
    "completed",
    "refused",
]


def _application(
    demo: DemoPerson, person: Person, employer: Employer, hr: User, users: dict[str, User]
) -> Application:
    today = timezone.localdate()
    application = do_create_application(
        actor=hr,
        employer=employer,
        person=person,
        kind=demo.kind,
        position=demo.position,
        category=demo.category,
        annual_salary_cny=demo.salary,
        work_start=today + dt.timedelta(days=30),
        work_end=today + dt.timedelta(days=30 + (80 if demo.kind == Kind.SHORT_TERM else 2 * 365)),
        details=DEMO_DETAILS[demo.kind],
        assessment_facts=_facts(demo) if spec(demo.kind).assessed else None,
    )
    if demo.stage == "draft":
        return application
    application = do_transition(application, actor=hr, action=Action.SUBMIT)
    window = users["ivan"] if application.station.kind == Office.Kind.CIVIC_HALL else users["carol"]
    if demo.stage == "submitted":
        return application
    if demo.stage == "returned":
        return do_return_application(
            application,
            actor=window,
            corrections=[
                {
                    "text": "Upload the degree certificate with its apostille.",
                    "document_type": "degree",
                },
                {
                    "text": "The employment contract must be in Chinese.",
                    "document_type": "employment_contract",
                },
            ],
        )
    application = do_transition(application, actor=window, action=Action.ACCEPT)
    if demo.stage == "in_review":
        return application
    if demo.stage == "supplement":
        return do_request_supplement(
            application,
            actor=users["dave"],
            items=[{"text": "Provide proof of two years' teaching experience."}],
        )
    start, end = application.work_start, application.work_end
    if demo.stage == "refused":
        return do_record_decision(
            application,
            actor=users["dave"],
            authority=Authority.WORK_PERMIT,
            outcome=Decision.Outcome.REFUSED,
            reason_codes=["criteria_not_met"],
            reasoning=(
                "The post requires neither a degree nor two years' experience, "
                "and the salary is below the threshold."
            ),
        )
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
    if demo.stage == "approved":
        return application
    for document in visit_documents(application.kind):
        do_record_original_check(
            application,
            actor=window,
            document_type=str(document),
            outcome=OriginalCheck.Outcome.MATCHES,
        )
    application = do_transition(application, actor=window, action=Action.VERIFY_ORIGINALS)
    do_issue_permit(application, actor=window, residence_permit_number=f"RP{person.pk:08d}")
    application.refresh_from_db()
    return application


def logins() -> list[tuple[str, str, str]]:
    """(e-mail, name, role) of each demo account, for `make run` to print."""
    return [(email_of(u.key), u.name, str(u.role.label)) for u in _all_users()]


def _all_users() -> list[DemoUser]:
    """The demo city's users, then those the area registry's demo data adds (``demo_area``)."""
    staff = [*demo_area.STAFF, *supervision_demo.STAFF]
    added = [DemoUser(key, name, role, where) for key, name, role, where in staff]
    return DEMO_USERS + added


# The text of the station agreement the demo staff signed.
AGREEMENT_VERSION = "demo-2024"


def _staff() -> list[tuple[User, Office]]:
    rows = []
    for demo_user in _all_users():
        if demo_user.role in {Role.EMPLOYER_HR, Role.FOREIGN_NATIONAL}:
            continue
        user = User.objects.filter(email=email_of(demo_user.key)).first()
        office = Office.objects.filter(code=demo_user.where).first()
        if user is not None and office is not None:
            rows.append((user, office))
    return rows


def secure_staff() -> None:
    """Give every demo officer a signed confidentiality agreement and an authenticator (idempotent).

    Also run on a database seeded before these existed, so that an old demo
    database keeps working.
    """
    for user, office in _staff():
        if not ConfidentialityAgreement.objects.filter(user=user, office=office).exists():
            do_record_agreement(
                actor=None,
                user=user,
                office=office,
                version=AGREEMENT_VERSION,
                reference=f"DEMO-{user.pk:04d}",
                signed_at=timezone.now() - dt.timedelta(days=30),
            )
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            device = do_begin_totp_enrolment(actor=user)
            do_confirm_totp_device(device, actor=user, token=code_at(device, current_step(device)))


def totp_secrets() -> list[tuple[str, str]]:
    """(e-mail, base32 secret) of each demo officer, to add to an authenticator app by hand."""
    devices = TOTPDevice.objects.filter(
        user__email__in=[email_of(u.key) for u in _all_users()], confirmed=True
    ).select_related("user")
    return sorted((device.user.email, base32_secret(device)) for device in devices)
