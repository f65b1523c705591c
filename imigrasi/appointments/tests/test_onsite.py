"""The office's day (imigrasi.appointments.onsite): kiosk check-in, walk-in tickets, the
officer console (call next, recall, start, finish, no-show, transfer), waiting positions,
"your turn is near" messages and the display board.

The office is open all day today (the ``open_today`` fixture) and the clock is held at
10:00 office time today, so nothing depends on when the suite runs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db.models import F, Sum
from django.utils import timezone

from conftest import make_user
from imigrasi.applications.models import Person
from imigrasi.appointments import onsite
from imigrasi.appointments.actions import BookingError, identity_of, new_booking_code
from imigrasi.appointments.actions import next_queue_number as draw_number
from imigrasi.appointments.models import (
    Booking,
    BookingEvent,
    BookingPolicy,
    BookingStatus,
    Counter,
    DateOverride,
    Lane,
    OfficeService,
    Pool,
    Slot,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from imigrasi.appointments.schedule import ensure_slots
from imigrasi.appointments.setup import configure_office
from imigrasi.appointments.tests.conftest import person_for
from imigrasi.catalog.demo import load_offices
from imigrasi.catalog.loader import SERVICES_FILE, load_catalog
from imigrasi.catalog.models import Office, Service

pytestmark = pytest.mark.django_db

UTC = dt.UTC
PASSPORT, VISA = "paspor-baru-dewasa", "visa-e33g"


@dataclass
class Clock:
    now: dt.datetime  # office-local

    def set(self, hour: int, minute: int = 0) -> dt.datetime:
        self.now = dt.datetime.combine(self.now.date(), dt.time(hour, minute), self.now.tzinfo)
        return self.now

    def advance(self, minutes: float = 1) -> dt.datetime:
        self.now += dt.timedelta(minutes=minutes)
        return self.now

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def local(self, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(self.today, dt.time(hour, minute), self.now.tzinfo)


def _hold_the_clock(monkeypatch: pytest.MonkeyPatch, office: Office, day: dt.date) -> Clock:
    clock = Clock(dt.datetime.combine(day, dt.time(10), tzinfo=office.zone))
    monkeypatch.setattr(timezone, "now", lambda: clock.now.astimezone(UTC))
    return clock


@pytest.fixture(scope="session")
def _two_services(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = json.loads(SERVICES_FILE.read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("catalog") / "services.json"
    path.write_text(json.dumps([r for r in rows if r["code"] in {PASSPORT, VISA}]))
    return path


@pytest.fixture
def catalog(db: None, _two_services: Path) -> None:
    """The demo offices and only the two services used here (the whole catalog is slower)."""
    load_offices()
    load_catalog(_two_services)


@pytest.fixture
def clock(open_today: Office, monkeypatch: pytest.MonkeyPatch) -> Clock:
    override = DateOverride.objects.get(office=open_today, reason="test")
    override.opens, override.closes = dt.time(8), dt.time(16)  # fewer slots to create
    override.save()
    return _hold_the_clock(monkeypatch, open_today, override.date)


@pytest.fixture
def kanim(open_today: Office, clock: Clock) -> Office:
    """Jakarta Selatan, open 08:00-16:00 today, now 10:00; counters 1-3 (A),
    4 (A + priority), 5 (B, C)."""
    return open_today


@pytest.fixture
def visa(catalog: None) -> Service:
    return Service.objects.get(code=VISA)


@pytest.fixture
def officer(counter_officer: Any) -> Any:
    return counter_officer


def counter(office: Office, code: str) -> Counter:
    return Counter.objects.select_related("office").get(office=office, code=code)


def set_policy(office: Office, **changes: Any) -> BookingPolicy:
    policy = BookingPolicy.objects.get(office=office)
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.save()
    return policy


_people = iter(range(1, 10_000))


def new_person(name: str = "WARGA") -> Person:
    n = next(_people)
    account = make_user(f"warga{n}@example.id", full_name=name.title())
    return person_for(account, f"3174{n:012d}", name)


def book_today(
    office: Office,
    service: Service,
    clock: Clock,
    start: dt.time,
    *,
    person: Person | None = None,
    day: dt.date | None = None,
    status: str = BookingStatus.CONFIRMED,
) -> Booking:
    """A booking for one of today's slots (the booking rules refuse same-day booking, so it
    is written directly, the way yesterday's booking would have been)."""
    day = day or clock.today
    person = person or new_person()
    starts = dt.datetime.combine(day, start, tzinfo=office.zone)
    slot, _ = Slot.objects.get_or_create(
        office=office,
        starts_at=starts,
        pool=Pool.ONLINE,
        defaults={"ends_at": starts + dt.timedelta(minutes=30), "capacity": 10},
    )
    Slot.objects.filter(pk=slot.pk).update(taken=F("taken") + 1)
    prefix = OfficeService.objects.get(office=office, service=service).queue_prefix
    return Booking.objects.create(
        code=new_booking_code(),
        account=person.account,
        person=person,
        identity_index=identity_of(person),
        service=service,
        office=office,
        slot=slot,
        status=status,
        queue_number=draw_number(office, day, prefix),
        confirmed_at=clock.now,
    )


def walk_in(office: Office, service: Service, clock: Clock, priority: str = "") -> Ticket:
    clock.advance(1)
    return onsite.issue_walk_in(office, service, priority_reason=priority)


def call_and_finish(office: Office, code: str, officer: Any) -> Ticket | None:
    desk = counter(office, code)
    ticket = onsite.call_next(desk, officer)
    if ticket is not None:
        onsite.finish_service(ticket, desk, officer)
    return ticket


def lanes_called(office: Office, code: str, officer: Any, calls: int) -> str:
    """Call (and finish) ``calls`` times at one counter: "R" regular, "P" priority, "-" none."""
    tickets = [call_and_finish(office, code, officer) for _ in range(calls)]
    return "".join("-" if t is None else "P" if t.lane == Lane.PRIORITY else "R" for t in tickets)


def call(office: Office, code: str, officer: Any, expected: Ticket) -> Ticket:
    """Call the next ticket at a counter; it must be ``expected`` (the fresh instance)."""
    called = onsite.call_next(counter(office, code), officer)
    assert called is not None and called.pk == expected.pk, called
    return called


def refused(code: str) -> Any:
    return pytest.raises(BookingError, match=f"^{code}$")


# --- the kiosk: check-in ---------------------------------------------------------------------


def test_check_in_by_code_gives_the_booked_number_due_at_the_slot_start(
    kanim: Office, passport: Service, clock: Clock
) -> None:
    booking = book_today(kanim, passport, clock, dt.time(9, 30))
    ticket = onsite.check_in(kanim, booking.code)
    assert ticket.number == booking.queue_number == "A-001"
    assert (ticket.route_prefix, ticket.origin, ticket.lane) == ("A", "booked", Lane.REGULAR)
    assert ticket.due_at == clock.local(9, 30)  # not late: due at the slot's start
    assert ticket.date == clock.today
    assert ticket.status == TicketStatus.WAITING
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    assert booking.checked_in_at == clock.now
    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.kind, event.actor, event.actor_label, event.counter_code) == (
        "checked_in",
        None,
        "kiosk",
        "",
    )
    assert event.details == {"late": False}
    assert BookingEvent.objects.filter(booking=booking, kind="checked_in").count() == 1


@pytest.mark.parametrize(
    "typed",
    [
        "IMD-BOOKING:{code}",
        "  imd-booking:{lower}  ",
        "imd-booking: {first} {rest}",
        " {first}-{rest} ",
        "{lower}",
    ],
)
def test_check_in_accepts_the_scanned_payload_or_a_typed_code(
    kanim: Office, passport: Service, clock: Clock, typed: str
) -> None:
    booking = book_today(kanim, passport, clock, dt.time(10))
    code = booking.code
    raw = typed.format(code=code, lower=code.lower(), first=code[:4].lower(), rest=code[4:])
    assert onsite.check_in(kanim, raw).booking_id == booking.pk


def test_checking_in_twice_shows_the_same_ticket(
    kanim: Office, passport: Service, clock: Clock
) -> None:
    booking = book_today(kanim, passport, clock, dt.time(10))
    first = onsite.check_in(kanim, booking.code)
    clock.advance(3)
    again = onsite.check_in(kanim, f"IMD-BOOKING:{booking.code.lower()}")
    assert again.pk == first.pk and again.due_at == first.due_at
    assert Ticket.objects.filter(booking=booking).count() == 1
    assert TicketEvent.objects.filter(ticket=first).count() == 1
    assert BookingEvent.objects.filter(booking=booking, kind="checked_in").count() == 1


@pytest.mark.parametrize("raw", ["ZZZZZZZZ", "", "   ", "IMD-BOOKING:"])
def test_unknown_code_is_refused(kanim: Office, raw: str) -> None:
    with refused("unknown_code"):
        onsite.check_in(kanim, raw)
    assert not Ticket.objects.exists()


def test_a_booking_at_another_office_names_that_office(
    kanim: Office, passport: Service, clock: Clock
) -> None:
    denpasar = Office.objects.get(code="kanim-denpasar")
    configure_office(denpasar)
    booking = book_today(denpasar, passport, clock, dt.time(10))
    with refused("wrong_office") as error:
        onsite.check_in(kanim, booking.code)
    assert error.value.details["office"] == denpasar.name
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("days", [1, -1])
def test_a_booking_for_another_day_is_refused_with_its_date(
    kanim: Office, passport: Service, clock: Clock, days: int
) -> None:
    other_day = clock.today + dt.timedelta(days=days)
    booking = book_today(kanim, passport, clock, dt.time(10), day=other_day)
    with refused("wrong_day") as error:
        onsite.check_in(kanim, booking.code)
    assert error.value.details["date"] == other_day
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "status", [BookingStatus.CANCELLED, BookingStatus.HELD, BookingStatus.EXPIRED]
)
def test_a_booking_that_is_not_confirmed_cannot_check_in(
    kanim: Office, passport: Service, clock: Clock, status: str
) -> None:
    booking = book_today(kanim, passport, clock, dt.time(10), status=status)
    with refused("booking_not_active"):
        onsite.check_in(kanim, booking.code)
    assert not Ticket.objects.exists()


def test_late_arrival_beyond_the_grace_queues_from_check_in(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    on_grace = book_today(kanim, passport, clock, dt.time(9))  # ends 09:30, +30 min = 10:00
    late = book_today(kanim, passport, clock, dt.time(8))  # ended 08:30: an hour and a half ago
    clock.set(9, 50)
    walker = onsite.issue_walk_in(kanim, passport)
    clock.set(10)
    graced = onsite.check_in(kanim, on_grace.code)
    latecomer = onsite.check_in(kanim, late.code)
    assert graced.due_at == clock.local(9)
    assert latecomer.due_at == clock.now
    assert TicketEvent.objects.get(ticket=latecomer, kind="checked_in").details == {"late": True}
    # The latecomer keeps their number but queues behind whoever came before 10:00.
    assert latecomer.number == late.queue_number
    order = [call_and_finish(kanim, "1", officer) for _ in range(3)]
    assert [t.pk for t in order if t] == [graced.pk, walker.pk, latecomer.pk]


# --- the kiosk: walk-in tickets ----------------------------------------------------------------


def test_walk_in_numbers_run_per_prefix_and_follow_booked_numbers(
    kanim: Office, passport: Service, visa: Service, clock: Clock
) -> None:
    booking = book_today(kanim, passport, clock, dt.time(11))  # A-001 drawn when booked
    first = walk_in(kanim, passport, clock)
    second = walk_in(kanim, passport, clock)
    visa_ticket = walk_in(kanim, visa, clock)
    elderly = walk_in(kanim, passport, clock, priority="elderly")
    assert booking.queue_number == "A-001"
    assert [first.number, second.number, elderly.number] == ["A-002", "A-003", "A-004"]
    assert (visa_ticket.number, visa_ticket.route_prefix) == ("B-001", "B")
    assert first.lane == Lane.REGULAR and first.origin == "walk_in"
    assert (elderly.lane, elderly.priority_reason) == (Lane.PRIORITY, "elderly")
    assert first.due_at == first.issued_at == clock.local(10, 1)
    event = TicketEvent.objects.get(ticket=elderly)
    assert (event.kind, event.actor_label, event.details) == (
        "issued",
        "kiosk",
        {"lane": "priority", "reason": "elderly"},
    )


def test_walk_ins_draw_on_the_acceleration_pool_and_the_priority_lane_on_its_own(
    kanim: Office, passport: Service, clock: Clock
) -> None:
    before = onsite.kiosk_day(kanim)
    regular = walk_in(kanim, passport, clock)
    priority = walk_in(kanim, passport, clock, priority="pregnant")
    after = onsite.kiosk_day(kanim)
    assert regular.walk_in_slot is not None and priority.walk_in_slot is not None
    assert regular.walk_in_slot.pool == Pool.ACCELERATION
    assert priority.walk_in_slot.pool == Pool.PRIORITY
    # The slot running now is used first.
    assert regular.walk_in_slot.starts_at == clock.local(10)
    assert (
        before.walk_in_left - after.walk_in_left,
        before.priority_left - after.priority_left,
    ) == (
        1,
        1,
    )
    assert Slot.objects.filter(pool=Pool.ONLINE).aggregate(n=Sum("taken"))["n"] == 0


def _day_quota(office: Office, clock: Clock, pool: str, places: dict[dt.time, int]) -> None:
    """Today's pool has only these places (slot start -> capacity)."""
    ensure_slots(office, clock.today)
    Slot.objects.filter(office=office, pool=pool).update(capacity=0)
    for start, capacity in places.items():
        Slot.objects.filter(
            office=office, pool=pool, starts_at=clock.local(start.hour, start.minute)
        ).update(capacity=capacity)


def test_walk_in_quota_is_a_daily_quota_then_refused(
    kanim: Office, passport: Service, clock: Clock
) -> None:
    # One place in an earlier slot that went unused, one in the slot running now.
    _day_quota(kanim, clock, Pool.ACCELERATION, {dt.time(8): 1, dt.time(10): 1})
    first = walk_in(kanim, passport, clock)
    second = walk_in(kanim, passport, clock)
    assert first.walk_in_slot is not None and second.walk_in_slot is not None
    assert first.walk_in_slot.starts_at == clock.local(10)
    assert second.walk_in_slot.starts_at == clock.local(8)
    assert onsite.kiosk_day(kanim).walk_in_left == 0
    with refused("walk_in_quota_full"):
        walk_in(kanim, passport, clock)
    # The priority lane has its own quota and is still open.
    assert walk_in(kanim, passport, clock, priority="disability").lane == Lane.PRIORITY
    assert Ticket.objects.count() == 3
    for slot in Slot.objects.all():
        assert slot.taken <= slot.capacity


def test_priority_quota_full_leaves_the_regular_walk_ins(
    kanim: Office, passport: Service, clock: Clock
) -> None:
    _day_quota(kanim, clock, Pool.PRIORITY, {dt.time(11): 2})
    walk_in(kanim, passport, clock, priority="elderly")
    walk_in(kanim, passport, clock, priority="young_child")
    with refused("walk_in_quota_full"):
        walk_in(kanim, passport, clock, priority="elderly")
    assert onsite.kiosk_day(kanim).priority_left == 0
    assert walk_in(kanim, passport, clock).lane == Lane.REGULAR
    assert Ticket.objects.filter(lane=Lane.PRIORITY).count() == 2


def test_an_unknown_priority_reason_is_refused(
    kanim: Office, passport: Service, clock: Clock
) -> None:
    with refused("priority_reason_invalid"):
        walk_in(kanim, passport, clock, priority="vip")
    assert not Ticket.objects.exists()


def test_no_walk_in_ticket_when_the_office_is_closed_today(
    booking_office: Office, passport: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = dt.datetime.now(booking_office.zone).date()
    DateOverride.objects.update_or_create(
        office=booking_office,
        date=today,
        defaults={"is_open": False, "reason": "Pemadaman listrik"},
    )
    _hold_the_clock(monkeypatch, booking_office, today)
    assert not onsite.kiosk_day(booking_office).open
    with refused("office_closed_now") as error:
        onsite.issue_walk_in(booking_office, passport)
    assert error.value.details["reason"] == "Pemadaman listrik"


def test_no_walk_in_ticket_after_closing_time(
    booking_office: Office, passport: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = dt.datetime.now(booking_office.zone).date()
    DateOverride.objects.update_or_create(
        office=booking_office,
        date=today,
        defaults={"is_open": True, "opens": dt.time(8), "closes": dt.time(16), "reason": "x"},
    )
    clock = _hold_the_clock(monkeypatch, booking_office, today)
    clock.set(15, 59)
    assert onsite.issue_walk_in(booking_office, passport).number == "A-001"
    clock.set(16)
    with refused("office_closed_now"):
        onsite.issue_walk_in(booking_office, passport)


def test_a_service_the_office_does_not_offer_gets_no_ticket(
    kanim: Office, passport: Service, clock: Clock
) -> None:
    OfficeService.objects.filter(office=kanim, service=passport).update(is_available=False)
    with refused("office_does_not_serve"):
        walk_in(kanim, passport, clock)


# --- the officer console: call next ----------------------------------------------------------


def test_booked_tickets_are_due_at_their_slot_and_walk_ins_when_issued(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    nine_thirty = book_today(kanim, passport, clock, dt.time(9, 30))
    ten_thirty = book_today(kanim, passport, clock, dt.time(10, 30))
    clock.set(9, 44)
    early_walker = walk_in(kanim, passport, clock)  # 09:45
    clock.set(10)
    booked_early = onsite.check_in(kanim, ten_thirty.code)  # early: still due at 10:30
    booked_now = onsite.check_in(kanim, nine_thirty.code)  # due at 09:30
    clock.set(10, 4)
    later_walker = walk_in(kanim, passport, clock)  # 10:05, before the 10:30 booking
    called = [call_and_finish(kanim, "2", officer) for _ in range(5)]
    assert called[-1] is None
    assert [t.pk for t in called if t] == [
        booked_now.pk,
        early_walker.pk,
        later_walker.pk,
        booked_early.pk,
    ]


def test_priority_is_interleaved_after_every_two_regular_calls(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    set_policy(kanim, priority_interleave=2)
    # The first priority ticket of the day goes at once; then two regulars between each.
    for _ in range(3):
        walk_in(kanim, passport, clock, priority="elderly")
    for _ in range(6):
        walk_in(kanim, passport, clock)
    assert lanes_called(kanim, "4", officer, 10) == "PRRPRRPRR-"


def test_neither_lane_starves(kanim: Office, passport: Service, clock: Clock, officer: Any) -> None:
    set_policy(kanim, priority_interleave=2)
    # Only priority waiting: each goes at once.
    walk_in(kanim, passport, clock, priority="elderly")
    walk_in(kanim, passport, clock, priority="pregnant")
    assert lanes_called(kanim, "4", officer, 3) == "PP-"
    # Only regular waiting: each goes at once.
    for _ in range(4):
        walk_in(kanim, passport, clock)
    assert lanes_called(kanim, "4", officer, 5) == "RRRR-"
    # A priority arrival after a run of regular calls goes next, then regulars again.
    for _ in range(3):
        walk_in(kanim, passport, clock)
    walk_in(kanim, passport, clock, priority="disability")
    walk_in(kanim, passport, clock, priority="young_child")
    assert lanes_called(kanim, "4", officer, 6) == "PRRPR-"


def test_counters_that_do_not_serve_priority_never_call_it(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    set_policy(kanim, priority_interleave=0)  # priority would go first wherever it can
    elderly = walk_in(kanim, passport, clock, priority="elderly")
    regular = walk_in(kanim, passport, clock)
    assert onsite.call_next(counter(kanim, "1"), officer) == regular
    assert onsite.call_next(counter(kanim, "2"), officer) is None
    assert onsite.call_next(counter(kanim, "4"), officer) == elderly


def test_a_counter_with_a_called_ticket_is_busy(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    first = walk_in(kanim, passport, clock)
    second = walk_in(kanim, passport, clock)
    desk = counter(kanim, "1")
    first = call(kanim, "1", officer, first)
    with refused("counter_busy"):
        onsite.call_next(desk, officer)
    onsite.start_service(first, desk, officer)
    with refused("counter_busy"):
        onsite.call_next(desk, officer)
    assert onsite.current_ticket(desk) == first
    second.refresh_from_db()
    assert second.status == TicketStatus.WAITING  # nobody else took it meanwhile
    onsite.finish_service(first, desk, officer)
    assert onsite.current_ticket(desk) is None
    assert onsite.call_next(desk, officer) == second


def test_counters_only_call_their_own_prefixes(
    kanim: Office, passport: Service, visa: Service, clock: Clock, officer: Any
) -> None:
    visa_ticket = walk_in(kanim, visa, clock)
    assert onsite.call_next(counter(kanim, "1"), officer) is None
    assert onsite.call_next(counter(kanim, "2"), officer) is None
    visa_ticket = call(kanim, "5", officer, visa_ticket)
    passport_ticket = walk_in(kanim, passport, clock)
    onsite.finish_service(visa_ticket, counter(kanim, "5"), officer)
    assert onsite.call_next(counter(kanim, "5"), officer) is None
    assert onsite.call_next(counter(kanim, "3"), officer) == passport_ticket


def test_an_inactive_counter_cannot_call(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    walk_in(kanim, passport, clock)
    Counter.objects.filter(office=kanim, code="3").update(is_active=False)
    with refused("counter_inactive"):
        onsite.call_next(counter(kanim, "3"), officer)


def test_a_called_ticket_records_who_called_it_where(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    ticket = walk_in(kanim, passport, clock)
    clock.advance(2)
    called = onsite.call_next(counter(kanim, "2"), officer)
    assert called is not None and called.pk == ticket.pk
    assert called.status == TicketStatus.CALLED
    assert called.counter is not None and called.counter.code == "2"
    assert (called.call_count, called.called_at) == (1, clock.now)
    event = TicketEvent.objects.get(ticket=ticket, kind="called")
    assert (event.actor, event.counter_code, event.details) == (officer, "2", {"lane": "regular"})


# --- transfer, recall, no-show, finish -------------------------------------------------------


def test_transfer_to_another_prefix_keeps_the_place(
    kanim: Office, passport: Service, visa: Service, clock: Clock, officer: Any
) -> None:
    ticket = walk_in(kanim, passport, clock)
    later_visa = walk_in(kanim, visa, clock)
    desk = counter(kanim, "1")
    ticket = call(kanim, "1", officer, ticket)
    onsite.start_service(ticket, desk, officer)
    onsite.transfer(ticket, desk, officer, to_prefix="B")
    assert (ticket.status, ticket.route_prefix, ticket.number) == ("waiting", "B", "A-001")
    assert ticket.counter_id is None and ticket.started_at is None
    event = TicketEvent.objects.get(ticket=ticket, kind="transferred")
    assert (event.actor, event.counter_code, event.details) == (
        officer,
        "1",
        {"to_prefix": "B", "to_counter": ""},
    )
    assert onsite.call_next(desk, officer) is None  # the A counter no longer sees it
    assert onsite.call_next(counter(kanim, "5"), officer) == ticket  # ahead of later B tickets
    assert ticket.due_at < later_visa.due_at
    later_visa.refresh_from_db()
    assert later_visa.status == TicketStatus.WAITING


def test_transfer_to_a_named_counter_only_that_counter_calls_it(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    ticket = walk_in(kanim, passport, clock)
    second = walk_in(kanim, passport, clock)
    third = walk_in(kanim, passport, clock)
    one, two, three = counter(kanim, "1"), counter(kanim, "2"), counter(kanim, "3")
    ticket = call(kanim, "1", officer, ticket)
    onsite.transfer(ticket, one, officer, to_counter=three)
    assert ticket.target_counter_id == three.pk
    assert onsite.call_next(two, officer) == second  # not the transferred one
    assert onsite.call_next(three, officer) == ticket  # first in line at its counter
    ticket.refresh_from_db()
    assert ticket.counter_id == three.pk and ticket.call_count == 2
    assert Ticket.objects.get(pk=ticket.pk).target_counter_id is None
    assert onsite.call_next(counter(kanim, "4"), officer) == third


def test_a_priority_ticket_sent_to_a_counter_without_the_priority_lane_is_still_called(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    elderly = walk_in(kanim, passport, clock, priority="elderly")
    four, one = counter(kanim, "4"), counter(kanim, "1")
    elderly = call(kanim, "4", officer, elderly)
    onsite.transfer(elderly, four, officer, to_counter=one)
    assert onsite.call_next(counter(kanim, "2"), officer) is None
    assert onsite.call_next(one, officer) == elderly


def test_transfer_needs_a_valid_target(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    ticket = walk_in(kanim, passport, clock)
    desk = counter(kanim, "1")
    ticket = call(kanim, "1", officer, ticket)
    with refused("transfer_target_required"):
        onsite.transfer(ticket, desk, officer)
    with refused("not_found"):
        onsite.transfer(ticket, desk, officer, to_prefix="Z")
    denpasar = Office.objects.get(code="kanim-denpasar")
    configure_office(denpasar)
    with refused("not_found"):
        onsite.transfer(ticket, desk, officer, to_counter=counter(denpasar, "1"))
    with refused("ticket_state_changed"):  # not this counter's ticket
        onsite.transfer(ticket, counter(kanim, "2"), officer, to_prefix="B")


def test_recall_counts_calls_and_is_announced_again(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    ticket = walk_in(kanim, passport, clock)
    desk = counter(kanim, "1")
    ticket = call(kanim, "1", officer, ticket)
    onsite.recall(ticket, desk, officer)
    onsite.recall(ticket, desk, officer)
    assert ticket.call_count == 3
    assert [e.details["call"] for e in TicketEvent.objects.filter(kind="recalled")] == [2, 3]
    with refused("ticket_state_changed"):
        onsite.recall(ticket, counter(kanim, "2"), officer)
    onsite.start_service(ticket, desk, officer)
    with refused("ticket_state_changed"):
        onsite.recall(ticket, desk, officer)


def test_no_show_closes_the_ticket_and_the_booking(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    booking = book_today(kanim, passport, clock, dt.time(10))
    ticket = onsite.check_in(kanim, booking.code)
    desk = counter(kanim, "3")
    ticket = call(kanim, "3", officer, ticket)
    clock.advance(5)
    onsite.mark_no_show(ticket, desk, officer)
    assert (ticket.status, ticket.finished_at) == (TicketStatus.NO_SHOW, clock.now)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    assert BookingEvent.objects.get(booking=booking, kind="no_show").actor == officer
    assert onsite.current_ticket(desk) is None
    with refused("ticket_state_changed"):
        onsite.start_service(ticket, desk, officer)


def test_finish_completes_the_booking(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    booking = book_today(kanim, passport, clock, dt.time(10))
    ticket = onsite.check_in(kanim, booking.code)
    desk = counter(kanim, "3")
    ticket = call(kanim, "3", officer, ticket)
    clock.advance(2)
    onsite.start_service(ticket, desk, officer)
    clock.advance(8)
    onsite.finish_service(ticket, desk, officer)
    assert ticket.status == TicketStatus.DONE
    assert (ticket.started_at, ticket.finished_at) == (
        clock.now - dt.timedelta(minutes=8),
        clock.now,
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    assert [e.kind for e in BookingEvent.objects.filter(booking=booking)] == [
        "checked_in",
        "completed",
    ]
    with refused("ticket_state_changed"):
        onsite.finish_service(ticket, desk, officer)


def test_every_transition_is_an_event_with_actor_and_counter(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    booking = book_today(kanim, passport, clock, dt.time(10))
    ticket = onsite.check_in(kanim, booking.code)
    desk = counter(kanim, "4")
    ticket = call(kanim, "4", officer, ticket)
    onsite.recall(ticket, desk, officer)
    onsite.start_service(ticket, desk, officer)
    onsite.finish_service(ticket, desk, officer)
    events = list(TicketEvent.objects.filter(ticket=ticket).order_by("id"))
    assert [(e.kind, e.actor, e.actor_label, e.counter_code) for e in events] == [
        ("checked_in", None, "kiosk", ""),
        ("called", officer, "", "4"),
        ("recalled", officer, "", "4"),
        ("started", officer, "", "4"),
        ("finished", officer, "", "4"),
    ]
    assert all(e.office_id == kanim.pk for e in events)

    walker = call(kanim, "4", officer, walk_in(kanim, passport, clock))
    onsite.mark_no_show(walker, desk, officer)
    assert [
        (e.kind, e.actor, e.counter_code)
        for e in TicketEvent.objects.filter(ticket=walker).order_by("id")
    ] == [("issued", None, ""), ("called", officer, "4"), ("no_show", officer, "4")]


def test_another_office_cannot_touch_the_ticket(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    ticket = call(kanim, "1", officer, walk_in(kanim, passport, clock))
    denpasar = Office.objects.get(code="kanim-denpasar")
    configure_office(denpasar)
    with refused("not_found"):
        onsite.finish_service(ticket, counter(denpasar, "1"), officer)


# --- waiting: position and estimate --------------------------------------------------------


def test_position_counts_people_ahead_and_estimates_from_the_counters(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    set_policy(kanim, default_service_minutes=10, turn_near_at=3)
    tickets = [walk_in(kanim, passport, clock) for _ in range(5)]
    # Four counters serve A (1-4): 0.4 people a minute.
    positions = [onsite.position_of(t) for t in tickets]
    assert [p.ahead for p in positions] == [0, 1, 2, 3, 4]
    assert [p.minutes for p in positions] == [0, 3, 5, 8, 10]
    assert [p.near for p in positions] == [True, True, True, True, False]
    called = onsite.call_next(counter(kanim, "1"), officer)
    assert called == tickets[0]
    assert onsite.position_of(called) == onsite.Position(0, None, True)
    assert onsite.position_of(tickets[4]).ahead == 3
    onsite.finish_service(called, counter(kanim, "1"), officer)
    assert onsite.position_of(called) == onsite.Position(0, None, False)


def test_position_counts_the_other_lane_by_the_interleave(
    kanim: Office, passport: Service, clock: Clock
) -> None:
    set_policy(kanim, priority_interleave=2)
    regular = [walk_in(kanim, passport, clock) for _ in range(4)]
    priority = [walk_in(kanim, passport, clock, priority="elderly") for _ in range(2)]
    # Regular with three regular ahead: two priority calls come in between (ceil(3/2)).
    assert onsite.position_of(regular[3]).ahead == 3 + 2
    assert onsite.position_of(regular[1]).ahead == 1 + 1
    # Priority tickets count the priority tickets ahead and the regular calls in between.
    first, second = (onsite.position_of(t) for t in priority)
    assert first.near and first.ahead <= 2
    assert second.ahead >= first.ahead + 1


def test_estimate_uses_todays_service_rate_once_there_is_data(
    kanim: Office, passport: Service, clock: Clock, officer: Any
) -> None:
    set_policy(kanim, default_service_minutes=10)
    for _ in range(6):
        walk_in(kanim, passport, clock)
        call_and_finish(kanim, "1", officer)
    # Six calls in the last 30 minutes: 0.2 people a minute (slower than four counters).
    TicketEvent.objects.filter(kind="called").update(at=clock.now - dt.timedelta(minutes=10))
    waiting = [walk_in(kanim, passport, clock) for _ in range(5)]
    assert onsite.position_of(waiting[4]) == onsite.Position(4, 20, False)
    # Calls older than half an hour no longer count: back to the counters' estimate.
    TicketEvent.objects.filter(kind="called").update(at=clock.now - dt.timedelta(minutes=45))
    assert onsite.position_of(waiting[4]) == onsite.Position(4, 10, False)


# --- "your turn is near" --------------------------------------------------------------------


def test_turn_near_sends_one_text_and_one_email_once(
    kanim: Office,
    passport: Service,
    clock: Clock,
    officer: Any,
    applicant: Any,
    siti: Person,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from imigrasi.appointments.notifications import notify_turn_near

    settings.VAR_DIR = tmp_path
    settings.SMS_BACKEND = "imigrasi.applications.notifications.FileTextMessages"
    applicant.phone = "081234567890"
    applicant.save()
    set_policy(kanim, turn_near_at=3)
    walkers = [walk_in(kanim, passport, clock) for _ in range(4)]
    booking = book_today(kanim, passport, clock, dt.time(11), person=siti)
    ticket = onsite.check_in(kanim, booking.code)  # due 11:00: five in line, four ahead
    assert onsite.tickets_near_their_turn(kanim, clock.today, "A") == walkers
    assert onsite.position_of(ticket).ahead == 4

    with django_capture_on_commit_callbacks(execute=True):
        call_and_finish(kanim, "1", officer)  # three ahead now: near
    ticket.refresh_from_db()
    assert ticket.near_notified_at == clock.now
    texts = [json.loads(line) for line in (tmp_path / "sms.log").read_text().splitlines()]
    assert texts == [{"to": "081234567890", "text": texts[0]["text"]}]
    assert ticket.number in texts[0]["text"]
    assert str(ticket.public_id) in texts[0]["text"]
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert ticket.number in mail.outbox[0].subject
    # Walk-ins near the front are marked (their waiting page tells them) but not messaged.
    assert Ticket.objects.filter(near_notified_at__isnull=False).count() == 4
    assert onsite.tickets_near_their_turn(kanim, clock.today, "A") == []

    with django_capture_on_commit_callbacks(execute=True):
        call_and_finish(kanim, "1", officer)
    assert notify_turn_near(kanim.pk, clock.today.isoformat(), "A") == 0
    assert len((tmp_path / "sms.log").read_text().splitlines()) == 1
    assert len(mail.outbox) == 1


def test_turn_near_without_a_phone_sends_only_the_email(
    kanim: Office, passport: Service, clock: Clock, siti: Person, settings: Any, tmp_path: Path
) -> None:
    from imigrasi.appointments.notifications import notify_turn_near

    settings.VAR_DIR = tmp_path
    ticket = onsite.check_in(
        kanim, book_today(kanim, passport, clock, dt.time(10), person=siti).code
    )
    assert notify_turn_near(kanim.pk, clock.today.isoformat(), "A") == 1
    assert not (tmp_path / "sms.log").exists()
    assert len(mail.outbox) == 1 and ticket.number in mail.outbox[0].subject


# --- the display board -----------------------------------------------------------------------


def test_board_shows_calls_counters_and_waiting_counts_without_personal_data(
    kanim: Office, passport: Service, visa: Service, clock: Clock, officer: Any, siti: Person
) -> None:
    booking = book_today(kanim, passport, clock, dt.time(10), person=siti)
    booked = onsite.check_in(kanim, booking.code)
    elderly = walk_in(kanim, passport, clock, priority="elderly")
    walk_in(kanim, passport, clock)
    walk_in(kanim, visa, clock)
    Counter.objects.filter(office=kanim, code="3").update(is_active=False)
    four = counter(kanim, "4")
    set_policy(kanim, priority_interleave=0)
    assert onsite.call_next(four, officer) == elderly
    booked = call(kanim, "1", officer, booked)
    onsite.recall(booked, counter(kanim, "1"), officer)

    state = onsite.board_state(kanim)
    assert state["office"] == kanim.code and state["date"] == clock.today.isoformat()
    assert state["counters"] == [
        {"code": "1", "number": booked.number, "priority": False},
        {"code": "2", "number": "", "priority": False},
        {"code": "4", "number": elderly.number, "priority": True},
        {"code": "5", "number": "", "priority": False},
    ]
    assert [(c["number"], c["counter"], c["priority"]) for c in state["calls"]] == [
        (booked.number, "1", False),  # the recall, newest first
        (booked.number, "1", False),
        (elderly.number, "4", True),
    ]
    assert state["calls"][0]["id"] > state["calls"][1]["id"]
    assert re.fullmatch(r"\d\d:\d\d", state["calls"][0]["at"])
    assert state["waiting"] == {"A": 1, "B": 1}
    assert len(onsite.board_state(kanim, recent=1)["calls"]) == 1

    shown = json.dumps(state)
    for private in (
        "SITI",
        "Siti",
        "3174055204910003",
        booking.code,
        siti.account.email,
        str(booked.public_id),
    ):
        assert private not in shown
