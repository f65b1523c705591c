"""Forms of the breach workflow; each error names what to fix. Times are typed in Jakarta time
(WIB), the zone the data protection officer works in."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imigrasi.catalog.models import Office
from imigrasi.privacy.breach import CLOCK_SKEW, CloseOutcome, listed_emails
from imigrasi.privacy.models import BreachIncident, BreachScope, DataCategory

MAX_LISTED_EMAILS = 10_000
TIME_FORMAT = "%Y-%m-%dT%H:%M"


class WibDateTimeField(forms.DateTimeField):
    """A date and time from the browser's date-time picker, read in the current time zone
    (Asia/Jakarta: settings.TIME_ZONE)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=TIME_FORMAT)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [TIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(**kwargs)


def _not_in_future(value: dt.datetime | None) -> None:
    if value is not None and value > timezone.now() + CLOCK_SKEW:
        raise ValidationError(_("The time cannot be in the future."), code="future")


def _check_period(form: forms.Form, discovered_at: dt.datetime | None) -> None:
    data = form.cleaned_data
    start, end = data.get("occurred_from"), data.get("occurred_until")
    if start and discovered_at and start > discovered_at:
        form.add_error("occurred_from", _("It must have started before it was discovered."))
    if start and end and end < start:
        form.add_error("occurred_until", _("The end must be after the start."))


class IncidentForm(forms.Form):
    title = forms.CharField(
        label=_("Short title"),
        max_length=200,
        help_text=_("For staff only, for example: “Exported visit list sent to a wrong address”."),
        error_messages={"required": _("Enter a short title.")},
    )
    discovered_at = WibDateTimeField(
        label=_("When was it discovered?"),
        help_text=_("Jakarta time (WIB). The 3 × 24 hours for the notices count from here."),
        validators=[_not_in_future],
        error_messages={
            "required": _("Enter when the breach was discovered."),
            "invalid": _("Enter the date and time it was discovered."),
        },
    )
    occurred_from = WibDateTimeField(
        label=_("When did it start? (if known)"),
        help_text=_("Jakarta time (WIB)."),
        required=False,
        validators=[_not_in_future],
        error_messages={"invalid": _("Enter the date and time it started.")},
    )
    occurred_until = WibDateTimeField(
        label=_("When did it end? (if known)"),
        help_text=_("Jakarta time (WIB). Leave empty if it has not ended or is not known."),
        required=False,
        validators=[_not_in_future],
        error_messages={"invalid": _("Enter the date and time it ended.")},
    )
    what_happened = forms.CharField(
        label=_("What happened and how"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Written for the people concerned: it is quoted in the notice they receive. Do not"
            " name anyone."
        ),
        error_messages={"required": _("Describe what happened and how.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_period(self, cleaned.get("discovered_at"))
        return cleaned


class AssessmentForm(forms.Form):
    what_happened = IncidentForm.base_fields["what_happened"]
    occurred_from = IncidentForm.base_fields["occurred_from"]
    occurred_until = IncidentForm.base_fields["occurred_until"]
    data_categories = forms.MultipleChoiceField(
        label=_("Which personal data is concerned?"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The notice lists these in plain words. Select all that apply."),
        error_messages={
            "required": _("Select the personal data concerned."),
            "invalid_choice": _("Select the personal data concerned."),
        },
    )
    scope = forms.ChoiceField(
        label=_("Whose data is concerned?"),
        choices=BreachScope.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select whose data is concerned."),
            "invalid_choice": _("Select whose data is concerned."),
        },
    )
    scope_office = forms.ModelChoiceField(
        label=_("Office (for accounts at one office)"),
        queryset=Office.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Choose an office"),
        help_text=_("Accounts with an application or an office visit there."),
        error_messages={"invalid_choice": _("Choose an office from the list.")},
    )
    scope_emails = forms.CharField(
        label=_("Email addresses (for listed accounts)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "One a line. Addresses without an account are ignored. The list is stored encrypted"
            " and not shown again."
        ),
    )
    estimated_subjects = forms.IntegerField(
        label=_("How many people are affected? (estimate)"),
        min_value=0,
        max_value=1_000_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter an estimate of the people affected, 0 if not known yet."),
            "invalid": _("Enter the estimate as a whole number."),
            "min_value": _("The estimate cannot be negative."),
            "max_value": _("Enter a realistic estimate."),
        },
    )
    remediation = forms.CharField(
        label=_("What we have done and what people should do"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Quoted in the notice. Standard advice (being wary of messages asking for passwords"
            " or payments, changing passwords) is added to every notice."
        ),
        error_messages={"required": _("Describe what was done and what people should do.")},
    )

    def __init__(self, *args: Any, incident: BreachIncident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.stored_emails = len(listed_emails(incident.scope_emails))
        if self.stored_emails:
            self.fields["scope_emails"].help_text = _(
                "%(count)s addresses are listed. Leave this empty to keep them, or enter the"
                " whole list again to replace it: one a line. Addresses without an account are"
                " ignored."
            ) % {"count": self.stored_emails}

    def clean_scope_emails(self) -> str:
        text = cast(str, self.cleaned_data.get("scope_emails", ""))
        lines = [line.strip() for line in text.splitlines()]
        if sum(1 for line in lines if line) > MAX_LISTED_EMAILS:
            raise ValidationError(
                _("List at most %(max)s addresses.") % {"max": MAX_LISTED_EMAILS}, code="too_many"
            )
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            try:
                validate_email(line)
            except ValidationError:
                raise ValidationError(
                    _("Line %(line)s is not an email address.") % {"line": number},
                    code="invalid_email",
                ) from None
        return "\n".join(listed_emails(text))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        scope = cleaned.get("scope")
        if scope == BreachScope.OFFICE and not cleaned.get("scope_office"):
            self.add_error("scope_office", _("Choose the office whose accounts are concerned."))
        if (
            scope == BreachScope.LISTED
            and not cleaned.get("scope_emails")
            and not self.stored_emails
            and "scope_emails" not in self.errors
        ):
            self.add_error("scope_emails", _("Enter the email addresses, one a line."))
        _check_period(self, self.incident.discovered_at)
        return cleaned


class AuthorityNoticeForm(forms.Form):
    notified_at = WibDateTimeField(
        label=_("When was the notice sent?"),
        help_text=_("Jakarta time (WIB)."),
        validators=[_not_in_future],
        error_messages={
            "required": _("Enter when the notice was sent."),
            "invalid": _("Enter the date and time the notice was sent."),
        },
    )
    reference = forms.CharField(
        label=_("Reference of the notice"),
        max_length=100,
        help_text=_("The letter number, or the receipt number the institution gave."),
        error_messages={"required": _("Enter the reference of the notice.")},
    )

    def __init__(self, *args: Any, incident: BreachIncident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.incident = incident

    def clean_notified_at(self) -> dt.datetime:
        value = cast(dt.datetime, self.cleaned_data["notified_at"])
        if value < self.incident.discovered_at:
            raise ValidationError(
                _("The notice cannot be sent before the breach was discovered."),
                code="before_discovery",
            )
        return value


class NotifyForm(forms.Form):
    """The count the officer confirmed: if it changed meanwhile, they confirm again."""

    accounts = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Why is the incident closed?"),
        choices=CloseOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select why the incident is closed."),
            "invalid_choice": _("Select why the incident is closed."),
        },
    )
