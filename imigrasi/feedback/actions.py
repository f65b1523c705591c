"""Inviting people to the satisfaction survey and keeping their answers.

* ``invite_for_application`` / ``invite_for_ticket``: called after the commit of a final
  status or a served ticket (receivers.py); one invitation per completed service, idempotent.
* ``send_invitation``: the email (and text message when the person gave a phone number) with
  the one-time link; ``send_due_reminders``: one reminder, once, never more.
* ``do_submit_response``: spends the link and stores the answers, atomically: a link answers
  once, whatever the number of tabs, retries or attackers.

The link's token is ``HMAC(secret key, invitation id)``: the database keeps only its SHA-256,
so a copy of the database cannot answer anybody's survey, while the status and ticket pages
can show the link again (``token_for``) without storing it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from imigrasi.audit.recording import record_event
from imigrasi.catalog.models import Office, Service
from imigrasi.feedback.models import Invitation, Response, Source

logger = logging.getLogger(__name__)

TOKEN_SALT = "imigrasi.feedback.invitation"  # noqa: S105 - an HMAC salt, not a secret
# Statuses that end a service the person received: a decision or a collected passport.
# Withdrawn, no-show and cancelled applications were not served, so they are not surveyed.
COMPLETED_STATUSES = frozenset({"collected", "approved", "rejected"})
SYSTEM_ACTOR = "system:feedback"


class SurveyError(Exception):
    """A refusal the respondent can understand; ``code`` maps to a message in the views."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- the one-time link ------------------------------------------------------------------------


def token_for(invitation: Invitation) -> str:
    digest = salted_hmac(TOKEN_SALT, invitation.public_id.hex, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def survey_path(invitation: Invitation) -> str:
    return reverse("feedback:survey", args=[token_for(invitation)])


def survey_url(invitation: Invitation) -> str:
    return f"{settings.PUBLIC_BASE_URL}{survey_path(invitation)}"


def find_invitation(token: str) -> Invitation | None:
    """The invitation of a link, or None for a forged or mistyped one (no timing oracle: the
    lookup is by the hash, an index hit or miss like any other)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("office", "service")
        .filter(token_hash=hash_token(token))
        .first()
    )


def state_of(invitation: Invitation, now: dt.datetime | None = None) -> str:
    """ "open", "used" or "expired"."""
    if invitation.used_on is not None:
        return "used"
    if invitation.expires_at <= (now or timezone.now()):
        return "expired"
    return "open"


# --- invitations ------------------------------------------------------------------------------


def _invite(
    *,
    source: str,
    reference: str,
    office: Office,
    service: Service,
    account_id: int | None,
    served_on: dt.date,
) -> Invitation | None:
    """Create the invitation once per completed service; None if it already existed."""
    if Invitation.objects.filter(source=source, reference=reference).exists():
        return None
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = Invitation(
                source=source,
                reference=reference,
                office=office,
                service=service,
                account_id=account_id,
                served_on=served_on,
                expires_at=now + dt.timedelta(days=settings.FEEDBACK_LINK_DAYS),
            )
            # The id the token derives from must exist before the hash is computed.
            invitation.token_hash = hash_token(token_for(invitation))
            invitation.save()
            record_event(
                actor=None,
                system_actor=SYSTEM_ACTOR,
                action="feedback.invited",
                obj=invitation,
                subject_id=account_id,
                after={"source": source, "reference": reference, "office": office.code},
            )
    except IntegrityError:  # invited concurrently (a retried signal): the first one stands
        return None
    if account_id is not None:
        from imigrasi.feedback import tasks
        from imigrasi.lib.background import enqueue_on_commit

        enqueue_on_commit(tasks.send_survey_invitation, invitation.pk)
    return invitation


def invite_for_application(application_id: int) -> Invitation | None:
    from imigrasi.applications.models import Application

    application = (
        Application.objects.select_related("office", "service").filter(pk=application_id).first()
    )
    if application is None or application.status not in COMPLETED_STATUSES:
        return None
    office = application.office or _online_office()
    if office is None:
        return None
    return _invite(
        source=Source.APPLICATION,
        reference=application.number,
        office=office,
        service=application.service,
        account_id=application.account_id,
        served_on=timezone.now().astimezone(office.zone).date(),
    )


def _online_office() -> Office | None:
    """Applications without a visit (e-VoA, visas) are served by the online processing office."""
    return Office.objects.filter(code=settings.ONLINE_PROCESSING_OFFICE).first()


def invite_for_ticket(ticket_id: int) -> Invitation | None:
    """A served queue ticket. A visit booked for an application is part of that application's
    service: its survey comes with the final status, not twice."""
    from imigrasi.appointments.models import Ticket

    ticket = (
        Ticket.objects.select_related("office", "service", "booking").filter(pk=ticket_id).first()
    )
    if ticket is None or ticket.status != "done":
        return None
    booking = ticket.booking
    if booking is not None and booking.application_id is not None:
        return None
    return _invite(
        source=Source.TICKET,
        reference=str(ticket.public_id),
        office=ticket.office,
        service=ticket.service,
        account_id=booking.account_id if booking is not None else None,
        served_on=ticket.date,
    )


def invitation_of(source: str, reference: str) -> Invitation | None:
    return Invitation.objects.filter(source=source, reference=reference).first()


# --- telling the person -----------------------------------------------------------------------


def send_invitation(invitation_id: int, *, reminder: bool = False) -> bool:
    """Email (and SMS if we have a phone number) with the link. False if nothing was sent."""
    invitation = (
        Invitation.objects.select_related("account", "office", "service")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.account is None or state_of(invitation) != "open":
        return False
    account = invitation.account
    context = {
        "office": invitation.office,
        "service": invitation.service,
        "url": survey_url(invitation),
        "expires_at": invitation.expires_at,
        "reminder": reminder,
    }
    with translation.override(account.preferred_language or "id"):
        subject = render_to_string("feedback/email/invitation_subject.txt", context).strip()
        text = render_to_string("feedback/email/invitation.txt", context)
        html = render_to_string("feedback/email/invitation.html", context)
        sms = render_to_string("feedback/sms/invitation.txt", context).strip()
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [account.email])
    message.attach_alternative(html, "text/html")
    message.send()
    if account.phone:
        from imigrasi.applications.notifications import text_messages

        text_messages().send(account.phone, sms)
    if not reminder:
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


def send_due_reminders(now: dt.datetime | None = None, limit: int = 500) -> int:
    """One reminder for links sent FEEDBACK_REMINDER_DAYS ago and still unanswered. Each
    invitation is claimed (reminded_at set) before sending, so two sweeps never both send it,
    and a failed send is not retried: a reminder is a courtesy, never a second nag."""
    now = now or timezone.now()
    due_before = now - dt.timedelta(days=settings.FEEDBACK_REMINDER_DAYS)
    candidates = list(
        Invitation.objects.filter(
            used_on__isnull=True,
            reminded_at__isnull=True,
            sent_at__isnull=False,
            account__isnull=False,
            created_at__lte=due_before,
            expires_at__gt=now + dt.timedelta(days=1),  # a day left to answer, at least
        ).values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in candidates:
        claimed = Invitation.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now)
        if not claimed:
            continue
        try:
            sent += send_invitation(pk, reminder=True)
        except Exception:  # one bad address must not stop the others
            logger.exception("survey reminder %s failed", pk)
    return sent


# --- answering --------------------------------------------------------------------------------

PROFILE_FIELDS = ("age_band", "sex", "education", "occupation")


def do_submit_response(
    invitation: Invitation,
    answers: dict[str, Any],
    *,
    anonymous: bool,
    actor: Any = None,
) -> Response:
    """Spend the link and keep the answers (``answers``: u1…u9 as ints 1-4, the profile
    fields and ``suggestion``, already validated by the form; the database checks the scores
    again). Raises SurveyError("used") or ("expired") when the link cannot be spent."""
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        spent = Invitation.objects.filter(
            Q(pk=invitation.pk, used_on__isnull=True, expires_at__gt=now)
        ).update(used_on=today)
        if not spent:
            invitation.refresh_from_db()
            raise SurveyError("used" if invitation.used_on else "expired")
        response = Response.objects.create(
            office_id=invitation.office_id,
            service_id=invitation.service_id,
            served_on=invitation.served_on,
            submitted_on=today,
            invitation=None if anonymous else invitation,
            account_id=None if anonymous else invitation.account_id,
            suggestion=str(answers.get("suggestion") or "").strip(),
            **{f"u{i}": int(answers[f"u{i}"]) for i in range(1, 10)},
            **{name: answers.get(name) or "" for name in PROFILE_FIELDS},
        )
        after: dict[str, Any] = {"anonymous": anonymous}
        if not anonymous:
            after["response"] = str(response.pk)
        record_event(
            actor=actor,
            system_actor="" if getattr(actor, "is_authenticated", False) else "respondent",
            action="feedback.answered",
            obj=invitation,
            subject_id=invitation.account_id,
            after=after,
        )
    invitation.used_on = today
    return response
