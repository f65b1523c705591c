"""Secrets for the embedded (non-production) mode, generated once per checkout.

A fresh clone must run with zero configuration, yet must never share keys with any other
installation: so the first start writes random keys to ``var/dev-secrets.json`` (git-ignored).
Production refuses this file and requires SECRET_KEY, FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path


def _new_secrets() -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    field_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    # Signs the QR codes on issued documents (imigrasi/lib/credentials.py): ECDSA P-256.
    credential_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # The payment simulator signs callbacks with the private key; the platform verifies them.
    private = Ed25519PrivateKey.generate()
    raw = serialization.Encoding.Raw
    return {
        "secret_key": secrets.token_urlsafe(50),
        "field_keys": f"dev1:{field_key}",
        "blind_index_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "payment_private_key": base64.b64encode(
            private.private_bytes(
                raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
        ).decode(),
        "payment_public_key": base64.b64encode(
            private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
        ).decode(),
        # The demo agencies' webhook secret (Standard Webhooks ``whsec_`` form), shared by the
        # receiving-agency simulator that make run starts.
        "agency_webhook_secret": "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "credential_signing_key": credential_key.decode(),
        # Signs complaints from SP4N-LAPOR! and our status updates to it (docs/complaints.md).
        "lapor_secret": secrets.token_urlsafe(32),
    }


def load_or_create_dev_secrets(var_dir: Path) -> dict[str, str]:
    path = var_dir / "dev-secrets.json"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(_new_secrets(), indent=2))
        tmp.chmod(0o600)
        try:
            # link() fails if another process won the race; then everyone reads the winner's file.
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    data: dict[str, str] = json.loads(path.read_text())
    missing = {k: v for k, v in _new_secrets().items() if k not in data}
    if missing:
        # A checkout from before a secret existed: add it, keep the others (existing data
        # stays readable).
        data.update(missing)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=2))
        tmp.chmod(0o600)
        os.replace(tmp, path)
    return data
