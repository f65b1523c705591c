"""Realistic synthetic history for the analytics pipeline (``manage.py generate_history``).

Written in the raw layout (layout.py) with negative ids and ``history-*.parquet`` names, so
the marts, the dashboard and the forecasts have years of data before the first real visit.

How the numbers are made, a month of days at a time and all of it vectorised with numpy:

* **Visits** per office × open day × service are gamma-Poisson (negative binomial) around
  ``VISITS_PER_DAY`` × the office's size (its kind, times a fixed per-office factor) × its
  growth trend × the weekday (Monday busiest, Friday quietest) × the calendar: the first half
  of Ramadan and more so its third week (umrah, travel home), a dip in the last days before
  Idulfitri, a deep one in the ten days after it and a smaller one the week after, Iduladha,
  school holidays (June–July, more children's passports), December, salary days, and the
  catch-up after a long closure. Offices are shut on weekends, national holidays and cuti
  bersama (calendar.py). Stay-permit (ITAS) visits follow the calendar only faintly.
* **Queue**: walk-ins arrive mostly 08:00–10:00, booked visitors shortly before their
  half-hour slot; the office has counters for its usual load, and a fluid queue per office-day
  (five-minute steps, slower over lunch and Friday prayers) turns arrivals into waits, so busy
  days and mornings wait longer. The priority lane waits a quarter of that. Service times are
  lognormal per service; 3 % of those called are not there (``no_show``).
* **Bookings**: every booked visit was ``confirmed`` 1–14 days before, ``checked_in`` on
  arrival and ``completed`` (or ``no_show``) with its ticket; besides, 8 % of confirmed
  bookings are ``cancelled`` before the slot and 10 % never come (``no_show`` when the slot
  ends) — those have no ticket.
* **Applications** (status events, as the export writes them): each served passport or ITAS
  visit belongs to an application sent and paid online before its booking (or walk-in),
  documents accepted by an officer on an earlier working day, the visit, then the decision and
  (passports) printing and collection on later working days — 2 % (passports) and 3 % (ITAS)
  refused, 1.5 % of passports never collected. Officers act on working days, 08:00–16:00.

Nothing after ``last_day`` is written: applications sent for visits still to come, or visited
but not yet decided, stay open, so the backlog at the end is what it would be. Applications
sent before ``first_day`` for visits after it are written. The same seed gives the same files.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from imigrasi.analytics.calendar import calendar_features
from imigrasi.analytics.history_files import EPOCH, Array, Columns, HistoryWriter, remove_history
from imigrasi.analytics.history_offices import OfficeProfile

ID_BASE = -(10**12)  # ids count up from here: all negative, in the order they are made
MICROS = 1_000_000
OPEN, CLOSE = 8 * 3600, 16 * 3600  # office-local seconds

# --- demand -------------------------------------------------------------------------------

# Visits on an ordinary Wednesday at the end of the history, for an office of weight 1.0.
# Tuned so that 150 offices (the 22 demo offices and the first 128 of history_offices) over
# three years make about 2.5 million tickets, 10 million ticket events, at --scale 1.
VISITS_PER_DAY = 23.2
KIND_WEIGHT = {
    "kanim_i_khusus": 3.2,
    "kanim_i": 1.6,
    "kanim_ii": 0.9,
    "kanim_iii": 0.5,
    "ulp": 0.6,
    "mpp": 0.4,
    "ukk": 0.25,
}
OFFICE_SPREAD = 0.3  # sigma of the lognormal per-office size factor
GROWTH, GROWTH_SPREAD = 0.07, 0.04  # yearly demand growth, mean and spread across offices
DAY_SHAPE = 14.0  # gamma shape of the day-to-day noise (coefficient of variation ≈ 0.27)
WEEKDAY = np.array([1.22, 1.06, 1.0, 0.96, 0.78, 0.0, 0.0])  # Monday … Sunday


@dataclass(frozen=True)
class VisitService:
    code: str
    share: float  # share of passport visits (ITAS: see ITAS_SHARE)
    minutes: float  # median time at the counter
    booked: float  # share of visits booked online
    priority: float  # share in the priority lane (elderly, disabled, pregnant, small children)
    workflow: str  # passport | visa (applications/workflow.py)


SERVICES = (
    VisitService("paspor-baru-dewasa", 0.47, 11.0, 0.74, 0.07, "passport"),
    VisitService("paspor-penggantian", 0.31, 8.5, 0.74, 0.09, "passport"),
    VisitService("paspor-anak", 0.16, 13.0, 0.70, 0.12, "passport"),
    VisitService("paspor-hilang", 0.06, 15.0, 0.40, 0.05, "passport"),
    VisitService("itas-perpanjangan", 0.0, 10.0, 0.72, 0.04, "visa"),
)
ITAS = len(SERVICES) - 1
# Foreign residents renewing stay permits: share of an office's visits, by province.
ITAS_SHARE = {
    "Bali": 0.20,
    "Kepulauan Riau": 0.12,
    "DKI Jakarta": 0.10,
    "Banten": 0.07,
    "Nusa Tenggara Barat": 0.06,
    "Sulawesi Utara": 0.05,
    "Jawa Barat": 0.04,
}
ITAS_DEFAULT = 0.025
SERVICE_SIGMA = 0.35  # lognormal sigma of service times

# --- the day at the office ----------------------------------------------------------------

HOURS = np.arange(8, 16)
WALK_INS_BY_HOUR = np.array([0.25, 0.22, 0.16, 0.12, 0.06, 0.09, 0.07, 0.03])
WALK_INS_BY_HOUR_FRIDAY = np.array([0.28, 0.25, 0.18, 0.08, 0.03, 0.09, 0.06, 0.03])
SLOT_SECONDS = 1800
SLOTS = np.array(  # half-hour slots 08:00 … 15:30 (booked places, lunch lower)
    [85, 85, 80, 80, 75, 75, 70, 65, 35, 35, 65, 60, 55, 50, 45, 40], dtype=float
)
SLOTS_FRIDAY = SLOTS * np.array([1] * 7 + [0.3] * 3 + [1] * 6)  # Friday prayers
BIN = 300  # seconds per step of the fluid queue
BINS = (22 - 8) * 3600 // BIN  # the queue drains by 22:00 at the latest
LAST_CALL = 19 * 3600  # the last visitors of a very busy day
TICKET_NO_SHOW = 0.03
PRIORITY_WAIT = 0.25  # the priority lane waits this share of the regular wait
MAX_WAIT = 240  # minutes: offices stop handing out tickets well before anyone waits longer


def _capacity_profile(friday: bool) -> Array:
    """Share of counters at work per five-minute step from 08:00 (lunch, Friday prayers)."""
    minutes = np.arange(BINS) * BIN / 60 + 8 * 60
    profile = np.ones(BINS)
    profile[(minutes >= 12 * 60) & (minutes < 13 * 60)] = 0.6
    if friday:
        profile[(minutes >= 11 * 60 + 30) & (minutes < 13 * 60)] = 0.35
    return profile


CAPACITY = np.stack([_capacity_profile(False), _capacity_profile(True)])

# --- bookings and applications ------------------------------------------------------------

LEAD_DAYS = np.exp(-np.arange(14) / 5.0)  # booked 1 … 14 days ahead, mostly a few days
CANCELLED = 0.08  # of confirmed bookings
BOOKING_NO_SHOW = 0.10  # of confirmed bookings: never came, no ticket
KEPT = 1 - CANCELLED - BOOKING_NO_SHOW

ACCEPT_BEFORE = {0: 0.6, 1: 0.3, 2: 0.1}  # documents accepted N working days before booking
APPROVE_AFTER = {0: 0.35, 1: 0.45, 2: 0.12, 3: 0.05, 4: 0.02, 5: 0.01}  # passports, from visit
READY_AFTER = {2: 0.15, 3: 0.45, 4: 0.25, 5: 0.08, 6: 0.04, 7: 0.02, 8: 0.01}  # from approval
COLLECT_AFTER = {1: 0.35, 2: 0.2, 3: 0.13, 4: 0.09, 5: 0.07, 6: 0.05, 7: 0.04, 8: 0.03, 10: 0.04}
VISA_DECIDED_AFTER = {1: 0.08, 2: 0.17, 3: 0.32, 4: 0.23, 5: 0.10, 6: 0.05, 7: 0.03, 8: 0.02}
UNCOLLECTED_AFTER = 21  # working days (30 calendar days)
FUTURE_DAYS = 35  # applications are sent up to five weeks before their visit
PASSPORT_REJECTED, VISA_REJECTED, UNCOLLECTED = 0.02, 0.03, 0.015

TICKET_KINDS = ["issued", "called", "started", "finished", "no_show"]
BOOKING_KINDS = ["confirmed", "checked_in", "completed", "no_show", "cancelled"]
STATUSES = [
    "draft",
    "awaiting_payment",
    "in_review",
    "awaiting_visit",
    "interviewed",
    "in_production",
    "ready_for_pickup",
    "collected",
    "cancelled_uncollected",
    "rejected",
    "in_verification",
    "approved",
]
_S = {status: number for number, status in enumerate(STATUSES)}
LANES, ORIGINS = ["regular", "priority"], ["booked", "walk_in"]


# --- offices ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Offices:
    codes: list[str]
    offset: Array  # seconds east of UTC
    daily: Array  # visits on an ordinary day at the end of the history
    growth: Array  # per year
    shares: Array  # (offices, services)
    rate: Array  # visitors served per minute with all counters at work


def _offices(profiles: Sequence[OfficeProfile], seed: int, scale: float) -> _Offices:
    """Per-office parameters; each office's come from its own code, so adding offices does not
    change the others."""
    minutes = np.array([s.minutes for s in SERVICES]) * math.exp(SERVICE_SIGMA**2 / 2)
    passport = np.array([s.share for s in SERVICES[:ITAS]])
    offset, daily, growth, shares, rate = [], [], [], [], []
    for profile in profiles:
        rng = np.random.default_rng([seed, zlib.crc32(profile.code.encode())])
        itas = ITAS_SHARE.get(profile.province, ITAS_DEFAULT)
        mix = np.append(passport * (1 - itas), itas) * rng.gamma(50, 1 / 50, len(SERVICES))
        mix /= mix.sum()
        size = KIND_WEIGHT.get(profile.kind, 1.0) * rng.lognormal(0, OFFICE_SPREAD)
        visits = VISITS_PER_DAY * size * scale
        mean_minutes = float(mix @ minutes)
        # Enough counters that an ordinary Monday morning's queue clears before lunch.
        peak_per_hour = visits * WEEKDAY[0] * 0.21
        counters = max(1, math.ceil(peak_per_hour * mean_minutes / 60 / 1.1))
        utc = dt.datetime(2000, 1, 1, tzinfo=ZoneInfo(profile.timezone)).utcoffset()
        offset.append(int(utc.total_seconds()) if utc is not None else 7 * 3600)
        daily.append(visits)
        growth.append(rng.normal(GROWTH, GROWTH_SPREAD))
        shares.append(mix)
        rate.append(counters / mean_minutes)
    return _Offices(
        codes=[p.code for p in profiles],
        offset=np.array(offset, dtype=np.int64),
        daily=np.array(daily),
        growth=np.array(growth),
        shares=np.array(shares).reshape(len(profiles), len(SERVICES)),
        rate=np.array(rate),
    )


# --- calendar -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    first: int  # epoch day of index 0
    last_day: int  # epoch day of the history's last day (the trend's reference)
    weekday: Array
    open: Array  # offices open (Monday to Friday, no holiday or cuti bersama)
    demand: Array  # (days, services) calendar factor
    workday_number: Array  # working days up to and including each day
    workdays: Array  # workdays[n] is the epoch day of working day number n (index 0 unused)

    def index(self, day: Array) -> Array:
        return day - self.first

    def last_workday_before(self, day: Array) -> Array:
        """Working-day number of the last working day strictly before ``day``."""
        return self.workday_number[day - 1 - self.first]

    def workday_of(self, day: Array) -> Array:
        """Working-day number of a working ``day``."""
        return self.workday_number[day - self.first]


def _runs(flags: Array) -> Iterator[tuple[int, int]]:
    """(start, end) index pairs, end exclusive, of each run of True."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    yield from zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True)


def _calendar(first_day: dt.date, last_day: dt.date) -> _Calendar:
    low, high = first_day - dt.timedelta(days=120), last_day + dt.timedelta(days=180)
    index = pd.date_range(low, high, freq="D")
    features = calendar_features(index)
    weekday = np.asarray(index.weekday)
    is_open = (weekday < 5) & (features["holiday"].to_numpy() == 0)
    ramadan_late = features["ramadan_late"].to_numpy() == 1
    post_lebaran = features["post_lebaran"].to_numpy() == 1
    n = len(index)
    ramadan_early = np.zeros(n, dtype=bool)
    pre_lebaran = np.zeros(n, dtype=bool)
    after_lebaran = np.zeros(n, dtype=bool)
    for start, end in _runs(ramadan_late):
        ramadan_early[max(0, start - 15) : start] = True
        pre_lebaran[max(start, end - 5) : end] = True  # on the way home: offices quiet
    for _start, end in _runs(post_lebaran):
        after_lebaran[end : end + 7] = True
    closed_before = np.zeros(n, dtype=int)  # closed days right before each day
    for i in range(1, n):
        closed_before[i] = 0 if is_open[i - 1] else closed_before[i - 1] + 1
    month = np.asarray(index.month)
    school = features["school_holiday"].to_numpy() == 1
    factor = np.ones(n)
    factor[ramadan_early] *= 1.15
    factor[ramadan_late & ~pre_lebaran] *= 1.30
    factor[pre_lebaran] *= 0.60
    factor[post_lebaran] *= 0.40
    factor[after_lebaran] *= 0.75
    factor[features["iduladha"].to_numpy() == 1] *= 0.85
    factor[school & (month <= 7)] *= 1.20
    factor[month == 12] *= 1.10
    factor[features["month_start"].to_numpy() == 1] *= 1.04
    factor[(closed_before >= 3) & ~post_lebaran & ~after_lebaran] *= 1.15
    demand = np.repeat(factor[:, None], len(SERVICES), axis=1)
    child = [s.code for s in SERVICES].index("paspor-anak")
    demand[school, child] *= 1.5  # families travel in the school holidays
    demand[:, ITAS] = 1 + 0.3 * (factor - 1)  # foreign residents barely follow the calendar
    workday_number = np.cumsum(is_open)
    first = (low - EPOCH).days
    workdays = np.concatenate([[first - 1], first + np.flatnonzero(is_open)])
    return _Calendar(
        first=first,
        last_day=(last_day - EPOCH).days,
        weekday=weekday,
        open=is_open,
        demand=demand,
        workday_number=workday_number,
        workdays=workdays,
    )


# --- random helpers -----------------------------------------------------------------------


def _pick(rng: np.random.Generator, weights: Array, n: int) -> Array:
    cumulative = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cumulative, rng.random(n), side="right"), len(weights) - 1)


def _pick_from(rng: np.random.Generator, table: dict[int, float], n: int) -> Array:
    values = np.array(list(table))
    return values[_pick(rng, np.array(list(table.values())), n)]


def _utc(day: Array, local_seconds: Array, offset: Array) -> Array:
    """Microseconds since the epoch (UTC) of a local time on an epoch day."""
    whole = (day.astype(np.int64) * 86400 - offset) * MICROS
    return whole + np.round(local_seconds * MICROS).astype(np.int64)


def _local_day(utc_us: Array, offset: Array) -> Array:
    return (utc_us // MICROS + offset) // 86400


def _office_hours(rng: np.random.Generator, day: Array, offset: Array) -> Array:
    return _utc(day, rng.uniform(OPEN, CLOSE, len(day)), offset)


# --- one chunk of days --------------------------------------------------------------------


@dataclass
class _Visits:
    office: Array
    day: Array  # epoch day (office-local)
    service: Array
    booked: Array
    priority: Array
    slot: Array  # local seconds of the booked slot's start
    lead: Array  # days between the booking (or, for walk-ins, the application) and the visit
    no_show: Array
    issued: Array  # UTC microseconds from here on
    called: Array
    started: Array  # for no-shows: when marked no_show
    finished: Array
    cell: Array  # office × day × service cell (for the bookings without a ticket)
    cells: int


def _visits(rng: np.random.Generator, cal: _Calendar, offices: _Offices, days: Array) -> _Visits:
    n_offices, n_days, n_services = len(offices.codes), len(days), len(SERVICES)
    at = cal.index(days)
    trend = np.exp(offices.growth[:, None] * ((days - cal.last_day) / 365.25)[None, :])
    level = offices.daily[:, None] * trend * WEEKDAY[cal.weekday[at]][None, :]
    level = level * rng.gamma(DAY_SHAPE, 1 / DAY_SHAPE, level.shape)
    mean = level[:, :, None] * offices.shares[:, None, :] * cal.demand[at][None, :, :]
    counts = rng.poisson(mean).ravel()
    cell = np.repeat(np.arange(counts.size), counts)
    office = cell // (n_days * n_services)
    day_index = (cell // n_services) % n_days
    service = cell % n_services
    n = len(cell)

    booked_share = np.array([s.booked for s in SERVICES])[service]
    priority_share = np.array([s.priority for s in SERVICES])[service]
    booked = rng.random(n) < booked_share
    priority = rng.random(n) < priority_share
    friday = cal.weekday[at][day_index] == 4
    hour = np.where(
        friday,
        HOURS[_pick(rng, WALK_INS_BY_HOUR_FRIDAY, n)],
        HOURS[_pick(rng, WALK_INS_BY_HOUR, n)],
    )
    walk_in = hour * 3600.0 + rng.random(n) * 3600
    slot_number = np.where(friday, _pick(rng, SLOTS_FRIDAY, n), _pick(rng, SLOTS, n))
    slot = (OPEN + slot_number * SLOT_SECONDS).astype(float)
    early = np.clip(rng.normal(12, 9, n), -25, 35) * 60  # booked: a little before the slot
    arrival = np.where(booked, slot - early, walk_in)
    arrival = np.where(arrival < OPEN, OPEN + rng.random(n) * 120, arrival)
    arrival = np.minimum(arrival, CLOSE - 1 - rng.random(n) * 60)

    order = np.lexsort((arrival, office, day_index))
    office, day_index, service, cell = office[order], day_index[order], service[order], cell[order]
    booked, priority, slot, arrival = booked[order], priority[order], slot[order], arrival[order]

    # Fluid queue per office-day: people waiting before each five-minute step.
    office_day = office * n_days + day_index
    step = ((arrival - OPEN) // BIN).astype(np.int64)
    counted = np.bincount(office_day * BINS + step, minlength=n_offices * n_days * BINS)
    arrivals = counted.reshape(n_offices * n_days, BINS).astype(float)
    day_is_friday = cal.weekday[at] == 4
    rate = np.repeat(offices.rate, n_days)  # per office-day, office-major
    capacity = rate[:, None] * (BIN / 60) * CAPACITY[np.tile(day_is_friday, n_offices).astype(int)]
    waiting = np.zeros_like(arrivals)
    queue = np.zeros(n_offices * n_days)
    for b in range(BINS):
        waiting[:, b] = queue
        queue = np.maximum(queue + arrivals[:, b] - capacity[:, b], 0.0)
    ahead = waiting[office_day, step] + rng.random(n) * arrivals[office_day, step]
    wait = ahead / rate[office_day] * rng.lognormal(0, 0.3, n) + rng.exponential(2.0, n) + 0.3
    wait = np.where(priority, wait * PRIORITY_WAIT + rng.exponential(1.0, n), wait)
    wait = np.minimum(wait, MAX_WAIT + rng.random(n) * 30)
    called = np.maximum(np.minimum(arrival + wait * 60, LAST_CALL + rng.random(n) * 600), arrival)
    called += 5 + rng.random(n) * 25
    started = called + rng.uniform(10, 75, n)
    medians = np.log(np.array([s.minutes for s in SERVICES]))[service]
    minutes = np.clip(rng.lognormal(medians, SERVICE_SIGMA), 2, 60)
    finished = started + minutes * 60
    no_show = rng.random(n) < TICKET_NO_SHOW
    started = np.where(no_show, called + rng.uniform(120, 360, n), started)

    day = days[day_index]
    offset = offices.offset[office]
    return _Visits(
        office=office,
        day=day,
        service=service,
        booked=booked,
        priority=priority,
        slot=slot,
        lead=1 + _pick(rng, LEAD_DAYS, n),
        no_show=no_show,
        issued=_utc(day, arrival, offset),
        called=_utc(day, called, offset),
        started=_utc(day, started, offset),
        finished=_utc(day, finished, offset),
        cell=cell,
        cells=n_offices * n_days * n_services,
    )


def _ticket_events(visits: _Visits, ids: _Ids) -> Columns:
    n = len(visits.day)
    ticket = ids.take("ticket", n)
    per_ticket = np.where(visits.no_show, 3, 4)
    owner = np.repeat(np.arange(n), per_ticket)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(per_ticket) - per_ticket, per_ticket)
    times = np.stack([visits.issued, visits.called, visits.started, visits.finished], axis=1)
    kind = np.where(visits.no_show[owner] & (position == 2), 4, position)
    return {
        "event_id": ids.take("ticket_event", len(owner)),
        "ticket_id": ticket[owner],
        "office": visits.office[owner],
        "service": visits.service[owner],
        "lane": visits.priority[owner].astype(np.int8),
        "origin": (~visits.booked[owner]).astype(np.int8),
        "kind": kind,
        "at": times[owner, position],
        "day": visits.day[owner],
    }


def _booking_events(
    rng: np.random.Generator, visits: _Visits, offices: _Offices, ids: _Ids, days: Array
) -> Columns:
    n_days, n_services = len(days), len(SERVICES)
    kept = np.flatnonzero(visits.booked)
    per_cell = np.bincount(visits.cell[kept], minlength=visits.cells)
    cancelled = np.repeat(np.arange(visits.cells), rng.poisson(per_cell * CANCELLED / KEPT))
    absent = np.repeat(np.arange(visits.cells), rng.poisson(per_cell * BOOKING_NO_SHOW / KEPT))
    lost = np.concatenate([cancelled, absent])
    lost_office = lost // (n_days * n_services)
    lost_day = days[(lost // n_services) % n_days]
    lost_slot = OPEN + _pick(rng, SLOTS, len(lost)) * float(SLOT_SECONDS)

    office = np.concatenate([visits.office[kept], lost_office])
    service = np.concatenate([visits.service[kept], lost % n_services])
    day = np.concatenate([visits.day[kept], lost_day])
    slot_local = np.concatenate([visits.slot[kept], lost_slot])
    offset = offices.offset[office]
    slot = _utc(day, slot_local, offset)
    lead = np.concatenate([visits.lead[kept], 1 + _pick(rng, LEAD_DAYS, len(lost))])
    confirmed = _utc(day - lead, rng.uniform(6 * 3600, 23 * 3600, len(day)), offset)
    booking = ids.take("booking", len(day))
    k, c = len(kept), len(cancelled)
    # Kept bookings: confirmed, checked_in, completed | no_show. Lost: confirmed, then
    # cancelled before the slot or no_show at the slot's end.
    end_kind = np.where(visits.no_show[kept], 3, 2)
    cancel_at = confirmed[k : k + c] + (
        rng.uniform(0.05, 0.95, c) * (slot[k : k + c] - confirmed[k : k + c])
    ).astype(np.int64)
    absent_at = slot[k + c :] + SLOT_SECONDS * MICROS
    rows = [
        (np.arange(len(day)), np.zeros(len(day), dtype=np.int64), confirmed),
        (np.arange(k), np.ones(k, dtype=np.int64), visits.issued[kept]),
        (
            np.arange(k),
            end_kind,
            np.where(end_kind == 3, visits.started[kept], visits.finished[kept]),
        ),
        (np.arange(k, k + c), np.full(c, 4), cancel_at),
        (np.arange(k + c, len(day)), np.full(len(day) - k - c, 3), absent_at),
    ]
    owner = np.concatenate([r[0] for r in rows])
    kind = np.concatenate([r[1] for r in rows])
    at = np.concatenate([r[2] for r in rows])
    order = np.lexsort((at, owner))
    owner, kind, at = owner[order], kind[order], at[order]
    return {
        "event_id": ids.take("booking_event", len(owner)),
        "booking_id": booking[owner],
        "office": office[owner],
        "service": service[owner],
        "kind": kind,
        "at": at,
        "slot_starts_at": slot[owner],
        "day": day[owner],
    }


def _application_events(
    rng: np.random.Generator,
    visits: _Visits,
    offices: _Offices,
    cal: _Calendar,
    ids: _Ids,
    last_day: int,
) -> Columns:
    served = np.flatnonzero(~visits.no_show)
    n = len(served)
    office, service, day = visits.office[served], visits.service[served], visits.day[served]
    offset = offices.offset[office]
    finished = visits.finished[served]
    visa = service == ITAS
    # Sent and paid online, documents accepted on a working day before the booking was made
    # (a booking needs accepted documents) or, for walk-ins, before the visit day.
    anchor_day = np.where(visits.booked[served], day - visits.lead[served], day)
    accept_number = cal.last_workday_before(anchor_day) - _pick_from(rng, ACCEPT_BEFORE, n)
    accepted = _office_hours(rng, cal.workdays[accept_number], offset)
    review_hours = np.clip(rng.lognormal(np.log(18), 0.8, n), 0.5, 70)
    paying_minutes = np.clip(rng.lognormal(np.log(20), 0.7, n), 1, 110)
    paid = accepted - (review_hours * 3600 * MICROS).astype(np.int64)
    sent = paid - (paying_minutes * 60 * MICROS).astype(np.int64)
    visited = finished + (rng.uniform(5, 90, n) * MICROS).astype(np.int64)
    # The decision: passports approved (printing starts) or refused, ITAS approved or refused.
    visit_number = cal.workday_of(day)
    after = np.where(
        visa, _pick_from(rng, VISA_DECIDED_AFTER, n), _pick_from(rng, APPROVE_AFTER, n)
    )
    same_day = visited + (rng.uniform(10, 150, n) * 60 * MICROS).astype(np.int64)
    same_day_local = (same_day // MICROS + offset) % 86400
    after = np.where((after == 0) & (same_day_local > CLOSE + 1800), 1, after)
    decided = np.where(
        after == 0,
        same_day,
        _office_hours(rng, cal.workdays[visit_number + after], offset),
    )
    refused = rng.random(n) < np.where(visa, VISA_REJECTED, PASSPORT_REJECTED)
    ready_number = visit_number + after + _pick_from(rng, READY_AFTER, n)
    ready = _office_hours(rng, cal.workdays[ready_number], offset)
    uncollected = rng.random(n) < UNCOLLECTED
    collect_number = ready_number + np.where(
        uncollected, UNCOLLECTED_AFTER, _pick_from(rng, COLLECT_AFTER, n)
    )
    collected = _office_hours(rng, cal.workdays[collect_number], offset)

    s = _S
    review = np.where(visa, s["in_verification"], s["in_review"])
    after_visit = np.where(visa, s["in_verification"], s["interviewed"])
    decision = np.where(refused, s["rejected"], np.where(visa, s["approved"], s["in_production"]))
    end = np.where(uncollected, s["cancelled_uncollected"], s["collected"])
    printed = ~visa & ~refused
    steps: list[tuple[Array | int, Array | int, Array, Array | bool]] = [
        # (from, to, at, happens)
        (s["draft"], s["awaiting_payment"], sent, True),
        (s["awaiting_payment"], review, paid, True),
        (review, s["awaiting_visit"], accepted, True),
        (s["awaiting_visit"], after_visit, visited, True),
        (after_visit, decision, decided, True),
        (s["in_production"], s["ready_for_pickup"], ready, printed),
        (s["ready_for_pickup"], end, collected, printed),
    ]

    def column(part: int) -> Array:
        return np.stack([np.broadcast_to(np.asarray(step[part]), (n,)) for step in steps], axis=1)

    source, target, moment, happens = column(0), column(1), column(2), column(3)
    local_day = _local_day(moment, offset[:, None])
    happens = happens & (local_day <= last_day)
    application = ids.take("application", n)
    owner, position = np.nonzero(happens)  # row-major: each application's events in order
    return {
        "event_id": ids.take("application_event", len(owner)),
        "application_id": application[owner],
        "office": office[owner],
        "service": service[owner],
        "kind": np.zeros(len(owner), dtype=np.int8),
        "from_status": source[owner, position],
        "to_status": target[owner, position],
        "at": moment[owner, position],
        "day": local_day[owner, position],
    }


# --- ids and files ------------------------------------------------------------------------


@dataclass
class _Ids:
    used: dict[str, int] = field(default_factory=dict)

    def take(self, sequence: str, n: int) -> Array:
        start = self.used.get(sequence, 0)
        self.used[sequence] = start + n
        return ID_BASE + 1 + start + np.arange(n, dtype=np.int64)


# --- the whole run ------------------------------------------------------------------------


@dataclass
class HistoryResult:
    offices: int
    first_day: dt.date
    last_day: dt.date
    rows: dict[str, int]
    files: int
    removed: int
    seconds: float

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def default_last_day() -> dt.date:
    """Yesterday in the westernmost zone (WIB), which is yesterday or today for every office."""
    return dt.datetime.now(ZoneInfo("Asia/Jakarta")).date() - dt.timedelta(days=1)


def first_day_for(last_day: dt.date, years: float) -> dt.date:
    """The first day of ``years`` years ending on ``last_day`` (whole years: same date)."""
    if years == int(years):
        try:
            start = last_day.replace(year=last_day.year - int(years))
        except ValueError:  # 29 February
            start = last_day.replace(year=last_day.year - int(years), day=28)
        return start + dt.timedelta(days=1)
    return last_day - dt.timedelta(days=max(1, round(years * 365.25)) - 1)


def _months(first_day: dt.date, last_day: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    start = first_day
    while start <= last_day:
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        end = min(last_day, following - dt.timedelta(days=1))
        yield start, end
        start = end + dt.timedelta(days=1)


def generate(
    profiles: Sequence[OfficeProfile],
    first_day: dt.date,
    last_day: dt.date,
    base: Path,
    *,
    seed: int = 7,
    scale: float = 1.0,
) -> HistoryResult:
    """Replace the history under ``base``/raw with a new one for ``profiles``."""
    started = time.perf_counter()
    removed = remove_history(base)
    cal = _calendar(first_day, last_day)
    offices = _offices(profiles, seed, scale)
    writer = HistoryWriter(
        base,
        seed,
        strings={
            "office": offices.codes,
            "service": [s.code for s in SERVICES],
            "lane": LANES,
            "origin": ORIGINS,
            "from_status": STATUSES,
            "to_status": STATUSES,
        },
        kinds={
            "ticket_events": TICKET_KINDS,
            "booking_events": BOOKING_KINDS,
            "application_events": ["status"],
        },
    )
    ids = _Ids()
    pending: list[Columns] = []  # application events wait until their days are complete
    last = (last_day - EPOCH).days
    # Visits of the next weeks too, for their applications already sent (the backlog at the
    # end): their tickets and bookings are not written, nor anything after the last day.
    ahead = _months(last_day + dt.timedelta(days=1), last_day + dt.timedelta(days=FUTURE_DAYS))
    for first, final in [*_months(first_day, last_day), *ahead]:
        rng = np.random.default_rng([seed, first.year, first.month, first.day])
        days = np.arange((first - EPOCH).days, (final - EPOCH).days + 1)
        days = days[cal.open[cal.index(days)]]
        if not len(days) or not profiles:
            continue
        visits = _visits(rng, cal, offices, days)
        if first <= last_day:
            writer.write("ticket_events", _ticket_events(visits, ids))
            writer.write("booking_events", _booking_events(rng, visits, offices, ids, days))
        pending.append(_application_events(rng, visits, offices, cal, ids, last))
        # Later visits' applications start at most ~5 weeks before them: older days are done.
        pending = _flush(writer, pending, before=int(days[-1]) + 1 - 45)
    _flush(writer, pending, before=None)
    return HistoryResult(
        offices=len(profiles),
        first_day=first_day,
        last_day=last_day,
        rows=writer.rows,
        files=writer.files,
        removed=removed,
        seconds=time.perf_counter() - started,
    )


def _flush(writer: HistoryWriter, pending: list[Columns], before: int | None) -> list[Columns]:
    if not pending:
        return []
    merged = {name: np.concatenate([part[name] for part in pending]) for name in pending[0]}
    done = np.ones(len(merged["day"]), dtype=bool) if before is None else merged["day"] < before
    writer.write("application_events", {name: values[done] for name, values in merged.items()})
    rest = {name: values[~done] for name, values in merged.items()}
    return [rest] if len(rest["day"]) else []
