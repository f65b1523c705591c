"""/survei/<token>/: the one-time survey; /ikm/: the published results (PermenPANRB 14/2017).

The survey needs no sign-in: the link is the key (it came by email or SMS, or from the status
or ticket page). A forged link is "not found", a spent one "already answered", an old one
"expired", each with a plain explanation. Answers are limited per address
(FEEDBACK_SUBMIT_RATE) and per link (FEEDBACK_LINK_RATE), so a script cannot hammer one
address's or one link's way through the form; the database keeps one answer per link anyway.
"""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from imigrasi.catalog.models import Office
from imigrasi.feedback import actions, ikm, queries
from imigrasi.feedback.forms import ELEMENTS, SurveyForm
from imigrasi.feedback.models import Invitation
from imigrasi.feedback.presentation import GRADE_LABELS, csv_rows, element_rows
from imigrasi.lib.ratelimit import allow, client_ip

PROBLEM_STATUS = {"unknown": 404, "used": 410, "expired": 410, "limited": 429}


def _private(response: HttpResponse) -> HttpResponse:
    """The link is a key: never cached, never sent to another site as a referrer, never indexed."""
    add_never_cache_headers(response)
    # "same-origin", not "no-referrer": with no-referrer browsers send "Origin: null" on the
    # form post, which the CSRF check refuses. Other sites never see the link either way.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _problem(request: HttpRequest, state: str, retry_after: int = 0) -> HttpResponse:
    response = render(
        request,
        "feedback/link_problem.html",
        {"state": state},
        status=PROBLEM_STATUS[state],
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return _private(response)


def _rate_limited(request: HttpRequest, invitation: Invitation) -> int:
    """Seconds to wait when this address or this link sent too many answers, else 0."""
    allowed, retry = allow(f"survey-ip:{client_ip(request)}", settings.FEEDBACK_SUBMIT_RATE)
    if not allowed:
        return retry
    allowed, retry = allow(f"survey-link:{invitation.pk}", settings.FEEDBACK_LINK_RATE)
    return 0 if allowed else retry


def _form(invitation: Invitation, data: Any = None) -> SurveyForm:
    form = SurveyForm(data)
    if invitation.account_id is None:
        del form.fields["anonymous"]  # nobody to link to: the answers are anonymous anyway
    return form


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    invitation = actions.find_invitation(token)
    if invitation is None:
        return _problem(request, "unknown")
    state = actions.state_of(invitation)
    if state != "open":
        return _problem(request, state)
    form = _form(invitation, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        retry = _rate_limited(request, invitation)
        if retry:
            return _problem(request, "limited", retry)
        if form.is_valid():
            anonymous = invitation.account_id is None or bool(form.cleaned_data.get("anonymous"))
            actor = request.user if request.user.is_authenticated else None
            try:
                actions.do_submit_response(
                    invitation, form.cleaned_data, anonymous=anonymous, actor=actor
                )
            except actions.SurveyError as exc:
                return _problem(request, exc.code)
            target = (
                reverse("feedback:thanks") + "?" + urlencode({"kantor": invitation.office.code})
            )
            return _private(redirect(target))
        status = 400
    context = {
        "form": form,
        "invitation": invitation,
        "questions": [form[f"u{element.number}"] for element in ELEMENTS],
    }
    return _private(render(request, "feedback/survey.html", context, status=status))


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    office = Office.objects.filter(code=request.GET.get("kantor", "")[:60]).first()
    return render(request, "feedback/thanks.html", {"office": office})


# --- published results -------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[ikm.Period, bool]:
    """The chosen period, or the default one; the flag says a bad choice was replaced."""
    text = request.GET.get("periode", "")
    if not text:
        return queries.default_period(), False
    try:
        period = ikm.Period.parse(text)
    except ValueError:
        return queries.default_period(), True
    if not 2017 <= period.year <= 9999:  # the regulation's first year
        return queries.default_period(), True
    return period, False


def _period_context(request: HttpRequest) -> dict[str, Any]:
    period, replaced = _period(request)
    return {
        "period": period,
        "period_replaced": replaced,
        "periods": queries.recent_periods(),
        "grade_labels": GRADE_LABELS,
    }


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    context = _period_context(request)
    context["rows"] = queries.offices_results(context["period"])
    return render(request, "feedback/results.html", context)


@require_GET
def office_results(request: HttpRequest, office: str) -> HttpResponse:
    place = get_object_or_404(Office, code=office)
    context = _period_context(request)
    figures = queries.office_results(place, context["period"])
    context.update(
        {
            "office": place,
            "figures": figures,
            "elements": element_rows(figures.result),
            "services": queries.service_results(place, context["period"]),
        }
    )
    return render(request, "feedback/office.html", context)


def _csv(name: str, rows: list[list[str]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerows(rows)
    return response


@require_GET
def results_csv(request: HttpRequest) -> HttpResponse:
    period, _replaced = _period(request)
    rows = csv_rows(period, queries.offices_results(period))
    return _csv(f"ikm-{period.code}.csv", rows)


@require_GET
def office_csv(request: HttpRequest, office: str) -> HttpResponse:
    place = Office.objects.filter(code=office).first()
    if place is None:
        raise Http404
    period, _replaced = _period(request)
    total = queries.office_results(place, period)
    rows = csv_rows(period, [total], services=queries.service_results(place, period), office=place)
    return _csv(f"ikm-{place.code}-{period.code}.csv", rows)
