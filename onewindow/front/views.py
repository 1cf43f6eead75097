"""Public pages, the post-sign-in dashboard, and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from onewindow.accounts.models import Role
from onewindow.accounts.scopes import scope_of
from onewindow.lib.http import AuthedRequest

# Where each role starts after signing in, in order of precedence.
_HOME_BY_ROLE: list[tuple[str, str]] = [
    (Role.WINDOW_OFFICER, "cases:worklist"),
    (Role.REVIEWER, "cases:worklist"),
    (Role.IMMIGRATION_OFFICER, "cases:worklist"),
    (Role.SUPERVISOR, "cases:worklist"),
    (Role.COMMUNITY_OFFICER, "registry:home"),
    (Role.EMPLOYER_HR, "employers:dashboard"),
    (Role.FOREIGN_NATIONAL, "people:mine"),
]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "front/home.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "front/privacy.html")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "front/accessibility.html")


@login_required
@require_GET
def dashboard(request: AuthedRequest) -> HttpResponse:
    """Send each user to where their work is."""
    scope = scope_of(request.user)
    if scope.is_staff and not scope.staff_grants() and not scope.grants_without_agreement:
        # A trainee (or a suspended member) reads the training material and nothing else.
        return redirect("supervision:home")
    if scope.is_staff and not scope.staff_grants():
        # Every staff role lacks a confidentiality agreement: say why nothing is shown.
        return redirect("accounts:confidentiality")
    roles = scope.roles
    for role, url_name in _HOME_BY_ROLE:
        if role in roles:
            return redirect(url_name)
    return render(request, "front/no_role.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers and probes)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a signed-in user's choice also becomes their preferred
    language, in which OneWindow writes them e-mails and notices."""
    from django.conf import settings
    from django.utils.translation import check_for_language
    from django.views.i18n import set_language as switch

    response = switch(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and check_for_language(language)
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
    return response
