"""The writes of share codes: create, revoke, check a status, register a verifier client.

``do_check_status`` is the one rule behind both doors — the API for organisations with an
OAuth client and the web page for small employers — so a status, a refusal and what the holder
is told are decided once. Every answer it refuses is the same ``None`` whatever the reason
(unknown code, wrong date of birth, expired or revoked code, too many wrong dates): the caller
turns that into one message, so a checker learns nothing from a refusal.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application as VerifierClient

from imigrasi.applications.models import Application
from imigrasi.audit.recording import record_event
from imigrasi.credentials.models import IssuedCredential
from imigrasi.lib.encrypted_fields import BlindIndexField
from imigrasi.sharecodes import codes
from imigrasi.sharecodes.entitlement import WorkEntitlement, work_entitlement
from imigrasi.sharecodes.models import (
    SHOWN_OUTCOMES,
    Channel,
    CheckOutcome,
    ShareCode,
    StatusCheck,
)
from imigrasi.sharecodes.queries import ACTOR_PREFIX

LIFETIMES_DAYS = (7, 30, 90)
DEFAULT_LIFETIME_DAYS = 30
# Enough for every employer, landlord and bank at once; more would only be forgotten codes.
MAX_ACTIVE_CODES = 20
WRONG_BIRTH_DATE_WINDOW = dt.timedelta(hours=24)
ORGANISATION_MAX_CHARS = 200


class ShareCodeError(ValueError):
    """The code cannot be created (the document cannot be shared, too many active codes)."""


@dataclass(frozen=True)
class Verifier:
    """Who checks: a registered client (API) or an organisation named on the web page."""

    channel: Channel
    organisation: str
    client: VerifierClient | None = None

    @property
    def actor_label(self) -> str:
        suffix = f":{self.client.client_id}" if self.client is not None else ""
        return f"{ACTOR_PREFIX}{self.channel}{suffix}"


@dataclass(frozen=True)
class StatusAnswer:
    """All a checker learns: no name, no passport or permit number, no birth date."""

    status: str  # valid | expired | cancelled
    document_type: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    work: WorkEntitlement
    purpose: str


def do_create_share_code(
    account: Any, credential: IssuedCredential, purpose: str, days: int
) -> ShareCode:
    """A new code for one of the holder's own documents, valid ``days`` days."""
    if days not in LIFETIMES_DAYS:
        raise ShareCodeError("lifetime")
    now = timezone.now()
    if (
        credential.subject_id != account.pk
        or credential.revoked_at is not None
        or credential.expires_at <= now
    ):
        raise ShareCodeError("document")
    with transaction.atomic():
        active = ShareCode.objects.filter(
            account_id=account.pk, revoked_at__isnull=True, expires_at__gt=now
        ).count()
        if active >= MAX_ACTIVE_CODES:
            raise ShareCodeError("too_many")
        share = _insert_with_fresh_code(account, credential, purpose, now + dt.timedelta(days=days))
        record_event(
            actor=account,
            action="sharecode.created",
            obj=share,
            subject_id=account.pk,
            after={
                "credential_id": credential.credential_id,
                "purpose": purpose,
                "expires_at": share.expires_at.isoformat(),
            },
        )
    return share


def _insert_with_fresh_code(
    account: Any, credential: IssuedCredential, purpose: str, expires_at: dt.datetime
) -> ShareCode:
    # 45 random bits: a collision with a stored code is rare; the unique index catches it.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ShareCode.objects.create(
                    account=account,
                    credential=credential,
                    code=codes.new_code(),
                    purpose=purpose,
                    expires_at=expires_at,
                )
        except IntegrityError:
            continue
    raise ShareCodeError("collision")


def do_revoke_share_code(share: ShareCode, actor: Any) -> bool:
    """From now on the code answers like an unknown one. False if it was already revoked."""
    with transaction.atomic():
        now = timezone.now()
        changed = ShareCode.objects.filter(pk=share.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if not changed:
            return False
        share.revoked_at = now
        record_event(
            actor=actor,
            action="sharecode.revoked",
            obj=share,
            subject_id=share.account_id,
            before={"revoked": False},
            after={"revoked": True},
        )
    return True


CHECK_FIELDS = (
    "public_id",
    "account_id",
    "purpose",
    "expires_at",
    "revoked_at",
    "credential__reference",
    "credential__document_type",
    "credential__valid_from",
    "credential__valid_until",
    "credential__expires_at",
    "credential__revoked_at",
)


def do_check_status(
    code_text: str, date_of_birth: dt.date, verifier: Verifier
) -> StatusAnswer | None:
    """The permission's status for a share code and the holder's date of birth, or None.

    A check with a code that exists is kept for the holder (``StatusCheck``) and audited
    whatever its outcome; the audit entry names the organisation and never the code, the
    date of birth or anything else about the holder.
    """
    code = codes.normalise(code_text)
    if code is None:
        return None
    index_field = ShareCode._meta.get_field("code_index")
    assert isinstance(index_field, BlindIndexField)
    # Only what the answer needs: the signed code and the share code's own copy are
    # encrypted, and a check (the hot path of bench/verification.py) never decrypts them.
    share = (
        ShareCode.objects.filter(code_index=index_field.digest(code))
        .select_related("credential")
        .only(*CHECK_FIELDS)
        .order_by()
        .first()
    )
    if share is None:
        return None
    now = timezone.now()
    answer: StatusAnswer | None = None
    outcome = _refusal(share, now)
    if outcome is None:
        application = (
            Application.objects.select_related("person", "service")
            .filter(number=share.credential.reference, account_id=share.account_id)
            .only("person__date_of_birth", "service__code")
            .order_by()
            .first()
        )
        if application is None or not secrets.compare_digest(
            str(application.person.date_of_birth), date_of_birth.isoformat()
        ):
            outcome = CheckOutcome.WRONG_DATE_OF_BIRTH
        else:
            answer = _answer(share, application, now)
            outcome = CheckOutcome(answer.status)
    _record_check(share, verifier, outcome)
    return answer


def _refusal(share: ShareCode, now: dt.datetime) -> CheckOutcome | None:
    if share.revoked_at is not None:
        return CheckOutcome.CODE_REVOKED
    if share.expires_at <= now:
        return CheckOutcome.CODE_EXPIRED
    wrong = StatusCheck.objects.filter(
        share_code=share,
        outcome=CheckOutcome.WRONG_DATE_OF_BIRTH,
        checked_at__gt=now - WRONG_BIRTH_DATE_WINDOW,
    ).count()
    if wrong >= settings.SHARE_CODE_MAX_WRONG_BIRTH_DATES:
        return CheckOutcome.LOCKED
    return None


def _answer(share: ShareCode, application: Application, now: dt.datetime) -> StatusAnswer:
    credential = share.credential
    if credential.revoked_at is not None:
        status = "cancelled"
    elif credential.expires_at <= now:
        status = "expired"
    else:
        status = "valid"
    # A document without an end date (valid_until empty) lasts as long as its signed record.
    last_day = credential.valid_until or timezone.localdate(
        credential.expires_at - dt.timedelta(microseconds=1)
    )
    return StatusAnswer(
        status=status,
        document_type=credential.document_type,
        valid_from=credential.valid_from,
        valid_until=last_day,
        work=work_entitlement(application.service.code),
        purpose=share.purpose,
    )


def _record_check(share: ShareCode, verifier: Verifier, outcome: CheckOutcome) -> None:
    organisation = verifier.organisation.strip()[:ORGANISATION_MAX_CHARS]
    with transaction.atomic():
        check = StatusCheck.objects.create(
            share_code=share,
            channel=verifier.channel,
            organisation=organisation,
            client=verifier.client,
            outcome=outcome,
        )
        shown = outcome in SHOWN_OUTCOMES
        record_event(
            actor=None,
            system_actor=verifier.actor_label,
            # Only a shown status is a read of the holder's data (their data tracker lists it);
            # a refusal disclosed nothing and is kept on the share code's page.
            action="personal_data.read" if shown else "sharecode.check_refused",
            obj=check,
            subject_id=share.account_id,
            after={
                "organisation": organisation,
                "channel": str(verifier.channel),
                "purpose": share.purpose,
                "outcome": str(outcome),
                "share_code": str(share.public_id),
            },
            reason=f"share code: {share.purpose}",
        )


def do_register_verifier_client(
    name: str, actor: Any, *, client_id: str = "", client_secret: str = ""
) -> tuple[VerifierClient, str]:
    """A confidential client-credentials client for an employer or agency. Returns the client
    and its secret, which is stored hashed: this is the only moment it can be shown."""
    secret = client_secret or generate_client_secret()
    with transaction.atomic():
        client = VerifierClient(
            name=name.strip()[:255],
            client_type=VerifierClient.CLIENT_CONFIDENTIAL,
            authorization_grant_type=VerifierClient.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            hash_client_secret=True,
        )
        if client_id:
            client.client_id = client_id
        client.save()
        record_event(
            actor=actor,
            system_actor="" if getattr(actor, "is_authenticated", False) else "command:verifier",
            action="sharecode.client_registered",
            obj=client,
            after={"client_id": client.client_id, "name": client.name},
        )
    return client, secret
