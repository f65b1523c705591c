"""A holder with a granted permission, verifier clients and their tokens."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from imigrasi.applications.models import Application, Person
from imigrasi.applications.numbers import new_application_number
from imigrasi.catalog.models import Service
from imigrasi.credentials.actions import issue_credential
from imigrasi.credentials.models import IssuedCredential
from imigrasi.lib.tests.test_credentials import OUR_PEM
from imigrasi.sharecodes.actions import do_create_share_code, do_register_verifier_client
from imigrasi.sharecodes.models import ShareCode

BIRTH = dt.date(1990, 8, 17)


@pytest.fixture(autouse=True)
def signing_key(settings: Any) -> None:
    settings.CREDENTIAL_SIGNING_KEY = OUR_PEM
    settings.CREDENTIAL_RETIRED_KEYS_FILE = ""


def grant(
    account: Any,
    service: str = "itap",
    *,
    document_type: str = "itap",
    valid_until: dt.date | None = None,
    birth: dt.date = BIRTH,
) -> IssuedCredential:
    """An approved application of ``service`` for the account's holder, with its signed code."""
    person = Person.objects.create(
        account=account,
        relationship="self",
        full_name="OLIVIA JANE SMITH",
        date_of_birth=birth.isoformat(),
        passport_number="PA1234567",
        nationality="AUS",
    )
    application = Application.objects.create(
        number=new_application_number(),
        account=account,
        person=person,
        service=Service.objects.get(code=service),
        workflow="visa",
        status="approved",
    )
    today = timezone.localdate()
    return issue_credential(
        reference=application.number,
        subject_id=account.pk,
        document_type=document_type,
        holder_name="OLIVIA JANE SMITH",
        date_of_birth=birth,
        nationality="AUS",
        document_number=application.number,
        valid_from=today,
        valid_until=valid_until or today + dt.timedelta(days=365),
    )


@pytest.fixture
def permit(catalog: None, applicant: Any) -> IssuedCredential:
    return grant(applicant)


@pytest.fixture
def share(applicant: Any, permit: IssuedCredential) -> ShareCode:
    return do_create_share_code(applicant, permit, "employment", 30)


@pytest.fixture
def verifier_client(db: None) -> tuple[Any, str]:
    return do_register_verifier_client("PT Maju Bersama", actor=None)


def token_for(client_app: Any, secret: str, scope: str = "status:read") -> str:
    """A bearer token from /o/token/ with the client-credentials grant, as an employer gets it."""
    basic = base64.b64encode(f"{client_app.client_id}:{secret}".encode()).decode()
    response = Client().post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


@pytest.fixture
def bearer(verifier_client: tuple[Any, str]) -> str:
    return token_for(*verifier_client)


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["imigrasi_lang"] = "en"
    return client
