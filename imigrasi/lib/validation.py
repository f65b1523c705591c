"""Small validators shared by forms and API schemas (one rule, two doors)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

_email = EmailValidator()


def is_valid_email(value: str) -> bool:
    try:
        _email(value.strip())
    except ValidationError:
        return False
    return True


_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PHONE_RE = re.compile(r"^\+?[0-9]{8,15}$")


def normalise_phone(value: str) -> str:
    return _PHONE_SEPARATORS.sub("", value or "")


def is_valid_phone(value: str) -> bool:
    """8 to 15 digits, optionally with a leading + (Indonesian 08… and international +62…)."""
    return bool(_PHONE_RE.match(normalise_phone(value)))
