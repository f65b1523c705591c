"""The holder's share-code pages: create, see, revoke, and the checks made with a code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from imigrasi.audit.models import AuditEntry
from imigrasi.sharecodes import codes
from imigrasi.sharecodes.actions import Verifier, do_check_status, do_create_share_code
from imigrasi.sharecodes.models import Channel, ShareCode
from imigrasi.sharecodes.tests.conftest import BIRTH


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    client.cookies["imigrasi_lang"] = "en"
    return client


@pytest.mark.django_db
def test_the_holder_creates_a_code_and_sees_it_on_its_page(
    client: Client, applicant: Any, permit: Any
) -> None:
    signed_in(client, applicant)
    page = client.get("/akun/kode-berbagi/buat/")
    assert page.status_code == 200 and b'value="30" checked' in page.content
    response = client.post(
        "/akun/kode-berbagi/buat/",
        {"document": str(permit.public_id), "purpose": "accommodation", "days": "7"},
    )
    share = ShareCode.objects.get(account=applicant)
    assert response["Location"] == f"/akun/kode-berbagi/{share.public_id}/"
    assert share.credential == permit and share.purpose == "accommodation"
    assert abs(share.expires_at - timezone.now() - dt.timedelta(days=7)) < dt.timedelta(minutes=1)
    assert codes.normalise(share.code) == share.code and len(share.code) == 9
    detail = client.get(response["Location"])
    assert share.display_code.encode() in detail.content
    assert len(detail.content) < 100_000
    listing = client.get("/akun/kode-berbagi/")
    assert b"Renting a home" in listing.content and b"Active" in listing.content


@pytest.mark.django_db
def test_the_code_is_not_stored_readably(applicant: Any, permit: Any) -> None:
    from django.db import connection

    share = do_create_share_code(applicant, permit, "employment", 30)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code, code_index FROM sharecodes_sharecode WHERE id = %s", [share.pk]
        )
        stored_code, stored_index = cursor.fetchone()
    assert share.code not in stored_code and share.code not in stored_index
    assert stored_code.startswith("enc1$") and len(stored_index) == 64


@pytest.mark.django_db
def test_the_create_form_names_the_missing_fields(
    client: Client, applicant: Any, permit: Any
) -> None:
    signed_in(client, applicant)
    response = client.post("/akun/kode-berbagi/buat/", {"days": ""})
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert 'href="#id_purpose_0">Choose why you are sharing your status.' in text
    assert 'href="#id_days_0">Choose how long the code should work.' in text
    assert not ShareCode.objects.exists()


@pytest.mark.django_db
def test_someone_without_a_granted_permit_cannot_create_a_code(
    client: Client, other_applicant: Any, permit: Any
) -> None:
    signed_in(client, other_applicant)
    page = client.get("/akun/kode-berbagi/buat/")
    assert b"no granted visa or stay permit" in page.content
    client.post(
        "/akun/kode-berbagi/buat/",
        {"document": str(permit.public_id), "purpose": "employment", "days": "30"},
    )
    assert not ShareCode.objects.exists()


@pytest.mark.django_db
def test_the_holder_revokes_a_code_after_confirming(
    client: Client, applicant: Any, share: ShareCode
) -> None:
    signed_in(client, applicant)
    url = f"/akun/kode-berbagi/{share.public_id}/cabut/"
    confirm = client.get(url)
    assert b"Yes, revoke the code" in confirm.content
    share.refresh_from_db()
    assert share.revoked_at is None  # looking at the question changes nothing
    client.post(url)
    share.refresh_from_db()
    assert share.revoked_at is not None
    detail = client.get(f"/akun/kode-berbagi/{share.public_id}/").content.decode()
    assert share.display_code not in detail and "You revoked this code" in detail
    assert AuditEntry.objects.filter(action="sharecode.revoked", subject_id=applicant.pk).exists()


@pytest.mark.django_db
def test_another_applicant_can_neither_see_nor_revoke_my_codes(
    client: Client, other_applicant: Any, share: ShareCode
) -> None:
    signed_in(client, other_applicant)
    assert client.get(f"/akun/kode-berbagi/{share.public_id}/").status_code == 404
    assert client.get(f"/akun/kode-berbagi/{share.public_id}/cabut/").status_code == 404
    assert client.post(f"/akun/kode-berbagi/{share.public_id}/cabut/").status_code == 404
    assert share.display_code.encode() not in client.get("/akun/kode-berbagi/").content
    share.refresh_from_db()
    assert share.revoked_at is None


@pytest.mark.django_db
def test_the_holder_sees_who_checked_and_what_they_learnt(
    client: Client, applicant: Any, share: ShareCode
) -> None:
    web = Verifier(Channel.WEB, "Kos Melati")
    do_check_status(share.code, BIRTH, web)
    do_check_status(share.code, BIRTH + dt.timedelta(days=1), web)
    signed_in(client, applicant)
    text = client.get(f"/akun/kode-berbagi/{share.public_id}/").content.decode()
    assert text.count("Kos Melati") == 2
    assert "Shown: the permission is valid" in text
    assert "Refused: the date of birth did not match" in text
    assert (
        b'<td class="govuk-table__cell govuk-table__cell--numeric">2</td>'
        in client.get("/akun/kode-berbagi/").content
    )


@pytest.mark.django_db
def test_a_shown_status_appears_in_who_has_seen_my_data_with_the_organisation_and_purpose(
    client: Client, applicant: Any, share: ShareCode
) -> None:
    do_check_status(share.code, BIRTH, Verifier(Channel.WEB, "PT Sinar Jaya"))
    do_check_status(share.code, BIRTH + dt.timedelta(days=1), Verifier(Channel.WEB, "Penebak"))
    signed_in(client, applicant)
    text = client.get("/akun/").content.decode()
    assert "PT Sinar Jaya" in text
    assert "share code you gave them (Employment)" in text
    assert "Penebak" not in text  # refused: nothing about the holder was disclosed
    reads = client.get("/api/v1/privacy/data-reads", HTTP_ACCEPT_LANGUAGE="en").json()
    assert reads[0]["who"] == "PT Sinar Jaya"


@pytest.mark.django_db
def test_the_list_takes_a_fixed_number_of_queries(
    client: Client, applicant: Any, permit: Any, django_assert_max_num_queries: Any
) -> None:
    for purpose in ("employment", "finance", "education"):
        do_create_share_code(applicant, permit, purpose, 30)
    signed_in(client, applicant)
    client.get("/akun/kode-berbagi/")
    with django_assert_max_num_queries(12):
        assert client.get("/akun/kode-berbagi/").status_code == 200


@pytest.mark.django_db
def test_the_application_page_links_to_share_codes(
    client: Client, applicant: Any, permit: Any
) -> None:
    signed_in(client, applicant)
    response = client.get(f"/permohonan/{permit.reference}/")
    assert response.status_code == 200
    assert b'href="/akun/kode-berbagi/"' in response.content
