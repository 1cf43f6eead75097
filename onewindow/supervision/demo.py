"""Demo data of the supervision app: a mentor on record, an intern at the Zhaoshang station,
and an open check campaign of the commission. Running it again changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from onewindow.accounts.actions import (
    do_begin_totp_enrolment,
    do_confirm_totp_device,
    do_create_user,
    do_grant_role,
    do_record_agreement,
)
from onewindow.accounts.authn import code_at, current_step
from onewindow.accounts.models import Role, User
from onewindow.offices.models import Office
from onewindow.supervision.actions import (
    do_enrol_trainee,
    do_record_certified,
    do_record_module,
    do_start_internship,
)
from onewindow.supervision.checks import do_open_campaign
from onewindow.supervision.models import Campaign, Qualification, TrainingModule

# (key, name, role, office) like front.demo's users, so that the logins list shows the intern.
STAFF = [("ivy", "Wu Ying 吴莹", Role.WINDOW_OFFICER, "zhaoshang-station")]


@transaction.atomic
def seed(password: str, email_of: Callable[[str], str]) -> None:
    station = Office.objects.filter(code="zhaoshang-station").first()
    commission = Office.objects.filter(code="shenzhen-commission").first()
    carol = User.objects.filter(email=email_of("carol")).first()
    frank = User.objects.filter(email=email_of("frank")).first()
    if station is None or commission is None or carol is None or frank is None:
        return
    if not Qualification.objects.filter(user=carol, role=Role.WINDOW_OFFICER).exists():
        do_record_certified(
            actor=frank, user=carol, role=Role.WINDOW_OFFICER, reason="Window officer since 2019"
        )
    key, name, _role, _office = STAFF[0]
    if not User.objects.filter(email=email_of(key)).exists():
        ivy = do_create_user(actor=None, email=email_of(key), full_name=name, password=password)
        do_grant_role(actor=None, user=ivy, role=Role.WINDOW_OFFICER, office=station)
        agreement = do_record_agreement(
            actor=None,
            user=ivy,
            office=station,
            version="demo-2024",
            reference="DEMO-INTERN",
            signed_at=timezone.now() - dt.timedelta(days=20),
        )
        device = do_begin_totp_enrolment(actor=ivy)
        do_confirm_totp_device(device, actor=ivy, token=code_at(device, current_step(device)))
        record = do_enrol_trainee(actor=frank, user=ivy, role=Role.WINDOW_OFFICER)
        for module in TrainingModule.objects.all():
            do_record_module(
                record, actor=frank, module=module, completed_on=timezone.localdate() - dt.timedelta(days=14)
            )
        do_start_internship(
            record,
            actor=frank,
            mentor=carol,
            office=station,
            start=timezone.localdate() - dt.timedelta(days=7),
            end=timezone.localdate() + dt.timedelta(days=83),
            agreement=agreement,
        )
    if not Campaign.objects.exists():
        today = timezone.localdate()
        do_open_campaign(
            actor=frank,
            office=commission,
            title="Monthly check",
            stations=list(
                Office.objects.filter(
                    kind__in=[Office.Kind.WORK_STATION, Office.Kind.CIVIC_HALL],
                    area__path__startswith=commission.area.path,
                )
            ),
            period_start=today.replace(day=1),
            period_end=(today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1),
            sample_size=5,
            strata=["station"],
        )
