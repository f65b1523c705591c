"""The status machines (domain brief §2.5 for passports, §8.2 for visas and stay permits).

Statuses change only through named actions, each allowed from given statuses and for given
kinds of actor. Every status carries what it means for the applicant, what they do next and
how long it usually takes, so the applicant's page is generated from this one table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    PAYMENT_EXPIRED = "payment_expired", _("Billing code expired")
    IN_REVIEW = "in_review", _("Documents being checked")
    DOCUMENTS_REQUESTED = "documents_requested", _("More documents needed")
    AWAITING_VISIT = "awaiting_visit", _("Waiting for your office visit")
    INTERVIEWED = "interviewed", _("Interview done, awaiting decision")
    IN_PRODUCTION = "in_production", _("Approved, passport being printed")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready to collect")
    COLLECTED = "collected", _("Collected")
    IN_VERIFICATION = "in_verification", _("Being verified")
    INFORMATION_REQUESTED = "information_requested", _("More information needed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")
    NO_SHOW = "no_show", _("Missed the office visit")
    CANCELLED_UNCOLLECTED = "cancelled_uncollected", _("Cancelled: not collected in time")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled by the immigration office")


TERMINAL = frozenset(
    {
        Status.COLLECTED,
        Status.APPROVED,
        Status.REJECTED,
        Status.NO_SHOW,
        Status.CANCELLED_UNCOLLECTED,
        Status.WITHDRAWN,
        Status.CANCELLED,
    }
)
# Statuses in which the office owes the applicant work (counted against the SLA).
OFFICE_WORK = frozenset(
    {
        Status.IN_REVIEW,
        Status.INTERVIEWED,
        Status.IN_PRODUCTION,
        Status.IN_VERIFICATION,
    }
)


@dataclass(frozen=True)
class StatusText:
    meaning: Promise
    next_step: Promise
    expected: Promise


STATUS_TEXT: dict[str, StatusText] = {
    Status.DRAFT: StatusText(
        _("You have started this application but not sent it yet."),
        _("Answer the remaining questions, upload your documents and send the application."),
        _("Your answers are saved; you can continue at any time."),
    ),
    Status.AWAITING_PAYMENT: StatusText(
        _("Your application is sent. We are waiting for your payment."),
        _(
            "Pay the fee with the billing code at a bank, ATM, mobile banking, post office or "
            "minimarket."
        ),
        _("Pay before the billing code expires (usually 2 hours)."),
    ),
    Status.PAYMENT_EXPIRED: StatusText(
        _("The billing code expired before it was paid. Your application and documents are kept."),
        _("Ask for a new billing code and pay it."),
        _("A new code is ready at once."),
    ),
    Status.IN_REVIEW: StatusText(
        _("We received your payment. An officer is checking your documents."),
        _("Nothing to do now. We will tell you if anything is missing."),
        _("Usually within 2 working days."),
    ),
    Status.DOCUMENTS_REQUESTED: StatusText(
        _("The officer needs more or better documents before continuing."),
        _("Read the officer's message, upload what is asked and send it back."),
        _("The check continues as soon as you answer."),
    ),
    Status.AWAITING_VISIT: StatusText(
        _(
            "Your documents are accepted. The law requires a visit for your photo, fingerprints "
            "and interview."
        ),
        _("Go to the office on your appointment day with the original documents."),
        _("On the date of your appointment."),
    ),
    Status.INTERVIEWED: StatusText(
        _("Your interview, photo and fingerprints are done. The head of office is deciding."),
        _("Nothing to do now."),
        _("Usually within 1 working day."),
    ),
    Status.IN_PRODUCTION: StatusText(
        _("Your application is approved and your passport is being printed."),
        _("Nothing to do now. We will tell you when it is ready."),
        _("4 working days after approval; the same day for accelerated service."),
    ),
    Status.READY_FOR_PICKUP: StatusText(
        _("Your passport is ready."),
        _(
            "Collect it at the office with your receipt. A family member on your family card, or "
            "someone with a stamped power of attorney, may collect it for you."
        ),
        _("Collect it within 30 days, or it is cancelled."),
    ),
    Status.COLLECTED: StatusText(
        _("You collected your passport. This application is complete."),
        _("Nothing more to do."),
        _("Complete."),
    ),
    Status.IN_VERIFICATION: StatusText(
        _("We received your payment. Officers are verifying your application and your sponsor."),
        _("Nothing to do now. We will tell you if anything is missing."),
        _("Usually 4 to 5 working days."),
    ),
    Status.INFORMATION_REQUESTED: StatusText(
        _("The officer needs more information or documents."),
        _("Read the officer's message, upload what is asked and send it back."),
        _("Verification continues as soon as you answer."),
    ),
    Status.APPROVED: StatusText(
        _("Your application is approved. Your e-Visa or permit has been sent to your email."),
        _("Keep the document; show its QR code at the border or office."),
        _("Complete."),
    ),
    Status.REJECTED: StatusText(
        _("Your application was not approved. The reason is shown below."),
        _("You may apply again once the reason is resolved. Paid fees are not refunded."),
        _("Complete."),
    ),
    Status.NO_SHOW: StatusText(
        _("You did not come to the office on your appointment day."),
        _(
            "Contact the office: a new date is possible only after an office error or force "
            "majeure."
        ),
        _("Complete."),
    ),
    Status.CANCELLED_UNCOLLECTED: StatusText(
        _("The passport was not collected within 30 days and has been cancelled."),
        _("Apply again. You need a cancellation letter from the office."),
        _("Complete."),
    ),
    Status.WITHDRAWN: StatusText(
        _("You withdrew this application."),
        _("Nothing more to do."),
        _("Complete."),
    ),
    Status.CANCELLED: StatusText(
        _(
            "The immigration office cancelled the visa or stay permit granted by this "
            "application. Its document and QR code are no longer valid. The reason is shown "
            "below."
        ),
        _(
            "Do not use the document any more. Contact the office that cancelled it if you "
            "have questions; if you are in Indonesia, ask it what you must do before you leave "
            "or to stay lawfully."
        ),
        _("Complete."),
    ),
}


class Actor(models.TextChoices):
    APPLICANT = "applicant"
    OFFICER = "officer"  # officers and supervisors of the application's office
    SUPERVISOR = "supervisor"  # supervisors of the application's office only
    SYSTEM = "system"  # payment callbacks, timers


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    label: Promise


def _t(action: str, sources: set[str], target: str, actors: set[str], label: Promise) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(actors), label)


APP, OFF, SYS = Actor.APPLICANT.value, Actor.OFFICER.value, Actor.SYSTEM.value
SUP = Actor.SUPERVISOR.value
PRE_PAYMENT: set[str] = {Status.DRAFT, Status.AWAITING_PAYMENT, Status.PAYMENT_EXPIRED}

_COMMON = [
    _t("submit", {Status.DRAFT}, Status.AWAITING_PAYMENT, {APP}, _("Send the application")),
    _t(
        "expire_billing",
        {Status.AWAITING_PAYMENT},
        Status.PAYMENT_EXPIRED,
        {SYS, APP},
        _("Billing code expired"),
    ),
    _t(
        "reissue_billing",
        {Status.PAYMENT_EXPIRED},
        Status.AWAITING_PAYMENT,
        {APP},
        _("Get a new billing code"),
    ),
    _t("withdraw", PRE_PAYMENT, Status.WITHDRAWN, {APP}, _("Withdraw the application")),
]

PASSPORT_TRANSITIONS = [
    *_COMMON,
    _t(
        "pay",
        {Status.AWAITING_PAYMENT, Status.PAYMENT_EXPIRED},
        Status.IN_REVIEW,
        {SYS},
        _("Payment received"),
    ),
    _t(
        "request_documents",
        {Status.IN_REVIEW, Status.INTERVIEWED},
        Status.DOCUMENTS_REQUESTED,
        {OFF},
        _("Ask for more documents"),
    ),
    _t(
        "answer_request",
        {Status.DOCUMENTS_REQUESTED},
        Status.IN_REVIEW,
        {APP},
        _("Send the requested documents"),
    ),
    _t(
        "accept_documents",
        {Status.IN_REVIEW},
        Status.AWAITING_VISIT,
        {OFF},
        _("Accept the documents"),
    ),
    _t(
        "record_visit",
        {Status.AWAITING_VISIT},
        Status.INTERVIEWED,
        {OFF},
        _("Record photo, fingerprints and interview"),
    ),
    _t("mark_no_show", {Status.AWAITING_VISIT}, Status.NO_SHOW, {OFF}, _("Mark as no-show")),
    _t("approve", {Status.INTERVIEWED}, Status.IN_PRODUCTION, {OFF}, _("Approve")),
    _t("reject", {Status.IN_REVIEW, Status.INTERVIEWED}, Status.REJECTED, {OFF}, _("Reject")),
    _t(
        "mark_ready",
        {Status.IN_PRODUCTION},
        Status.READY_FOR_PICKUP,
        {OFF},
        _("Passport printed, ready to collect"),
    ),
    _t(
        "mark_collected",
        {Status.READY_FOR_PICKUP},
        Status.COLLECTED,
        {OFF},
        _("Handed over to the applicant"),
    ),
    _t(
        "cancel_uncollected",
        {Status.READY_FOR_PICKUP},
        Status.CANCELLED_UNCOLLECTED,
        {SYS, OFF},
        _("Cancel: not collected within 30 days"),
    ),
]

VISA_TRANSITIONS = [
    *_COMMON,
    _t(
        "pay",
        {Status.AWAITING_PAYMENT, Status.PAYMENT_EXPIRED},
        Status.IN_VERIFICATION,
        {SYS},
        _("Payment received"),
    ),
    _t(
        "request_information",
        {Status.IN_VERIFICATION},
        Status.INFORMATION_REQUESTED,
        {OFF},
        _("Ask for more information"),
    ),
    _t(
        "answer_request",
        {Status.INFORMATION_REQUESTED},
        Status.IN_VERIFICATION,
        {APP},
        _("Send the requested information"),
    ),
    _t(
        "schedule_visit",
        {Status.IN_VERIFICATION},
        Status.AWAITING_VISIT,
        {OFF},
        _("Ask for an office visit (biometrics)"),
    ),
    _t(
        "record_visit",
        {Status.AWAITING_VISIT},
        Status.IN_VERIFICATION,
        {OFF},
        _("Record the biometrics visit"),
    ),
    _t("mark_no_show", {Status.AWAITING_VISIT}, Status.NO_SHOW, {OFF}, _("Mark as no-show")),
    _t("approve", {Status.IN_VERIFICATION}, Status.APPROVED, {OFF}, _("Approve and issue")),
    _t("reject", {Status.IN_VERIFICATION}, Status.REJECTED, {OFF}, _("Reject")),
    # Only through imigrasi.applications.grants (it also revokes the signed document): a
    # supervisor's decision, so the officers' generic decision form never offers it.
    _t(
        "cancel_grant",
        {Status.APPROVED},
        Status.CANCELLED,
        {SUP},
        _("Cancel the visa or stay permit"),
    ),
]

WORKFLOWS: dict[str, dict[str, Transition]] = {
    "passport": {t.action: t for t in PASSPORT_TRANSITIONS},
    "visa": {t.action: t for t in VISA_TRANSITIONS},
}

# Officer actions that need a reason the applicant will read.
REASON_REQUIRED = frozenset({"request_documents", "request_information", "reject"})


class IllegalTransition(Exception):
    """The action does not exist, is not allowed from the current status, or not for this actor."""


def transition_for(workflow: str, action: str, status: str, actor: str) -> Transition:
    transition = WORKFLOWS[workflow].get(action)
    if transition is None or status not in transition.sources or actor not in transition.actors:
        raise IllegalTransition(f"{action} not allowed from {status} for {actor}")
    return transition


def available_actions(workflow: str, status: str, actor: str) -> list[Transition]:
    return [t for t in WORKFLOWS[workflow].values() if status in t.sources and actor in t.actors]


class RejectionReason(models.TextChoices):
    DOCUMENTS_NOT_AUTHENTIC = "documents_not_authentic", _("Documents are not authentic")
    DATA_MISMATCH = "data_mismatch", _("Data does not match the population registry")
    NOT_ELIGIBLE = "not_eligible", _("The applicant is not eligible for this service")
    WRONG_SERVICE = "wrong_service", _("A different service applies to this case")
    INCOMPLETE_AFTER_REQUEST = (
        "incomplete_after_request",
        _("Documents still incomplete after the deadline"),
    )
    SUSPECTED_NON_PROCEDURAL_MIGRANT = (
        "suspected_non_procedural_migrant",
        _("Suspected non-procedural migrant worker"),
    )
    SPONSOR_NOT_VERIFIED = "sponsor_not_verified", _("The sponsor could not be verified")
    SECURITY = "security", _("Entry ban or security reasons")


class CancellationReason(models.TextChoices):
    """Why a granted visa or stay permit is cancelled (UU 6/2011: the grounds are the
    holder's conduct or circumstances, or an error found after the grant)."""

    FALSE_INFORMATION = "false_information", _("The application contained false information")
    SPONSOR_WITHDREW = "sponsor_withdrew", _("The sponsor withdrew the guarantee")
    CONDITIONS_BROKEN = "conditions_broken", _("The holder did not keep to the permit's conditions")
    PURPOSE_ENDED = "purpose_ended", _("The purpose of the stay has ended")
    SECURITY = "security", _("Entry ban or security reasons")
    ISSUED_IN_ERROR = "issued_in_error", _("Granted in error")
