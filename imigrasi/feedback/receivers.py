"""How the core apps' events reach the survey, without the core apps knowing of it.

Connected in ``FeedbackConfig.ready``: the applications app's ``status_changed`` and the
appointments app's ``ticket_served`` signals create invitations after their transaction
commits (``robust``: a failure here is logged and never undoes, or errors, the officer's
action), and the status and ticket pages get their "Tell us how we did" panel through the
panel slots of ``imigrasi.lib.panels``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from imigrasi.feedback import actions
from imigrasi.feedback.models import Source
from imigrasi.lib.panels import Panel

PANEL_TEMPLATE = "feedback/includes/invitation_panel.html"


def on_status_changed(sender: Any, application: Any, **kwargs: Any) -> None:
    if application.status in actions.COMPLETED_STATUSES:
        application_id = application.pk
        transaction.on_commit(lambda: actions.invite_for_application(application_id), robust=True)


def on_ticket_served(sender: Any, ticket: Any, **kwargs: Any) -> None:
    ticket_id = ticket.pk
    transaction.on_commit(lambda: actions.invite_for_ticket(ticket_id), robust=True)


def _panel(source: str, reference: str) -> Panel | None:
    invitation = actions.invitation_of(source, reference)
    if invitation is None:
        return None
    state = actions.state_of(invitation)
    if state == "expired":
        return None
    url = actions.survey_path(invitation) if state == "open" else ""
    return Panel(PANEL_TEMPLATE, {"state": state, "url": url})


def application_panel(application: Any) -> Panel | None:
    if application.status not in actions.COMPLETED_STATUSES:
        return None  # no query on the pages of applications still in progress
    return _panel(Source.APPLICATION, application.number)


def ticket_panel(ticket: Any) -> Panel | None:
    if ticket.status != "done":
        return None
    return _panel(Source.TICKET, str(ticket.public_id))
