"""The filing form (one short page), the tracking form and the office's forms."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from imigrasi.catalog.models import Office
from imigrasi.complaints import rules
from imigrasi.complaints.actions import MAX_ATTACHMENTS
from imigrasi.complaints.models import Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked by content
    later, in the action, before anything is stored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is the complaint about?"),
        error_messages={"required": _("Choose what the complaint is about")},
    )
    office = forms.ModelChoiceField(
        label=_("Which office is it about?"),
        queryset=Office.objects.filter(is_active=True),
        empty_label="",
        error_messages={
            "required": _("Choose the office"),
            "invalid_choice": _("Choose the office"),
        },
    )
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "Say when and where it happened and what you expected. Do not write passwords or "
            "card numbers."
        ),
        min_length=20,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Describe what happened"),
            "min_length": _("Describe what happened in at least 20 characters"),
            "max_length": _("Keep the description under 4,000 characters"),
        },
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        help_text=_("Up to 3 photos or scans: JPG, PNG or PDF, at most 5 MB each."),
        required=False,
    )
    contact_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=150)
    contact_email = forms.EmailField(
        label=_("Email address (optional)"),
        help_text=_("You can track the complaint with this address instead of the secret code."),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address like name@example.com")},
    )
    contact_phone = forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        max_length=20,
        validators=[
            RegexValidator(r"^\+?[0-9 \-]{8,20}$", _("Enter a phone number like 0812 3456 7890"))
        ],
    )
    confidential = forms.BooleanField(
        label=_("Keep my identity confidential"),
        help_text=_(
            "The office handles the complaint without seeing your name or contact details."
        ),
        required=False,
    )
    anonymous = forms.BooleanField(
        label=_("Send anonymously"),
        help_text=_(
            "We store no name, contact details or account with the complaint. You can only "
            "track it with the secret code shown after sending, and the office cannot ask you "
            "questions."
        ),
        required=False,
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", "")] + [
            (item.code, item.label) for item in rules.categories()
        ]
        if not self.is_bound:
            self.initial.setdefault("client_token", uuid.uuid4())

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("Attach at most 3 files."))
        return cast(list[Any], files)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact = any(data.get(name) for name in ("contact_name", "contact_email", "contact_phone"))
        if data.get("anonymous") and contact:
            self.add_error(
                "contact_name",
                _("You chose to send anonymously: leave your name and contact details empty"),
            )
        return data


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Tracking number"),
        help_text=_("For example PG-1234-5678-90"),
        max_length=20,
        error_messages={"required": _("Enter the tracking number")},
    )
    secret = forms.CharField(
        label=_("Secret code or email address"),
        help_text=_("The code shown when you sent the complaint, or the email address you gave."),
        max_length=254,
        error_messages={"required": _("Enter the secret code or your email address")},
    )

    def clean_number(self) -> str:
        number = rules.normalise_tracking_number(self.cleaned_data["number"])
        if number is None:
            raise forms.ValidationError(
                _("Enter the tracking number as shown, like PG-1234-5678-90")
            )
        return number


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Next step"), error_messages={"required": _("Choose the next step")}
    )
    message = forms.CharField(
        label=_("Answer to the complainant"),
        help_text=_("The complainant reads this. Required when answering or closing unverified."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = rules.TRANSITIONS.get(current, frozenset())
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (value, label) for value, label in Status.choices if value in allowed
        ]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"),
        help_text=_("Only the office sees notes."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note")},
    )
