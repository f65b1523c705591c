"""manage.py demo_totp_code EMAIL: the current authenticator code of a demo staff user."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from imigrasi.accounts.demo import DEMO_USERS


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo staff account (not available in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Not available in production mode.")
        email = options["email"].strip().lower()
        if email not in {demo.email for demo in DEMO_USERS}:
            raise CommandError("Only demo accounts have codes printed here.")
        authenticator = Authenticator.objects.filter(
            user__email=email, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError("That account has no authenticator; run `make run` first.")
        secret = decrypt(authenticator.data["secret"])
        counters = list(yield_hotp_counters_from_time())
        current = counters[len(counters) // 2]
        self.stdout.write(format_hotp_value(hotp_value(secret, current)))
