from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from onewindow.accounts.models import ConfidentialityAgreement, Role
from onewindow.accounts.scopes import scope_of
from onewindow.audit.models import Event
from onewindow.supervision.actions import (
    do_certify,
    do_enrol_trainee,
    do_recertify,
    do_record_module,
    do_start_internship,
    do_suspend,
)
from onewindow.supervision.gate import status_in
from onewindow.supervision.models import Qualification, TrainingModule
from tests.factories import World
from tests.supervision.helpers import complete_modules, make_intern, make_trainee

pytestmark = pytest.mark.django_db


def test_it_counts_staff_without_a_record_as_certified(world: World) -> None:
    assert status_in(world.carol, Role.WINDOW_OFFICER) == Qualification.Status.CERTIFIED


def test_it_walks_a_trainee_to_an_intern_with_every_step_audited(world: World) -> None:
    intern = make_intern(world)
    assert intern.status == Qualification.Status.INTERN
    assert intern.mentor == world.carol
    assert intern.internship_office == world.offices["hall"]
    assert intern.agreement is not None
    assert [c.module.code for c in intern.completions.all()] == ["confidentiality", "workflow", "originals"]
    actions = list(
        Event.objects.filter(object_type="qualification", object_id=str(intern.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions[0] == "supervision.qualification.enrol"
    assert actions.count("supervision.qualification.module") == 3
    assert actions[-1] == "supervision.qualification.internship"


def test_it_refuses_an_internship_before_the_modules(world: World) -> None:
    trainee = make_trainee(world)
    with pytest.raises(ValidationError, match="Training modules still to complete"):
        do_start_internship(
            trainee,
            actor=world.frank,
            mentor=world.carol,
            office=world.offices["hall"],
            start=timezone.localdate(),
            end=None,
            agreement=ConfidentialityAgreement.objects.get(user=trainee.user),
        )


def test_it_refuses_a_mentor_who_is_not_certified_on_record(world: World) -> None:
    trainee = make_trainee(world)
    complete_modules(trainee)
    with pytest.raises(ValidationError):
        do_start_internship(
            trainee,
            actor=world.frank,
            mentor=world.cora,
            office=world.offices["hall"],
            start=timezone.localdate(),
            end=None,
            agreement=ConfidentialityAgreement.objects.get(user=trainee.user),
        )


def test_it_refuses_a_module_completed_in_the_future(world: World) -> None:
    trainee = make_trainee(world)
    with pytest.raises(ValidationError):
        do_record_module(
            trainee,
            actor=None,
            module=TrainingModule.objects.first(),  # type: ignore[arg-type]
            completed_on=timezone.localdate() + dt.timedelta(days=1),
        )


def test_it_refuses_a_second_record_for_the_same_role(world: World) -> None:
    trainee = make_trainee(world)
    with pytest.raises(ValidationError):
        do_enrol_trainee(actor=None, user=trainee.user, role=Role.WINDOW_OFFICER)


def test_it_shows_a_trainee_no_case_and_no_person(world: World) -> None:
    trainee = make_trainee(world)
    scope = scope_of(trainee.user)
    assert scope.has(Role.WINDOW_OFFICER)
    assert scope.staff_grants() == []
    assert scope.roles_reaching(path=world.areas["zhaoshang"].path) == set()


def test_it_refuses_certification_without_enough_clean_cases(world: World, settings: object) -> None:
    intern = make_intern(world)
    with pytest.raises(ValidationError, match="countersigned cases"):
        do_certify(intern, actor=world.carol)


def test_it_lets_only_the_mentor_certify(world: World) -> None:
    intern = make_intern(world)
    with pytest.raises(ValidationError, match="mentor"):
        do_certify(intern, actor=world.frank)


def test_it_suspends_and_recertifies(world: World) -> None:
    intern = make_intern(world)
    suspended = do_suspend(intern, actor=world.frank, reason="Left personal data on screen")
    assert suspended.status == Qualification.Status.SUSPENDED
    assert scope_of(suspended.user).staff_grants() == []
    with pytest.raises(ValidationError):
        do_suspend(suspended, actor=world.frank, reason="again")
    with pytest.raises(ValidationError):
        do_recertify(suspended, actor=world.frank, reason="  ")
    back = do_recertify(suspended, actor=world.frank, reason="Re-trained on confidentiality")
    assert back.status == Qualification.Status.CERTIFIED
    assert Event.objects.filter(action="supervision.qualification.recertify", object_id=str(back.pk)).exists()
