"""Sign-in events, from Django's authentication signals, into the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from onewindow.audit.trail import record_event


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record_event(actor=user, action="auth.login", obj=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(actor=user, action="auth.logout", obj=user, request=request)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The attempted e-mail is kept (it names the target), never the password.
    record_event(
        actor=None,
        action="auth.login_failed",
        data={"username": str(credentials.get("username", ""))[:200]},
        request=request,
        actor_label="anonymous",
    )
