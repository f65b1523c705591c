"""Account forms. Validation messages are translated and name the field they belong to."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from imigrasi.accounts.actions import do_complete_signup
from imigrasi.accounts.models import User
from imigrasi.lib import crypto
from imigrasi.lib.identifier_messages import NIK_ERRORS
from imigrasi.lib.identifiers import InvalidNIK, normalise_nik, parse_nik
from imigrasi.lib.validation import is_valid_phone, normalise_phone

# Letters (any script), spaces, apostrophes, hyphens and dots: how names appear on documents.
_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$")


def clean_person_name(value: str) -> str:
    value = " ".join(value.split())
    if not _NAME_RE.match(value):
        raise forms.ValidationError(
            _("Use letters only, as your name appears on your identity card."), code="name"
        )
    return value


class SignupProfileForm(forms.Form):
    """Extra sign-up fields; allauth adds email and password."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        help_text=_("As written on your identity card (e-KTP) or passport."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree to my data being processed for"
            " immigration services."
        ),
        error_messages={"required": _("You must accept the privacy notice to create an account.")},
    )

    def clean_full_name(self) -> str:
        return clean_person_name(self.cleaned_data["full_name"])

    def signup(self, request: HttpRequest, user: User) -> None:
        do_complete_signup(
            user,
            full_name=self.cleaned_data["full_name"],
            language=(get_language() or "id")[:2],
        )


class ProfileForm(forms.Form):
    """The applicant's own details on the account page.

    A plain form, not a ModelForm: the user object must stay untouched until
    do_update_profile compares old and new values for the audit entry.
    """

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        max_length=24,
        help_text=_("For example 081234567890 or +6281234567890."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    nik = forms.CharField(
        label=_("NIK (optional)"),
        required=False,
        max_length=24,
        help_text=_("The 16-digit number on your e-KTP. Stored encrypted."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for emails and messages"),
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "full_name": user.full_name,
                "phone": user.phone,
                "nik": user.nik or "",
                "preferred_language": user.preferred_language,
            },
        )
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_full_name(self) -> str:
        return clean_person_name(self.cleaned_data["full_name"])

    def clean_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data.get("phone") or "")
        if phone and not is_valid_phone(phone):
            raise forms.ValidationError(
                _("Enter a phone number of 8 to 15 digits, for example 081234567890."),
                code="phone",
            )
        return phone

    def clean_nik(self) -> str | None:
        raw = self.cleaned_data.get("nik") or ""
        if not raw.strip():
            return None
        try:
            parse_nik(raw)
        except InvalidNIK as exc:
            raise forms.ValidationError(NIK_ERRORS[exc.code], code=f"nik_{exc.code}") from exc
        nik = normalise_nik(raw)
        digest = crypto.blind_index(nik, "nik")
        taken = User.objects.filter(nik_index=digest).exclude(pk=self.user.pk).exists()
        if taken:
            raise forms.ValidationError(
                _("This NIK is already linked to another account. Contact us if it is yours."),
                code="nik_taken",
            )
        return nik

    def changes(self) -> dict[str, Any]:
        return {
            "full_name": self.cleaned_data["full_name"],
            "phone": self.cleaned_data["phone"],
            "preferred_language": self.cleaned_data["preferred_language"],
            "nik": self.cleaned_data["nik"],
        }
