"""Translated explanations of every refusal (web and API share them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from imigrasi.applications.messages import ERRORS as DOCUMENT_ERRORS
from imigrasi.complaints.actions import ComplaintError

ERRORS = {
    **{code: text for code, text in DOCUMENT_ERRORS.items() if code.startswith("upload_")},
    "upload_not_scanned": _(
        "Attachments cannot be checked for viruses right now. Send the complaint without "
        "them, or try again later."
    ),
    "too_many_attachments": _("Attach at most 3 files."),
    "unknown_category": _("Choose what the complaint is about."),
    "illegal_transition": _("That step is not possible in the complaint's current status."),
    "response_required": _("Write an answer the complainant will read."),
    "note_required": _("Write the note."),
    "changed_by_someone_else": _(
        "Someone else changed this complaint a moment ago. Reload the page to see its current "
        "state."
    ),
    "try_again": _("Something went wrong. Please try again."),
}


def message_for(error: ComplaintError) -> str:
    return str(ERRORS.get(error.code, ERRORS["try_again"]))
