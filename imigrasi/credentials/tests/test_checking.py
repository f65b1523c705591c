"""Anyone can check a document's QR code on the page or through the API: a genuine, current
document shows its facts; every other code is refused with its own message and shows nothing."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Callable
from typing import Any

import base45  # type: ignore[import-untyped]
import cbor2
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from imigrasi.audit.models import AuditEntry
from imigrasi.credentials.actions import do_revoke
from imigrasi.credentials.models import DocumentType, IssuedCredential
from imigrasi.credentials.presentation import TITLES
from imigrasi.credentials.tests.conftest import HOLDER, issue_evisa
from imigrasi.lib import credentials
from imigrasi.lib.tests.test_credentials import FOREIGN_PEM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def check(client: Client, code: str) -> Any:
    return client.post("/verifikasi/", {"code": code})


def check_api(client: Client, code: str) -> Any:
    return client.post(
        "/api/v1/credentials/verify",
        {"code": code},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def text_of(response: Any) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


# --- codes that must be refused ---------------------------------------------------------------


def changed(credential: IssuedCredential) -> str:
    """The holder's name edited inside the signed payload, the signature left as it was."""
    cose = cbor2.loads(zlib.decompress(base45.b45decode(credential.code.removeprefix("ID1:"))))
    protected, unprotected, payload, signature = cose.value
    claims = dict(cbor2.loads(payload))
    claims[credentials.PAYLOAD_CLAIM] = {**claims[credentials.PAYLOAD_CLAIM], "n": "SOMEONE ELSE"}
    forged = cbor2.CBORTag(18, [protected, dict(unprotected), cbor2.dumps(claims), signature])
    return "ID1:" + base45.b45encode(zlib.compress(cbor2.dumps(forged))).decode()


def foreign(credential: IssuedCredential) -> str:
    """The same facts, signed by a key that is not ours."""
    now = timezone.now()
    return credentials.issue(
        {"document_type": "evisa", **HOLDER},
        key_pem=FOREIGN_PEM,
        issued_at=now,
        expires_at=now + dt.timedelta(days=30),
        credential_id=credential.credential_id,
    )


def revoked(credential: IssuedCredential) -> str:
    do_revoke(credential, None, "permit cancelled")
    return credential.code


def damaged(credential: IssuedCredential) -> str:
    return credential.code[: len(credential.code) // 2]


REFUSALS: dict[str, Callable[[IssuedCredential], str]] = {
    "bad_signature": changed,
    "unknown_key": foreign,
    "revoked": revoked,
    "malformed": damaged,
}


# --- the tests -----------------------------------------------------------------------------------


def test_an_issued_document_checks_as_valid_on_the_page_with_its_facts(english, evisa):
    response = check(english, evisa.code)
    assert response.status_code == 200
    verdict = response.context["verdict"]
    assert verdict.valid and verdict.reason == "ok"
    page = text_of(response)
    assert "Valid document" in page
    for label, value in [
        ("Document", "e-Visa"),
        ("Name", HOLDER["holder_name"]),
        ("Date of birth", "14 March 1988"),
        ("Nationality", "MYS"),
        ("Document number", HOLDER["document_number"]),
        ("Work permitted", "No"),
    ]:
        assert (label, value) in verdict.facts
    assert "Valid until" in page and HOLDER["holder_name"] in page


def test_the_api_gives_the_same_verdict_and_facts(english, evisa):
    body = check_api(english, evisa.code).json()
    assert body["valid"] is True and body["reason"] == "ok"
    assert body["message"] == "Valid document"
    claims = body["claims"]
    assert claims["credential_id"] == evisa.credential_id
    assert claims["holder_name"] == HOLDER["holder_name"]
    assert claims["date_of_birth"] == "1988-03-14"
    assert claims["valid_until"] == evisa.valid_until.isoformat()
    assert claims["work_permitted"] is False


@pytest.mark.parametrize("reason", sorted(REFUSALS))
def test_each_refused_code_gets_its_own_message_and_shows_no_facts(english, evisa, reason):
    code = REFUSALS[reason](evisa)
    response = check(english, code)
    verdict = response.context["verdict"]
    assert (verdict.valid, verdict.reason, verdict.facts) == (False, reason, [])
    page = text_of(response)
    assert str(TITLES[reason]) in page
    assert HOLDER["holder_name"] not in page and "SOMEONE ELSE" not in page
    body = check_api(english, code).json()
    assert body == {
        "valid": False,
        "reason": reason,
        "message": str(TITLES[reason]),
        "claims": None,
    }


def test_the_refusal_messages_are_all_different():
    assert len({str(title) for title in TITLES.values()}) == len(TITLES)


def test_an_expired_document_is_refused_as_expired(english, applicant, monkeypatch):
    long_ago = timezone.now() - dt.timedelta(days=40)
    monkeypatch.setattr(timezone, "now", lambda: long_ago)
    credential = issue_evisa(
        applicant.pk, valid_from=long_ago.date(), valid_until=long_ago.date() + dt.timedelta(7)
    )
    monkeypatch.undo()
    response = check(english, credential.code)
    assert response.context["verdict"].reason == "expired"
    assert "This document has expired" in text_of(response)
    assert check_api(english, credential.code).json()["reason"] == "expired"


def test_a_document_valid_from_a_later_day_is_genuine_and_says_when_it_starts(english, applicant):
    later = timezone.localdate() + dt.timedelta(days=10)
    credential = issue_evisa(applicant.pk, valid_from=later, valid_until=later + dt.timedelta(30))
    response = check(english, credential.code)
    assert response.context["verdict"].valid
    assert "its validity starts on" in text_of(response)


def test_a_code_dated_in_the_future_is_not_valid_yet(english, applicant, monkeypatch):
    tomorrow = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    credential = issue_evisa(applicant.pk)
    monkeypatch.undo()
    response = check(english, credential.code)
    assert response.context["verdict"].reason == "not_yet_valid"
    assert "This document is not valid yet" in text_of(response)


def test_an_empty_form_names_the_field_in_the_error_summary(english, db):
    response = english.post("/verifikasi/", {"code": "  \r\n"})
    html = response.content.decode()
    assert response.status_code == 200 and response.context["verdict"] is None
    assert "govuk-error-summary" in html
    assert 'href="#id_code"' in html
    assert html.count("Enter the code from the QR") == 2  # the summary and the field
    assert '<label class="govuk-label" for="id_code">Code from the QR</label>' in html
    assert response["Content-Security-Policy"]


def test_looking_at_the_page_writes_nothing(english, evisa):
    before = AuditEntry.objects.count()
    response = english.get("/verifikasi/", {"code": evisa.code})
    assert response.status_code == 200 and response.context["verdict"] is None
    assert AuditEntry.objects.count() == before


def test_checking_is_rate_limited_on_the_page_and_in_the_api(english, evisa, settings):
    settings.CREDENTIAL_CHECK_RATE = "3/m"
    for _ in range(2):
        assert check(english, evisa.code).status_code == 200
    assert check_api(english, evisa.code).status_code == 200
    page = check(english, evisa.code)
    assert page.status_code == 429 and page["Retry-After"]
    assert "Too many checks" in text_of(page) and HOLDER["holder_name"] not in text_of(page)
    api = check_api(english, evisa.code)
    assert api.status_code == 429 and api.json()["code"] == "rate_limited"


def test_a_typed_code_in_lower_case_with_line_breaks_still_checks(english, evisa):
    response = check(english, "\n  " + evisa.code.lower() + "\r\n")
    assert response.context["verdict"].valid


def test_the_document_types_are_the_librarys():
    assert set(DocumentType.values) == credentials.DOCUMENT_TYPES
