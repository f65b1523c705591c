"""A parent applying for a child fills in the child's details from the family card, with the
population-registry simulator as a real process; an unavailable registry loses nothing."""

from __future__ import annotations

from typing import Any

import pytest

from imigrasi.applications import actions
from imigrasi.applications.tests.conftest import make
from imigrasi.catalog.models import Service
from imigrasi.registry.tests.conftest import (  # noqa: F401 - fixtures
    SITI,
    Simulator,
    registries,
    registry,
    registry_process,
    tax_process,
)

pytestmark = pytest.mark.django_db

FAMILY = "GET /v1/nik/{nik}/family"


@pytest.fixture
def child_draft(catalog: None, applicant: Any) -> Any:
    service = Service.objects.get(code="paspor-anak")
    return actions.do_start_application(applicant, service, relationship="child")


def signed_in(client: Any, applicant: Any) -> Any:
    client.force_login(applicant)
    client.cookies["imigrasi_lang"] = "en"
    return client


def look_up(client: Any, application: Any) -> Any:
    return client.post(
        f"/permohonan/{application.number}/kartu-keluarga/",
        {"back": "full_name", "parent_nik": SITI["nik"]},
    )


def test_the_question_page_offers_the_family_card_without_asking_the_registry(
    child_draft: Any,
    applicant: Any,
    client: Any,
    registry: Simulator,  # noqa: F811
) -> None:
    page = signed_in(client, applicant).get(
        f"/permohonan/{child_draft.number}/pertanyaan/full_name/"
    )
    assert b"Fill in from the family card (Kartu Keluarga)" in page.content
    assert b'name="parent_nik"' in page.content  # the account holds no NIK of its own
    assert registry.calls(FAMILY) == 0  # a GET never calls an outside system


def test_the_parent_chooses_a_child_and_its_details_are_filled_in(
    child_draft: Any,
    applicant: Any,
    client: Any,
    registry: Simulator,  # noqa: F811
) -> None:
    client = signed_in(client, applicant)
    listed = look_up(client, child_draft)
    assert listed.status_code == 200
    assert b"NAYLA PUTRI RAHMAWATI" in listed.content
    assert b"MUHAMMAD RAFA HIDAYAT" in listed.content
    assert b"SITI RAHMAWATI" not in listed.content  # the parents are not offered
    token = listed.context["form"].initial["token"]
    chosen = client.post(
        f"/permohonan/{child_draft.number}/kartu-keluarga/",
        {"token": token, "back": "full_name", "child": "0"},
    )
    assert chosen.status_code == 302
    assert chosen["Location"].endswith(f"/permohonan/{child_draft.number}/lanjut/")
    person = child_draft.person
    person.refresh_from_db()
    assert (person.full_name, person.date_of_birth, person.sex, person.nik) == (
        "NAYLA PUTRI RAHMAWATI",
        "2019-09-03",
        "F",
        "3174054309190002",
    )
    assert registry.calls(FAMILY) == 1  # choosing does not ask again


def test_when_the_registry_is_down_the_parent_is_told_and_keeps_what_they_typed(
    child_draft: Any,
    applicant: Any,
    client: Any,
    registry: Simulator,  # noqa: F811
) -> None:
    actions.do_answer_question(child_draft, "full_name", "Nayla Putri", applicant)
    registry.mode("down")
    client = signed_in(client, applicant)
    response = look_up(client, child_draft)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/permohonan/{child_draft.number}/pertanyaan/full_name/")
    page = client.get(response["Location"])
    assert b"The population registry is not answering at the moment" in page.content
    child_draft.person.refresh_from_db()
    assert child_draft.person.full_name == "NAYLA PUTRI"


def test_a_tampered_list_fills_in_nothing(
    child_draft: Any,
    applicant: Any,
    client: Any,
    registry: Simulator,  # noqa: F811
) -> None:
    client = signed_in(client, applicant)
    token = look_up(client, child_draft).context["form"].initial["token"]
    response = client.post(
        f"/permohonan/{child_draft.number}/kartu-keluarga/",
        {"token": token[:-2] + "xx", "back": "full_name", "child": "0"},
    )
    assert response.status_code == 302
    child_draft.person.refresh_from_db()
    assert not child_draft.person.full_name


def test_an_adults_own_application_is_not_offered_the_family_card(
    catalog: None,
    applicant: Any,
    client: Any,
    registry: Simulator,  # noqa: F811
) -> None:
    adult = make("draft", account=applicant.email)
    client = signed_in(client, applicant)
    page = client.get(f"/permohonan/{adult.number}/pertanyaan/full_name/")
    assert b"Kartu Keluarga" not in page.content
    response = look_up(client, adult)
    assert response.status_code == 302
    assert registry.calls(FAMILY) == 0
