"""The JSON API root: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Errors always have the same translated shape, so the mobile app can show them next to fields::

    422 {"detail": "...", "errors": [{"field": "email", "code": "missing", "message": "..."}]}
    404 {"detail": "...", "code": "not_found"}
    401/403/429 {"detail": "..."}
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from imigrasi.accounts.api import router as auth_router
from imigrasi.accounts.api import staff_router
from imigrasi.applications.api import public_router as public_applications_router
from imigrasi.applications.api import router as applications_router
from imigrasi.appointments.api import public_router as public_queue_router
from imigrasi.appointments.api import router as bookings_router
from imigrasi.assistant.api import router as assistant_router
from imigrasi.catalog.api import router as catalog_router
from imigrasi.catalog.api import services_router
from imigrasi.complaints.api import router as lapor_router
from imigrasi.credentials.api import router as credentials_router
from imigrasi.lib.api_errors import complete_error_responses
from imigrasi.privacy.api import router as privacy_router
from imigrasi.sharecodes.api import router as sharecodes_router

logger = logging.getLogger(__name__)


class ImigrasiAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        return complete_error_responses(schema, optional_auth=OPTIONAL_AUTH_OPERATIONS)


# Served to everyone, answered more fully when signed in; a bad token is still a 401.
OPTIONAL_AUTH_OPERATIONS = frozenset(
    {
        "imigrasi_assistant_api_ask",
        "imigrasi_assistant_api_vote",
        "imigrasi_assistant_api_replies",
    }
)

api = ImigrasiAPI(
    title="Imigrasi Digital API",
    version="1",
    description=(
        "Public and mobile API of Imigrasi Digital. Authenticate with "
        "`POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`. "
        "Responses follow the `Accept-Language` header (`id` default, `en`)."
    ),
    urls_namespace="api",
)


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form", "cookie"}:
        parts = parts[1:]
        # Ninja nests body fields under the handler's parameter name ("payload").
        if len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_short":
        return _("Enter at least %(count)s characters.") % {"count": ctx.get("min_length")}
    if kind == "string_too_long":
        return _("Enter at most %(count)s characters.") % {"count": ctx.get("max_length")}
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    if kind in {"value_error", "assertion_error"} and ctx.get("error"):
        return str(ctx["error"])
    if kind in {"int_parsing", "int_type", "float_parsing"}:
        return _("Enter a number.")
    if kind in {"literal_error", "enum"}:
        return _("Choose one of the allowed values.")
    return _("Enter a valid value.")


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": _field_name(error.get("loc", ())),
            "code": error.get("type", "invalid"),
            "message": _message(error),
        }
        for error in exc.errors
    ]
    return api.create_response(
        request,
        {"detail": _("Some fields are missing or not valid."), "errors": errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Sign in first: send a valid bearer token.")}, status=401
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Not found."), "code": "not_found"}, status=404
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # ninja could not parse the body (not JSON, not UTF-8): say so in our shape.
        message = _("The request body is not valid JSON.")
        return api.create_response(
            request,
            {
                "detail": message,
                "errors": [{"field": "__body__", "code": "json_invalid", "message": message}],
            },
            status=400,
        )
    if exc.status_code == 429:
        response = api.create_response(
            request, {"detail": _("Too many requests. Wait a minute and try again.")}, status=429
        )
        wait = getattr(exc, "wait", None)  # ninja's throttles know the wait
        if wait:
            response["Retry-After"] = str(int(wait))
        return response
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


@api.exception_handler(MultiPartParserError)
def unreadable_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": _(
                "The upload could not be read. Send it as multipart/form-data with the "
                "file in the field 'file'."
            ),
            "errors": [{"field": "file", "code": "unreadable", "message": _("Choose a file.")}],
        },
        status=400,
    )


@api.exception_handler(Exception)
def unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error on %s", request.path)
    return api.create_response(
        request, {"detail": _("Something went wrong on our side. Please try again.")}, status=500
    )


api.add_router("/auth/", auth_router, tags=["auth"])
api.add_router("/offices", catalog_router, tags=["offices"])
api.add_router("/services", services_router, tags=["services"])
api.add_router("/applications", applications_router, tags=["applications"])
api.add_router("", public_applications_router, tags=["public"])
api.add_router("/bookings", bookings_router, tags=["bookings"])
api.add_router("", public_queue_router, tags=["queue"])
api.add_router("/assistant", assistant_router, tags=["assistant"])
api.add_router("/privacy", privacy_router, tags=["privacy"])
api.add_router("/credentials", credentials_router, tags=["credentials"])
api.add_router("/lapor", lapor_router, tags=["complaints"])
api.add_router("", sharecodes_router, tags=["status checks"])
api.add_router("/staff/", staff_router, tags=["staff"])
