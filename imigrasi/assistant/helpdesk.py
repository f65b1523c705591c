"""The help desk's writes: a member of staff claims a conversation the assistant handed over,
replies in it, and closes it.

Each is one conditional UPDATE, so two officers pressing "claim" at the same moment cannot both
own a conversation (the second finds no row in the state it expected), and each writes an audit
row in the same transaction. While a conversation is waiting or with a person, the assistant
stays silent in it (``actions.answer_question`` answers "handoff").
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from imigrasi.accounts.models import Role, User
from imigrasi.assistant import guard
from imigrasi.assistant.models import Conversation, ConversationState, Message
from imigrasi.assistant.models import Role as Speaker
from imigrasi.audit.recording import record_event

HELPDESK_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.CONTENT_EDITOR})
OPEN_STATES = (ConversationState.WAITING, ConversationState.HUMAN)


class HelpdeskError(Exception):
    """``code``: already_claimed | not_assigned_to_you | already_closed | not_help_desk."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _require_help_desk(staff: User) -> None:
    if staff.role not in HELPDESK_ROLES:
        raise HelpdeskError("not_help_desk")


def claim(conversation: Conversation, staff: User) -> Conversation:
    """Take a waiting conversation: it becomes this person's (state human)."""
    _require_help_desk(staff)
    with transaction.atomic():
        claimed = Conversation.objects.filter(
            pk=conversation.pk, state=ConversationState.WAITING, assigned_to__isnull=True
        ).update(state=ConversationState.HUMAN, assigned_to=staff, updated_at=timezone.now())
        if not claimed:
            raise HelpdeskError("already_claimed")
        record_event(actor=staff, action="assistant.conversation_claimed", obj=conversation)
    conversation.refresh_from_db()
    return conversation


def reply(conversation: Conversation, staff: User, text: str) -> Message:
    """A staff turn in a conversation this person has claimed (masked like every turn)."""
    _require_help_desk(staff)
    with transaction.atomic():
        touched = Conversation.objects.filter(
            pk=conversation.pk, state=ConversationState.HUMAN, assigned_to=staff
        ).update(updated_at=timezone.now())
        if not touched:
            raise HelpdeskError("not_assigned_to_you")
        message = Message.objects.create(
            conversation=conversation,
            role=Speaker.STAFF,
            text=guard.mask(text.strip()),
            language=conversation.language,
            author=staff,
        )
        record_event(
            actor=staff,
            action="assistant.reply_sent",
            obj=conversation,
            after={"message": message.pk},
        )
    conversation.refresh_from_db()
    return message


def close(conversation: Conversation, staff: User) -> Conversation:
    """End a conversation: its owner, anyone while nobody owns it, or a supervisor."""
    _require_help_desk(staff)
    allowed = Q(state__in=OPEN_STATES)
    if staff.role != Role.SUPERVISOR:
        allowed &= Q(assigned_to=staff) | Q(assigned_to__isnull=True)
    with transaction.atomic():
        closed = Conversation.objects.filter(allowed, pk=conversation.pk).update(
            state=ConversationState.CLOSED, updated_at=timezone.now()
        )
        if not closed:
            current = (
                Conversation.objects.filter(pk=conversation.pk)
                .values_list("state", flat=True)
                .first()
            )
            raise HelpdeskError(
                "already_closed" if current == ConversationState.CLOSED else "not_assigned_to_you"
            )
        record_event(actor=staff, action="assistant.conversation_closed", obj=conversation)
    conversation.refresh_from_db()
    return conversation
