"""Payment adapter for the state billing system (SIMPONI / MPN G2): billing codes and callbacks.

Flow: after an application is submitted the platform asks the billing system for a 15-digit
billing code (kode billing) that expires, by default after 2 hours. The applicant pays it at any
channel (bank teller, ATM, m-banking, Kantor Pos, minimarket, e-wallet); the billing system then
POSTs a signed payment notice to our callback URL.

This module is framework-free: configuration comes in as arguments and the Django side wraps it.
It does three things:

* ``BillingClient`` requests and reads bills through ``imigrasi.lib.http.OutboundClient``, so a
  billing system that is down surfaces as ``DependencyUnavailable`` ("pending, retried") and a
  refused request as ``DependencyRejected``. ``create_bill`` sends the application reference as
  ``Idempotency-Key``: asking twice (a retry after a timeout, a double click) returns the same
  bill instead of issuing a second code.
* ``verify_callback`` authenticates a payment notice and parses it. It is pure: applying a notice
  exactly once (by ``transaction_id``) is the caller's job, because a replayed notice carries a
  valid signature by design.
* ``sign_callback`` and ``generate_keypair`` are the other side of the signature, used by our
  simulator (``simulators/payment_channel``), development set-up and tests.

Callback signature: Ed25519 over ``f"{timestamp}.".encode() + body``, where ``timestamp`` is the
``X-Billing-Timestamp`` header (unix seconds, ASCII digits) and the signature travels base64 in
``X-Billing-Signature``. Binding the timestamp into the signature lets us refuse notices older
(or newer) than ``max_skew``, which limits how long a captured request can be replayed; the
``transaction_id`` check on the Django side handles replays inside that window. Ed25519 rather
than a shared HMAC secret because the platform then only holds a public key: a leaked platform
configuration cannot forge payments.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from imigrasi.lib.http import DependencyUnavailable, OutboundClient

TIMESTAMP_HEADER = "X-Billing-Timestamp"
SIGNATURE_HEADER = "X-Billing-Signature"
DEFAULT_VALIDITY = timedelta(hours=2)  # how long a billing code can be paid (domain brief)

# ASCII digits only: `\d` and str.isdigit() also accept Arabic-Indic and other Unicode digits.
_BILLING_CODE_RE = re.compile(r"[0-9]{15}")
_TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")
_MAX_CALLBACK_BYTES = 16 * 1024  # a notice is a few hundred bytes; refuse to parse more
_MAX_TEXT_FIELD = 200


class BadSignature(Exception):
    """A callback that must be ignored: bad or missing signature, stale or future timestamp,
    malformed body. The message names the reason and never contains the body."""


@dataclass(frozen=True)
class Bill:
    billing_code: str
    amount: int  # Rupiah; PNBP fees have no minor unit
    expires_at: datetime  # aware, UTC
    reference: str  # our application reference, also the idempotency key


@dataclass(frozen=True)
class PaymentNotice:
    billing_code: str
    amount: int
    paid_at: datetime  # aware, UTC
    channel: str  # e.g. "BNI Mobile", "ATM Mandiri", "Kantor Pos", "Indomaret", "DANA"
    transaction_id: str  # unique per payment: the key that makes applying a notice idempotent
    reference: str


def is_billing_code(value: object) -> bool:
    """True for exactly 15 ASCII digits (the SIMPONI / MPN G2 kode billing format)."""
    return isinstance(value, str) and _BILLING_CODE_RE.fullmatch(value) is not None


class BillingClient:
    """Client for the billing system's bill API.

    ``client`` lets the caller supply a tuned ``OutboundClient`` (its own base URL, timeouts,
    retries and circuit); otherwise one named "billing" is built from ``base_url`` and
    ``timeout`` with the module defaults. A supplied client is not closed by ``close()``.
    """

    def __init__(
        self, base_url: str, *, timeout: float = 5.0, client: OutboundClient | None = None
    ) -> None:
        self._owns_client = client is None
        self._http = client or OutboundClient(base_url, name="billing", timeout=timeout)

    def close(self) -> None:
        if self._owns_client:
            self._http.close()

    def create_bill(
        self,
        *,
        reference: str,
        amount: int,
        expires_at: datetime,
        description: str,
        callback_url: str,
    ) -> Bill:
        """Issue (or, for a reference already used, return again) the bill for an application.

        The same reference with a different amount, expiry, description or callback URL is
        refused by the billing system (``DependencyRejected`` with status 409).
        """
        if not reference:
            raise ValueError("reference is required")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise ValueError("amount must be a positive whole number of Rupiah")
        if expires_at.tzinfo is None or expires_at.utcoffset() is None:
            raise ValueError("expires_at must be timezone-aware")
        payload = {
            "reference": reference,
            "amount": amount,
            # Normalised to UTC so that a retry built from the same instant is the same body.
            "expires_at": expires_at.astimezone(UTC).isoformat(),
            "description": description,
            "callback_url": callback_url,
        }
        response = self._http.request("POST", "/v1/bills", json=payload, idempotency_key=reference)
        data = self._json_object(response, "POST", "/v1/bills")
        try:
            bill = Bill(
                billing_code=_billing_code(data["billing_code"]),
                amount=_positive_int(data["amount"]),
                expires_at=_aware_utc(data["expires_at"]),
                reference=_text(data["reference"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise self._bad_response("POST", "/v1/bills", "malformed bill") from exc
        if bill.reference != reference or bill.amount != amount:
            raise self._bad_response("POST", "/v1/bills", "bill does not match the request")
        return bill

    def get_bill(self, billing_code: str) -> dict[str, Any]:
        """The billing system's current view of a bill, including ``status``
        ("unpaid" | "paid" | "expired"). Unknown codes raise ``DependencyRejected`` (404)."""
        if not is_billing_code(billing_code):
            raise ValueError("a billing code is 15 digits")
        path = f"/v1/bills/{quote(billing_code, safe='')}"
        response = self._http.request("GET", path)
        return self._json_object(response, "GET", "/v1/bills/{code}")

    def _json_object(self, response: httpx.Response, method: str, path: str) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise self._bad_response(method, path, "answer is not a JSON object")
        return data

    def _bad_response(self, method: str, path: str, why: str) -> DependencyUnavailable:
        # The billing system answered 2xx but not what the contract says. Treated as
        # "unavailable" so the work stays pending: create_bill is idempotent, a retry is safe.
        return DependencyUnavailable(
            f"billing: {why}",
            dependency=self._http.name,
            method=method,
            path=path,
            reason="bad_response",
        )


def verify_callback(
    body: bytes,
    headers: Mapping[str, str],
    public_key_b64: str,
    *,
    now: datetime | None = None,
    max_skew: timedelta = timedelta(minutes=5),
) -> PaymentNotice:
    """Authenticate and parse a payment notice, or raise ``BadSignature``.

    Checks, in order: timestamp header present and numeric; within ``max_skew`` of ``now``
    (either direction); signature header valid base64 of 64 bytes; Ed25519 signature valid for
    ``timestamp + "." + body``; body a JSON object with every field well-formed. The body is
    parsed only after the signature checks out. Header names are matched case-insensitively.
    An unusable ``public_key_b64`` is a configuration error and raises ``ValueError``.
    """
    public_key = _load_public_key(public_key_b64)
    timestamp = _header(headers, TIMESTAMP_HEADER)
    signature_b64 = _header(headers, SIGNATURE_HEADER)
    if timestamp is None or signature_b64 is None:
        raise BadSignature("missing signature headers")
    if _TIMESTAMP_RE.fullmatch(timestamp) is None:
        raise BadSignature("malformed timestamp")
    signed_at = datetime.fromtimestamp(int(timestamp), tz=UTC)
    current = (now or datetime.now(UTC)).astimezone(UTC)
    if abs(current - signed_at) > max_skew:
        raise BadSignature("timestamp outside the allowed window")
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadSignature("signature is not base64") from exc
    if len(signature) != 64:
        raise BadSignature("signature has the wrong length")
    if len(body) > _MAX_CALLBACK_BYTES:
        raise BadSignature("body too large")
    try:
        public_key.verify(signature, _signed_message(timestamp, body))
    except InvalidSignature as exc:
        raise BadSignature("signature does not match") from exc
    return _parse_notice(body)


def sign_callback(body: bytes, private_key_b64: str, *, timestamp: int) -> dict[str, str]:
    """The two headers that authenticate ``body`` (the billing system's side, for simulators)."""
    private_key = Ed25519PrivateKey.from_private_bytes(_b64_key(private_key_b64, "private"))
    signature = private_key.sign(_signed_message(str(timestamp), body))
    return {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: base64.b64encode(signature).decode("ascii"),
    }


def generate_keypair() -> tuple[str, str]:
    """A fresh Ed25519 key pair as (private_b64, public_b64): raw 32-byte keys, base64."""
    private_key = Ed25519PrivateKey.generate()
    private_b64 = base64.b64encode(private_key.private_bytes_raw()).decode("ascii")
    return private_b64, public_key_for(private_b64)


def public_key_for(private_key_b64: str) -> str:
    """The base64 public key that verifies signatures made with ``private_key_b64``."""
    private_key = Ed25519PrivateKey.from_private_bytes(_b64_key(private_key_b64, "private"))
    return base64.b64encode(private_key.public_key().public_bytes_raw()).decode("ascii")


# --- helpers ---------------------------------------------------------------------------------


def _signed_message(timestamp: str, body: bytes) -> bytes:
    return f"{timestamp}.".encode("ascii") + body


def _b64_key(value: str, kind: str) -> bytes:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"the {kind} key is not valid base64") from exc
    if len(raw) != 32:
        raise ValueError(f"the {kind} key must be 32 bytes (raw Ed25519)")
    return raw


def _load_public_key(public_key_b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_b64_key(public_key_b64, "public"))


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    for key, candidate in headers.items():
        if key.lower() == wanted:
            return candidate
    return None


def _parse_notice(body: bytes) -> PaymentNotice:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadSignature("body is not JSON") from exc
    if not isinstance(data, dict):
        raise BadSignature("body is not a JSON object")
    fields: dict[str, Any] = {}
    for name, parse in _NOTICE_FIELDS.items():
        if name not in data:
            raise BadSignature(f"missing field {name!r}")
        try:
            fields[name] = parse(data[name])
        except (TypeError, ValueError) as exc:
            # The reason names the field only: values may be personal and end up in logs.
            raise BadSignature(f"malformed field {name!r}") from exc
    return PaymentNotice(**fields)


def _billing_code(value: object) -> str:
    if not isinstance(value, str) or _BILLING_CODE_RE.fullmatch(value) is None:
        raise ValueError("billing_code must be 15 digits")
    return value


def _positive_int(value: object) -> int:
    # bool is an int subclass; JSON `true` must not pass as an amount of 1.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("amount must be a positive integer")
    return value


def _aware_utc(value: object) -> datetime:
    if not isinstance(value, str):
        raise TypeError("datetime must be an ISO 8601 string")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("datetime must carry a UTC offset")
    return parsed.astimezone(UTC)


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_TEXT_FIELD:
        raise ValueError(f"text fields are 1-{_MAX_TEXT_FIELD} characters")
    return value


_NOTICE_FIELDS: dict[str, Callable[[object], Any]] = {
    "billing_code": _billing_code,
    "amount": _positive_int,
    "paid_at": _aware_utc,
    "channel": _text,
    "transaction_id": _text,
    "reference": _text,
}
