"""Office capacity, bookings and the on-site queue.

Capacity is a database invariant: a slot row carries ``capacity`` and ``taken`` with a CHECK
that ``0 <= taken <= capacity``; a booking takes a place with one conditional UPDATE
(``taken = taken + 1 WHERE taken < capacity``), and a partial unique index allows one active
booking per person (by the blind index of their NIK or passport number) per service. No
application-level check stands between two people and one seat.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Pool(models.TextChoices):
    """Each slot's quota is split into pools (domain brief §2.6: regular, accelerated, priority)."""

    ONLINE = "online", _("Online booking")
    PRIORITY = "priority", _("Priority walk-in")
    ACCELERATION = "acceleration", _("Same-day (acceleration)")


class ReleaseMode(models.TextChoices):
    ROLLING = "rolling", _("Rolling: each day, the day N days ahead opens")
    MONTHLY = "monthly", _("Monthly: next month opens on a set day and time")


class BookingPolicy(models.Model):
    """How an office sells its time: slot length, quotas per pool, release schedule."""

    office = models.OneToOneField(
        "catalog.Office", on_delete=models.CASCADE, related_name="booking_policy"
    )
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    online_per_slot = models.PositiveSmallIntegerField(_("online places per slot"), default=10)
    priority_per_slot = models.PositiveSmallIntegerField(
        _("priority walk-in places per slot"), default=2
    )
    acceleration_per_slot = models.PositiveSmallIntegerField(
        _("same-day places per slot"), default=1
    )
    release_mode = models.CharField(
        _("release"), max_length=10, choices=ReleaseMode.choices, default=ReleaseMode.ROLLING
    )
    release_days_ahead = models.PositiveSmallIntegerField(_("rolling: days ahead"), default=14)
    release_day_of_month = models.PositiveSmallIntegerField(_("monthly: day of month"), default=25)
    release_time = models.TimeField(_("release time (office local time)"), default=dt.time(9))
    hold_minutes = models.PositiveSmallIntegerField(_("hold while confirming (minutes)"), default=5)
    reschedule_until_days_before = models.PositiveSmallIntegerField(
        _("reschedule or cancel until (days before)"), default=1
    )
    priority_interleave = models.PositiveSmallIntegerField(
        _("call one priority ticket after this many regular ones"), default=2
    )
    turn_near_at = models.PositiveSmallIntegerField(
        _("tell a ticket holder their turn is near at this many people ahead"), default=3
    )
    default_service_minutes = models.PositiveSmallIntegerField(
        _("minutes per person, for estimates before the day has data"), default=10
    )

    class Meta:
        verbose_name = _("booking policy")

    def __str__(self) -> str:
        return f"policy {self.office_id}"


class SlotQuota(models.Model):
    """Places per slot for one weekday and start time, overriding the policy's single number
    between two dates: what a supervisor applies from the analytics quota advice."""

    office = models.ForeignKey("catalog.Office", on_delete=models.CASCADE, related_name="quotas")
    weekday = models.PositiveSmallIntegerField(_("weekday (0 = Monday)"))
    starts = models.TimeField(_("slot start (office local time)"))
    online_per_slot = models.PositiveSmallIntegerField(_("online places per slot"))
    priority_per_slot = models.PositiveSmallIntegerField(_("priority places per slot"))
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["office", "weekday", "starts"]
        indexes = [
            models.Index(fields=["office", "valid_from", "valid_until"], name="slot_quota_period")
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.weekday} {self.starts}"


class OfficeHours(models.Model):
    """Opening hours in the office's local time; Friday's break is longer (Friday prayers)."""

    office = models.ForeignKey("catalog.Office", on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday (0 = Monday)"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    break_starts = models.TimeField(_("break starts"), null=True, blank=True)
    break_ends = models.TimeField(_("break ends"), null=True, blank=True)

    class Meta:
        ordering = ["office", "weekday"]
        verbose_name = _("opening hours")
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday"], name="hours_one_row_per_day"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_valid"),
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="hours_close_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.weekday} {self.opens}-{self.closes}"


class DateOverride(models.Model):
    """A day that differs from the weekly pattern at one office: closed, or open (e.g. a
    Saturday passport service during a peak, or opening on cuti bersama)."""

    office = models.ForeignKey(
        "catalog.Office", on_delete=models.CASCADE, related_name="date_overrides"
    )
    date = models.DateField(_("date"))
    is_open = models.BooleanField(_("open"), default=False)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("date override")
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="one_override_per_office_day")
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date} {'open' if self.is_open else 'closed'}"


class OfficeService(models.Model):
    """A service an office offers, its ticket prefix, and whether it is available now."""

    office = models.ForeignKey(
        "catalog.Office", on_delete=models.CASCADE, related_name="office_services"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.CASCADE, related_name="office_services"
    )
    queue_prefix = models.CharField(_("ticket prefix"), max_length=2, default="A")
    is_available = models.BooleanField(_("available"), default=True)
    unavailable_reason_id = models.CharField(_("why not (Indonesian)"), max_length=200, blank=True)
    unavailable_reason_en = models.CharField(_("why not (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service at an office")
        constraints = [
            models.UniqueConstraint(fields=["office", "service"], name="office_service_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}:{self.service_id}"


class Counter(models.Model):
    office = models.ForeignKey("catalog.Office", on_delete=models.CASCADE, related_name="counters")
    code = models.CharField(_("counter"), max_length=10)  # shown and spoken: "Loket 3"
    prefixes = models.CharField(_("ticket prefixes served"), max_length=20, default="A")
    serves_priority = models.BooleanField(_("serves the priority lane"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["office", "code"]
        verbose_name = _("counter")
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="counter_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.code}"


class Slot(models.Model):
    office = models.ForeignKey("catalog.Office", on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    pool = models.CharField(_("pool"), max_length=20, choices=Pool.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    taken = models.PositiveSmallIntegerField(_("taken (held or booked)"), default=0)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("slot")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "starts_at", "pool"], name="slot_unique_per_office_time_pool"
            ),
            models.CheckConstraint(
                condition=Q(taken__lte=F("capacity")), name="slot_never_overbooked"
            ),
        ]
        indexes = [models.Index(fields=["office", "pool", "starts_at"], name="slot_lookup")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.starts_at:%Y-%m-%d %H:%M} {self.pool} {self.taken}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)


class BookingStatus(models.TextChoices):
    HELD = "held", _("Held while confirming")
    CONFIRMED = "confirmed", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    COMPLETED = "completed", _("Served")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Hold expired")
    NO_SHOW = "no_show", _("Did not come")


ACTIVE_BOOKING = (BookingStatus.HELD, BookingStatus.CONFIRMED)


class Booking(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("booking code"), max_length=10, unique=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    person = models.ForeignKey(
        "applications.Person", on_delete=models.PROTECT, related_name="bookings"
    )
    # The verified identity (blind index of NIK or passport number), not the account: one
    # active booking per person per service however many accounts they open.
    identity_index = models.CharField(max_length=64)
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="bookings"
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
    )
    office = models.ForeignKey("catalog.Office", on_delete=models.PROTECT, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(
        max_length=20, choices=BookingStatus.choices, default=BookingStatus.HELD
    )
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    queue_number = models.CharField(_("queue number"), max_length=10, blank=True)
    needs_wheelchair = models.BooleanField(_("wheelchair"), default=False)
    needs_sign_language = models.BooleanField(_("sign-language interpreter"), default=False)
    brings_companion = models.BooleanField(_("companion"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("booking")
        constraints = [
            models.UniqueConstraint(
                fields=["identity_index", "service"],
                condition=Q(status__in=["held", "confirmed"]),
                name="one_active_booking_per_person_and_service",
            ),
            models.UniqueConstraint(
                fields=["account", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="booking_idempotency_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["slot", "status"], name="booking_by_slot"),
            models.Index(fields=["account", "status"], name="booking_by_account"),
        ]

    def __str__(self) -> str:
        return self.code


class WaitlistEntry(models.Model):
    """Tell me when a place frees up at this office for this service (and date, if given)."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    office = models.ForeignKey(
        "catalog.Office", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "office", "service", "date"], name="waitlist_once"
            )
        ]

    def __str__(self) -> str:
        return f"waitlist {self.office_id}:{self.service_id}"


class QueueCounter(models.Model):
    """Today's last number per office and ticket prefix (A-001, A-002…): one row, locked."""

    office = models.ForeignKey(
        "catalog.Office", on_delete=models.CASCADE, related_name="queue_counters"
    )
    date = models.DateField()
    prefix = models.CharField(max_length=2)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "date", "prefix"], name="queue_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date} {self.prefix}{self.last}"


class BookingEvent(models.Model):
    """Every booking transition with its time and actor (analytics, disputes)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)  # held, confirmed, rescheduled, cancelled, expired,
    # checked_in, no_show, completed
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=40, blank=True)  # "kiosk", "system"
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["kind", "at"], name="booking_event_kind_at")]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.kind}"


class Lane(models.TextChoices):
    REGULAR = "regular", _("Regular")
    PRIORITY = "priority", _("Priority")


class PriorityReason(models.TextChoices):
    """Layanan Ramah HAM groups (domain brief §2.8, §4.4)."""

    ELDERLY = "elderly", _("Aged 60 or over")
    DISABILITY = "disability", _("Person with a disability")
    PREGNANT = "pregnant", _("Pregnant")
    YOUNG_CHILD = "young_child", _("With a child under 5")


class TicketOrigin(models.TextChoices):
    BOOKED = "booked", _("Booked online")
    WALK_IN = "walk_in", _("Walk-in")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Served")
    NO_SHOW = "no_show", _("Did not come when called")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_TICKET = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)


class Ticket(models.Model):
    """One person's place in today's queue at one office."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey("catalog.Office", on_delete=models.PROTECT, related_name="tickets")
    date = models.DateField()  # office-local day
    number = models.CharField(_("ticket number"), max_length=10)  # "A-012", shown and spoken
    # Which counters may call it: the service's prefix; a transfer changes this, not the number.
    route_prefix = models.CharField(max_length=2)
    target_counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="tickets")
    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="ticket"
    )
    origin = models.CharField(max_length=10, choices=TicketOrigin.choices)
    lane = models.CharField(max_length=10, choices=Lane.choices, default=Lane.REGULAR)
    priority_reason = models.CharField(max_length=20, choices=PriorityReason.choices, blank=True)
    status = models.CharField(
        max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    # Queue order: a booked ticket is due at its slot's start (or its late arrival), a walk-in
    # when issued; transfers keep it, so a transferred person is not sent to the back.
    due_at = models.DateTimeField()
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    walk_in_slot = models.ForeignKey(
        Slot, on_delete=models.SET_NULL, null=True, blank=True, related_name="walk_in_tickets"
    )
    needs_wheelchair = models.BooleanField(_("wheelchair"), default=False)
    needs_sign_language = models.BooleanField(_("sign-language interpreter"), default=False)
    brings_companion = models.BooleanField(_("companion"), default=False)
    issued_at = models.DateTimeField(default=timezone.now)
    called_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(default=0)
    near_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("ticket")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "date", "number"], name="ticket_number_unique_per_office_day"
            )
        ]
        indexes = [
            models.Index(
                fields=["office", "date", "status", "lane", "due_at"], name="ticket_call_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date} {self.number}"


class TicketEvent(models.Model):
    """Issued, checked in, called, recalled, started, finished, no-show, transferred,
    cancelled: each with its time, actor and counter (wait, walk and service times)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    office = models.ForeignKey("catalog.Office", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=40, blank=True)
    counter_code = models.CharField(max_length=10, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["office", "kind", "at"], name="ticket_event_office_kind")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class QueueDay(models.Model):
    """Per office and day: the row call-next locks (atomic across officers) and the
    interleave state of the priority lane."""

    office = models.ForeignKey("catalog.Office", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    regular_since_priority = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="queue_day_unique")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.date}"
