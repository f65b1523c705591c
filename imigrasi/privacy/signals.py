"""Consent given on the sign-up form is recorded with the notice version."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_signed_up
from django.dispatch import receiver
from django.utils.translation import get_language

from imigrasi.privacy.consent import do_give_consent


@receiver(user_signed_up)
def record_sign_up_consent(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The sign-up form cannot be sent without ticking the consent box (SignupProfileForm).
    do_give_consent(user, language=(get_language() or "id")[:2])
