"""Notices from the street office: audience, languages, opt-outs, delivery through the worker, read receipts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from onewindow.accounts.models import User
from onewindow.audit.models import Event
from onewindow.notifications.management.commands.worker import run_once
from onewindow.notifications.models import Email, Message
from onewindow.people.models import Person
from onewindow.registry.actions import do_create_notice, do_publish_notice
from onewindow.registry.models import Delivery, Notice
from onewindow.registry.selectors import delivery_figures
from tests.factories import World, complete_sign_in
from tests.permits.helpers import issue_permit
from tests.registry.helpers import first_day, permit_for

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]

TEXTS = {
    "en": ("Flu vaccination", "Free flu vaccination at the health centre."),
    "zh-hans": ("流感疫苗接种", "社区健康服务中心免费接种流感疫苗。"),
    "fr": ("Vaccination contre la grippe", "Vaccination gratuite au centre de santé."),
}


@pytest.fixture(autouse=True)
def _permits_in_force() -> Iterator[None]:
    # The factories' permits start 30 days from now: publish while they are valid.
    moment = first_day() + dt.timedelta(days=3)
    with time_machine.travel(dt.datetime(moment.year, moment.month, moment.day, 10, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def people(world: World) -> dict[str, Person]:
    """Holders of valid permits around Zhaoshang, and one in Lianhua."""
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=33)):
        issue_permit(world, person=world.people["bob"])  # bob has an account
        found = {
            "fr": permit_for(world, nationality="FR", language="fr").person,
            "ja": permit_for(world, nationality="JP", language="ja").person,
            "opted_out": permit_for(world, nationality="GB", notices_opt_out=True).person,
            "no_email": permit_for(world, nationality="GB", email="").person,
            "lab_lives_here": permit_for(world, employer="lab", nationality="FR", lives="zhaoshang").person,
            "lianhua": permit_for(world, employer="lab", nationality="DE").person,
        }
    world.person(nationality="US")  # a person without a permit: not in any audience
    return {"bob": world.people["bob"], **found}


def notice(world: World, **kw: object) -> Notice:
    fields: dict[str, object] = {
        "actor": world.gina,
        "office": world.offices["zhaoshang-street"],
        "area": world.areas["zhaoshang"],
        "kind": Notice.Kind.CULTURAL,
        "texts": TEXTS,
    }
    fields.update(kw)
    return do_create_notice(**fields)  # type: ignore[arg-type]


def deliveries(published: Notice) -> dict[int, Delivery]:
    return {d.person_id: d for d in Delivery.objects.filter(notice=published)}


def test_it_chooses_everyone_who_lives_or_works_in_the_area_in_their_language(
    world: World, people: dict[str, Person]
) -> None:
    published = do_publish_notice(notice(world), actor=world.gina)
    found = deliveries(published)
    expected = {p.pk for key, p in people.items() if key != "lianhua"}
    assert set(found) == expected
    assert published.audience == len(expected)
    bob = found[people["bob"].pk]
    assert (bob.channel, bob.status, bob.user_id) == ("inbox", "pending", world.bob.pk)
    assert (found[people["fr"].pk].channel, found[people["fr"].pk].language) == ("email", "fr")
    assert found[people["ja"].pk].language == "en"  # no Japanese text: English
    assert found[people["opted_out"].pk].status == "opted_out"
    assert found[people["no_email"].pk].status == "unreachable"
    event = Event.objects.get(action="notice.publish")
    assert event.actor == world.gina
    assert event.data["audience"] == len(expected)


def test_it_sends_a_public_health_notice_even_to_those_who_opted_out(
    world: World, people: dict[str, Person]
) -> None:
    published = do_publish_notice(notice(world, kind=Notice.Kind.PUBLIC_HEALTH), actor=world.gina)
    assert deliveries(published)[people["opted_out"].pk].status == "pending"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"nationalities": ["FR"]}, {"fr", "lab_lives_here"}),
        ({"languages": ["fr", "ja"]}, {"fr", "ja"}),
        ({"reach": Notice.Reach.WORK}, {"bob", "fr", "ja", "opted_out", "no_email"}),
        ({"reach": Notice.Reach.LIVE, "nationalities": ["FR"]}, {"fr", "lab_lives_here"}),
    ],
)
def test_it_filters_the_audience(
    world: World, people: dict[str, Person], filters: dict[str, object], expected: set[str]
) -> None:
    published = do_publish_notice(notice(world, **filters), actor=world.gina)
    assert set(deliveries(published)) == {people[key].pk for key in expected}


def test_it_delivers_through_the_worker_once_in_each_language_and_counts_the_reads(
    world: World, people: dict[str, Person], sign_in: SignIn
) -> None:
    published = do_publish_notice(notice(world), actor=world.gina)
    run_once(reminders=False)
    run_once(reminders=False)  # a second round sends nothing twice
    inbox = Message.objects.get(dedupe_key=f"notice:{published.pk}:person:{people['bob'].pk}")
    assert inbox.recipient == world.bob
    assert inbox.subject.startswith("Flu vaccination")
    assert inbox.mandatory is False
    assert inbox.link == reverse("registry:my_notice", kwargs={"pk": published.pk})
    french = Email.objects.get(dedupe_key=f"notice:{published.pk}:person:{people['fr'].pk}:email")
    assert french.subject.startswith("Vaccination contre la grippe")
    assert french.status == Email.Status.SENT
    assert not Email.objects.filter(dedupe_key__contains=f":person:{people['opted_out'].pk}:").exists()
    figures = delivery_figures(published)
    assert (figures.inbox, figures.email, figures.email_sent, figures.pending) == (1, 3, 3, 0)
    assert (figures.opted_out, figures.unreachable, figures.read) == (1, 1, 0)

    # In-app: opening the notice from the inbox is the read receipt (and reads the message).
    client = sign_in(world.bob)
    response = client.post(reverse("notifications:read", kwargs={"pk": inbox.pk}))
    assert response.url == inbox.link
    page = client.get(inbox.link)
    assert page.status_code == 200
    assert "Free flu vaccination" in page.content.decode()
    # By e-mail: the link in the message opens the notice, without signing in, in the reader's language.
    link = re.search(r"https?://\S+/registry/n/(\w+)/", french.body)
    assert link is not None
    opened = Client().get(reverse("registry:read_by_link", kwargs={"token": link.group(1)}))
    assert opened.status_code == 200
    assert "Vaccination gratuite" in opened.content.decode()
    assert opened["Referrer-Policy"] == "no-referrer"
    figures = delivery_figures(published)
    assert (figures.inbox_read, figures.email_opened, figures.read) == (1, 1, 2)
    assert Message.objects.get(pk=inbox.pk).read_at is not None


def test_it_shows_the_officer_the_delivery_figures(
    world: World, people: dict[str, Person], sign_in: SignIn
) -> None:
    published = do_publish_notice(notice(world), actor=world.gina)
    run_once(reminders=False)
    html = sign_in(world.gina).get(reverse("registry:notice", kwargs={"pk": published.pk})).content.decode()
    assert 'data-figure="audience">6<' in html
    assert 'data-figure="email_sent">3<' in html
    assert 'data-figure="opted_out">1<' in html


def test_it_refuses_a_wrong_or_unknown_link(world: World) -> None:
    assert Client().get(reverse("registry:read_by_link", kwargs={"token": "0" * 40})).status_code == 404


def test_it_shows_a_notice_only_to_its_recipients(
    world: World, people: dict[str, Person], sign_in: SignIn
) -> None:
    published = do_publish_notice(notice(world, nationalities=["FR"]), actor=world.gina)
    url = reverse("registry:my_notice", kwargs={"pk": published.pk})
    assert sign_in(world.bob).get(url).status_code == 404  # bob is not French
    for persona in ("alice", "gina", "frank"):
        assert sign_in(world.users[persona]).get(url).status_code == 404
    draft = notice(world)
    assert sign_in(world.bob).get(reverse("registry:my_notice", kwargs={"pk": draft.pk})).status_code == 404


def test_it_lets_only_the_area_s_community_officers_write_and_publish(world: World, sign_in: SignIn) -> None:
    with pytest.raises(PermissionDenied):
        notice(world, actor=world.frank)
    with pytest.raises(ValidationError):
        notice(world, area=world.areas["lianhua"])
    with pytest.raises(ValidationError, match="English and in Simplified Chinese"):
        notice(world, texts={"en": TEXTS["en"]})
    draft = notice(world)
    with pytest.raises(PermissionDenied):
        do_publish_notice(draft, actor=world.frank)
    do_publish_notice(draft, actor=world.gina)
    with pytest.raises(ValidationError, match="already been published"):
        do_publish_notice(draft, actor=world.gina)


@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave", "frank", "heidi"])
def test_it_keeps_the_notice_pages_to_community_officers(world: World, persona: str) -> None:
    draft = notice(world)
    client = complete_sign_in(Client(), world.users[persona])
    for url in (
        reverse("registry:notices"),
        reverse("registry:notice_create"),
        reverse("registry:notice", kwargs={"pk": draft.pk}),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("registry:notice_publish", kwargs={"pk": draft.pk})).status_code == 404
    assert Notice.objects.get(pk=draft.pk).status == Notice.Status.DRAFT


def test_it_writes_and_publishes_a_notice_through_the_pages(
    world: World, people: dict[str, Person], sign_in: SignIn
) -> None:
    client = sign_in(world.gina)
    form = {
        "office": world.offices["zhaoshang-street"].pk,
        "area": world.areas["zhaoshang"].pk,
        "kind": "integration",
        "reach": "live_or_work",
        "title_en": "Welcome evening",
        "body_en": "Meet your neighbours on Friday.",
        "title_zh-hans": "欢迎晚会",
        "body_zh-hans": "周五与邻居见面。",
        "title_fr": "Soirée d'accueil",
        "body_fr": "",
    }
    refused = client.post(reverse("registry:notice_create"), form)
    assert refused.status_code == 200
    assert "Give both a title and a text" in refused.content.decode()
    form["body_fr"] = "Rencontrez vos voisins vendredi."
    created = client.post(reverse("registry:notice_create"), form)
    draft = Notice.objects.get()
    assert created.url == reverse("registry:notice", kwargs={"pk": draft.pk})
    assert sorted(draft.texts.values_list("language", flat=True)) == ["en", "fr", "zh-hans"]
    client.post(reverse("registry:notice_publish", kwargs={"pk": draft.pk}))
    draft.refresh_from_db()
    assert draft.status == Notice.Status.PUBLISHED
    assert draft.audience == 6


def test_it_lists_the_officer_s_notices_in_a_few_queries(
    world: World, sign_in: SignIn, django_assert_max_num_queries: Callable
) -> None:
    for _ in range(5):
        notice(world)
    client = sign_in(world.gina)
    client.get(reverse("registry:notices"))
    with django_assert_max_num_queries(9):
        response = client.get(reverse("registry:notices"))
    assert response.content.decode().count("Flu vaccination") == 5


def test_a_foreign_national_chooses_the_language_of_notices_and_opts_out(
    world: World, people: dict[str, Person], sign_in: SignIn
) -> None:
    client = sign_in(world.bob)
    url = reverse("registry:preferences")
    assert client.get(url).status_code == 200
    response = client.post(url, {"language": "fr", "notices_opt_out": "on"})
    assert response.status_code == 302
    bob = Person.objects.get(pk=people["bob"].pk)
    assert (bob.language, bob.notices_opt_out) == ("fr", True)
    assert Event.objects.filter(action="person.update", actor=world.bob).exists()
    assert client.post(url, {"language": "xx"}).status_code == 200  # refused: not a notice language
    published = do_publish_notice(notice(world), actor=world.gina)
    assert deliveries(published)[bob.pk].status == "opted_out"


@pytest.mark.parametrize("persona", ["alice", "carol", "gina", "frank"])
def test_the_notice_settings_are_only_for_foreign_nationals(world: World, persona: str) -> None:
    client = complete_sign_in(Client(), world.users[persona])
    assert client.get(reverse("registry:preferences")).status_code == 404
