"""A small world built through OneWindow's own actions, and named personas per role.

Two districts, each with one street station; a commission, an exit-entry
office and a civic hall at city level. Every staff persona has a twin in
the *other* area, so each test can check that another area's object is a 404.

Personas (house style: fixed names per role):
    alice   HR user of Robotics (Zhaoshang, served by the Zhaoshang station)
    olga    HR user of Lab (Lianhua, served by the Lianhua station) — the other employer
    bob     a foreign national at Robotics, with an account
    carol   window officer, Zhaoshang station      cora  window officer, Lianhua station
    dave    reviewer, commission (city)            dina  reviewer, Futian district only
    erin    immigration officer (city)
    frank   supervisor, commission                 gina  community officer, Zhaoshang street office
    heidi   administrator
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from dataclasses import dataclass, field

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.cn import uscc

from onewindow.accounts.actions import (
    do_begin_totp_enrolment,
    do_confirm_totp_device,
    do_create_user,
    do_grant_role,
    do_record_agreement,
)
from onewindow.accounts.authn import AUTHENTICATED_AT, code_at, current_step
from onewindow.accounts.models import Role, User
from onewindow.cases.actions import (
    do_create_application,
    do_record_decision,
    do_transition,
)
from onewindow.cases.kinds import spec, visit_documents
from onewindow.cases.models import Application, Authority, Decision
from onewindow.cases.workflow import Action, Kind
from onewindow.eligibility.actions import do_add_local_parameters
from onewindow.employers.actions import do_register_employer, do_verify_employer
from onewindow.employers.models import Employer
from onewindow.offices.actions import do_create_area, do_create_office
from onewindow.offices.models import Area, Office
from onewindow.people.actions import do_create_person
from onewindow.people.models import Person
from onewindow.visits.actions import do_record_original_check
from onewindow.visits.models import OriginalCheck

PASSWORD = "correct horse battery staple"
_serials = itertools.count(1)
_passports = itertools.count(100000)


def credit_code(n: int) -> str:
    serial = f"91440300MA5F{n:05d}"
    return serial + uscc.calc_check_digit(serial)


@dataclass
class World:
    areas: dict[str, Area] = field(default_factory=dict)
    offices: dict[str, Office] = field(default_factory=dict)
    employers: dict[str, Employer] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def person(self, employer: str = "robotics", **overrides: object) -> Person:
        return make_person(self, employer=employer, **overrides)

    def application(
        self,
        employer: str = "robotics",
        *,
        kind: Kind = Kind.NEW_IN_CHINA,
        stage: str = "draft",
        **kw: object,
    ) -> Application:
        return make_application(self, employer=employer, kind=kind, stage=stage, **kw)


def build_world() -> World:
    world = World()
    city = do_create_area(
        actor=None,
        parent=None,
        code="shenzhen",
        level=Area.Level.CITY,
        name_en="Shenzhen",
        name_zh="深圳市",
        division_code="440300",
    )
    nanshan = do_create_area(
        actor=None,
        parent=city,
        code="nanshan",
        level=Area.Level.DISTRICT,
        name_en="Nanshan",
        name_zh="南山区",
    )
    futian = do_create_area(
        actor=None,
        parent=city,
        code="futian",
        level=Area.Level.DISTRICT,
        name_en="Futian",
        name_zh="福田区",
    )
    zhaoshang = do_create_area(
        actor=None,
        parent=nanshan,
        code="zhaoshang",
        level=Area.Level.STREET,
        name_en="Zhaoshang",
        name_zh="招商街道",
    )
    lianhua = do_create_area(
        actor=None,
        parent=futian,
        code="lianhua",
        level=Area.Level.STREET,
        name_en="Lianhua",
        name_zh="莲花街道",
    )
    do_add_local_parameters(
        actor=None,
        city=city,
        valid_from=dt.date(2022, 7, 1),
        previous_year_average_wage_cny=123_485,
        local_bonus_max=10,
        note="Test figures (domain.md's example year).",
    )
    world.areas = {
        "shenzhen": city,
        "nanshan": nanshan,
        "futian": futian,
        "zhaoshang": zhaoshang,
        "lianhua": lianhua,
    }
    o = world.offices
    o["commission"] = do_create_office(
        actor=None,
        code="commission",
        kind=Office.Kind.COMMISSION,
        area=city,
        name_en="Commission",
        name_zh="科创委",
    )
    o["futian-commission"] = do_create_office(
        actor=None,
        code="futian-commission",
        kind=Office.Kind.COMMISSION,
        area=futian,
        name_en="Futian desk",
        name_zh="福田科创",
    )
    o["exit-entry"] = do_create_office(
        actor=None,
        code="exit-entry",
        kind=Office.Kind.EXIT_ENTRY,
        area=city,
        name_en="Exit-entry",
        name_zh="出入境",
    )
    o["hall"] = do_create_office(
        actor=None,
        code="hall",
        kind=Office.Kind.CIVIC_HALL,
        area=city,
        name_en="Civic hall",
        name_zh="市民中心",
    )
    o["zhaoshang"] = do_create_office(
        actor=None,
        code="zhaoshang",
        kind=Office.Kind.WORK_STATION,
        area=zhaoshang,
        name_en="Zhaoshang station",
        name_zh="招商工作站",
        covers=[zhaoshang],
    )
    o["lianhua"] = do_create_office(
        actor=None,
        code="lianhua",
        kind=Office.Kind.WORK_STATION,
        area=lianhua,
        name_en="Lianhua station",
        name_zh="莲花工作站",
        covers=[lianhua],
    )
    o["zhaoshang-street"] = do_create_office(
        actor=None,
        code="zhaoshang-street",
        kind=Office.Kind.STREET_OFFICE,
        area=zhaoshang,
        name_en="Zhaoshang street office",
        name_zh="招商街道办",
    )
    world.employers["robotics"] = make_employer("Robotics", zhaoshang)
    world.employers["lab"] = make_employer("Lab", lianhua)

    staff = {
        "carol": (Role.WINDOW_OFFICER, "zhaoshang"),
        "cora": (Role.WINDOW_OFFICER, "lianhua"),
        "dave": (Role.REVIEWER, "commission"),
        "dina": (Role.REVIEWER, "futian-commission"),
        "erin": (Role.IMMIGRATION_OFFICER, "exit-entry"),
        "frank": (Role.SUPERVISOR, "commission"),
        "gina": (Role.COMMUNITY_OFFICER, "zhaoshang-street"),
        "heidi": (Role.ADMINISTRATOR, "commission"),
    }
    for name, (role, office) in staff.items():
        user = make_user(name)
        do_grant_role(actor=None, user=user, role=role, office=o[office])
        sign_agreement(user, o[office])
        enrol_totp(user)
        world.users[name] = user
    for name, employer in (("alice", "robotics"), ("olga", "lab")):
        user = make_user(name)
        do_grant_role(
            actor=None,
            user=user,
            role=Role.EMPLOYER_HR,
            employer=world.employers[employer],
            is_employer_admin=True,
        )
        world.users[name] = user
    bob_person = make_person(world, employer="robotics", family_name="Miller", given_names="Bob")
    world.people["bob"] = bob_person
    bob = make_user("bob")
    do_grant_role(actor=None, user=bob, role=Role.FOREIGN_NATIONAL, person=bob_person)
    world.users["bob"] = bob
    return world


def make_user(name: str) -> User:
    return do_create_user(actor=None, email=f"{name}@example.org", full_name=name.title(), password=PASSWORD)


def make_employer(name: str, street: Area, *, verified: bool = True) -> Employer:
    employer = do_register_employer(
        actor=None,
        credit_code=credit_code(next(_serials)),
        name_zh=f"{name}有限公司",
        name_en=f"{name} Ltd.",
        industry="I",
        size_band="small",
        registered_address=f"1 {name} Road",
        registered_street=street,
        workplace_address=f"1 {name} Road",
        workplace_street=street,
        contact_name="HR",
        contact_email=f"hr@{name.lower()}.example",
        contact_phone="+86 755 1234 5678",
    )
    return do_verify_employer(employer, actor=None) if verified else employer


def make_person(world: World, *, employer: str = "robotics", **overrides: object) -> Person:
    fields: dict[str, object] = {
        "family_name": "Doe",
        "given_names": "Jane",
        "sex": "F",
        "date_of_birth": dt.date(1990, 5, 17),
        "nationality": "GB",
        "passport_number": f"P{next(_passports)}",
        "passport_expiry": timezone.localdate() + dt.timedelta(days=3 * 365),
        "residential_address": "Flat 1, Example Road",
        "residential_street": world.employers[employer].workplace_street,
        "phone": "+86 138 0000 0000",
        "email": "jane@example.org",
    }
    fields.update(overrides)
    hr = world.users.get("alice" if employer == "robotics" else "olga")
    return do_create_person(actor=hr, employer=world.employers[employer], position="Engineer", **fields)  # type: ignore[arg-type]


STAGES = ("draft", "submitted", "in_review", "approved", "verified", "completed")

# Valid kind-specific answers of the one form, per kind (see onewindow.cases.rules).
KIND_DETAILS: dict[Kind, dict[str, object]] = {
    Kind.SHORT_TERM: {"situation": "technical", "partner_organisation": "Shenzhen Partner Ltd."},
    Kind.NOTIFICATION_LETTER: {"outside_china": True, "visa_post": "London"},
    Kind.NEW_IN_CHINA: {"basis": "intra_group"},
    Kind.EXTENSION: {},
    Kind.CHANGE: {"items": ["position"], "change_date": "today"},
    Kind.CANCELLATION: {"employment_end_date": "today", "reason": "contract_ended"},
    Kind.REISSUE: {"old_card_number": "C440300001"},
}


# A bachelor's with four years' experience at RMB 500,000 a year: category B.
ASSESSMENT_FACTS: dict[str, object] = {
    "education": "bachelor",
    "related_experience_years": 4,
    "months_per_year_in_china": 12,
    "hsk_level": 2,
}


# The same, declaring a national talent programme: category A.
ASSESSMENT_FACTS_A: dict[str, object] = {**ASSESSMENT_FACTS, "direct_routes": ["talent_programme"]}


def kind_details(kind: Kind) -> dict[str, object]:
    today = timezone.localdate().isoformat()
    return {key: today if value == "today" else value for key, value in KIND_DETAILS[kind].items()}


def make_application(
    world: World,
    *,
    employer: str = "robotics",
    kind: Kind = Kind.NEW_IN_CHINA,
    stage: str = "draft",
    person: Person | None = None,
    category: str = "B",
    details: dict[str, object] | None = None,
    work_end: object = None,
) -> Application:
    """An application taken through real actions up to ``stage``."""
    hr = world.users["alice" if employer == "robotics" else "olga"]
    window = world.users["carol" if employer == "robotics" else "cora"]
    person = person or make_person(world, employer=employer)
    start = timezone.localdate() + dt.timedelta(days=30)
    end = work_end or start + dt.timedelta(days=60 if kind == Kind.SHORT_TERM else 700)
    application = do_create_application(
        actor=hr,
        employer=world.employers[employer],
        person=person,
        kind=kind,
        position="Engineer",
        category=category,
        annual_salary_cny=500_000,
        work_start=None if kind == Kind.EXTENSION else start,
        work_end=end,  # type: ignore[arg-type]
        details=kind_details(kind) if details is None else details,
        assessment_facts=(ASSESSMENT_FACTS_A if category == "A" else ASSESSMENT_FACTS)
        if spec(kind).assessed
        else None,
    )
    order = STAGES.index(stage)
    if order >= 1:
        application = do_transition(application, actor=hr, action=Action.SUBMIT)
    if order >= 2:
        application = do_transition(application, actor=window, action=Action.ACCEPT)
    if order >= 3:
        application = approve(world, application)
    if order >= 4:
        for document in visit_documents(application.kind):
            do_record_original_check(
                application,
                actor=window,
                document_type=str(document),
                outcome=OriginalCheck.Outcome.MATCHES,
            )
        application = do_transition(application, actor=window, action=Action.VERIFY_ORIGINALS)
    if order >= 5:
        from onewindow.permits.actions import do_issue_permit

        do_issue_permit(application, actor=window, residence_permit_number="RP12345678")
        application.refresh_from_db()
    return application


def approve(world: World, application: Application) -> Application:
    application = do_record_decision(
        application,
        actor=world.users["dave"],
        authority=Authority.WORK_PERMIT,
        outcome=Decision.Outcome.APPROVED,
        reason_codes=["criteria_met"],
        valid_from=application.work_start,
        valid_until=application.work_end,
    )
    if application.needs_residence_permit:
        application = do_record_decision(
            application,
            actor=world.users["erin"],
            authority=Authority.RESIDENCE_PERMIT,
            outcome=Decision.Outcome.APPROVED,
            reason_codes=["residence_granted"],
            valid_from=application.work_start,
            valid_until=application.work_end,
            fee_cny=800,
        )
    return application


# Long before any date the tests travel to, so that the agreements are in force throughout.
AGREEMENT_SIGNED_AT = dt.datetime(2020, 1, 6, 9, 0, tzinfo=dt.UTC)


def sign_agreement(user: User, office: Office) -> None:
    """The staff member's confidentiality agreement with ``office``, long on record."""
    do_record_agreement(actor=None, user=user, office=office, version="2024-1", signed_at=AGREEMENT_SIGNED_AT)


def enrol_totp(user: User) -> TOTPDevice:
    """Set up ``user``'s authenticator app as the enrolment page does (confirmed with a code)."""
    device = do_begin_totp_enrolment(actor=user)
    do_confirm_totp_device(
        device,
        actor=user,
        token=code_at(device, current_step(device)),
    )
    return device


def complete_sign_in(client: Client, user: User) -> Client:
    """Sign ``user`` in on ``client`` as after the full sign-in: password, then the second factor
    (when they have an authenticator), so the session is verified and fresh."""
    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[AUTHENTICATED_AT] = time.time()
    session.save()
    return client


def totp_code(user: User) -> str:
    """A code ``user``'s authenticator app would show now that the server still accepts.

    The server refuses a code of a time step it already accepted (replay), so
    right after a sign-in in the same 30 seconds this gives the next step's
    code, which the one-step tolerance admits.
    """
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return code_at(device, max(current_step(device), device.last_t + 1))
