"""The office's day: kiosk check-in and walk-in tickets, the officer console, the display board.

Call-next is atomic across officers: it locks the office-day row (QueueDay) and moves the
chosen ticket from waiting to called with a conditional UPDATE, so two officers pressing at
the same instant get two different tickets. The priority lane (Layanan Ramah HAM) has its own
daily quota (the priority pool) and is interleaved: after ``priority_interleave`` regular
calls, a waiting priority ticket goes next; regular tickets go when none is due, so neither
lane starves. Every transition writes a TicketEvent with its time, actor and counter.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from imigrasi.accounts.models import User
from imigrasi.appointments.actions import (
    NO_ASSISTANCE,
    Assistance,
    BookingError,
    next_queue_number,
    record,
)
from imigrasi.appointments.models import (
    Booking,
    BookingStatus,
    Counter,
    Lane,
    OfficeService,
    Pool,
    PriorityReason,
    QueueDay,
    Slot,
    Ticket,
    TicketEvent,
    TicketOrigin,
    TicketStatus,
)
from imigrasi.appointments.schedule import day_plan, ensure_slots, policy_for
from imigrasi.appointments.signals import ticket_served
from imigrasi.catalog.models import Office, Service
from imigrasi.lib.background import enqueue_on_commit

# A booked person arriving more than this long after their slot ended queues as if walking in.
LATE_GRACE = dt.timedelta(minutes=30)
KIOSK_PREFIX = "IMD-BOOKING:"


def local_today(office: Office) -> dt.date:
    return timezone.now().astimezone(office.zone).date()


def _event(
    ticket: Ticket,
    kind: str,
    actor: User | None = None,
    label: str = "",
    counter: Counter | None = None,
    **details: Any,
) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        office_id=ticket.office_id,
        kind=kind,
        actor=actor,
        actor_label=label or ("" if actor else "system"),
        counter_code=counter.code if counter else "",
        details=details,
    )


# --- the kiosk -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KioskDay:
    open: bool
    reason: str
    walk_in_left: int
    priority_left: int


def _pool_left(office: Office, day: dt.date, pool: str) -> int:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)
    rows = Slot.objects.filter(
        office=office, pool=pool, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
    )
    return sum(max(0, s.capacity - s.taken) for s in rows)


def kiosk_day(office: Office) -> KioskDay:
    """Whether the kiosk can issue tickets now, and how many walk-in places remain today."""
    today = local_today(office)
    plan = day_plan(office, today)
    if plan.closed_reason or not plan.windows:
        return KioskDay(False, plan.closed_reason or "", 0, 0)
    closes = dt.datetime.combine(today, plan.windows[-1][1], tzinfo=office.zone)
    if timezone.now() >= closes:
        return KioskDay(False, "", 0, 0)
    ensure_slots(office, today)
    return KioskDay(
        True,
        "",
        _pool_left(office, today, Pool.ACCELERATION),
        _pool_left(office, today, Pool.PRIORITY),
    )


def normalise_code(raw: str) -> str:
    """What a person types or the scanner sends ("IMD-BOOKING:7KQ2MX4P", " 7kq2 mx4p ")."""
    text = (raw or "").strip().upper()
    text = text.removeprefix(KIOSK_PREFIX)
    return "".join(ch for ch in text if ch.isalnum())


def check_in(
    office: Office, raw_code: str, *, label: str = "kiosk", actor: User | None = None
) -> Ticket:
    """Turn today's booking into a ticket (its booked queue number, ahead of later walk-ins)."""
    code = normalise_code(raw_code)
    booking = (
        Booking.objects.select_related("slot", "office", "service").filter(code=code).first()
        if code
        else None
    )
    if booking is None:
        raise BookingError("unknown_code")
    if booking.office_id != office.pk:
        raise BookingError("wrong_office", office=booking.office.name)
    existing = Ticket.objects.filter(booking=booking).first()
    if existing is not None:
        return existing  # scanning twice shows the same ticket
    if booking.status != BookingStatus.CONFIRMED:
        raise BookingError("booking_not_active")
    local_start = booking.slot.starts_at.astimezone(office.zone)
    today = local_today(office)
    if local_start.date() != today:
        raise BookingError("wrong_day", date=local_start.date())
    now = timezone.now()
    late = now > booking.slot.ends_at + LATE_GRACE
    try:
        with transaction.atomic():
            changed = Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
                status=BookingStatus.CHECKED_IN, checked_in_at=now
            )
            if not changed:
                raise BookingError("booking_not_active")
            ticket = Ticket.objects.create(
                office=office,
                date=today,
                number=booking.queue_number,
                route_prefix=booking.queue_number.split("-")[0],
                service=booking.service,
                booking=booking,
                origin=TicketOrigin.BOOKED,
                lane=Lane.REGULAR,
                due_at=now if late else booking.slot.starts_at,
                needs_wheelchair=booking.needs_wheelchair,
                needs_sign_language=booking.needs_sign_language,
                brings_companion=booking.brings_companion,
                issued_at=now,
            )
            _event(ticket, "checked_in", actor, label, late=late)
            record(booking, "checked_in", actor, label)
    except (IntegrityError, BookingError):
        # A second kiosk scanning the same code at the same instant waits for the first one's
        # update, then finds the booking checked in: show it the ticket the first one made.
        found = Ticket.objects.filter(booking=booking).first()
        if found is None:
            raise
        return found
    return ticket


def walk_in_services(office: Office) -> list[OfficeService]:
    return list(
        OfficeService.objects.select_related("service")
        .filter(office=office, is_available=True, service__is_active=True)
        .order_by("queue_prefix", "service__name_id")
    )


def _take_walk_in_place(office: Office, day: dt.date, pool: str) -> Slot:
    """A place from today's walk-in quota: the earliest slot of the pool still free (the
    same conditional UPDATE as online booking, so the daily quota cannot be exceeded)."""
    now = timezone.now()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)
    candidates = Slot.objects.filter(
        office=office,
        pool=pool,
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=1),
        taken__lt=F("capacity"),
    ).order_by(  # current and later slots first, then earlier unused ones
        Case(When(ends_at__lte=now, then=Value(1)), default=Value(0)), "starts_at"
    )
    # Look again while free slots remain: in a rush, others may fill every slot of one look-up
    # before this kiosk's turn, and the day's quota is only full when none is left.
    while slots := list(candidates[:20]):
        for slot in slots:
            if Slot.objects.filter(pk=slot.pk, taken__lt=F("capacity")).update(
                taken=F("taken") + 1
            ):
                return slot
    raise BookingError("walk_in_quota_full")


def issue_walk_in(
    office: Office,
    service: Service,
    *,
    priority_reason: str = "",
    assistance: Assistance = NO_ASSISTANCE,
    label: str = "kiosk",
    actor: User | None = None,
) -> Ticket:
    """A same-day ticket; the priority lane (Ramah HAM) draws on its own quota."""
    offered = OfficeService.objects.filter(
        office=office, service=service, is_available=True
    ).first()
    if offered is None:
        raise BookingError("office_does_not_serve")
    if priority_reason and priority_reason not in PriorityReason.values:
        raise BookingError("priority_reason_invalid")
    day_state = kiosk_day(office)
    if not day_state.open:
        raise BookingError("office_closed_now", reason=day_state.reason)
    lane = Lane.PRIORITY if priority_reason else Lane.REGULAR
    pool = Pool.PRIORITY if priority_reason else Pool.ACCELERATION
    today = local_today(office)
    now = timezone.now()
    with transaction.atomic():
        slot = _take_walk_in_place(office, today, pool)
        ticket = Ticket.objects.create(
            office=office,
            date=today,
            number=next_queue_number(office, today, offered.queue_prefix),
            route_prefix=offered.queue_prefix,
            service=service,
            origin=TicketOrigin.WALK_IN,
            lane=lane,
            priority_reason=priority_reason,
            due_at=now,
            walk_in_slot=slot,
            needs_wheelchair=assistance.wheelchair,
            needs_sign_language=assistance.sign_language,
            brings_companion=assistance.companion,
            issued_at=now,
        )
        _event(ticket, "issued", actor, label, lane=lane, reason=priority_reason)
    return ticket


# --- the officer console ---------------------------------------------------------------------


def _waiting_for(counter: Counter, day: dt.date) -> Any:
    prefixes = list(counter.prefixes)
    return Ticket.objects.filter(
        office_id=counter.office_id,
        date=day,
        status=TicketStatus.WAITING,
    ).filter(Q(target_counter=counter) | Q(target_counter__isnull=True, route_prefix__in=prefixes))


def current_ticket(counter: Counter) -> Ticket | None:
    return (
        Ticket.objects.filter(
            counter=counter,
            date=local_today(counter.office),
            status__in=[TicketStatus.CALLED, TicketStatus.SERVING],
        )
        .select_related("service", "booking")
        .first()
    )


def call_next(counter: Counter, officer: User) -> Ticket | None:
    """The next ticket for this counter, or None when nobody is waiting."""
    if not counter.is_active:
        raise BookingError("counter_inactive")
    office = counter.office
    day = local_today(office)
    policy = policy_for(office)
    with transaction.atomic():
        # A new day starts as if the interleave were just served: the first priority ticket
        # goes at once rather than behind the first regular calls.
        queue_day, _ = QueueDay.objects.get_or_create(
            office=office, date=day, defaults={"regular_since_priority": policy.priority_interleave}
        )
        queue_day = QueueDay.objects.select_for_update().get(pk=queue_day.pk)
        if current_ticket(counter) is not None:
            raise BookingError("counter_busy")
        waiting = _waiting_for(counter, day).order_by("due_at", "id")
        regular = waiting.filter(lane=Lane.REGULAR).first()
        # A counter outside the priority lane still calls a priority ticket transferred to it
        # by name: nobody else can call that ticket.
        priority = (
            waiting.filter(lane=Lane.PRIORITY)
            if counter.serves_priority
            else waiting.filter(lane=Lane.PRIORITY, target_counter=counter)
        ).first()
        if priority is not None and (
            regular is None or queue_day.regular_since_priority >= policy.priority_interleave
        ):
            chosen, since = priority, 0
        elif regular is not None:
            chosen, since = regular, queue_day.regular_since_priority + 1
        else:
            return None
        now = timezone.now()
        changed = Ticket.objects.filter(pk=chosen.pk, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED,
            counter=counter,
            called_at=now,
            call_count=F("call_count") + 1,
            target_counter=None,
        )
        if not changed:  # pragma: no cover - impossible while the day row is locked
            raise BookingError("try_again")
        QueueDay.objects.filter(pk=queue_day.pk).update(regular_since_priority=min(since, 32000))
        chosen.refresh_from_db()
        _event(chosen, "called", officer, counter=counter, lane=chosen.lane)
        from imigrasi.appointments import tasks

        enqueue_on_commit(tasks.notify_turn_near, office.pk, day.isoformat(), chosen.route_prefix)
    return chosen


def _own_ticket(ticket: Ticket, counter: Counter, allowed: tuple[str, ...]) -> None:
    if ticket.office_id != counter.office_id:
        raise BookingError("not_found")
    if ticket.status not in allowed or (ticket.counter_id and ticket.counter_id != counter.pk):
        raise BookingError("ticket_state_changed")


def _move(ticket: Ticket, allowed: tuple[str, ...], **changes: Any) -> None:
    if not Ticket.objects.filter(pk=ticket.pk, status__in=allowed).update(**changes):
        raise BookingError("ticket_state_changed")
    ticket.refresh_from_db()


def recall(ticket: Ticket, counter: Counter, officer: User) -> Ticket:
    _own_ticket(ticket, counter, (TicketStatus.CALLED,))
    with transaction.atomic():
        _move(ticket, (TicketStatus.CALLED,), call_count=F("call_count") + 1)
        _event(ticket, "recalled", officer, counter=counter, call=ticket.call_count)
    return ticket


def start_service(ticket: Ticket, counter: Counter, officer: User) -> Ticket:
    _own_ticket(ticket, counter, (TicketStatus.CALLED,))
    with transaction.atomic():
        _move(
            ticket, (TicketStatus.CALLED,), status=TicketStatus.SERVING, started_at=timezone.now()
        )
        _event(ticket, "started", officer, counter=counter)
    return ticket


def finish_service(ticket: Ticket, counter: Counter, officer: User) -> Ticket:
    _own_ticket(ticket, counter, (TicketStatus.SERVING, TicketStatus.CALLED))
    now = timezone.now()
    with transaction.atomic():
        _move(
            ticket,
            (TicketStatus.SERVING, TicketStatus.CALLED),
            status=TicketStatus.DONE,
            finished_at=now,
            started_at=ticket.started_at or now,
        )
        _event(ticket, "finished", officer, counter=counter)
        ticket_served.send(sender=Ticket, ticket=ticket)
        if ticket.booking_id:
            Booking.objects.filter(pk=ticket.booking_id).update(status=BookingStatus.COMPLETED)
            record(ticket.booking, "completed", officer)  # type: ignore[arg-type]
    return ticket


def mark_no_show(ticket: Ticket, counter: Counter, officer: User) -> Ticket:
    _own_ticket(ticket, counter, (TicketStatus.CALLED,))
    with transaction.atomic():
        _move(
            ticket, (TicketStatus.CALLED,), status=TicketStatus.NO_SHOW, finished_at=timezone.now()
        )
        _event(ticket, "no_show", officer, counter=counter, calls=ticket.call_count)
        if ticket.booking_id:
            Booking.objects.filter(pk=ticket.booking_id).update(status=BookingStatus.NO_SHOW)
            record(ticket.booking, "no_show", officer)  # type: ignore[arg-type]
    return ticket


def transfer(
    ticket: Ticket,
    counter: Counter,
    officer: User,
    *,
    to_prefix: str = "",
    to_counter: Counter | None = None,
) -> Ticket:
    """Send the person to another service's queue or to a named counter, keeping their
    place (their original due time), so they are not sent to the back of the line."""
    _own_ticket(ticket, counter, (TicketStatus.CALLED, TicketStatus.SERVING))
    if to_counter is not None and (
        to_counter.office_id != counter.office_id or not to_counter.is_active
    ):
        raise BookingError("not_found")
    if (
        to_prefix
        and not OfficeService.objects.filter(
            office_id=counter.office_id, queue_prefix=to_prefix
        ).exists()
    ):
        raise BookingError("not_found")
    if not to_prefix and to_counter is None:
        raise BookingError("transfer_target_required")
    with transaction.atomic():
        _move(
            ticket,
            (TicketStatus.CALLED, TicketStatus.SERVING),
            status=TicketStatus.WAITING,
            counter=None,
            route_prefix=to_prefix or ticket.route_prefix,
            target_counter=to_counter,
            called_at=None,
            started_at=None,
        )
        _event(
            ticket,
            "transferred",
            officer,
            counter=counter,
            to_prefix=to_prefix,
            to_counter=to_counter.code if to_counter else "",
        )
    return ticket


# --- waiting: position and estimate ----------------------------------------------------------


@dataclass(frozen=True)
class Position:
    ahead: int
    minutes: int | None  # None: being called or done
    near: bool


def service_rate_per_minute(office: Office, prefix: str, now: dt.datetime) -> float:
    """People called per minute for this queue over the last 30 minutes; before the day has
    enough data, the active counters serving it at the office's default minutes per person."""
    window = dt.timedelta(minutes=30)
    calls = TicketEvent.objects.filter(
        office=office, kind="called", at__gte=now - window, ticket__route_prefix=prefix
    ).count()
    if calls >= 3:
        return calls / window.total_seconds() * 60
    counters = sum(
        1 for c in Counter.objects.filter(office=office, is_active=True) if prefix in c.prefixes
    )
    return max(1, counters) / max(1, policy_for(office).default_service_minutes)


def position_of(ticket: Ticket) -> Position:
    if ticket.status != TicketStatus.WAITING:
        return Position(0, None, ticket.status == TicketStatus.CALLED)
    policy = policy_for(ticket.office)
    queue = Ticket.objects.filter(
        office_id=ticket.office_id,
        date=ticket.date,
        status=TicketStatus.WAITING,
        route_prefix=ticket.route_prefix,
    )
    before = Q(due_at__lt=ticket.due_at) | Q(due_at=ticket.due_at, id__lt=ticket.pk)
    same_lane_ahead = queue.filter(before, lane=ticket.lane).count()
    other = queue.exclude(lane=ticket.lane)
    interleave = max(1, policy.priority_interleave)
    if ticket.lane == Lane.REGULAR:
        other_ahead = min(other.count(), math.ceil(same_lane_ahead / interleave))
    else:
        other_ahead = min(other.filter(before).count(), same_lane_ahead * interleave)
    ahead = same_lane_ahead + other_ahead
    rate = service_rate_per_minute(ticket.office, ticket.route_prefix, timezone.now())
    minutes = math.ceil(ahead / rate) if ahead else 0
    return Position(ahead, minutes, ahead <= policy.turn_near_at)


def tickets_near_their_turn(office: Office, day: dt.date, prefix: str) -> list[Ticket]:
    """Booked tickets now within ``turn_near_at`` of being called and not yet told."""
    policy = policy_for(office)
    waiting = list(
        Ticket.objects.filter(
            office=office, date=day, status=TicketStatus.WAITING, route_prefix=prefix
        )
        .select_related("office")
        .order_by("due_at", "id")[: policy.turn_near_at + 3]
    )
    return [t for t in waiting if t.near_notified_at is None and position_of(t).near]


# --- the display board -----------------------------------------------------------------------


def board_state(office: Office, recent: int = 8) -> dict[str, Any]:
    """What the public display shows: each counter's current call, the latest calls (with
    event ids so the board knows what to announce), and waiting counts. No personal data."""
    day = local_today(office)
    counters = list(Counter.objects.filter(office=office, is_active=True).order_by("code"))
    current = {
        t.counter_id: t
        for t in Ticket.objects.filter(
            office=office, date=day, status__in=[TicketStatus.CALLED, TicketStatus.SERVING]
        )
    }
    start = dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)
    calls = list(
        TicketEvent.objects.filter(office=office, kind__in=["called", "recalled"], at__gte=start)
        .select_related("ticket")
        .order_by("-id")[:recent]
    )
    waiting: dict[str, int] = {}
    for prefix in Ticket.objects.filter(
        office=office, date=day, status=TicketStatus.WAITING
    ).values_list("route_prefix", flat=True):
        waiting[prefix] = waiting.get(prefix, 0) + 1
    return {
        "office": office.code,
        "date": day.isoformat(),
        "counters": [
            {
                "code": c.code,
                "number": current[c.pk].number if c.pk in current else "",
                "priority": bool(c.pk in current and current[c.pk].lane == Lane.PRIORITY),
            }
            for c in counters
        ],
        "calls": [
            {
                "id": e.pk,
                "number": e.ticket.number,
                "counter": e.counter_code,
                "priority": e.ticket.lane == Lane.PRIORITY,
                "at": e.at.astimezone(office.zone).strftime("%H:%M"),
            }
            for e in calls
        ],
        "waiting": waiting,
    }
