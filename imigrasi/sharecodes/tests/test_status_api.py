"""POST /api/v1/status-checks: OAuth2 client credentials, the answer, uniform refusals, limits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from imigrasi.audit.models import AuditEntry
from imigrasi.credentials.actions import do_revoke
from imigrasi.sharecodes.actions import do_create_share_code, do_revoke_share_code
from imigrasi.sharecodes.models import ShareCode, StatusCheck
from imigrasi.sharecodes.tests.conftest import BIRTH, grant, token_for

URL = "/api/v1/status-checks"


def check(bearer: str | None, code: str, birth: dt.date = BIRTH) -> Any:
    headers: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "en"}
    if bearer is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {bearer}"
    return Client().post(
        URL,
        {"share_code": code, "date_of_birth": birth.isoformat()},
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
def test_a_client_gets_a_token_and_checks_a_valid_permit(share: ShareCode, bearer: str) -> None:
    response = check(bearer, share.display_code)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "valid"
    assert body["document_type"] == "itap"
    assert body["valid_from"] == timezone.localdate().isoformat()
    assert body["work_entitlement"]["may_work"] is True
    assert body["work_entitlement"]["scope"] == "any_employer"


@pytest.mark.django_db
def test_the_answer_says_nothing_else_about_the_holder(share: ShareCode, bearer: str) -> None:
    body = check(bearer, share.code.lower()).json()
    assert set(body) == {"status", "document_type", "valid_from", "valid_until", "work_entitlement"}
    text = str(body)
    for personal in ("OLIVIA", "SMITH", "PA1234567", BIRTH.isoformat(), "AUS"):
        assert personal not in text


@pytest.mark.django_db
def test_a_visit_visa_does_not_allow_work(applicant: Any, catalog: None, bearer: str) -> None:
    visa = grant(applicant, "visa-c1", document_type="evisa")
    share = do_create_share_code(applicant, visa, "accommodation", 7)
    body = check(bearer, share.code).json()
    assert body["document_type"] == "evisa"
    assert body["work_entitlement"] == {
        "may_work": False,
        "scope": "none",
        "description": "May not work",
    }


@pytest.mark.django_db
def test_without_a_token_the_check_is_refused_with_401(share: ShareCode) -> None:
    assert check(None, share.code).status_code == 401
    assert check("not-a-token", share.code).status_code == 401
    assert not StatusCheck.objects.exists()


@pytest.mark.django_db
def test_a_token_without_the_status_scope_is_refused_with_403(
    share: ShareCode, verifier_client: tuple[Any, str]
) -> None:
    application, _secret = verifier_client
    token = AccessToken.objects.create(
        application=application,
        token="other-scope-token",
        scope="read",
        expires=timezone.now() + dt.timedelta(hours=1),
    )
    response = check(token.token, share.code)
    assert response.status_code == 403
    assert "status:read" in response.json()["detail"]
    assert not StatusCheck.objects.exists()


@pytest.mark.django_db
def test_the_token_endpoint_refuses_a_scope_we_do_not_offer(
    verifier_client: tuple[Any, str],
) -> None:
    application, secret = verifier_client
    response = Client().post(
        "/o/token/",
        {
            "grant_type": "client_credentials",
            "scope": "admin",
            "client_id": application.client_id,
            "client_secret": secret,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


@pytest.mark.django_db
def test_an_expired_token_is_refused(share: ShareCode, verifier_client: tuple[Any, str]) -> None:
    token = token_for(*verifier_client)
    AccessToken.objects.filter(token=token).update(expires=timezone.now() - dt.timedelta(1))
    assert check(token, share.code).status_code == 401


@pytest.mark.django_db
def test_wrong_code_wrong_birth_date_expired_and_revoked_codes_look_the_same(
    applicant: Any, permit: Any, bearer: str
) -> None:
    expired = do_create_share_code(applicant, permit, "employment", 7)
    ShareCode.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked = do_create_share_code(applicant, permit, "employment", 7)
    do_revoke_share_code(revoked, applicant)
    good = do_create_share_code(applicant, permit, "employment", 7)
    answers = [
        check(bearer, "ZZZ-ZZZ-ZZZ"),  # no such code
        check(bearer, "not a code at all"),
        check(bearer, good.code, BIRTH + dt.timedelta(days=1)),
        check(bearer, expired.code),
        check(bearer, revoked.code),
    ]
    assert {(a.status_code, a.content) for a in answers} == {
        (answers[0].status_code, answers[0].content)
    }
    assert answers[0].status_code == 404
    assert answers[0].json()["detail"].startswith("We cannot show a status for these details")
    assert {(a["Content-Type"], a.get("Retry-After")) for a in answers} == {
        ("application/json; charset=utf-8", None)
    }


@pytest.mark.django_db
def test_a_cancelled_permit_is_reported_as_cancelled(
    share: ShareCode, permit: Any, bearer: str, admin_user: Any
) -> None:
    do_revoke(permit, admin_user, "permit cancelled")
    body = check(bearer, share.code).json()
    assert body["status"] == "cancelled"


@pytest.mark.django_db
def test_a_permit_past_its_end_is_reported_as_expired(
    applicant: Any, catalog: None, bearer: str
) -> None:
    permit = grant(applicant, valid_until=timezone.localdate() + dt.timedelta(days=1))
    share = do_create_share_code(applicant, permit, "finance", 90)
    type(permit).objects.filter(pk=permit.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1),
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    body = check(bearer, share.code).json()
    assert body["status"] == "expired"
    assert body["valid_until"] == (timezone.localdate() - dt.timedelta(days=1)).isoformat()


@pytest.mark.django_db
def test_checks_are_rate_limited_per_client_with_retry_after(
    share: ShareCode, verifier_client: tuple[Any, str], settings: Any
) -> None:
    from imigrasi.sharecodes.actions import do_register_verifier_client

    settings.STATUS_CHECK_RATE_PER_CLIENT = "2/m"
    token = token_for(*verifier_client)
    assert [check(token, share.code).status_code for _ in range(3)] == [200, 200, 429]
    limited = check(token, share.code)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    # Another client has its own budget.
    other = token_for(*do_register_verifier_client("PT Lain", actor=None))
    assert check(other, share.code).status_code == 200


@pytest.mark.django_db
def test_too_many_wrong_birth_dates_lock_the_code_for_everyone(
    share: ShareCode, bearer: str, settings: Any
) -> None:
    settings.SHARE_CODE_MAX_WRONG_BIRTH_DATES = 3
    for day in range(1, 4):
        assert check(bearer, share.code, BIRTH + dt.timedelta(days=day)).status_code == 404
    assert check(bearer, share.code).status_code == 404  # even with the right date now
    assert StatusCheck.objects.filter(outcome="locked").count() == 1


@pytest.mark.django_db
def test_every_check_is_audited_without_personal_values(
    share: ShareCode, bearer: str, verifier_client: tuple[Any, str], applicant: Any
) -> None:
    check(bearer, share.code)
    check(bearer, share.code, BIRTH + dt.timedelta(days=3))
    check(bearer, "ZZZ-ZZZ-ZZZ")  # no code, no holder: nothing to record
    entries = list(
        AuditEntry.objects.filter(subject_id=applicant.pk, actor_label__startswith="sharecode:")
    )
    assert [e.action for e in entries] == ["personal_data.read", "sharecode.check_refused"]
    client_id = verifier_client[0].client_id
    for entry in entries:
        assert entry.actor_label == f"sharecode:api:{client_id}"
        after = entry.after or {}
        assert after["organisation"] == "PT Maju Bersama"
        assert after["purpose"] == "employment"
        text = str(after) + entry.reason
        for personal in (share.code, "OLIVIA", "PA1234567", BIRTH.isoformat(), "1990"):
            assert personal not in text
    assert [c.outcome for c in StatusCheck.objects.order_by("checked_at")] == [
        "valid",
        "wrong_date_of_birth",
    ]


@pytest.mark.django_db
def test_the_operation_is_documented_with_typed_schemas(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/status-checks"]["post"]
    assert operation["security"]
    assert {"200", "401", "403", "404", "422", "429"} <= set(operation["responses"])
    out = schema["components"]["schemas"]["StatusCheckOut"]
    assert out["properties"]["status"]["enum"] == ["valid", "expired", "cancelled"]
