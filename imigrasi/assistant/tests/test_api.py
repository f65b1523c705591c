"""POST /api/v1/assistant/ask: the documented shape, anonymous or signed in, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from imigrasi.applications.tests.conftest import make
from imigrasi.appointments.tests.test_api_booking import bearer
from imigrasi.assistant.models import Message

pytestmark = pytest.mark.django_db

KEYS = {
    "outcome",
    "answer",
    "sources",
    "suggestions",
    "confidence",
    "conversation_id",
    "language",
    "intent",
    "message_id",
}


def ask(client: Client, body: dict[str, Any], **headers: Any) -> Any:
    return client.post("/api/v1/assistant/ask", body, content_type="application/json", **headers)


def test_answered_reply_has_the_documented_shape_and_cites_a_page(
    client: Client, knowledge: Any
) -> None:
    response = ask(client, {"question": "Berapa biaya paspor elektronik 10 tahun?"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == KEYS
    assert data["outcome"] == "answered" and 0 < data["confidence"] <= 1
    assert data["sources"] and data["sources"][0]["url"].startswith("/")
    follow = ask(
        client,
        {
            "question": "How long do I have to pay the billing code?",
            "language": "en",
            "conversation_id": data["conversation_id"],
        },
    ).json()
    assert follow["conversation_id"] == data["conversation_id"]
    assert follow["language"] == "en" and "2 hours" in follow["answer"]


@pytest.mark.parametrize(
    "question", ["", "x" * 10_000, "🙈🙉🙊", "<img src=x onerror=alert(1)>", "\u0000\u0001"]
)
def test_bad_input_is_a_clear_200_reply(client: Client, knowledge: Any, question: str) -> None:
    response = ask(client, {"question": question})
    assert response.status_code == 200
    data = response.json()
    assert data["outcome"] in {"clarify", "out_of_scope"} and data["answer"]
    assert "<img" not in data["answer"] and "onerror" not in response.content.decode()


def test_missing_or_oversized_fields_name_the_field(client: Client, knowledge: Any) -> None:
    response = ask(client, {"language": "fr"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"question", "language"} <= fields


def test_personal_question_with_a_token_shows_only_the_askers_records(
    client: Client, knowledge: Any, applicant: Any, other_applicant: Any
) -> None:
    mine = make("in_review", account=applicant.email)
    theirs = make(
        "in_review",
        account=other_applicant.email,
        nik="3171071503800002",
        name="BUDI SANTOSO",
        sex="M",
        birth="1980-03-15",
    )
    data = ask(
        client, {"question": "Bagaimana status permohonan paspor saya?"}, **bearer(applicant)
    ).json()
    assert data["intent"] == "personal" and mine.number in data["answer"]
    assert theirs.number not in data["answer"]
    anonymous = ask(client, {"question": "Bagaimana status permohonan paspor saya?"}).json()
    assert anonymous["sources"][0]["url"] == "/cek-status/"
    assert mine.number not in anonymous["answer"]


def test_a_session_counts_only_with_its_csrf_token(knowledge: Any, applicant: Any) -> None:
    """A cross-site page cannot make a signed-in browser ask about its own applications."""
    mine = make("in_review", account=applicant.email)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(applicant)
    question = {"question": "Bagaimana status permohonan paspor saya?"}
    forged = ask(browser, question).json()
    assert forged["sources"][0]["url"] == "/cek-status/"  # answered as anonymous
    assert mine.number not in forged["answer"]
    browser.get("/asisten/")  # sets the CSRF cookie, as the widget's page does
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    own = ask(browser, question, HTTP_X_CSRFTOKEN=token).json()
    assert own["intent"] == "personal" and mine.number in own["answer"]


def test_an_invalid_token_is_refused_not_treated_as_anonymous(
    client: Client, knowledge: Any
) -> None:
    response = ask(client, {"question": "Berapa biaya paspor?"}, HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401


def test_votes_need_the_conversation_id(client: Client, knowledge: Any) -> None:
    data = ask(client, {"question": "Jam buka kantor imigrasi?"}).json()
    url = f"/api/v1/assistant/messages/{data['message_id']}/vote"
    wrong = client.post(
        url,
        {"conversation_id": "00000000-0000-0000-0000-000000000000", "helpful": True},
        content_type="application/json",
    )
    assert wrong.json() == {"recorded": False}
    right = client.post(
        url,
        {"conversation_id": data["conversation_id"], "helpful": False},
        content_type="application/json",
    )
    assert right.json() == {"recorded": True}
    assert Message.objects.get(pk=data["message_id"]).helpful is False


def test_an_account_cannot_vote_on_another_accounts_answers(
    client: Client, knowledge: Any, applicant: Any, other_applicant: Any
) -> None:
    mine = ask(client, {"question": "Jam buka kantor imigrasi?"}, **bearer(applicant)).json()
    url = f"/api/v1/assistant/messages/{mine['message_id']}/vote"
    body = {"conversation_id": mine["conversation_id"], "helpful": False}
    for headers in (bearer(other_applicant), {}):  # another account, or anonymous
        response = client.post(url, body, content_type="application/json", **headers)
        assert response.json() == {"recorded": False}
    assert Message.objects.get(pk=mine["message_id"]).helpful is None
    response = client.post(url, body, content_type="application/json", **bearer(applicant))
    assert response.json() == {"recorded": True}


def test_questions_are_rate_limited_per_address(
    client: Client, knowledge: Any, settings: Any
) -> None:
    settings.ASSISTANT_RATE = "2/m"
    assert ask(client, {"question": "Jam buka kantor?"}).status_code == 200
    assert ask(client, {"question": "Jam buka kantor?"}).status_code == 200
    limited = ask(client, {"question": "Jam buka kantor?"})
    assert limited.status_code == 429 and limited.json()["detail"]
    assert 1 <= int(limited["Retry-After"]) <= 60


def test_staff_replies_reach_the_holder_of_the_conversation_only(
    client: Client, knowledge: Any, applicant: Any, other_applicant: Any
) -> None:
    from imigrasi.assistant.models import Conversation

    data = ask(client, {"question": "Saya ingin bicara dengan petugas"}, **bearer(applicant)).json()
    assert data["outcome"] == "handoff"
    conversation = Conversation.objects.get(public_id=data["conversation_id"])
    Message.objects.create(conversation=conversation, role="staff", text="Halo, saya petugas.")
    url = f"/api/v1/assistant/conversations/{data['conversation_id']}/replies"
    mine = client.get(url, **bearer(applicant)).json()
    assert mine["state"] == "waiting" and [m["text"] for m in mine["messages"]] == [
        "Halo, saya petugas."
    ]
    last = mine["messages"][-1]["id"]
    assert client.get(f"{url}?after={last}", **bearer(applicant)).json()["messages"] == []
    assert client.get(url, **bearer(other_applicant)).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/assistant/conversations/not-a-uuid/replies").status_code == 404
