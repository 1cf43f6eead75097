"""One error shape for the whole API: ``{"error": {"code", "message", "fields"}}``.

Messages are in the caller's language (``Accept-Language``), field errors
name the field by its JSON path, and the status code says what went wrong:
400 malformed, 401 not signed in, 403 not allowed, 404 missing or not
yours, 409 conflict, 412 stale ``If-Match``, 422 invalid, 429 too many.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from onewindow.cases.workflow import TransitionRefused


class ErrorBody(Schema):
    code: str = Field(examples=["invalid"], description="Stable, for programs: invalid, not_found …")
    message: str = Field(examples=["Some fields are not valid."], description="For people, translated.")
    fields: dict[str, list[str]] = Field(
        default_factory=dict,
        examples=[{"position": ["This field is required."]}],
        description="Messages per field, by the field's JSON path.",
    )


class ErrorResponse(Schema):
    error: ErrorBody


class ApiError(Exception):
    """Raise from an operation to answer with the API's error shape."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


def _field_path(location: Any) -> str:
    parts = [str(part) for part in location]
    # Ninja prefixes the source ("body", "query", "path") and the parameter name.
    if parts and parts[0] in {"body", "query", "path", "header", "form", "file"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "data", "body", "filters"}:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _translate_pydantic(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not known.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Must be at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Must be at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Must be a whole number.")
    if kind in {"date_from_datetime_parsing", "date_parsing", "date_type"}:
        return _("Must be a date (YYYY-MM-DD).")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Must be true or false.")
    if kind in {"literal_error", "enum"}:
        return _("Must be one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in {"string_too_long"}:
        return _("Must have at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind in {"string_too_short"}:
        return _("Must have at least %(limit)s characters.") % {"limit": ctx.get("min_length")}
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    return str(error.get("msg", _("Invalid value.")))


def install(api: NinjaAPI) -> None:
    """Replace Ninja's default error answers with OneWindow's one shape."""

    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_path(error.get("loc", ())), []).append(_translate_pydantic(error))
        return error_response(
            api, request, status=422, code="invalid", message=_("Some fields are not valid."), fields=fields
        )

    @api.exception_handler(DjangoValidationError)
    def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = (
            {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {}
        )
        message = " ".join(exc.messages) if not fields else _("Some fields are not valid.")
        return error_response(api, request, status=422, code="invalid", message=message, fields=fields)

    @api.exception_handler(TransitionRefused)
    def _refused(request: HttpRequest, exc: TransitionRefused) -> HttpResponse:
        statuses = {"forbidden": 403, "conflict": 409, "reauthenticate": 403, "proposal": 403}
        status = statuses.get(exc.code, 409)
        return error_response(api, request, status=status, code=exc.code, message=str(exc.message))

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(
            api, request, status=exc.status, code=exc.code, message=exc.message, fields=exc.fields
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, status=404, code="not_found", message=_("Not found."))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api, request, status=401, code="unauthenticated", message=_("Sign in or send a valid API token.")
        )

    @api.exception_handler(Throttled)
    def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = error_response(
            api, request, status=429, code="rate_limited", message=_("Too many requests; try again later.")
        )
        if exc.wait:
            response["Retry-After"] = str(exc.wait)
        return response

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        codes = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 405: "method_not_allowed"}
        return error_response(
            api, request, status=exc.status_code, code=codes.get(exc.status_code, "error"), message=str(exc)
        )


# The error answers every signed-in operation may give, for the OpenAPI document.
ERRORS: dict[int, type[Schema]] = dict.fromkeys((400, 401, 403, 404, 409, 412, 422, 428, 429), ErrorResponse)
# The error answers of the public operations (no sign-in, no stored state to conflict with).
PUBLIC_ERRORS: dict[int, type[Schema]] = dict.fromkeys((400, 422, 429), ErrorResponse)


def upload_refused(exc: DjangoValidationError, field: str = "file") -> ApiError:
    """A refused upload (``onewindow.lib.uploads``) as a 422 naming the file field."""
    if hasattr(exc, "error_dict"):
        fields = {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
    else:
        fields = {field: [str(m) for m in exc.messages]}
    return ApiError(422, "invalid", _("Some fields are not valid."), fields)
