"""/staff/integrasi/: what was sent to which agency, what is stuck, and the two actions a
person may take — replay a delivery, rotate an agency's signing secret. Reading is a GET over
our own tables only; both actions are POSTs and audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from imigrasi.accounts.access import role_required
from imigrasi.accounts.models import Role
from imigrasi.outbox.actions import do_replay, do_rotate_secret, secrets_in_force
from imigrasi.outbox.models import Delivery, DeliveryStatus, Subscriber

READERS = (Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)
PAGE = 100


@role_required(READERS)
def deliveries(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    role = getattr(request.user, "role", "")
    rows = Delivery.objects.select_related("event", "subscriber").order_by("-id")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    subscribers = [
        (subscriber, len(secrets_in_force(subscriber)))
        for subscriber in Subscriber.objects.order_by("name")
    ]
    return render(
        request,
        "outbox/deliveries.html",
        {
            "rows": rows[:PAGE],
            "status": status,
            "statuses": DeliveryStatus.choices,
            "subscribers": subscribers,
            "may_replay": role in (Role.SUPERVISOR, Role.ADMIN),
            "may_rotate": role == Role.ADMIN,
            "counts": {
                value: Delivery.objects.filter(status=value).count()
                for value in DeliveryStatus.values
            },
        },
    )


@require_POST
@role_required((Role.SUPERVISOR, Role.ADMIN))
def replay(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(
        Delivery.objects.select_related("event", "subscriber"), pk=delivery_id
    )
    do_replay(delivery, request.user)
    messages.success(request, _("The event will be sent again now."))
    return redirect("staff:outbox:deliveries")


@require_POST
@role_required((Role.ADMIN,))
def rotate(request: HttpRequest, code: str) -> HttpResponse:
    subscriber = get_object_or_404(Subscriber, code=code)
    secret = do_rotate_secret(subscriber, request.user)
    return render(
        request,
        "outbox/rotated.html",
        {"subscriber": subscriber, "secret": secret},
    )
