"""allauth hooks: encrypted TOTP secrets, staff must keep a second factor, audited sign-up."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from imigrasi.lib import crypto

_TOTP_CONTEXT = "allauth.mfa.Authenticator.secret"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        from django.urls import reverse

        user = request.user
        if getattr(user, "is_staff_role", False):
            return reverse("staff:home")
        return super().get_login_redirect_url(request)

    def get_reauthentication_methods(self, user: Any) -> list[dict[str, Any]]:
        """An account with a second factor confirms with it first: security changes need the
        factor (imigrasi.accounts.middleware), so offering the password first is a detour."""
        methods: list[dict[str, Any]] = super().get_reauthentication_methods(user)
        return sorted(methods, key=lambda method: not method["id"].startswith("mfa_"))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text, _TOTP_CONTEXT)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text, _TOTP_CONTEXT)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff may swap factors but never fall back to a password alone."""
        user: Any = authenticator.user
        if not getattr(user, "is_staff_role", False):
            return True
        strong = Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exclude(pk=authenticator.pk)
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True
        return strong.exists()
