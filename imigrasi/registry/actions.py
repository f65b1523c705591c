"""Asking the population registry and the tax office, and what happens when they do not answer.

``request_nik_check`` / ``request_npwp_check`` run in the caller's transaction (an application
being submitted): they write a pending check and enqueue its job with it, so a check exists
exactly when the submission does and nobody waits for a registry on a web request.

``do_run_check`` runs in the task worker, one attempt per job. The attempt number is claimed
atomically (as billing and the outbox do), so however many copies of a job exist — a retried
enqueue, the sweep racing a delayed job — one check has one retry chain and the registry is
asked once per attempt. Outcomes:

* an answer: the verdict is stored (booleans and categories, never registry data) and audited;
* ``DependencyUnavailable`` (down, slow, 429, 5xx, a malformed answer): still pending, next
  attempt booked on a widening schedule; after ``REGISTRY_MAX_ATTEMPTS`` an officer checks
  by hand ("manual"), because an application must not wait on a registry for days;
* ``DependencyRejected`` (the registry says our request is wrong, e.g. a name it cannot
  read): no retry would help, so straight to an officer, with the reason in a few words.

``family_members`` is the one synchronous call: pre-filling a child's details when a parent
applies is a convenience, so an unavailable registry means "no pre-fill", never an error.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from imigrasi.audit.recording import record_event, redact
from imigrasi.lib.background import enqueue_on_commit
from imigrasi.lib.http import DependencyRejected, DependencyUnavailable
from imigrasi.lib.identifiers import normalise_nik
from imigrasi.registry import tasks
from imigrasi.registry.adapters import (
    FamilyMember,
    PopulationRegistry,
    TaxOffice,
    is_well_formed_nik,
    is_well_formed_npwp,
    normalise_npwp,
)
from imigrasi.registry.models import MANUAL_OUTCOMES, CheckKind, CheckStatus, IdentityCheck

logger = logging.getLogger(__name__)

TASK_ACTOR = "task:registry.run_check"
# Waits before attempt n+1 grow 30 s, 2 min, 8 min, 32 min, then 2 h: a blip is over within
# a minute, a maintenance window of a couple of hours is waited out, and with the default six
# attempts a check reaches an officer after about 2.7 hours of silence.
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 2 * 60 * 60


class NotAwaitingOfficer(Exception):
    """The check is not (or no longer) waiting for a manual verification."""


def request_nik_check(
    reference: str, subject_id: int | None, nik: str, name: str, birth_date: dt.date
) -> IdentityCheck:
    """Queue a check that this NIK, name and date of birth belong together."""
    if isinstance(birth_date, dt.datetime):
        birth_date = birth_date.date()
    return _request(
        reference,
        subject_id,
        CheckKind.NIK,
        {"nik": normalise_nik(nik), "name": name.strip(), "birth_date": birth_date.isoformat()},
    )


def request_npwp_check(reference: str, subject_id: int | None, npwp: str) -> IdentityCheck:
    """Queue a check that this NPWP (15 or 16 digits, separators allowed) is valid and active."""
    return _request(reference, subject_id, CheckKind.NPWP, {"npwp": normalise_npwp(npwp)})


def _request(
    reference: str, subject_id: int | None, kind: str, data: dict[str, str]
) -> IdentityCheck:
    with transaction.atomic():
        check = IdentityCheck.objects.create(
            reference=reference, subject_id=subject_id, kind=kind, input=data
        )
        enqueue_on_commit(tasks.run_identity_check, check.pk, 0)
    return check


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt (see FIRST_DELAY_SECONDS)."""
    seconds = FIRST_DELAY_SECONDS * 4 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(MAX_DELAY_SECONDS, seconds))


def do_run_check(check_id: int, attempt: int = 0) -> str:
    """One attempt; returns the check's status afterwards, or "skipped" when the attempt was
    already taken (a duplicated job) or the check is no longer pending."""
    claimed = IdentityCheck.objects.filter(
        pk=check_id, status=CheckStatus.PENDING, attempts=attempt
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    check = IdentityCheck.objects.get(pk=check_id)
    try:
        status, fields, request_id = _ask(check)
    except DependencyUnavailable as exc:
        return _unavailable(check, exc)
    except DependencyRejected as exc:
        field = exc.body.get("field") if isinstance(exc.body, dict) else None
        why = f"{exc.dependency} refused the request ({exc.status}{f', {field}' if field else ''})"
        logger.warning("registry check %s: %s", check.public_id, why)
        return _to_officer(check, why)
    return _settle(check, status, fields, request_id)


def _ask(check: IdentityCheck) -> tuple[str, dict[str, Any], str]:
    """(status, fields, registry request id). A number that cannot exist is answered here:
    asking the registry about it would only earn a 422."""
    data = check.input
    if check.kind == CheckKind.NIK:
        nik = normalise_nik(str(data.get("nik", "")))
        if not is_well_formed_nik(nik):
            return CheckStatus.NO_MATCH, {"nik": False, "name": False, "birth_date": False}, ""
        verdict = PopulationRegistry().verify_nik(
            nik, str(data.get("name", "")), dt.date.fromisoformat(str(data["birth_date"]))
        )
        return CheckStatus(verdict.result), verdict.fields, verdict.request_id
    npwp = str(data.get("npwp", ""))
    if not is_well_formed_npwp(npwp):
        return CheckStatus.INVALID, {"well_formed": False}, ""
    answer = TaxOffice().validate_npwp(npwp)
    fields = {
        "well_formed": True,
        "format": answer.format,
        "status": answer.status,
        "taxpayer_type": answer.taxpayer_type,
    }
    return (CheckStatus.VALID if answer.valid else CheckStatus.INVALID), fields, ""


def _settle(check: IdentityCheck, status: str, fields: dict[str, Any], request_id: str) -> str:
    with transaction.atomic():
        updated = IdentityCheck.objects.filter(pk=check.pk, status=CheckStatus.PENDING).update(
            status=status,
            fields=fields,
            request_id=request_id[:64],
            checked_at=timezone.now(),
            next_attempt_at=None,
            last_error="",
        )
        if not updated:
            return "skipped"
        record_event(
            actor=None,
            system_actor=TASK_ACTOR,
            action="registry.checked",
            obj=check,
            subject_id=check.subject_id,
            after={"kind": check.kind, "status": status},
        )
    return status


def _unavailable(check: IdentityCheck, exc: DependencyUnavailable) -> str:
    attempts = check.attempts  # read after the claim: this attempt included
    why = f"{exc.dependency}: {exc.reason}" + (f" {exc.status}" if exc.status else "")
    if attempts >= settings.REGISTRY_MAX_ATTEMPTS:
        logger.warning(
            "registry check %s: no answer after %s attempts (%s); to an officer",
            check.public_id,
            attempts,
            why,
        )
        return _to_officer(check, f"no answer after {attempts} attempts ({why})")
    delay = retry_delay(attempts)
    if exc.retry_after:
        # The registry said when (a 429's Retry-After): sooner would only be refused again.
        delay = max(delay, dt.timedelta(seconds=min(exc.retry_after, MAX_DELAY_SECONDS)))
    next_at = timezone.now() + delay
    IdentityCheck.objects.filter(pk=check.pk, status=CheckStatus.PENDING).update(
        next_attempt_at=next_at, last_error=why[:200]
    )
    logger.warning(
        "registry check %s: %s (attempt %s); next attempt in %ss",
        check.public_id,
        why,
        attempts,
        int(delay.total_seconds()),
    )
    enqueue_on_commit(tasks.run_identity_check, check.pk, attempts, run_after=next_at)
    return CheckStatus.PENDING


def _to_officer(check: IdentityCheck, why: str) -> str:
    IdentityCheck.objects.filter(pk=check.pk, status=CheckStatus.PENDING).update(
        status=CheckStatus.MANUAL, next_attempt_at=None, last_error=why[:200]
    )
    return CheckStatus.MANUAL


def do_resolve_manually(
    check: IdentityCheck, officer: Any, outcome: str, note: str
) -> IdentityCheck:
    """An officer records what they verified by hand (the e-KTP at the counter, the tax
    office's letter). ``outcome`` is "match" or "no_match"; the note says how it was
    verified and is required. Audited without the note's text, which may name people."""
    statuses = {value: status for value, status, _label in MANUAL_OUTCOMES[check.kind]}
    note = (note or "").strip()
    if outcome not in statuses or not note:
        raise ValueError("an outcome and a note are required")
    with transaction.atomic():
        now = timezone.now()
        updated = IdentityCheck.objects.filter(pk=check.pk, status=CheckStatus.MANUAL).update(
            status=statuses[outcome],
            resolved_by=officer,
            resolved_at=now,
            checked_at=now,
            resolution_note=note,
        )
        if not updated:
            raise NotAwaitingOfficer(str(check.public_id))
        check.refresh_from_db()
        record_event(
            actor=officer,
            action="registry.resolved_manually",
            obj=check,
            subject_id=check.subject_id,
            before={"status": CheckStatus.MANUAL.value},
            after=redact({"kind": check.kind, "status": check.status, "note": note}, {"note"}),
            reason="manual verification",
        )
    return check


def due_checks(limit: int = 500) -> list[int]:
    """Pending checks whose next attempt is due: jobs a backend lost or could not defer."""
    return list(
        IdentityCheck.objects.filter(
            status=CheckStatus.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def run_due_checks(limit: int = 500) -> dict[str, int]:
    """The sweep (``manage.py run_registry_checks``): one attempt for each due check."""
    outcomes: dict[str, int] = {}
    for pk in due_checks(limit):
        attempts = IdentityCheck.objects.filter(pk=pk).values_list("attempts", flat=True).first()
        if attempts is None:
            continue
        outcome = do_run_check(pk, attempts)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def family_members(
    nik: str, *, actor: Any = None, reference: str = "", subject_id: int | None = None
) -> list[FamilyMember] | None:
    """The people on the family card of ``nik`` (a parent applying for a child), or ``None``
    when the registry cannot tell us now: then the form is simply not pre-filled. Call it
    from a POST (the applicant asked for it), never on a GET. An unknown NIK is ``[]``.

    The read is audited as "registry.checked" (how many people came back, not who), with
    ``actor`` — the person who asked — and the application's ``reference`` when known.
    """
    nik = normalise_nik(nik)
    if not is_well_formed_nik(nik):
        return []
    try:
        members = PopulationRegistry().family_of(nik)
    except DependencyUnavailable as exc:
        logger.warning("family lookup: population registry unavailable (%s)", exc.reason)
        return None
    except DependencyRejected as exc:
        if exc.status != 404:
            logger.error("family lookup: population registry refused the request (%s)", exc.status)
            return None
        members = []
    record_event(
        actor=actor,
        system_actor="" if actor is not None else "system:registry.family",
        action="registry.checked",
        object_type="registry.family",
        object_id=reference,
        subject_id=subject_id,
        after={"kind": "family", "found": bool(members), "members": len(members)},
    )
    return members
