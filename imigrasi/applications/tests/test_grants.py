"""A supervisor cancels a granted visa or stay permit: the document is revoked, the holder is
told, subscribed agencies get a signed event, and nobody else can do it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from imigrasi.applications import grants
from imigrasi.applications.actions import ApplicationError, IllegalTransition
from imigrasi.applications.demo import VISITOR_MRZ
from imigrasi.applications.numbers import display_number
from imigrasi.applications.tests.conftest import make
from imigrasi.applications.workflow import Status
from imigrasi.audit.models import AuditEntry
from imigrasi.credentials.models import IssuedCredential
from imigrasi.outbox import actions as outbox
from imigrasi.outbox.models import OutboundEvent
from imigrasi.outbox.tests.conftest import (  # noqa: F401 - fixtures
    Receiver,
    receiver,
    receiver_process,
    subscribe,
)

pytestmark = pytest.mark.django_db

URL = "/staff/permohonan/{}/batalkan-izin/"
FOREIGNER: dict[str, Any] = {"nik": "", "name": "", "birth": "", "sex": "", "mrz": VISITOR_MRZ}
SPONSOR = {"sponsor_name": "RATNA DEWI", "sponsor_nik": "3174054505900002"}


@pytest.fixture
def granted(catalog: None, applicant: Any) -> Any:
    """A spouse visa of the applicant's family member, granted by office X."""
    return make("approved", account=applicant.email, service="visa-e31a", **FOREIGNER, **SPONSOR)


def post_cancel(client: Any, application: Any, **data: Any) -> Any:
    body = {"version": application.version, "reason": "sponsor_withdrew", "confirm": "on"}
    return client.post(URL.format(application.number), body | data)


def test_the_supervisor_sees_a_confirmation_page_before_cancelling(
    granted: Any, supervisor: Any, staff_client: Any
) -> None:
    client = staff_client(supervisor)
    client.cookies["imigrasi_lang"] = "en"
    response = client.get(URL.format(granted.number))
    assert response.status_code == 200
    assert b"This cannot be undone" in response.content
    credential = IssuedCredential.objects.get(reference=granted.number)
    assert credential.credential_id.encode() in response.content
    unconfirmed = post_cancel(client, granted, confirm="")
    assert unconfirmed.status_code == 400
    granted.refresh_from_db()
    assert granted.status == Status.APPROVED


def test_a_cancellation_revokes_the_document_tells_the_holder_and_the_agency(
    granted: Any,
    supervisor: Any,
    staff_client: Any,
    receiver: Receiver,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscribe(receiver.url, receiver.secret, ["visa.cancelled"], code="kemnaker")
    credential = IssuedCredential.objects.get(reference=granted.number)
    client = staff_client(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_cancel(client, granted, note="Hubungi kantor untuk EPO.")
    assert response.status_code == 302
    granted.refresh_from_db()
    assert granted.status == Status.CANCELLED
    assert granted.cancellation_reason == "sponsor_withdrew"
    credential.refresh_from_db()
    assert credential.is_revoked and credential.revocation_reason == grants.REVOCATION_REASON

    # Anyone checking the QR code is told it was revoked.
    checker = staff_client(supervisor)
    checker.cookies["imigrasi_lang"] = "en"
    checked = checker.post("/verifikasi/", {"code": credential.code})
    assert b"This document has been revoked" in checked.content

    # The holder is told, in their history and by email.
    event = granted.events.get(to_status=Status.CANCELLED)
    assert event.visible_to_applicant and "Hubungi kantor untuk EPO." in event.message
    assert any(display_number(granted.number) in m.subject for m in mail.outbox)

    # The subscribed agency received the signed event (delivered on commit).
    event_row = OutboundEvent.objects.get(type="visa.cancelled")
    assert event_row.reference == granted.number
    [message] = receiver.received()["messages"]
    assert message["type"] == "visa.cancelled"
    assert message["data"]["reason"] == "sponsor_withdrew"
    assert message["data"]["holder"]["passport_number"] == granted.person.passport_number
    assert "Hubungi" not in str(message["data"])

    # One audit entry for the decision, with the reason category and no personal values.
    [entry] = AuditEntry.objects.filter(action="application.cancel_grant")
    assert entry.reason == "cancelled: sponsor_withdrew"
    assert "Hubungi" not in str(entry.after) + entry.reason
    surname = granted.person.full_name.split()[0]
    assert surname not in str(entry.after) + str(entry.before) + entry.reason
    assert AuditEntry.objects.filter(action="credential.revoked").count() == 1


def test_cancelling_twice_is_harmless(granted: Any, supervisor: Any) -> None:
    assert grants.do_cancel_grant(
        granted, supervisor, reason="issued_in_error", expected_version=granted.version
    )
    granted.refresh_from_db()
    stale = granted.version - 1  # the page a second supervisor still had open
    assert not grants.do_cancel_grant(
        granted, supervisor, reason="issued_in_error", expected_version=stale
    )
    assert AuditEntry.objects.filter(action="application.cancel_grant").count() == 1
    assert AuditEntry.objects.filter(action="credential.revoked").count() == 1
    assert granted.events.filter(to_status=Status.CANCELLED).count() == 1


def test_an_officer_of_the_same_office_cannot_cancel(
    granted: Any, officer: Any, staff_client: Any
) -> None:
    client = staff_client(officer)
    assert client.get(URL.format(granted.number)).status_code == 403
    assert post_cancel(client, granted).status_code == 403
    with pytest.raises(ApplicationError):
        grants.do_cancel_grant(
            granted, officer, reason="issued_in_error", expected_version=granted.version
        )
    # Nor through the officers' generic decision form.
    act = client.post(
        f"/staff/permohonan/{granted.number}/tindakan/cancel_grant/",
        {"version": granted.version},
    )
    assert act.status_code == 302
    granted.refresh_from_db()
    assert granted.status == Status.APPROVED


def test_a_supervisor_of_another_office_and_the_applicant_are_refused(
    granted: Any, applicant: Any, other_office: Any, staff_client: Any, client: Any
) -> None:
    from conftest import STAFF_TOTP, make_user

    elsewhere = make_user(
        "wayan@imigrasi.example", "supervisor", other_office, "Wayan", totp_secret=STAFF_TOTP
    )
    other = staff_client(elsewhere)
    assert other.get(URL.format(granted.number)).status_code == 404
    assert post_cancel(other, granted).status_code == 404
    other.logout()
    client.force_login(applicant)
    assert post_cancel(client, granted).status_code == 403
    granted.refresh_from_db()
    assert granted.status == Status.APPROVED
    assert not IssuedCredential.objects.get(reference=granted.number).is_revoked


def test_an_application_that_granted_nothing_cannot_be_cancelled(
    catalog: None, applicant: Any, supervisor: Any, staff_client: Any
) -> None:
    passport = make("in_production", account=applicant.email)
    with pytest.raises(IllegalTransition):
        grants.do_cancel_grant(
            passport, supervisor, reason="issued_in_error", expected_version=passport.version
        )
    assert staff_client(supervisor).get(URL.format(passport.number)).status_code == 409


def test_extending_a_stay_permit_publishes_an_extension_event(
    catalog: None,
    applicant: Any,
    receiver: Receiver,  # noqa: F811
) -> None:
    subscribe(receiver.url, receiver.secret, ["stay_permit.extended", "visa.extended"])
    make(
        "approved",
        account=applicant.email,
        service="itas-perpanjangan",
        current_permit_number="IM-0000-0000-0",
        **FOREIGNER,
    )
    event = OutboundEvent.objects.get()
    assert event.type == "stay_permit.extended"
    assert event.payload["valid_from"] and event.payload["valid_until"]
    assert outbox.deliver_due() == {"delivered": 1}


def test_the_demo_has_a_cancelled_visa_with_its_document_revoked(catalog: None) -> None:
    from imigrasi.applications.demo import CASES, build_application

    case = next(c for c in CASES if c.target == "cancelled")
    application = build_application(case)
    assert application.status == Status.CANCELLED
    assert IssuedCredential.objects.get(reference=application.number).is_revoked
