"""Pages of the area registry: figures and exports, notices, and a foreign national's notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from onewindow.accounts.scopes import scope_of
from onewindow.lib.forms import add_validation_error
from onewindow.lib.http import AuthedRequest
from onewindow.people.actions import do_update_person
from onewindow.people.models import Person
from onewindow.registry import exports, report
from onewindow.registry.access import (
    access_area_statistics,
    access_delivery_by_token,
    access_notice,
    access_own_delivery,
    home_area,
    publishing_offices,
    statistics_areas,
    visible_notices,
)
from onewindow.registry.actions import (
    do_create_notice,
    do_mark_delivery_read,
    do_publish_notice,
    do_record_export,
)
from onewindow.registry.dimensions import Basis
from onewindow.registry.forms import ExportForm, FiguresForm, NoticeForm, PreferencesForm
from onewindow.registry.models import NOTICE_LANGUAGES, Notice
from onewindow.registry.selectors import delivery_figures


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """Statistics start here: the chosen area (from the selector), else the user's own office's area."""
    areas = statistics_areas(request.user)
    chosen = request.GET.get("area", "")
    area = areas.filter(pk=int(chosen)).first() if chosen.isdigit() else home_area(request.user)
    if area is None:
        raise Http404("No statistics in reach")
    query = request.GET.copy()
    query.pop("area", None)
    url = reverse("registry:figures", kwargs={"area_id": area.pk})
    return redirect(f"{url}?{query.urlencode()}" if query else url)


@login_required
@require_GET
def figures(request: AuthedRequest, area_id: int) -> HttpResponse:
    """The dashboard of an area in reach on a day: sentences, charts and the tables behind them."""
    where = access_area_statistics(request.user, area_id)
    areas = list(statistics_areas(request.user).order_by("path"))
    query = {"date": timezone.localdate().isoformat(), "basis": Basis.WORKPLACE.value, **request.GET.dict()}
    form = FiguresForm({**query, "area": str(where.area.pk)}, areas=areas)
    if not form.is_valid():
        return render(request, "registry/figures.html", {"form": form, "report": None}, status=400)
    built = report.build_cached(
        where.area, day=form.cleaned_data["date"], basis=form.cleaned_data["basis"], exact=where.exact
    )
    return render(
        request,
        "registry/figures.html",
        {"form": form, "report": built, "access": where, "tables": _tables(request, built)},
    )


def _tables(request: HttpRequest, built: report.Report) -> SafeString:
    """The report's tables and charts, rendered once per kept report: they were most of the page's
    time. The key is the kept report's (language and counts' version included), so a new count or
    another language is never answered with old HTML; nothing in them depends on the user."""
    key = f"registry:tables:{built.cache_token}" if built.cache_token else ""
    html = cache.get(key) if key else None
    if html is None:
        html = render_to_string("registry/_report_tables.html", {"report": built}, request=request)
        if key:
            cache.set(key, html, report.REPORT_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered from our template with autoescaping on


@login_required
@require_POST
def export(request: AuthedRequest, area_id: int) -> HttpResponse:
    """Download the dashboard's tables (CSV or XLSX); every export is logged in the audit trail."""
    where = access_area_statistics(request.user, area_id, export=True)
    form = ExportForm({**request.POST.dict(), "area": str(where.area.pk)}, areas=[where.area])
    if not form.is_valid():
        return HttpResponse(_("Choose a date, a basis and a format."), status=400, content_type="text/plain")
    data = form.cleaned_data
    built = report.build(where.area, day=data["date"], basis=data["basis"], exact=where.exact)
    file_format = data["file_format"]
    do_record_export(
        actor=request.user,
        area=where.area,
        day=data["date"],
        basis=data["basis"],
        file_format=file_format,
        tables=[table.key for table in built.all_tables()] + (["flows"] if built.flows else []),
        suppressed=built.suppressed,
        request=request,
    )
    if file_format == "xlsx":
        body = exports.to_xlsx(built)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.to_csv(built)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    name = f"onewindow-{where.area.code}-{data['date']:%Y%m%d}-{data['basis']}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Notices, for community officers -----------------------------------------------------------


@login_required
@require_GET
def notices(request: AuthedRequest) -> HttpResponse:
    """The notices of the areas the community officer reaches, newest first."""
    offices = publishing_offices(request.user)
    if not offices:
        raise Http404("Not a community officer")
    rows = visible_notices(request.user).select_related("office", "area").prefetch_related("texts")[:100]
    return render(request, "registry/notices.html", {"notices": rows})


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request: AuthedRequest) -> HttpResponse:
    offices = publishing_offices(request.user)
    if not offices:
        raise Http404("Not a community officer")
    areas = [
        area
        for area in statistics_areas(request.user).order_by("path")
        if any(area.path.startswith(office.area.path) for office in offices)
    ]
    form = NoticeForm(request.POST or None, offices=offices, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        office = next(office for office in offices if office.pk == data["office"])
        area = next(area for area in areas if area.pk == data["area"])
        try:
            notice = do_create_notice(
                actor=request.user,
                office=office,
                area=area,
                kind=data["kind"],
                reach=data["reach"],
                nationalities=data["nationalities"],
                languages=data["languages"],
                texts=form.texts(),
                request=request,
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The notice was saved as a draft. Check it, then publish it."))
            return redirect("registry:notice", pk=notice.pk)
    return render(request, "registry/notice_form.html", {"form": form})


@login_required
@require_GET
def notice(request: AuthedRequest, pk: int) -> HttpResponse:
    """A notice in every language it was written in, with its delivery and read figures."""
    found = access_notice(request.user, pk)
    language_names = dict(NOTICE_LANGUAGES)
    return render(
        request,
        "registry/notice.html",
        {
            "notice": found,
            "texts": found.texts.order_by("pk"),
            "figures": delivery_figures(found) if found.is_published else None,
            "language_names": language_names,
            "nationality_names": [str(countries.name(code)) for code in found.nationalities],
            "for_languages": [language_names.get(code, code) for code in found.languages],
        },
    )


@login_required
@require_POST
def notice_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access_notice(request.user, pk)
    try:
        published = do_publish_notice(found, actor=request.user, request=request)
    except (ValidationError, PermissionDenied) as exc:
        text = (
            " ".join(exc.messages)
            if isinstance(exc, ValidationError)
            else _("You cannot publish this notice.")
        )
        messages.error(request, text)
    else:
        messages.success(
            request,
            _("Published to %(count)s people; it is being delivered now.") % {"count": published.audience},
        )
    return redirect("registry:notice", pk=found.pk)


# --- Notices, for foreign nationals ------------------------------------------------------------


@login_required
@require_GET
def my_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    """A notice sent to the signed-in foreign national, in their language; opening it is the read receipt."""
    delivery = access_own_delivery(request.user, pk)
    do_mark_delivery_read(delivery)
    return _show_notice(request, delivery.notice, delivery.language)


@require_GET
def read_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The notice behind an e-mail's link (no sign-in: the link is the credential); marks it opened."""
    delivery = access_delivery_by_token(token)
    do_mark_delivery_read(delivery)
    response = _show_notice(request, delivery.notice, delivery.language)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _show_notice(request: HttpRequest, shown: Notice, language: str) -> HttpResponse:
    text = shown.text_in(language)
    return render(request, "registry/notice_public.html", {"notice": shown, "text": text})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    """A foreign national chooses the language of notices and whether to receive optional ones."""
    person_ids = sorted(scope_of(request.user).person_ids)
    if not person_ids:
        raise Http404("No personal file")
    person = Person.objects.get(pk=person_ids[0])
    form = PreferencesForm(
        request.POST or None,
        initial={"language": person.language, "notices_opt_out": person.notices_opt_out},
    )
    if request.method == "POST" and form.is_valid():
        do_update_person(
            person,
            actor=request.user,
            request=request,
            language=form.cleaned_data["language"],
            notices_opt_out=form.cleaned_data["notices_opt_out"],
        )
        messages.success(request, _("Your choices for notices were saved."))
        return redirect("registry:preferences")
    return render(request, "registry/preferences.html", {"form": form, "person": person})
