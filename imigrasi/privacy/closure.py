"""Closing an account at its holder's request (consent withdrawn, UU PDP Art. 8 and 16).

What happens, and when (docs/privacy.md has the same list for people):

At once (the request): every consent is withdrawn, the account can no longer sign in (all
sessions and API tokens stop working), and the rest is queued.

Within minutes (the task; the law allows 3 × 24 hours): drafts and everything uploaded for
them are deleted; future office visits are cancelled and their places freed; waitlist places,
assistant conversations, copies of data, second factors and email addresses are deleted; the
account row keeps no name, email, phone or NIK.

Kept, under legal retention (imigrasi.privacy.retention): sent applications with their
documents and history, and past office visits — they are official records. They stay linked
to the anonymised account until their retention period ends; then the retention job deletes
them, and the account row with them.
"""

from __future__ import annotations

import contextlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from imigrasi.accounts.models import ApiToken, User
from imigrasi.accounts.tokens import revoke_all_tokens
from imigrasi.applications.models import Application, Document, Person
from imigrasi.applications.workflow import Status
from imigrasi.appointments.actions import BookingError, do_cancel
from imigrasi.appointments.models import ACTIVE_BOOKING, Booking, WaitlistEntry
from imigrasi.assistant.models import Conversation
from imigrasi.audit.recording import record_event
from imigrasi.lib.background import enqueue_on_commit
from imigrasi.privacy import tasks
from imigrasi.privacy.actions import delete_export_file
from imigrasi.privacy.consent import withdraw_all_consents
from imigrasi.privacy.models import AccountClosure, DataExport


def do_close_account(account: User) -> AccountClosure:
    """The holder's request, after re-entering their password (the view checks it)."""
    with transaction.atomic():
        closure, created = AccountClosure.objects.get_or_create(account=account)
        if not created:
            return closure
        withdraw_all_consents(account)
        User.objects.filter(pk=account.pk).update(is_active=False)
        revoke_all_tokens(account, reason="account closed")
        record_event(
            actor=account,
            action="privacy.account_closure_requested",
            obj=account,
            subject_id=account.pk,
        )
        enqueue_on_commit(tasks.close_account, account.pk)
    return closure


def delete_draft(application: Application) -> None:
    """A draft and its files: nothing about it is an official record yet."""
    storage = storages["documents"]
    for name in Document.objects.filter(application=application).values_list(
        "storage_name", flat=True
    ):
        storage.delete(name)
    application.delete()


def delete_unused_people(account: User) -> int:
    unused = Person.objects.filter(account=account).exclude(
        Q(applications__isnull=False) | Q(bookings__isnull=False)
    )
    count = unused.count()
    unused.delete()
    return count


def do_finish_closure(account_id: int) -> str:
    closure = AccountClosure.objects.filter(account_id=account_id).select_related("account").first()
    if closure is None:
        return "missing"
    if closure.completed_at is not None:
        return "done"
    account = closure.account
    for booking in Booking.objects.filter(account=account, status__in=ACTIVE_BOOKING):
        # A booking that ended meanwhile (checked in, expired) has no place to free.
        with contextlib.suppress(BookingError):
            do_cancel(booking, account, reason="account closed", even_if_late=True)
    with transaction.atomic():
        drafts = list(Application.objects.filter(account=account, status=Status.DRAFT))
        for draft in drafts:
            delete_draft(draft)
        for export in DataExport.objects.filter(account=account):
            delete_export_file(export)
        DataExport.objects.filter(account=account).delete()
        WaitlistEntry.objects.filter(account=account).delete()
        Conversation.objects.filter(account=account).delete()
        Authenticator.objects.filter(user=account).delete()
        EmailAddress.objects.filter(user=account).delete()
        ApiToken.objects.filter(user=account).delete()
        delete_unused_people(account)
        kept = Application.objects.filter(account=account).count()
        anonymise(account)
        AccountClosure.objects.filter(pk=closure.pk).update(
            completed_at=timezone.now(), kept_applications=kept, deleted_drafts=len(drafts)
        )
        record_event(
            actor=None,
            system_actor="task:privacy.close_account",
            action="privacy.account_closed",
            object_type="accounts.User",
            object_id=str(account.public_id),
            subject_id=account.pk,
            after={"deleted_drafts": len(drafts), "kept_applications": kept},
        )
    return "closed"


def anonymise(account: User) -> None:
    """The row stays while official records point to it; nothing in it identifies anyone."""
    account.email = f"ditutup-{account.public_id.hex}@akun-ditutup.invalid"
    account.full_name = ""
    account.phone = ""
    account.nik = None
    account.is_active = False
    account.set_unusable_password()
    account.save()
