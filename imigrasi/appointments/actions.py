"""Booking writes: hold, confirm, book in one step, cancel, reschedule, waitlist.

The booking path is one short transaction: take a place with a conditional UPDATE (only when
that fails, release the slot's expired holds and try once more), draw the day's queue number,
insert the booking (the partial unique index refuses a second active booking for the same
person and service) and its event. Everything slow (email, PDF) happens after commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from imigrasi.accounts.models import User
from imigrasi.applications.models import Application, Person
from imigrasi.applications.workflow import Status
from imigrasi.appointments import config, sold_out
from imigrasi.appointments.models import (
    ACTIVE_BOOKING,
    Booking,
    BookingEvent,
    BookingStatus,
    OfficeService,
    Pool,
    QueueCounter,
    Slot,
    WaitlistEntry,
)
from imigrasi.appointments.schedule import policy_for
from imigrasi.catalog.models import Office, Service
from imigrasi.lib.background import enqueue_on_commit
from imigrasi.lib.lean_query import LeanInsert, LeanQuery, LeanUpdate

# No 0/O, 1/I/L: booking codes are read aloud and typed at the kiosk.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class BookingError(Exception):
    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Assistance:
    wheelchair: bool = False
    sign_language: bool = False
    companion: bool = False


NO_ASSISTANCE = Assistance()


def new_booking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def identity_of(person: Person) -> str:
    """The blind index that identifies the person across accounts (NIK, else passport)."""
    identity = person.nik_index or person.passport_index
    if not identity:
        raise BookingError("identity_required")
    return identity


# --- "this slot is full" remembered for a moment ---------------------------------------------
# When a slot sells out, thousands of requests for it follow within seconds. Each process
# remembers the sell-out briefly and answers at once; a cancellation in this process forgets
# it, and in other processes it lapses after BOOKING_SOLD_OUT_MEMO_SECONDS. Correctness does
# not depend on it: a stale "full" only delays a freed place by that long.
_sold_out: dict[int, float] = {}
_sold_out_lock = threading.Lock()


def _remember_full(slot_id: int) -> None:
    with _sold_out_lock:
        _sold_out[slot_id] = time.monotonic()


def known_full(slot_id: int) -> bool:
    seen = _sold_out.get(slot_id)
    return seen is not None and time.monotonic() - seen < settings.BOOKING_SOLD_OUT_MEMO_SECONDS


def forget_full(slot_id: int) -> None:
    with _sold_out_lock:
        _sold_out.pop(slot_id, None)
    sold_out.forget(slot_id)


def record(
    booking: Booking, kind: str, actor: User | None = None, label: str = "", **details: Any
) -> None:
    _new_event.create(
        booking=booking,
        kind=kind,
        actor=actor,
        actor_label=label or ("" if actor else "system"),
        details=details,
    )


def check_office_serves(office: Office, service: Service) -> OfficeService:
    offered = config.offered(office.pk, service.pk)
    if offered is None:
        raise BookingError("office_does_not_serve")
    if not offered.is_available:
        raise BookingError("service_unavailable_here", reason=offered.unavailable_reason_id)
    return offered


def _release_expired_holds(slot_id: int, now: dt.datetime) -> int:
    expired_ids = list(
        Booking.objects.filter(
            slot_id=slot_id, status=BookingStatus.HELD, hold_expires_at__lt=now
        ).values_list("pk", flat=True)
    )
    released = Booking.objects.filter(pk__in=expired_ids, status=BookingStatus.HELD).update(
        status=BookingStatus.EXPIRED
    )
    if released:
        Slot.objects.filter(pk=slot_id).update(taken=F("taken") - released)
        BookingEvent.objects.bulk_create(
            BookingEvent(booking_id=pk, kind="expired", actor_label="system") for pk in expired_ids
        )
    return released


def take_place(slot: Slot, now: dt.datetime) -> None:
    """One place in the slot, or BookingError("slot_full"). The conditional UPDATE and the
    CHECK constraint make overbooking impossible whatever runs concurrently."""
    if _take_one.run([1, slot.pk]):
        return
    if _release_expired_holds(slot.pk, now) and _take_one.run([1, slot.pk]):
        return
    _remember_full(slot.pk)
    raise BookingError("slot_full")


# The statements every booking runs, compiled once (lib.lean_query): on the rush path,
# compiling them cost more CPU than executing them. Parameters in SQL order.
_take_one = LeanUpdate(
    lambda: (
        Slot.objects.filter(pk=0, taken__lt=F("capacity")),
        {"taken": F("taken") + 1},
    )
)
_new_booking = LeanInsert(Booking)
_new_event = LeanInsert(BookingEvent)


def _free_place(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, taken__gt=0).update(taken=F("taken") - 1)
    forget_full(slot_id)


def next_queue_number(office: Office, day: dt.date, prefix: str) -> str:
    """A-001, A-002… per office, day and prefix: one upsert on a locked row, so no two
    people ever share a number (the counter row is created on the day's first number)."""
    table = connection.ops.quote_name(QueueCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (office_id, date, prefix, {connection.ops.quote_name('last')})"  # noqa: S608
            f" VALUES (%s, %s, %s, 1) ON CONFLICT (office_id, date, prefix) DO UPDATE SET"
            f" {connection.ops.quote_name('last')} = {table}.{connection.ops.quote_name('last')}"
            f" + 1 RETURNING {connection.ops.quote_name('last')}",
            [office.pk, day, prefix],
        )
        (number,) = cursor.fetchone()
    return f"{prefix}-{number:03d}"


def _validate(
    account: User, person: Person, service: Service, slot: Slot, application: Application | None
) -> OfficeService:
    if person.account_id != account.pk:
        raise BookingError("not_found")
    if application is not None:
        if application.account_id != account.pk or application.person_id != person.pk:
            raise BookingError("not_found")
        if application.service_id != service.pk:
            raise BookingError("wrong_service")
        # The visit is the step after payment and the document check (workflow.Status).
        if application.status != Status.AWAITING_VISIT:
            raise BookingError("application_not_ready")
    if not service.requires_visit:
        raise BookingError("no_visit_needed")
    if slot.pool != Pool.ONLINE:
        raise BookingError("pool_not_bookable")
    office = slot.office
    offered = check_office_serves(office, service)
    reason = config.closed_reason(office, slot.starts_at.astimezone(office.zone).date())
    if reason:
        raise BookingError("day_not_bookable", reason=reason)
    if slot.starts_at <= timezone.now():
        raise BookingError("day_not_bookable")
    return offered


def _expire_own_stale_hold(identity: str, service: Service, now: dt.datetime) -> bool:
    """A hold the person abandoned still counts as active until released: release it."""
    stale = Booking.objects.filter(
        identity_index=identity,
        service=service,
        status=BookingStatus.HELD,
        hold_expires_at__lt=now,
    ).first()
    if stale is None:
        return False
    if Booking.objects.filter(pk=stale.pk, status=BookingStatus.HELD).update(
        status=BookingStatus.EXPIRED
    ):
        _free_place(stale.slot_id)
        record(stale, "expired")
    return True


class _AlreadyBooked(Exception):
    """The booking row was refused by a uniqueness rule (raised inside the transaction, so
    the transaction is rolled back before the caller decides what it means)."""


def _insert(
    *,
    account: User,
    person: Person,
    identity: str,
    service: Service,
    slot: Slot,
    application: Application | None,
    assistance: Assistance,
    status: str,
    queue_number: str = "",
    idempotency_key: str | None = None,
    hold_until: dt.datetime | None = None,
) -> Booking:
    now = timezone.now()
    try:
        return _new_booking.create(
            code=new_booking_code(),
            account=account,
            person=person,
            identity_index=identity,
            service=service,
            application=application,
            office=slot.office,
            slot=slot,
            status=status,
            hold_expires_at=hold_until,
            idempotency_key=idempotency_key,
            queue_number=queue_number,
            needs_wheelchair=assistance.wheelchair,
            needs_sign_language=assistance.sign_language,
            brings_companion=assistance.companion,
            created_at=now,
            confirmed_at=now if status == BookingStatus.CONFIRMED else None,
        )
    except IntegrityError as exc:
        # A uniqueness rule: this person's active booking for the service, this account's
        # idempotency key (or, about once in 10^11, a booking code drawn twice). Integrity
        # errors elsewhere in the transaction are bugs and are not reported as "booked".
        raise _AlreadyBooked from exc


def do_hold(
    account: User,
    person: Person,
    service: Service,
    slot: Slot,
    *,
    application: Application | None = None,
    assistance: Assistance = NO_ASSISTANCE,
) -> Booking:
    """Keep a place for a few minutes while the person confirms (the web flow).

    Choosing another slot while holding one gives the first back.
    """
    _validate(account, person, service, slot, application)
    identity = identity_of(person)
    if known_full(slot.pk):
        raise BookingError("slot_full")
    now = timezone.now()
    for attempt in range(2):
        try:
            with transaction.atomic():
                own_holds = list(
                    Booking.objects.select_for_update().filter(
                        identity_index=identity,
                        service=service,
                        status=BookingStatus.HELD,
                        account=account,
                    )
                )
                take_place(slot, now)
                for held in own_holds:
                    Booking.objects.filter(pk=held.pk).update(
                        status=BookingStatus.CANCELLED, cancelled_at=now
                    )
                    _free_place(held.slot_id)
                    record(held, "cancelled", account, reason="another slot chosen")
                booking = _insert(
                    account=account,
                    person=person,
                    identity=identity,
                    service=service,
                    slot=slot,
                    application=application,
                    assistance=assistance,
                    status=BookingStatus.HELD,
                    hold_until=now + dt.timedelta(minutes=policy_for(slot.office).hold_minutes),
                )
                record(booking, "held", account)
            return booking
        except _AlreadyBooked as exc:
            if attempt == 0 and _expire_own_stale_hold(identity, service, now):
                continue
            raise BookingError("already_booked") from exc
    raise BookingError("try_again")  # pragma: no cover - the loop always returns or raises


def do_confirm(booking: Booking, actor: User) -> Booking:
    """Confirm a hold; confirming twice is the same confirmation."""
    if booking.account_id != actor.pk:
        raise BookingError("not_found")
    if booking.status == BookingStatus.CONFIRMED:
        return booking
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status == BookingStatus.CONFIRMED:
            return locked
        if locked.status != BookingStatus.HELD or (
            locked.hold_expires_at is not None and locked.hold_expires_at < timezone.now()
        ):
            raise BookingError("hold_expired")
        offered = OfficeService.objects.get(
            office_id=locked.office_id, service_id=locked.service_id
        )
        slot = Slot.objects.select_related("office").get(pk=locked.slot_id)
        locked.queue_number = next_queue_number(
            slot.office, slot.starts_at.astimezone(slot.office.zone).date(), offered.queue_prefix
        )
        locked.status = BookingStatus.CONFIRMED
        locked.confirmed_at = timezone.now()
        locked.hold_expires_at = None
        locked.save(update_fields=["queue_number", "status", "confirmed_at", "hold_expires_at"])
        record(locked, "confirmed", actor)
        _after_confirmation(locked)
    return locked


def _after_confirmation(booking: Booking) -> None:
    from imigrasi.appointments import tasks

    enqueue_on_commit(tasks.send_booking_confirmation, booking.pk)


def do_book(
    account: User,
    person: Person,
    service: Service,
    slot: Slot,
    *,
    idempotency_key: str,
    application: Application | None = None,
    assistance: Assistance = NO_ASSISTANCE,
    replay_checked: bool = False,
) -> tuple[Booking, bool]:
    """Take a place and confirm it in one transaction (the API's one-call booking).

    Returns (booking, created). Replaying the same idempotency key returns the first booking
    unchanged: a phone that lost the response and retries does not book twice.

    Ordered for the rush: the queue number is drawn first in its own statement (a refused
    attempt leaves a gap in the numbering, never a duplicate), the booking row is inserted
    next (a second booking for the same person fails here, before touching the slot), then its
    event and confirmation job, and the slot's row, which every applicant of this slot
    contends for, is updated last, so its lock is held only for that UPDATE and the commit.
    """
    if not replay_checked:
        existing = find_replay(account, idempotency_key)
        if existing is not None:
            return existing, False
    if known_full(slot.pk):
        raise BookingError("slot_full")
    offered = _validate(account, person, service, slot, application)
    identity = identity_of(person)
    now = timezone.now()
    day = slot.starts_at.astimezone(slot.office.zone).date()
    number = next_queue_number(slot.office, day, offered.queue_prefix)
    for attempt in range(2):
        try:
            with transaction.atomic():
                booking = _insert(
                    account=account,
                    person=person,
                    identity=identity,
                    service=service,
                    slot=slot,
                    application=application,
                    assistance=assistance,
                    status=BookingStatus.CONFIRMED,
                    idempotency_key=idempotency_key,
                    queue_number=number,
                )
                record(booking, "confirmed", account, one_step=True)
                _after_confirmation(booking)
                take_place(slot, now)
            return booking, True
        except _AlreadyBooked as exc:
            replay = find_replay(account, idempotency_key)
            if replay is not None:  # the same key, raced by a parallel retry
                return replay, False
            if attempt == 0 and _expire_own_stale_hold(identity, service, now):
                continue
            raise BookingError("already_booked") from exc
    raise BookingError("try_again")  # pragma: no cover


def find_replay(account: User, idempotency_key: str) -> Booking | None:
    """The booking an earlier request with this key made, if any (the key is per account)."""
    # Nearly every request carries a new key: ask the index first, load the booking only
    # for a real replay.
    found = _replay_lookup.first([account.pk, idempotency_key])
    if found is None:
        return None
    return Booking.objects.select_related("office", "slot", "service", "application").get(
        pk=found[0]
    )


# Every booking request asks this first: compiled once (lib.lean_query).
_replay_lookup = LeanQuery(
    lambda: (
        Booking.objects.filter(account_id=0, idempotency_key="").order_by().values_list("pk")[:1]
    )
)


def can_still_change(booking: Booking, now: dt.datetime | None = None) -> bool:
    """Reschedule and cancel are allowed until the configured number of days before."""
    policy = policy_for(booking.office)
    local_day = booking.slot.starts_at.astimezone(booking.office.zone).date()
    today = (now or timezone.now()).astimezone(booking.office.zone).date()
    return today <= local_day - dt.timedelta(days=policy.reschedule_until_days_before)


def do_cancel(
    booking: Booking, actor: User, *, reason: str = "", even_if_late: bool = False
) -> Booking:
    """``even_if_late``: the account is being closed; the place is freed whatever the day."""
    if booking.account_id != actor.pk:
        raise BookingError("not_found")
    late = booking.status == BookingStatus.CONFIRMED and not can_still_change(booking)
    if late and not even_if_late:
        raise BookingError("too_late_to_change")
    with transaction.atomic():
        changed = Booking.objects.filter(pk=booking.pk, status__in=ACTIVE_BOOKING).update(
            status=BookingStatus.CANCELLED, cancelled_at=timezone.now()
        )
        if not changed:
            raise BookingError("not_active")
        _free_place(booking.slot_id)
        record(booking, "cancelled", actor, reason=reason[:200])
        from imigrasi.appointments import tasks

        enqueue_on_commit(
            tasks.notify_waitlist,
            booking.office_id,
            booking.service_id,
            booking.slot.starts_at.astimezone(booking.office.zone).date().isoformat(),
        )
    booking.refresh_from_db()
    return booking


def do_reschedule(booking: Booking, new_slot: Slot, actor: User) -> Booking:
    """Move a confirmed booking until the cut-off; the new place is taken before the old one
    is given up, in one transaction, so a failed move leaves the booking as it was."""
    if booking.account_id != actor.pk:
        raise BookingError("not_found")
    if booking.status != BookingStatus.CONFIRMED:
        raise BookingError("not_active")
    if not can_still_change(booking):
        raise BookingError("too_late_to_change")
    if new_slot.pk == booking.slot_id:
        return booking
    offered = _validate(actor, booking.person, booking.service, new_slot, booking.application)
    old_slot = booking.slot
    old_day = old_slot.starts_at.astimezone(booking.office.zone).date()
    new_day = new_slot.starts_at.astimezone(new_slot.office.zone).date()
    with transaction.atomic():
        take_place(new_slot, timezone.now())
        number = booking.queue_number
        if new_day != old_day or new_slot.office_id != booking.office_id:
            number = next_queue_number(new_slot.office, new_day, offered.queue_prefix)
        changed = Booking.objects.filter(
            pk=booking.pk, status=BookingStatus.CONFIRMED, slot_id=old_slot.pk
        ).update(slot=new_slot, office=new_slot.office, queue_number=number)
        if not changed:
            raise BookingError("not_active")
        _free_place(old_slot.pk)
        record(
            booking,
            "rescheduled",
            actor,
            from_slot=old_slot.starts_at.isoformat(),
            to_slot=new_slot.starts_at.isoformat(),
            to_office=new_slot.office.code,
        )
        _after_confirmation(booking)
        from imigrasi.appointments import tasks

        enqueue_on_commit(
            tasks.notify_waitlist, booking.office_id, booking.service_id, old_day.isoformat()
        )
    booking.refresh_from_db()
    return booking


def do_join_waitlist(
    account: User, office: Office, service: Service, day: dt.date | None
) -> WaitlistEntry:
    check_office_serves(office, service)
    entry, _ = WaitlistEntry.objects.get_or_create(
        account=account, office=office, service=service, date=day
    )
    if entry.notified_at is not None:  # asking again after a notice: wait for the next one
        WaitlistEntry.objects.filter(pk=entry.pk).update(notified_at=None)
        entry.notified_at = None
    return entry
