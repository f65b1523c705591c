"""On-site pages: kiosk, officer console, public display board, the ticket holder's page."""

from __future__ import annotations

import hashlib
import json

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from imigrasi.appointments.onsite import board_state
from imigrasi.catalog.models import Office


def board_response(request: HttpRequest, office: Office) -> HttpResponse:
    """The board polls every few seconds: an unchanged board costs a 304 and no rendering."""
    body = json.dumps(board_state(office), separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response
