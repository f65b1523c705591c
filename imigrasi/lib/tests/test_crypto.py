from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from imigrasi.lib import crypto

KEY_A = base64.urlsafe_b64encode(b"a" * 32).decode()
KEY_B = base64.urlsafe_b64encode(b"b" * 32).decode()


def ring(spec: str) -> crypto.KeyRing:
    return crypto.KeyRing.parse(spec)


@given(st.text(max_size=300))
def test_it_round_trips_any_text(plaintext: str) -> None:
    keys = ring(f"a:{KEY_A}")
    token = keys.encrypt(plaintext, "accounts.User.nik")
    assert keys.decrypt(token, "accounts.User.nik") == plaintext


def test_it_never_produces_the_same_token_twice() -> None:
    keys = ring(f"a:{KEY_A}")
    assert keys.encrypt("3273056010900009", "c") != keys.encrypt("3273056010900009", "c")


def test_it_names_the_key_that_encrypted() -> None:
    token = ring(f"a:{KEY_A},b:{KEY_B}").encrypt("x", "c")
    assert crypto.key_id_of(token) == "a"


def test_it_refuses_a_token_moved_to_another_column() -> None:
    keys = ring(f"a:{KEY_A}")
    token = keys.encrypt("081234567890", "accounts.User.phone")
    with pytest.raises(crypto.DecryptionError):
        keys.decrypt(token, "accounts.User.nik")


def test_it_refuses_a_tampered_token() -> None:
    keys = ring(f"a:{KEY_A}")
    prefix, key_id, payload = keys.encrypt("secret", "c").split("$")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 1
    tampered = f"{prefix}${key_id}${base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(crypto.DecryptionError):
        keys.decrypt(tampered, "c")


def test_old_tokens_stay_readable_after_a_new_key_is_put_first() -> None:
    old = ring(f"a:{KEY_A}").encrypt("3273056010900009", "c")
    rotated = ring(f"b:{KEY_B},a:{KEY_A}")
    assert rotated.decrypt(old, "c") == "3273056010900009"
    assert rotated.needs_rotation(old)
    assert not rotated.needs_rotation(rotated.encrypt("x", "c"))


def test_a_removed_key_makes_its_tokens_unreadable() -> None:
    old = ring(f"a:{KEY_A}").encrypt("x", "c")
    with pytest.raises(crypto.DecryptionError):
        ring(f"b:{KEY_B}").decrypt(old, "c")


@pytest.mark.parametrize(
    "spec",
    ["", "nokey", f"a:{KEY_A},a:{KEY_B}", "a:short", "a:!!!notbase64", f"a$b:{KEY_A}"],
)
def test_it_rejects_malformed_key_rings(spec: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        crypto.KeyRing.parse(spec)


def test_blind_index_is_deterministic_keyed_and_purpose_separated(settings) -> None:
    settings.BLIND_INDEX_KEY = KEY_A
    first = crypto.blind_index("3273056010900009", "nik")
    assert first == crypto.blind_index("3273056010900009", "nik")
    assert first != crypto.blind_index("3273056010900009", "passport")
    assert "3273056010900009" not in first
    settings.BLIND_INDEX_KEY = KEY_B
    assert crypto.blind_index("3273056010900009", "nik") != first


def test_files_round_trip_and_are_bound_to_their_context() -> None:
    keys = ring(f"a:{KEY_A}")
    blob = keys.encrypt_bytes(b"%PDF-1.7 scan", "documents:app-1")
    assert b"scan" not in blob
    assert keys.decrypt_bytes(blob, "documents:app-1") == b"%PDF-1.7 scan"
    with pytest.raises(crypto.DecryptionError):
        keys.decrypt_bytes(blob, "documents:app-2")
    rotated = ring(f"b:{KEY_B},a:{KEY_A}")
    assert rotated.decrypt_bytes(blob, "documents:app-1") == b"%PDF-1.7 scan"
