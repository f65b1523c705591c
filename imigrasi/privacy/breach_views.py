"""Breach incidents under /staff/privasi/insiden/: the data protection officer's workflow.

Who: the data protection officer reads and acts. Administrators may read the list and each
incident (oversight of a duty the law puts on the controller) but not act: the notices are the
DPO's statutory task (UU PDP Art. 53–54), and separating who administers accounts from who
speaks to people and to the PDP institution keeps one compromised account from doing both.
Other roles get 403 from the role check, as in every staff area. Incident pages show no personal
data: a listed scope shows how many addresses, never the addresses.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from imigrasi.accounts.access import role_required
from imigrasi.accounts.models import Role, User
from imigrasi.privacy import breach
from imigrasi.privacy.breach import BreachError, CloseOutcome
from imigrasi.privacy.breach_forms import (
    AssessmentForm,
    AuthorityNoticeForm,
    CloseForm,
    IncidentForm,
    NotifyForm,
)
from imigrasi.privacy.models import BreachIncident, BreachScope, BreachStatus, DataCategory

READ_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.ADMIN})
ACT_ROLES = frozenset({Role.PRIVACY_OFFICER})
CLOSED_LIMIT = 100

read_required = role_required(READ_ROLES)
act_required = role_required(ACT_ROLES)

TIMELINE_LABELS = {
    "privacy.breach_opened": gettext_lazy("Incident recorded"),
    "privacy.breach_assessed": gettext_lazy("Assessment updated"),
    "privacy.breach_authority_notified": gettext_lazy("Notice to the PDP institution recorded"),
    "privacy.breach_notice_requested": gettext_lazy("Notices to affected people requested"),
    "privacy.breach_subjects_notified": gettext_lazy("Notices to affected people sent"),
    "privacy.breach_closed": gettext_lazy("Incident closed"),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def message_for(error: BreachError) -> str:
    return {
        "not_allowed": _("Only the data protection officer can do that."),
        "closed": _("This incident is closed."),
        "busy": _("The incident could not be numbered. Try again."),
        "future": _("The time cannot be in the future."),
        "occurred_after_discovery": _("It must have started before it was discovered."),
        "period_reversed": _("The end must be after the start."),
        "notice_before_discovery": _("The notice cannot be sent before the breach was discovered."),
        "assessment_incomplete": _(
            "Complete the assessment first: the data concerned, what happened, whose data,"
            " and what was done and should be done."
        ),
        "nobody_in_scope": _("No account matches the scope of this incident."),
        "everyone_notified": _("Everyone in scope has already been sent this notice."),
        "notices_missing": _(
            "Both notices must be given first: to the PDP institution and to the people affected."
        ),
    }.get(error.code, _("You cannot do that."))


def get_incident_for_user(
    user: User, public_id: uuid.UUID, *, write: bool = False
) -> BreachIncident:
    roles = ACT_ROLES if write else READ_ROLES
    incident = (
        BreachIncident.objects.select_related("scope_office", "created_by")
        .filter(public_id=public_id)
        .first()
    )
    if incident is None or user.role not in roles:
        raise Http404
    return incident


def _row(incident: BreachIncident) -> dict[str, Any]:
    return {"incident": incident, "clock": breach.clock(incident)}


@require_GET
@read_required
def incident_list(request: HttpRequest) -> HttpResponse:
    closed = Q(status=BreachStatus.CLOSED)
    # The deadline is discovery + 72 h: ordering by discovery orders by deadline.
    open_incidents = BreachIncident.objects.exclude(closed).order_by("discovered_at", "id")
    closed_incidents = BreachIncident.objects.filter(closed).order_by("-discovered_at", "-id")
    return render(
        request,
        "privacy/breach_list.html",
        {
            "open_rows": [_row(i) for i in open_incidents],
            "closed_rows": [_row(i) for i in closed_incidents[:CLOSED_LIMIT]],
            "can_act": _user(request).role in ACT_ROLES,
        },
    )


@require_http_methods(["GET", "POST"])
@act_required
def incident_new(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = breach.do_open_incident(_user(request), form.cleaned_data)
        except BreachError as error:
            form.add_error(None, message_for(error))
        else:
            messages.success(
                request,
                _("Incident %(reference)s is recorded. The 3 × 24-hour clock is running.")
                % {"reference": incident.reference},
            )
            return redirect("staff:privacy_staff:incident", incident.public_id)
    status = 400 if form.is_bound else 200
    return render(request, "privacy/breach_new.html", {"form": form}, status=status)


def _timeline(incident: BreachIncident) -> list[dict[str, Any]]:
    entries = list(breach.timeline(incident))
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    names = {u.pk: u.get_full_name() for u in User.objects.filter(pk__in=actor_ids)}
    rows = []
    for entry in entries:
        after = entry.after or {}
        detail = ""
        if entry.action == "privacy.breach_subjects_notified":
            detail = _("%(sent)s emailed, %(failed)s failed, %(total)s told in all") % {
                "sent": after.get("sent", 0),
                "failed": after.get("failed", 0),
                "total": after.get("total", 0),
            }
        elif entry.action == "privacy.breach_notice_requested":
            detail = _("%(count)s accounts") % {"count": after.get("accounts", 0)}
        elif entry.action == "privacy.breach_closed":
            outcome = after.get("outcome", "")
            detail = str(CloseOutcome(outcome).label) if outcome in CloseOutcome.values else ""
        elif entry.action == "privacy.breach_authority_notified":
            detail = str(after.get("reference", ""))
        rows.append(
            {
                "entry": entry,
                "label": TIMELINE_LABELS.get(entry.action, entry.action),
                "who": names.get(entry.actor_id or 0)
                or (_("Background task") if entry.actor_label.startswith("task:") else "–"),
                "detail": detail,
            }
        )
    return rows


@require_GET
@read_required
def incident_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    me = _user(request)
    incident = get_incident_for_user(me, public_id)
    is_open = incident.status != BreachStatus.CLOSED
    can_act = me.role in ACT_ROLES and is_open
    return render(
        request,
        "privacy/breach_detail.html",
        {
            "incident": incident,
            "clock": breach.clock(incident),
            "categories": [DataCategory(c).label for c in incident.data_categories],
            "listed_count": len(breach.listed_emails(incident.scope_emails)),
            "is_listed": incident.scope == BreachScope.LISTED,
            "missing": breach.missing_assessment(incident),
            "timeline": _timeline(incident),
            "can_act": can_act,
        },
    )


def _back_to_closed(request: HttpRequest, incident: BreachIncident) -> HttpResponse:
    """A closed incident is not changed: say so on its page."""
    messages.error(request, message_for(BreachError("closed")))
    return redirect("staff:privacy_staff:incident", incident.public_id)


@require_http_methods(["GET", "POST"])
@act_required
def incident_assess(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    me = _user(request)
    incident = get_incident_for_user(me, public_id, write=True)
    if incident.status == BreachStatus.CLOSED:
        return _back_to_closed(request, incident)
    initial = {
        "what_happened": incident.what_happened,
        "occurred_from": incident.occurred_from,
        "occurred_until": incident.occurred_until,
        "data_categories": incident.data_categories,
        "scope": incident.scope or None,
        "scope_office": incident.scope_office,
        "estimated_subjects": incident.estimated_subjects,
        "remediation": incident.remediation,
    }
    form = AssessmentForm(
        request.POST if request.method == "POST" else None, initial=initial, incident=incident
    )
    if request.method == "POST" and form.is_valid():
        try:
            breach.do_update_incident(incident, me, form.cleaned_data)
        except BreachError as error:
            form.add_error(None, message_for(error))
        else:
            messages.success(request, _("The assessment is saved."))
            return redirect("staff:privacy_staff:incident", incident.public_id)
    return render(
        request,
        "privacy/breach_assess.html",
        {"form": form, "incident": incident},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@act_required
def incident_authority(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    me = _user(request)
    incident = get_incident_for_user(me, public_id, write=True)
    if incident.status == BreachStatus.CLOSED:
        return _back_to_closed(request, incident)
    initial = {
        "notified_at": incident.authority_notified_at,
        "reference": incident.authority_reference,
    }
    form = AuthorityNoticeForm(
        request.POST if request.method == "POST" else None, initial=initial, incident=incident
    )
    if request.method == "POST" and form.is_valid():
        try:
            breach.do_record_authority_notice(
                incident, me, form.cleaned_data["notified_at"], form.cleaned_data["reference"]
            )
        except BreachError as error:
            form.add_error(None, message_for(error))
        else:
            messages.success(request, _("The notice to the PDP institution is recorded."))
            return redirect("staff:privacy_staff:incident", incident.public_id)
    return render(
        request,
        "privacy/breach_authority.html",
        {"form": form, "incident": incident, "clock": breach.clock(incident)},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@act_required
def incident_notify(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A confirmation page with the number of accounts to be emailed, then the POST."""
    me = _user(request)
    incident = get_incident_for_user(me, public_id, write=True)
    problem = ""
    if incident.status == BreachStatus.CLOSED:
        problem = message_for(BreachError("closed"))
    elif breach.missing_assessment(incident):
        problem = message_for(BreachError("assessment_incomplete"))
    pending = breach.pending_accounts(incident).count() if not problem else 0
    told = breach.notified_account_ids(incident).count()
    if not problem and not pending:
        problem = message_for(BreachError("everyone_notified" if told else "nobody_in_scope"))
    if problem:
        messages.error(request, problem)
        return redirect("staff:privacy_staff:incident", incident.public_id)
    form = NotifyForm(
        request.POST if request.method == "POST" else None, initial={"accounts": pending}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["accounts"] == pending:
            try:
                queued = breach.do_notify_subjects(incident, me)
            except BreachError as error:
                messages.error(request, message_for(error))
            else:
                messages.success(
                    request,
                    _("The notice is being sent to %(count)s accounts.") % {"count": queued},
                )
            return redirect("staff:privacy_staff:incident", incident.public_id)
        # Someone changed the scope meanwhile (or the form was tampered with): ask again.
        form = NotifyForm(initial={"accounts": pending})
        messages.error(
            request,
            _("The number of accounts has changed since you looked. Check it and confirm again."),
        )
        status = 409
    return render(
        request,
        "privacy/breach_notify.html",
        {
            "form": form,
            "incident": incident,
            "pending": pending,
            "told": told,
            "categories": [DataCategory(c).label for c in incident.data_categories],
            "clock": breach.clock(incident),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@act_required
def incident_close(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    me = _user(request)
    incident = get_incident_for_user(me, public_id, write=True)
    if incident.status == BreachStatus.CLOSED:
        return _back_to_closed(request, incident)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            breach.do_close_incident(incident, me, form.cleaned_data["outcome"])
        except BreachError as error:
            form.add_error("outcome", message_for(error))
        else:
            messages.success(request, _("The incident is closed."))
            return redirect("staff:privacy_staff:incident", incident.public_id)
    return render(
        request,
        "privacy/breach_close.html",
        {"form": form, "incident": incident, "clock": breach.clock(incident)},
        status=400 if form.is_bound else 200,
    )
