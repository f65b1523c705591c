"""Application numbers: random (not enumerable), short to read aloud, with a check digit.

Format ``IM-dddd-dddd-c``: 8 random digits and a Luhn check digit, so a mistyped number is
caught before any lookup (the public status check depends on that).
"""

from __future__ import annotations

import re
import secrets

from imigrasi.lib.identifiers import luhn_check_digit

_DIGITS_RE = re.compile(r"^IM(\d{9})$")


def new_application_number() -> str:
    body = f"{secrets.randbelow(10**8):08d}"
    return f"IM{body}{luhn_check_digit(body)}"


def normalise_application_number(raw: str) -> str | None:
    """Accept what people type ("im-1234 5678-9", lower case); None when it cannot be valid."""
    cleaned = re.sub(r"[\s\-.]", "", raw or "").upper()
    match = _DIGITS_RE.match(cleaned)
    if not match:
        return None
    digits = match.group(1)
    if luhn_check_digit(digits[:-1]) != digits[-1]:
        return None
    return cleaned


def display_number(number: str) -> str:
    digits = number[2:]
    return f"IM-{digits[:4]}-{digits[4:8]}-{digits[8:]}"
