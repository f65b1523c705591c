"""Demo data: every demo applicant accepted the privacy notice when signing up."""

from __future__ import annotations

from imigrasi.accounts.models import Role, User
from imigrasi.privacy.consent import do_give_consent, needs_consent


def load() -> list[str]:
    accepted = 0
    for account in User.objects.filter(role=Role.APPLICANT, is_active=True):
        if needs_consent(account):
            do_give_consent(account, language=account.preferred_language)
            accepted += 1
    return [f"Privacy: {accepted} demo accounts recorded as having accepted the notice"]
