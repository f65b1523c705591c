"""Billing codes and payment callbacks: signed, idempotent, and nothing lost when a side is down."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.test import Client
from django.utils import timezone

from imigrasi.applications import actions
from imigrasi.applications.models import BillingCode, BillingStatus, PaymentNotification
from imigrasi.applications.tests.conftest import make
from imigrasi.applications.workflow import Status
from imigrasi.lib.billing import sign_callback

pytestmark = pytest.mark.django_db

CALLBACK = "/api/v1/payments/callback"


def submitted(applicant, gateway, django_capture_on_commit_callbacks):
    application = make("draft", account=applicant.email)
    from imigrasi.applications.demo import specimen_scan
    from imigrasi.applications.wizard import context_for, required_documents

    for requirement in required_documents(context_for(application)):
        actions.do_upload_document(application, requirement.code, specimen_scan("x"), applicant)
    with django_capture_on_commit_callbacks(execute=True):
        application = actions.do_submit_application(application, applicant, declaration=True)
    return application, application.billing_codes.get()


def signed_post(client: Client, body: dict, private: str, timestamp: int | None = None):
    raw = json.dumps(body).encode()
    headers = sign_callback(raw, private, timestamp=timestamp or int(time.time()))
    return client.post(
        CALLBACK,
        raw,
        content_type="application/json",
        headers=dict(headers),
    )


def notice(billing: BillingCode, transaction_id: str = "TX0000000000000A", amount=None) -> dict:
    return {
        "billing_code": billing.code,
        "amount": amount or billing.amount,
        "paid_at": timezone.now().isoformat(),
        "channel": "ATM Mandiri",
        "transaction_id": transaction_id,
        "reference": billing.reference,
    }


def test_submission_gets_a_15_digit_billing_code_from_the_billing_system(
    catalog, applicant, gateway, django_capture_on_commit_callbacks
):
    application, billing = submitted(applicant, gateway, django_capture_on_commit_callbacks)
    assert application.status == Status.AWAITING_PAYMENT
    assert billing.status == BillingStatus.ACTIVE
    assert len(billing.code) == 15 and billing.amount == application.fee_total == 950_000
    assert billing.expires_at > timezone.now() + dt.timedelta(minutes=110)


def test_a_signed_callback_pays_once_however_often_it_arrives(
    catalog, applicant, gateway, client, django_capture_on_commit_callbacks
):
    application, billing = submitted(applicant, gateway, django_capture_on_commit_callbacks)
    body = notice(billing)
    for _ in range(3):
        response = signed_post(client, body, gateway["private"])
        assert response.status_code == 200
    assert PaymentNotification.objects.count() == 1
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert application.events.filter(to_status=Status.IN_REVIEW).count() == 1
    assert application.paid_at and application.due_at


def test_a_bad_signature_or_stale_timestamp_is_ignored(
    catalog, applicant, gateway, client, django_capture_on_commit_callbacks
):
    from imigrasi.lib.billing import generate_keypair

    application, billing = submitted(applicant, gateway, django_capture_on_commit_callbacks)
    forged_key, _ = generate_keypair()
    assert signed_post(client, notice(billing), forged_key).status_code == 400
    stale = int(time.time()) - 3600
    assert signed_post(client, notice(billing), gateway["private"], stale).status_code == 400
    assert client.post(CALLBACK, b"{}", content_type="application/json").status_code == 400
    application.refresh_from_db()
    assert application.status == Status.AWAITING_PAYMENT
    assert PaymentNotification.objects.count() == 0


def test_a_wrong_amount_is_recorded_but_does_not_pay(
    catalog, applicant, gateway, client, django_capture_on_commit_callbacks
):
    application, billing = submitted(applicant, gateway, django_capture_on_commit_callbacks)
    assert signed_post(client, notice(billing, amount=1000), gateway["private"]).json() == {
        "outcome": "amount_mismatch"
    }
    application.refresh_from_db()
    assert application.status == Status.AWAITING_PAYMENT


def test_a_billing_system_that_is_down_leaves_the_bill_pending_and_it_is_retried(
    catalog, applicant, gateway, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_GATEWAY_URL = "http://127.0.0.1:9"  # nothing listens there
    application, billing = submitted(applicant, gateway, django_capture_on_commit_callbacks)
    assert application.status == Status.AWAITING_PAYMENT  # sent, not lost, no 500
    assert billing.status == BillingStatus.PENDING and billing.attempts >= 1
    settings.PAYMENT_GATEWAY_URL = gateway["url"]
    actions.do_issue_billing_code(billing, billing.attempts)  # the scheduled retry, in the worker
    billing.refresh_from_db()
    assert billing.status == BillingStatus.ACTIVE and billing.code


def test_a_bill_has_one_retry_chain_however_many_copies_of_its_job_run(
    catalog, applicant, gateway, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_GATEWAY_URL = "http://127.0.0.1:9"
    _application, billing = submitted(applicant, gateway, django_capture_on_commit_callbacks)
    attempts = billing.attempts
    settings.PAYMENT_GATEWAY_URL = gateway["url"]
    stale_copy = attempts - 1  # a duplicate of a job whose attempt already ran
    actions.do_issue_billing_code(billing, stale_copy)
    billing.refresh_from_db()
    assert billing.status == BillingStatus.PENDING and billing.attempts == attempts
    actions.do_issue_billing_code(billing, attempts)
    billing.refresh_from_db()
    assert billing.status == BillingStatus.ACTIVE and billing.attempts == attempts + 1


@pytest.fixture
def silent_billing_system():
    """Accepts connections, never answers: the worst kind of outage for a caller."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.setblocking(False)
    yield server
    server.close()


def connections_received(server) -> int:
    count = 0
    while True:
        try:
            connection, _ = server.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def test_reading_the_status_never_calls_the_billing_system_nor_writes(
    catalog,
    applicant,
    gateway,
    client,
    settings,
    silent_billing_system,
    django_capture_on_commit_callbacks,
):
    settings.PAYMENT_GATEWAY_URL = "http://127.0.0.1:9"
    application, billing = submitted(applicant, gateway, django_capture_on_commit_callbacks)
    port = silent_billing_system.getsockname()[1]
    settings.PAYMENT_GATEWAY_URL = f"http://127.0.0.1:{port}"
    BillingCode.objects.filter(pk=billing.pk).update(
        requested_at=timezone.now() - dt.timedelta(minutes=5)
    )
    before = BillingCode.objects.values().get(pk=billing.pk)
    client.force_login(applicant)
    token = client.post(
        "/api/v1/auth/token",
        {"email": applicant.email, "password": "correct horse battery staple"},
        content_type="application/json",
    ).json()["token"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    with django_capture_on_commit_callbacks() as scheduled:
        for url in (
            f"/permohonan/{application.number}/",
            f"/permohonan/{application.number}/status.json",
        ):
            assert client.get(url).status_code == 200
        for url in (
            f"/api/v1/applications/{application.number}",
            f"/api/v1/applications/{application.number}/status",
        ):
            assert client.get(url, **bearer).status_code == 200
    assert scheduled == []
    assert connections_received(silent_billing_system) == 0
    assert BillingCode.objects.values().get(pk=billing.pk) == before


def test_a_lapsed_code_reads_as_expired_before_its_timer_runs(
    catalog, applicant, gateway, client, django_capture_on_commit_callbacks
):
    application, billing = submitted(applicant, gateway, django_capture_on_commit_callbacks)
    BillingCode.objects.filter(pk=billing.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    client.force_login(applicant)
    status = client.get(f"/permohonan/{application.number}/status.json").json()
    assert status["billing"]["status"] == BillingStatus.EXPIRED
    page = client.get(f"/permohonan/{application.number}/")
    assert page.context["billing_lapsed"] is True
    billing.refresh_from_db()
    assert billing.status == BillingStatus.ACTIVE  # the read changed nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/permohonan/{application.number}/tagihan-baru/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.AWAITING_PAYMENT
    assert list(
        application.billing_codes.order_by("requested_at").values_list("status", flat=True)
    ) == [
        BillingStatus.SUPERSEDED,
        BillingStatus.ACTIVE,
    ]


def test_an_expired_code_is_reissued_without_re_entering_anything(
    catalog, applicant, gateway, client, django_capture_on_commit_callbacks
):
    application, billing = submitted(applicant, gateway, django_capture_on_commit_callbacks)
    BillingCode.objects.filter(pk=billing.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    billing.refresh_from_db()
    assert actions.do_expire_billing(billing)  # the timer task
    application.refresh_from_db()
    assert application.status == Status.PAYMENT_EXPIRED
    answers_before = dict(application.answers)
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/permohonan/{application.number}/tagihan-baru/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.AWAITING_PAYMENT
    assert application.answers == answers_before
    codes = list(
        application.billing_codes.order_by("requested_at").values_list("status", flat=True)
    )
    assert codes == [BillingStatus.SUPERSEDED, BillingStatus.ACTIVE]
    # Money that still arrives on the old code pays the application; the new code then ends.
    assert signed_post(client, notice(billing), gateway["private"]).json() == {"outcome": "applied"}
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert not application.billing_codes.filter(status=BillingStatus.ACTIVE).exists()


def test_the_replayed_simulator_callback_is_recognised(
    catalog, applicant, gateway, live_server, settings
):
    """End to end: the simulator calls our live server, then replays the same bytes."""
    import httpx

    settings.PUBLIC_BASE_URL = live_server.url
    application = make("draft", account=applicant.email)
    from imigrasi.applications.demo import specimen_scan
    from imigrasi.applications.wizard import context_for, required_documents

    for requirement in required_documents(context_for(application)):
        actions.do_upload_document(application, requirement.code, specimen_scan("x"), applicant)
    actions.do_submit_application(application, applicant, declaration=True)
    billing = application.billing_codes.get()
    assert billing.code
    httpx.post(f"{gateway['url']}/v1/bills/{billing.code}/pay", json={"channel": "DANA"})
    deadline = time.monotonic() + 10
    while not PaymentNotification.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    httpx.post(f"{gateway['url']}/v1/bills/{billing.code}/replay-callback")
    time.sleep(1)
    assert PaymentNotification.objects.count() == 1
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


test_the_replayed_simulator_callback_is_recognised = pytest.mark.django_db(transaction=True)(
    test_the_replayed_simulator_callback_is_recognised
)
