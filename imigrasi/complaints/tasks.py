"""Background work for complaints (the task worker runs it; the sweep is the safety net)."""

from __future__ import annotations

from django.tasks import task


@task()
def deliver_lapor_update(update_id: int, attempt: int = 0) -> str:
    from imigrasi.complaints.actions import do_deliver_update

    return do_deliver_update(update_id, attempt)


@task()
def tell_supervisors(complaint_id: int) -> int:
    from imigrasi.complaints.notifications import send_escalation

    return send_escalation(complaint_id)
