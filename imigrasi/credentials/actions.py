"""Issuing, revoking and checking the signed codes printed on issued documents (ADR 0008).

``issue_credential`` is called by the applications app when it approves a visa or stay permit
(inside the decision's transaction), ``do_revoke`` by the admin, ``verify_code`` by the public
check page and the API. Everything here is keyed by the application number and the account id,
so this core app never imports the feature apps above it.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone

from imigrasi.audit.recording import record_event
from imigrasi.credentials import keys
from imigrasi.credentials.models import IssuedCredential
from imigrasi.lib import credentials
from imigrasi.lib.credentials import Verification

CREDENTIAL_PREFIX = "IDC-"
# A document without an end date (a decision or visit letter) still needs an ``exp``: one year,
# the proposed signing period of a key, so such codes never outlive the key's rotation by long.
UNDATED_LIFETIME = dt.timedelta(days=365)
# What the person's data tracker shows as the reader (imigrasi/accounts/queries.py).
VERIFIER_PREFIX = "verifier:"
Channel = Literal["web", "api"]


class CredentialError(ValueError):
    """The facts cannot be signed (a bad nationality code, a missing name...)."""


def new_credential_id() -> str:
    """``IDC-`` and 12 base32 characters (60 random bits): no 0/1/8/9 to misread aloud."""
    return CREDENTIAL_PREFIX + base64.b32encode(secrets.token_bytes(8)).decode("ascii")[:12]


def _end_of(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the platform's zone (Asia/Jakarta): a code is
    invalid on or after ``exp`` (RFC 8392), so it lasts exactly to the end of its last day."""
    zone = timezone.get_default_timezone()
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def issue_credential(
    *,
    reference: str,
    subject_id: int | None,
    document_type: str,
    holder_name: str,
    date_of_birth: dt.date | str,
    nationality: str,
    document_number: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    work_permitted: bool | None = None,
) -> IssuedCredential:
    """Sign the document's facts and keep the code. Idempotent per (reference, document type):
    while an unrevoked code exists it is returned unchanged (a retried approval must not print
    a second code); to change the facts, revoke it first, then issue again.

    ``date_of_birth`` may be partial ("1980", "1980-04"), as ICAO 9303 allows.
    """
    existing = _unrevoked(reference, document_type)
    if existing is not None:
        return existing
    issued_at = timezone.now()
    expires_at = _end_of(valid_until) if valid_until else issued_at + UNDATED_LIFETIME
    credential_id = new_credential_id()
    claims: dict[str, Any] = {
        "document_type": document_type,
        "holder_name": holder_name,
        "date_of_birth": date_of_birth,
        "nationality": nationality,
        "document_number": document_number,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "work_permitted": work_permitted,
    }
    try:
        code = credentials.issue(
            claims,
            key_pem=keys.signing_key_pem(),
            issued_at=issued_at,
            expires_at=expires_at,
            credential_id=credential_id,
        )
    except ValueError as exc:
        raise CredentialError(str(exc)) from exc
    try:
        with transaction.atomic():  # a savepoint: a lost race must not break the caller's
            credential = IssuedCredential.objects.create(
                credential_id=credential_id,
                reference=reference,
                subject_id=subject_id,
                document_type=document_type,
                key_id=keys.current_key_id(),
                code=code,
                valid_from=valid_from,
                valid_until=valid_until,
                issued_at=issued_at,
                expires_at=expires_at,
            )
            record_event(
                actor=None,
                system_actor="system:credentials",
                action="credential.issued",
                obj=credential,
                subject_id=subject_id,
                after=_facts_for_audit(credential),
            )
    except IntegrityError:
        winner = _unrevoked(reference, document_type)  # issued concurrently by a retry
        if winner is None:
            raise
        return winner
    return credential


def _unrevoked(reference: str, document_type: str) -> IssuedCredential | None:
    return IssuedCredential.objects.filter(
        reference=reference, document_type=document_type, revoked_at__isnull=True
    ).first()


def _facts_for_audit(credential: IssuedCredential) -> dict[str, Any]:
    """Identifiers and dates only: the audit log never holds the name or the birth date."""
    return {
        "credential_id": credential.credential_id,
        "reference": credential.reference,
        "document_type": credential.document_type,
        "key_id": credential.key_id,
        "expires_at": credential.expires_at.isoformat(),
    }


def do_revoke(credential: IssuedCredential, actor: Any, reason: str) -> bool:
    """Online verifiers refuse the code from now on (offline ones only once they reconnect:
    ADR 0008). Returns False when it was already revoked (nothing changes, nothing recorded).

    ``reason`` is kept on the row and in the audit log: a short cause ("permit cancelled",
    "reissued"), never the holder's details.
    """
    reason = reason.strip()[:200]
    with transaction.atomic():
        now = timezone.now()
        changed = IssuedCredential.objects.filter(pk=credential.pk, revoked_at__isnull=True).update(
            revoked_at=now,
            revoked_by=actor if getattr(actor, "is_authenticated", False) else None,
            revocation_reason=reason,
        )
        if not changed:
            return False
        credential.refresh_from_db()
        record_event(
            actor=actor,
            action="credential.revoked",
            obj=credential,
            subject_id=credential.subject_id,
            before={"revoked": False},
            after={"revoked": True, **_facts_for_audit(credential)},
            reason=reason,
        )
    return True


def _is_revoked(credential_id: str) -> bool:
    return IssuedCredential.objects.filter(
        credential_id=credential_id, revoked_at__isnull=False
    ).exists()


def verify_code(text: str, *, channel: Channel = "web", actor: Any = None) -> Verification:
    """Check a scanned or pasted code against our published keys and revocations.

    A valid code shows its holder's facts to whoever checks it, so the check is recorded as a
    read of the holder's personal data: the person sees it in their data tracker. ``actor`` is
    the signed-in user who checked, if any (their own checks are not listed to them).
    """
    result = credentials.verify(
        text,
        trusted_keys=keys.trusted_keys(),
        now=timezone.now(),
        is_revoked=_is_revoked,
    )
    if result.valid and result.claims is not None:
        _record_check(str(result.claims["credential_id"]), channel, actor)
    return result


def _record_check(credential_id: str, channel: Channel, actor: Any) -> None:
    credential = IssuedCredential.objects.filter(credential_id=credential_id).first()
    if credential is None or credential.subject_id is None:
        return  # signed by us but not kept (a key shared with a test system): nobody to tell
    record_event(
        actor=actor,
        system_actor=f"{VERIFIER_PREFIX}{channel}",
        action="personal_data.read",
        obj=credential,
        subject_id=credential.subject_id,
        after={
            "agency": "Document check",
            "channel": channel,
            "document_type": credential.document_type,
        },
        reason="verification: document checked",
    )
