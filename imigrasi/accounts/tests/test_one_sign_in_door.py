"""Every way in goes through the one sign-in flow, and a password alone never adds a factor.

The chain these tests close: Django admin's own login form signed an administrator in with the
password only; from that session a password re-authentication opened "add a security key", and
enrolling a self-made key counted as the session's second factor.
"""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from conftest import STAFF_TOTP, TEST_PASSWORD, totp_now

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/accounts/user/", "/staff/", "/staff/audit/"]


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_the_admin_login_page_sends_visitors_to_the_sign_in_flow(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=/admin/accounts/user/" in response["Location"]


def test_the_admin_login_form_does_not_accept_a_password(client, admin_user):
    response = client.post(
        "/admin/login/", {"username": admin_user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 302


def test_a_signed_in_applicant_cannot_use_the_admin_login_to_become_the_admin(
    client, applicant, admin_user
):
    client.force_login(applicant)
    assert client.get("/admin/login/").status_code == 403
    response = client.post(
        "/admin/login/", {"username": admin_user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 403
    assert signed_in_user_id(client) == str(applicant.pk)
    for url in ADMIN_PAGES:
        assert client.get(url).status_code in (302, 403)


def test_wrong_passwords_at_the_admin_door_count_towards_no_bypass(client, admin_user):
    """Eight wrong passwords then the right one: the admin door never signs anyone in, and
    the real sign-in flow is locked by then for the account."""
    for _ in range(8):
        client.post("/admin/login/", {"username": admin_user.email, "password": "salah sekali"})
        client.post(reverse("account_login"), {"login": admin_user.email, "password": "salah"})
    response = client.post(
        reverse("account_login"), {"login": admin_user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code in (200, 429)  # locked: the form again, not the code step
    assert signed_in_user_id(client) is None


def test_the_admin_password_change_form_is_the_account_one(staff_client, admin_user):
    response = staff_client(admin_user).get("/admin/password_change/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_change_password")


FACTOR_PAGES = [
    "mfa_add_webauthn",
    "mfa_activate_totp",
    "mfa_generate_recovery_codes",
    "mfa_view_recovery_codes",
    "mfa_deactivate_totp",
]


@pytest.mark.parametrize("page", FACTOR_PAGES)
def test_a_password_reauthentication_does_not_open_the_factor_pages(client, admin_user, page):
    client.force_login(admin_user)  # a session that proved the password only
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    response = client.post(reverse(page), {"code": "123456", "name": "kunci saya"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert Authenticator.objects.filter(user=admin_user).count() == 1


def test_the_existing_factor_opens_the_factor_pages(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("mfa_reauthenticate"), {"code": totp_now(STAFF_TOTP)})
    assert response.status_code == 302
    assert client.get(reverse("mfa_add_webauthn")).status_code == 200
    assert client.get(reverse("mfa_generate_recovery_codes")).status_code == 200


def test_staff_reauthentication_offers_the_second_factor_first(client, admin_user):
    from allauth.account.adapter import get_adapter

    methods = get_adapter().get_reauthentication_methods(admin_user)
    assert methods[0]["id"].startswith("mfa_")
    assert any(method["id"] == "reauthenticate" for method in methods)


def test_an_applicant_without_a_factor_may_add_a_first_one_after_the_password(client, applicant):
    client.force_login(applicant)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
