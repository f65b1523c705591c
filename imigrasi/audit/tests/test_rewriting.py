"""Removing values logged by mistake keeps the chain verifiable and says so in the chain."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from imigrasi.audit.maintenance import maintenance_window
from imigrasi.audit.models import AuditEntry
from imigrasi.audit.recording import record_event
from imigrasi.audit.rewriting import BrokenChainError, rewrite_history
from imigrasi.audit.verification import verify_chain

pytestmark = pytest.mark.django_db

migration = importlib.import_module("imigrasi.audit.migrations.0002_answers_recorded_by_field_name")


def old_style_answers(applicant):
    """What the audit log held before: answer values in `application.answered` entries."""
    record_event(actor=applicant, action="account.logged_in", obj=applicant)
    record_event(
        actor=applicant, action="application.answered", subject_id=applicant.pk, after={"sex": "F"}
    )
    record_event(
        actor=applicant,
        action="application.answered",
        subject_id=applicant.pk,
        after={"arrival_date": "2026-12-24"},
    )
    return record_event(actor=applicant, action="application.submitted", after={"status": "x"})


def test_the_migration_keeps_field_names_drops_values_and_the_chain_still_verifies(applicant):
    last_before = old_style_answers(applicant)
    old_head = verify_chain().head_hash

    migration.forwards(apps, None)

    answered = list(AuditEntry.objects.filter(action="application.answered").order_by("id"))
    assert [entry.after for entry in answered] == [
        {"fields": ["sex"]},
        {"fields": ["arrival_date"]},
    ]
    raw = " ".join(str(entry.after) for entry in AuditEntry.objects.all())
    assert "2026-12-24" not in raw and "'F'" not in raw
    report = verify_chain()
    assert report.ok, report
    note = AuditEntry.objects.order_by("-id")[0]
    assert note.action == "audit.history_rewritten"
    assert note.before == {"head": old_head}
    assert note.after == {"changed": 2, "first_changed": answered[0].pk}
    assert note.actor_label == "migration:audit.0002"
    # Entries before the first changed one keep their hashes; later ones were re-linked.
    assert AuditEntry.objects.get(pk=last_before.pk).entry_hash != last_before.entry_hash


def test_a_second_run_changes_nothing(applicant):
    old_style_answers(applicant)
    migration.forwards(apps, None)
    count = AuditEntry.objects.count()
    head = verify_chain().head_hash
    migration.forwards(apps, None)
    assert AuditEntry.objects.count() == count
    assert verify_chain().head_hash == head


def test_a_broken_chain_is_not_rewritten(applicant):
    old_style_answers(applicant)
    victim = AuditEntry.objects.filter(action="account.logged_in")[0]
    with maintenance_window(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_label = 'someone else' WHERE id = %s", [victim.pk]
        )
    with pytest.raises(BrokenChainError):
        rewrite_history(AuditEntry, migration.field_names_only, reason="test", system_actor="test")
    assert AuditEntry.objects.filter(action="application.answered", after={"sex": "F"}).exists()
