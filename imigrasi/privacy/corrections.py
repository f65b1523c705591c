"""Which identity data of a sent application a person may ask to have corrected.

A sent application is an official record: the applicant asks, an officer of the processing
office checks the documents and applies the correction with the same validation the answer
had (imigrasi.applications.actions.do_correct_answer).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from imigrasi.accounts.models import User
from imigrasi.applications.actions import check_correction, do_correct_answer
from imigrasi.applications.models import Application

CORRECTABLE = {
    "full_name": _("Full name"),
    "date_of_birth": _("Date of birth"),
    "place_of_birth": _("Place of birth"),
    "nik": _("NIK"),
    "address": _("Address"),
    "phone": _("Phone number"),
}


def check_value(application: Application, field: str, raw: Any) -> Any:
    """Raises ValidationError (translated) when the corrected value would not be accepted."""
    return check_correction(application, field, raw)


def apply_correction(application: Application, field: str, raw: str, officer: User) -> None:
    do_correct_answer(application, field, raw, officer)
