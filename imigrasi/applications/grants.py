"""Taking back a granted visa or stay permit (cancellation).

Who: a supervisor of the office that granted it. The domain brief leaves the grant's
decision to the head of office (§2.5, §8.2); taking it back weighs at least as much, so an
officer of the same office cannot do it alone (they prepare it, the supervisor decides), and
nobody at another office can.

What happens, in one transaction: the application moves to "cancelled" (terminal; the holder
is notified like any status change and reads the reason category and note on their page), its
signed document codes are revoked (``credentials.actions.do_revoke``: the public check says
"revoked" from now on), and ``visa.cancelled`` / ``stay_permit.cancelled`` goes to the
subscribed agencies through the outbox. The status change writes one audit entry holding the
reason category only (the note to the holder may name people); each revoked code writes its
own "credential.revoked" entry, as every revocation does. Cancelling twice changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from imigrasi.accounts.models import Role, User
from imigrasi.applications.actions import ApplicationError, Conflict, _change_status
from imigrasi.applications.models import Application
from imigrasi.applications.workflow import Actor, CancellationReason, Status
from imigrasi.catalog.models import ServiceFamily
from imigrasi.credentials.actions import do_revoke
from imigrasi.credentials.models import IssuedCredential

CANCEL_ACTION = "cancel_grant"
REVOCATION_REASON = "permit cancelled"
NOTE_MAX_LENGTH = 1000


def is_cancellable(application: Application) -> bool:
    """A granted (approved) visa or stay permit: the only thing this module takes back."""
    return application.status == Status.APPROVED and application.service.family in (
        ServiceFamily.VISA,
        ServiceFamily.STAY_PERMIT,
    )


def may_cancel(user: User, application: Application) -> bool:
    return (
        user.role == Role.SUPERVISOR
        and user.office_id is not None
        and user.office_id == application.office_id
        and user.pk != application.account_id
    )


def _holder_message(application: Application, reason: str, note: str) -> str:
    """What the holder reads in their history, in their language."""
    with translation.override(application.account.preferred_language or "id"):
        label = str(CancellationReason(reason).label)
        return f"{label}. {note}" if note else label


def do_cancel_grant(
    application: Application,
    supervisor: User,
    *,
    reason: str,
    note: str = "",
    expected_version: int,
) -> bool:
    """Cancel a granted visa or stay permit. Returns False when it was already cancelled
    (a repeated request, two supervisors at once): nothing changes and nothing is recorded.
    Raises ApplicationError ("not_found", "cancellation_reason_required",
    "changed_by_someone_else") or IllegalTransition (nothing granted to cancel)."""
    if not may_cancel(supervisor, application):
        raise ApplicationError("not_found")
    if application.status == Status.CANCELLED:
        return False
    if reason not in CancellationReason.values:
        raise ApplicationError("cancellation_reason_required")
    if application.version != expected_version:
        raise Conflict("changed_by_someone_else")
    note = " ".join(note.split())[:NOTE_MAX_LENGTH]
    try:
        with transaction.atomic():
            # The reason is on the row before the change publishes the event that carries it.
            Application.objects.filter(pk=application.pk).update(cancellation_reason=reason)
            application.cancellation_reason = reason
            application = _change_status(
                application,
                CANCEL_ACTION,
                Actor.SUPERVISOR,
                supervisor,
                message=_holder_message(application, reason, note),
                audit_reason=f"cancelled: {reason}",
            )
            for credential in IssuedCredential.objects.filter(
                reference=application.number, revoked_at__isnull=True
            ):
                do_revoke(credential, supervisor, REVOCATION_REASON)
    except Conflict:
        application.refresh_from_db()
        if application.status == Status.CANCELLED:
            return False  # the other request cancelled it: the same outcome
        raise
    return True


def cancellation_message() -> str:
    """The supervisor's confirmation after a cancellation."""
    return _(
        "The visa or stay permit is cancelled. Its document is revoked, the holder has been "
        "notified and the subscribed agencies are told."
    )
