"""The holder's form to create a share code, and the public status check for small employers.

The check form and the API share one validator for the code (``codes.normalise``) and the
date of birth (``parse_date`` of the applications app), so both doors accept the same input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from imigrasi.applications.questions import parse_date
from imigrasi.sharecodes import codes
from imigrasi.sharecodes.actions import (
    DEFAULT_LIFETIME_DAYS,
    LIFETIMES_DAYS,
    ORGANISATION_MAX_CHARS,
)
from imigrasi.sharecodes.models import SharePurpose
from imigrasi.sharecodes.queries import Shareable


def _lifetime_label(days: int) -> str:
    return str(ngettext_lazy("%(count)d day", "%(count)d days", days) % {"count": days})


class CreateShareCodeForm(forms.Form):
    document = forms.ChoiceField(
        label=_("Which permission do you want to share?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the permission to share.")},
    )
    purpose = forms.ChoiceField(
        label=_("Who will check it?"),
        help_text=_("The organisation sees only this purpose, not the others you choose."),
        choices=SharePurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are sharing your status.")},
    )
    days = forms.TypedChoiceField(
        label=_("How long should the code work?"),
        help_text=_("You can revoke it earlier at any time."),
        coerce=int,
        widget=forms.RadioSelect,
        initial=DEFAULT_LIFETIME_DAYS,
        error_messages={"required": _("Choose how long the code should work.")},
    )

    def __init__(self, *args: Any, documents: list[Shareable], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = {str(d.credential.public_id): d for d in documents}
        document_field = self.fields["document"]
        assert isinstance(document_field, forms.ChoiceField)
        document_field.choices = [(key, d.label) for key, d in self.documents.items()]
        if len(self.documents) == 1:
            document_field.initial = next(iter(self.documents))
        days_field = self.fields["days"]
        assert isinstance(days_field, forms.ChoiceField)
        days_field.choices = [(str(days), _lifetime_label(days)) for days in LIFETIMES_DAYS]

    def chosen(self) -> Shareable:
        return self.documents[self.cleaned_data["document"]]


class RevokeForm(forms.Form):
    """Nothing to fill in: the POST itself is the confirmation (with its CSRF token)."""


class StatusCheckForm(forms.Form):
    organisation = forms.CharField(
        label=_("Your organisation's name"),
        help_text=_("The person whose status you check sees this name in their list of checks."),
        max_length=ORGANISATION_MAX_CHARS,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": _("Enter the name of your organisation.")},
    )
    share_code = forms.CharField(
        label=_("Share code"),
        help_text=_("9 letters and numbers, for example W7K-4PQ-9ZD. Ask the person for it."),
        max_length=codes.MAX_INPUT_CHARS,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={"required": _("Enter the share code.")},
    )
    date_of_birth = forms.CharField(
        label=_("The person's date of birth"),
        help_text=_("For example 17-08-1990."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the person's date of birth.")},
    )

    def clean_share_code(self) -> str:
        code = codes.normalise(self.cleaned_data["share_code"])
        if code is None:
            raise forms.ValidationError(
                _("Enter the share code as it was given to you: 9 letters and numbers."),
                code="format",
            )
        return code

    def clean_date_of_birth(self) -> dt.date:
        return parse_date(self.cleaned_data["date_of_birth"])
