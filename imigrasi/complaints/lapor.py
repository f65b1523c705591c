"""SP4N-LAPOR!: the exchange shape, the signatures of both directions, and the adapter that
sends our status updates.

The shape is ``schemas/lapor_complaint.json`` (a copy of the simulator's, as the registry
does). Both directions are signed with one shared secret (``LAPOR_SECRET``): headers
``X-Lapor-Timestamp`` (Unix seconds) and ``X-Lapor-Signature: v1=<hex HMAC-SHA256 of
"<timestamp>." + body>``, five minutes of tolerance. Talking is left to
``imigrasi.lib.http.OutboundClient``; a failure is ``DependencyUnavailable`` (the update stays
pending and is retried) or ``DependencyRejected`` (LAPOR! refused it: an officer looks).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from imigrasi.complaints import rules
from imigrasi.complaints.models import Complaint, LaporUpdate
from imigrasi.lib.http import DependencyUnavailable, OutboundClient

SCHEMAS = Path(__file__).resolve().parent / "schemas"
NAME = "LAPOR!"
SIGNATURE_HEADER = "X-Lapor-Signature"
TIMESTAMP_HEADER = "X-Lapor-Timestamp"
TOLERANCE_SECONDS = 300
UPDATES_PATH = "/v1/status-updates"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={digest.hexdigest()}"


def signature_ok(timestamp: str, signature: str, body: bytes, now: float | None = None) -> bool:
    """Whether LAPOR! signed this body recently. No secret configured: nothing is accepted."""
    secret = settings.LAPOR_SECRET
    if not secret:
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs((now or time.time()) - sent_at) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, sent_at, body), signature)


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def shape_errors(data: Any) -> list[str]:
    """The names of the fields that break the exchange shape (never their values)."""
    fields = set()
    for error in validator("lapor_complaint.json").iter_errors(data):
        path = [str(part) for part in error.absolute_path]
        fields.add(".".join(path) or (error.validator == "required" and _missing(error)) or "body")
    return sorted(str(field) for field in fields)


def _missing(error: Any) -> str:
    message = str(error.message)
    return message.split("'")[1] if message.count("'") >= 2 else "body"


def exported(complaint: Complaint) -> dict[str, Any]:
    """One complaint in the exchange shape, for LAPOR! and staff exports. Reporter details are
    never exported: LAPOR! already has them for its own complaints, and ours are ours."""
    return {
        "lapor_id": complaint.lapor_id,
        "tracking_id": complaint.number,
        "category": complaint.category,
        "agency": rules.AGENCY,
        "unit_code": complaint.office.code,
        "title": complaint.title,
        "description": complaint.description,
        "status": rules.TO_LAPOR[complaint.status],
        "created_at": _iso(complaint.created_at),
        "updated_at": _iso(complaint.status_changed_at),
        "due_on": complaint.due_on.isoformat() if complaint.due_on else None,
        "confidential": complaint.confidential,
        "anonymous": complaint.anonymous,
        "reporter": None,
    }


def _iso(value: Any) -> str:
    return str(value.isoformat().replace("+00:00", "Z"))


_clients: dict[tuple[str, float], OutboundClient] = {}
_clients_lock = threading.Lock()


def client() -> OutboundClient:
    key = (settings.LAPOR_URL, float(settings.LAPOR_TIMEOUT_SECONDS))
    with _clients_lock:
        found = _clients.get(key)
        if found is None:
            # retries=0: the update's own schedule (actions.retry_delay) is the retry policy.
            found = _clients[key] = OutboundClient(key[0], name=NAME, timeout=key[1], retries=0)
    return found


def reset_clients() -> None:
    """Close every client and forget its circuit state (tests; after a reconfiguration)."""
    with _clients_lock:
        clients = list(_clients.values())
        _clients.clear()
    for each in clients:
        each.close()


def send_update(update: LaporUpdate) -> None:
    """POST one status update; LAPOR! treats a repeated ``update_id`` as a duplicate."""
    complaint = update.complaint
    body = json.dumps(
        {
            "update_id": str(update.public_id),
            "lapor_id": complaint.lapor_id,
            "tracking_id": complaint.number,
            "status": rules.TO_LAPOR[update.status],
            "platform_status": update.status,
            "response": update.response or None,
            "updated_at": _iso(update.created_at),
        }
    ).encode()
    timestamp = int(time.time())
    response = client().request(
        "POST",
        UPDATES_PATH,
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Client-Id": "ditjen-imigrasi",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(settings.LAPOR_SECRET, timestamp, body),
        },
        idempotency_key=str(update.public_id),
    )
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or answer.get("update_id") != str(update.public_id):
        raise DependencyUnavailable(
            f"{NAME}: answer does not acknowledge the update",
            dependency=NAME,
            method="POST",
            path=UPDATES_PATH,
            reason="bad_response",
        )
