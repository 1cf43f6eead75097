"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from onewindow.accounts.scopes import scope_of


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    scope = scope_of(user)
    unread = 0
    if user is not None and user.is_authenticated:
        from onewindow.notifications.models import Message

        unread = Message.objects.unread().filter(recipient=user).count()
    return {
        "onewindow_env": settings.ONEWINDOW_ENV,
        "unread_messages": unread,
        "scope": scope,
        "user_roles": scope.roles,
    }
