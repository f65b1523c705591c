"""Response headers every answer needs, set once here instead of in each view.

* Answers to a signed-in request (session or bearer token) are never stored by browsers or
  shared caches: they hold personal data, and a back button after signing out on a shared
  computer must not show them. Public answers keep whatever caching their view chose.
* Every 429 says when to come back (``Retry-After``); views that know the exact wait set it
  themselves, the others get the longest window our rate limits use per minute.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

DEFAULT_RETRY_AFTER_SECONDS = 60


class ResponseHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = (user is not None and user.is_authenticated) or (
            "Authorization" in request.headers
        )
        if signed_in:
            add_never_cache_headers(response)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(DEFAULT_RETRY_AFTER_SECONDS)
        return response
