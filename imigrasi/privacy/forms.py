"""Forms for the data-subject rights; each names its field in a translated error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from imigrasi.accounts.models import User
from imigrasi.applications.actions import ApplicationError
from imigrasi.applications.models import Application
from imigrasi.privacy.actions import PrivacyError, password_confirmed
from imigrasi.privacy.corrections import CORRECTABLE, check_value
from imigrasi.privacy.messages import message_for


class ConsentForm(forms.Form):
    accept = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree to my data being processed for"
            " immigration services."
        ),
        error_messages={"required": _("Tick the box to accept the privacy notice.")},
    )


class CorrectionForm(forms.Form):
    application = forms.ChoiceField(
        label=_("Which application"),
        error_messages={"required": _("Choose the application to correct.")},
    )
    field = forms.ChoiceField(
        label=_("What is wrong"),
        choices=[(key, label) for key, label in CORRECTABLE.items()],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what needs correcting.")},
    )
    new_value = forms.CharField(
        label=_("The correct value"),
        max_length=500,
        help_text=_("Dates as DD-MM-YYYY or YYYY-MM-DD, as on your documents."),
        error_messages={"required": _("Enter the correct value.")},
    )
    reason = forms.CharField(
        label=_("Why it needs correcting"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: a typing mistake, or a name change (the officer may ask to see"
            " the document)."
        ),
        error_messages={"required": _("Tell us why it needs correcting.")},
    )

    def __init__(self, *args: Any, applications: list[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applications = {a.number: a for a in applications}
        self.fields["application"].choices = [  # type: ignore[attr-defined]
            (a.number, f"{a.display_number} – {a.service.name}") for a in applications
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        application = self.applications.get(data.get("application", ""))
        if application is not None and data.get("field") and data.get("new_value"):
            try:
                check_value(application, data["field"], data["new_value"])
            except ValidationError as exc:
                self.add_error("new_value", exc)
            except ApplicationError:  # a question this service never asked
                self.add_error("field", _("This application does not hold that information."))
        return data


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to confirm.")},
    )
    understood = forms.BooleanField(
        label=_("I understand that my account and drafts are deleted and cannot be restored."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args: Any, account: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        try:
            confirmed = password_confirmed(self.account, password)
        except PrivacyError as exc:
            raise ValidationError(message_for(exc)) from None
        if not confirmed:
            raise ValidationError(_("That password is not correct."))
        return password


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Correct the record")), ("reject", _("Do not correct"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to correct the record.")},
    )
    note = forms.CharField(
        label=_("Note to the applicant"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not data.get("note"):
            self.add_error("note", _("Tell the applicant why the record is not corrected."))
        return data
