"""Earlier `application.answered` entries held the answers' values (sex, citizenship route,
marital facts, dates). Keep only which field changed; the chain is re-hashed from the first
changed entry, and an `audit.history_rewritten` entry records the head it replaced
(imigrasi.audit.rewriting, docs/operations.md). Restartable: a second run changes nothing."""

from django.db import migrations


def field_names_only(action, before, after):
    if action != "application.answered" or not isinstance(after, dict):
        return None
    if set(after) == {"fields"}:
        return None  # already in the new form
    return before, {"fields": sorted(after)}


def forwards(apps, schema_editor):
    from imigrasi.audit.rewriting import rewrite_history

    model = apps.get_model("audit", "AuditEntry")
    if not model._base_manager.filter(action="application.answered").exists():
        return
    rewrite_history(
        model,
        field_names_only,
        reason="application.answered entries: answer values removed, field names kept",
        system_actor="migration:audit.0002",
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_log")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
