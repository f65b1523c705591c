"""Background work (Django Tasks; the database backend's db_worker runs it)."""

from __future__ import annotations

from django.tasks import task


@task()
def send_survey_invitation(invitation_id: int) -> bool:
    from imigrasi.feedback.actions import send_invitation

    return send_invitation(invitation_id)
