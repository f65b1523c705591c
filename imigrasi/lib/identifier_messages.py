"""Translated explanations of identifier errors, shared by every form and API that takes a NIK."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NIK_ERRORS = {
    "format": _("Enter the 16 digits of the NIK."),
    "province": _("The first two digits of a NIK are a province code; check them."),
    "region": _("The regency or district part of this NIK is not valid."),
    "birth_date": _("Digits 7 to 12 of a NIK are a date of birth; this one is not a real date."),
    "serial": _("The last four digits of a NIK cannot be 0000."),
}
