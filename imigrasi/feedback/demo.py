"""Demo data: survey answers at a few offices over the last quarters, so /ikm/ shows figures.

Deterministic (a fixed seed), idempotent (skipped when the demo invitations exist). Written
in bulk, without audit entries: they are invented history, not actions anybody took, and a
year of answers through the action would write thousands of audit rows at every `make run`.
Each office has its own tendency, so the grades differ (A to C) and one office stays under
its minimum sample.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from imigrasi.catalog.models import Office, Service
from imigrasi.feedback import actions, ikm
from imigrasi.feedback.models import (
    AgeBand,
    Education,
    Invitation,
    Occupation,
    Response,
    Sex,
    Source,
)

DEMO_PREFIX = "demo-"
# office code -> (services completed per quarter, share who answer, mean score tendency)
OFFICES = {
    "kanim-jakarta-selatan": (420, 0.75, 3.55),
    "kanim-denpasar": (300, 0.8, 3.25),
    "kanim-surabaya": (380, 0.7, 3.05),
    "kanim-makassar": (160, 0.35, 2.85),
}
SERVICES = ("paspor-baru-dewasa", "paspor-penggantian", "paspor-anak", "itas-perpanjangan")
# Elements people rate lower than the rest (time, complaint handling) and higher (cost: the
# fee is the regulated tariff).
ELEMENT_SHIFT = (0.0, -0.05, -0.3, 0.25, 0.05, 0.1, 0.15, -0.25, 0.0)
SUGGESTIONS = (
    "Antrean pagi terlalu panjang, mohon tambah loket.",
    "Petugas ramah dan cepat. Terima kasih.",
    "Ruang tunggu panas, AC kurang dingin.",
    "Informasi persyaratan di situs sudah jelas.",
    "",
    "",
    "",
)


def _score(rng: random.Random, mean: float) -> int:
    return max(1, min(4, round(rng.gauss(mean, 0.55))))


def load() -> list[str]:
    if Invitation.objects.filter(reference__startswith=DEMO_PREFIX).exists():
        return ["Survey: demo answers already loaded"]
    offices = {office.code: office for office in Office.objects.filter(code__in=OFFICES)}
    services = list(Service.objects.filter(code__in=SERVICES))
    if not offices or not services:
        return ["Survey: no demo offices or services, nothing loaded"]
    rng = random.Random(14_2017)  # noqa: S311 - invented figures, not security
    today = timezone.localdate()
    periods = [ikm.Period.quarter_of(today)]
    for _ in range(4):
        periods.append(periods[-1].previous())
    now = timezone.now()
    invitations: list[Invitation] = []
    responses: list[Response] = []
    for code, (per_quarter, share, tendency) in OFFICES.items():
        office = offices.get(code)
        if office is None:
            continue
        for period in periods:
            last_day = min(period.end - dt.timedelta(days=1), today)
            days = (last_day - period.start).days + 1
            # The current quarter has only had part of its services so far.
            count = per_quarter * days // 91
            for number in range(count):
                served_on = period.start + dt.timedelta(days=rng.randrange(days))
                service = rng.choice(services)
                invitation = Invitation(
                    source=Source.TICKET,
                    reference=f"{DEMO_PREFIX}{code}-{period.code}-{number}",
                    office=office,
                    service=service,
                    served_on=served_on,
                    expires_at=now - dt.timedelta(days=1),
                )
                invitation.token_hash = actions.hash_token(actions.token_for(invitation))
                invitations.append(invitation)
                if rng.random() >= share:
                    continue
                mean = tendency + rng.gauss(0, 0.15)
                scores = {f"u{i}": _score(rng, mean + ELEMENT_SHIFT[i - 1]) for i in range(1, 10)}
                responses.append(
                    Response(
                        office=office,
                        service=service,
                        served_on=served_on,
                        submitted_on=min(served_on + dt.timedelta(days=rng.randrange(4)), today),
                        age_band=rng.choice(AgeBand.values),
                        sex=rng.choice(Sex.values),
                        education=rng.choice(Education.values),
                        occupation=rng.choice(Occupation.values),
                        suggestion=rng.choice(SUGGESTIONS),
                        **scores,
                    )
                )
                invitation.used_on = served_on
    with transaction.atomic():
        Invitation.objects.bulk_create(invitations, batch_size=500)
        Response.objects.bulk_create(responses, batch_size=500)
    return [
        f"Survey: {len(responses)} demo answers to {len(invitations)} invitations at "
        f"{len(offices)} offices (results at /ikm/)"
    ]
