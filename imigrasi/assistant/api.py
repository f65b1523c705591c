"""``POST /api/v1/assistant/ask`` and the helpful vote: the same ``answer_question`` the chat
widget and the plain page use. Anonymous use is allowed; a bearer token or a (CSRF-checked)
session makes personal questions answerable from the asker's own records."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field, StrictBool

from imigrasi.accounts.api_auth import optional_user
from imigrasi.assistant.actions import answer_question, conversation_for, record_vote
from imigrasi.assistant.models import Role
from imigrasi.lib.ratelimit import allow, client_ip

router = Router(auth=optional_user, tags=["assistant"])


class AskIn(Schema):
    question: str = Field(max_length=20_000)
    language: Literal["id", "en"] | None = None
    conversation_id: str | None = Field(default=None, max_length=64)


class SourceOut(Schema):
    title: str
    url: str


class AskOut(Schema):
    outcome: Literal["answered", "clarify", "out_of_scope", "handoff"]
    answer: str
    sources: list[SourceOut]
    suggestions: list[str]
    confidence: float
    conversation_id: str
    language: str
    intent: str
    message_id: int | None


class RateOut(Schema):
    detail: str


class VoteIn(Schema):
    conversation_id: str = Field(max_length=64)
    helpful: StrictBool


class VoteOut(Schema):
    recorded: bool


def _retry_after(request: HttpRequest) -> int | None:
    """Seconds until this address may ask again, or None when it may ask now."""
    allowed, retry = allow(f"assistant:{client_ip(request)}", settings.ASSISTANT_RATE)
    return None if allowed else retry


@router.post(
    "/ask",
    response={200: AskOut, 429: RateOut},
    summary="Ask the assistant (answers cite our pages; personal questions need sign-in)",
)
def ask(request: HttpRequest, payload: AskIn, response: HttpResponse) -> Any:
    retry = _retry_after(request)
    if retry is not None:
        response["Retry-After"] = str(retry)
        return Status(429, {"detail": _("Too many questions. Wait a minute and try again.")})
    reply = answer_question(
        payload.question,
        language=payload.language,
        conversation_id=payload.conversation_id,
        account=request.auth,  # type: ignore[attr-defined]
    )
    return reply.as_dict()


@router.post("/messages/{message_id}/vote", response=VoteOut, summary="Was this answer helpful?")
def vote(request: HttpRequest, message_id: int, payload: VoteIn) -> Any:
    account = request.auth  # type: ignore[attr-defined]
    return {"recorded": record_vote(message_id, payload.conversation_id, payload.helpful, account)}


class StaffMessageOut(Schema):
    id: int
    text: str
    created_at: str


class ConversationOut(Schema):
    state: Literal["bot", "waiting", "human", "closed"]
    messages: list[StaffMessageOut]


@router.get(
    "/conversations/{conversation_id}/replies",
    response={200: ConversationOut, 404: RateOut},
    summary="Staff replies in a handed-off conversation (the widget polls this)",
)
def replies(request: HttpRequest, conversation_id: str, after: int = 0) -> Any:
    """The conversation id is the capability (a random UUID the asker was given); a
    conversation that belongs to an account is only shown to that account."""
    found = conversation_for(conversation_id, request.auth)  # type: ignore[attr-defined]
    if found is None:
        return Status(404, {"detail": _("Not found.")})
    staff = found.messages.filter(role=Role.STAFF, pk__gt=after).order_by("pk")
    return {
        "state": found.state,
        "messages": [
            {"id": m.pk, "text": m.text, "created_at": m.created_at.isoformat()} for m in staff
        ],
    }
