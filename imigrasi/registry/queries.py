"""Reading checks, and who may settle one by hand.

``may_resolve`` needs the application's office, which lives in the applications app above
this one; it is looked up lazily through the app registry by ``reference`` (the application
number), so this core app never imports a feature app.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from imigrasi.accounts.models import Role
from imigrasi.registry.models import IdentityCheck

RESOLVERS = frozenset({Role.OFFICER, Role.SUPERVISOR})


def checks_for(reference: str) -> list[IdentityCheck]:
    """Every check of one application, oldest first (a repeated check keeps its history)."""
    return list(
        IdentityCheck.objects.filter(reference=reference)
        .select_related("resolved_by")
        .order_by("created_at", "id")
    )


def latest(reference: str, kind: str) -> IdentityCheck | None:
    """The most recent check of this kind for the application: the one that counts."""
    return (
        IdentityCheck.objects.filter(reference=reference, kind=kind)
        .order_by("-created_at", "-id")
        .first()
    )


def may_resolve(user: Any, check: IdentityCheck) -> bool:
    """Officers and supervisors of the application's office, never on their own data."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) not in RESOLVERS:
        return False
    office_id = getattr(user, "office_id", None)
    if office_id is None or check.subject_id == user.pk:
        return False
    application_model = apps.get_model("applications", "Application")
    row = (
        application_model.objects.filter(number=check.reference)
        .values("office_id", "account_id")
        .first()
    )
    return row is not None and row["office_id"] == office_id and row["account_id"] != user.pk


def panel_context(user: Any, reference: str) -> dict[str, Any]:
    """What ``registry/_checks.html`` needs, for the officer's application page."""
    checks = checks_for(reference)
    return {
        "registry_checks": checks,
        "registry_may_resolve": bool(checks) and may_resolve(user, checks[0]),
    }
