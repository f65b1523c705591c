"""The dashboard's filters: period, office (within the reader's scope) and service."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from imigrasi.analytics.queries import Filters
from imigrasi.catalog.models import Office, Service

PERIODS = {"28": 28, "91": 91, "365": 365}


class FilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("28", _("Last 4 weeks")),
            ("91", _("Last 13 weeks")),
            ("365", _("Last 12 months")),
        ],
        initial="91",
        required=False,
    )
    office = forms.ChoiceField(label=_("Office"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)

    def __init__(self, *args: Any, scope: tuple[str, ...] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        offices = Office.objects.order_by("name")
        if scope is not None:
            offices = offices.filter(code__in=scope)
        everything = _("All offices you oversee") if scope is None or len(scope) > 1 else None
        choices = [("", everything)] if everything else []
        cast(forms.ChoiceField, self.fields["office"]).choices = choices + list(
            offices.values_list("code", "name")
        )
        services = Service.objects.filter(is_active=True, requires_visit=True, is_addon=False)
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", _("All services"))] + [
            (service.code, service.name) for service in services.order_by("display_order")
        ]

    def filters(self, today: dt.date) -> Filters:
        """Valid or not, a page is shown: invalid choices fall back to the defaults (the form
        then also shows the error beside the field)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        days = PERIODS.get(data.get("period") or "91", 91)
        office = data.get("office") or ""
        offices = (office,) if office else self.scope
        return Filters(
            start=today - dt.timedelta(days=days),
            end=today - dt.timedelta(days=1),
            offices=offices,
            service=data.get("service") or None,
        )

    def query_string(self) -> str:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return urlencode({key: value for key, value in data.items() if value})
