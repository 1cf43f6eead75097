"""seed_scale with a tiny N on PostgreSQL: consistent data, the audit chain intact, the area counts right."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q

from onewindow.audit.chain import verify
from onewindow.audit.models import Event
from onewindow.cases.models import Application, Decision
from onewindow.cases.workflow import Status
from onewindow.people.models import Person
from onewindow.permits.models import Permit, PermitNumber
from onewindow.registry.actions import do_rebuild_counts
from onewindow.registry.selectors import check_counts
from onewindow.scale.seeding import SOURCE, Seeder, credit_code, scrambled_reference
from onewindow.visits.models import OriginalCheck
from tests.factories import build_world


def test_references_and_credit_codes_are_unique_and_valid() -> None:
    from stdnum.cn import uscc

    references = {scrambled_reference(n) for n in range(1, 20_001)}
    assert len(references) == 20_000
    assert all(len(r) == 12 and r.startswith("OW-") for r in references)
    assert all(uscc.is_valid(credit_code(n)) for n in (1, 99, 123_456, 9_999_999))


@pytest.mark.django_db
def test_it_refuses_sqlite_with_a_clear_message() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("this checks the refusal on SQLite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("seed_scale", "--persons", "10")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_small_national_dataset_is_consistent() -> None:
    build_world()
    before = verify()
    assert before.ok
    totals = Seeder(60, seed=7, chunk=25, districts_per_city=2, streets_per_district=3).run()

    assert totals.persons == 60
    assert Person.objects.filter(email__endswith="@scale.invalid").count() == 60
    assert totals.applications == Application.objects.filter(person__email__endswith="@scale.invalid").count()
    assert 2 * 60 <= totals.applications <= 4 * 60

    # Personal data is sealed with the real key and found by the blind index.
    person = Person.objects.filter(email__endswith="@scale.invalid").first()
    assert person is not None
    assert person.passport_number == f"S{person.pk:09d}"
    assert isinstance(person.date_of_birth, dt.date)
    assert Person.objects.by_passport(str(person.nationality), person.passport_number).get() == person

    seeded = Application.objects.filter(person__email__endswith="@scale.invalid")
    # Timelines are ordered and fit the status.
    assert not seeded.filter(Q(submitted_at__lt=models_f("created_at"))).exists()
    assert not seeded.filter(accepted_at__lt=models_f("submitted_at")).exists()
    assert not seeded.filter(decided_at__lt=models_f("accepted_at")).exists()
    assert not seeded.filter(status=Status.DRAFT, submitted_at__isnull=False).exists()
    decided = seeded.filter(status__in=[Status.APPROVED, Status.REFUSED, Status.COMPLETED])
    assert not decided.filter(decisions__isnull=True).exists()
    assert not Decision.objects.filter(application__in=seeded.filter(decided_at__isnull=True)).exists()
    assert not OriginalCheck.objects.filter(
        application__in=seeded.filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW, Status.DRAFT])
    ).exists()

    # One lifelong number, at most one active issuance, earlier ones superseded by a later one.
    permits = Permit.objects.filter(person__email__endswith="@scale.invalid")
    assert permits.exists()
    assert (
        not permits.values("person")
        .annotate(n=Count("id", filter=Q(status="active")))
        .filter(n__gt=1)
        .exists()
    )
    assert PermitNumber.objects.filter(person__email__endswith="@scale.invalid").count() == (
        permits.values("person").distinct().count()
    )
    assert not permits.filter(status="superseded", superseded_by__isnull=True).exists()
    assert not permits.exclude(application__status__in=[Status.ISSUED, Status.COMPLETED]).exists()

    # The seeded events are chained after the head: one chain, intact.
    seeded_events = Event.objects.filter(data__source=SOURCE).count()
    assert seeded_events == totals.events > totals.applications
    after = verify()
    assert after.ok, after.problem
    assert after.count == Event.objects.count() >= before.count + seeded_events

    # The area counts rebuilt from the permits agree with a recomputation.
    do_rebuild_counts(actor=None)
    differing, _ = check_counts()
    assert differing == 0


def models_f(name: str) -> object:
    from django.db.models import F

    return F(name)
