"""Accounts created before consents were recorded accepted the notice at sign-up (the form
cannot be sent without it; the audit log holds `account.signed_up` with
privacy_notice_accepted). Record that acceptance, for the notice then in force."""

from django.db import migrations

SIGN_UP_NOTICE_VERSION = "2026-11-29"


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Consent = apps.get_model("privacy", "Consent")
    missing = User.objects.filter(role="applicant").exclude(consents__isnull=False)
    Consent.objects.bulk_create(
        Consent(
            account_id=user.pk,
            notice_version=SIGN_UP_NOTICE_VERSION,
            accepted_at=user.date_joined,
            language=user.preferred_language,
            channel="web",
        )
        for user in missing.only("pk", "date_joined", "preferred_language")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_consents_exports_corrections_closures_breaches"),
        ("accounts", "0002_privacy_officer_role"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
