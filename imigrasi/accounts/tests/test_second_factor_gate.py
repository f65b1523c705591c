"""A staff user without a second factor in the session reaches no staff page, no office data
anywhere on the site, and no API; enrolling a factor is not itself a second-factor sign-in."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from conftest import STAFF_TOTP, TEST_PASSWORD, make_user, totp_now

pytestmark = pytest.mark.django_db

STAFF_URLS = ["/staff/", "/staff/audit/", "/admin/", "/api/v1/staff/me"]


@pytest.fixture
def officer_without_factor(office):
    return make_user("baru@imigrasi.example", "officer", office, "Petugas Baru")


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, officer_without_factor, url):
    client.post(
        reverse("account_login"), {"login": officer_without_factor.email, "password": TEST_PASSWORD}
    )
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_with_a_factor_but_a_password_only_session_must_reauthenticate(
    client, admin_user, url
):
    client.force_login(admin_user)
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('mfa_reauthenticate')}?next={quote(url, '')}"


def test_login_with_a_factor_asks_for_the_code_then_opens_the_staff_area(client, officer):
    from conftest import STAFF_TOTP

    response = client.post(
        reverse("account_login"), {"login": officer.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/staff/").status_code == 302  # not signed in yet
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(STAFF_TOTP)})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth announces the new device on commit
def test_enrolling_an_authenticator_then_proving_it_opens_the_staff_area(
    client, officer_without_factor
):
    client.post(
        reverse("account_login"), {"login": officer_without_factor.email, "password": TEST_PASSWORD}
    )
    # allauth asks for the password again before a security change.
    assert client.get(reverse("mfa_activate_totp")).status_code == 302
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=officer_without_factor, type="totp").exists()
    # The stored secret is encrypted with our key ring, not kept in clear.
    stored = Authenticator.objects.get(user=officer_without_factor, type="totp").data["secret"]
    assert stored.startswith("enc1$") and secret not in stored
    # Enrolling proved the password and the new device, not the account's second factor.
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    response = client.post(
        reverse("mfa_reauthenticate"), {"code": totp_now(secret, offset_periods=1)}
    )
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_staff_cannot_remove_their_only_factor(staff_client, officer):
    client = staff_client(officer)
    totp = Authenticator.objects.get(user=officer, type="totp")
    from allauth.mfa.adapter import get_adapter

    assert not get_adapter().can_delete_authenticator(totp)
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(pk=totp.pk).exists()


def test_applicants_may_use_but_need_not_use_a_second_factor(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert client.get("/staff/").status_code == 403


@pytest.mark.parametrize(
    "persona", ["officer", "supervisor", "content_editor", "auditor", "admin_user"]
)
def test_every_staff_role_reaches_the_staff_area_after_a_second_factor(
    staff_client, persona, request
):
    user = request.getfixturevalue(persona)
    assert staff_client(user).get("/staff/").status_code == 200


def test_a_code_from_the_previous_step_counts_once() -> None:
    """A code that rolled over while the form was sent still signs in, but only once."""
    from allauth.mfa.totp.internal.auth import TOTP

    user = make_user("pemohon.totp@example.id", totp_secret=STAFF_TOTP)
    totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
    previous = totp_now(STAFF_TOTP, offset_periods=-1)
    assert totp.validate_code(previous)
    assert not totp.validate_code(previous)  # single use
    assert not totp.validate_code(totp_now(STAFF_TOTP, offset_periods=-3))


@pytest.fixture
def scan_url(catalog, applicant, officer_without_factor):
    from imigrasi.applications.tests.conftest import make

    application = make("in_review", account=applicant.email)
    document = application.documents.first()
    return f"/permohonan/{application.number}/dokumen/berkas/{document.public_id}/", application


def test_office_data_outside_the_staff_area_also_needs_the_second_factor(
    client, officer_without_factor, scan_url
):
    """A new officer who has not set up a factor cannot download the office's scans."""
    url, application = scan_url
    client.post(
        reverse("account_login"), {"login": officer_without_factor.email, "password": TEST_PASSWORD}
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    api = client.get(f"/api/v1/applications/{application.number}")
    assert api.status_code == 403


def test_an_officer_with_a_factor_but_a_password_only_session_cannot_open_scans(
    client, officer, scan_url
):
    url, _ = scan_url
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_public_pages_and_signing_out_stay_open_before_the_second_factor(
    client, officer_without_factor
):
    client.force_login(officer_without_factor)
    assert client.get(reverse("pages:home")).status_code == 200
    assert client.get(reverse("pages:privacy")).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 302  # signed out


def test_a_token_issued_before_the_account_became_staff_opens_nothing(client, applicant, office):
    from imigrasi.accounts.models import Role

    issued = client.post(
        "/api/v1/auth/token",
        {"email": applicant.email, "password": TEST_PASSWORD},
        content_type="application/json",
    )
    token = issued.json()["token"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", **headers).status_code == 200
    applicant.role, applicant.office = Role.OFFICER, office
    applicant.save(update_fields=["role", "office"])
    assert client.get("/api/v1/auth/me", **headers).status_code == 401
    assert client.get("/api/v1/staff/me", **headers).status_code == 401
