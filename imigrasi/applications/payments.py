"""The billing system seen from Django: settings in, BillingClient out.

Our side of the contract with the state billing system (SIMPONI/MPN G2 in production, our
simulator in development and tests): bills are created with our reference as idempotency key,
callbacks are verified with the billing system's Ed25519 public key.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from django.conf import settings

from imigrasi.lib.billing import BillingClient, PaymentNotice, verify_callback


@lru_cache(maxsize=2)
def _client(base_url: str) -> BillingClient:
    return BillingClient(base_url, timeout=settings.PAYMENT_GATEWAY_TIMEOUT)


def billing_client() -> BillingClient:
    return _client(settings.PAYMENT_GATEWAY_URL)


def callback_url() -> str:
    return f"{settings.PUBLIC_BASE_URL}/api/v1/payments/callback"


def verify(body: bytes, headers: Mapping[str, str]) -> PaymentNotice:
    return verify_callback(body, headers, settings.PAYMENT_CALLBACK_PUBLIC_KEY)
