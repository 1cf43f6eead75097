"""Pages: an employer administrator's webhook endpoints and each one's delivery history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onewindow.api.access import administered_employer_ids
from onewindow.employers.models import Employer
from onewindow.lib.forms import add_validation_error
from onewindow.lib.http import AuthedRequest
from onewindow.webhooks.access import access_endpoint, visible_endpoints
from onewindow.webhooks.actions import do_create_endpoint, do_disable_endpoint
from onewindow.webhooks.forms import EndpointForm
from onewindow.webhooks.models import Attempt, Delivery

HISTORY_LENGTH = 100


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def endpoints(request: AuthedRequest) -> HttpResponse:
    employer_ids = administered_employer_ids(request.user)
    if not employer_ids:
        raise Http404("Not an employer administrator")
    employers = [(e.pk, e.name) for e in Employer.objects.filter(pk__in=employer_ids)]
    form = EndpointForm(request.POST or None, employers=employers)
    secret = ""
    if request.method == "POST" and form.is_valid():
        employer = Employer.objects.get(pk=form.cleaned_data["employer"], pk__in=employer_ids)
        try:
            _endpoint, secret = do_create_endpoint(
                actor=request.user,
                employer=employer,
                url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            form = EndpointForm(employers=employers)
    return render(
        request,
        "webhooks/endpoints.html",
        {
            "form": form,
            "secret": secret,
            "endpoints": visible_endpoints(request.user).order_by("-created_at"),
        },
    )


@never_cache
@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    endpoint = access_endpoint(request.user, pk)
    deliveries = endpoint.deliveries.order_by("-created_at", "-pk").prefetch_related(
        Prefetch("attempt_log", queryset=Attempt.objects.order_by("attempted_at", "pk"))
    )[:HISTORY_LENGTH]
    return render(
        request,
        "webhooks/detail.html",
        {"endpoint": endpoint, "deliveries": deliveries, "now": timezone.now()},
    )


@login_required
@require_POST
def disable(request: AuthedRequest, pk: int) -> HttpResponse:
    endpoint = access_endpoint(request.user, pk)
    do_disable_endpoint(endpoint, actor=request.user)
    messages.success(request, _("The endpoint was disabled; nothing more is sent to it."))
    return redirect("webhooks:detail", pk=endpoint.pk)


@login_required
@require_POST
def retry(request: AuthedRequest, pk: int, delivery_pk: int) -> HttpResponse:
    """Send a failed delivery again (e.g. after the receiving system was repaired)."""
    endpoint = access_endpoint(request.user, pk)
    if endpoint.disabled_at is None:
        endpoint.deliveries.filter(pk=delivery_pk, state=Delivery.State.FAILED).update(
            state=Delivery.State.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        messages.success(request, _("The delivery will be sent again shortly."))
    return redirect("webhooks:detail", pk=endpoint.pk)
