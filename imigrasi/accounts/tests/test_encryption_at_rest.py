"""Read the database's own bytes: no plaintext of personal fields may appear."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from imigrasi.accounts.models import User

NIK = "3273056010900009"
PHONE = "081298765432"
NAME = "Kartika Wulandari"

pytestmark = pytest.mark.django_db(transaction=True)


def _create() -> User:
    user = User.objects.create_user("kartika@example.id", "x" * 20, full_name=NAME)
    user.nik = NIK
    user.phone = PHONE
    user.save()
    return user


def test_the_sqlite_file_holds_no_plaintext(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite file check")
    if connection.settings_dict["NAME"] in (":memory:", "") or "mode=memory" in str(
        connection.settings_dict["NAME"]
    ):
        # The test database lives in memory: copy it to a file with SQLite's backup API.
        target = tmp_path / "copy.sqlite3"
        _create()
        import sqlite3

        connection.ensure_connection()
        dest = sqlite3.connect(target)
        connection.connection.backup(dest)
        dest.close()
        raw = target.read_bytes()
    else:
        _create()
        connection.close()
        raw = b"".join(
            p.read_bytes()
            for p in Path(connection.settings_dict["NAME"]).parent.glob(
                Path(connection.settings_dict["NAME"]).name + "*"
            )
        )
    assert b"kartika@example.id" in raw  # sanity: we are reading the right bytes
    for secret in (NIK, PHONE, NAME):
        assert secret.encode() not in raw, secret
    assert User.objects.get(email="kartika@example.id").nik == NIK


def test_the_postgresql_table_pages_hold_no_plaintext():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL table check")
    _create()
    with connection.cursor() as cursor:
        # The heap pages themselves, as PostgreSQL stores them (pageinspect, superuser in tests).
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute(
            "SELECT pg_relation_size('accounts_user') / current_setting('block_size')::int"
        )
        pages = cursor.fetchone()[0]
        raw = b""
        for page in range(pages):
            cursor.execute("SELECT get_raw_page('accounts_user', %s)", [page])
            raw += bytes(cursor.fetchone()[0])
    assert b"kartika@example.id" in raw
    for secret in (NIK, PHONE, NAME):
        assert secret.encode() not in raw, secret
