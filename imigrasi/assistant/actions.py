"""Answering a question: the one entry point the chat widget, the plain page and the API share."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from imigrasi.assistant import guard
from imigrasi.assistant.knowledge import build_documents
from imigrasi.assistant.language import MAX_QUESTION_CHARS, clean, detect_language, words
from imigrasi.assistant.models import Conversation, ConversationState, Message, Outcome, Role
from imigrasi.assistant.rephrase import rephrase
from imigrasi.assistant.retrieval import Index, decide

MISSES_BEFORE_HANDOFF = 3
VERSION_KEY = "assistant:knowledge-version"


@dataclass
class Reply:
    outcome: str
    answer: str
    language: str
    conversation_id: str
    confidence: float = 0.0
    intent: str = ""
    sources: list[dict[str, str]] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    message_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "answer": self.answer,
            "sources": self.sources,
            "suggestions": self.suggestions,
            "confidence": round(self.confidence, 3),
            "conversation_id": self.conversation_id,
            "language": self.language,
            "intent": self.intent,
            "message_id": self.message_id,
        }


# --- the index: built once per process, rebuilt when the knowledge changed -------------------

_lock = threading.Lock()
_index: Index | None = None
_index_version: str | None = None


def knowledge_changed() -> None:
    """Called (signals.py) when a service, fee, requirement, office or answer changes."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def forget_index() -> None:
    """Tests roll the database back under a built index: drop it."""
    global _index, _index_version
    with _lock:
        _index, _index_version = None, None


def current_index() -> Index:
    global _index, _index_version
    version = cache.get(VERSION_KEY) or "initial"
    if _index is not None and _index_version == version:
        return _index
    with _lock:
        if _index is None or _index_version != version:
            _index = Index(build_documents())
            _index_version = version
    return _index


# --- answering ---------------------------------------------------------------------------


def _conversation(conversation_id: str | None, account: Any, language: str) -> Conversation:
    if conversation_id:
        try:
            found = Conversation.objects.filter(public_id=uuid.UUID(str(conversation_id))).first()
        except ValueError:
            found = None
        # A conversation is its starter's: another account (or anonymous) starts a new one.
        if (
            found is not None
            and found.state != ConversationState.CLOSED  # closed: the next question starts anew
            and (found.account_id is None or found.account_id == getattr(account, "pk", None))
        ):
            if found.account_id is None and account is not None and account.is_authenticated:
                found.account = account
            return found
    return Conversation.objects.create(
        account=account if account is not None and account.is_authenticated else None,
        language=language,
    )


def _personal_answer(account: Any) -> tuple[str, list[dict[str, str]]]:
    if account is None or not account.is_authenticated:
        return (
            _(
                "I can only show your own applications and visits after you sign in. Without "
                "signing in, check an application's status with its number and your date of "
                "birth on the status check page."
            ),
            [{"title": _("Check an application's status"), "url": "/cek-status/"}],
        )
    from imigrasi.applications.models import Application
    from imigrasi.appointments.queries import bookings_of

    applications = list(
        Application.objects.filter(account=account)
        .select_related("service")
        .order_by("-created_at")[:5]
    )
    lines = [
        _("%(number)s (%(service)s): status %(status)s.")
        % {
            "number": a.number,
            "service": a.service.name,
            "status": a.get_status_display(),
        }
        for a in applications
    ]
    visits = [
        b
        for b in bookings_of(account)
        if b.status in {"held", "confirmed"} and b.slot.starts_at >= timezone.now()
    ][:3]
    for booking in visits:
        local = booking.slot.starts_at.astimezone(booking.office.zone)
        lines.append(
            _("Visit (appointment) %(code)s: %(when)s at %(office)s, queue number %(number)s.")
            % {
                "code": booking.code,
                "when": local.strftime("%d-%m-%Y %H:%M"),
                "office": booking.office.name,
                "number": booking.queue_number or "-",
            }
        )
    if not lines:
        return (
            _("You have no applications or booked visits (appointments) yet; status: none."),
            [{"title": _("Your applications"), "url": "/permohonan/"}],
        )
    return (
        " ".join(lines),
        [
            {"title": _("Your applications"), "url": "/permohonan/"},
            {"title": _("Your visits"), "url": "/kunjungan/"},
        ],
    )


def _staff_hours() -> str:
    return _("Staff answer on working days, Monday to Friday 08:00–16:00 WIB.")


def answer_question(
    question: str,
    *,
    language: str | None = None,
    conversation_id: str | None = None,
    account: Any = None,
) -> Reply:
    text = clean(question)
    too_long = len(text) > MAX_QUESTION_CHARS
    tokens = words(text[:MAX_QUESTION_CHARS])
    lang = language if language in {"id", "en"} else detect_language(tokens)
    with transaction.atomic():
        conversation = _conversation(conversation_id, account, lang)
        Message.objects.create(
            conversation=conversation,
            role=Role.PERSON,
            text=guard.mask(text[:2000]),
            language=lang,
        )
        with translation.override(lang):
            reply = _decide(conversation, text, tokens, too_long, lang, account)
        reply.conversation_id = str(conversation.public_id)
        missed = reply.outcome in {Outcome.OUT_OF_SCOPE, Outcome.CLARIFY}
        conversation.misses = conversation.misses + 1 if missed else 0
        conversation.updated_at = timezone.now()
        conversation.save(update_fields=["misses", "updated_at", "state", "handoff_at", "account"])
        saved = Message.objects.create(
            conversation=conversation,
            role=Role.ASSISTANT,
            text=reply.answer,
            language=lang,
            outcome=reply.outcome,
            intent=reply.intent,
            confidence=reply.confidence,
            matched=reply.intent if reply.intent != "knowledge" else "",
            sources=reply.sources,
        )
        reply.message_id = saved.pk
    reply.confidence = round(reply.confidence, 3)
    return reply


def _decide(
    conversation: Conversation,
    text: str,
    tokens: list[str],
    too_long: bool,
    lang: str,
    account: Any,
) -> Reply:
    reply = Reply(outcome=Outcome.CLARIFY, answer="", language=lang, conversation_id="")
    if conversation.state in {ConversationState.WAITING, ConversationState.HUMAN}:
        reply.outcome, reply.intent = Outcome.HANDOFF, "handoff"
        reply.answer = _(
            "A member of staff has your conversation and will answer here. %(hours)s"
        ) % {"hours": _staff_hours()}
        return reply
    if not tokens:
        reply.intent = "empty"
        reply.answer = _(
            "Please type your question in words, for example: how much does a passport cost?"
        )
        return reply
    if too_long:
        reply.intent = "too_long"
        reply.answer = _("Please ask one question of at most %(n)s characters.") % {
            "n": MAX_QUESTION_CHARS
        }
        return reply
    if guard.is_unsafe(text):
        reply.outcome, reply.intent = Outcome.OUT_OF_SCOPE, "unsafe"
        reply.answer = _(
            "I can't help with that. I never share anyone's personal data or account details "
            "and I only answer questions about immigration services."
        )
        return reply
    if guard.wants_a_person(text) or conversation.misses + 1 >= MISSES_BEFORE_HANDOFF:
        _hand_off(conversation)
        reply.outcome, reply.intent = Outcome.HANDOFF, "handoff"
        reply.answer = _(
            "I have passed your conversation to our help desk; a member of staff will answer "
            "here. %(hours)s"
        ) % {"hours": _staff_hours()}
        return reply
    if guard.is_personal(text) or guard.is_personal(" ".join(tokens)):
        reply.outcome, reply.intent = Outcome.ANSWERED, "personal"
        reply.answer, reply.sources = _personal_answer(account)
        reply.confidence = 1.0
        return reply
    index = current_index()
    decision = decide(index.rank(text))
    reply.confidence = decision.confidence
    reply.intent = "knowledge"
    if decision.outcome == "answered" and decision.best is not None:
        doc = decision.best.doc
        reply.outcome = Outcome.ANSWERED
        reply.answer, rephrased = rephrase(text, doc.answer(lang))
        reply.intent = "knowledge_rephrased" if rephrased else "knowledge"
        reply.sources = [{"title": doc.title[lang], "url": doc.url}]
        return reply
    if decision.outcome == "clarify":
        reply.outcome = Outcome.CLARIFY
        reply.answer = _("I am not sure I understood. Did you mean one of these?")
        reply.suggestions = [s.doc.title[lang] for s in decision.suggestions]
        reply.sources = [
            {"title": s.doc.title[lang], "url": s.doc.url} for s in decision.suggestions
        ]
        return reply
    reply.outcome = Outcome.OUT_OF_SCOPE
    reply.answer = _(
        "Sorry, I can only help with immigration services: passports, visas, stay permits, "
        "fees, requirements, office visits and offices. You can also ask for a member of staff."
    )
    return reply


def _hand_off(conversation: Conversation) -> None:
    if conversation.state == ConversationState.BOT:
        conversation.state = ConversationState.WAITING
        conversation.handoff_at = timezone.now()


def conversation_for(conversation_id: str, account: Any) -> Conversation | None:
    """A conversation its holder may read: anonymous ones by their id, an account's only by
    that account."""
    try:
        key = uuid.UUID(str(conversation_id))
    except ValueError:
        return None
    found = Conversation.objects.filter(public_id=key).first()
    if found is None:
        return None
    if found.account_id is not None and found.account_id != getattr(account, "pk", None):
        return None
    return found


def record_vote(message_id: int, conversation_id: str, helpful: bool, account: Any) -> bool:
    """A "was this helpful?" vote, accepted only with the message's own conversation id and
    from whoever may read that conversation (an account's conversation by that account)."""
    conversation = conversation_for(conversation_id, account)
    if conversation is None:
        return False
    return bool(
        Message.objects.filter(
            pk=message_id, conversation=conversation, role=Role.ASSISTANT
        ).update(helpful=helpful)
    )
