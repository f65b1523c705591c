from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

NOTE_MAX = 500


class ResolutionForm(forms.Form):
    """An officer's manual verification: the outcome and how it was verified."""

    outcome = forms.ChoiceField(
        choices=[("match", _("Correct")), ("no_match", _("Not correct"))],
        error_messages={"required": _("Choose whether the details are correct")},
    )
    note = forms.CharField(
        max_length=NOTE_MAX,
        strip=True,
        error_messages={
            "required": _("Say how you verified the details"),
            "max_length": _("The note must be 500 characters or fewer"),
        },
    )
