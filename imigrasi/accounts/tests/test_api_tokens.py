from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import STAFF_TOTP, TEST_PASSWORD, make_user, totp_now
from imigrasi.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"


def get_token(client, email, password=TEST_PASSWORD, code=None, lang="id"):
    body = {"email": email, "password": password}
    if code is not None:
        body["code"] = code
    return client.post(TOKEN_URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_an_applicant_exchanges_credentials_for_a_token_and_uses_it(client, applicant):
    response = get_token(client, applicant.email)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["user"]["email"] == applicant.email
    assert body["expires_at"]
    me = client.get("/api/v1/auth/me", **bearer(body["token"]))
    assert me.status_code == 200
    assert me.json()["full_name"] == "Siti Rahmawati"
    # Only a hash is stored.
    assert not ApiToken.objects.filter(key_hash=body["token"]).exists()


def test_a_wrong_password_is_a_translated_401(client, applicant):
    response = get_token(client, applicant.email, "not the password")
    assert response.status_code == 401
    assert "tidak benar" in response.json()["detail"]
    response = get_token(client, applicant.email, "not the password", lang="en")
    assert response.json()["detail"] == "Email address or password is not correct."


def test_unverified_email_cannot_get_a_token(client, db):
    user = make_user("belum@example.id", verified=False)
    assert get_token(client, user.email).status_code == 403


def test_staff_need_a_code_and_get_a_second_factor_token(client, officer):
    assert get_token(client, officer.email).status_code == 401
    assert get_token(client, officer.email, code="000000").status_code == 401
    response = get_token(client, officer.email, code=totp_now(STAFF_TOTP))
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=officer).second_factor
    assert client.get("/api/v1/staff/me", **bearer(token)).status_code == 200


def test_a_totp_code_cannot_be_replayed(client, officer):
    code = totp_now(STAFF_TOTP)
    assert get_token(client, officer.email, code=code).status_code == 200
    assert get_token(client, officer.email, code=code).status_code == 401


def test_applicant_tokens_do_not_open_the_staff_api(client, applicant):
    token = get_token(client, applicant.email).json()["token"]
    assert client.get("/api/v1/staff/me", **bearer(token)).status_code == 401


def test_logout_revokes_the_token(client, applicant):
    token = get_token(client, applicant.email).json()["token"]
    assert client.post("/api/v1/auth/logout", **bearer(token)).status_code == 204
    assert client.get("/api/v1/auth/me", **bearer(token)).status_code == 401


def test_a_password_change_revokes_every_token(client, applicant):
    first = get_token(client, applicant.email).json()["token"]
    second = get_token(client, applicant.email).json()["token"]
    client.force_login(applicant)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "sebuah frasa sandi baru",
            "password2": "sebuah frasa sandi baru",
        },
    )
    assert response.status_code == 302
    for token in (first, second):
        assert client.get("/api/v1/auth/me", **bearer(token)).status_code == 401
    assert ApiToken.objects.filter(user=applicant, revoked_at__isnull=True).count() == 0


def test_a_password_set_elsewhere_also_invalidates_tokens(client, applicant):
    token = get_token(client, applicant.email).json()["token"]
    applicant.set_password("diganti oleh admin lewat perintah")
    applicant.save()
    assert client.get("/api/v1/auth/me", **bearer(token)).status_code == 401


def test_expired_tokens_are_refused(client, applicant):
    token = get_token(client, applicant.email).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/auth/me", **bearer(token)).status_code == 401


def test_an_invalid_bearer_is_not_rescued_by_a_session(client, applicant):
    client.force_login(applicant)
    assert client.get("/api/v1/auth/me").status_code == 200
    assert client.get("/api/v1/auth/me", **bearer("imd_forged")).status_code == 401


def test_bad_input_gets_422_naming_each_field(client, db):
    response = client.post(TOKEN_URL, {"email": "not-an-email"}, content_type="application/json")
    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["errors"]}
    assert errors["email"]["message"] == "Masukkan alamat email yang valid."
    assert errors["password"]["code"] == "missing"
    assert errors["password"]["message"] == "Kolom ini wajib diisi."


def test_malformed_json_is_a_422_not_a_500(client, db):
    response = client.post(TOKEN_URL, "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_failed_api_logins_lock_the_account_for_web_and_api(client, applicant):
    for _ in range(5):
        get_token(client, applicant.email, "not the password")
    response = get_token(client, applicant.email)
    assert response.status_code == 429
    assert "15" in response.json()["detail"]


def test_endpoints_require_authentication(client, db):
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.post("/api/v1/auth/logout").status_code == 401
