"""Forms of the applicant's pages (the per-question forms are built in questions.py)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from imigrasi.applications.models import Relationship
from imigrasi.applications.numbers import normalise_application_number
from imigrasi.applications.questions import parse_date

NEW_PERSON_PREFIX = "new:"


class StartForm(forms.Form):
    """Who is this application for? One of the account's people, or a new one."""

    who = forms.ChoiceField(
        label=_("Who is this application for?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who the application is for.")},
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], can_add: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = list(people)
        if can_add:
            existing_self = any(label.endswith(str(Relationship.SELF.label)) for _, label in people)
            for value, label in Relationship.choices:
                if value == Relationship.SELF and existing_self:
                    continue
                choices.append((f"{NEW_PERSON_PREFIX}{value}", str(label)))
        cast(forms.ChoiceField, self.fields["who"]).choices = choices
        if not can_add:
            self.fields["who"].help_text = _(
                "An account can apply for at most 5 people; choose one of them."
            )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_("JPG, PNG or PDF, at most 5 MB."),
        error_messages={"required": _("Select a file to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
    )


class DeclarationForm(forms.Form):
    declaration = forms.BooleanField(
        label=_(
            "I declare that the information I gave is true and complete. I understand that "
            "false information can lead to rejection, and that paid fees are not refunded."
        ),
        error_messages={"required": _("Confirm the declaration to send the application.")},
    )


class AnswerRequestForm(forms.Form):
    note = forms.CharField(
        label=_("Message to the officer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StatusCheckForm(forms.Form):
    number = forms.CharField(
        label=_("Application number"),
        help_text=_("For example IM-1234-5678-9. It is on your receipt and in our emails."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the application number.")},
    )
    date_of_birth = forms.CharField(
        label=_("Applicant's date of birth"),
        help_text=_("For example 17-08-1990."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={"required": _("Enter the date of birth.")},
    )

    def clean_number(self) -> str:
        number = normalise_application_number(self.cleaned_data["number"])
        if number is None:
            raise forms.ValidationError(
                _("Check the number: it should look like IM-1234-5678-9."), code="number"
            )
        return number

    def clean_date_of_birth(self) -> str:
        return parse_date(self.cleaned_data["date_of_birth"]).isoformat()
