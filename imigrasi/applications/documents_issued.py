"""The signed document (QR code) a granted visa or stay permit comes with (ADR 0008).

Called by the status change, inside its transaction, right after the decision is published to
other agencies: the same decisions count as grants (``agency_events.is_grant``). The validity
dates come from ``validity.grant_validity`` (catalog data), so the code, the holder's page and
the document check all show the same period. Facts
that cannot be signed (``CredentialError``) never undo the approval: the officer's decision
stands, a warning without personal data is logged, and the code can be issued later.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from imigrasi.applications.agency_events import is_grant
from imigrasi.applications.models import Application
from imigrasi.applications.validity import grant_validity
from imigrasi.catalog.models import ServiceFamily
from imigrasi.credentials.actions import CredentialError, issue_credential
from imigrasi.credentials.models import DocumentType, IssuedCredential

logger = logging.getLogger(__name__)


def document_type_for(application: Application) -> str:
    """e-Visa for visas; ITAS or ITAP for those permits; a decision letter for other permits."""
    if application.service.family == ServiceFamily.VISA:
        return DocumentType.EVISA
    code = application.service.code
    if code.startswith("itap"):
        return DocumentType.ITAP
    if code.startswith("itas"):
        return DocumentType.ITAS
    return DocumentType.DECISION_LETTER


def issue_documents(application: Application, action: str) -> IssuedCredential | None:
    """Issue the holder's signed code when ``action`` grants a visa or stay permit."""
    if not is_grant(application, action):
        return None  # a passport's "ready" is also published, but it has no QR code here
    validity = grant_validity(application, timezone.localdate())
    if validity is None:  # pragma: no cover - every granted family has a validity
        return None
    person = application.person
    try:
        with transaction.atomic():  # a savepoint: a refused signature leaves no half-written row
            return issue_credential(
                reference=application.number,
                subject_id=application.account_id,
                document_type=document_type_for(application),
                holder_name=person.full_name,
                date_of_birth=person.date_of_birth,
                nationality=person.nationality,
                # The permit number; the passport number and NIK never go into a code.
                document_number=application.number,
                valid_from=validity.valid_from,
                valid_until=validity.valid_until,
            )
    except CredentialError as exc:
        logger.warning(
            "no signed document for application %s (%s): %s",
            application.number,
            application.service.code,
            type(exc).__name__,
        )
        return None
