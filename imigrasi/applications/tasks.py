"""Background work (Django Tasks; the database backend's db_worker runs it)."""

from __future__ import annotations

from django.tasks import task


@task()
def issue_billing_code(billing_id: int, attempt: int = 0) -> str:
    from imigrasi.applications.actions import do_issue_billing_code
    from imigrasi.applications.models import BillingCode

    billing = BillingCode.objects.filter(pk=billing_id).first()
    if billing is None:
        return "missing"
    return do_issue_billing_code(billing, attempt).status


@task()
def expire_billing_code(billing_id: int) -> bool:
    from imigrasi.applications.actions import do_expire_billing
    from imigrasi.applications.models import BillingCode

    billing = BillingCode.objects.filter(pk=billing_id).first()
    return bool(billing and do_expire_billing(billing))


@task()
def remind_unpaid_billing(billing_id: int) -> bool:
    from imigrasi.applications.notifications import send_billing_reminder

    return send_billing_reminder(billing_id)


@task()
def notify_status_change(event_id: int) -> bool:
    from imigrasi.applications.notifications import send_status_notification

    return send_status_notification(event_id)


@task()
def rescan_document(document_id: int) -> str:
    from imigrasi.applications.actions import do_rescan_document
    from imigrasi.applications.models import Document
    from imigrasi.lib.virus_scan import ScannerUnavailable

    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return "missing"
    try:
        return do_rescan_document(document)
    except ScannerUnavailable:
        from django.utils import timezone

        from imigrasi.applications.actions import retry_delay
        from imigrasi.lib.background import enqueue_on_commit

        enqueue_on_commit(rescan_document, document_id, run_after=timezone.now() + retry_delay(3))
        return "pending"
