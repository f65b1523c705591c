"""SP4N-LAPOR! simulator: the national complaint channel that disposes complaints to us.

Run::

    python -m simulators.lapor.server --host 127.0.0.1 --port 8006 [--port-file PATH] \\
        [--secret S] [--platform-url URL] [--mode MODE --delay S] [--quiet]

The shared secret may also come from ``LAPOR_SECRET`` and the platform's address from
``LAPOR_PLATFORM_URL`` (``make run`` sets both). Standard library only.

Both directions are signed the same way (docs/complaints.md): header ``X-Lapor-Timestamp``
(Unix seconds) and ``X-Lapor-Signature: v1=<hex>``, the HMAC-SHA256 under the shared secret of
``"<timestamp>." + body``; a timestamp more than five minutes off is refused.

Agency endpoint (what we call; needs ``X-Client-Id``, failure modes apply as described in
``simulators.government_common``):

``POST /v1/status-updates`` body: ``schemas/status_update.json``
    200 ``{"received": true, "update_id", "duplicate": bool}``; an ``update_id`` seen before is
    a duplicate (recorded once). 401 for a missing or wrong signature (when a secret is set),
    422 ``{"detail", "field"}`` for a body that breaks the shape.

Test plumbing (no client id, no failure mode):

``GET /_control/received`` / ``DELETE /_control/received``
    ``{"updates": [...], "duplicates": n, "rejected": n}``; DELETE forgets everything.
``POST /_control/push`` body ``{"url"?, "index"?, "complaint"?, "times"?}``
    Posts one complaint (``complaint`` as given, else the ``index``-th realistic one from
    ``complaints.json``, else a random one) to ``<url>/api/v1/lapor/complaints``, signed,
    ``times`` times (1-5; the same body each time, as LAPOR! does when it did not see our
    answer). ``url`` defaults to ``--platform-url``. Answers ``{"complaint", "answers":
    [{"status", "body"}]}``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Final

from simulators.government_common import (
    ApiError,
    Reply,
    Route,
    build_parser,
    current_headers,
    json_reply,
    parse_json,
    require_object,
    serve,
)

DEFAULT_PORT: Final = 8006
HERE: Final = Path(__file__).resolve().parent
COMPLAINTS: Final = HERE / "complaints.json"
SIGNATURE_HEADER: Final = "X-Lapor-Signature"
TIMESTAMP_HEADER: Final = "X-Lapor-Timestamp"
TOLERANCE_SECONDS: Final = 300
INBOUND_PATH: Final = "/api/v1/lapor/complaints"
LAPOR_STATUSES: Final = ("diterima", "diverifikasi", "didisposisikan", "ditindaklanjuti", "selesai")
PLATFORM_STATUSES: Final = ("received", "verified", "assigned", "followed_up", "answered", "closed")
_TRACKING = re.compile(r"PG[0-9]{10}")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Lapor-Signature`` value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={digest.hexdigest()}"


def signature_ok(secret: str, timestamp: str, signature: str, body: bytes) -> bool:
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(time.time() - sent_at) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, sent_at, body), signature)


class Lapor:
    """What the channel remembers: our status updates, and the complaints it can send."""

    def __init__(self, secret: str, platform_url: str, complaints: list[dict[str, Any]]) -> None:
        self.secret = secret
        self.platform_url = platform_url.rstrip("/")
        self.complaints = complaints
        self.lock = threading.Lock()
        self.updates: dict[str, dict[str, Any]] = {}
        self.duplicates = 0
        self.rejected = 0

    # Agency endpoint ---------------------------------------------------------------------

    def status_update(self, match: re.Match[str], body: bytes) -> Reply:
        headers = current_headers()
        if self.secret and not signature_ok(
            self.secret,
            headers.get(TIMESTAMP_HEADER, ""),
            headers.get(SIGNATURE_HEADER, ""),
            body,
        ):
            with self.lock:
                self.rejected += 1
            raise ApiError(401, "missing or wrong X-Lapor-Signature")
        update = _status_update(parse_json(body))
        with self.lock:
            duplicate = update["update_id"] in self.updates
            if duplicate:
                self.duplicates += 1
            else:
                self.updates[update["update_id"]] = update
        return json_reply(
            200, {"received": True, "update_id": update["update_id"], "duplicate": duplicate}
        )

    # Test plumbing -----------------------------------------------------------------------

    def control(self, method: str, path: str, body: bytes) -> Reply | None:
        if path == "/_control/received":
            if method not in ("GET", "DELETE"):
                raise ApiError(405, "method not allowed", headers=(("Allow", "GET, DELETE"),))
            with self.lock:
                if method == "DELETE":
                    self.updates.clear()
                    self.duplicates = self.rejected = 0
                snapshot = {
                    "updates": list(self.updates.values()),
                    "duplicates": self.duplicates,
                    "rejected": self.rejected,
                }
            return json_reply(200, snapshot)
        if path == "/_control/push":
            if method != "POST":
                raise ApiError(405, "method not allowed", headers=(("Allow", "POST"),))
            return self.push(require_object(parse_json(body) or {}))
        return None

    def push(self, options: dict[str, Any]) -> Reply:
        url = str(options.get("url") or self.platform_url).rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ApiError(422, "url: the platform's base URL is needed", field="url")
        times = options.get("times", 1)
        if type(times) is not int or not 1 <= times <= 5:
            raise ApiError(422, "times must be 1 to 5", field="times")
        complaint = options.get("complaint")
        if complaint is None:
            index = options.get("index")
            if index is None:
                base = random.choice(self.complaints)
            elif type(index) is int and 0 <= index < len(self.complaints):
                base = self.complaints[index]
            else:
                raise ApiError(422, "index is out of range", field="index")
            complaint = new_complaint(base)
        body = json.dumps(complaint).encode()
        answers = [self._send(url + INBOUND_PATH, body) for _ in range(times)]
        return json_reply(200, {"complaint": complaint, "answers": answers})

    def _send(self, url: str, body: bytes) -> dict[str, Any]:
        timestamp = int(time.time())
        request = urllib.request.Request(  # noqa: S310 - http(s) checked in push()
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept-Language": "en",
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign(self.secret, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                return {"status": answer.status, "body": _json(answer.read())}
        except urllib.error.HTTPError as exc:
            return {"status": exc.code, "body": _json(exc.read())}
        except OSError as exc:
            return {"status": 0, "body": {"detail": f"not reachable: {type(exc).__name__}"}}

    def routes(self) -> list[Route]:
        return [
            Route(
                "POST",
                re.compile(r"/v1/status-updates"),
                "POST /v1/status-updates",
                self.status_update,
            )
        ]


def new_complaint(base: dict[str, Any]) -> dict[str, Any]:
    """One complaint in the exchange shape, as LAPOR! disposes it: a fresh LAPOR! id, verified
    by LAPOR!'s administrators, anonymous when no reporter is given."""
    reporter = base.get("reporter")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return {
        "lapor_id": f"LPR-{now:%Y}-{uuid.uuid4().int % 10**7:07d}",
        "tracking_id": None,
        "category": base["category"],
        "agency": "Direktorat Jenderal Imigrasi",
        "unit_code": base.get("unit_code", ""),
        "title": base.get("title", ""),
        "description": base["description"],
        "status": "diverifikasi",
        "created_at": (now - dt.timedelta(hours=2)).isoformat().replace("+00:00", "Z"),
        "updated_at": now.isoformat().replace("+00:00", "Z"),
        "due_on": None,
        "confidential": bool(base.get("confidential", False)),
        "anonymous": reporter is None,
        "reporter": reporter,
    }


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return {"detail": "not JSON", "text": raw[:200].decode(errors="replace")}


def _status_update(payload: Any) -> dict[str, Any]:
    """Check an update against the contract; 422 naming the first bad field."""
    data = require_object(payload)
    checks: list[tuple[str, bool]] = [
        ("update_id", _is_uuid(data.get("update_id"))),
        ("lapor_id", isinstance(data.get("lapor_id"), str) and 3 <= len(data["lapor_id"]) <= 40),
        (
            "tracking_id",
            bool(_TRACKING.fullmatch(str(data.get("tracking_id")))),
        ),
        ("status", data.get("status") in LAPOR_STATUSES),
        ("platform_status", data.get("platform_status") in PLATFORM_STATUSES),
        ("response", data.get("response") is None or isinstance(data.get("response"), str)),
        ("updated_at", _is_datetime(data.get("updated_at"))),
    ]
    for name, ok in checks:
        if not ok:
            raise ApiError(422, f"{name} is missing or not valid", field=name)
    extra = set(data) - {name for name, _ok in checks}
    if extra:
        raise ApiError(422, f"unknown field {sorted(extra)[0]}", field=sorted(extra)[0])
    return data


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(
        "python -m simulators.lapor.server",
        "SP4N-LAPOR! simulator (the national complaint channel).",
        DEFAULT_PORT,
    )
    parser.add_argument("--secret", default=os.environ.get("LAPOR_SECRET", ""))
    parser.add_argument(
        "--platform-url",
        default=os.environ.get("LAPOR_PLATFORM_URL", "http://127.0.0.1:8000"),
        help="where /_control/push sends complaints",
    )
    args = parser.parse_args(argv)
    complaints = json.loads(COMPLAINTS.read_text(encoding="utf-8"))["complaints"]
    lapor = Lapor(args.secret, args.platform_url, complaints)
    return serve(args, lapor.routes(), "lapor", extra_control=lapor.control)


if __name__ == "__main__":
    sys.exit(main())
