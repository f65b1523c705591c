"""The public keys we publish, and therefore trust: the current signing key plus retired ones.

A retired key no longer signs but stays published until the last code it signed has expired
(ADR 0008, key rotation); its public half lives in ``CREDENTIAL_RETIRED_KEYS_FILE`` (a JWK set).
Parsing keys costs more than a verification, so the set is built once per process for each
(signing key, file) pair: ``override_settings`` in tests gets a fresh set, and a rotation takes
effect when the processes restart with the new configuration.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from imigrasi.lib import credentials


def signing_key_pem() -> str:
    """The private key that signs new codes; refusing to issue beats issuing unverifiable ones."""
    pem = str(getattr(settings, "CREDENTIAL_SIGNING_KEY", "") or "")
    if not pem.strip():
        raise ImproperlyConfigured("CREDENTIAL_SIGNING_KEY is not set: documents cannot be signed")
    return pem


def current_key_id() -> str:
    """Hex kid of the signing key, stored with each code so a rotation can be traced."""
    return _kid(signing_key_pem())


@lru_cache(maxsize=4)
def _kid(pem: str) -> str:
    return credentials.key_id(pem).hex()


@lru_cache(maxsize=4)
def _published(pem: str, retired_file: str) -> tuple[tuple[bytes, ec.EllipticCurvePublicKey], ...]:
    keys: dict[bytes, ec.EllipticCurvePublicKey] = {}
    if pem.strip():
        # Through the published form, so what we trust is exactly what verifiers will load.
        keys.update(credentials.trusted_keys_from_jwks(credentials.public_key_set([pem])))
    if retired_file:
        try:
            jwks: Any = json.loads(Path(retired_file).read_text(encoding="utf-8"))
            retired = credentials.trusted_keys_from_jwks(jwks)
        except (OSError, ValueError, AttributeError) as exc:
            raise ImproperlyConfigured(
                f"CREDENTIAL_RETIRED_KEYS_FILE {retired_file!r} is not a valid JWK set"
            ) from exc
        for kid, public in retired.items():
            keys.setdefault(kid, public)  # the current key first, each kid once
    return tuple(keys.items())


def _configured() -> tuple[str, str]:
    return (
        str(getattr(settings, "CREDENTIAL_SIGNING_KEY", "") or ""),
        str(getattr(settings, "CREDENTIAL_RETIRED_KEYS_FILE", "") or ""),
    )


def trusted_keys() -> dict[bytes, ec.EllipticCurvePublicKey]:
    """kid → public key, as ``credentials.verify`` wants them: current first, then retired."""
    return dict(_published(*_configured()))


def key_set() -> dict[str, Any]:
    """The JWK set served at /.well-known/imigrasi-credential-keys.json."""
    return credentials.public_key_set(trusted_keys().values())
