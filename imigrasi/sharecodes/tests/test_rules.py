"""Share-code format, the work-entitlement table, the client command and the demo data."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from imigrasi.catalog.models import Service, ServiceFamily
from imigrasi.sharecodes import codes
from imigrasi.sharecodes.entitlement import WORK_ENTITLEMENT, WorkScope, work_entitlement


def test_codes_are_nine_unambiguous_characters_read_out_in_three_groups() -> None:
    made = {codes.new_code() for _ in range(200)}
    assert len(made) == 200
    for code in made:
        assert len(code) == 9 and not set(code) & set("ILOU")
    assert codes.display("W7K4PQ9ZD") == "W7K-4PQ-9ZD"


def test_typed_codes_are_forgiven_look_alikes_spaces_and_case() -> None:
    assert codes.normalise(" w7k-4pq 9zd ") == "W7K4PQ9ZD"
    assert codes.normalise("O1L-ABC-DEF") == "011ABCDEF"
    assert codes.normalise("W7K-4PQ-9Z") is None
    assert codes.normalise("W7K-4PQ-9ZU") is None


@pytest.mark.django_db
def test_every_visa_and_stay_permit_of_the_catalog_has_a_work_rule(catalog: None) -> None:
    granted = Service.objects.filter(family__in=[ServiceFamily.VISA, ServiceFamily.STAY_PERMIT])
    missing = sorted(set(granted.values_list("code", flat=True)) - set(WORK_ENTITLEMENT))
    assert not missing, f"add these services to sharecodes/entitlement.py: {missing}"


def test_an_unknown_service_never_allows_work() -> None:
    rule = work_entitlement("a-service-added-later")
    assert (rule.may_work, rule.scope) == (False, WorkScope.UNKNOWN)
    assert work_entitlement("visa-e23").scope == WorkScope.SPONSOR_ONLY


@pytest.mark.django_db
def test_the_command_registers_a_client_and_shows_its_secret_once() -> None:
    from oauth2_provider.models import Application

    out = StringIO()
    call_command("create_verifier_client", "Bank Nusantara", stdout=out)
    client = Application.objects.get(name="Bank Nusantara")
    secret = out.getvalue().split("client_secret:")[1].split()[0]
    assert client.client_id in out.getvalue()
    assert client.client_secret != secret  # stored hashed
    token = Client().post(
        "/o/token/",
        {
            "grant_type": "client_credentials",
            "client_id": client.client_id,
            "client_secret": secret,
        },
    )
    assert token.status_code == 200 and token.json()["scope"] == "status:read"


@pytest.mark.django_db
def test_only_the_token_endpoints_of_the_oauth_toolkit_are_mounted(client: Client) -> None:
    assert client.get("/o/applications/").status_code == 404
    assert client.get("/o/authorize/").status_code == 404


@pytest.mark.django_db
def test_the_demo_client_and_share_code_work(catalog: None, applicant: Any) -> None:
    from imigrasi.sharecodes import demo
    from imigrasi.sharecodes.tests.conftest import grant

    demo.DEMO_HOLDER = applicant.email
    grant(applicant, "evoa", document_type="evisa", birth=__import__("datetime").date(1992, 3, 15))
    lines = demo.load()
    assert any(demo.DEMO_CLIENT_SECRET in line for line in lines)
    assert any("W7K-4PQ-9ZD" in line for line in lines)
    demo.load()  # idempotent
    token = (
        Client()
        .post(
            "/o/token/",
            {
                "grant_type": "client_credentials",
                "client_id": demo.DEMO_CLIENT_ID,
                "client_secret": demo.DEMO_CLIENT_SECRET,
            },
        )
        .json()["access_token"]
    )
    body = (
        Client()
        .post(
            "/api/v1/status-checks",
            {"share_code": "W7K-4PQ-9ZD", "date_of_birth": demo.DEMO_HOLDER_BIRTH},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        .json()
    )
    assert body["status"] == "valid" and body["work_entitlement"]["may_work"] is False
