"""The inbox: a user's messages, newest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from onewindow.lib.http import AuthedRequest
from onewindow.notifications.actions import do_mark_all_read, do_mark_read
from onewindow.notifications.models import Message


@login_required
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    messages = Message.objects.filter(recipient=request.user)
    page = Paginator(messages, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def read(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark one of one's own messages read and follow its link."""
    message = Message.objects.filter(recipient=request.user, pk=pk).first()
    if message is None:
        raise Http404("No such message")
    do_mark_read(message, actor=request.user)
    return redirect(message.link or "notifications:inbox")


@login_required
@require_POST
def read_all(request: AuthedRequest) -> HttpResponse:
    do_mark_all_read(actor=request.user)
    return redirect("notifications:inbox")
