from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_audit_log_is_the_first_of_our_migrations():
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan = [
        key
        for key in loader.graph.forwards_plan(("accounts", "0001_users_roles_and_api_tokens"))
        if key[0] in {"audit", "accounts", "catalog", "pages", "security"}
    ]
    assert plan[0] == ("audit", "0001_audit_log")
