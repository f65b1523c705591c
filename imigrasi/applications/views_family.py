"""The "Fill in from the family card (Kartu Keluarga)" step of a child's application.

POST only: the first post looks the children up (the registry is asked), the second stores
the chosen child's details. Rules live in ``family_card``; this is only the pages.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from imigrasi.accounts.models import User
from imigrasi.applications import family_card
from imigrasi.applications.models import Application
from imigrasi.applications.queries import get_own_application
from imigrasi.applications.questions import QUESTIONS_BY_KEY
from imigrasi.catalog.queries import jakarta_today
from imigrasi.lib.identifier_messages import NIK_ERRORS
from imigrasi.lib.identifiers import InvalidNIK, normalise_nik, parse_nik


class FamilyLookupForm(forms.Form):
    """The parent's NIK, asked only when the account does not hold one."""

    parent_nik = forms.CharField(
        label=gettext_lazy("Your NIK (the parent's)"),
        help_text=gettext_lazy("The 16-digit number on your e-KTP. We look up your family card."),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    back = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, needs_nik: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.needs_nik = needs_nik

    def clean_parent_nik(self) -> str:
        value = str(self.cleaned_data.get("parent_nik") or "")
        if not self.needs_nik:
            return ""
        if not value.strip():
            raise ValidationError(_("Enter your NIK to look up your family card."))
        try:
            parse_nik(value, today=jakarta_today())
        except InvalidNIK as exc:
            raise ValidationError(NIK_ERRORS[exc.code]) from exc
        return normalise_nik(value)


class ChildChoiceForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    back = forms.CharField(required=False, widget=forms.HiddenInput)
    child = forms.TypedChoiceField(
        label=gettext_lazy("Which child is this application for?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Select the child.")},
    )

    def __init__(self, *args: object, children: list[dict[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["child"].choices = [  # type: ignore[attr-defined]
            (index, _child_label(child)) for index, child in enumerate(children)
        ]


def _child_label(child: dict[str, str]) -> str:
    born = formats.date_format(dt.date.fromisoformat(child["date_of_birth"]), "j F Y")
    return _("%(name)s, born %(date)s") % {"name": child["full_name"], "date": born}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _back(application: Application, key: str) -> HttpResponse:
    if key in QUESTIONS_BY_KEY:
        return redirect("applications:question", application.number, key)
    return redirect("applications:continue", application.number)


@login_required
@require_POST
def fill_from_family_card(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    application = get_own_application(user, number)
    if not family_card.offers_family_card(application):
        return redirect("applications:continue", application.number)
    if "token" in request.POST:
        return _choose(request, application, user)
    form = FamilyLookupForm(request.POST, needs_nik=not user.nik)
    back = str(request.POST.get("back", ""))
    if not form.is_valid():
        for error in form.errors.get("parent_nik", []):
            messages.error(request, str(error))
        return _back(application, back)
    parent_nik = form.cleaned_data["parent_nik"] or str(user.nik)
    children = family_card.look_up_children(application, parent_nik, user, jakarta_today())
    if children is None:
        messages.warning(
            request,
            _(
                "The population registry is not answering at the moment. Enter the child's "
                "details yourself; nothing you have entered is lost."
            ),
        )
        return _back(application, back)
    if not children:
        messages.info(
            request,
            _(
                "We found no children under 17 on that family card. Enter the child's "
                "details yourself."
            ),
        )
        return _back(application, back)
    token = family_card.pack(children)
    choice = ChildChoiceForm(
        initial={"token": token, "back": back}, children=family_card.unpack(token) or []
    )
    return render(
        request, "applications/family_card.html", {"application": application, "form": choice}
    )


def _choose(request: HttpRequest, application: Application, user: User) -> HttpResponse:
    back = str(request.POST.get("back", ""))
    children = family_card.unpack(str(request.POST.get("token", "")))
    if children is None:
        messages.error(request, _("The list of children has expired. Look it up again."))
        return _back(application, back)
    form = ChildChoiceForm(request.POST, children=children)
    if not form.is_valid():
        context = {"application": application, "form": form}
        return render(request, "applications/family_card.html", context, status=400)
    refused = family_card.do_fill_in_child(application, children[form.cleaned_data["child"]], user)
    if refused:
        messages.warning(
            request,
            _("Some details could not be filled in from the family card. Enter them yourself."),
        )
    else:
        messages.success(
            request,
            _("The child's name, date of birth, sex and NIK were filled in. Check them."),
        )
    return redirect("applications:continue", application.number)
