"""The Simplified Chinese catalogue is complete, faithful to its placeholders and compiled;
the pages speak Chinese, the language switch works everywhere, dates and numbers read well."""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from onewindow.accounts.models import User
from onewindow.lib.forms import StyledForm
from tests.factories import World

SignIn = Callable[[User], Client]

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    # A Chinese request leaves Chinese active in the thread; later tests expect the default.
    yield
    translation.deactivate()


# --- A small reader for .po files (the standard library has none) ---------------------------


@dataclass
class Entry:
    line: int
    flags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def plural(self) -> str | None:
        return self.fields.get("msgid_plural")

    @property
    def context(self) -> str | None:
        return self.fields.get("msgctxt")

    @property
    def key(self) -> tuple[str | None, str]:
        return self.context, self.msgid

    @property
    def translations(self) -> dict[str, str]:
        return {key: value for key, value in self.fields.items() if key.startswith("msgstr")}


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    key = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            # A blank line ends an entry; obsolete entries (#~) are not part of the catalogue.
            current = None if not line else current
            continue
        if line.startswith("#,"):
            current = current or _start(entries, number)
            current.flags += [flag.strip() for flag in line[2:].split(",")]
        elif line.startswith("#"):
            current = current or _start(entries, number)
        elif match := _KEYWORD.match(line):
            current = current or _start(entries, number)
            key = match.group(1)
            current.fields[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and current is not None:
            current.fields[key] += ast.literal_eval(line)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    return [entry for entry in entries if "msgid" in entry.fields]


def _start(entries: list[Entry], number: int) -> Entry:
    entries.append(Entry(line=number))
    return entries[-1]


CATALOGUE = read_po(PO)
HEADER = next(entry for entry in CATALOGUE if entry.msgid == "")
MESSAGES = [entry for entry in CATALOGUE if entry.msgid != ""]


def _id(entry: Entry) -> str:
    return f"line {entry.line}: {entry.msgid[:50]}"


# --- The catalogue ---------------------------------------------------------------------------


def test_the_catalogue_has_all_the_messages_it_should() -> None:
    # A sanity floor: the catalogue was read, not silently found empty.
    assert len(MESSAGES) > 1000


def test_the_header_declares_chinese_with_one_plural_form() -> None:
    header = HEADER.fields["msgstr"]
    assert "Language: zh_Hans\n" in header
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header
    assert "charset=UTF-8" in header
    assert "fuzzy" not in HEADER.flags


@pytest.mark.parametrize("entry", MESSAGES, ids=_id)
def test_every_message_is_translated_and_not_fuzzy(entry: Entry) -> None:
    assert "fuzzy" not in entry.flags
    expected = {"msgstr[0]"} if entry.plural is not None else {"msgstr"}
    assert set(entry.translations) == expected, "Chinese has one plural form: msgstr[0] only"
    (text,) = entry.translations.values()
    assert text.strip(), "untranslated"
    # Leading or trailing spaces and newlines matter when messages are joined in templates.
    assert text.endswith("\n") == entry.msgid.endswith("\n")


# Named (%(name)s), positional (%s, %d, %.1f) and brace ({name}) placeholders, and HTML tags.
_NAMED = re.compile(r"%\((\w+)\)[-+ #0]*\d*(?:\.\d+)?[sdifgGeExXr]")
_POSITIONAL = re.compile(r"%(?!\()[-+ #0]*\d*(?:\.\d+)?[sdifgGeExXr]")
_BRACES = re.compile(r"\{(\w*)\}")
_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")


def placeholders(text: str, entry: Entry) -> dict[str, Counter[str]]:
    found = {
        "named": Counter(match.group(0) for match in _NAMED.finditer(text)),
        "positional": Counter(match.group(0) for match in _POSITIONAL.finditer(text.replace("%%", ""))),
        "tags": Counter(_TAGS.findall(text)),
    }
    if "python-brace-format" in entry.flags:
        found["braces"] = Counter(_BRACES.findall(text))
    return found


@pytest.mark.parametrize("entry", MESSAGES, ids=_id)
def test_every_translation_keeps_the_placeholders_and_tags_of_its_message(entry: Entry) -> None:
    source = placeholders(entry.msgid, entry)
    plural_source = placeholders(entry.plural, entry) if entry.plural is not None else source
    for text in entry.translations.values():
        target = placeholders(text, entry)
        # The one Chinese form serves singular and plural: it may use the placeholders of either.
        assert set(target["named"]) in (set(source["named"]), set(plural_source["named"]))
        assert target["positional"] in (source["positional"], plural_source["positional"])
        assert target["tags"] == source["tags"]
        assert target.get("braces", Counter()).keys() == source.get("braces", Counter()).keys()


def test_the_placeholder_check_catches_a_lost_placeholder() -> None:
    entry = Entry(line=0, fields={"msgid": "Transferred to %(station)s.", "msgstr": "已移交。"})
    assert placeholders(entry.fields["msgstr"], entry) != placeholders(entry.msgid, entry)


def expected_catalogue() -> dict[object, str]:
    """What a faithful compilation of the .po holds, keyed as gettext keys its catalogue."""
    # msgfmt leaves the template's creation date out of the compiled header.
    header = "".join(line for line in HEADER.fields["msgstr"].splitlines(True) if not line.startswith("POT-"))
    catalogue: dict[object, str] = {"": header}
    for entry in MESSAGES:
        msgid = entry.msgid if entry.context is None else f"{entry.context}\x04{entry.msgid}"
        if entry.plural is None:
            catalogue[msgid] = entry.fields["msgstr"]
        else:
            catalogue[(msgid, 0)] = entry.fields["msgstr[0]"]
    return catalogue


def load_mo(path: Path) -> dict[object, str]:
    with path.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    assert MO.exists(), "run `make messages` (or manage.py compilemessages)"
    assert load_mo(MO) == expected_catalogue(), "django.mo is stale: run manage.py compilemessages"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_msgfmt_checks_the_po_file_and_compiles_it_to_the_same_catalogue(tmp_path: Path) -> None:
    compiled = tmp_path / "django.mo"
    msgfmt = shutil.which("msgfmt") or "msgfmt"
    result = subprocess.run(  # noqa: S603 (fixed arguments: the catalogue and a temporary file)
        [msgfmt, "--check", "--statistics", "-o", str(compiled), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert load_mo(compiled) == load_mo(MO)


def test_the_glossary_terms_are_used_in_the_catalogue() -> None:
    # The key official terms of docs/glossary.md, as the catalogue must keep them.
    translated = {entry.msgid: next(iter(entry.translations.values())) for entry in MESSAGES}
    assert (
        translated["Work-type residence permit (exit-entry administration)"]
        == "工作类居留许可（出入境管理部门）"
    )
    assert translated["A — high-end talent"] == "A类：外国高端人才"
    assert translated["B — professional"] == "B类：外国专业人才"
    assert translated["C — other"] == "C类：其他外国人员"
    assert translated["Science and Technology Innovation Commission"] == "科技创新委员会"
    assert translated["Unified social credit code"] == "统一社会信用代码"
    assert translated["Extension"] == "延期"
    assert translated["Change of items"] == "变更"
    assert translated["Cancellation"] == "注销"
    assert translated["Accept"] == "受理"
    glossary = (Path(settings.BASE_DIR) / "docs" / "glossary.md").read_text(encoding="utf-8")
    for term in ("工作类居留许可", "外国高端人才", "科技创新委员会", "工作站", "街道办事处", "行政复议"):
        assert term in glossary


# --- Pages in Chinese -----------------------------------------------------------------------


def chinese(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


def page(response: object) -> str:
    assert response.status_code == 200  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "chinese_text", "english_text"),
    [
        (
            "/",
            "外国人工作许可和居留许可，一窗通办",
            "Work and residence permits for foreigners, in one window",
        ),
        ("/accounts/login/", "登录OneWindow", "Sign in to OneWindow"),
        ("/eligibility/", "评估您的类别：A、B或C", "Check your category: A, B or C"),
        ("/privacy/", "只有经办您案件的机构的工作人员才能查阅您的档案", "Only the officers of the offices"),
    ],
)
def test_public_pages_speak_the_browsers_language(
    world: World, client: Client, url: str, chinese_text: str, english_text: str
) -> None:
    html = page(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5"))
    assert '<html lang="zh-hans">' in html
    assert chinese_text in html
    assert english_text not in html
    # The header and the footer, shared by every page, are in Chinese too.
    assert "跳至主要内容" in html
    assert "一套材料、一张表单、一次申请、一窗受理、一网通办、一次办结" in html
    # The switch offers the other language, in that language.
    assert 'name="language" value="en" lang="en">English</button>' in html

    english = page(Client().get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en">' in english
    assert english_text in english


@pytest.mark.django_db
def test_the_self_assessment_result_explains_in_chinese(world: World, client: Client) -> None:
    answers = {
        "city": "shenzhen",
        "on_date": dt.date.today().isoformat(),
        "annual_salary_cny": "300000",
        "education": "bachelor",
        "related_experience_years": "3",
        "months_per_year_in_china": "12",
        "age": "29",
        "hsk_level": "3",
        "continuous_years_in_china": "0",
        "local_bonus": "0",
    }
    html = page(chinese(client).post("/eligibility/", answers))
    assert '<html lang="zh-hans">' in html
    assert "您的预估类别：" in html
    assert "分（满分120分）：仅按计分为" in html
    assert "全国计分表各项目的得分及理由" in html
    # Lists inside a sentence are separated the Chinese way.
    assert "世界知名高校毕业生；曾在世界500强企业工作" in html
    # An amount inside a translated sentence keeps its digit grouping.
    assert "人民币300,000元" in html
    # The answers stay in the form, the date as the ISO date a date input needs.
    assert f'name="on_date" value="{answers["on_date"]}"' in html


@pytest.mark.django_db
def test_an_hr_user_reads_a_case_in_chinese(world: World, sign_in: SignIn) -> None:
    application = world.application(stage="in_review")
    client = chinese(sign_in(world.alice))
    html = page(client.get(reverse("cases:detail", kwargs={"reference": application.reference})))
    assert '<html lang="zh-hans">' in html
    assert application.reference in html
    assert "本申请所需材料" in html
    assert "审查中" in html  # the status
    assert "新办工作许可（申请人在境内）" in html  # the kind
    assert "预计决定日期" in html
    assert "Documents for this application" not in html
    # Amounts are grouped by thousands, dates are printed as ISO dates, in both languages.
    assert "¥500,000" in html
    assert re.search(r"\d{4}-\d{2}-\d{2}", html)

    worklist = page(client.get(reverse("front:dashboard"), follow=True))
    assert '<html lang="zh-hans">' in worklist
    assert "我的工作" in worklist and "退出登录" in worklist


# --- The language switch ----------------------------------------------------------------------

# Pages of every kind, by who may open them: the switch must be on each, and lead back to it.
SWITCH_PAGES: list[tuple[str | None, str]] = [
    (None, "/"),
    (None, "/eligibility/"),
    (None, "/accounts/login/"),
    (None, "/privacy/"),
    (None, "/accessibility/"),
    ("alice", "/employer/"),
    ("alice", "/inbox/"),
    ("alice", "/accounts/security/"),
    ("alice", "/accounts/confidentiality/"),
    ("alice", "case"),
    ("bob", "/people/me/"),
    ("carol", "/cases/work/"),
    ("dave", "/cases/work/"),
    ("gina", "/registry/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "url"), SWITCH_PAGES)
def test_the_language_switch_works_on_every_kind_of_page(
    world: World, client: Client, sign_in: SignIn, who: str | None, url: str
) -> None:
    if who is not None:
        client = sign_in(world.users[who])
    if url == "case":
        url = reverse("cases:detail", kwargs={"reference": world.application(stage="submitted").reference})
    first = client.get(url, follow=True)
    html = page(first)
    final_url = first.redirect_chain[-1][0] if first.redirect_chain else url
    assert '<html lang="en">' in html
    assert f'<input name="next" type="hidden" value="{final_url}">' in html
    assert 'name="language" value="zh-hans"' in html

    switched = client.post(reverse("set_language"), {"language": "zh-hans", "next": final_url})
    assert switched.status_code == 302
    assert switched["Location"] == final_url
    html = page(client.get(final_url))
    assert '<html lang="zh-hans">' in html
    assert 'name="language" value="en"' in html

    back = client.post(reverse("set_language"), {"language": "en", "next": final_url})
    assert back["Location"] == final_url
    assert '<html lang="en">' in page(client.get(final_url))


@pytest.mark.django_db
def test_the_switch_does_not_lead_off_site(client: Client) -> None:
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "https://example.org/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- Dates and numbers ------------------------------------------------------------------------


class _DateForm(StyledForm):
    day = forms.DateField(widget=forms.DateInput)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_date_inputs_hold_iso_dates_in_every_language(language: str) -> None:
    # <input type="date"> accepts only YYYY-MM-DD; Chinese formats would print 2026/11/25.
    with translation.override(language):
        form = _DateForm(initial={"day": dt.date(2026, 11, 25)})
        assert 'type="date"' in str(form["day"])
        assert 'value="2026-11-25"' in str(form["day"])
        assert _DateForm(data={"day": "2026-11-25"}).is_valid()


def test_numbers_and_dates_are_localised_for_chinese() -> None:
    with translation.override("zh-hans"):
        assert formats.number_format(10922, force_grouping=True) == "10,922"
        assert formats.date_format(dt.date(2026, 11, 25)) == "2026年11月25日"
    with translation.override("en"):
        assert formats.number_format(10922, force_grouping=True) == "10,922"


# --- Error pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_not_found_page_speaks_chinese_and_keeps_the_switch(client: Client) -> None:
    response = chinese(client).get("/cases/OW-NOPE-NOPE/")
    assert response.status_code == 302  # staff pages ask anonymous visitors to sign in first
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "页面不存在" in html
    assert '<input name="next" type="hidden" value="/no-such-page/">' in html


@pytest.mark.django_db
def test_a_missing_case_is_a_translated_404_for_staff(world: World, sign_in: SignIn) -> None:
    response = chinese(sign_in(world.carol)).get(
        reverse("cases:detail", kwargs={"reference": "OW-NOPE-NOPE"})
    )
    assert response.status_code == 404
    assert "此页面不存在，或不在您的权限范围内。" in response.content.decode()


def test_the_server_error_page_renders_without_a_request_in_chinese() -> None:
    from django.template import loader

    with translation.override("zh-hans"):
        html = loader.get_template("500.html").render({})
    assert '<html lang="zh-hans">' in html
    assert "系统出错" in html


# --- The helper for the next batch (scripts/translations.py) ----------------------------------

SAMPLE_PO = """msgid ""
msgstr ""
"Language: zh_Hans\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

#: a.py:1
msgid "Submit"
msgstr "提交"

#: b.py:2
#, python-format
msgid "Transferred to %(station)s."
msgstr ""

#: c.py:3
#, fuzzy, python-format
#| msgid "%(n)s file"
msgid "%(n)s file left"
msgid_plural "%(n)s files left"
msgstr[0] "%(n)s份档案"

#: d.py:4
msgctxt "column of category codes"
msgid "Code"
msgstr ""
"""


def test_the_helper_lists_the_work_and_fills_it_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location(
        "translations", Path(settings.BASE_DIR) / "scripts" / "translations.py"
    )
    assert spec is not None and spec.loader is not None
    helper = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "translations", helper)
    spec.loader.exec_module(helper)

    po = tmp_path / "django.po"
    po.write_text(SAMPLE_PO, encoding="utf-8")
    todo = [entry for entry in helper.parse(po.read_text(encoding="utf-8")) if entry.needs_work]
    assert [entry.key for entry in todo] == [
        (None, "Transferred to %(station)s."),
        (None, "%(n)s file left"),
        ("column of category codes", "Code"),
    ]
    answers = tmp_path / "done.jsonl"
    answers.write_text(
        "\n".join(
            json.dumps({"context": context, "msgid": msgid, "msgstr": text}, ensure_ascii=False)
            for (context, msgid), text in zip(
                [entry.key for entry in todo],
                ["已移交至%(station)s。", "剩余%(n)s份档案", "代码"],
                strict=True,
            )
        ),
        encoding="utf-8",
    )
    assert helper.apply(answers, po) == 0

    entries = {entry.key: entry for entry in read_po(po)}
    assert entries[(None, "Submit")].fields["msgstr"] == "提交"
    assert entries[(None, "Transferred to %(station)s.")].fields["msgstr"] == "已移交至%(station)s。"
    plural = entries[(None, "%(n)s file left")]
    assert plural.translations == {"msgstr[0]": "剩余%(n)s份档案"}
    assert plural.flags == ["python-format"]
    assert entries[("column of category codes", "Code")].fields["msgstr"] == "代码"
    assert "#|" not in po.read_text(encoding="utf-8")
    assert not [entry for entry in helper.parse(po.read_text(encoding="utf-8")) if entry.needs_work]


def test_the_translations_made_ahead_keep_their_placeholders() -> None:
    import json

    pending = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "pending.jsonl"
    for number, line in enumerate(pending.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        entry = Entry(line=number, fields={"msgid": record["msgid"], "msgstr": record["msgstr"]})
        assert record["msgstr"].strip(), f"line {number}"
        source, target = placeholders(entry.msgid, entry), placeholders(record["msgstr"], entry)
        assert set(target["named"]) == set(source["named"]), f"line {number}"
        assert target["tags"] == source["tags"], f"line {number}"


# --- Every page of the access walk, in Chinese ------------------------------------------------

# Not pages: files, JSON and machine endpoints.
NOT_PAGES = {"healthz", "people:download", "permits:pdf", "permits:cancellation_pdf"}


@pytest.mark.django_db
def test_every_page_of_the_access_walk_is_chinese_and_has_the_switch() -> None:
    from tests.factories import build_world, complete_sign_in
    from tests.test_access_walk import OPEN, PERSONAS, ROUTES, _url, walk_objects

    world = build_world()
    objects = walk_objects(world)
    clients: dict[str | None, Client] = {None: Client()}
    for name in PERSONAS:
        clients[name] = complete_sign_in(Client(), world.users[name])
    for client in clients.values():
        chinese(client)

    checked, problems = set(), []
    for route_name, route in ROUTES.items():
        if route.method != "GET" or route.json or route_name.startswith("api:") or route_name in NOT_PAGES:
            continue
        if route.reach is not None:
            url = _url(route_name, route, objects["own"])
            visitors: list[str | None] = sorted(route.reach["own"])[:1]
        else:
            url = _url(route_name, route, objects["own"])
            visitors = [None] if route.anonymous == OPEN else list(PERSONAS)
        for visitor in visitors:
            response = clients[visitor].get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            html = response.content.decode()
            if "<html" not in html:
                continue  # a fragment for htmx
            checked.add(route_name)
            where = f"{route_name} as {visitor or 'anonymous'}"
            if '<html lang="zh-hans">' not in html:
                problems.append(f"{where}: not in Chinese")
            if "跳至主要内容" not in html:
                problems.append(f"{where}: the layout is not translated")
            if f'<input name="next" type="hidden" value="{url}">' not in html:
                problems.append(f"{where}: no language switch leading back here")
            if 'name="language" value="en"' not in html:
                problems.append(f"{where}: the switch does not offer English")
    assert not problems, "\n".join(problems)
    # The walk saw the pages of every kind, not just a few.
    assert {"front:home", "cases:detail", "cases:worklist", "people:detail", "registry:figures"} <= checked
    assert len(checked) >= 30


@pytest.mark.django_db
def test_the_switch_remembers_a_signed_in_users_language_for_their_messages(
    world: World, sign_in: SignIn
) -> None:
    client = sign_in(world.alice)
    assert world.alice.language == "en"
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/employer/"})
    assert response["Location"] == "/employer/"
    world.alice.refresh_from_db()
    assert world.alice.language == "zh-hans"
    # An unknown language changes nothing.
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    world.alice.refresh_from_db()
    assert world.alice.language == "zh-hans"
    # Anonymous visitors only get the cookie.
    anonymous = Client().post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert anonymous.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


@pytest.mark.django_db
def test_country_lists_are_in_the_language_of_the_request(world: World, sign_in: SignIn) -> None:
    employer = world.employers["robotics"]
    url = reverse("people:create", kwargs={"employer_id": employer.pk})
    client = sign_in(world.alice)
    assert '<option value="GB">United Kingdom</option>' in page(client.get(url))
    assert '<option value="GB">英国</option>' in page(chinese(client).get(url))
    officer = chinese(sign_in(world.gina))
    assert '<option value="GB">英国</option>' in page(officer.get(reverse("registry:notice_create")))
