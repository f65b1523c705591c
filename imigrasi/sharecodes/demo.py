"""Demo data: one verifier client with a published id and secret, and one share code for the
demo visitor's granted e-VoA (visitor1@demo.imigrasi.example), printed with the demo logins."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import Application as VerifierClient

from imigrasi.audit.recording import record_event
from imigrasi.credentials.models import IssuedCredential
from imigrasi.sharecodes import codes
from imigrasi.sharecodes.actions import do_register_verifier_client
from imigrasi.sharecodes.models import ShareCode, SharePurpose

DEMO_CLIENT_NAME = "PT Maju Bersama (demo employer)"
DEMO_CLIENT_ID = "demo-pt-maju-bersama"
DEMO_CLIENT_SECRET = "demo-secret-pt-maju-bersama-do-not-use-in-production"  # noqa: S105
DEMO_SHARE_CODE = "W7K4PQ9ZD"
DEMO_HOLDER = "visitor1@demo.imigrasi.example"
DEMO_HOLDER_BIRTH = "1992-03-15"  # applications.demo.VISITOR_MRZ


def load() -> list[str]:
    lines = ["", "Demo status checks (share codes, OAuth client credentials):"]
    if not VerifierClient.objects.filter(client_id=DEMO_CLIENT_ID).exists():
        do_register_verifier_client(
            DEMO_CLIENT_NAME,
            actor=None,
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
        )
    lines.append(f"  client {DEMO_CLIENT_NAME}: id {DEMO_CLIENT_ID}  secret {DEMO_CLIENT_SECRET}")
    lines.append(_demo_share_code())
    return lines


def _demo_share_code() -> str:
    from imigrasi.accounts.models import User

    holder = User.objects.filter(email=DEMO_HOLDER).first()
    credential = (
        IssuedCredential.objects.filter(subject_id=holder.pk, revoked_at__isnull=True).first()
        if holder is not None
        else None
    )
    if holder is None or credential is None:
        return "  (no granted demo visa: no demo share code)"
    shown = codes.display(DEMO_SHARE_CODE)
    with transaction.atomic():
        existing = [
            s for s in ShareCode.objects.filter(account=holder) if s.code == DEMO_SHARE_CODE
        ]
        if not existing:
            # A fixed, published code (demo only): created like the holder would, audited.
            share = ShareCode.objects.create(
                account=holder,
                credential=credential,
                code=DEMO_SHARE_CODE,
                purpose=SharePurpose.EMPLOYMENT,
                expires_at=timezone.now() + dt.timedelta(days=90),
            )
            record_event(
                actor=None,
                system_actor="command:load_demo_data",
                action="sharecode.created",
                obj=share,
                subject_id=holder.pk,
                after={"purpose": share.purpose, "expires_at": share.expires_at.isoformat()},
            )
    return (
        f"  share code {shown} for {DEMO_HOLDER}'s e-VoA, date of birth {DEMO_HOLDER_BIRTH}: "
        "POST /o/token/ then /api/v1/status-checks, or /cek-status-izin/"
    )
