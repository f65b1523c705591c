"""The published key set is all an offline verifier needs, and a key retired from signing
keeps verifying the codes it signed for as long as it stays in the retired-keys file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from imigrasi.credentials import keys
from imigrasi.credentials.actions import issue_credential, verify_code
from imigrasi.credentials.tests.conftest import issue_evisa
from imigrasi.lib import credentials
from imigrasi.lib.tests.test_credentials import NEXT_PEM, OUR_KEY, OUR_PEM

pytestmark = pytest.mark.django_db

KEYS_URL = "/.well-known/imigrasi-credential-keys.json"


def test_the_key_set_is_public_and_cacheable_for_an_hour(client):
    response = client.get(KEYS_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    assert response["Cache-Control"] == "public, max-age=3600"
    (entry,) = response.json()["keys"]
    assert entry["kid"] == credentials.public_key_set([OUR_PEM])["keys"][0]["kid"]
    assert "d" not in entry  # the private scalar never leaves


def test_the_key_set_verifies_a_code_offline_without_the_database(
    client, applicant, django_db_blocker
):
    credential = issue_evisa(applicant.pk)
    jwks = json.loads(client.get(KEYS_URL).content)
    with django_db_blocker.block():  # what a verifier on a ship has: the file and the code
        result = credentials.verify(
            credential.code,
            trusted_keys=credentials.trusted_keys_from_jwks(jwks),
            now=timezone.now(),
            is_revoked=lambda _credential_id: False,
        )
    assert result.valid and result.claims is not None
    assert result.claims["credential_id"] == credential.credential_id


def test_a_retired_key_in_the_file_still_verifies_the_codes_it_signed(
    client, applicant, settings, tmp_path: Path
):
    old = issue_evisa(applicant.pk)
    assert old.key_id == credentials.key_id(OUR_KEY).hex()
    settings.CREDENTIAL_SIGNING_KEY = NEXT_PEM  # rotated: the next key signs from now on
    assert verify_code(old.code).reason == "unknown_key"  # ...and without the file, old fails

    retired = tmp_path / "retired.jwks.json"
    retired.write_text(json.dumps(credentials.public_key_set([OUR_KEY.public_key()])))
    settings.CREDENTIAL_RETIRED_KEYS_FILE = str(retired)
    assert verify_code(old.code).valid
    new = issue_evisa(applicant.pk, reference="IM-2026-0002-3")
    assert new.key_id == credentials.key_id(NEXT_PEM).hex() and verify_code(new.code).valid
    published = [entry["kid"] for entry in client.get(KEYS_URL).json()["keys"]]
    assert len(published) == 2  # the current key first, then the retired one


def test_a_broken_retired_keys_file_stops_the_service_loudly(settings, tmp_path: Path):
    broken = tmp_path / "retired.jwks.json"
    broken.write_text("{not json")
    settings.CREDENTIAL_RETIRED_KEYS_FILE = str(broken)
    with pytest.raises(ImproperlyConfigured):
        keys.trusted_keys()


def test_without_a_signing_key_nothing_is_issued(settings, applicant):
    settings.CREDENTIAL_SIGNING_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        issue_credential(
            reference="IM-2026-0009-1",
            subject_id=applicant.pk,
            document_type="decision_letter",
            holder_name="JANE DOE",
            date_of_birth="1990-07",
            nationality="AUS",
            document_number="IM-2026-0009-1",
            valid_from=None,
            valid_until=None,
        )
