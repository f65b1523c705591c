"""Forms of the web booking pages under /kunjungan/.

The pages are plain GET forms (city, person, date, time) and two POSTs (hold, confirm). The
forms only turn request values into domain objects: every rule (is the day open, is the slot
bookable, may this person book) is decided by the queries and actions the API uses too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from imigrasi.appointments import config
from imigrasi.appointments.actions import Assistance, BookingError
from imigrasi.appointments.messages import message_for
from imigrasi.appointments.models import Slot
from imigrasi.appointments.queries import cities, slot_from_ref
from imigrasi.catalog.models import Office


class Radios(forms.RadioSelect):
    """Radios whose error-summary link reaches the first option (``#id_<name>_0``): Django
    gives a radio group no id of its own, so a link to ``#id_<name>`` would lead nowhere."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose error-summary link reaches the first option (see Radios)."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, "0" if index is None else index)


ASSISTANCE_CHOICES = [
    ("wheelchair", _("A wheelchair")),
    ("sign_language", _("A sign-language interpreter")),
    ("companion", _("I will bring a companion")),
]


class CityForm(forms.Form):
    near = forms.ChoiceField(
        label=_("Which city are you in or near?"),
        help_text=_("We list the offices nearest to it first."),
        error_messages={
            "required": _("Select a city."),
            "invalid_choice": _("Select a city from the list."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose a city"))] + [
            (c["name"], f"{c['name']} ({c['province']})")
            for c in sorted(cities(), key=lambda c: str(c["name"]))
        ]
        cast(forms.ChoiceField, self.fields["near"]).choices = choices


class PersonForm(forms.Form):
    person = forms.ChoiceField(
        label=_("Who is the visit for?"),
        widget=Radios,
        error_messages={
            "required": _("Select who the visit is for."),
            "invalid_choice": _("Select who the visit is for."),
        },
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["person"]).choices = people


class DayForm(forms.Form):
    """A date at an office; a closed day (holiday, closure, not yet released) is refused
    with the reason the schedule gives."""

    date = forms.DateField(
        label=_("Date"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Choose a date."),
            "invalid": _("Choose a date from the list."),
        },
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = office

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        reason = config.closed_reason(self.office, day)
        if reason:
            raise forms.ValidationError(
                message_for(BookingError("day_not_bookable", reason=reason)), code="closed"
            )
        return day


class SlotForm(forms.Form):
    """A time slot by its reference ("office-code:YYYYMMDDTHHMM", office local time)."""

    slot = forms.CharField(
        label=_("Time"),
        max_length=60,
        error_messages={"required": _("Choose a time.")},
    )

    def clean_slot(self) -> Slot:
        try:
            slot = slot_from_ref(self.cleaned_data["slot"])
        except (OverflowError, ValueError):  # e.g. year 0001: out of range once in UTC
            slot = None
        if slot is None:
            raise forms.ValidationError(
                message_for(BookingError("slot_invalid")), code="slot_invalid"
            )
        return slot


class AssistanceForm(forms.Form):
    assistance = forms.MultipleChoiceField(
        label=_("Do you need help at the office?"),
        help_text=_("Select all that apply, so the office can prepare."),
        choices=ASSISTANCE_CHOICES,
        widget=Checkboxes,
        required=False,
        error_messages={"invalid_choice": _("Select only options from the list.")},
    )

    def assistance_value(self) -> Assistance:
        chosen = set(self.cleaned_data.get("assistance") or [])
        return Assistance(
            wheelchair="wheelchair" in chosen,
            sign_language="sign_language" in chosen,
            companion="companion" in chosen,
        )


class HoldForm(SlotForm, AssistanceForm):
    """The POST that takes a place: the chosen slot and the help needed."""


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you cancelling? (optional)"),
        help_text=_("This helps the office plan. Do not enter personal details."),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Use at most 200 characters.")},
    )
