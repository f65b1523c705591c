"""Background work for the data-subject rights (the task worker runs it)."""

from __future__ import annotations

from django.tasks import task


@task()
def build_export(export_id: int) -> str:
    from imigrasi.privacy.actions import do_build_export
    from imigrasi.privacy.models import DataExport

    export = DataExport.objects.filter(pk=export_id).select_related("account").first()
    if export is None:
        return "missing"
    return do_build_export(export).status


@task()
def tell_export_ready(export_id: int) -> bool:
    from imigrasi.privacy.notifications import send_export_ready

    return send_export_ready(export_id)


@task()
def tell_correction_reviewed(correction_id: int) -> bool:
    from imigrasi.privacy.notifications import send_correction_reviewed

    return send_correction_reviewed(correction_id)


@task()
def close_account(account_id: int) -> str:
    from imigrasi.privacy.closure import do_finish_closure

    return do_finish_closure(account_id)
