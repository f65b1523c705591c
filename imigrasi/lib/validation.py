"""Small validators shared by forms and API schemas (one rule, two doors)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

_email = EmailValidator()


def is_valid_email(value: str) -> bool:
    try:
        _email(value.strip())
    except ValidationError:
        return False
    return True
