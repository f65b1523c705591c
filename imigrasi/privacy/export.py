"""A copy of everything we hold about an account (UU PDP: access, copy, portability).

One ZIP: ``data.json`` (machine-readable, the same structure for every account),
``ringkasan.pdf`` (the same content, readable and printable) and ``dokumen/`` (every document
the account uploaded, decrypted, in its original format). Built by a background task, stored
encrypted in the documents storage, downloadable by the account holder for
``PRIVACY_EXPORT_DAYS`` days, then deleted by the retention job.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from imigrasi.accounts.models import User
from imigrasi.accounts.queries import personal_data_reads_about
from imigrasi.applications.documents import read_decrypted
from imigrasi.applications.models import Application, Document, Person
from imigrasi.appointments.models import Booking, WaitlistEntry
from imigrasi.assistant.models import Conversation
from imigrasi.credentials.models import IssuedCredential
from imigrasi.privacy import export_services
from imigrasi.privacy.models import Consent, CorrectionRequest
from imigrasi.registry.models import IdentityCheck

FORMAT_VERSION = 1
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def _person(person: Person) -> dict[str, Any]:
    return {
        "id": str(person.public_id),
        "relationship": person.relationship,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "sex": person.sex,
        "nik": person.nik,
        "passport_number": person.passport_number,
        "nationality": person.nationality,
    }


def document_path(application: Application, document: Document) -> str:
    extension = _EXTENSIONS.get(document.media_type, "")
    return (
        f"dokumen/{application.number}/{document.requirement_code}-v{document.version}{extension}"
    )


def _application(application: Application) -> dict[str, Any]:
    return {
        "number": application.number,
        "service": application.service.code,
        "person": str(application.person.public_id),
        "office": application.office.code if application.office else None,
        "status": application.status,
        "answers": application.answers,
        "fees": application.fee_lines,
        "fee_total": application.fee_total,
        "created_at": application.created_at,
        "submitted_at": application.submitted_at,
        "paid_at": application.paid_at,
        "decided_at": application.decided_at,
        "history": [
            {
                "at": event.created_at,
                "kind": event.kind,
                "from": event.from_status,
                "to": event.to_status,
                "by": event.actor_label,
                "message": event.message,
            }
            for event in application.events.filter(visible_to_applicant=True)
        ],
        "billing_codes": [
            {"code": b.code, "amount": b.amount, "status": b.status, "paid_at": b.paid_at}
            for b in application.billing_codes.all()
        ],
        "documents": [
            {
                "requirement": document.requirement_code,
                "version": document.version,
                "current": document.is_current,
                "media_type": document.media_type,
                "size": document.size,
                "sha256": document.sha256,
                "uploaded_at": document.uploaded_at,
                "file": document_path(application, document),
            }
            for document in application.documents.all()
        ],
    }


def _identity_check(check: IdentityCheck) -> dict[str, Any]:
    """What was checked (as typed in the application), when, and the verdict: booleans and
    categories only, since the registry's own data is never kept (imigrasi/registry)."""
    return {
        "application": check.reference,
        "kind": check.kind,
        "what_was_checked": check.input,
        "asked_at": check.created_at,
        "answered_at": check.checked_at,
        "outcome": check.status,
        "details": check.fields,
        "verified_by_an_officer": check.resolved_at is not None,
    }


def _issued_document(credential: IssuedCredential) -> dict[str, Any]:
    """The document's facts and state; neither the signed code nor anything about the key."""
    return {
        "application": credential.reference,
        "document_type": credential.document_type,
        "credential_id": credential.credential_id,
        "valid_from": credential.valid_from,
        "valid_until": credential.valid_until,
        "issued_at": credential.issued_at,
        "revoked": credential.is_revoked,
        "revoked_at": credential.revoked_at,
        "revocation_reason": credential.revocation_reason,
    }


def collect(account: User) -> dict[str, Any]:
    """Everything about the account, as plain data (decrypted: it goes to its holder only)."""
    applications = list(
        Application.objects.filter(account=account)
        .select_related("service", "office", "person")
        .order_by("created_at")
    )
    return {
        "format": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "controller": "Direktorat Jenderal Imigrasi",
        "account": {
            "id": str(account.public_id),
            "email": account.email,
            "full_name": account.full_name,
            "phone": account.phone,
            "nik": account.nik,
            "preferred_language": account.preferred_language,
            "created_at": account.date_joined,
            "last_sign_in": account.last_login,
        },
        "consents": [
            {
                "notice_version": c.notice_version,
                "accepted_at": c.accepted_at,
                "withdrawn_at": c.withdrawn_at,
                "channel": c.channel,
            }
            for c in Consent.objects.filter(account=account).order_by("accepted_at")
        ],
        "people": [_person(p) for p in Person.objects.filter(account=account)],
        "applications": [_application(a) for a in applications],
        "visits": [
            {
                "code": b.code,
                "service": b.service.code,
                "office": b.office.code,
                "starts_at": b.slot.starts_at,
                "status": b.status,
                "queue_number": b.queue_number,
                "person": str(b.person.public_id),
            }
            for b in Booking.objects.filter(account=account).select_related(
                "service", "office", "slot", "person"
            )
        ],
        "waitlist": [
            {"office": w.office.code, "service": w.service.code, "date": w.date}
            for w in WaitlistEntry.objects.filter(account=account).select_related(
                "office", "service"
            )
        ],
        "assistant_conversations": [
            {
                "started_at": c.created_at,
                "messages": [
                    {"at": m.created_at, "from": m.role, "text": m.text} for m in c.messages.all()
                ],
            }
            for c in Conversation.objects.filter(account=account).prefetch_related("messages")
        ],
        "corrections": [
            {
                "application": c.application.number,
                "field": c.field,
                "requested_value": c.new_value,
                "reason": c.reason,
                "status": c.status,
                "requested_at": c.requested_at,
                "reviewed_at": c.reviewed_at,
                "note": c.review_note,
            }
            for c in CorrectionRequest.objects.filter(account=account).select_related("application")
        ],
        "registry_checks": [
            _identity_check(c)
            for c in IdentityCheck.objects.filter(subject_id=account.pk).order_by("created_at")
        ],
        "issued_documents": [
            _issued_document(c)
            for c in IssuedCredential.objects.filter(subject_id=account.pk).order_by("issued_at")
        ],
        "share_codes": export_services.share_codes(account),
        "survey_answers": export_services.survey_answers(account),
        "complaints": export_services.complaints(account),
        "who_opened_my_data": [
            {"at": read.at, "who": read.who, "why": read.why}
            for read in personal_data_reads_about(account, limit=10_000)
        ],
    }


def build_archive(account: User) -> bytes:
    data = collect(account)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        archive.writestr("ringkasan.pdf", render_summary(account, data))
        for application in Application.objects.filter(account=account):
            for document in application.documents.all():
                archive.writestr(document_path(application, document), read_decrypted(document))
    return buffer.getvalue()


def render_summary(account: User, data: dict[str, Any]) -> bytes:
    with translation.override(account.preferred_language or "id"):
        html = render_to_string("privacy/export_summary.html", {"data": data})
    pdf: bytes = HTML(string=html, base_url=settings.PUBLIC_BASE_URL).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    return pdf
