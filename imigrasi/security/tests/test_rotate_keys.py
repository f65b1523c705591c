from __future__ import annotations

import base64

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.core.management import call_command
from django.db import connection

from conftest import STAFF_TOTP
from imigrasi.accounts.models import User
from imigrasi.audit.models import AuditEntry
from imigrasi.lib import crypto

pytestmark = pytest.mark.django_db

OLD = base64.urlsafe_b64encode(b"o" * 32).decode()
NEW = base64.urlsafe_b64encode(b"n" * 32).decode()


def raw_column(column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_user WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_rotation_moves_every_value_to_the_new_key(settings, officer, capsys):
    settings.FIELD_ENCRYPTION_KEYS = f"old:{OLD}"
    officer.nik = "3273056010900009"
    officer.phone = "081234567890"
    officer.save()
    Authenticator.objects.filter(user=officer).update(
        data={"secret": crypto.encrypt(STAFF_TOTP, "allauth.mfa.Authenticator.secret")}
    )
    assert crypto.key_id_of(raw_column("nik", officer.pk)) == "old"

    settings.FIELD_ENCRYPTION_KEYS = f"new:{NEW},old:{OLD}"
    call_command("rotate_keys")
    out = capsys.readouterr().out
    assert "0 left on older keys" in out

    for column in ("nik", "phone", "full_name"):
        assert crypto.key_id_of(raw_column(column, officer.pk)) == "new"
    token = Authenticator.objects.get(user=officer).data["secret"]
    assert crypto.key_id_of(token) == "new"

    # The old key can now be dropped: everything still reads.
    settings.FIELD_ENCRYPTION_KEYS = f"new:{NEW}"
    fresh = User.objects.get(pk=officer.pk)
    assert fresh.nik == "3273056010900009"
    assert decrypt(Authenticator.objects.get(user=officer).data["secret"]) == STAFF_TOTP
    assert AuditEntry.objects.filter(action="security.keys_rotated").exists()


def test_rotation_is_idempotent(settings, applicant, capsys):
    call_command("rotate_keys")
    call_command("rotate_keys")
    assert "done: 0 values" in capsys.readouterr().out.splitlines()[-1]


def test_reindex_recomputes_blind_indexes_after_a_key_change(settings, applicant):
    applicant.nik = "3273056010900009"
    applicant.save()
    settings.BLIND_INDEX_KEY = NEW
    assert not User.objects.filter(nik_index=crypto.blind_index("3273056010900009", "nik")).exists()
    call_command("rotate_keys", "--reindex")
    assert User.objects.filter(nik_index=crypto.blind_index("3273056010900009", "nik")).exists()


def test_generate_keys_prints_usable_values(capsys):
    call_command("generate_keys")
    values = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    crypto.KeyRing.parse(values["FIELD_ENCRYPTION_KEYS"])
    assert len(base64.urlsafe_b64decode(values["BLIND_INDEX_KEY"])) == 32
    assert len(values["SECRET_KEY"]) >= 50


def test_rotation_rewrites_uploaded_documents(settings, catalog, applicant):
    from django.core.files.storage import storages

    from imigrasi.applications.documents import read_decrypted
    from imigrasi.applications.tests.conftest import make

    original = settings.FIELD_ENCRYPTION_KEYS  # the fixtures' rows use it
    settings.FIELD_ENCRYPTION_KEYS = f"old:{OLD},{original}"
    application = make("in_review", account=applicant.email)
    document = application.documents.first()
    before = read_decrypted(document)
    settings.FIELD_ENCRYPTION_KEYS = f"new:{NEW},old:{OLD},{original}"
    call_command("rotate_keys")
    with storages["documents"].open(document.storage_name, "rb") as handle:
        blob = handle.read()
    assert not crypto.key_ring().file_needs_rotation(blob)
    settings.FIELD_ENCRYPTION_KEYS = f"new:{NEW}"
    assert read_decrypted(document) == before
