"""The help desk under /staff/asisten/: conversations the assistant handed to a person, and the
report content editors and supervisors use to grow the assistant's knowledge.

Staff open only conversations that were handed over (never the assistant's other chats), and
every opening is written to the audit log as a read of personal data: the transcript is masked,
but it is still what a person asked.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower, Trim
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imigrasi.accounts.access import role_required
from imigrasi.accounts.models import Role, User
from imigrasi.assistant import helpdesk as desk
from imigrasi.assistant.forms import ReplyForm
from imigrasi.assistant.helpdesk import HELPDESK_ROLES, HelpdeskError
from imigrasi.assistant.models import Conversation, ConversationState, Message, Outcome
from imigrasi.assistant.models import Role as Speaker
from imigrasi.assistant.views import safe_sources
from imigrasi.audit.recording import record_event

REPORT_ROLES = frozenset({Role.SUPERVISOR, Role.CONTENT_EDITOR, Role.ADMIN})
REPORT_DAYS = 30
LOW_CONFIDENCE = 0.6
# Replies that say nothing about the knowledge: refusals of unsafe requests, empty or over-long
# questions. They are not gaps in what the assistant knows.
NOT_KNOWLEDGE = ("empty", "too_long", "unsafe")
LIST_LIMIT = 200

helpdesk_required = role_required(HELPDESK_ROLES)
report_required = role_required(REPORT_ROLES)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def message_for(error: HelpdeskError) -> str:
    return {
        "already_claimed": _("Another member of staff has already taken this conversation."),
        "not_assigned_to_you": _(
            "Only the member of staff who took this conversation can do that."
        ),
        "already_closed": _("This conversation is already closed."),
    }.get(error.code, _("You cannot do that."))


def get_conversation_for_staff(
    user: User, public_id: uuid.UUID, *, purpose: str = ""
) -> Conversation:
    """A handed-over conversation; the assistant's other conversations do not exist here.
    With ``purpose`` the read of the transcript is audited."""
    conversation = (
        Conversation.objects.select_related("assigned_to")
        .filter(public_id=public_id, handoff_at__isnull=False)
        .first()
    )
    if conversation is None or user.role not in HELPDESK_ROLES:
        raise Http404
    if purpose:
        record_event(
            actor=user,
            action="personal_data.read",
            obj=conversation,
            subject_id=conversation.account_id,
            after={"fields": ["assistant_messages"]},
            reason=purpose,
        )
    return conversation


def _zone(user: User) -> tuple[str, str]:
    office = user.office
    if office is not None:
        return office.timezone, office.zone_abbreviation
    return "Asia/Jakarta", "WIB"


def _listed(queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return queryset.annotate(
        questions=Count("messages", filter=Q(messages__role=Speaker.PERSON))
    ).select_related("assigned_to")[:LIST_LIMIT]


@require_GET
@helpdesk_required
def helpdesk(request: HttpRequest) -> HttpResponse:
    me = _user(request)
    zone, abbreviation = _zone(me)
    waiting = _listed(
        Conversation.objects.filter(state=ConversationState.WAITING).order_by("handoff_at", "id")
    )
    mine = _listed(
        Conversation.objects.filter(state=ConversationState.HUMAN, assigned_to=me).order_by(
            "updated_at", "id"
        )
    )
    return render(
        request,
        "assistant/staff/helpdesk.html",
        {
            "waiting": waiting,
            "mine": mine,
            "zone": zone,
            "zone_abbreviation": abbreviation,
            "can_report": me.role in REPORT_ROLES,
        },
    )


@require_GET
@helpdesk_required
def conversation(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    me = _user(request)
    found = get_conversation_for_staff(me, public_id, purpose="help desk: conversation opened")
    return _conversation_page(request, me, found, ReplyForm())


def _conversation_page(
    request: HttpRequest, me: User, found: Conversation, form: ReplyForm, status: int = 200
) -> HttpResponse:
    zone, abbreviation = _zone(me)
    turns = [
        {"message": m, "sources": safe_sources(m.sources)}
        for m in found.messages.select_related("author")
    ]
    is_open = found.state in desk.OPEN_STATES
    return render(
        request,
        "assistant/staff/conversation.html",
        {
            "conversation": found,
            "turns": turns,
            "form": form,
            "zone": zone,
            "zone_abbreviation": abbreviation,
            "can_claim": found.state == ConversationState.WAITING and found.assigned_to_id is None,
            "can_reply": found.state == ConversationState.HUMAN and found.assigned_to_id == me.pk,
            "can_close": is_open
            and (found.assigned_to_id in (None, me.pk) or me.role == Role.SUPERVISOR),
        },
        status=status,
    )


@require_POST
@helpdesk_required
def claim(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    me = _user(request)
    found = get_conversation_for_staff(me, public_id)
    try:
        desk.claim(found, me)
    except HelpdeskError as error:
        messages.error(request, message_for(error))
    else:
        messages.success(request, _("The conversation is yours. The assistant stays silent in it."))
    return redirect("staff:assistant_staff:conversation", found.public_id)


@require_http_methods(["POST"])
@helpdesk_required
def reply(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    me = _user(request)
    found = get_conversation_for_staff(me, public_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _conversation_page(request, me, found, form, status=400)
    try:
        desk.reply(found, me, form.cleaned_data["text"])
    except HelpdeskError as error:
        messages.error(request, message_for(error))
    else:
        messages.success(request, _("Your reply was sent."))
    return redirect("staff:assistant_staff:conversation", found.public_id)


@require_POST
@helpdesk_required
def close(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    me = _user(request)
    found = get_conversation_for_staff(me, public_id)
    try:
        desk.close(found, me)
    except HelpdeskError as error:
        messages.error(request, message_for(error))
        return redirect("staff:assistant_staff:conversation", found.public_id)
    messages.success(request, _("The conversation is closed."))
    return redirect("staff:assistant_staff:helpdesk")


# --- the report ----------------------------------------------------------------------------


def _asked() -> Subquery:
    """The person's question an assistant message answered (the turn just before it)."""
    return Subquery(
        Message.objects.filter(
            conversation=OuterRef("conversation"), role=Speaker.PERSON, id__lt=OuterRef("id")
        )
        .order_by("-id")
        .values("text")[:1]
    )


def grouped_questions(answers: QuerySet[Message], limit: int = 100) -> list[dict[str, Any]]:
    """The (masked) questions behind ``answers``, grouped case-insensitively, most asked first."""
    rows = (
        answers.annotate(question=Trim(Lower(_asked())))
        .values("question")
        .annotate(count=Count("id"), last=Max("created_at"))
        .order_by("-count", "-last", "question")[:limit]
    )
    return [dict(row) for row in rows]


def report_data(now: dt.datetime | None = None) -> dict[str, Any]:
    since = (now or timezone.now()) - dt.timedelta(days=REPORT_DAYS)
    answers = Message.objects.filter(role=Speaker.ASSISTANT, created_at__gte=since)
    knowledge = answers.exclude(intent__in=NOT_KNOWLEDGE)
    votes = answers.aggregate(
        yes=Count("id", filter=Q(helpful=True)),
        no=Count("id", filter=Q(helpful=False)),
    )
    return {
        "since": since,
        "unanswered": grouped_questions(
            knowledge.filter(outcome__in=[Outcome.OUT_OF_SCOPE, Outcome.CLARIFY])
        ),
        "low_confidence": grouped_questions(
            knowledge.filter(
                outcome=Outcome.ANSWERED, intent="knowledge", confidence__lt=LOW_CONFIDENCE
            )
        ),
        "not_helpful": grouped_questions(answers.filter(helpful=False)),
        "helpful": votes["yes"],
        "unhelpful": votes["no"],
    }


@require_GET
@report_required
def report(request: HttpRequest) -> HttpResponse:
    data = report_data()
    zone, abbreviation = _zone(_user(request))
    tables = [
        (
            "unanswered",
            _("Not answered: declined, or suggestions offered instead"),
            data["unanswered"],
        ),
        (
            "low-confidence",
            _("Answered with low confidence (below %(threshold)s)") % {"threshold": LOW_CONFIDENCE},
            data["low_confidence"],
        ),
        ("not-helpful", _("Answers marked not helpful"), data["not_helpful"]),
    ]
    return render(
        request,
        "assistant/staff/report.html",
        {
            "days": REPORT_DAYS,
            "tables": tables,
            "helpful": data["helpful"],
            "unhelpful": data["unhelpful"],
            "zone": zone,
            "zone_abbreviation": abbreviation,
        },
    )
