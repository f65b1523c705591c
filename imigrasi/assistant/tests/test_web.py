"""The assistant's pages through Django's test client, with no JavaScript at all: the chat page
at /asisten/ (ask, answer with its sources, suggestions, votes, talk to a person, bad input,
rate limit), the questions-and-answers page the answers cite, and the header control every
page carries. Pages are read in English (the language cookie); the fixed answers below are
this module's own, never faq.json."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from imigrasi.assistant import actions
from imigrasi.assistant.guard import wants_a_person
from imigrasi.assistant.models import Conversation, KnowledgeEntry, Message
from imigrasi.assistant.retrieval import Decision
from imigrasi.assistant.views import HANDOFF_QUESTIONS, SESSION_KEY

pytestmark = pytest.mark.django_db

OPENING_HOURS = "When are immigration offices open?"
OFF_TOPIC = "resep rendang yang enak"


def text_of(response: Any) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def main_of(response: Any) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture(autouse=True)
def _no_rate_limit_left_over() -> None:
    cache.clear()


@pytest.fixture
def answers(db: None) -> list[KnowledgeEntry]:
    return [
        KnowledgeEntry.objects.create(
            slug="jam-buka-kantor",
            topic="offices",
            questions_id="Jam berapa kantor imigrasi buka?\nKapan kantor imigrasi tutup?",
            questions_en=f"{OPENING_HOURS}\nWhat time does the office close?",
            keywords="jam, buka, tutup, hours, open, close",
            answer_id="Kantor imigrasi buka Senin sampai Jumat pukul 08.00 sampai 16.00.",
            answer_en="Immigration offices are open Monday to Friday from 08:00 to 16:00.",
            source="/asisten/tanya-jawab/#jam-buka-kantor",
        ),
        KnowledgeEntry.objects.create(
            slug="kode-billing",
            topic="payment",
            questions_id="Berapa lama kode billing berlaku?\nKode billing kedaluwarsa?",
            questions_en="How long is a billing code valid?\nMy billing code expired",
            keywords="billing, bayar, kedaluwarsa, expired, pay",
            answer_id="Kode billing berlaku 2 jam.",
            answer_en="A billing code is valid for 2 hours.",
            source="/layanan/",
        ),
    ]


@pytest.fixture
def web(client: Client) -> Client:
    client.cookies["imigrasi_lang"] = "en"
    return client


def ask(client: Client, question: str, **extra: str) -> Any:
    return client.post("/asisten/", {"question": question, **extra})


def test_it_answers_a_question_on_a_plain_page_and_links_the_source(
    web: Client, answers: Any
) -> None:
    page = web.get("/asisten/")
    assert page.status_code == 200
    main = main_of(page)
    assert '<form method="post" action="/asisten/"' in main
    assert '<label class="govuk-label" for="id_question">' in main
    assert "500 characters" in text_of(page)

    response = ask(web, OPENING_HOURS)
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    answer = conversation.messages.get(role="assistant")
    assert response["Location"] == f"/asisten/#message-{answer.pk}"
    assert web.session[SESSION_KEY] == str(conversation.public_id)

    shown = web.get("/asisten/")
    main = main_of(shown)
    assert OPENING_HOURS in text_of(shown)
    assert "Monday to Friday from 08:00 to 16:00" in text_of(shown)
    assert f'id="message-{answer.pk}"' in main
    assert '<a class="govuk-link" href="/asisten/tanya-jawab/#jam-buka-kantor">' in main


def test_the_next_question_continues_the_same_conversation(web: Client, answers: Any) -> None:
    ask(web, OPENING_HOURS)
    ask(web, "How long is a billing code valid?")
    conversation = Conversation.objects.get()
    assert conversation.messages.filter(role="person").count() == 2
    assert "valid for 2 hours" in text_of(web.get("/asisten/"))


def test_a_source_that_is_not_one_of_our_pages_is_not_a_link(web: Client, answers: Any) -> None:
    KnowledgeEntry.objects.filter(slug="kode-billing").update(source="javascript:alert(1)")
    actions.knowledge_changed()
    ask(web, "How long is a billing code valid?")
    page = web.get("/asisten/")
    assert "valid for 2 hours" in text_of(page)
    assert "javascript:" not in page.content.decode()


def test_suggestions_are_buttons_that_ask_the_suggested_question(
    web: Client, answers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not sure which of two answers is meant: the assistant offers both.
    monkeypatch.setattr(
        actions, "decide", lambda ranked: Decision("clarify", ranked[0], ranked[:2], 0.45)
    )
    ask(web, "office billing")
    page = web.get("/asisten/")
    main = main_of(page)
    buttons = re.findall(r'<button type="submit" name="question" value="([^"]+)"', main)
    assert OPENING_HOURS in buttons and "How long is a billing code valid?" in buttons

    monkeypatch.undo()
    ask(web, OPENING_HOURS)
    asked = Message.objects.filter(role="person").order_by("id").values_list("text", flat=True)
    assert list(asked) == ["office billing", OPENING_HOURS]
    # Suggestions belong to the reply that offered them only.
    assert 'name="question" value=' not in main_of(web.get("/asisten/"))


def test_a_vote_is_recorded_for_an_answer_of_this_conversation_only(
    web: Client, answers: Any
) -> None:
    other = Client()
    other.post("/asisten/", {"question": OPENING_HOURS})
    theirs = Message.objects.get(role="assistant")

    ask(web, OPENING_HOURS)
    mine = Message.objects.filter(role="assistant").latest("id")
    page = main_of(web.get("/asisten/"))
    assert "Was this helpful?" in page
    assert f'name="message" value="{mine.pk}"' in page

    response = web.post("/asisten/nilai/", {"message": mine.pk, "helpful": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"/asisten/#message-{mine.pk}"
    mine.refresh_from_db()
    assert mine.helpful is True
    shown = text_of(web.get("/asisten/"))
    assert "You said this answer was helpful." in shown

    web.post("/asisten/nilai/", {"message": theirs.pk, "helpful": "no"})
    theirs.refresh_from_db()
    assert theirs.helpful is None
    assert "We could not record your answer" in text_of(web.get("/asisten/"))


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_talk_to_a_person_button_hands_the_conversation_to_staff(
    client: Client, answers: Any, language: str
) -> None:
    assert wants_a_person(HANDOFF_QUESTIONS[language])
    client.cookies["imigrasi_lang"] = language
    page = main_of(client.get("/asisten/"))
    hours = {"id": "08.00–16.00 WIB", "en": "08:00–16:00 WIB"}[language]
    assert 'id="handoff-button"' in page and hours in page

    ask(client, OPENING_HOURS)
    response = client.post("/asisten/", {"handoff": "on"})
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.state == "waiting" and conversation.handoff_at is not None
    person = conversation.messages.filter(role="person").latest("id")
    assert person.text == HANDOFF_QUESTIONS[language]
    reply = conversation.messages.filter(role="assistant").latest("id")
    assert reply.outcome == "handoff" and reply.language == language
    assert 'id="with-staff"' in main_of(client.get("/asisten/"))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("", "Please type your question in words"),
        ("   ", "Please type your question in words"),
        ("paspor " * 2000, "at most 500 characters"),
        ("<script>alert('x')</script><img src=x onerror=alert(1)> paspor", ""),
        ('"><svg/onload=alert(1)>', ""),
    ],
)
def test_empty_huge_and_marked_up_questions_get_a_clear_reply_and_no_markup(
    web: Client, answers: Any, question: str, expected: str
) -> None:
    response = ask(web, question)
    assert response.status_code == 302
    page = web.get("/asisten/")
    assert page.status_code == 200
    main = main_of(page)
    for markup in ("<script>alert", "<img src=x", "<svg", "onerror=", "onload="):
        assert markup not in main
    answer = Message.objects.get(role="assistant")
    assert answer.text and answer.text in unescape(main)
    assert expected in answer.text


def test_too_many_questions_get_a_translated_message_not_an_error(
    web: Client, answers: Any, settings: Any
) -> None:
    settings.ASSISTANT_RATE = "2/m"
    ask(web, OPENING_HOURS)
    ask(web, OPENING_HOURS)
    response = ask(web, "How long is a billing code valid?")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many questions. Wait a minute and try again." in text_of(response)
    assert response.content.decode().count("How long is a billing code valid?") == 1  # kept
    assert Message.objects.filter(role="person").count() == 2

    web.cookies["imigrasi_lang"] = "id"
    again = ask(web, OPENING_HOURS)
    assert again.status_code == 429 and 'id="rate-limited"' in again.content.decode()


def test_a_closed_conversation_is_shown_until_the_next_question_starts_a_new_one(
    web: Client, answers: Any
) -> None:
    ask(web, OPENING_HOURS)
    first = Conversation.objects.get()
    Conversation.objects.filter(pk=first.pk).update(state="closed")
    assert 'id="closed"' in main_of(web.get("/asisten/"))
    ask(web, OPENING_HOURS)
    assert Conversation.objects.count() == 2
    assert web.session[SESSION_KEY] != str(first.public_id)


def test_the_faq_page_lists_active_answers_by_topic_with_anchors(
    web: Client, answers: Any, catalog: None
) -> None:
    KnowledgeEntry.objects.create(
        slug="biaya-paspor-web",
        topic="passport",
        questions_id="Berapa biaya paspor?",
        questions_en="How much is a passport?",
        answer_id="Biaya: {fee:paspor-baru-dewasa}.",
        answer_en="Fees: {fee:paspor-baru-dewasa}.",
        source="/layanan/paspor-baru-dewasa/",
    )
    KnowledgeEntry.objects.create(
        slug="tidak-aktif",
        topic="general",
        questions_id="Pertanyaan lama",
        questions_en="An old question",
        answer_id="Lama.",
        answer_en="Old.",
        source="/",
        is_active=False,
    )
    response = web.get("/asisten/tanya-jawab/")
    assert response.status_code == 200
    main = main_of(response)
    assert (
        '<h3 class="govuk-heading-m" id="jam-buka-kantor">When are immigration offices open?</h3>'
        in main
    )
    assert 'id="kode-billing"' in main and 'id="biaya-paspor-web"' in main
    assert "What time does the office close?" not in main  # only the first phrasing
    assert "An old question" not in main and 'id="tidak-aktif"' not in main
    # Catalog facts filled in, topics in their order with a contents list.
    assert "{fee:" not in main and re.search(r"Fees: .*Rp[\d,]+", main)
    assert main.index('id="topic-passport"') < main.index('id="topic-payment"')
    assert main.index('id="topic-payment"') < main.index('id="topic-offices"')
    assert 'href="#topic-offices"' in main
    # The FAQ page itself is not cited as "more about this"; other pages are.
    assert 'href="/asisten/tanya-jawab/#jam-buka-kantor"' not in main
    assert 'href="/layanan/paspor-baru-dewasa/"' in main

    web.cookies["imigrasi_lang"] = "id"
    indonesian = main_of(web.get("/asisten/tanya-jawab/"))
    assert 'id="jam-buka-kantor">Jam berapa kantor imigrasi buka?</h3>' in indonesian
    assert re.search(r"Biaya: .*Rp[\d.]+", indonesian)


def test_every_page_links_to_the_assistant_and_loads_the_widget_with_the_csp_nonce(
    web: Client,
) -> None:
    response = web.get("/")
    html = response.content.decode()
    assert (
        '<a class="imd-assistant-launcher__control" href="/asisten/" data-assistant-link>' in html
    )
    assert re.search(r'<div class="imd-assistant" id="assistant-widget" hidden', html)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce
    assert f'src="/static/js/assistant-widget.js" nonce="{nonce.group(1)}"' in html
    assert 'data-you="You"' in html and 'data-url="/api/v1/assistant/ask"' in html
