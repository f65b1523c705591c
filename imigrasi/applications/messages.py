"""Translated explanations of every refusal an action can raise (web and API share them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from imigrasi.applications.actions import ApplicationError

ERRORS = {
    "service_not_available": _("This service cannot be applied for online."),
    "too_many_people": _("An account can apply for at most 5 people."),
    "bad_relationship": _("Select who the application is for."),
    "not_found": _("Application not found."),
    "try_again": _("Something went wrong. Please try again."),
    "not_editable": _("This application has been sent and can no longer be changed."),
    "unknown_question": _("That question does not apply to this application."),
    "unknown_requirement": _("That document is not part of this application."),
    "declaration_required": _("Confirm the declaration to send the application."),
    "already_submitted": _("This application has already been sent."),
    "not_ready": _("Some answers or documents are missing."),
    "billing_not_expired": _("A new billing code is only needed after the old one expires."),
    "nothing_requested": _("The officer has not asked for anything."),
    "requested_documents_missing": _("Upload the requested documents before sending."),
    "supervisors_only": _("Only a supervisor can assign applications."),
    "officer_not_in_office": _("That officer does not work at this office."),
    "reason_required": _("Write a reason the applicant will read."),
    "rejection_reason_required": _("Choose a rejection reason."),
    "cancellation_reason_required": _("Choose why the visa or stay permit is cancelled."),
    "changed_by_someone_else": _(
        "Someone else changed this application a moment ago. Reload the page to see its "
        "current state."
    ),
    "already_claimed": _("Another officer has already taken this application."),
    "illegal_transition": _("That step is not possible in the application's current status."),
    "upload_empty": _("The selected file is empty."),
    "upload_too_large": _("The file is larger than 5 MB. Scan at a lower resolution."),
    "upload_unsupported_type": _("The file must be a JPG, PNG or PDF."),
    "upload_image_unreadable": _("The image is damaged or incomplete. Scan it again."),
    "upload_image_too_small": _("The image is too small to read. Scan at a higher resolution."),
    "upload_image_too_large": _("The image has too many pixels. Scan at a lower resolution."),
    "upload_pdf_unreadable": _("The PDF is damaged or incomplete. Save it again and retry."),
    "upload_pdf_encrypted": _(
        "The PDF is password-protected. Upload a version without a password."
    ),
    "upload_pdf_too_many_pages": _("The PDF has too many pages (at most 20)."),
    "upload_pdf_active_content": _(
        "The PDF contains scripts, attachments or forms. Print it to a new PDF and retry."
    ),
    "upload_pdf_too_large": _("The PDF's content is too large once unpacked."),
    "upload_polyglot": _(
        "The file hides another file inside it. Save the scan again as a plain JPG, PNG or PDF."
    ),
    "upload_infected": _("The file contains a virus and was refused."),
    "upload_missing": _("Select a file to upload."),
}


def message_for(error: ApplicationError) -> str:
    return str(ERRORS.get(error.code, ERRORS["try_again"]))
