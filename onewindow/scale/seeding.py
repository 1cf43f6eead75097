"""A national-size dataset for measurements: persons, employers, applications, permits and their audit trail.

``seed_scale`` writes straight into the tables with COPY, in chunks of
persons, each chunk one transaction that is consistent on its own (its
applications, decisions, checks, permits, documents and audit events with
their seals). What it keeps true, as the actions would:

* personal data is sealed with the real data key through the model fields'
  own ``get_prep_value`` (AES-256-GCM per value), and passport numbers get
  their real blind index;
* each application's timeline (created, submitted, accepted, decided,
  completed) is ordered and fits its status; decisions, original checks and
  permits exist exactly for the statuses that have them; a person has one
  lifelong permit number and at most one active issuance, earlier ones
  superseded by the next;
* the audit events of the seeded cases are appended to the hash chain in id
  order, right after the chain's head, under the sealer's lock — the chain
  stays one chain and ``audit verify`` walks it (each event says
  ``"source": "seed_scale"`` in its data);
* the permit-number counters move past the serials used, and the area
  counts are rebuilt from the permits at the end (``registry rebuild``).

Staff, areas and stations are created through the ordinary actions (they are
few); the bulk goes through COPY.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import queue
import random
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from stdnum.cn import uscc

from onewindow.accounts.actions import do_create_user, do_grant_role, do_record_agreement
from onewindow.accounts.models import Membership, Role, User
from onewindow.audit.chain import GENESIS, SEALER_LOCK_ID, link_hash, seal_pending
from onewindow.audit.models import Event, Seal
from onewindow.cases.kinds import visit_documents
from onewindow.cases.models import Application, Decision
from onewindow.cases.workflow import FINAL_STATUSES, ONLINE_KINDS, Kind, Status
from onewindow.employers.models import Employer, Industry
from onewindow.lib.crypto import current_key_id
from onewindow.offices.actions import do_create_area, do_create_office, do_set_coverage
from onewindow.offices.models import Area, Coverage, Office
from onewindow.people.models import Document, Employment, Person, passport_hash
from onewindow.permits.models import NumberCounter, Permit, PermitNumber
from onewindow.permits.numbers import format_number
from onewindow.scale.copy import copy_rows, indexes_built_after, reserve_ids
from onewindow.visits.models import OriginalCheck

SOURCE = "seed_scale"
# Foreign nationals working in Chinese cities, roughly by share (work-permit statistics' order).
NATIONALITIES = {
    "KR": 14,
    "US": 12,
    "JP": 10,
    "GB": 6,
    "IN": 6,
    "DE": 6,
    "FR": 5,
    "RU": 5,
    "CA": 4,
    "VN": 3,
    "SG": 3,
    "MY": 3,
    "AU": 3,
    "PH": 3,
    "ID": 2,
    "IT": 2,
    "ES": 2,
    "BR": 2,
    "PK": 2,
    "TH": 2,
    "NL": 1,
    "SE": 1,
    "CH": 1,
    "NZ": 1,
    "ZA": 1,
    "EG": 1,
    "MX": 1,
    "UA": 1,
    "KZ": 1,
    "NG": 1,
    "IE": 1,
    "PL": 1,
    "TR": 1,
    "BD": 1,
    "LK": 1,
    "MN": 1,
    "AR": 1,
    "CO": 1,
    "GH": 1,
    "KE": 1,
}
FAMILY = [
    "Kim",
    "Lee",
    "Park",
    "Smith",
    "Johnson",
    "Tanaka",
    "Sato",
    "Müller",
    "Schmidt",
    "Martin",
    "Bernard",
    "Ivanov",
    "Petrova",
    "Sharma",
    "Patel",
    "Nguyen",
    "Tran",
    "Brown",
    "Wilson",
    "Rossi",
    "García",
    "López",
    "Silva",
    "Santos",
    "Khan",
    "Ahmed",
    "Tan",
    "Lim",
    "Wong",
    "Suzuki",
    "Kowalski",
    "Jensen",
    "Dubois",
    "Novak",
    "Okafor",
    "Mensah",
    "Cohen",
    "O'Brien",
    "Andersson",
    "Yilmaz",
]
GIVEN = [
    "Min-jun",
    "Ji-woo",
    "James",
    "Mary",
    "Hiroshi",
    "Yuki",
    "Anna",
    "Lukas",
    "Sophie",
    "Pierre",
    "Olga",
    "Dmitri",
    "Priya",
    "Arjun",
    "Linh",
    "Minh",
    "Oliver",
    "Emma",
    "Marco",
    "Giulia",
    "Carlos",
    "Lucía",
    "João",
    "Ana",
    "Ali",
    "Fatima",
    "Wei Ming",
    "Siti",
    "Jose",
    "Maria",
    "Piotr",
    "Freja",
    "Chloé",
    "Tomas",
    "Chinedu",
    "Kwame",
    "Noa",
    "Sean",
    "Erik",
    "Elif",
]
POSITIONS = [
    "Software engineer",
    "Teacher of English",
    "Product manager",
    "Research scientist",
    "Sales director",
    "Mechanical engineer",
    "Chef",
    "Financial analyst",
    "Designer",
    "Quality engineer",
    "Professor",
    "Physician",
    "Marketing manager",
    "Data scientist",
    "Hardware engineer",
    "Language teacher",
    "Consultant",
    "Architect",
    "Pilot",
    "Coach",
]
EMPLOYER_WORDS = [
    "Robotics",
    "Semiconductor",
    "Biotech",
    "Logistics",
    "Software",
    "Education",
    "Trading",
    "Design",
    "Hospital",
    "Precision",
    "Energy",
    "Media",
    "Foods",
    "Finance",
    "Optics",
    "Materials",
    "Drone",
    "Battery",
    "Consulting",
    "Games",
]

# The last application of a person: every status, by share (open cases are a minority).
LAST_STATUS = {
    Status.COMPLETED: 40,
    Status.IN_REVIEW: 11,
    Status.SUBMITTED: 8,
    Status.APPROVED: 5,
    Status.DRAFT: 5,
    Status.REFUSED: 5,
    Status.AWAITING_SUPPLEMENT: 4,
    Status.RETURNED: 4,
    Status.WITHDRAWN: 4,
    Status.NOT_ACCEPTED: 3,
    Status.ORIGINALS_VERIFIED: 3,
    Status.ISSUED: 3,
    Status.ENTERED: 5,
}
EARLIER_STATUS = {Status.COMPLETED: 85, Status.REFUSED: 5, Status.WITHDRAWN: 5, Status.NOT_ACCEPTED: 5}
FIRST_KIND = {Kind.NEW_IN_CHINA: 55, Kind.NOTIFICATION_LETTER: 30, Kind.SHORT_TERM: 15}
LATER_KIND = {
    Kind.EXTENSION: 45,
    Kind.CHANGE: 25,
    Kind.REISSUE: 10,
    Kind.CANCELLATION: 10,
    Kind.NEW_IN_CHINA: 10,
}
APPS_PER_PERSON = {2: 25, 3: 45, 4: 30}  # about three on average

SUBMITTED = {s for s in Status if s not in {Status.DRAFT}}
ACCEPTED = {
    Status.IN_REVIEW,
    Status.AWAITING_SUPPLEMENT,
    Status.APPROVED,
    Status.ENTERED,
    Status.REFUSED,
    Status.ORIGINALS_VERIFIED,
    Status.ISSUED,
    Status.COMPLETED,
}
DECIDED = {
    Status.APPROVED,
    Status.ENTERED,
    Status.REFUSED,
    Status.ORIGINALS_VERIFIED,
    Status.ISSUED,
    Status.COMPLETED,
}
VISITED = {Status.ORIGINALS_VERIFIED, Status.ISSUED, Status.COMPLETED}
PERMITTED = {Status.ISSUED, Status.COMPLETED}
# Statuses whose clock runs toward a due date.
DUE = {
    Status.SUBMITTED,
    Status.RETURNED,
    Status.IN_REVIEW,
    Status.AWAITING_SUPPLEMENT,
    Status.APPROVED,
    Status.ENTERED,
    Status.ORIGINALS_VERIFIED,
    Status.ISSUED,
}

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


Batch = tuple[type[Model], list[str], list[Any]]


class ChainedEvent(NamedTuple):
    """What the chain's hash covers of an event (``audit.chain.canonical`` reads these attributes)."""

    pk: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    application_id: int
    office_id: int
    from_status: str
    to_status: str
    data: dict[str, Any]
    ip_address: None = None


class SeedRefused(RuntimeError):
    """Seeding is refused on this database (not PostgreSQL, or production)."""


def weighted(table: dict[Any, int]) -> tuple[list[Any], list[int]]:
    keys = list(table)
    return keys, list(itertools.accumulate(table[k] for k in keys))


def scrambled_reference(n: int, prefix: str = "OW") -> str:
    """A reference from a counter through a bijection of 40 bits: unique, and looks random."""
    x = (n * 0x9E3779B1 + 0x5DEECE66D) % (1 << 40)
    body = "".join(_ALPHABET[(x >> (5 * i)) & 31] for i in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def credit_code(n: int) -> str:
    """A valid unified social credit code numbered by ``n`` (digits only, so none of the demo's)."""
    serial = f"91440300{n:09d}"
    return serial + uscc.calc_check_digit(serial)


@dataclass
class Station:
    office_id: int
    street_id: int
    path: str
    division_code: str


@dataclass
class Tree:
    residence_streets: list[int]
    workplaces: list[Station]
    officers: dict[int, int]  # office id -> a window officer's user id
    reviewer: int


@dataclass
class Totals:
    persons: int = 0
    employers: int = 0
    users: int = 0
    applications: int = 0
    decisions: int = 0
    original_checks: int = 0
    documents: int = 0
    permits: int = 0
    events: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)


def refuse_unless_possible() -> None:
    from django.conf import settings

    if connection.vendor != "postgresql":
        raise SeedRefused(
            "seed_scale needs PostgreSQL (it loads with COPY): set DATABASE_URL=postgres://… "
            "to a scratch database; SQLite is for development and tests."
        )
    if getattr(settings, "PRODUCTION", False):
        raise SeedRefused(
            "seed_scale refuses to run with ONEWINDOW_ENV=production: it writes invented people."
        )


# --- the area tree and the staff (few rows: through the actions) ---------------------------


def ensure_tree(districts_per_city: int, streets_per_district: int) -> Tree:
    cities = list(Area.objects.filter(level=Area.Level.CITY).exclude(division_code="").order_by("path"))
    if not cities:
        raise SeedRefused("no city with a division code: run `manage.py seed_demo` (or add a city) first.")
    for city in cities:
        for d in range(1, districts_per_city + 1):
            district = Area.objects.filter(parent=city, code=f"sd{d:02d}").first() or do_create_area(
                actor=None,
                parent=city,
                code=f"sd{d:02d}",
                level=Area.Level.DISTRICT,
                name_en=f"{city.name_en} district {d}",
                name_zh=f"{city.name_zh}第{d}区",
            )
            code = f"scale-{city.code}-{district.code}"
            station = Office.objects.filter(code=code).first() or do_create_office(
                actor=None,
                code=code,
                kind=Office.Kind.WORK_STATION,
                area=district,
                name_en=f"{district.name_en} work-permit station",
                name_zh=f"{district.name_zh}外国人工作许可服务站",
            )
            for s in range(1, streets_per_district + 1):
                street = Area.objects.filter(parent=district, code=f"st{s:02d}").first() or do_create_area(
                    actor=None,
                    parent=district,
                    code=f"st{s:02d}",
                    level=Area.Level.STREET,
                    name_en=f"{district.name_en}, street {s}",
                    name_zh=f"{district.name_zh}第{s}街道",
                )
                if not Coverage.objects.filter(street=street).exists():
                    do_set_coverage(actor=None, office=station, street=street)
            if not Membership.objects.filter(office=station, role=Role.WINDOW_OFFICER).exists():
                officer = do_create_user(
                    actor=None,
                    email=f"window-{code}@scale.invalid",
                    full_name=f"Officer {code}",
                    password=None,
                )
                do_grant_role(actor=None, user=officer, role=Role.WINDOW_OFFICER, office=station)
                do_record_agreement(
                    actor=None, user=officer, office=station, version="scale", signed_at=timezone.now()
                )
    reviewer = User.objects.filter(email="reviewer@scale.invalid").first() or do_create_user(
        actor=None, email="reviewer@scale.invalid", full_name="Scale reviewer", password=None
    )
    division = {c.path: c.division_code for c in cities}
    workplaces = [
        Station(c.office_id, c.street_id, c.street.path, division.get(c.street.city_path, ""))
        for c in Coverage.objects.select_related("street")
        .filter(office__is_active=True)
        .order_by("street__path")
    ]
    workplaces = [w for w in workplaces if w.division_code]
    officers = {
        m.office_id: m.user_id
        for m in Membership.objects.active()
        .filter(role=Role.WINDOW_OFFICER, office__isnull=False)
        .order_by("id")
        if m.office_id is not None
    }
    residence = list(Area.objects.streets().order_by("path").values_list("id", flat=True))
    return Tree(residence, workplaces, officers, reviewer.pk)


# --- the generator ------------------------------------------------------------------


class Seeder:
    def __init__(
        self,
        persons: int,
        *,
        seed: int = 1,
        chunk: int = 5000,
        districts_per_city: int = 12,
        streets_per_district: int = 16,
        progress: Callable[[str, int], None] | None = None,
    ) -> None:
        self.persons = persons
        self.rng = random.Random(seed)  # noqa: S311 (invented data, not secrets)
        self.chunk = chunk
        self.districts_per_city = districts_per_city
        self.streets_per_district = streets_per_district
        self.progress = progress or (lambda _stage, _n: None)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.totals = Totals()
        self.key_id = current_key_id()
        self._nat = weighted(NATIONALITIES)
        self._last = weighted(LAST_STATUS)
        self._earlier = weighted(EARLIER_STATUS)
        self._first_kind = weighted(FIRST_KIND)
        self._later_kind = weighted(LATER_KIND)
        self._apps = weighted(APPS_PER_PERSON)
        self._prep = {
            name: Person._meta.get_field(name).get_prep_value  # type: ignore[union-attr]
            for name in ("date_of_birth", "passport_number", "residential_address", "phone")
        }
        self._employer_phone = Employer._meta.get_field("contact_phone").get_prep_value
        self._serials: dict[tuple[str, int], int] = {}
        self._run = secrets.token_hex(3)
        # The head of the audit chain the seeded events are appended to (read in ``run``).
        self.seq: int = 0
        self.prev: str = GENESIS
        self.batches: list[Batch] = []

    def pick(self, table: tuple[list[Any], list[int]]) -> Any:
        return self.rng.choices(table[0], cum_weights=table[1])[0]

    # -- employers ----------------------------------------------------------------------

    def seed_employers(self, tree: Tree) -> tuple[list[int], list[int], list[int]]:
        """Employers with a long-tailed size (Zipf): a few employ thousands of foreigners, most a handful."""
        count = max(20, self.persons // 12)
        first_employer = reserve_ids(Employer, count)
        first_user = reserve_ids(User, count)
        first_membership = reserve_ids(Membership, count)
        rows, users, memberships = [], [], []
        stamp = self.now - dt.timedelta(days=6 * 365)
        sections = list(Industry.values)
        for i in range(count):
            eid = first_employer + i
            workplace = self.rng.choice(tree.workplaces)
            word = self.rng.choice(EMPLOYER_WORDS)
            band = (
                "large"
                if i < count * 0.01
                else "medium"
                if i < count * 0.1
                else "small"
                if i < count * 0.4
                else "micro"
            )
            rows.append(
                (
                    eid,
                    credit_code(eid),
                    f"深圳{word}科技有限公司{eid}",
                    f"{word} Co. {eid}",
                    self.rng.choice(sections),
                    band,
                    f"{eid} Science Road",
                    workplace.street_id,
                    f"{eid} Science Road",
                    workplace.street_id,
                    f"HR of {word} {eid}",
                    f"hr{eid}@scale.invalid",
                    self._employer_phone(f"+86 755 {eid % 10**8:08d}"),
                    "verified",
                    stamp,
                    None,
                    stamp,
                )
            )
            uid = first_user + i
            users.append(
                (
                    uid,
                    "!" + secrets.token_hex(8),
                    None,
                    False,
                    f"hr{eid}-{self._run}@scale.invalid",
                    f"HR {word} {eid}",
                    "en",
                    True,
                    False,
                    stamp,
                )
            )
            memberships.append(
                (first_membership + i, uid, Role.EMPLOYER_HR.value, None, eid, None, True, stamp, None, None)
            )
        self.emit(Employer, EMPLOYER_COLUMNS, rows)
        self.emit(User, USER_COLUMNS, users)
        self.emit(Membership, MEMBERSHIP_COLUMNS, memberships)
        self.totals.employers += count
        self.totals.users += count
        ids = [first_employer + i for i in range(count)]
        hr = [first_user + i for i in range(count)]
        # Zipf weights by rank: the employer at rank r gets 1/r^1.1 of the hiring.
        weights = list(itertools.accumulate(1 / (r + 1) ** 1.1 for r in range(count)))
        workplace_of = [row[9] for row in rows]
        self._employer_hr = dict(zip(ids, hr, strict=True))
        self._employer_street = dict(zip(ids, workplace_of, strict=True))
        self._station_of_street = {w.street_id: w for w in tree.workplaces}
        self._employer_cum = weights
        return ids, hr, workplace_of

    # -- one chunk of persons ---------------------------------------------------------------

    def seed_chunk(self, tree: Tree, employers: list[int], size: int) -> None:
        rng = self.rng
        counts = {"persons": size}
        apps_of = [self.pick(self._apps) for _ in range(size)]
        n_apps = sum(apps_of)
        first_person = reserve_ids(Person, size)
        first_app = reserve_ids(Application, n_apps)
        persons: list[tuple[Any, ...]] = []
        employments: list[tuple[Any, ...]] = []
        documents: list[tuple[Any, ...]] = []
        users: list[tuple[Any, ...]] = []
        memberships: list[tuple[Any, ...]] = []
        apps: list[tuple[Any, ...]] = []
        decisions: list[tuple[Any, ...]] = []
        checks: list[tuple[Any, ...]] = []
        permit_numbers: list[tuple[Any, ...]] = []
        permits: list[list[Any]] = []
        events: list[list[Any]] = []
        employer_choice = rng.choices(employers, cum_weights=self._employer_cum, k=size)
        app_id = first_app
        accounts: list[int] = []
        for i in range(size):
            pid = first_person + i
            index = pid
            nat = self.pick(self._nat)
            born = dt.date(rng.randint(1962, 2003), rng.randint(1, 12), rng.randint(1, 28))
            number = f"S{index:09d}"
            family, given = rng.choice(FAMILY), rng.choice(GIVEN)
            street = rng.choice(tree.residence_streets)
            created = self.now - dt.timedelta(days=rng.randint(40, 6 * 365), seconds=rng.randint(0, 86_399))
            expiry = self.today + dt.timedelta(days=rng.randint(200, 3600))
            persons.append(
                (
                    pid,
                    family,
                    given,
                    "",
                    rng.choice("FMMX"[: 3 if rng.random() < 0.99 else 4]),
                    self._prep["date_of_birth"](born),
                    born.year,
                    nat,
                    self._prep["passport_number"](number),
                    passport_hash(nat, number),
                    expiry,
                    self._prep["residential_address"](f"Room {index % 3000}, Building {index % 97}"),
                    street,
                    self._prep["phone"](f"+86 139 {index % 10**8:08d}"),
                    f"p{index}-{self._run}@scale.invalid",
                    "zh-hans" if rng.random() < 0.1 else "en",
                    rng.random() < 0.05,
                    created,
                    None,
                    None,
                )
            )
            employer = employer_choice[i]
            employments.append((pid, employer, rng.choice(POSITIONS), created.date(), None, created))
            for kind in ("passport", "photo", "degree"):
                token = uuid.uuid4().hex
                documents.append(
                    (
                        str(uuid.UUID(token)),
                        pid,
                        None,
                        kind,
                        created.date() if kind != "passport" else expiry - dt.timedelta(days=3650),
                        expiry if kind == "passport" else None,
                        kind == "degree",
                        kind == "degree",
                        token * 2,
                        rng.randint(40_000, 3_000_000),
                        "application/pdf" if kind != "photo" else "image/jpeg",
                        f"{kind}.{'jpg' if kind == 'photo' else 'pdf'}",
                        f"documents/{token[:2]}/{token}.sealed",
                        self.key_id,
                        None,
                        created,
                        None,
                    )
                )
            if rng.random() < 0.2:
                accounts.append(pid)
            # The person's applications, oldest first.
            k = apps_of[i]
            t = created
            person_permits: list[list[Any]] = []
            for j in range(k):
                last = j == k - 1
                kind = self.pick(self._first_kind) if j == 0 else self.pick(self._later_kind)
                status = self.pick(self._last) if last else self.pick(self._earlier)
                if status == Status.ENTERED:
                    kind = Kind.NOTIFICATION_LETTER  # only a letter's holder enters China mid-case
                if status == Status.ENTERED and kind != Kind.NOTIFICATION_LETTER:
                    status = Status.IN_REVIEW
                if kind in ONLINE_KINDS and status in {
                    Status.ORIGINALS_VERIFIED,
                    Status.ISSUED,
                    Status.ENTERED,
                }:
                    status = Status.COMPLETED
                if (
                    kind in {Kind.EXTENSION, Kind.CHANGE, Kind.REISSUE, Kind.CANCELLATION}
                    and not person_permits
                ):
                    kind = Kind.NEW_IN_CHINA
                if last and status not in FINAL_STATUSES:
                    t = max(
                        t, self.now - dt.timedelta(days=rng.randint(1, 45), seconds=rng.randint(0, 86_399))
                    )
                elif j:
                    t = t + dt.timedelta(days=rng.randint(150, 420), seconds=rng.randint(0, 86_399))
                t = min(t, self.now - dt.timedelta(hours=2))
                self.add_application(
                    tree,
                    apps,
                    decisions,
                    checks,
                    events,
                    person_permits,
                    app_id=app_id,
                    pid=pid,
                    employer=employer,
                    kind=kind,
                    status=status,
                    created=t,
                )
                app_id += 1
            if person_permits:
                self.close_permits(pid, person_permits, permit_numbers, permits)
        first_user = reserve_ids(User, len(accounts))
        first_membership = reserve_ids(Membership, len(accounts))
        for n, pid in enumerate(accounts):
            users.append(
                (
                    first_user + n,
                    "!" + secrets.token_hex(8),
                    None,
                    False,
                    f"fn{pid}-{self._run}@scale.invalid",
                    f"Person {pid}",
                    "en",
                    True,
                    False,
                    self.now,
                )
            )
            memberships.append(
                (
                    first_membership + n,
                    first_user + n,
                    Role.FOREIGN_NATIONAL.value,
                    None,
                    None,
                    pid,
                    False,
                    self.now,
                    None,
                    None,
                )
            )
        # Ids of the rows that nothing else refers to come from their defaults.
        self.emit(Person, PERSON_COLUMNS, persons)
        self.emit(Employment, EMPLOYMENT_COLUMNS, employments)
        self.emit(Document, DOCUMENT_COLUMNS, documents)
        self.emit(User, USER_COLUMNS, users)
        self.emit(Membership, MEMBERSHIP_COLUMNS, memberships)
        self.emit(Application, APPLICATION_COLUMNS, apps)
        self.emit(Decision, DECISION_COLUMNS, decisions)
        self.emit(OriginalCheck, CHECK_COLUMNS, checks)
        self.copy_permits(permit_numbers, permits)
        self.copy_events(events)
        self.totals.persons += size
        self.totals.users += len(users)
        self.totals.applications += len(apps)
        self.totals.decisions += len(decisions)
        self.totals.original_checks += len(checks)
        self.totals.documents += len(documents)
        self.totals.permits += len(permits)
        self.totals.events += len(events)
        del counts

    def add_application(
        self,
        tree: Tree,
        apps: list[tuple[Any, ...]],
        decisions: list[tuple[Any, ...]],
        checks: list[tuple[Any, ...]],
        events: list[list[Any]],
        person_permits: list[list[Any]],
        *,
        app_id: int,
        pid: int,
        employer: int,
        kind: Kind,
        status: Status,
        created: dt.datetime,
    ) -> None:
        rng = self.rng
        hr = self._employer_hr[employer]
        station = self._station_of_street[self._employer_street[employer]]
        officer = tree.officers.get(station.office_id, tree.reviewer)
        needs_rp = (
            kind in {Kind.NEW_IN_CHINA, Kind.NOTIFICATION_LETTER, Kind.EXTENSION} and rng.random() < 0.7
        )
        latest = self.now - dt.timedelta(minutes=5)

        def step(at: dt.datetime, lo: int, hi: int) -> dt.datetime:
            return min(at + dt.timedelta(days=rng.randint(lo, hi), seconds=rng.randint(60, 30_000)), latest)

        submitted = accepted = decided = completed = None
        trail: list[tuple[dt.datetime, int | None, str, str, str]] = [
            (created, hr, "case.create", "", "draft")
        ]
        if status in SUBMITTED:
            submitted = step(created, 0, 3)
            trail.append((submitted, hr, "case.submit", "draft", "submitted"))
        returned_once = status == Status.RETURNED or (status in ACCEPTED and rng.random() < 0.1)
        if returned_once and submitted is not None:
            back = step(submitted, 1, 3)
            trail.append((back, officer, "case.return", "submitted", "returned"))
            if status != Status.RETURNED:
                submitted = step(back, 1, 4)
                trail.append((submitted, hr, "case.resubmit", "returned", "submitted"))
        if status == Status.NOT_ACCEPTED and submitted is not None:
            completed = step(submitted, 1, 4)
            trail.append((completed, officer, "case.decline", "submitted", "not_accepted"))
        if status == Status.WITHDRAWN and submitted is not None:
            completed = step(submitted, 1, 10)
            trail.append((completed, hr, "case.withdraw", "submitted", "withdrawn"))
        if status in ACCEPTED and submitted is not None:
            accepted = step(submitted, 1, 4)
            trail.append((accepted, officer, "case.accept", "submitted", "in_review"))
        if status == Status.AWAITING_SUPPLEMENT and accepted is not None:
            trail.append(
                (
                    step(accepted, 1, 4),
                    tree.reviewer,
                    "case.request_supplement",
                    "in_review",
                    "awaiting_supplement",
                )
            )
        outcome = "refused" if status == Status.REFUSED else "approved"
        valid_from = valid_until = None
        if status in DECIDED and accepted is not None:
            decided = step(accepted, 2, 9)
            valid_from = timezone.localdate(decided)
            days = 89 if kind == Kind.SHORT_TERM else rng.choice([365, 730, 1095])
            valid_until = valid_from + dt.timedelta(days=days)
            decisions.append(
                (
                    app_id,
                    "work_permit",
                    outcome,
                    ["criteria_met"] if outcome == "approved" else ["criteria_not_met"],
                    "",
                    valid_from if outcome == "approved" else None,
                    valid_until if outcome == "approved" else None,
                    0,
                    tree.reviewer,
                    decided,
                )
            )
            trail.append((decided, tree.reviewer, "case.decide_work_permit", "in_review", "in_review"))
            to = {"refused": "refused"}.get(outcome, "entered" if status == Status.ENTERED else "approved")
            if kind in ONLINE_KINDS and outcome == "approved":
                to = "completed"
            trail.append((decided, None, f"case.conclude_{outcome}", "in_review", to))
            if to in {"refused", "completed"}:
                completed = decided
        if status in VISITED and decided is not None and kind not in ONLINE_KINDS:
            seen = step(decided, 1, 20)
            for document in visit_documents(kind):
                checks.append((app_id, str(document), "matches", "", officer, station.office_id, seen))
            trail.append((seen, officer, "case.verify_originals", "approved", "originals_verified"))
            if needs_rp:
                decisions.append(
                    (
                        app_id,
                        "residence_permit",
                        "approved",
                        ["residence_granted"],
                        "",
                        valid_from,
                        valid_until,
                        400,
                        tree.reviewer,
                        seen,
                    )
                )
            if status in PERMITTED:
                issued = step(seen, 0, 2)
                trail.append((issued, officer, "case.issue_permit", "originals_verified", "issued"))
                person_permits.append(
                    [app_id, employer, station, valid_from, valid_until, issued, officer, kind]
                )
                if status == Status.COMPLETED:
                    completed = step(issued, 0, 5)
                    trail.append((completed, None, "case.complete", "issued", "completed"))
        if kind == Kind.CANCELLATION and status == Status.COMPLETED and person_permits:
            person_permits.append([app_id, None, station, None, None, completed or decided, officer, kind])
        due = None
        if status in DUE:
            due = self.today + dt.timedelta(days=rng.randint(-8, 20))
        salary = rng.choice([None, rng.randint(8, 200) * 10_000])
        apps.append(
            (
                app_id,
                scrambled_reference(app_id),
                kind.value,
                status.value,
                pid,
                employer,
                station.office_id,
                station.street_id,
                station.path,
                rng.choice("ABBBCC"),
                rng.choice(POSITIONS),
                salary,
                None,
                None,
                {},
                needs_rp,
                None,
                returned_once,
                submitted,
                accepted,
                decided,
                completed,
                due,
                len(trail),
                hr,
                created,
                trail[-1][0],
                "",
            )
        )
        self.totals.by_status[status.value] = self.totals.by_status.get(status.value, 0) + 1
        self.totals.by_kind[kind.value] = self.totals.by_kind.get(kind.value, 0) + 1
        office = station.office_id
        for at, actor, action, before, after in trail:
            events.append([at, actor, action, "application", str(app_id), app_id, office, before, after])

    def close_permits(
        self,
        pid: int,
        person_permits: list[list[Any]],
        numbers: list[tuple[Any, ...]],
        permits: list[list[Any]],
    ) -> None:
        """One lifelong number; each issuance superseded by the next; a cancellation ends the last."""
        issued = [p for p in person_permits if p[7] != Kind.CANCELLATION]
        if not issued:
            return
        first = issued[0]
        station: Station = first[2]
        year = timezone.localdate(first[5]).year
        key = (station.division_code, year)
        serial = self._serials.get(key)
        if serial is None:
            counter = NumberCounter.objects.filter(division_code=key[0], year=year).first()
            serial = counter.next_serial if counter else 1
        self._serials[key] = serial + 1
        numbers.append((pid, format_number(key[0], year, serial), first[5]))
        rows = []
        for n, (app_id, employer, st, valid_from, valid_until, at, officer, _kind) in enumerate(issued):
            rows.append([pid, app_id, employer, st, valid_from, valid_until, at, officer, n])
        cancellation = person_permits[-1] if person_permits[-1][7] == Kind.CANCELLATION else None
        permits.append([pid, rows, cancellation])

    def copy_permits(self, numbers: list[tuple[Any, ...]], per_person: list[list[Any]]) -> None:
        if not numbers:
            return
        first_number = reserve_ids(PermitNumber, len(numbers))
        self.emit(
            PermitNumber,
            ["id", "person_id", "number", "allocated_at"],
            [(first_number + i, *row) for i, row in enumerate(numbers)],
        )
        total = sum(len(rows) for _pid, rows, _c in per_person)
        first_permit = reserve_ids(Permit, total)
        out = []
        pk = first_permit
        for i, (pid, rows, cancellation) in enumerate(per_person):
            number_id = first_number + i
            for n, (_pid, app_id, employer, st, valid_from, valid_until, at, officer, _k) in enumerate(rows):
                newest = n == len(rows) - 1
                status, ended_at, reason, ref, superseded_by, cancel_app, ended_by = (
                    "active",
                    None,
                    "",
                    "",
                    None,
                    None,
                    None,
                )
                if not newest:
                    status, ended_at, superseded_by = "superseded", rows[n + 1][6], pk + 1
                elif cancellation is not None:
                    status, ended_at, cancel_app, ended_by = (
                        "cancelled",
                        cancellation[5],
                        cancellation[0],
                        cancellation[6],
                    )
                    ref = scrambled_reference(cancel_app, "CX")
                elif self.rng.random() < 0.005:
                    status, ended_at, reason, ended_by = (
                        "revoked",
                        at + dt.timedelta(days=30),
                        "Seeded revocation",
                        officer,
                    )
                out.append(
                    (
                        pk,
                        number_id,
                        pid,
                        app_id,
                        employer,
                        self.rng.choice("ABC"),
                        self.rng.choice(POSITIONS),
                        f"{employer} Science Road",
                        valid_from,
                        valid_until,
                        status,
                        at,
                        officer,
                        st.office_id,
                        superseded_by,
                        ended_at,
                        reason,
                        ended_by,
                        cancel_app,
                        ref,
                    )
                )
                pk += 1
        # Superseding rows point forward: the writer defers the constraints to the chunk's commit.
        self.emit(Permit, PERMIT_COLUMNS, out)

    def copy_events(self, events: list[list[Any]]) -> None:
        """Append the events to the chain: ids in order of time, each sealed after the chain's head."""
        if not events:
            return
        events.sort(key=lambda e: e[0])
        first = reserve_ids(Event, len(events))
        seq, prev = self.seq, self.prev
        event_rows, seal_rows = [], []
        data = {"source": SOURCE}
        sealed_at = timezone.now()
        for n, (at, actor, action, otype, oid, app_id, office, before, after) in enumerate(events):
            event = ChainedEvent(
                first + n,
                at,
                actor,
                "" if actor else "system",
                action,
                otype,
                oid,
                app_id,
                office,
                before,
                after,
                data,
            )
            seq += 1
            current = link_hash(prev, event, seq)  # type: ignore[arg-type]
            event_rows.append(
                (
                    event.pk,
                    at,
                    actor,
                    event.actor_label,
                    action,
                    otype,
                    oid,
                    app_id,
                    office,
                    before,
                    after,
                    data,
                    None,
                )
            )
            seal_rows.append((seq, event.pk, prev, current, sealed_at))
            prev = current
        self.seq, self.prev = seq, prev
        self.emit(Event, EVENT_COLUMNS, event_rows)
        self.emit(Seal, ["seq", "event_id", "prev_hash", "hash", "sealed_at"], seal_rows)

    def emit(self, model: type[Model], columns: list[str], rows: list[Any]) -> None:
        self.batches.append((model, columns, rows))

    def save_counters(self) -> None:
        for (division, year), next_serial in self._serials.items():
            NumberCounter.objects.update_or_create(
                division_code=division, year=year, defaults={"next_serial": next_serial}
            )

    # -- the whole run -----------------------------------------------------------------

    def run(self) -> Totals:
        """Generate chunk after chunk while a writer thread COPYs the previous one (one transaction each)."""
        refuse_unless_possible()
        self.progress("tree", 0)
        tree = ensure_tree(self.districts_per_city, self.streets_per_district)
        seal_pending()
        with connection.cursor() as cursor:
            # No other sealer appends while the seeded events are chained after the head read here.
            cursor.execute("SELECT pg_advisory_lock(%s)", [SEALER_LOCK_ID])
        head = Seal.objects.order_by("-seq").only("seq", "hash").first()
        self.seq, self.prev = (head.seq, head.hash) if head else (0, GENESIS)
        # A load at least as big as what is there builds its tables' secondary indexes afterwards.
        defer = self.persons >= Person.objects.count()
        try:
            with indexes_built_after(LOADED_MODELS, enabled=defer):
                self._load(tree)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SEALER_LOCK_ID])
        return self.totals

    def _load(self, tree: Tree) -> None:
        work: queue.Queue[tuple[str, int, list[Batch]] | None] = queue.Queue(maxsize=2)
        failure: list[BaseException] = []
        writer = threading.Thread(target=self._write, args=(work, failure), daemon=True)
        writer.start()
        try:
            self.batches = []
            employers, _hr, _streets = self.seed_employers(tree)
            work.put(("employers", len(employers), self.batches))
            done = 0
            while done < self.persons and not failure:
                size = min(self.chunk, self.persons - done)
                self.batches = []
                self.seed_chunk(tree, employers, size)
                work.put(("persons", size, self.batches))
                done += size
            work.put(None)
            writer.join()
            if failure:
                raise failure[0]
            with transaction.atomic():
                self.save_counters()
        finally:
            if writer.is_alive():
                work.put(None)
                writer.join()

    def _write(
        self, work: queue.Queue[tuple[str, int, list[Batch]] | None], failure: list[BaseException]
    ) -> None:
        try:
            with connection.cursor() as cursor:
                # A bulk load: a crash loses only the chunk in flight, which is not acknowledged to anyone.
                cursor.execute("SET synchronous_commit TO off")
            while (item := work.get()) is not None:
                stage, count, batches = item
                if failure:
                    continue
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                    for model, columns, rows in batches:
                        copy_rows(model, columns, rows)
                self.progress(stage, count)
        except BaseException as exc:  # handed to the main thread, which raises it
            failure.append(exc)
            while work.get() is not None:
                pass
        finally:
            connection.close()


# The tables a load fills (their secondary indexes are built after a large load).
LOADED_MODELS: tuple[type[Model], ...] = (
    Employer,
    User,
    Membership,
    Person,
    Employment,
    Document,
    Application,
    Decision,
    OriginalCheck,
    PermitNumber,
    Permit,
    Event,
    Seal,
)


def digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


EMPLOYER_COLUMNS = [
    "id",
    "credit_code",
    "name_zh",
    "name_en",
    "industry",
    "size_band",
    "registered_address",
    "registered_street",
    "workplace_address",
    "workplace_street",
    "contact_name",
    "contact_email",
    "contact_phone",
    "status",
    "verified_at",
    "verified_by",
    "created_at",
]
USER_COLUMNS = [
    "id",
    "password",
    "last_login",
    "is_superuser",
    "email",
    "full_name",
    "language",
    "is_active",
    "is_staff",
    "date_joined",
]
MEMBERSHIP_COLUMNS = [
    "id",
    "user",
    "role",
    "office",
    "employer",
    "person",
    "is_employer_admin",
    "granted_at",
    "granted_by",
    "revoked_at",
]
PERSON_COLUMNS = [
    "id",
    "family_name",
    "given_names",
    "chinese_name",
    "sex",
    "date_of_birth",
    "birth_year",
    "nationality",
    "passport_number",
    "passport_hash",
    "passport_expiry",
    "residential_address",
    "residential_street",
    "phone",
    "email",
    "language",
    "notices_opt_out",
    "created_at",
    "created_by",
    "anonymised_at",
]
EMPLOYMENT_COLUMNS = ["person", "employer", "position", "started_on", "ended_on", "created_at"]
DOCUMENT_COLUMNS = [
    "uuid",
    "person",
    "employer",
    "document_type",
    "issued_on",
    "expires_on",
    "issued_abroad",
    "authenticated",
    "sha256",
    "size",
    "content_type",
    "original_name",
    "file",
    "key_id",
    "uploaded_by",
    "uploaded_at",
    "purged_at",
]
APPLICATION_COLUMNS = [
    "id",
    "reference",
    "kind",
    "status",
    "person",
    "employer",
    "station",
    "street",
    "area_path",
    "category",
    "position",
    "annual_salary_cny",
    "work_start",
    "work_end",
    "details",
    "needs_residence_permit",
    "previous",
    "returned_once",
    "submitted_at",
    "accepted_at",
    "decided_at",
    "completed_at",
    "due_on",
    "version",
    "created_by",
    "created_at",
    "updated_at",
    "client_token",
]
DECISION_COLUMNS = [
    "application",
    "authority",
    "outcome",
    "reason_codes",
    "reasoning",
    "valid_from",
    "valid_until",
    "fee_cny",
    "decided_by",
    "decided_at",
]
CHECK_COLUMNS = ["application", "document_type", "outcome", "notes", "checked_by", "office", "checked_at"]
PERMIT_COLUMNS = [
    "id",
    "number",
    "person",
    "application",
    "employer",
    "category",
    "position",
    "work_location",
    "valid_from",
    "valid_until",
    "status",
    "issued_at",
    "issued_by",
    "issuing_office",
    "superseded_by",
    "ended_at",
    "end_reason",
    "ended_by",
    "cancellation_application",
    "cancellation_reference",
]
EVENT_COLUMNS = [
    "id",
    "occurred_at",
    "actor",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "application",
    "office",
    "from_status",
    "to_status",
    "data",
    "ip_address",
]
