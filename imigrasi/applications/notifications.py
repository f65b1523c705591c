"""Telling applicants what happened: email always, text message (SMS/WhatsApp) when configured.

Messages carry the status meaning and a link, never personal data beyond the application
number. The SMS/WhatsApp side is an adapter interface: "console" logs, "file" appends JSON lines
to var/sms.log (what tests read); a real gateway adapter plugs in by setting SMS_BACKEND.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

from imigrasi.applications.models import ApplicationEvent, BillingCode, BillingStatus
from imigrasi.applications.workflow import STATUS_TEXT, Status

logger = logging.getLogger(__name__)


class TextMessageBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleTextMessages:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to …%s: %s", phone[-3:], text)


class FileTextMessages:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path(settings.VAR_DIR) / "sms.log"

    def send(self, phone: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"to": phone, "text": text}) + "\n")


def text_messages() -> TextMessageBackend:
    backend: TextMessageBackend = import_string(settings.SMS_BACKEND)()
    return backend


def _send_email(to: str, language: str, template: str, context: dict[str, object]) -> None:
    with translation.override(language):
        subject = render_to_string(f"applications/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"applications/email/{template}.txt", context)
        html = render_to_string(f"applications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_status_notification(event_id: int) -> bool:
    event = (
        ApplicationEvent.objects.select_related("application__account", "application__service")
        .filter(pk=event_id)
        .first()
    )
    if event is None or not event.visible_to_applicant:
        return False
    application = event.application
    account = application.account
    language = account.preferred_language or "id"
    context = {
        "application": application,
        "status": Status(event.to_status),
        "text": STATUS_TEXT[event.to_status],
        "message": event.message,
        "url": f"{settings.PUBLIC_BASE_URL}/permohonan/{application.number}/",
    }
    _send_email(account.email, language, "status_changed", context)
    phone = (application.answers or {}).get("phone") or account.phone
    if phone:
        with translation.override(language):
            text = render_to_string("applications/sms/status_changed.txt", context).strip()
        text_messages().send(phone, text)
    return True


def send_billing_reminder(billing_id: int) -> bool:
    billing = (
        BillingCode.objects.select_related("application__account").filter(pk=billing_id).first()
    )
    if billing is None or billing.status != BillingStatus.ACTIVE or billing.reminder_sent_at:
        return False
    from django.utils import timezone

    application = billing.application
    context = {
        "application": application,
        "billing": billing,
        "url": f"{settings.PUBLIC_BASE_URL}/permohonan/{application.number}/",
    }
    _send_email(
        application.account.email,
        application.account.preferred_language or "id",
        "billing_reminder",
        context,
    )
    BillingCode.objects.filter(pk=billing.pk).update(reminder_sent_at=timezone.now())
    return True
