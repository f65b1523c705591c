"""Many writers at once must still produce one unbroken chain (PostgreSQL, real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from imigrasi.audit.models import AuditEntry
from imigrasi.audit.recording import record_event
from imigrasi.audit.verification import verify_chain

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 50
PER_THREAD = 10


def test_concurrent_appends_keep_the_chain_intact() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run by `make test-postgres`)")
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for i in range(PER_THREAD):
                record_event(actor=None, action="test.concurrent", object_id=f"{n}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert AuditEntry.objects.filter(action="test.concurrent").count() == THREADS * PER_THREAD
    report = verify_chain()
    assert report.ok, report
    assert len(set(AuditEntry.objects.values_list("prev_hash", flat=True))) == report.checked
