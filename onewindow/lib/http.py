"""Request types for views behind ``login_required``."""

from __future__ import annotations

from django.http import HttpRequest

from onewindow.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request whose user is signed in (the view is decorated with ``login_required``)."""

    user: User
