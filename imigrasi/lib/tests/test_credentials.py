"""Signed QR credentials: what an inspector's offline verifier accepts and refuses."""

from __future__ import annotations

import hashlib
import re
import zlib
from datetime import UTC, date, datetime, timedelta

import base45  # type: ignore[import-untyped]
import cbor2
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from imigrasi.lib import credentials

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
A_YEAR = timedelta(days=365)


def pem_of(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


# Fixed scalars: the same keys on every run, so a failure is reproducible.
OUR_KEY = ec.derive_private_key(0x1D0_2026, ec.SECP256R1())
NEXT_KEY = ec.derive_private_key(0x1D0_2027, ec.SECP256R1())
FOREIGN_KEY = ec.derive_private_key(0xBAD_C0DE, ec.SECP256R1())
OUR_PEM, NEXT_PEM, FOREIGN_PEM = pem_of(OUR_KEY), pem_of(NEXT_KEY), pem_of(FOREIGN_KEY)
TRUSTED = {credentials.key_id(OUR_KEY): OUR_KEY.public_key()}

EVISA = {
    "document_type": "evisa",
    "holder_name": "MUHAMMAD FARHAN BIN ABDUL RAHMAN",
    "date_of_birth": date(1988, 3, 14),
    "nationality": "MYS",
    "document_number": "B2C1JE0123456",
    "valid_from": date(2026, 12, 5),
    "valid_until": date(2027, 3, 4),
    "work_permitted": False,
}


def issue(
    claims: dict | None = None,
    *,
    key: str = OUR_PEM,
    at: datetime = NOW,
    expires_at: datetime | None = None,
    credential_id: str = "EV-2026-0001234",
) -> str:
    return credentials.issue(
        EVISA if claims is None else claims,
        key_pem=key,
        issued_at=at,
        expires_at=at + A_YEAR if expires_at is None else expires_at,
        credential_id=credential_id,
    )


def verify(text: str, *, now: datetime = NOW, trusted=None, revoked=()) -> credentials.Verification:
    return credentials.verify(
        text,
        trusted_keys=TRUSTED if trusted is None else trusted,
        now=now,
        is_revoked=lambda credential_id: credential_id in revoked,
    )


def cose_of(text: str) -> bytes:
    return zlib.decompress(base45.b45decode(text.removeprefix("ID1:")))


def code_of(cose: bytes, prefix: str = "ID1:") -> str:
    return prefix + base45.b45encode(zlib.compress(cose)).decode()


def hand_built_sign1(
    claims_set: object,
    *,
    key: ec.EllipticCurvePrivateKey = OUR_KEY,
    protected: dict | None = None,
    unprotected: dict | None = None,
) -> bytes:
    """A COSE_Sign1 built from RFC 9052 with cbor2 + cryptography only, not by `issue`."""
    if protected is None:
        protected = {1: -7, 4: credentials.key_id(key)}
    protected_bytes = cbor2.dumps(protected) if protected else b""
    payload = cbor2.dumps(claims_set)
    to_be_signed = cbor2.dumps(["Signature1", protected_bytes, b"", payload])
    r, s = decode_dss_signature(key.sign(to_be_signed, ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return cbor2.dumps(cbor2.CBORTag(18, [protected_bytes, unprotected or {}, payload, signature]))


def cwt(payload: object, *, iat: datetime = NOW, exp: datetime = NOW + A_YEAR) -> dict:
    return {1: "ID", 6: int(iat.timestamp()), 4: int(exp.timestamp()), -65537: payload}


WIRE_PAYLOAD = {
    "v": 1,
    "t": "itas",
    "id": "ITAS-2026-42",
    "n": "JANE DOE",
    "dob": "1990-07",
    "nat": "AUS",
    "no": "2C21JE0042",
    "vu": "2027-12-04",
    "w": True,
}


# --- what a valid code gives -------------------------------------------------------------------


def test_a_code_round_trips_and_gives_back_the_claims() -> None:
    result = verify(issue())
    assert result.valid and result.reason == "ok"
    assert result.claims is not None
    assert {key: result.claims[key] for key in EVISA} == EVISA | {"date_of_birth": "1988-03-14"}
    assert result.claims["credential_id"] == "EV-2026-0001234"
    assert result.claims["issued_at"] == NOW
    assert result.claims["expires_at"] == NOW + A_YEAR


def test_the_code_is_prefixed_and_uses_only_qr_alphanumeric_characters() -> None:
    assert re.fullmatch(r"ID1:[0-9A-Z $%*+\-./:]+", issue())


def test_a_birth_date_without_day_or_month_round_trips_as_icao_allows() -> None:
    result = verify(issue(EVISA | {"date_of_birth": "1975"}))
    assert result.claims is not None and result.claims["date_of_birth"] == "1975"


def test_trusted_keys_may_be_given_as_pem() -> None:
    public_pem = (
        OUR_KEY.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    assert verify(issue(), trusted={credentials.key_id(OUR_PEM): public_pem}).valid


def test_the_kid_is_the_first_8_bytes_of_sha256_of_the_public_key_info() -> None:
    spki = OUR_KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert credentials.key_id(OUR_PEM) == hashlib.sha256(spki).digest()[:8]


def test_a_new_signing_key_is_a_p256_pem_that_signs_codes() -> None:
    key = credentials.generate_signing_key()
    assert key.startswith("-----BEGIN PRIVATE KEY-----")
    assert verify(issue(key=key), trusted={credentials.key_id(key): key}).valid


# --- tampering and foreign keys ----------------------------------------------------------------


def test_a_flipped_byte_anywhere_in_the_signed_message_is_refused() -> None:
    cose = cose_of(issue())
    for position in range(len(cose)):
        tampered = bytearray(cose)
        tampered[position] ^= 0x01
        result = verify(code_of(bytes(tampered)))
        assert not result.valid, position
        assert result.reason in {"bad_signature", "malformed", "unknown_key"}, position


def test_a_flipped_byte_in_the_signature_is_a_bad_signature() -> None:
    cose = bytearray(cose_of(issue()))
    cose[-1] ^= 0x80
    assert verify(code_of(bytes(cose))).reason == "bad_signature"


def test_a_changed_letter_in_the_payload_is_a_bad_signature() -> None:
    cose = cose_of(issue())
    forged = cose.replace(b"MUHAMMAD", b"MUHAMMAT")
    assert forged != cose
    assert verify(code_of(forged)).reason == "bad_signature"


def test_a_corrupted_compressed_stream_is_malformed() -> None:
    text = issue()
    middle = len(text) // 2
    swapped = "A" if text[middle] != "A" else "B"
    assert verify(text[:middle] + swapped + text[middle + 1 :]).reason == "malformed"


def test_a_code_signed_by_a_foreign_key_is_an_unknown_key() -> None:
    assert verify(issue(key=FOREIGN_PEM)).reason == "unknown_key"


def test_a_foreign_key_that_claims_our_kid_is_a_bad_signature() -> None:
    cose = hand_built_sign1(
        cwt(WIRE_PAYLOAD), key=FOREIGN_KEY, protected={1: -7, 4: credentials.key_id(OUR_KEY)}
    )
    assert verify(code_of(cose)).reason == "bad_signature"


def test_an_algorithm_outside_the_signed_header_is_malformed() -> None:
    kid = credentials.key_id(OUR_KEY)
    cose = hand_built_sign1(cwt(WIRE_PAYLOAD), protected={4: kid}, unprotected={1: -7})
    assert verify(code_of(cose)).reason == "malformed"


def test_another_algorithm_or_a_critical_header_is_malformed() -> None:
    kid = credentials.key_id(OUR_KEY)
    for protected in ({1: -35, 4: kid}, {1: -7, 4: kid, 2: [99]}):
        assert verify(code_of(hand_built_sign1(cwt(WIRE_PAYLOAD), protected=protected))).reason == (
            "malformed"
        )


def test_signed_but_unexpected_content_is_malformed() -> None:
    cases = [
        cwt(WIRE_PAYLOAD) | {1: "MY"},  # another issuer
        cwt(WIRE_PAYLOAD | {"extra": "x"}),
        cwt({key: value for key, value in WIRE_PAYLOAD.items() if key != "id"}),
        cwt(WIRE_PAYLOAD | {"w": "yes"}),
        cwt(WIRE_PAYLOAD | {"vu": "2027-02-30"}),
        cwt(WIRE_PAYLOAD | {"t": "passport"}),
        cwt(WIRE_PAYLOAD) | {4: 1.5e12},  # not an integer NumericDate
        cwt(WIRE_PAYLOAD) | {4: 2**70},  # beyond any datetime
        cwt(WIRE_PAYLOAD | {"n": datetime(2026, 1, 1, tzinfo=UTC)}),  # a CBOR tag
        [1, 2, 3],
    ]
    for claims_set in cases:
        assert verify(code_of(hand_built_sign1(claims_set))).reason == "malformed", claims_set


# --- time and revocation -----------------------------------------------------------------------


def test_a_code_is_expired_from_its_expiry_instant_on() -> None:
    text = issue(expires_at=NOW + timedelta(days=30))
    assert verify(text, now=NOW + timedelta(days=30) - timedelta(seconds=1)).valid
    assert verify(text, now=NOW + timedelta(days=30)).reason == "expired"


def test_a_code_from_the_future_is_not_yet_valid_beyond_a_small_clock_skew() -> None:
    text = issue(at=NOW + timedelta(hours=1))
    assert verify(text).reason == "not_yet_valid"
    assert verify(issue(at=NOW + timedelta(minutes=4))).valid


def test_a_revoked_code_is_refused_by_its_credential_id() -> None:
    asked: list[str] = []

    def is_revoked(credential_id: str) -> bool:
        asked.append(credential_id)
        return True

    result = credentials.verify(issue(), trusted_keys=TRUSTED, now=NOW, is_revoked=is_revoked)
    assert (result.valid, result.reason, result.claims) == (False, "revoked", None)
    assert asked == ["EV-2026-0001234"]


def test_the_revocation_list_is_not_asked_about_a_forged_code() -> None:
    def is_revoked(credential_id: str) -> bool:
        raise AssertionError("only authentic codes reach the revocation check")

    credentials.verify(issue(key=FOREIGN_PEM), trusted_keys=TRUSTED, now=NOW, is_revoked=is_revoked)


# --- hostile input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ID1:",
        "garbage",
        "id1:" + "NCFOXN%TS3DH3ZSUZK",
        "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL",
        "ID1:abc",
        "ID1:" + "A",
        "ID1:" + "GGW",  # base45 of a value above 0xFFFF
        "ID1:" + base45.b45encode(b"not zlib").decode(),
        "ID1:" + base45.b45encode(zlib.compress(b"\xff\xff")).decode(),
        "ID1:" + base45.b45encode(zlib.compress(cbor2.dumps(cbor2.CBORTag(17, [])))).decode(),
        "ID1:" + base45.b45encode(zlib.compress(cbor2.dumps([b"", {}, b"", b""]))).decode(),
    ],
)
def test_garbage_is_malformed(text: str) -> None:
    assert verify(text).reason == "malformed"


def test_a_truncated_code_is_malformed() -> None:
    text = issue()
    for cut in (5, len(text) // 2, len(text) - 3):
        assert verify(text[:cut]).reason == "malformed"


def test_trailing_junk_after_the_code_is_malformed() -> None:
    cose = cose_of(issue())
    assert verify(code_of(cose + b"\x00")).reason == "malformed"
    text = "ID1:" + base45.b45encode(zlib.compress(cose) + b"junk").decode()
    assert verify(text).reason == "malformed"


def test_a_scanner_line_ending_is_tolerated() -> None:
    assert verify(issue() + "\r\n").valid


def test_oversized_input_is_malformed() -> None:
    assert verify("ID1:" + "0" * credentials.MAX_TEXT_CHARS).reason == "malformed"


def test_a_zip_bomb_is_malformed_without_inflating_it() -> None:
    bomb = zlib.compress(b"\x00" * 2_000_000, 9)
    text = "ID1:" + base45.b45encode(bomb).decode()
    assert len(text) < credentials.MAX_TEXT_CHARS  # it gets past the size cap...
    assert verify(text).reason == "malformed"  # ...and is stopped at the decompressed cap


def shared_reference_bomb(levels: int = 5, fan_out: int = 23) -> bytes:
    """{1: [l0, l1, ...]} where each level lists the previous one 23 times by CBOR value sharing
    (tags 28/29): 6.4 million nodes to walk, from about 300 bytes."""
    share = bytes([0xD8, 0x1C, 0x80 + fan_out])
    items = [share + b"\x00" * fan_out]
    items += [share + bytes([0xD8, 0x1D, level - 1]) * fan_out for level in range(1, levels)]
    return bytes([0xA1, 0x01, 0x80 + levels]) + b"".join(items)


def test_shared_references_that_would_explode_or_loop_are_malformed() -> None:
    protected = cbor2.dumps({1: -7, 4: credentials.key_id(OUR_KEY)})
    cyclic = bytes.fromhex("d81ca101d81d00")  # 28({1: 29(0)}): a map that contains itself
    for header in (shared_reference_bomb(), cyclic):
        cose = b"\xd2\x84" + cbor2.dumps(protected) + header + b"\x40\x40"
        assert verify(code_of(cose)).reason == "malformed"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=600))
def test_any_text_gives_a_verification_never_an_exception(text: str) -> None:
    assert isinstance(verify(text), credentials.Verification)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=base45.BASE45_CHARSET, max_size=600))
def test_any_base45_text_after_the_prefix_gives_a_verification(text: str) -> None:
    assert not verify("ID1:" + text).valid


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_compressed_bytes_give_a_verification(data: bytes) -> None:
    assert not verify(code_of(data)).valid


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.binary(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.integers() | st.text(max_size=3), inner, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_any_signed_cbor_gives_a_verification(claims_set: object) -> None:
    result = verify(code_of(hand_built_sign1(claims_set)))
    assert result.reason in {"malformed", "expired", "not_yet_valid", "ok"}


# --- published keys and rotation ---------------------------------------------------------------


def test_the_jwk_set_round_trips_into_trusted_keys_across_a_rotation() -> None:
    jwks = credentials.public_key_set([OUR_PEM, NEXT_KEY.public_key()])
    trusted = credentials.trusted_keys_from_jwks(jwks)
    assert set(trusted) == {credentials.key_id(OUR_KEY), credentials.key_id(NEXT_KEY)}
    assert verify(issue(key=OUR_PEM), trusted=trusted).valid  # documents signed before...
    assert verify(issue(key=NEXT_PEM), trusted=trusted).valid  # ...and after the rotation


def test_the_jwk_set_describes_es256_signing_keys_and_holds_no_private_part() -> None:
    (entry,) = credentials.public_key_set([OUR_PEM])["keys"]
    assert set(entry) == {"kty", "crv", "x", "y", "kid", "alg", "use"}
    assert (entry["kty"], entry["crv"], entry["alg"], entry["use"]) == (
        "EC",
        "P-256",
        "ES256",
        "sig",
    )
    assert "=" not in entry["x"] + entry["y"] + entry["kid"]  # base64url without padding


def test_a_jwk_whose_kid_does_not_match_its_key_is_refused() -> None:
    (entry,) = credentials.public_key_set([OUR_PEM])["keys"]
    (other,) = credentials.public_key_set([NEXT_PEM])["keys"]
    with pytest.raises(ValueError, match="does not match"):
        credentials.trusted_keys_from_jwks({"keys": [entry | {"kid": other["kid"]}]})


def test_keys_of_other_types_in_the_set_are_skipped() -> None:
    jwks = {"keys": [{"kty": "RSA", "n": "x", "e": "AQAB"}, {"kty": "OKP", "crv": "Ed25519"}]}
    assert credentials.trusted_keys_from_jwks(jwks) == {}


# --- issuing refuses what should not be signed -------------------------------------------------


@pytest.mark.parametrize(
    "claims",
    [
        EVISA | {"passport_photo": "..."},  # not needed by an inspector
        EVISA | {"credential_id": "X"},  # passed as a keyword, not a claim
        {key: value for key, value in EVISA.items() if key != "holder_name"},
        EVISA | {"document_type": "passport"},
        EVISA | {"nationality": "Malaysia"},
        EVISA | {"date_of_birth": "1988-02-30"},
        EVISA | {"valid_until": datetime(2027, 1, 1, tzinfo=UTC)},
        EVISA | {"work_permitted": "no"},
        EVISA | {"holder_name": "   "},
    ],
)
def test_issue_refuses_claims_that_do_not_belong_in_a_code(claims: dict) -> None:
    with pytest.raises(ValueError):
        issue(claims)


def test_issue_refuses_naive_or_inverted_times() -> None:
    with pytest.raises(ValueError):
        issue(at=datetime(2026, 12, 5, 9, 0))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError):
        issue(expires_at=NOW)


# --- interoperability --------------------------------------------------------------------------


def test_a_hand_built_cose_sign1_verifies() -> None:
    result = verify(code_of(hand_built_sign1(cwt(WIRE_PAYLOAD))))
    assert result.valid and result.claims is not None
    assert result.claims["credential_id"] == "ITAS-2026-42"
    assert result.claims["valid_until"] == date(2027, 12, 4)
    assert result.claims["work_permitted"] is True
    assert "valid_from" not in result.claims


def test_an_issued_code_is_a_cose_sign1_that_plain_cryptography_verifies() -> None:
    message = cbor2.loads(cose_of(issue()))
    assert message.tag == 18
    protected, unprotected, payload, signature = message.value
    assert unprotected == {}
    assert cbor2.loads(protected) == {1: -7, 4: credentials.key_id(OUR_KEY)}
    assert len(signature) == 64
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    OUR_KEY.public_key().verify(
        encode_dss_signature(r, s),
        cbor2.dumps(["Signature1", protected, b"", payload]),
        ec.ECDSA(hashes.SHA256()),
    )
    claims_set = cbor2.loads(payload)
    assert claims_set[1] == "ID" and claims_set[-65537]["t"] == "evisa"


# EU DCC test vector AT/2DCode/raw/1.json from eu-digital-green-certificates/dgc-testdata: a code
# produced by another implementation, proving our envelope and COSE layers read the DCC format.
DCC_TEXT = (
    "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9G4G50PHZF0AT4V22F/8X*G3M9JUPY0BX/KR96R/S0"
    "9T./0LWTKD33236J3TA3M*4VV2 73-E3GG396B-43O058YIB73A*G3W19UEBY5:PI0EGSP4*2DN43U*0CEBQ/GXQFY73"
    "CIBC:G 7376BXBJBAJ UNFMJCRN0H3PQN*E33H3OA70M3FMJIJN523.K5QZ4A+2XEN QT QTHC31M3+E32R44$28A9H0"
    "D3ZCL4JMYAZ+S-A5$XKX6T2YC 35H/ITX8GL2-LH/CJTK96L6SR9MU9RFGJA6Q3QR$P2OIC0JVLA8J3ET3:H3A+2+33U "
    "SAAUOT3TPTO4UBZIC0JKQTL*QDKBO.AI9BVYTOCFOPS4IJCOT0$89NT2V457U8+9W2KQ-7LF9-DF07U$B97JJ1D7WKP/"
    "HLIJL8JF8JFHJP7NVDEBU1J*Z222E.GJ457661CFFTWM-8P2IUE7K*SSW613:9/:TT5IYQBTBU16R4I1A/9VRPJ-TS.7Z"
    "EM7MSVOCD4RG2L-TQJROXL2J:52J7F0Q10SMAP3CG3KHF0DWIH"
)
DCC_KID = bytes.fromhex("d919375fc1e7b6b2")  # SHA-256 of its signer certificate, first 8 bytes
DCC_PUBLIC_KEY = (
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAErdVc9a0bltR6jm1BPTA3u0cyJNYKuF1u\n"
    "Rk8h7h04+XBRJ9kYHt+/oSDXwmWXKM6cECncmqaKz1D9UxO1FpdBdw==\n"
    "-----END PUBLIC KEY-----\n"
)


def test_an_eu_dcc_test_vector_opens_with_our_envelope_and_signature_check() -> None:
    cose = credentials._unwrap(DCC_TEXT, "HC1:")
    reason, payload = credentials._open_sign1(cose, {DCC_KID: DCC_PUBLIC_KEY})
    assert reason == "ok" and payload is not None
    claims_set = cbor2.loads(payload)
    assert claims_set[1] == "AT"
    assert claims_set[-260][1]["nam"]["gnt"] == "GABRIELE"
    tampered = bytearray(cose)
    tampered[-1] ^= 0x01
    assert credentials._open_sign1(bytes(tampered), {DCC_KID: DCC_PUBLIC_KEY})[0] == "bad_signature"


def test_the_dcc_vector_is_not_one_of_our_codes() -> None:
    trusted = {DCC_KID: DCC_PUBLIC_KEY}
    assert verify(DCC_TEXT, trusted=trusted).reason == "malformed"  # wrong prefix
    result = credentials.verify(
        DCC_TEXT, trusted_keys=trusted, now=NOW, is_revoked=lambda _: False, prefix="HC1:"
    )
    assert result.reason == "malformed"  # signed, but issued by AT with a health payload


def test_the_qr_svg_is_an_accessible_image_without_inline_styles() -> None:
    text = issue()
    svg = credentials.qr_svg(text, title="Kode QR verifikasi")
    assert svg.startswith('<svg role="img" xmlns="http://www.w3.org/2000/svg" ')
    assert svg.endswith("</svg>")
    assert "<title>Kode QR verifikasi</title>" in svg
    assert "style" not in svg and "class=" not in svg and "<?xml" not in svg
    version = credentials.qr_code(text).version
    assert isinstance(version, int)
    side = (17 + 4 * version + 2 * 4) * 4  # modules plus a 4-module quiet zone, at scale 4
    assert f'width="{side}" height="{side}"' in svg


def test_the_qr_title_is_escaped() -> None:
    assert "<script>" not in credentials.qr_svg("ID1:X", title="<script>")


def test_a_typical_permit_fits_a_qr_of_version_15_or_less_at_level_m() -> None:
    itas = EVISA | {"document_type": "itas", "work_permitted": True}
    text = issue(itas, credential_id="ITAS-2026-0001234", expires_at=NOW + 2 * A_YEAR)
    qr = credentials.qr_code(text)
    assert (qr.mode, qr.error) == ("alphanumeric", "M")
    assert isinstance(qr.version, int) and qr.version <= 15
