"""Who the benchmark acts as: tokens, signed-in sessions and the objects each scenario touches.

Everything is made through the ordinary actions (users, roles, agreements,
authenticators, API tokens) on the bench database; the officers' sessions
are created as after a complete sign-in with the second factor, in the
server's own session store (Redis when ``CACHE_URL`` is set), so the
server sees exactly what it would after a real sign-in.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from onewindow.accounts.actions import do_create_user, do_grant_role, do_record_agreement
from onewindow.accounts.authn import AUTHENTICATED_AT
from onewindow.accounts.models import Membership, Role, User
from onewindow.api.models import ApiToken
from onewindow.api.tokens import do_create_token
from onewindow.cases.models import Application
from onewindow.cases.workflow import Status
from onewindow.offices.actions import do_create_office
from onewindow.offices.models import Area, Office
from onewindow.people.models import Employment
from onewindow.permits.models import Permit
from onewindow.permits.tokens import token_for

# A combined application (work permit and residence permit in one case) as an HR system files it.
ASSESSMENT = {"education": "master", "related_experience_years": 5, "months_per_year_in_china": 12}


def _verified_session(user: User) -> str:
    """A session as after password and second factor (the tests' ``complete_sign_in``)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from onewindow.accounts.actions import do_begin_totp_enrolment, do_confirm_totp_device
    from onewindow.accounts.authn import code_at, current_step

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = do_begin_totp_enrolment(actor=user)
        do_confirm_totp_device(device, actor=user, token=code_at(device, current_step(device)))
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[AUTHENTICATED_AT] = time.time()
    session.save()
    return session.session_key or ""


def _staff(email: str, name: str, role: Role, office: Office) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = do_create_user(actor=None, email=email, full_name=name, password=None)
    if not Membership.objects.active().filter(user=user, role=role, office=office).exists():
        do_grant_role(actor=None, user=user, role=role, office=office)
        do_record_agreement(actor=None, user=user, office=office, version="bench", signed_at=user.date_joined)
    return user


def _token(user: User, scope: ApiToken.Scope) -> str:
    return do_create_token(actor=user, owner=user, name="bench", scope=scope)[1]


def prepare(readers: int = 20, permits: int = 200) -> dict[str, Any]:
    """Make the bench's principals and pick its objects; return what the load scripts need."""
    # (a) foreign nationals with an account, each reading one of their own cases.
    fn_rows = list(
        Membership.objects.active()
        .filter(role=Role.FOREIGN_NATIONAL, person__applications__submitted_at__isnull=False)
        .values_list("user_id", "person_id")
        .distinct()
        .order_by("person_id")[:readers]
    )
    case_reads = []
    for user_id, person_id in fn_rows:
        reference = (
            Application.objects.filter(person_id=person_id)
            .order_by("-created_at")
            .values_list("reference", flat=True)
        ).first()
        case_reads.append(
            {"token": _token(User.objects.get(pk=user_id), ApiToken.Scope.READ), "reference": reference}
        )

    # (b) the window officer of the station with the most open cases.
    busiest = (
        Application.objects.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED])
        .values("station_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    station = (
        Office.objects.get(pk=busiest["station_id"])
        if busiest
        else Office.objects.filter(kind="work_station").first()
    )
    if station is None:
        raise RuntimeError("the bench database has no data for this scenario: run seed_scale first")
    officer = _staff(
        f"bench-window-{station.code}@scale.invalid", "Bench window officer", Role.WINDOW_OFFICER, station
    )

    # (c) active permits' QR tokens.
    permit_tokens = [
        token_for(p)
        for p in Permit.objects.select_related("number", "employer")
        .filter(status="active")
        .order_by("?")[:permits]
    ]

    # (d) the HR user of the employer with the most current foreign staff, filing combined applications.
    top = Employment.objects.current().values("employer_id").annotate(n=Count("id")).order_by("-n").first()
    if top is None:
        raise RuntimeError("the bench database has no data for this scenario: run seed_scale first")
    hr_membership = (
        Membership.objects.active().filter(role=Role.EMPLOYER_HR, employer_id=top["employer_id"]).first()
    )
    if hr_membership is None:
        raise RuntimeError("the bench database has no data for this scenario: run seed_scale first")
    hr_user = hr_membership.user
    staff_ids = list(
        Employment.objects.current()
        .filter(employer_id=top["employer_id"])
        .values_list("person_id", flat=True)[:200]
    )

    # (e) a community officer of the district with the most cases, at a district office.
    district = Area.objects.filter(level=Area.Level.DISTRICT, path__contains="/sd").order_by("path").first()
    if district is None:
        raise RuntimeError("the bench database has no data for this scenario: run seed_scale first")
    office = Office.objects.filter(
        area=district, kind=Office.Kind.DISTRICT_OFFICE
    ).first() or do_create_office(
        actor=None,
        code=f"bench-{district.path.strip('/').replace('/', '-')}-office",
        kind=Office.Kind.DISTRICT_OFFICE,
        area=district,
        name_en=f"{district.name_en} office",
        name_zh=f"{district.name_zh}办事处",
    )
    community = _staff(
        f"bench-community-{office.code}@scale.invalid",
        "Bench community officer",
        Role.COMMUNITY_OFFICER,
        office,
    )

    return {
        "case_reads": case_reads,
        "worklist": {
            "session": _verified_session(officer),
            "cookie": settings.SESSION_COOKIE_NAME,
            "station": station.code,
        },
        "permit_tokens": permit_tokens,
        "submission": {
            "token": _token(hr_user, ApiToken.Scope.WRITE),
            "person_ids": staff_ids,
            "assessment": ASSESSMENT,
        },
        "statistics": {
            "session": _verified_session(community),
            "cookie": settings.SESSION_COOKIE_NAME,
            "area_id": district.pk,
        },
        "floor_id": Application.objects.order_by("id").values_list("id", flat=True).first() or 1,
    }
