"""Cancelling a permit on the employer's cancellation application, and finding it by its proof."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from onewindow.audit.models import Event
from onewindow.cases.workflow import Kind, Status
from onewindow.permits import selectors
from onewindow.permits.actions import do_cancel_permit, do_conclude_cancellation
from onewindow.permits.models import CheckResult, Permit
from tests.factories import World
from tests.permits.helpers import cancel, issue_permit


def test_it_cancels_the_permit_when_the_cancellation_is_approved(world: World) -> None:
    permit = issue_permit(world)
    application = cancel(world, permit)
    assert application.status == Status.COMPLETED
    assert permit.status == Permit.Status.CANCELLED
    assert permit.cancellation_application == application
    assert permit.ended_by == world.dave
    assert permit.ended_at is not None
    assert selectors.normalise_cancellation_reference(permit.cancellation_reference) == (
        permit.cancellation_reference
    )
    assert permit.state_on(permit.valid_from) == CheckResult.CANCELLED
    event = Event.objects.get(action="permit.cancel")
    assert event.actor == world.dave
    assert event.application_id == application.pk
    assert event.data["proof"] == permit.cancellation_reference
    assert (event.from_status, event.to_status) == ("active", "cancelled")


def test_it_finds_the_cancelled_permit_by_its_reference_as_typed(world: World) -> None:
    permit = issue_permit(world)
    cancel(world, permit)
    reference = permit.cancellation_reference
    typed = f"  {reference.lower().replace('-', ' ').replace('0', 'o').replace('1', 'l')} "
    assert selectors.cancelled_permit_by_reference(reference) == permit
    assert selectors.cancelled_permit_by_reference(typed) == permit
    assert selectors.cancelled_permit_by_reference(reference.replace("-", "")) == permit
    assert selectors.cancelled_permit_by_reference("CX-0000-0000") is None
    assert selectors.cancelled_permit_by_reference("not a reference") is None


def test_it_does_not_find_an_active_permit_by_a_reference(world: World) -> None:
    issue_permit(world)
    assert not Permit.objects.exclude(cancellation_reference="").exists()


def test_it_refuses_a_cancellation_when_the_person_holds_no_permit_at_the_employer(world: World) -> None:
    elsewhere = issue_permit(world, employer="lab")
    with pytest.raises(ValidationError, match="no active permit with this employer"):
        world.application("robotics", kind=Kind.CANCELLATION, stage="approved", person=elsewhere.person)
    elsewhere.refresh_from_db()
    assert elsewhere.status == Permit.Status.ACTIVE
    assert not Event.objects.filter(action="permit.cancel").exists()


def test_it_cancels_nothing_twice(world: World) -> None:
    permit = issue_permit(world)
    application = cancel(world, permit)
    with pytest.raises(ValidationError, match="no longer active"):
        do_cancel_permit(permit, actor=world.dave, application=application)
    with pytest.raises(ValidationError, match="no active permit"):
        do_conclude_cancellation(application, actor=world.dave)


def test_it_cancels_only_on_an_approved_cancellation_of_the_same_employer(world: World) -> None:
    permit = issue_permit(world)
    other_kind = issue_permit(world)
    with pytest.raises(ValidationError, match="Only a cancellation"):
        do_cancel_permit(permit, actor=world.dave, application=other_kind.application)
    draft = world.application(kind=Kind.CANCELLATION, stage="in_review", person=permit.person)
    with pytest.raises(ValidationError, match="must be approved"):
        do_cancel_permit(permit, actor=world.dave, application=draft)
    elsewhere = issue_permit(world, employer="lab")
    approved = cancel(world, permit)
    with pytest.raises(ValidationError, match="filed by the permit's employer"):
        do_cancel_permit(elsewhere, actor=world.dave, application=approved)
    elsewhere.refresh_from_db()
    assert elsewhere.status == Permit.Status.ACTIVE


def test_it_keeps_cancellation_and_its_reference_together_in_the_database(world: World) -> None:
    permit = issue_permit(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Permit.objects.filter(pk=permit.pk).update(status="cancelled", ended_at=permit.issued_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Permit.objects.filter(pk=permit.pk).update(status="revoked", ended_at=permit.issued_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Permit.objects.filter(pk=permit.pk).update(status="superseded")


def test_it_keeps_references_unique(world: World) -> None:
    first = issue_permit(world)
    second = issue_permit(world)
    cancel(world, first)
    cancel(world, second)
    with pytest.raises(IntegrityError), transaction.atomic():
        Permit.objects.filter(pk=second.pk).update(cancellation_reference=first.cancellation_reference)
