"""Personal-data breaches ("kegagalan pelindungan data pribadi") and the notices UU 27/2022
Art. 46 requires: in writing, within 3 × 24 hours of discovery, to the data subjects AND the PDP
institution, saying which data, when and how, and what was and should be done.

Only the data protection officer acts (each action checks it again, whatever the caller);
administrators may read incidents (see breach_views).

The workflow: open (reference ``PDP-<year>-<n>``) → assess (data concerned, who, remediation) →
record the notice to the PDP institution and notify the affected people, in either order →
close. The status follows the notices: ``open`` until one is given, ``notifying`` while one
of the two is missing, ``notified`` once both are.

Notices to people are sent by one background task per request. Each email and the audit entry
``privacy.breach_subject_notified`` (object: the incident, subject: the account id, no personal
values) are written in one transaction while the incident row is locked, and the task skips
every account that already has that entry. So the audit log is the record of who was told, and
re-running the notification (twice by mistake, after a failure, or after widening the scope)
emails only the people not told yet. The lock serialises concurrent runs; the remaining gap is
a crash between the mail server accepting a message and the commit, which can repeat that one
email: better than a lost notice.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imigrasi.accounts.models import Role, User
from imigrasi.applications.models import Application
from imigrasi.appointments.models import Booking
from imigrasi.audit.models import AuditEntry
from imigrasi.audit.recording import record_event
from imigrasi.lib.background import enqueue_on_commit
from imigrasi.privacy.models import (
    BreachIncident,
    BreachScope,
    BreachStatus,
    DataCategory,
)
from imigrasi.privacy.notifications import send_email

logger = logging.getLogger(__name__)

DPO_EMAIL = settings.PRIVACY_OFFICER_EMAIL
# Incidents are reckoned, and their times shown, in Jakarta time (WIB), where the DPO sits.
INCIDENT_ZONE = "Asia/Jakarta"
INCIDENT_TYPE = "privacy.BreachIncident"
TASK_ACTOR = "task:privacy.send_breach_notices"
SUBJECT_NOTIFIED = "privacy.breach_subject_notified"
REFERENCE_ATTEMPTS = 5
# A device clock a little ahead of the server's must not make "now" look like the future.
CLOCK_SKEW = dt.timedelta(minutes=5)

ASSESSMENT_FIELDS = (
    "what_happened",
    "occurred_from",
    "occurred_until",
    "data_categories",
    "scope",
    "scope_office",
    "scope_emails",
    "estimated_subjects",
    "remediation",
)


class BreachError(Exception):
    """A refusal the officer can act on; ``code`` maps to a translated message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class CloseOutcome(models.TextChoices):
    NOTIFIED = "notified", _("Both notices were given and the follow-up is complete")
    NOT_A_BREACH = "not_a_breach", _("The assessment found that no personal data was affected")


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """The 3 × 24-hour clock of one incident at one moment."""

    deadline: dt.datetime
    hours_left: int  # whole hours before the deadline; 0 in its last hour
    hours_over: int  # whole or started hours past the deadline; 0 before it
    overdue: bool  # past the deadline with a notice missing, and not closed
    authority_done: bool
    subjects_done: bool
    authority_late: bool
    subjects_late: bool

    @property
    def both_done(self) -> bool:
        return self.authority_done and self.subjects_done


def clock(incident: BreachIncident, now: dt.datetime | None = None) -> Clock:
    now = now or timezone.now()
    deadline = incident.deadline
    seconds = (deadline - now).total_seconds()
    authority = incident.authority_notified_at
    subjects = incident.subjects_notified_at
    missing = authority is None or subjects is None
    return Clock(
        deadline=deadline,
        hours_left=max(0, math.floor(seconds / 3600)),
        hours_over=max(0, math.ceil(-seconds / 3600)),
        overdue=missing and seconds < 0 and incident.status != BreachStatus.CLOSED,
        authority_done=authority is not None,
        subjects_done=subjects is not None,
        authority_late=authority is not None and authority > deadline,
        subjects_late=subjects is not None and subjects > deadline,
    )


def listed_emails(text: str) -> list[str]:
    """One address a line, as typed: blank lines dropped, case folded, duplicates removed."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        email = line.strip().lower()
        if email:
            seen[email] = None
    return list(seen)


def affected_accounts(incident: BreachIncident) -> QuerySet[User]:
    """The active accounts the incident's scope names. Closed accounts have no address left."""
    active = User.objects.filter(is_active=True)
    if incident.scope == BreachScope.ALL_ACCOUNTS:
        return active.filter(role=Role.APPLICANT)
    if incident.scope == BreachScope.OFFICE and incident.scope_office_id is not None:
        office = incident.scope_office_id
        return active.filter(
            Q(pk__in=Application.objects.filter(office_id=office).values("account_id"))
            | Q(pk__in=Booking.objects.filter(office_id=office).values("account_id"))
        )
    if incident.scope == BreachScope.LISTED:
        # Unknown addresses simply match nothing: nobody learns which ones have accounts.
        return active.filter(email__in=listed_emails(incident.scope_emails))
    return User.objects.none()


def notified_account_ids(incident: BreachIncident) -> QuerySet[AuditEntry, Any]:
    return AuditEntry.objects.filter(
        action=SUBJECT_NOTIFIED, object_type=INCIDENT_TYPE, object_id=str(incident.public_id)
    ).values("subject_id")


def pending_accounts(incident: BreachIncident) -> QuerySet[User]:
    """Affected accounts not told yet."""
    return affected_accounts(incident).exclude(pk__in=notified_account_ids(incident))


def missing_assessment(incident: BreachIncident) -> list[str]:
    """What a notice must say (Art. 46(2)) and the incident does not say yet."""
    missing = []
    if not incident.data_categories:
        missing.append("data_categories")
    if not incident.what_happened.strip():
        missing.append("what_happened")
    if not incident.remediation.strip():
        missing.append("remediation")
    if not incident.scope or (
        incident.scope == BreachScope.OFFICE and incident.scope_office_id is None
    ):
        missing.append("scope")
    if incident.scope == BreachScope.LISTED and not listed_emails(incident.scope_emails):
        missing.append("scope_emails")
    return missing


def timeline(incident: BreachIncident) -> QuerySet[AuditEntry]:
    """The incident's audit entries, oldest first; one summary per notification run stands
    for its per-person entries."""
    return AuditEntry.objects.filter(
        object_type=INCIDENT_TYPE, object_id=str(incident.public_id)
    ).exclude(action=SUBJECT_NOTIFIED)


# --- actions -----------------------------------------------------------------------------------


def _check_officer(officer: Any) -> None:
    if getattr(officer, "role", None) != Role.PRIVACY_OFFICER:
        raise BreachError("not_allowed")


def _check_times(
    discovered_at: dt.datetime,
    occurred_from: dt.datetime | None,
    occurred_until: dt.datetime | None,
) -> None:
    latest = timezone.now() + CLOCK_SKEW
    if discovered_at > latest:
        raise BreachError("future")
    if occurred_from is not None and occurred_from > discovered_at:
        raise BreachError("occurred_after_discovery")
    if occurred_until is not None and occurred_until > latest:
        raise BreachError("future")
    if occurred_from is not None and occurred_until is not None and occurred_until < occurred_from:
        raise BreachError("period_reversed")


def _next_reference(year: int) -> str:
    prefix = f"PDP-{year}-"
    numbers = [
        int(suffix)
        for suffix in (
            reference.removeprefix(prefix)
            for reference in BreachIncident.objects.filter(
                reference__startswith=prefix
            ).values_list("reference", flat=True)
        )
        if suffix.isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def do_open_incident(officer: User, data: Mapping[str, Any]) -> BreachIncident:
    """``data``: title, discovered_at, what_happened, and optionally occurred_from/until."""
    _check_officer(officer)
    discovered_at = data["discovered_at"]
    occurred_from = data.get("occurred_from")
    occurred_until = data.get("occurred_until")
    _check_times(discovered_at, occurred_from, occurred_until)
    now = timezone.now()
    year = timezone.localtime(now, ZoneInfo(INCIDENT_ZONE)).year
    with transaction.atomic():
        for _attempt in range(REFERENCE_ATTEMPTS):
            try:
                # A savepoint: two officers opening at once both read the same last number;
                # the unique reference refuses the second, which takes the next one.
                with transaction.atomic():
                    incident = BreachIncident.objects.create(
                        reference=_next_reference(year),
                        title=data["title"],
                        discovered_at=discovered_at,
                        occurred_from=occurred_from,
                        occurred_until=occurred_until,
                        what_happened=data.get("what_happened", ""),
                        remediation="",
                        created_by=officer,
                        created_at=now,
                    )
                break
            except IntegrityError:
                continue
        else:
            raise BreachError("busy")
        record_event(
            actor=officer,
            action="privacy.breach_opened",
            obj=incident,
            after={
                "reference": incident.reference,
                "discovered_at": _when(discovered_at),
                "occurred_from": _when(occurred_from),
                "occurred_until": _when(occurred_until),
            },
        )
    return incident


def _lock(incident: BreachIncident) -> BreachIncident:
    locked = BreachIncident.objects.select_for_update().get(pk=incident.pk)
    if locked.status == BreachStatus.CLOSED:
        raise BreachError("closed")
    return locked


def _facts(incident: BreachIncident) -> dict[str, Any]:
    """What the audit log keeps of an assessment: choices and counts, never the free texts
    (they may name people) nor the listed addresses."""
    return {
        "data_categories": list(incident.data_categories),
        "scope": incident.scope,
        "scope_office": incident.scope_office.code if incident.scope_office else None,
        "listed_emails": len(listed_emails(incident.scope_emails)),
        "estimated_subjects": incident.estimated_subjects,
        "occurred_from": _when(incident.occurred_from),
        "occurred_until": _when(incident.occurred_until),
    }


def do_update_incident(
    incident: BreachIncident, officer: User, data: Mapping[str, Any]
) -> BreachIncident:
    """The assessment. ``scope_emails`` left empty keeps the stored list (it is never shown
    again); the office and the list are dropped when the scope no longer needs them."""
    _check_officer(officer)
    unknown = set(data) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValueError(f"not assessment fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _lock(incident)
        before = _facts(locked)
        changed = []
        values = dict(data)
        if not values.get("scope_emails"):
            values.pop("scope_emails", None)
        if "data_categories" in values:
            values["data_categories"] = [
                c for c in DataCategory.values if c in set(values["data_categories"])
            ]
        if "scope_emails" in values:
            values["scope_emails"] = "\n".join(listed_emails(values["scope_emails"]))
        scope = values.get("scope", locked.scope)
        if scope != BreachScope.OFFICE:
            values["scope_office"] = None
        if scope != BreachScope.LISTED:
            values["scope_emails"] = ""
        for name, value in values.items():
            current = locked.scope_office if name == "scope_office" else getattr(locked, name)
            if current != value:
                setattr(locked, name, value)
                changed.append(name)
        _check_times(locked.discovered_at, locked.occurred_from, locked.occurred_until)
        if not changed:
            return locked
        locked.save()
        record_event(
            actor=officer,
            action="privacy.breach_assessed",
            obj=locked,
            before=before,
            after={**_facts(locked), "fields": sorted(changed)},
        )
    return locked


def _status_after_notices(incident: BreachIncident) -> str:
    if incident.authority_notified_at is not None and incident.subjects_notified_at is not None:
        return BreachStatus.NOTIFIED
    return BreachStatus.NOTIFYING


def do_record_authority_notice(
    incident: BreachIncident, officer: User, notified_at: dt.datetime, reference: str
) -> BreachIncident:
    """The written notice to the PDP institution, sent outside this system: when, and the
    institution's reference for it. Recording it again corrects it (both are audited)."""
    _check_officer(officer)
    if notified_at > timezone.now() + CLOCK_SKEW:
        raise BreachError("future")
    with transaction.atomic():
        locked = _lock(incident)
        if notified_at < locked.discovered_at:
            raise BreachError("notice_before_discovery")
        before = {
            "notified_at": _when(locked.authority_notified_at),
            "reference": locked.authority_reference,
        }
        locked.authority_notified_at = notified_at
        locked.authority_reference = reference.strip()
        locked.status = _status_after_notices(locked)
        locked.save(update_fields=["authority_notified_at", "authority_reference", "status"])
        record_event(
            actor=officer,
            action="privacy.breach_authority_notified",
            obj=locked,
            before=before if before["notified_at"] else None,
            after={
                "notified_at": _when(notified_at),
                "reference": locked.authority_reference,
                "late": notified_at > locked.deadline,
            },
        )
    return locked


def do_notify_subjects(incident: BreachIncident, officer: User) -> int:
    """Queue the notices to every affected account not told yet; returns how many."""
    _check_officer(officer)
    with transaction.atomic():
        locked = _lock(incident)
        if missing_assessment(locked):
            raise BreachError("assessment_incomplete")
        pending = pending_accounts(locked).count()
        if not pending:
            told = notified_account_ids(locked).exists()
            raise BreachError("everyone_notified" if told else "nobody_in_scope")
        if locked.status == BreachStatus.OPEN:
            locked.status = BreachStatus.NOTIFYING
            locked.save(update_fields=["status"])
        record_event(
            actor=officer,
            action="privacy.breach_notice_requested",
            obj=locked,
            after={"accounts": pending, "scope": locked.scope},
        )
        enqueue_on_commit(send_breach_notices, locked.pk)
    return pending


def do_close_incident(incident: BreachIncident, officer: User, outcome: str) -> BreachIncident:
    _check_officer(officer)
    outcome = CloseOutcome(outcome)
    with transaction.atomic():
        locked = _lock(incident)
        if outcome == CloseOutcome.NOTIFIED and (
            locked.authority_notified_at is None or locked.subjects_notified_at is None
        ):
            raise BreachError("notices_missing")
        locked.status = BreachStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
        record_event(
            actor=officer,
            action="privacy.breach_closed",
            obj=locked,
            after={"outcome": outcome.value, "late": clock(locked, locked.closed_at).overdue},
        )
    return locked


# --- the notices to people (background) -----------------------------------------------------


@task()
def send_breach_notices(incident_id: int) -> int:
    """Email every affected account not told yet; returns how many were emailed now."""
    return deliver_breach_notices(incident_id)


def deliver_breach_notices(incident_id: int) -> int:
    incident = BreachIncident.objects.filter(pk=incident_id).first()
    if incident is None or incident.status == BreachStatus.CLOSED:
        return 0
    sent = failed = 0
    for account_id in list(pending_accounts(incident).values_list("pk", flat=True)):
        try:
            if _notify_one(incident_id, account_id):
                sent += 1
        except BreachError:
            break  # closed meanwhile
        except Exception:
            # The next run retries this account; the log names the account by id only.
            logger.exception("breach notice %s to account %s failed", incident_id, account_id)
            failed += 1
    with transaction.atomic():
        locked = BreachIncident.objects.select_for_update().get(pk=incident_id)
        locked.subjects_notified = notified_account_ids(locked).count()
        if not failed and locked.subjects_notified_at is None:
            locked.subjects_notified_at = timezone.now()
        if locked.status != BreachStatus.CLOSED:
            locked.status = (
                _status_after_notices(locked)
                if locked.subjects_notified_at is not None
                else BreachStatus.NOTIFYING
            )
        locked.save(update_fields=["subjects_notified", "subjects_notified_at", "status"])
        record_event(
            actor=None,
            system_actor=TASK_ACTOR,
            action="privacy.breach_subjects_notified",
            obj=locked,
            after={"sent": sent, "failed": failed, "total": locked.subjects_notified},
        )
    return sent


def _notify_one(incident_id: int, account_id: int) -> bool:
    with transaction.atomic():
        locked = BreachIncident.objects.select_for_update().get(pk=incident_id)
        if locked.status == BreachStatus.CLOSED:
            raise BreachError("closed")
        if notified_account_ids(locked).filter(subject_id=account_id).exists():
            return False  # another run told this person
        account = User.objects.filter(pk=account_id, is_active=True).first()
        if account is None:
            return False
        send_breach_notice(locked, account)
        record_event(
            actor=None,
            system_actor=TASK_ACTOR,
            action=SUBJECT_NOTIFIED,
            obj=locked,
            subject_id=account.pk,
        )
    return True


def notice_context(incident: BreachIncident) -> dict[str, Any]:
    return {
        "incident": incident,
        # Labels stay lazy: they are rendered in the recipient's language.
        "categories": [DataCategory(c).label for c in incident.data_categories],
        "zone": INCIDENT_ZONE,
        "dpo_email": DPO_EMAIL,
        "password_url": settings.PUBLIC_BASE_URL + reverse("account_change_password"),
        "privacy_url": settings.PUBLIC_BASE_URL + reverse("privacy:home"),
    }


def send_breach_notice(incident: BreachIncident, account: User) -> None:
    send_email(account, "breach_notice", notice_context(incident), reply_to=DPO_EMAIL)
