"""Races on PostgreSQL with real threads: exactly one winner, nothing half-applied."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from imigrasi.applications import actions
from imigrasi.applications.demo import specimen_scan
from imigrasi.applications.models import Application, BillingCode, PaymentNotification
from imigrasi.applications.tests.conftest import make
from imigrasi.applications.wizard import context_for, required_documents
from imigrasi.applications.workflow import Status
from imigrasi.lib.billing import PaymentNotice

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 50


def race(work: Callable[[int], Any]) -> Counter[str]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run by `make test-postgres`)")
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def run(n: int) -> None:
        try:
            barrier.wait()
            result = work(n)
            outcome = f"ok:{result}" if result is not None else "ok"
        except actions.Conflict:
            outcome = "conflict"
        except actions.IllegalTransition:
            outcome = "illegal"
        except actions.ApplicationError as exc:
            outcome = f"refused:{exc.code}"
        except Exception as exc:  # pragma: no cover - reported through the counter
            outcome = f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_fifty_officers_approving_at_once_make_one_decision(catalog, officer):
    application = make("interviewed", account="a@example.id")
    version = application.version

    def approve(n: int) -> None:
        fresh = Application.objects.get(pk=application.pk)
        fresh.version = version  # every officer saw the same page
        fresh.status = Status.INTERVIEWED
        actions.do_officer_action(fresh, officer, "approve", expected_version=version)

    outcomes = race(approve)
    assert outcomes["ok"] == 1, outcomes
    assert outcomes["conflict"] == THREADS - 1, outcomes
    application.refresh_from_db()
    assert application.status == Status.IN_PRODUCTION
    assert application.events.filter(to_status=Status.IN_PRODUCTION).count() == 1


def test_fifty_deliveries_of_the_same_payment_pay_once(catalog, applicant):
    application = make("awaiting_payment", account=applicant.email)
    billing = application.billing_codes.get(status="active")
    notice = PaymentNotice(
        billing_code=billing.code or "",
        amount=billing.amount,
        paid_at=timezone.now(),
        channel="ATM",
        transaction_id="TXRACE000000001",
        reference=billing.reference,
    )
    outcomes = race(lambda n: actions.do_record_payment(notice).outcome)
    assert outcomes["ok:applied"] == 1, outcomes
    assert outcomes["ok:duplicate"] == THREADS - 1, outcomes
    assert PaymentNotification.objects.count() == 1
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert application.events.filter(to_status=Status.IN_REVIEW).count() == 1


def test_fifty_officers_claiming_at_once_leave_one_owner(catalog, office):
    from conftest import make_user

    officers = [
        make_user(f"p{n}@imigrasi.example", "officer", office, "Petugas Demo")
        for n in range(THREADS)
    ]
    application = make("in_review", account="b@example.id")
    outcomes = race(
        lambda n: actions.do_claim(Application.objects.get(pk=application.pk), officers[n]) and None
    )
    assert outcomes["ok"] == 1 and outcomes["conflict"] == THREADS - 1, outcomes


def test_a_submit_pressed_fifty_times_sends_once(catalog, applicant):
    application = make("draft", account=applicant.email)
    for requirement in required_documents(context_for(application)):
        actions.do_upload_document(application, requirement.code, specimen_scan("x"), applicant)

    def submit(n: int) -> None:
        actions.do_submit_application(
            Application.objects.get(pk=application.pk), applicant, declaration=True
        )

    outcomes = race(submit)
    assert outcomes["ok"] == 1, outcomes
    assert outcomes["conflict"] + outcomes["refused:already_submitted"] == THREADS - 1, outcomes
    assert BillingCode.objects.filter(application=application).count() == 1
