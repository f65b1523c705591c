"""Standard Webhooks signatures (https://www.standardwebhooks.com/), through the
``standardwebhooks`` package: ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``
headers, HMAC-SHA256 over ``id.timestamp.body``. During a secret rotation every secret still
in force signs, space-separated, so the agency accepts the message with either."""

from __future__ import annotations

import base64
import datetime as dt
import secrets

from standardwebhooks import Webhook


def new_secret() -> str:
    """A fresh 32-byte secret in the spec's ``whsec_`` form."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def headers(
    message_id: str, at: dt.datetime, body: bytes, secrets_in_force: list[str]
) -> dict[str, str]:
    signatures = " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets_in_force)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
        "Content-Type": "application/json",
    }
