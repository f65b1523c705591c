"""Reads about accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imigrasi.accounts.models import Role, User
from imigrasi.audit.models import AuditEntry
from imigrasi.audit.recording import parse_actor_label
from imigrasi.catalog.models import Office

# Why staff opened someone's data, by the prefix of the recorded purpose.
_PURPOSES = {
    "back office": gettext_lazy("Processing your application"),
    "help desk": gettext_lazy("Answering your question at the help desk"),
    "admin": gettext_lazy("Administering your account"),
    "shared": gettext_lazy("Told by law of a decision about you"),
    "verification": gettext_lazy("Checking that your document is genuine"),
}
AGENCY_PREFIX = "agency:"  # how deliveries to other agencies (imigrasi/outbox) are recorded
# How checks of a document's QR code (imigrasi/credentials) are recorded: whoever holds the
# document may have it checked (an airline, a hotel, an employer), so the channel is named.
VERIFIER_PREFIX = "verifier:"
_VERIFIERS = {
    "web": gettext_lazy("Someone who checked your document on our website"),
    "api": gettext_lazy("An app or device that checked your document with us"),
}


@dataclass(frozen=True)
class DataRead:
    at: dt.datetime
    who: str
    why: str


# Reads that feature apps record under their own actor prefix ("sharecode:") are described by
# those apps: (who, why) from the entry. Registered from their AppConfig.ready(), so this core
# app never imports them.
ReadDescriber = Callable[[AuditEntry], tuple[str, str]]
_DESCRIBERS: dict[str, ReadDescriber] = {}


def register_read_describer(prefix: str, describe: ReadDescriber) -> None:
    _DESCRIBERS[prefix] = describe


def _described(entry: AuditEntry) -> tuple[str, str] | None:
    for prefix, describe in _DESCRIBERS.items():
        if entry.actor_label.startswith(prefix):
            return describe(entry)
    return None


def _who(role: str, office: str | None) -> str:
    role_name = str(Role(role).label) if role in Role.values else _("A staff member")
    return f"{role_name}, {office}" if office else role_name


def personal_data_reads_about(user: User, limit: int = 10) -> list[DataRead]:
    """Who opened this person's data, as role and office (UU PDP: the right to know how one's
    data is used; staff names are not shown, their office is accountable)."""
    entries = list(
        AuditEntry.objects.filter(subject_id=user.pk, action="personal_data.read")
        .exclude(actor_id=user.pk)
        .order_by("-id")[:limit]
    )
    actors = [parse_actor_label(entry.actor_label) for entry in entries]
    office_ids = {office for _role, office in actors if office is not None}
    offices = dict(Office.objects.filter(pk__in=office_ids).values_list("pk", "name"))
    reads = []
    for entry, (role, office) in zip(entries, actors, strict=True):
        who, why = _described(entry) or (
            _reader(entry, role, offices.get(office) if office is not None else None),
            str(_PURPOSES.get(entry.reason.split(":")[0], entry.reason)),
        )
        reads.append(DataRead(at=entry.created_at, who=who, why=why))
    return reads


def _reader(entry: AuditEntry, role: str, office: str | None) -> str:
    if entry.actor_label.startswith(AGENCY_PREFIX):
        return _agency(entry)
    if entry.actor_label.startswith(VERIFIER_PREFIX):
        return _verifier(entry)
    return _who(role, office)


def _agency(entry: AuditEntry) -> str:
    """Another agency is named: it is accountable as an institution, like an office."""
    after = entry.after if isinstance(entry.after, dict) else {}
    return str(after.get("agency") or entry.actor_label.removeprefix(AGENCY_PREFIX))


def _verifier(entry: AuditEntry) -> str:
    """Who checked is not known (a public page): the channel is what can be said."""
    channel = entry.actor_label.removeprefix(VERIFIER_PREFIX)
    return str(_VERIFIERS.get(channel, _("Someone who checked your document")))
