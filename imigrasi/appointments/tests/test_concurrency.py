"""Bookings and the queue under real concurrency (PostgreSQL, real threads, each with its own
connection, released together from a barrier): no overbooking, one active booking per person,
one booking per idempotency key, no ticket called twice, walk-in quotas kept, no shared
numbers. Every test checks the database afterwards, not only what the calls returned."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import tempfile
import threading
import time
from collections import Counter as Tally
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.db.models import Sum
from django.utils import timezone

from imigrasi.accounts.models import User
from imigrasi.applications.models import Person
from imigrasi.appointments import actions, onsite
from imigrasi.appointments.actions import BookingError
from imigrasi.appointments.models import (
    ACTIVE_BOOKING,
    Booking,
    BookingEvent,
    BookingPolicy,
    BookingStatus,
    Counter,
    DateOverride,
    Lane,
    Pool,
    QueueDay,
    Slot,
    Ticket,
    TicketEvent,
    TicketOrigin,
    TicketStatus,
)
from imigrasi.appointments.queries import free_slots
from imigrasi.appointments.schedule import ensure_slots, policy_for
from imigrasi.appointments.tests.conftest import first_slot, next_bookable_day
from imigrasi.catalog.demo import load_offices
from imigrasi.catalog.loader import SERVICES_FILE, load_catalog
from imigrasi.catalog.models import Office, Service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 50
CROWD = 60


@pytest.fixture(scope="session")
def _one_service(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = json.loads(SERVICES_FILE.read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("catalog") / "services.json"
    path.write_text(json.dumps([r for r in rows if r["code"] == "paspor-baru-dewasa"]))
    return path


@pytest.fixture
def catalog(db: None, _one_service: Path) -> None:
    """The demo offices and the one service raced for (the whole catalog is slower)."""
    load_offices()
    load_catalog(_one_service)


@pytest.fixture(autouse=True)
def _queue_background_work(settings: Any) -> None:
    """Confirmation emails (with a PDF) and turn-near messages are queued, not run: the
    races are about the database, and 20 PDFs would dominate the run."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


# PostgreSQL allows 100 connections and a race holds 51-61: two races at once (two xdist
# workers, or two people running the suite on one server) would be refused connections. Races
# in this file take turns through a lock file, and a thread refused a connection by a race
# elsewhere waits for it to end instead of failing.
RACE_LOCK = Path(tempfile.gettempdir()) / "imigrasi-postgres-race.lock"


@contextmanager
def one_race_at_a_time() -> Iterator[None]:
    with RACE_LOCK.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def connect_patiently(patience: float = 60) -> None:
    deadline = time.monotonic() + patience
    while True:
        try:
            connection.ensure_connection()
            return
        except OperationalError as exc:
            if "too many clients" not in str(exc) or time.monotonic() > deadline:
                raise
            connection.close()
            time.sleep(0.25)


def race(work: Callable[[int], Any], threads: int = THREADS) -> list[Any]:
    """Run work(0..threads-1) in as many threads, each with its own connection (opened
    before the start line), all released at once. A refusal is reported as
    "refused:<code>", anything unexpected as "error:…"."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run by `make test-postgres`)")
    results: list[Any] = [None] * threads
    barrier = threading.Barrier(threads)

    def run(n: int) -> None:
        try:
            try:
                connect_patiently()
            except Exception:
                barrier.abort()
                raise
            barrier.wait(timeout=90)
            results[n] = work(n)
        except BookingError as exc:
            results[n] = f"refused:{exc.code}"
        except Exception as exc:  # pragma: no cover - reported through the results
            results[n] = f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()

    with one_race_at_a_time():
        started = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
        for thread in started:
            thread.start()
        for thread in started:
            thread.join()
    return results


def outcomes(results: list[Any]) -> Tally[str]:
    return Tally(
        r if isinstance(r, str) and r.startswith(("refused:", "error:")) else "ok" for r in results
    )


def distinct_numbers(numbers: list[str], count: int) -> None:
    """One number each, none shared (a refused attempt may leave a gap, never a duplicate)."""
    assert len(numbers) == len(set(numbers)) == count, numbers
    assert all(n.startswith("A-") and n[2:].isdigit() for n in numbers), numbers


def people(count: int, prefix: str, nik: str = "") -> list[Person]:
    """Accounts with one verified person each (distinct NIKs unless ``nik`` is given)."""
    accounts = User.objects.bulk_create(
        User(email=f"{prefix}{n}@example.id", full_name=f"Warga {n}") for n in range(count)
    )
    return Person.objects.bulk_create(
        Person(
            account=account,
            relationship="self",
            full_name=f"WARGA {n}",
            date_of_birth="1991-04-12",
            sex="F",
            nik=nik or f"3171{n:012d}",
        )
        for n, account in enumerate(accounts)
    )


def fresh_slot(pk: int) -> Slot:
    return Slot.objects.select_related("office").get(pk=pk)


# --- booking ---------------------------------------------------------------------------------


def test_sixty_people_racing_for_twenty_places_get_exactly_twenty(
    booking_office: Office, passport: Service
) -> None:
    slot = first_slot(booking_office)
    Slot.objects.filter(pk=slot.pk).update(capacity=20)
    crowd = people(CROWD, "antre")

    def book(n: int) -> int:
        booking, created = actions.do_book(
            crowd[n].account, crowd[n], passport, fresh_slot(slot.pk), idempotency_key=f"k{n}"
        )
        assert created
        return booking.pk

    results = race(book, CROWD)
    assert outcomes(results) == {"ok": 20, "refused:slot_full": CROWD - 20}, outcomes(results)
    slot.refresh_from_db()
    assert (slot.taken, slot.capacity) == (20, 20)
    confirmed = Booking.objects.filter(slot=slot, status=BookingStatus.CONFIRMED)
    assert sorted(confirmed.values_list("pk", flat=True)) == sorted(
        r for r in results if isinstance(r, int)
    )
    assert Booking.objects.count() == 20
    assert len(set(confirmed.values_list("person_id", flat=True))) == 20
    assert BookingEvent.objects.filter(kind="confirmed").count() == 20
    distinct_numbers(list(confirmed.values_list("queue_number", flat=True)), 20)


def test_one_person_from_fifty_accounts_gets_one_active_booking(
    booking_office: Office, passport: Service
) -> None:
    slot = first_slot(booking_office)
    Slot.objects.filter(pk=slot.pk).update(capacity=THREADS)  # places for all: only identity
    same_nik = people(THREADS, "kembar", nik="3174055204910003")

    def book(n: int) -> int:
        person = same_nik[n]
        booking, _ = actions.do_book(
            person.account, person, passport, fresh_slot(slot.pk), idempotency_key=f"nik-{n}"
        )
        return booking.pk

    results = race(book)
    assert outcomes(results) == {"ok": 1, "refused:already_booked": THREADS - 1}, outcomes(results)
    identity = actions.identity_of(same_nik[0])
    active = Booking.objects.filter(identity_index=identity, status__in=ACTIVE_BOOKING)
    assert list(active.values_list("pk", flat=True)) == [r for r in results if isinstance(r, int)]
    assert Booking.objects.count() == 1
    slot.refresh_from_db()
    assert slot.taken == 1  # the refused attempts gave their place back


def test_fifty_replays_of_one_idempotency_key_make_one_booking(
    booking_office: Office, passport: Service, siti: Person
) -> None:
    slot = first_slot(booking_office)

    def book(n: int) -> tuple[int, bool]:
        booking, created = actions.do_book(
            siti.account, siti, passport, fresh_slot(slot.pk), idempotency_key="tap-tap-tap"
        )
        return booking.pk, created

    results = race(book)
    assert all(isinstance(r, tuple) for r in results), outcomes(results)
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    booking = Booking.objects.get()
    assert (booking.pk, booking.status, booking.idempotency_key) == (
        results[0][0],
        BookingStatus.CONFIRMED,
        "tap-tap-tap",
    )
    assert booking.queue_number.startswith("A-")
    assert BookingEvent.objects.filter(booking=booking).count() == 1
    slot.refresh_from_db()
    assert slot.taken == 1


def test_concurrent_bookings_across_slots_never_share_a_queue_number(
    booking_office: Office, passport: Service
) -> None:
    day = next_bookable_day(booking_office)
    slots = free_slots(booking_office, day)[:5]
    assert len(slots) == 5
    crowd = people(THREADS, "nomor")

    def book(n: int) -> str:
        booking, _ = actions.do_book(
            crowd[n].account,
            crowd[n],
            passport,
            fresh_slot(slots[n % 5].pk),
            idempotency_key=f"n{n}",
        )
        return booking.queue_number

    results = race(book)
    assert outcomes(results) == {"ok": THREADS}, outcomes(results)
    numbers = list(Booking.objects.values_list("queue_number", flat=True))
    assert sorted(numbers) == sorted(results)
    distinct_numbers(numbers, THREADS)
    for slot in Slot.objects.filter(pk__in=[s.pk for s in slots]):
        assert slot.taken == THREADS // 5 == slot.bookings.count()


# --- the queue -------------------------------------------------------------------------------


def test_fifty_counters_calling_at_once_never_share_a_ticket(
    booking_office: Office, passport: Service, counter_officer: Any
) -> None:
    BookingPolicy.objects.filter(office=booking_office).update(priority_interleave=2)
    today = onsite.local_today(booking_office)
    desks = Counter.objects.bulk_create(
        Counter(office=booking_office, code=f"L{n:02d}", prefixes="A", serves_priority=True)
        for n in range(THREADS)
    )
    start = dt.datetime.combine(today, dt.time(8), tzinfo=booking_office.zone)
    lanes = [Lane.PRIORITY if n % 4 == 3 else Lane.REGULAR for n in range(40)]  # 30 R, 10 P
    tickets = Ticket.objects.bulk_create(
        Ticket(
            office=booking_office,
            date=today,
            number=f"A-{n + 1:03d}",
            route_prefix="A",
            service=passport,
            origin=TicketOrigin.WALK_IN,
            lane=lane,
            due_at=start + dt.timedelta(minutes=n),
        )
        for n, lane in enumerate(lanes)
    )

    def call(n: int) -> int | None:
        desk = Counter.objects.select_related("office").get(pk=desks[n].pk)
        ticket = onsite.call_next(desk, counter_officer)
        return ticket.pk if ticket else None

    results = race(call)
    called = [r for r in results if isinstance(r, int)]
    assert outcomes(results) == {"ok": THREADS}, outcomes(results)
    assert len(called) == 40 and results.count(None) == THREADS - 40
    assert sorted(called) == sorted(t.pk for t in tickets)  # each ticket exactly once
    rows = list(Ticket.objects.filter(office=booking_office, date=today))
    assert {t.status for t in rows} == {TicketStatus.CALLED}
    assert len({t.counter_id for t in rows}) == 40  # forty counters, one ticket each
    assert all(t.call_count == 1 for t in rows)
    events = list(TicketEvent.objects.filter(kind="called").order_by("id"))
    assert sorted(e.ticket_id for e in events) == sorted(called)
    assert len({e.counter_code for e in events}) == 40
    # The calls were serialised on the day's row: the interleave held across all counters
    # (the day's first priority ticket goes at once).
    lane_of = {t.pk: t.lane for t in rows}
    pattern = "".join("P" if lane_of[e.ticket_id] == Lane.PRIORITY else "R" for e in events)
    assert pattern == "PRR" * 10 + "R" * 10
    assert QueueDay.objects.get(office=booking_office, date=today).regular_since_priority == 12


@pytest.fixture
def kiosk_office(open_today: Office, monkeypatch: pytest.MonkeyPatch) -> Office:
    """Open 08:00-16:00 today and held at 10:00 office time (for every thread), so the
    kiosk is open whenever the suite runs and the day has few slots to create."""
    override = DateOverride.objects.get(office=open_today, reason="test")
    override.opens, override.closes = dt.time(8), dt.time(16)
    override.save()
    ten = dt.datetime.combine(override.date, dt.time(10), tzinfo=open_today.zone)
    monkeypatch.setattr(timezone, "now", lambda: ten.astimezone(dt.UTC))
    return open_today


def test_sixty_walk_ins_against_a_priority_quota_of_twelve(
    kiosk_office: Office, passport: Service
) -> None:
    today = onsite.local_today(kiosk_office)
    ensure_slots(kiosk_office, today)
    priority_slots = Slot.objects.filter(office=kiosk_office, pool=Pool.PRIORITY).order_by(
        "starts_at"
    )
    priority_slots.update(capacity=0)
    Slot.objects.filter(pk__in=[s.pk for s in priority_slots[:6]]).update(capacity=2)

    def walk_in(n: int) -> int:
        return onsite.issue_walk_in(kiosk_office, passport, priority_reason="elderly").pk

    results = race(walk_in, CROWD)
    assert outcomes(results) == {"ok": 12, "refused:walk_in_quota_full": CROWD - 12}, outcomes(
        results
    )
    tickets = Ticket.objects.filter(office=kiosk_office, date=today)
    assert sorted(tickets.values_list("pk", flat=True)) == sorted(
        r for r in results if isinstance(r, int)
    )
    assert {t.lane for t in tickets} == {Lane.PRIORITY}
    distinct_numbers(list(tickets.values_list("number", flat=True)), 12)
    assert TicketEvent.objects.filter(kind="issued").count() == 12
    pool = Slot.objects.filter(office=kiosk_office, pool=Pool.PRIORITY)
    assert pool.aggregate(n=Sum("taken"))["n"] == 12
    assert all(s.taken <= s.capacity for s in pool)
    assert {t.walk_in_slot_id for t in tickets} <= {s.pk for s in pool if s.capacity}


def test_a_walk_in_rush_uses_the_whole_days_quota(kiosk_office: Office, passport: Service) -> None:
    """More free slots than one look-up returns: racing kiosks must still fill every place
    before anyone hears "quota full"."""
    policy = policy_for(kiosk_office)  # the instance every thread reads
    policy.slot_minutes = 15
    policy.save()
    today = onsite.local_today(kiosk_office)
    ensure_slots(kiosk_office, today)
    pool = Slot.objects.filter(office=kiosk_office, pool=Pool.ACCELERATION)
    places = pool.count()
    pool.update(capacity=1)
    assert 20 < places < THREADS  # 08:00-16:00 in 15-minute slots

    results = race(lambda n: onsite.issue_walk_in(kiosk_office, passport).pk)
    assert outcomes(results) == {
        "ok": places,
        "refused:walk_in_quota_full": THREADS - places,
    }, outcomes(results)
    assert pool.aggregate(n=Sum("taken"))["n"] == places
    distinct_numbers(list(Ticket.objects.values_list("number", flat=True)), places)


def test_fifty_kiosks_scanning_one_code_make_one_ticket(
    kiosk_office: Office, passport: Service, siti: Person
) -> None:
    today = onsite.local_today(kiosk_office)
    ensure_slots(kiosk_office, today)
    slot = Slot.objects.get(
        office=kiosk_office,
        pool=Pool.ONLINE,
        starts_at=dt.datetime.combine(today, dt.time(10, 30), tzinfo=kiosk_office.zone),
    )
    booking = Booking.objects.create(
        code="RACE2345",
        account=siti.account,
        person=siti,
        identity_index=actions.identity_of(siti),
        service=passport,
        office=kiosk_office,
        slot=slot,
        status=BookingStatus.CONFIRMED,
        queue_number=actions.next_queue_number(kiosk_office, today, "A"),
    )

    results = race(lambda n: onsite.check_in(kiosk_office, f"IMD-BOOKING:{booking.code}").pk)
    assert outcomes(results) == {"ok": THREADS}, outcomes(results)
    ticket = Ticket.objects.get()
    assert set(results) == {ticket.pk}
    assert (ticket.booking_id, ticket.number, ticket.due_at) == (
        booking.pk,
        booking.queue_number,
        slot.starts_at,
    )
    assert TicketEvent.objects.filter(kind="checked_in").count() == 1
    assert BookingEvent.objects.filter(booking=booking, kind="checked_in").count() == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
