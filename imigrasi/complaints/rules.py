"""The rules of complaint handling as data: categories, the status machine, SLA working days,
tracking numbers and the LAPOR! status names.

Kept free of models so that the web form, the LAPOR! import, the export and the sweep all read
the same tables; changing a deadline is a change to ``data/sla.json``, not to code.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

from imigrasi.lib.identifiers import luhn_check_digit
from imigrasi.lib.workdays import add_working_days

DATA = Path(__file__).resolve().parent / "data"
AGENCY = "Direktorat Jenderal Imigrasi"

RECEIVED, VERIFIED, ASSIGNED = "received", "verified", "assigned"
FOLLOWED_UP, ANSWERED, CLOSED = "followed_up", "answered", "closed"

# Where each status may go. Closing straight from "received" is for what is out of scope
# (a criminal matter, a duplicate) and needs a reason the complainant reads.
TRANSITIONS: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({VERIFIED, CLOSED}),
    VERIFIED: frozenset({ASSIGNED}),
    ASSIGNED: frozenset({FOLLOWED_UP}),
    FOLLOWED_UP: frozenset({ANSWERED}),
    ANSWERED: frozenset({CLOSED, FOLLOWED_UP}),
    CLOSED: frozenset(),
}
# Steps the complainant must be told about in words.
RESPONSE_REQUIRED = frozenset({(FOLLOWED_UP, ANSWERED), (RECEIVED, CLOSED)})

# Our statuses in LAPOR!'s vocabulary (domain brief §5.3: diterima → diverifikasi →
# didisposisikan → ditindaklanjuti → selesai). LAPOR! has no "answered": an answer is part of
# the follow-up there.
TO_LAPOR = {
    RECEIVED: "diterima",
    VERIFIED: "diverifikasi",
    ASSIGNED: "didisposisikan",
    FOLLOWED_UP: "ditindaklanjuti",
    ANSWERED: "ditindaklanjuti",
    CLOSED: "selesai",
}
# An imported complaint enters in the status LAPOR! gives, at most "verified": disposition
# and later steps are ours to take.
FROM_LAPOR = {"diterima": RECEIVED, "diverifikasi": VERIFIED}

TRACKING_PREFIX = "PG"
_TRACKING = re.compile(r"PG([0-9]{10})")
# Secrets are read aloud and typed from paper: no 0/O, 1/I/L.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def needs_response(current: str, target: str) -> bool:
    return (current, target) in RESPONSE_REQUIRED


@dataclass(frozen=True)
class Category:
    code: str
    label_id: str
    label_en: str

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "id").startswith("en") else self.label_id


@cache
def categories() -> tuple[Category, ...]:
    data = json.loads((DATA / "categories.json").read_text(encoding="utf-8"))
    return tuple(Category(**item) for item in data["categories"])


def category(code: str) -> Category | None:
    return next((item for item in categories() if item.code == code), None)


@cache
def sla_days() -> dict[str, int]:
    """Working days allowed in each status before the complaint is overdue (``data/sla.json``)."""
    data = json.loads((DATA / "sla.json").read_text(encoding="utf-8"))
    return {status: int(rule["days"]) for status, rule in data["working_days"].items()}


def due_on(status: str, entered: dt.date) -> dt.date | None:
    """The last working day to leave ``status`` when it was entered on ``entered`` (the
    office's local date); None for statuses without a deadline (closed)."""
    days = sla_days().get(status)
    return None if days is None else add_working_days(entered, days)


def new_tracking_number() -> str:
    """``PG`` + 9 random digits + a Luhn check digit: a mistyped number fails before lookup."""
    body = f"{secrets.randbelow(10**9):09d}"
    return f"{TRACKING_PREFIX}{body}{luhn_check_digit(body)}"


def normalise_tracking_number(raw: str) -> str | None:
    """Accept what people type ("pg-1234-5678-90"); None when it cannot be valid."""
    cleaned = re.sub(r"[\s\-.]", "", raw or "").upper()
    match = _TRACKING.fullmatch(cleaned)
    if match is None:
        return None
    digits = match.group(1)
    return cleaned if luhn_check_digit(digits[:-1]) == digits[-1] else None


def display_tracking_number(number: str) -> str:
    digits = number[2:]
    return f"PG-{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def new_secret() -> str:
    """Shown once at filing; with the number it opens the complaint (40 bits, rate-limited)."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_secret(raw: str) -> str:
    cleaned = re.sub(r"[\s\-]", "", raw or "").upper()
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == 8 else cleaned
