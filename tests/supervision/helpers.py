"""Personas of the supervision tests, made through real actions.

ivy    intern window officer at the Zhaoshang station, mentored by carol
tom    trainee window officer at the Zhaoshang station
carol  (from the world) certified on record as a window officer: the mentor
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from onewindow.accounts.actions import do_grant_role
from onewindow.accounts.models import ConfidentialityAgreement, Role, User
from onewindow.supervision.actions import (
    do_enrol_trainee,
    do_record_certified,
    do_record_module,
    do_start_internship,
)
from onewindow.supervision.models import Qualification, TrainingModule
from tests.factories import World, enrol_totp, make_user, sign_agreement


def certify_on_record(user: User, role: str = Role.WINDOW_OFFICER) -> Qualification:
    """Give an existing (unrecorded, so certified) staff member a certified record in ``role``."""
    return do_record_certified(actor=None, user=user, role=role, reason="Certified before the scheme")


def make_staff(world: World, name: str, office: str = "zhaoshang", role: str = Role.WINDOW_OFFICER) -> User:
    user = make_user(name)
    do_grant_role(actor=None, user=user, role=role, office=world.offices[office])
    sign_agreement(user, world.offices[office])
    enrol_totp(user)
    world.users[name] = user
    return user


def make_trainee(
    world: World, name: str = "tom", office: str = "zhaoshang", role: str = Role.WINDOW_OFFICER
) -> Qualification:
    user = make_staff(world, name, office, role)
    return do_enrol_trainee(actor=world.frank, user=user, role=role)


def complete_modules(qualification: Qualification) -> None:
    for module in TrainingModule.objects.all():
        do_record_module(
            qualification,
            actor=None,
            module=module,
            completed_on=timezone.localdate() - dt.timedelta(days=10),
        )


def make_intern(
    world: World,
    name: str = "ivy",
    mentor: str = "carol",
    office: str = "zhaoshang",
    role: str = Role.WINDOW_OFFICER,
) -> Qualification:
    qualification = make_trainee(world, name, office, role)
    complete_modules(qualification)
    mentor_user = world.users[mentor]
    if not Qualification.objects.filter(user=mentor_user, role=role).exists():
        certify_on_record(mentor_user, role)
    return do_start_internship(
        qualification,
        actor=world.frank,
        mentor=mentor_user,
        office=world.offices["hall"],
        start=timezone.localdate() - dt.timedelta(days=5),
        end=timezone.localdate() + dt.timedelta(days=60),
        agreement=ConfidentialityAgreement.objects.get(user=qualification.user),
    )
