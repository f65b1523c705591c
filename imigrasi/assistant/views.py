"""The assistant's public pages under /asisten/: the chat page that works without JavaScript,
and the questions-and-answers page the assistant's answers cite.

The chat page is a plain form: a question is answered by the same ``answer_question`` the API
and the chat widget use, the conversation's public id is kept in the session, and the page
redirects back to itself (post/redirect/get) to show the conversation. Only a conversation
this visitor may see is shown: an anonymous one held by this session, or one of the signed-in
account; anything else is dropped from the session as if it never existed.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imigrasi.assistant.actions import answer_question, record_vote
from imigrasi.assistant.forms import QuestionForm, VoteForm
from imigrasi.assistant.knowledge import fill_placeholders, services_by_code
from imigrasi.assistant.language import detect_language, words
from imigrasi.assistant.models import (
    Conversation,
    ConversationState,
    KnowledgeEntry,
    Outcome,
    Role,
    Topic,
)
from imigrasi.lib.ratelimit import allow, client_ip

SESSION_KEY = "assistant_conversation"
SUGGESTIONS_KEY = "assistant_suggestions"
# What the "talk to a person" button asks, in the page's language. Fixed phrases (not
# translations): the assistant recognises exactly these as a request for a member of staff.
HANDOFF_QUESTIONS = {
    "id": "Saya ingin bicara dengan petugas",
    "en": "I want to talk to a member of staff",
}


def page_language() -> str:
    return "en" if (get_language() or "").startswith("en") else "id"


def safe_url(url: Any) -> str:
    """A source's address if it is one of our paths or an https page; "" otherwise (curated
    sources are typed by editors: a ``javascript:`` address must never become a link)."""
    if not isinstance(url, str):
        return ""
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    return url if url.startswith("https://") else ""


def safe_sources(sources: Any) -> list[dict[str, str]]:
    found = []
    for source in sources if isinstance(sources, list) else []:
        if not isinstance(source, dict):
            continue
        url = safe_url(source.get("url"))
        title = str(source.get("title") or "")
        if url and title:
            found.append({"title": title, "url": url})
    return found


def may_see(conversation: Conversation, user: Any) -> bool:
    """Object-level rule for the asker's side: an account's conversation is that account's."""
    if conversation.account_id is None:
        return True
    return bool(user.is_authenticated and conversation.account_id == user.pk)


def conversation_of(request: HttpRequest) -> Conversation | None:
    """The session's conversation if this visitor may see it; for a signed-in person without
    one, their latest conversation that staff have (so a reply is found after signing in)."""
    value = request.session.get(SESSION_KEY)
    try:
        key = uuid.UUID(str(value)) if value else None
    except ValueError:
        key = None
    conversation = Conversation.objects.filter(public_id=key).first() if key else None
    if conversation is not None and may_see(conversation, request.user):
        return conversation
    request.session.pop(SESSION_KEY, None)
    request.session.pop(SUGGESTIONS_KEY, None)
    if not request.user.is_authenticated:
        return None
    conversation = (
        Conversation.objects.filter(
            account_id=request.user.pk,
            state__in=[ConversationState.WAITING, ConversationState.HUMAN],
        )
        .order_by("-updated_at", "-id")
        .first()
    )
    if conversation is not None:
        request.session[SESSION_KEY] = str(conversation.public_id)
    return conversation


def _transcript(conversation: Conversation) -> list[dict[str, Any]]:
    turns = []
    for message in conversation.messages.all():
        turns.append(
            {
                "message": message,
                "sources": safe_sources(message.sources),
                "votable": message.role == Role.ASSISTANT and message.outcome != Outcome.HANDOFF,
            }
        )
    return turns


def _chat_page(
    request: HttpRequest, form: QuestionForm, *, limited: bool = False, status: int = 200
) -> HttpResponse:
    conversation = conversation_of(request)
    turns = _transcript(conversation) if conversation is not None else []
    remembered = request.session.get(SUGGESTIONS_KEY) or {}
    last_answer = next(
        (t["message"] for t in reversed(turns) if t["message"].role == Role.ASSISTANT), None
    )
    suggestions: list[str] = []
    if last_answer is not None and remembered.get("message") == last_answer.pk:
        suggestions = [str(s) for s in remembered.get("suggestions", []) if s][:5]
    state = conversation.state if conversation is not None else ""
    return render(
        request,
        "assistant/chat.html",
        {
            "form": form,
            "turns": turns,
            "suggestions": suggestions,
            "last_answer": last_answer,
            "with_staff": state in {ConversationState.WAITING, ConversationState.HUMAN},
            "closed": state == ConversationState.CLOSED,
            "limited": limited,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def chat(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _chat_page(request, QuestionForm())
    form = QuestionForm(request.POST)
    allowed, retry_after = allow(f"assistant:{client_ip(request)}", settings.ASSISTANT_RATE)
    if not allowed:
        response = _chat_page(request, form, limited=True, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    form.is_valid()  # never invalid: every question gets the assistant's own reply
    language = page_language()
    if form.cleaned_data.get("handoff"):
        question = HANDOFF_QUESTIONS[language]
    else:
        question = form.question_text()
        language = detect_language(words(question), default=language)
    current = conversation_of(request)
    # A closed conversation stays on the page until the next question, which starts anew.
    if current is not None and current.state == ConversationState.CLOSED:
        current = None
    reply = answer_question(
        question,
        language=language,
        conversation_id=str(current.public_id) if current is not None else None,
        account=request.user if request.user.is_authenticated else None,
    )
    request.session[SESSION_KEY] = reply.conversation_id
    request.session[SUGGESTIONS_KEY] = {
        "message": reply.message_id,
        "suggestions": list(reply.suggestions),
    }
    return redirect(f"{reverse('assistant:chat')}#message-{reply.message_id}")


@require_POST
def vote(request: HttpRequest) -> HttpResponse:
    form = VoteForm(request.POST)
    conversation = conversation_of(request)
    if form.is_valid() and conversation is not None:
        message_id = form.cleaned_data["message"]
        helpful = form.cleaned_data["helpful"]
        if record_vote(message_id, str(conversation.public_id), helpful, request.user):
            messages.success(request, _("Thank you. Your answer helps us improve the assistant."))
            return redirect(f"{reverse('assistant:chat')}#message-{message_id}")
    messages.error(request, _("We could not record your answer. Try again."))
    return redirect("assistant:chat")


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    language = page_language()
    entries = list(KnowledgeEntry.objects.filter(is_active=True).order_by("slug"))
    answers = [e.answer_en if language == "en" else e.answer_id for e in entries]
    # Catalog facts (fees, times) are filled in only when some answer asks for them.
    services = services_by_code() if any("{" in a for a in answers) else {}
    by_topic: dict[str, list[dict[str, str]]] = defaultdict(list)
    faq_path = reverse("assistant:faq")
    for entry, answer in zip(entries, answers, strict=True):
        questions = entry.questions_en if language == "en" else entry.questions_id
        lines = [q.strip() for q in questions.splitlines() if q.strip()]
        source = safe_url(entry.source)
        by_topic[entry.topic].append(
            {
                "slug": entry.slug,
                "question": lines[0] if lines else entry.slug,
                "answer": fill_placeholders(answer, language, services) if services else answer,
                "source": "" if source.startswith(faq_path) else source,
            }
        )
    topics = [
        {"value": value, "label": label, "entries": by_topic[value]}
        for value, label in Topic.choices
        if by_topic.get(value)
    ]
    return render(request, "assistant/faq.html", {"topics": topics})
