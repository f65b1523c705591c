from __future__ import annotations

import pytest
from django.urls import reverse

from imigrasi.accounts.models import User
from imigrasi.audit.models import AuditEntry
from imigrasi.lib import crypto

pytestmark = pytest.mark.django_db

VALID = {
    "full_name": "Siti Rahmawati",
    "phone": "0812 3456 7890",
    "nik": "3273056010900009",
    "preferred_language": "id",
}


def test_an_applicant_updates_their_details_and_the_audit_keeps_no_values(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("accounts:profile"), VALID)
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.nik == "3273056010900009"
    assert applicant.phone == "081234567890"
    assert applicant.nik_index == crypto.blind_index("3273056010900009", "nik")
    entry = AuditEntry.objects.get(action="account.profile_updated")
    assert entry.after == {"phone": "[redacted]", "nik": "[redacted]"}
    assert "3273056010900009" not in str(entry.canonical_content())


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("12345", "16 digit"),
        ("9973056010900009", "kode provinsi"),
        ("3273053210900009", "tanggal lahir"),
    ],
)
def test_impossible_niks_are_explained(client, applicant, nik, fragment):
    client.force_login(applicant)
    response = client.post(reverse("accounts:profile"), VALID | {"nik": nik})
    assert response.status_code == 200
    assert fragment in response.context["form"].errors["nik"][0]
    assert b"govuk-error-summary" in response.content


def test_a_nik_linked_to_another_account_is_refused_via_the_blind_index(
    client, applicant, other_applicant
):
    other_applicant.nik = "3273056010900009"
    other_applicant.save()
    client.force_login(applicant)
    response = client.post(reverse("accounts:profile"), VALID)
    assert "sudah terhubung" in response.context["form"].errors["nik"][0]
    assert User.objects.filter(nik_index=crypto.blind_index("3273056010900009", "nik")).count() == 1


def test_encrypted_fields_refuse_plaintext_lookups(applicant):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        User.objects.filter(nik="3273056010900009").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(reverse("accounts:profile")).status_code == 302
