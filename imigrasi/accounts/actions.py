"""Writes to accounts: atomic, each leaving an audit entry with personal values redacted."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from imigrasi.accounts.models import OFFICE_BOUND_ROLES, PERSONAL_FIELDS, Role, User
from imigrasi.audit.recording import record_event, redact
from imigrasi.catalog.models import Office

PROFILE_FIELDS = ("full_name", "phone", "nik", "preferred_language")


def _snapshot(user: User, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(user, name) for name in fields}


def do_complete_signup(user: User, *, full_name: str, language: str) -> None:
    """Fill the profile part of a new account (allauth created the user and its email)."""
    with transaction.atomic():
        user.full_name = full_name
        user.preferred_language = language
        user.save(update_fields=["full_name", "preferred_language"])
        record_event(
            actor=user,
            action="account.signed_up",
            obj=user,
            subject_id=user.pk,
            after={"privacy_notice_accepted": True, "language": language},
        )


def do_update_profile(user: User, changes: dict[str, Any], *, actor: User) -> list[str]:
    """Apply profile changes; returns the names of fields that really changed."""
    before = _snapshot(user, PROFILE_FIELDS)
    changed = [name for name in PROFILE_FIELDS if name in changes and changes[name] != before[name]]
    if not changed:
        return []
    with transaction.atomic():
        for name in changed:
            setattr(user, name, changes[name])
        user.save()  # full save: the NIK blind index is recomputed in pre_save
        record_event(
            actor=actor,
            action="account.profile_updated",
            obj=user,
            subject_id=user.pk,
            before=redact({k: before[k] for k in changed}, PERSONAL_FIELDS),
            after=redact({k: changes[k] for k in changed}, PERSONAL_FIELDS),
        )
    return changed


def do_assign_role(
    user: User, *, role: Role, office: Office | None, actor: User, reason: str
) -> None:
    if role in OFFICE_BOUND_ROLES and office is None:
        raise ValueError("officers and supervisors are bound to an office")
    before = {"role": user.role, "office": user.office.code if user.office else None}
    with transaction.atomic():
        user.role = role
        user.office = office if role in OFFICE_BOUND_ROLES else None
        user.save(update_fields=["role", "office"])
        record_event(
            actor=actor,
            action="account.role_assigned",
            obj=user,
            subject_id=user.pk,
            before=before,
            after={"role": role, "office": office.code if office else None},
            reason=reason,
        )
