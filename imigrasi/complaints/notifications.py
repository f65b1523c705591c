"""The supervisors' email about an overdue complaint: number, category, status, deadline and a
link to the staff page; never what the complaint says or who sent it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from imigrasi.complaints.models import Complaint


def send_escalation(complaint_id: int) -> int:
    from imigrasi.complaints.actions import supervisors_of

    complaint = Complaint.objects.filter(pk=complaint_id).select_related("office").first()
    if complaint is None:
        return 0
    url = settings.PUBLIC_BASE_URL + reverse("complaints_staff:detail", args=[complaint.number])
    sent = 0
    for supervisor in supervisors_of(complaint.office):
        context = {"complaint": complaint, "url": url}
        with translation.override(supervisor.preferred_language or "id"):
            subject = render_to_string("complaints/email/escalated_subject.txt", context).strip()
            text = render_to_string("complaints/email/escalated.txt", context)
            html = render_to_string("complaints/email/escalated.html", context)
        message = EmailMultiAlternatives(
            subject, text, settings.DEFAULT_FROM_EMAIL, [supervisor.email]
        )
        message.attach_alternative(html, "text/html")
        message.send()
        sent += 1
    return sent
