from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from imigrasi.audit.maintenance import maintenance_window
from imigrasi.audit.models import GENESIS_HASH, AppendOnlyError, AuditEntry
from imigrasi.audit.recording import record_event, record_personal_data_access, redact
from imigrasi.audit.verification import verify_chain

pytestmark = pytest.mark.django_db


def test_entries_form_a_hash_chain(applicant) -> None:
    first = record_event(actor=applicant, action="test.one", obj=applicant)
    second = record_event(actor=None, action="test.two", reason="because")
    assert first.prev_hash == GENESIS_HASH or AuditEntry.objects.filter(pk__lt=first.pk).exists()
    assert second.prev_hash == first.entry_hash
    assert second.actor_label == "anonymous"
    assert first.object_id == str(applicant.public_id)
    report = verify_chain()
    assert report.ok
    assert report.head_hash == second.entry_hash


def test_the_model_and_queryset_refuse_changes(applicant) -> None:
    entry = record_event(actor=applicant, action="test.one")
    entry.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def _raw(sql: str, params: list[str | int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_updates_and_deletes_without_a_maintenance_window(applicant) -> None:
    entry = record_event(actor=applicant, action="test.one")
    for sql in (
        "UPDATE audit_auditentry SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            _raw(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, reason="").exists()


def test_verification_finds_the_first_tampered_entry(applicant) -> None:
    record_event(actor=applicant, action="test.one")
    victim = record_event(actor=applicant, action="test.two", after={"status": "approved"})
    record_event(actor=applicant, action="test.three")
    # An attacker with database rights opens the window, rewrites, closes it again.
    with maintenance_window():
        _raw(
            "UPDATE audit_auditentry SET after = %s WHERE id = %s",
            ['{"status": "rejected"}', victim.pk],
        )

    report = verify_chain()
    assert not report.ok
    assert report.broken_at == victim.pk
    with pytest.raises(CommandError, match=f"entry #{victim.pk}"):
        call_command("verify_audit_chain")


def test_verification_finds_a_deleted_entry(applicant) -> None:
    record_event(actor=applicant, action="test.one")
    victim = record_event(actor=applicant, action="test.two")
    after = record_event(actor=applicant, action="test.three")
    # An attacker with database rights opens the window, rewrites, closes it again.
    with maintenance_window():
        _raw("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk])
    report = verify_chain()
    assert not report.ok
    assert report.broken_at == after.pk


def test_a_published_head_reveals_removal_of_the_newest_entries(applicant) -> None:
    record_event(actor=applicant, action="test.one")
    newest = record_event(actor=applicant, action="test.two")
    # An attacker with database rights opens the window, rewrites, closes it again.
    with maintenance_window():
        _raw("DELETE FROM audit_auditentry WHERE id = %s", [newest.pk])
    assert verify_chain().ok  # a shorter chain is still a valid chain...
    assert not verify_chain(expected_head=newest.entry_hash).ok  # ...unless the head was published


def test_the_command_reports_an_intact_chain(applicant, capsys) -> None:
    record_event(actor=applicant, action="test.one")
    call_command("verify_audit_chain")
    assert "audit chain OK" in capsys.readouterr().out


def test_reading_someone_elses_data_is_logged_but_reading_your_own_is_not(
    applicant, other_applicant
) -> None:
    assert (
        record_personal_data_access(
            actor=applicant, subject=applicant, fields=["nik"], purpose="own"
        )
        is None
    )
    entry = record_personal_data_access(
        actor=other_applicant, subject=applicant, fields=["nik", "phone"], purpose="support"
    )
    assert entry is not None
    assert entry.action == "personal_data.read"
    assert entry.subject_id == applicant.pk
    assert entry.after == {"fields": ["nik", "phone"]}


def test_redaction_keeps_the_fact_of_change_but_not_the_value() -> None:
    assert redact(
        {"nik": "3273056010900009", "role": "officer", "phone": ""}, {"nik", "phone"}
    ) == {
        "nik": "[redacted]",
        "role": "officer",
        "phone": "",
    }
