"""Emails about a person's data-rights requests, in their language, without personal data."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from imigrasi.accounts.models import User
from imigrasi.privacy.models import CorrectionRequest, DataExport, ExportStatus


def send_email(
    account: User, template: str, context: dict[str, object], *, reply_to: str = ""
) -> None:
    context = {**context, "base_url": settings.PUBLIC_BASE_URL}
    with translation.override(account.preferred_language or "id"):
        subject = render_to_string(f"privacy/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"privacy/email/{template}.txt", context)
        html = render_to_string(f"privacy/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [account.email],
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_export_ready(export_id: int) -> bool:
    export = DataExport.objects.filter(pk=export_id).select_related("account").first()
    if export is None or export.status != ExportStatus.READY or not export.account.is_active:
        return False
    send_email(
        export.account,
        "export_ready",
        {"export": export, "url": settings.PUBLIC_BASE_URL + reverse("privacy:home")},
    )
    return True


def send_correction_reviewed(correction_id: int) -> bool:
    correction = (
        CorrectionRequest.objects.filter(pk=correction_id)
        .select_related("account", "application")
        .first()
    )
    if correction is None or not correction.account.is_active:
        return False
    send_email(
        correction.account,
        "correction_reviewed",
        {
            "correction": correction,
            "url": settings.PUBLIC_BASE_URL + reverse("privacy:home"),
        },
    )
    return True
