"""The JSON API at /api/v1/: every app contributes its ``api.py`` router here."""

from __future__ import annotations

from django.utils.module_loading import import_string
from ninja import NinjaAPI

from onewindow.api import errors

DESCRIPTION = """
OneWindow's API for employers' HR systems and the exit-entry office.

Every error has the shape `{"error": {"code", "message", "fields"}}`, in the
language of `Accept-Language` (English or Simplified Chinese).
"""

api = NinjaAPI(
    title="OneWindow API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
)
errors.install(api)

# (URL prefix, dotted path of the app's router). An app adds its API by adding a line here.
ROUTERS: list[tuple[str, str]] = [
    ("/", "onewindow.cases.api.router"),
    ("/eligibility/", "onewindow.eligibility.api.router"),
    ("/permits/", "onewindow.permits.api.router"),
    ("/", "onewindow.people.api.router"),
    ("/", "onewindow.employers.api.router"),
]

for prefix, dotted in ROUTERS:
    api.add_router(prefix, import_string(dotted))
