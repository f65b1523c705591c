"""Invitations at the right moment: a final status or a served ticket, once, with one reminder."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from imigrasi.applications import actions as application_actions
from imigrasi.applications.tests.conftest import make
from imigrasi.appointments import onsite
from imigrasi.appointments.models import Counter, Ticket
from imigrasi.appointments.setup import configure_office
from imigrasi.feedback import actions
from imigrasi.feedback.models import Invitation, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(settings: Any, tmp_path: Path) -> Path:
    settings.SMS_BACKEND = "imigrasi.applications.notifications.FileTextMessages"
    settings.VAR_DIR = tmp_path
    return tmp_path / "sms.log"


def collect(application: Any, officer: Any) -> Any:
    return application_actions.do_officer_action(
        application, officer, "mark_collected", expected_version=application.version
    )


def test_a_collected_passport_invites_its_applicant_by_email_and_text(
    catalog: None, officer: Any, texts: Path, django_capture_on_commit_callbacks: Any
) -> None:
    application = make("ready_for_pickup", phone="081234567890")
    account = application.account
    account.phone = "081234567890"
    account.save(update_fields=["phone"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        collect(application, officer)
    invitation = Invitation.objects.get(source=Source.APPLICATION, reference=application.number)
    assert invitation.account_id == application.account_id
    assert invitation.office_id == application.office_id
    assert invitation.sent_at is not None
    link = actions.survey_url(invitation)
    [message] = [m for m in mail.outbox if link in m.body]
    assert message.to == [account.email]
    assert [json.loads(line)["text"] for line in texts.read_text().splitlines()][-1].endswith(link)
    # Only the hash of the link's token is stored.
    token = actions.token_for(invitation)
    assert token not in invitation.token_hash
    assert invitation.token_hash == actions.hash_token(token)


def test_an_application_is_surveyed_once_however_often_its_status_is_announced(
    catalog: None, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    application = make("ready_for_pickup")
    with django_capture_on_commit_callbacks(execute=True):
        collect(application, officer)
    assert actions.invite_for_application(application.pk) is None
    assert Invitation.objects.filter(reference=application.number).count() == 1


def test_a_withdrawn_application_is_not_surveyed(
    catalog: None, django_capture_on_commit_callbacks: Any
) -> None:
    application = make("awaiting_payment")
    with django_capture_on_commit_callbacks(execute=True):
        application_actions.do_withdraw(application, application.account)
    assert not Invitation.objects.exists()


def test_an_application_still_in_progress_is_not_surveyed(
    catalog: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make("awaiting_visit")
    assert not Invitation.objects.exists()


def _serving_ticket(office: Any, service: Any, **extra: Any) -> tuple[Ticket, Counter]:
    configure_office(office)
    counter = Counter.objects.filter(office=office, is_active=True).order_by("pk").first()
    assert counter is not None
    now = timezone.now()
    ticket = Ticket.objects.create(
        office=office,
        date=now.astimezone(office.zone).date(),
        number="A-001",
        route_prefix="A",
        service=service,
        origin="walk_in",
        due_at=now,
        status="serving",
        counter=counter,
        **extra,
    )
    return ticket, counter


def test_a_served_walk_in_ticket_invites_on_its_ticket_page(
    catalog: None, officer: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from imigrasi.catalog.models import Service

    ticket, counter = _serving_ticket(officer.office, Service.objects.get(code="paspor-anak"))
    page = client.get(f"/antrean/tiket/{ticket.public_id}/")
    assert b'id="survey"' not in page.content
    with django_capture_on_commit_callbacks(execute=True):
        onsite.finish_service(ticket, counter, officer)
    invitation = Invitation.objects.get(source=Source.TICKET, reference=str(ticket.public_id))
    assert invitation.account_id is None  # a walk-in: nobody to write to
    assert invitation.served_on == ticket.date
    page = client.get(f"/antrean/tiket/{ticket.public_id}/")
    assert actions.survey_path(invitation).encode() in page.content


def test_the_status_page_shows_the_survey_link_until_it_is_answered(
    catalog: None,
    applicant: Any,
    officer: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = make("ready_for_pickup", account=applicant.email)
    with django_capture_on_commit_callbacks(execute=True):
        collect(application, officer)
    invitation = Invitation.objects.get(reference=application.number)
    client.force_login(application.account)
    page = client.get(f"/permohonan/{application.number}/")
    assert actions.survey_path(invitation).encode() in page.content
    actions.do_submit_response(invitation, {f"u{i}": 3 for i in range(1, 10)}, anonymous=False)
    page = client.get(f"/permohonan/{application.number}/")
    assert actions.survey_path(invitation).encode() not in page.content
    assert b'id="survey"' in page.content


def test_a_reminder_goes_once_and_never_again(
    catalog: None, officer: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    application = make("ready_for_pickup")
    with django_capture_on_commit_callbacks(execute=True):
        collect(application, officer)
    invitation = Invitation.objects.get(reference=application.number)
    mail.outbox.clear()
    soon = timezone.now() + dt.timedelta(days=1)
    assert actions.send_due_reminders(now=soon) == 0  # not due yet
    due = timezone.now() + dt.timedelta(days=settings.FEEDBACK_REMINDER_DAYS, minutes=1)
    assert actions.send_due_reminders(now=due) == 1
    assert len(mail.outbox) == 1
    assert actions.survey_url(invitation) in mail.outbox[0].body
    assert actions.send_due_reminders(now=due + dt.timedelta(days=5)) == 0
    assert len(mail.outbox) == 1


def test_an_answered_link_gets_no_reminder(
    catalog: None, officer: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    application = make("ready_for_pickup")
    with django_capture_on_commit_callbacks(execute=True):
        collect(application, officer)
    invitation = Invitation.objects.get(reference=application.number)
    actions.do_submit_response(invitation, {f"u{i}": 4 for i in range(1, 10)}, anonymous=True)
    due = timezone.now() + dt.timedelta(days=settings.FEEDBACK_REMINDER_DAYS, minutes=1)
    assert actions.send_due_reminders(now=due) == 0
