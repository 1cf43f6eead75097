"""The JSON API at /api/v1/: every app contributes its ``api.py`` router here."""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string
from ninja import NinjaAPI

from onewindow.api import errors
from onewindow.api.throttle import ApiThrottle

DESCRIPTION = """
OneWindow's API for employers' HR systems and the exit-entry office (see `docs/api.md`).

* **Authentication**: `Authorization: Bearer ow_…` with an API token (created on the
  *API tokens* page), or a signed-in browser session with its CSRF token in `X-CSRFToken`.
* **Errors** have one shape, `{"error": {"code", "message", "fields"}}`, in the language of
  `Accept-Language` (English or Simplified Chinese).
* **Idempotency**: every creating `POST` accepts `Idempotency-Key`; a retry gets the first answer.
* **Concurrency**: reads return an `ETag`; updates require it in `If-Match` (412 when stale).
* **Pagination**: lists return `next_cursor`; pass it as `?cursor=`.
* **Rate limit**: each token (or client address) has a budget per minute; beyond it, 429 with
  `Retry-After`.
"""

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "TokenAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "ow_<prefix>_<secret>",
        "description": "An API token (personal or a service account's), scoped read or write.",
    },
    "SessionAuth": {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": "A signed-in browser session; writes also need the CSRF token in `X-CSRFToken`.",
    },
}


IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "The ETag of the resource as last read; a stale one gets 412 and changes nothing.",
    "schema": {"type": "string", "examples": ['"42-3"']},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string (a UUID): a retry with the same key and body gets the first answer.",
    "schema": {"type": "string", "maxLength": 200, "examples": ["3f1c0b9e-6a53-4a57-9d8e-5c0f1f2b7a10"]},
}


TOO_MANY = {
    "description": "Too many requests: wait Retry-After seconds",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
}


class OneWindowApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        for name, details in SECURITY_SCHEMES.items():
            if name in schemes:
                schemes[name] = details
        # The headers the middleware and the preconditions read: documented on each operation.
        for methods in schema["paths"].values():
            for method, operation in methods.items():
                # The API-wide rate limit applies to every operation.
                responses = operation.setdefault("responses", {})
                if 429 not in responses and "429" not in responses:
                    responses[429] = TOO_MANY
                parameters = operation.setdefault("parameters", [])
                if operation.get("summary", "").endswith("(If-Match)"):
                    parameters.append(IF_MATCH)
                if method == "post" and operation.get("security") and 201 in operation["responses"]:
                    parameters.append(IDEMPOTENCY_KEY)
        return schema


api = OneWindowApi(
    title="OneWindow API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    throttle=[ApiThrottle()],
)
errors.install(api)

# (URL prefix, dotted path of the app's router). An app adds its API by adding a line here.
ROUTERS: list[tuple[str, str]] = [
    ("/", "onewindow.cases.api.router"),
    ("/eligibility/", "onewindow.eligibility.api.router"),
    ("/permits/", "onewindow.permits.api.router"),
    ("/", "onewindow.visits.api.router"),
    ("/", "onewindow.people.api.router"),
    ("/", "onewindow.employers.api.router"),
    ("/", "onewindow.webhooks.api.router"),
]

for prefix, dotted in ROUTERS:
    api.add_router(prefix, import_string(dotted))
