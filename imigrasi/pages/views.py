"""Public pages, health probes, PWA plumbing and error pages."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from imigrasi.pages.middleware import SUPPORTED


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/terms.html")


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/offline.html")


@require_GET
def set_language(request: HttpRequest, code: str) -> HttpResponse:
    """A plain link (works without JavaScript and forms) that stores the language choice."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if code in SUPPORTED:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
            httponly=True,
        )
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; point them at the real icon."""
    return HttpResponsePermanentRedirect(static("icons/favicon-32.png"))


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else, so it stays cheap under load."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers. A load balancer stops routing here when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "Imigrasi Digital",
        "short_name": "Imigrasi",
        "description": _(
            "Apply for passports, visas and stay permits online, book an office visit and "
            "follow your application."
        ),
        "lang": getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b3d6b",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")


# Static files the service worker pre-caches; resolved through the manifest storage so that the
# cache names the same fingerprinted files the pages link to.
PRECACHED_STATIC = (
    "govuk/imigrasi.min.css",
    "css/site.css",
    "govuk/govuk-frontend.min.js",
    "js/init.mjs",
    "js/sw-register.js",
    "icons/favicon.svg",
    "icons/icon-192.png",
)


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site root so its scope covers every page."""
    precache = [static(path) for path in PRECACHED_STATIC]
    # Fingerprinted names change with content, so the cache version follows the files.
    version = hashlib.sha256("|".join(precache).encode()).hexdigest()[:12]
    body = render(
        request,
        "pages/sw.js",
        {
            "precache_json": json.dumps(precache),
            "offline_url": "/offline/",
            "cache_version": version,
        },
        content_type="text/javascript",
    )
    body["Service-Worker-Allowed"] = "/"
    return body


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Something went wrong on our side.")}, status=500)
    try:
        return render(request, "errors/500.html", status=500)
    except Exception:  # the failure may be the database the page chrome reads (the session)
        return HttpResponse(
            '<!DOCTYPE html><html lang="id"><title>Imigrasi Digital</title>'
            "<h1>Maaf, layanan sedang bermasalah / Sorry, the service has a problem</h1>",
            status=500,
        )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("You do not have access to this.")}, status=403)
    return render(request, "errors/403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)
