"""Password checks per NIST SP 800-63B-4 §3.1.1.2: no composition rules, but refuse passwords
that are too long to hash cheaply, built from context words, or repetitive/sequential.

Length and the common-password blocklist come from Django's own validators (settings).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PASSWORD_LENGTH = 128

# The service's name (letters only): a password containing it is refused outright.
SERVICE_NAMES = ("imigrasidigital", "imigrasi", "immigration")
# Words an attacker tries first against this particular service.
CONTEXT_WORDS = (*SERVICE_NAMES, "digital", "paspor", "passport", "indonesia", "mpaspor")


class MaximumLengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ValidationError(
                _("Use at most %(max)d characters.") % {"max": MAX_PASSWORD_LENGTH},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Use at most %(max)d characters.") % {"max": MAX_PASSWORD_LENGTH}


class ContextWordValidator:
    """Refuse passwords containing the service's name, and those that are mostly other
    context words (passport, Indonesia…) or the account's own email, padded with digits and
    symbols ("Paspor-Indonesia-2026!")."""

    def validate(self, password: str, user: Any = None) -> None:
        letters = re.sub(r"[^a-z]", "", password.lower())
        words = list(CONTEXT_WORDS)
        email = getattr(user, "email", "") or ""
        local_part = re.sub(r"[^a-z]", "", email.split("@")[0].lower())
        if len(local_part) >= 4:
            words.append(local_part)
        rest = letters
        for word in sorted(words, key=len, reverse=True):
            rest = rest.replace(word, "")
        if any(name in letters for name in SERVICE_NAMES) or (rest != letters and len(rest) < 8):
            raise ValidationError(
                _("Your password is too close to the name of this service or your email."),
                code="password_context",
            )

    def get_help_text(self) -> str:
        return _("Do not build your password from the name of this service or your email.")


class RepetitionValidator:
    """Refuse passwords made of one repeated character or one keyboard/number run."""

    SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm")

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        if len(set(lowered)) <= 2 or self._is_run(lowered) or self._is_repeated_unit(lowered):
            raise ValidationError(
                _("Your password is a repeated character or a simple sequence."),
                code="password_repetitive",
            )

    @staticmethod
    def _is_repeated_unit(text: str) -> bool:
        """ "passwordpassword", "abcabcabcabcabc": one short string said again."""
        return any(
            len(text) % size == 0 and text == text[:size] * (len(text) // size)
            for size in range(1, len(text) // 2 + 1)
        )

    def _is_run(self, text: str) -> bool:
        for sequence in self.SEQUENCES:
            for source in (sequence, sequence[::-1]):
                cycled = source * (len(text) // len(source) + 2)
                if text in cycled:
                    return True
        return False

    def get_help_text(self) -> str:
        return _("Do not use a repeated character or a simple sequence.")


class CommonBaseValidator:
    """Refuse a common password padded to length ("sunshine1234567", "123password!!!!!").

    Django's blocklist holds few passwords of 15+ characters, and padding a listed password with
    digits or symbols is exactly what people do to pass a length rule.
    """

    def __init__(self) -> None:
        from django.contrib.auth.password_validation import CommonPasswordValidator

        self.common = CommonPasswordValidator().passwords

    def validate(self, password: str, user: Any = None) -> None:
        base = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())
        if len(base) >= 4 and base in self.common and len(password) - len(base) < 8:
            raise ValidationError(
                _("Your password is a common password with a few characters added."),
                code="password_common_base",
            )

    def get_help_text(self) -> str:
        return _("Do not pad a common password with numbers or symbols.")
