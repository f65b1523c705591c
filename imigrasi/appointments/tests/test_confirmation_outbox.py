"""With the database task backend, a booking's confirmation job is written in the booking's own
transaction (lib.background): it exists exactly when the booking does, and the worker sends it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from imigrasi.appointments import actions
from imigrasi.appointments.tests.conftest import first_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "imigrasi.lib.tasks_backend.DatabaseBackend"}}


def test_the_job_commits_and_rolls_back_with_the_booking(
    database_tasks: None, booking_office: Any, passport: Any, applicant: Any, siti: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    slot = first_slot(booking_office)
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.do_book(applicant, siti, passport, slot, idempotency_key="outbox-rollback")
        assert DBTaskResult.objects.count() == 1  # written inside the transaction
        raise RuntimeError("the request failed after booking")
    assert DBTaskResult.objects.count() == 0

    booking, created = actions.do_book(
        applicant, siti, passport, slot, idempotency_key="outbox-commit"
    )
    assert created
    job = DBTaskResult.objects.get()
    assert job.args_kwargs == {"args": [booking.pk], "kwargs": {}}
    assert job.task_path == "imigrasi.appointments.tasks.send_booking_confirmation"
    assert job.status == "READY" and job.task.run_after is None  # "now", as the library stores it


def test_the_worker_sends_the_confirmation(
    database_tasks: None,
    booking_office: Any,
    passport: Any,
    applicant: Any,
    siti: Any,
    mailoutbox: Any,
    monkeypatch: Any,
) -> None:
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker closes idle connections between jobs; here that would end the test's
    # transaction, so it keeps the one it has.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    booking, _created = actions.do_book(
        applicant, siti, passport, first_slot(booking_office), idempotency_key="outbox-worker"
    )
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert len(mailoutbox) == 1 and booking.code in mailoutbox[0].body
