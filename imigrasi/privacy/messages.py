"""Translated messages for refusals (PrivacyError codes), shared by the pages and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from imigrasi.privacy.actions import PrivacyError

MESSAGES = {
    "not_found": _("Not found."),
    "export_unavailable": _("That copy is no longer available. Ask for a new one."),
    "edit_the_draft": _(
        "This application is still a draft: change the answer in the application itself."
    ),
    "field_not_correctable": _("That information cannot be corrected here. Contact the office."),
    "already_requested": _("You already asked to correct this. The office is checking it."),
    "already_reviewed": _("This request has already been checked."),
    "too_many_attempts": _("Too many attempts. Wait 15 minutes before trying again."),
}


def message_for(error: PrivacyError) -> str:
    return str(MESSAGES.get(error.code, _("That is not possible now.")))
