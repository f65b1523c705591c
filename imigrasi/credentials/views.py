"""/verifikasi/: anyone checks a document's QR code; the holder prints their own document page;
/.well-known/imigrasi-credential-keys.json: the public keys offline verifiers download.

The check page needs no sign-in (airline staff, hotels and employers use it) and works without
JavaScript. A GET never writes; a POST verifies, is rate-limited per address (a scraping loop
must not tie up the database or flood the holders' data trackers), and a valid result is
recorded in the holder's data tracker (actions.verify_code).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from imigrasi.credentials import keys
from imigrasi.credentials.actions import verify_code
from imigrasi.credentials.forms import VerifyForm
from imigrasi.credentials.models import IssuedCredential
from imigrasi.credentials.presentation import document_type_label, facts_of, verdict_for
from imigrasi.lib import credentials
from imigrasi.lib.ratelimit import allow, client_ip

DEFAULT_CHECK_RATE = "30/m/ip"
# Caches may keep the set an hour: a new key is published at least that long before it signs
# its first document (ADR 0008, key rotation), so no cached set ever lacks a signing key.
KEY_SET_MAX_AGE = 3600


def check_rate() -> str:
    """Checks per address, shared by the page and the API (one budget, two doors)."""
    return str(settings.CREDENTIAL_CHECK_RATE or DEFAULT_CHECK_RATE)


def check_allowed(request: HttpRequest) -> tuple[bool, int]:
    return allow(f"credential-check:{client_ip(request)}", check_rate())


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST if request.method == "POST" else None)
    verdict = None
    if request.method == "POST":
        allowed, retry = check_allowed(request)
        if not allowed:
            context = {"form": VerifyForm(), "limited": True, "keys_url": _keys_url(request)}
            response = render(request, "credentials/check.html", context, status=429)
            response["Retry-After"] = str(retry)
            return response
        if form.is_valid():
            user = request.user if request.user.is_authenticated else None
            result = verify_code(form.cleaned_data["code"], channel="web", actor=user)
            verdict = verdict_for(result, timezone.localdate())
            form = VerifyForm()  # the next document starts from an empty box
    return render(
        request,
        "credentials/check.html",
        {"form": form, "verdict": verdict, "keys_url": _keys_url(request)},
    )


def _keys_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("credential_keys"))


@login_required
@require_GET
def document(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The holder's printable page: the QR and the same facts in text. Anyone else: 404."""
    credential = IssuedCredential.objects.filter(
        public_id=public_id, subject_id=request.user.pk
    ).first()
    if credential is None:
        raise Http404
    return render(request, "credentials/document.html", _document_context(credential))


def _document_context(credential: IssuedCredential) -> dict[str, Any]:
    # Read back through the signature at its own issue time: the facts printed are exactly
    # the ones signed, whatever the code's state today.
    signed = credentials.verify(
        credential.code,
        trusted_keys=keys.trusted_keys(),
        now=credential.issued_at,
        is_revoked=lambda _credential_id: False,
    )
    now = timezone.now()
    if credential.is_revoked:
        state = "revoked"
    elif credential.expires_at <= now:
        state = "expired"
    elif not signed.valid:
        state = "unverifiable"  # its key was withdrawn (compromised): a new document is due
    else:
        state = "valid"
    qr = ""
    if state == "valid":
        svg = credentials.qr_svg(credential.code, title=_("QR code to check this document"))
        # segno writes it from our own signed text and escapes the title; it has no style=.
        qr = mark_safe(svg)  # noqa: S308
    return {
        "credential": credential,
        "document_type": document_type_label(credential.document_type),
        "facts": facts_of(signed.claims) if signed.claims is not None else [],
        "state": state,
        "qr": qr,
    }


@require_GET
def published_keys(request: HttpRequest) -> HttpResponse:
    """The JWK set (RFC 7517) of every key whose codes still verify: current and retired."""
    response = JsonResponse(keys.key_set(), content_type="application/jwk-set+json")
    response["Cache-Control"] = f"public, max-age={KEY_SET_MAX_AGE}"
    # Public keys, no credentials: a verifier web app on another origin may fetch them.
    response["Access-Control-Allow-Origin"] = "*"
    return response
