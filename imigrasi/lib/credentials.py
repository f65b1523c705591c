"""Documents verifiable offline: signed QR payloads in the EU Digital COVID Certificate style.

Wire format (ADR 0008)::

    "ID1:" + base45(zlib(COSE_Sign1(ES256, protected {alg: -7, kid}, payload = CWT claims)))

CWT claims: ``1`` iss "ID", ``6`` iat, ``4`` exp and the private-use claim ``-65537`` (RFC 8392
reserves keys below -65536 for private use; -260 is the DCC's registered "hcert") holding a small
map with short keys, only what an inspector needs::

    v  schema version (1)      t   document type        id  credential id (for revocation)
    n  holder name             dob date of birth (ISO, may be partial: "1980" or "1980-04")
    nat nationality (ICAO 3)   no  document/permit number
    vf / vu  valid from / until (ISO dates, optional)   w  work permitted (bool, optional)

COSE_Sign1 is built here with cbor2 + cryptography per RFC 9052 rather than with pycose 1.1.0:
pycose cannot decode any message under cbor2 6 (arrays in tags now decode as tuples; pycose
issue 141), signs with the pure-Python ``ecdsa`` package, and pulls in ``oscrypto``, which fails
to import against OpenSSL 3.0.10 and later. The module needs no Django, so a stand-alone
verifier can use it with the published key set.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal

import base45  # type: ignore[import-untyped]
import cbor2
import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

PREFIX = "ID1:"
ISSUER = "ID"
DOCUMENT_TYPES = frozenset({"evisa", "itas", "itap", "decision_letter", "visit_letter"})
PAYLOAD_CLAIM = -65537
SCHEMA_VERSION = 1
# The largest QR code (version 40-L) holds 4,296 alphanumeric characters: nothing longer was
# scanned from one. The decompressed cap stops zip bombs (zlib expands up to ~1,000x).
MAX_TEXT_CHARS = 4296
MAX_COSE_BYTES = 8192
# Offline devices' clocks drift; a code issued a few minutes "in the future" is still accepted.
CLOCK_SKEW = timedelta(minutes=5)

Reason = Literal[
    "ok", "malformed", "unknown_key", "bad_signature", "expired", "not_yet_valid", "revoked"
]
KeyLike = str | bytes | ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey

_COSE_SIGN1_TAG = 18
_ALG, _KID, _CRIT = 1, 4, 2
_ES256 = -7
_ISS, _EXP, _IAT = 1, 4, 6
_WIRE = {  # readable name -> short key on the wire
    "document_type": "t",
    "credential_id": "id",
    "holder_name": "n",
    "date_of_birth": "dob",
    "nationality": "nat",
    "document_number": "no",
    "valid_from": "vf",
    "valid_until": "vu",
    "work_permitted": "w",
}
_REQUIRED = ("document_type", "holder_name", "date_of_birth", "nationality", "document_number")
_PARTIAL_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
_NATIONALITY = re.compile(r"[A-Z<]{3}")


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of reading a code; ``claims`` is set only when ``valid``."""

    valid: bool
    reason: Reason
    claims: Mapping[str, Any] | None = None


def _refused(reason: Reason) -> Verification:
    return Verification(valid=False, reason=reason)


# --- keys -----------------------------------------------------------------------------------


def generate_signing_key() -> str:
    """A new EC P-256 private key as unencrypted PKCS#8 PEM (store it as a secret)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem.decode("ascii")


def _private_key(key_pem: str) -> ec.EllipticCurvePrivateKey:
    """PEM, or base64 of the DER PKCS#8 (handier in an environment variable)."""
    data = key_pem.strip().encode("ascii")
    if data.startswith(b"-----BEGIN"):
        key = serialization.load_pem_private_key(data, password=None)
    else:
        key = serialization.load_der_private_key(base64.b64decode(data), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("the signing key must be an EC P-256 private key")
    return key


def _public_key(value: KeyLike) -> ec.EllipticCurvePublicKey:
    """A key object, a public PEM or a private key as ``_private_key`` reads it; P-256 only."""
    key: object = value
    if isinstance(value, ec.EllipticCurvePrivateKey):
        key = value.public_key()
    elif isinstance(value, str | bytes):
        text = value.decode("ascii") if isinstance(value, bytes) else value
        if "-----BEGIN PUBLIC KEY-----" in text:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        else:
            key = _private_key(text).public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ValueError("keys must be EC P-256 keys")
    return key


def key_id(key: KeyLike) -> bytes:
    """First 8 bytes of SHA-256 over the DER SubjectPublicKeyInfo.

    The EU DCC hashes its X.509 signer certificate; we publish bare keys, so we hash the key.
    """
    spki = _public_key(key).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).digest()[:8]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected a base64url string")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_key_set(keys: Iterable[KeyLike]) -> dict[str, Any]:
    """The JWK set to publish at a well-known URL; several keys during a rotation."""
    entries = []
    for value in keys:
        public = _public_key(value)
        numbers = public.public_numbers()
        entries.append(
            {
                "kty": "EC",
                "crv": "P-256",
                "x": _b64url(numbers.x.to_bytes(32, "big")),
                "y": _b64url(numbers.y.to_bytes(32, "big")),
                "kid": _b64url(key_id(public)),
                "alg": "ES256",
                "use": "sig",
            }
        )
    return {"keys": entries}


def trusted_keys_from_jwks(jwks: Mapping[str, Any]) -> dict[bytes, ec.EllipticCurvePublicKey]:
    """Load a published JWK set for an offline verifier.

    Keys of other types are skipped (RFC 7517 §5: ignore what you do not understand); a P-256
    entry that is broken or whose kid does not match its key raises ValueError.
    """
    trusted: dict[bytes, ec.EllipticCurvePublicKey] = {}
    for entry in jwks.get("keys", []):
        ours = {"kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig"}
        if not isinstance(entry, Mapping) or any(
            entry.get(name, value) != value for name, value in ours.items()
        ):
            continue
        x, y = _b64url_decode(entry.get("x")), _b64url_decode(entry.get("y"))
        if len(x) != 32 or len(y) != 32:
            raise ValueError("a P-256 coordinate is 32 bytes")
        numbers = ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
        )
        public = numbers.public_key()  # raises ValueError for a point off the curve
        kid = _b64url_decode(entry.get("kid"))
        if kid != key_id(public):
            raise ValueError(f"kid {entry.get('kid')!r} does not match its key")
        trusted[kid] = public
    return trusted


# --- issuing --------------------------------------------------------------------------------


def _partial_date(text: str) -> bool:
    """ICAO 9303 lets a birth date lack its day or month ("1980", "1980-04"), as the DCC does."""
    if not _PARTIAL_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat((text + "-01-01")[:10])
    except ValueError:
        return False
    return True


def _iso(value: object, name: str, *, partial: bool = False) -> str:
    if isinstance(value, datetime):
        raise ValueError(f"{name} is a date, not a datetime")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and partial and _partial_date(value):
        return value
    if isinstance(value, str) and not partial:
        return date.fromisoformat(value).isoformat()
    raise ValueError(f"{name} must be a date")


def _text(value: object, name: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ValueError(f"{name} must be non-empty text of at most {limit} characters")
    return value.strip()


def _wire_payload(claims: Mapping[str, Any], credential_id: str) -> dict[str, Any]:
    unknown = set(claims) - (set(_WIRE) - {"credential_id"})  # that one is a keyword argument
    if unknown:  # data minimisation: only the fields an inspector needs go into the code
        raise ValueError(f"claims not allowed in a credential: {sorted(unknown)}")
    missing = [name for name in _REQUIRED if claims.get(name) is None]
    if missing:
        raise ValueError(f"claims missing: {missing}")
    if claims["document_type"] not in DOCUMENT_TYPES:
        raise ValueError(f"document_type must be one of {sorted(DOCUMENT_TYPES)}")
    nationality = claims["nationality"]
    if not isinstance(nationality, str) or not _NATIONALITY.fullmatch(nationality):
        raise ValueError("nationality is an ICAO 9303 three-letter code")
    wire: dict[str, Any] = {
        "v": SCHEMA_VERSION,
        "t": claims["document_type"],
        "id": _text(credential_id, "credential_id", 64),
        "n": _text(claims["holder_name"], "holder_name", 120),
        "dob": _iso(claims["date_of_birth"], "date_of_birth", partial=True),
        "nat": nationality,
        "no": _text(claims["document_number"], "document_number", 40),
    }
    for name in ("valid_from", "valid_until"):
        if claims.get(name) is not None:
            wire[_WIRE[name]] = _iso(claims[name], name)
    if claims.get("work_permitted") is not None:
        if not isinstance(claims["work_permitted"], bool):
            raise ValueError("work_permitted must be a bool")
        wire["w"] = claims["work_permitted"]
    return wire


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    """RFC 9052 §4.4: what ES256 signs, with an empty external_aad."""
    return cbor2.dumps(["Signature1", protected, b"", payload])


def issue(
    claims: Mapping[str, Any],
    *,
    key_pem: str,
    issued_at: datetime,
    expires_at: datetime,
    credential_id: str,
) -> str:
    """Sign ``claims`` into the prefixed base45 text to put in the document's QR code."""
    if issued_at.tzinfo is None or expires_at.tzinfo is None:
        raise ValueError("issued_at and expires_at must be timezone-aware")
    iat, exp = int(issued_at.timestamp()), int(expires_at.timestamp())
    if exp <= iat:
        raise ValueError("expires_at must be after issued_at")
    key = _private_key(key_pem)
    cwt = {_ISS: ISSUER, _IAT: iat, _EXP: exp, PAYLOAD_CLAIM: _wire_payload(claims, credential_id)}
    payload = cbor2.dumps(cwt)
    protected = cbor2.dumps({_ALG: _ES256, _KID: key_id(key)})
    der = key.sign(_sig_structure(protected, payload), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")  # COSE wants raw r || s
    cose = cbor2.dumps(cbor2.CBORTag(_COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    return PREFIX + base45.b45encode(zlib.compress(cose, 9)).decode("ascii")


# --- verifying ------------------------------------------------------------------------------


class _Malformed(Exception):
    """Internal: the input is not one of our codes."""


def _unwrap(text: object, prefix: str) -> bytes:
    """Prefix, base45 and zlib off, each bounded in size."""
    if not isinstance(text, str) or len(text) > MAX_TEXT_CHARS:
        raise _Malformed
    text = text.rstrip("\r\n")
    if not text.startswith(prefix):
        raise _Malformed
    try:
        compressed = base45.b45decode(text[len(prefix) :])
        inflater = zlib.decompressobj()
        cose = inflater.decompress(compressed, MAX_COSE_BYTES + 1)
    except (ValueError, zlib.error) as exc:
        raise _Malformed from exc
    if len(cose) > MAX_COSE_BYTES or not inflater.eof or inflater.unused_data:
        raise _Malformed  # a zip bomb, a truncated stream or trailing junk
    return bytes(cose)


def _plain(value: object, budget: list[int], depth: int = 0) -> object:
    """Allow only plain CBOR data, in a bounded number of nodes.

    cbor2 decodes tags into datetimes, decimals and shared references (which can build cycles
    or an exponential tree out of a few bytes); none belong in our codes.
    """
    budget[0] -= 1
    if budget[0] < 0 or depth > 8:
        raise _Malformed
    if type(value) in (int, str, bytes, bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(item, budget, depth + 1) for item in value]
    if isinstance(value, Mapping):  # cbor2 decodes maps inside tags as its frozendict
        if not all(type(key) in (int, str) for key in value):
            raise _Malformed
        return {key: _plain(item, budget, depth + 1) for key, item in value.items()}
    raise _Malformed


def _cbor(data: object) -> Any:
    """One CBOR item, strictly: no duplicate keys, no indefinite lengths, no trailing bytes."""
    if not isinstance(data, bytes):
        raise _Malformed
    stream = io.BytesIO(data)
    try:
        decoder = cbor2.CBORDecoder(
            stream, max_depth=16, allow_indefinite=False, allow_duplicate_keys=False
        )
        value = decoder.decode()
    except (cbor2.CBORError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise _Malformed from exc
    if stream.tell() != len(data):
        raise _Malformed
    return value


def _header(data: object) -> dict[Any, Any]:
    header = _plain(data, [MAX_COSE_BYTES])
    if not isinstance(header, dict):
        raise _Malformed
    return header


def _open_sign1(cose: bytes, trusted_keys: Mapping[bytes, KeyLike]) -> tuple[Reason, bytes | None]:
    """Check a COSE_Sign1 (tagged 18 or untagged) and return its payload if the signature holds.

    The payload is not decoded before its signature is checked.
    """
    message = _cbor(cose)
    if isinstance(message, cbor2.CBORTag):
        if message.tag != _COSE_SIGN1_TAG:
            raise _Malformed
        message = message.value
    if not isinstance(message, list | tuple) or len(message) != 4:
        raise _Malformed
    protected_bytes, unprotected, payload, signature = message
    if not all(isinstance(part, bytes) for part in (protected_bytes, payload, signature)):
        raise _Malformed
    protected = _header(_cbor(protected_bytes)) if protected_bytes else {}
    unprotected = _header(unprotected)
    if protected.get(_ALG) != _ES256 or _CRIT in protected:
        raise _Malformed  # alg must be signed; we understand no critical extensions
    kid = protected.get(_KID, unprotected.get(_KID))
    if not isinstance(kid, bytes):
        raise _Malformed
    if kid not in trusted_keys:
        return "unknown_key", None
    if len(signature) != 64:
        return "bad_signature", None
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        _public_key(trusted_keys[kid]).verify(
            der, _sig_structure(protected_bytes, payload), ec.ECDSA(hashes.SHA256())
        )
    except InvalidSignature:
        return "bad_signature", None
    return "ok", payload


def _readable(wire: object) -> dict[str, Any]:
    """Our payload map back to readable names, checking every type."""
    if not isinstance(wire, dict) or wire.get("v") != SCHEMA_VERSION:
        raise _Malformed
    names = {short: name for name, short in _WIRE.items()}
    if set(wire) - set(names) - {"v"}:
        raise _Malformed
    claims: dict[str, Any] = {}
    for short, name in names.items():
        value = wire.get(short)
        if value is None:
            if name in (*_REQUIRED, "credential_id"):
                raise _Malformed
            continue
        expected = bool if name == "work_permitted" else str
        if type(value) is not expected:
            raise _Malformed
        claims[name] = value
    if claims["document_type"] not in DOCUMENT_TYPES:
        raise _Malformed
    if not _partial_date(claims["date_of_birth"]):
        raise _Malformed
    try:
        for name in ("valid_from", "valid_until"):
            if name in claims:
                claims[name] = date.fromisoformat(claims[name])
    except ValueError as exc:
        raise _Malformed from exc
    return claims


def _moment(value: object) -> datetime:
    if type(value) is not int:
        raise _Malformed
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise _Malformed from exc


def verify(
    text: str,
    *,
    trusted_keys: Mapping[bytes, KeyLike],
    now: datetime,
    is_revoked: Callable[[str], bool],
    prefix: str = PREFIX,
) -> Verification:
    """Read a scanned code. Hostile input gives a reason, never an exception.

    Checks run from cheapest to dearest: envelope, key, signature, times, then ``is_revoked``
    (which is only ever called with a credential id we signed; what it raises propagates).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    try:
        reason, payload = _open_sign1(_unwrap(text, prefix), trusted_keys)
        if reason != "ok":
            return _refused(reason)
        cwt = _plain(_cbor(payload), [MAX_COSE_BYTES])
        if not isinstance(cwt, dict) or cwt.get(_ISS) != ISSUER:
            raise _Malformed
        claims = _readable(cwt.get(PAYLOAD_CLAIM))
        issued_at, expires_at = _moment(cwt.get(_IAT)), _moment(cwt.get(_EXP))
    except _Malformed:
        return _refused("malformed")
    if now + CLOCK_SKEW < issued_at:
        return _refused("not_yet_valid")
    if now >= expires_at:
        return _refused("expired")
    if is_revoked(claims["credential_id"]):
        return _refused("revoked")
    claims |= {"issued_at": issued_at, "expires_at": expires_at}
    return Verification(valid=True, reason="ok", claims=MappingProxyType(claims))


# --- QR code --------------------------------------------------------------------------------


def qr_code(text: str) -> segno.QRCode:
    """The QR symbol: error correction M, never a Micro QR; base45 is in alphanumeric mode."""
    return segno.make(text, error="m", boost_error=False, micro=False)


def qr_svg(text: str, *, title: str = "Verification QR code", scale: int = 4) -> str:
    """Standalone SVG with a title and ``role="img"``; attributes only, no ``style=`` (CSP)."""
    buffer = io.BytesIO()
    # No class names, no XML declaration; a white quiet zone, so the code scans on a dark page.
    options = {"xmldecl": False, "svgns": True, "nl": False, "svgclass": None, "lineclass": None}
    qr_code(text).save(
        buffer, kind="svg", scale=scale, border=4, title=title, dark="#000", light="#fff", **options
    )
    svg = buffer.getvalue().decode("utf-8")
    return svg.replace("<svg ", '<svg role="img" ', 1)
