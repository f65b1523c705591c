from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from imigrasi.accounts.models import User
from imigrasi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

GOOD = {
    "email": "ratna@example.id",
    "password1": "lima ekor kucing oranye",
    "password2": "lima ekor kucing oranye",
    "full_name": "Ratna Sari",
    "privacy_consent": "on",
}


def test_sign_up_verify_email_then_sign_in(client):
    response = client.post(reverse("account_signup"), GOOD)
    assert response.status_code == 302
    user = User.objects.get(email="ratna@example.id")
    assert user.full_name == "Ratna Sari"
    assert user.role == "applicant"
    assert AuditEntry.objects.filter(action="account.signed_up", subject_id=user.pk).exists()

    # Mandatory verification: no session until the link is followed.
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", str(mail.outbox[0].body))
    assert link, mail.outbox[0].body
    assert client.post(link.group(1)).status_code == 302
    assert EmailAddress.objects.get(email="ratna@example.id").verified

    response = client.post(
        reverse("account_login"), {"login": "ratna@example.id", "password": GOOD["password1"]}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_the_verification_email_is_in_indonesian_by_default(client):
    client.post(reverse("account_signup"), GOOD)
    assert "Konfirmasi" in mail.outbox[0].subject or "konfirmasi" in mail.outbox[0].body.lower()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("pendek sekali", "terlalu pendek"),  # 13 characters: under NIST's 15 for single factor
        ("neworleans12345", "terlalu umum"),  # on the common-password list
        ("sunshine1234567", "kata sandi umum"),  # a listed password padded to length
        ("passwordpassword", "karakter berulang"),
        ("aaaaaaaaaaaaaaaa", "karakter berulang"),
        ("1234567890123456", "karakter berulang"),
        ("imigrasi1234567", "nama layanan"),
        ("ImigrasiDigital2026!", "nama layanan"),  # the service's name, padded
        ("kucing Imigrasi melompat", "nama layanan"),  # the service's name anywhere
        ("Paspor-Indonesia-2026!", "nama layanan"),  # context words padded with digits
    ],
)
def test_weak_passwords_are_refused_with_the_field_named(client, password, message):
    data = GOOD | {"password1": password, "password2": password}
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "password1" in errors
    assert message in " ".join(errors["password1"]).lower()
    assert not User.objects.filter(email=GOOD["email"]).exists()


def test_a_passphrase_that_mentions_a_passport_among_other_words_is_accepted(client):
    data = GOOD | {
        "password1": "paspor biru kucing oranye melompat",
        "password2": "paspor biru kucing oranye melompat",
    }
    assert client.post(reverse("account_signup"), data).status_code == 302


def test_long_passphrases_without_symbols_are_accepted(client):
    data = GOOD | {
        "password1": "saya suka nasi goreng pedas",
        "password2": "saya suka nasi goreng pedas",
    }
    assert client.post(reverse("account_signup"), data).status_code == 302


def test_privacy_consent_is_required(client):
    data = {k: v for k, v in GOOD.items() if k != "privacy_consent"}
    response = client.post(reverse("account_signup"), data)
    assert "privacy_consent" in response.context["form"].errors
    assert b'href="#id_privacy_consent"' in response.content  # error summary links to the field


def test_names_with_titles_or_digits_are_refused_in_english_when_chosen(client):
    client.cookies["imigrasi_lang"] = "en"
    response = client.post(reverse("account_signup"), GOOD | {"full_name": "Dr. Ratna 2"})
    errors = response.context["form"].errors["full_name"]
    assert "Use letters only" in errors[0]
