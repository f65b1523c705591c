from __future__ import annotations

from django.tasks import task


@task()
def deliver_event(delivery_id: int, attempt: int = 0) -> str:
    from imigrasi.outbox.actions import do_deliver

    return do_deliver(delivery_id, attempt)
