"""Encryption at rest for personal data: AES-256-GCM with a rotating key ring, and blind indexes.

Token format (text, so it fits any database column)::

    enc1$<key id>$<base64url(nonce || ciphertext+tag)>

The associated data binds a token to its column ("accounts.User.nik"), so a ciphertext copied
from one column into another fails to decrypt instead of leaking. Decryption tries the key named
in the token, so old rows stay readable after a new key is put first in the ring; the
``rotate_keys`` command then re-encrypts them under the new key.

Blind index: HMAC-SHA256 of the normalised value under a separate key, for exact lookups
("is this NIK already registered?") without storing or comparing plaintext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_PREFIX = "enc1"  # noqa: S105 - format marker, not a secret
_NONCE_BYTES = 12
_FILE_MAGIC = b"IMD1"


class DecryptionError(Exception):
    """A token could not be decrypted: unknown key, tampered data or wrong column."""


@dataclass(frozen=True)
class KeyRing:
    primary_id: str
    keys: dict[str, bytes]

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        """Parse "id:base64key,id2:base64key2"; the first key is the one that encrypts."""
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for item in (part.strip() for part in spec.split(",")):
            if not item:
                continue
            key_id, sep, encoded = item.partition(":")
            if not sep or not key_id or "$" in key_id:
                raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS items look like id:base64key")
            try:
                key = base64.urlsafe_b64decode(encoded.encode())
            except (binascii.Error, ValueError) as exc:
                raise ImproperlyConfigured(f"key {key_id!r} is not valid base64") from exc
            if len(key) != 32:
                raise ImproperlyConfigured(f"key {key_id!r} must be 32 bytes (AES-256)")
            if key_id in keys:
                raise ImproperlyConfigured(f"key id {key_id!r} appears twice")
            keys[key_id] = key
            order.append(key_id)
        if not order:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
        return cls(primary_id=order[0], keys=keys)

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(self.keys[self.primary_id]).encrypt(
            nonce, plaintext.encode(), context.encode()
        )
        payload = base64.urlsafe_b64encode(nonce + sealed).decode()
        return f"{TOKEN_PREFIX}${self.primary_id}${payload}"

    def decrypt(self, token: str, context: str) -> str:
        prefix, key_id, payload = _split(token)
        if prefix != TOKEN_PREFIX:
            raise DecryptionError("not an encrypted value")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"unknown key id {key_id!r}")
        try:
            raw = base64.urlsafe_b64decode(payload.encode())
            return (
                AESGCM(key)
                .decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
                .decode()
            )
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise DecryptionError("value was tampered with or belongs to another column") from exc

    def encrypt_bytes(self, data: bytes, context: str) -> bytes:
        """Binary form for files: b"IMD1" | key-id length | key id | nonce | ciphertext+tag."""
        key_id = self.primary_id.encode()
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(self.keys[self.primary_id]).encrypt(nonce, data, context.encode())
        return _FILE_MAGIC + bytes([len(key_id)]) + key_id + nonce + sealed

    def decrypt_bytes(self, blob: bytes, context: str) -> bytes:
        if not blob.startswith(_FILE_MAGIC) or len(blob) < len(_FILE_MAGIC) + 1:
            raise DecryptionError("not an encrypted file")
        offset = len(_FILE_MAGIC)
        key_length = blob[offset]
        key_id = blob[offset + 1 : offset + 1 + key_length].decode(errors="replace")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"unknown key id {key_id!r}")
        start = offset + 1 + key_length
        try:
            return AESGCM(key).decrypt(
                blob[start : start + _NONCE_BYTES], blob[start + _NONCE_BYTES :], context.encode()
            )
        except InvalidTag as exc:
            raise DecryptionError("file was tampered with or belongs elsewhere") from exc

    def file_needs_rotation(self, blob: bytes) -> bool:
        offset = len(_FILE_MAGIC)
        key_id = blob[offset + 1 : offset + 1 + blob[offset]].decode(errors="replace")
        return key_id != self.primary_id

    def needs_rotation(self, token: str) -> bool:
        return key_id_of(token) != self.primary_id


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split("$", 2)
    if len(parts) != 3:
        raise DecryptionError("malformed encrypted value")
    return parts[0], parts[1], parts[2]


def key_id_of(token: str) -> str:
    return _split(token)[1]


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX + "$")


@lru_cache(maxsize=4)
def _ring_for(spec: str) -> KeyRing:
    return KeyRing.parse(spec)


def key_ring() -> KeyRing:
    """The configured ring (cached per setting value, so tests may override the setting)."""
    return _ring_for(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(plaintext: str, context: str) -> str:
    return key_ring().encrypt(plaintext, context)


def decrypt(token: str, context: str) -> str:
    return key_ring().decrypt(token, context)


@lru_cache(maxsize=4)
def _blind_key(spec: str) -> bytes:
    if not spec:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is empty")
    try:
        key = base64.urlsafe_b64decode(spec.encode())
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is not valid base64") from exc
    if len(key) < 32:
        raise ImproperlyConfigured("BLIND_INDEX_KEY must be at least 32 bytes")
    return key


def blind_index(normalised_value: str, purpose: str) -> str:
    """Keyed, deterministic digest; ``purpose`` separates e.g. NIK from passport numbers."""
    key = _blind_key(settings.BLIND_INDEX_KEY)
    message = f"{purpose}\x00{normalised_value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def new_key() -> str:
    """A fresh base64 AES-256 key, for operators building a key ring."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()
