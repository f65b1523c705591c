"""Audit trail and token revocation for authentication events raised by Django and allauth."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from imigrasi.accounts.models import User
from imigrasi.accounts.tokens import revoke_all_tokens
from imigrasi.audit.recording import record_event


@receiver(auth_signals.user_logged_in)
def audit_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    record_event(actor=user, action="account.logged_in", obj=user, subject_id=user.pk)


@receiver(auth_signals.user_logged_out)
def audit_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record_event(actor=user, action="account.logged_out", obj=user, subject_id=user.pk)


@receiver(auth_signals.user_login_failed)
def audit_login_failure(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The typed email is personal data and may be someone else's: record only whether it
    # belongs to an account, and which one.
    email = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    user = User.objects.filter(email=email).first() if email else None
    record_event(
        actor=None,
        action="account.login_failed",
        obj=user,
        subject_id=user.pk if user else None,
        after={"known_account": user is not None},
    )


def _password_changed(request: Any, user: User, how: str) -> None:
    revoke_all_tokens(user, reason=f"password {how}")
    record_event(actor=user, action=f"account.password_{how}", obj=user, subject_id=user.pk)


@receiver(account_signals.password_changed)
def on_password_changed(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    _password_changed(request, user, "changed")


@receiver(account_signals.password_set)
def on_password_set(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    _password_changed(request, user, "set")


@receiver(account_signals.password_reset)
def on_password_reset(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    _password_changed(request, user, "reset")


@receiver(account_signals.email_confirmed)
def on_email_confirmed(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    user = email_address.user
    record_event(actor=user, action="account.email_verified", obj=user, subject_id=user.pk)


@receiver(mfa_signals.authenticator_added)
def on_authenticator_added(
    sender: Any, request: Any, user: User, authenticator: Any, **kwargs: Any
) -> None:
    # Enrolling is not a second-factor sign-in (imigrasi.accounts.second_factor): the session
    # must still prove a factor before staff pages open.
    record_event(
        actor=user,
        action="account.second_factor_added",
        obj=user,
        subject_id=user.pk,
        after={"type": authenticator.type},
    )


@receiver(mfa_signals.authenticator_removed)
def on_authenticator_removed(
    sender: Any, request: Any, user: User, authenticator: Any, **kwargs: Any
) -> None:
    record_event(
        actor=user,
        action="account.second_factor_removed",
        obj=user,
        subject_id=user.pk,
        before={"type": authenticator.type},
    )
