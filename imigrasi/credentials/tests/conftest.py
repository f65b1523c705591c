"""Fixed signing keys (the same on every run) and an e-visa issued to the applicant persona."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from imigrasi.credentials.actions import issue_credential
from imigrasi.credentials.models import IssuedCredential
from imigrasi.lib.tests.test_credentials import (  # the library tests' fixed keys
    OUR_PEM,
)

HOLDER: dict[str, Any] = {
    "holder_name": "MUHAMMAD FARHAN BIN ABDUL RAHMAN",
    "date_of_birth": dt.date(1988, 3, 14),
    "nationality": "MYS",
    "document_number": "B2C1JE0123456",
}


@pytest.fixture(autouse=True)
def signing_key(settings: Any) -> str:
    settings.CREDENTIAL_SIGNING_KEY = OUR_PEM
    settings.CREDENTIAL_RETIRED_KEYS_FILE = ""
    return OUR_PEM


@pytest.fixture
def english(client: Client) -> Client:
    """Pages in English, the source language, so the assertions read the words as written."""
    client.cookies["imigrasi_lang"] = "en"
    return client


def issue_evisa(subject_id: int | None, reference: str = "IM-2026-0001-5", **changes: Any) -> Any:
    today = timezone.localdate()
    facts: dict[str, Any] = {
        "reference": reference,
        "subject_id": subject_id,
        "document_type": "evisa",
        **HOLDER,
        "valid_from": today,
        "valid_until": today + dt.timedelta(days=60),
        "work_permitted": False,
    }
    return issue_credential(**(facts | changes))


@pytest.fixture
def evisa(applicant: Any) -> IssuedCredential:
    return issue_evisa(applicant.pk)
