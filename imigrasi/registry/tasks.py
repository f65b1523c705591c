from __future__ import annotations

from django.tasks import task


@task()
def run_identity_check(check_id: int, attempt: int = 0) -> str:
    from imigrasi.registry.actions import do_run_check

    return do_run_check(check_id, attempt)
