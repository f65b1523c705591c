"""The help desk under /staff/asisten/: conversations the assistant handed to a person are
claimed by one member of staff only (a conditional UPDATE), answered, and closed; the reply
appears on the asker's chat page while the assistant stays silent; nobody sees another
account's conversation; every staff role needs its second factor; the report groups the
questions the assistant could not answer."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from conftest import mark_second_factor
from imigrasi.assistant import helpdesk
from imigrasi.assistant.actions import answer_question
from imigrasi.assistant.helpdesk import HelpdeskError
from imigrasi.assistant.models import Conversation, KnowledgeEntry, Message
from imigrasi.assistant.staff_views import report_data
from imigrasi.assistant.tests.test_web import main_of, text_of
from imigrasi.assistant.views import HANDOFF_QUESTIONS, SESSION_KEY
from imigrasi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

QUESTION = "Kapan kantor imigrasi buka?"


@pytest.fixture(autouse=True)
def _no_rate_limit_left_over() -> None:
    cache.clear()


@pytest.fixture
def hours(db: None) -> KnowledgeEntry:
    return KnowledgeEntry.objects.create(
        slug="jam-buka-helpdesk",
        topic="offices",
        questions_id=QUESTION,
        questions_en="When is the immigration office open?",
        keywords="jam, buka, hours, open",
        answer_id="Senin sampai Jumat, 08.00 sampai 16.00.",
        answer_en="Monday to Friday, 08:00 to 16:00.",
        source="/asisten/tanya-jawab/#jam-buka-helpdesk",
    )


def signed_in(user: Any, *, second_factor: bool = True, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    if second_factor:
        mark_second_factor(client, user)
    client.cookies["imigrasi_lang"] = language
    return client


def handed_over(account: Any = None, question: str = QUESTION) -> Conversation:
    first = answer_question(question, language="id", account=account)
    answer_question(
        HANDOFF_QUESTIONS["id"],
        language="id",
        conversation_id=first.conversation_id,
        account=account,
    )
    conversation = Conversation.objects.get(public_id=first.conversation_id)
    assert conversation.state == "waiting"
    return conversation


def url(conversation: Conversation, action: str = "") -> str:
    return f"/staff/asisten/{conversation.public_id}/" + (f"{action}/" if action else "")


# --- claiming --------------------------------------------------------------------------------


def test_two_officers_who_opened_the_same_conversation_cannot_both_claim_it(
    hours: Any, officer: Any, other_office_officer: Any
) -> None:
    conversation = handed_over()
    # Both loaded the conversation while it was waiting.
    seen_by_andi = Conversation.objects.get(pk=conversation.pk)
    seen_by_made = Conversation.objects.get(pk=conversation.pk)
    helpdesk.claim(seen_by_andi, officer)
    with pytest.raises(HelpdeskError) as refused:
        helpdesk.claim(seen_by_made, other_office_officer)
    assert refused.value.code == "already_claimed"
    conversation.refresh_from_db()
    assert conversation.state == "human" and conversation.assigned_to == officer
    claims = AuditEntry.objects.filter(action="assistant.conversation_claimed")
    assert [entry.actor_id for entry in claims] == [officer.pk]


def test_the_second_claim_through_the_page_is_refused_with_a_message(
    hours: Any, officer: Any, other_office_officer: Any
) -> None:
    conversation = handed_over()
    andi, made = signed_in(officer), signed_in(other_office_officer)
    assert 'id="claim"' in main_of(made.get(url(conversation)))
    assert andi.post(url(conversation, "ambil")).status_code == 302
    response = made.post(url(conversation, "ambil"), follow=True)
    assert "Another member of staff has already taken this conversation." in text_of(response)
    conversation.refresh_from_db()
    assert conversation.assigned_to == officer
    assert 'id="claim"' not in main_of(made.get(url(conversation)))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_officers_claiming_at_the_same_moment_make_one_owner(
    officer: Any, other_office_officer: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run by `make test-postgres`)")
    conversation = handed_over()
    threads, outcomes, lock = 20, Counter[str](), threading.Lock()
    barrier = threading.Barrier(threads)

    def run(n: int) -> None:
        staff = officer if n % 2 else other_office_officer
        seen = Conversation.objects.get(pk=conversation.pk)
        try:
            barrier.wait()
            helpdesk.claim(seen, staff)
            outcome = f"ok:{staff.pk}"
        except HelpdeskError as error:
            outcome = error.code
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    started = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    assert outcomes["already_claimed"] == threads - 1, outcomes
    conversation.refresh_from_db()
    assert outcomes[f"ok:{conversation.assigned_to_id}"] == 1, outcomes
    assert AuditEntry.objects.filter(action="assistant.conversation_claimed").count() == 1


# --- replying, and what the asker sees -------------------------------------------------------


def test_a_staff_reply_appears_on_the_askers_page_and_the_assistant_stays_silent(
    hours: Any, applicant: Any, officer: Any
) -> None:
    siti = signed_in(applicant)
    siti.post("/asisten/", {"question": "When is the immigration office open?"})
    siti.post("/asisten/", {"handoff": "on"})
    conversation = Conversation.objects.get()
    assert conversation.account == applicant and conversation.state == "waiting"

    andi = signed_in(officer)
    andi.post(url(conversation, "ambil"))
    response = andi.post(
        url(conversation, "balas"),
        {"text": "Silakan datang hari Senin. Tulis ke siti@example.id bila perlu."},
    )
    assert response.status_code == 302
    staff_turn = Message.objects.get(role="staff")
    assert staff_turn.author == officer
    assert staff_turn.text == "Silakan datang hari Senin. Tulis ke [email] bila perlu."

    page = siti.get("/asisten/")
    assert "Silakan datang hari Senin." in text_of(page)
    assert "Member of staff" in text_of(page)
    assert officer.get_full_name() not in text_of(page)

    # While a person has the conversation the assistant does not answer in it.
    reply = answer_question(
        "When is the immigration office open?",
        language="en",
        conversation_id=str(conversation.public_id),
        account=applicant,
    )
    assert reply.outcome == "handoff" and "08:00 to 16:00" not in reply.answer
    siti.post("/asisten/", {"question": "When is the immigration office open?"})
    latest = Message.objects.filter(role="assistant").latest("id")
    assert latest.outcome == "handoff"
    assert Message.objects.filter(role="assistant", outcome="answered").count() == 1


def test_the_reply_is_found_again_after_signing_in_on_another_browser(
    hours: Any, applicant: Any, officer: Any
) -> None:
    conversation = handed_over(applicant)
    helpdesk.claim(conversation, officer)
    helpdesk.reply(conversation, officer, "Kami sudah memeriksa pertanyaan Anda.")
    later = signed_in(applicant)
    assert "Kami sudah memeriksa pertanyaan Anda." in text_of(later.get("/asisten/"))
    assert later.session[SESSION_KEY] == str(conversation.public_id)


def test_only_the_officer_who_took_it_replies_and_a_reply_needs_text(
    hours: Any, officer: Any, other_office_officer: Any
) -> None:
    conversation = handed_over()
    helpdesk.claim(conversation, officer)
    made = signed_in(other_office_officer)
    assert 'name="text"' not in main_of(made.get(url(conversation)))
    response = made.post(url(conversation, "balas"), {"text": "Halo"}, follow=True)
    assert "Only the member of staff who took this conversation can do that." in text_of(response)
    assert not Message.objects.filter(role="staff").exists()

    empty = signed_in(officer).post(url(conversation, "balas"), {"text": "  "})
    assert empty.status_code == 400
    assert "Type your reply." in text_of(empty)


def test_closing_ends_the_conversation_for_staff_and_tells_the_asker(
    hours: Any, applicant: Any, officer: Any, other_office_officer: Any, supervisor: Any
) -> None:
    conversation = handed_over(applicant)
    helpdesk.claim(conversation, officer)
    with pytest.raises(HelpdeskError):
        helpdesk.close(conversation, other_office_officer)
    response = signed_in(officer).post(url(conversation, "tutup"))
    assert response["Location"] == "/staff/asisten/"
    conversation.refresh_from_db()
    assert conversation.state == "closed"
    with pytest.raises(HelpdeskError) as again:
        helpdesk.close(conversation, supervisor)
    assert again.value.code == "already_closed"

    # A supervisor may close a colleague's conversation.
    other = handed_over()
    helpdesk.claim(other, officer)
    helpdesk.close(other, supervisor)
    other.refresh_from_db()
    assert other.state == "closed"


def test_the_closed_conversation_shows_on_the_askers_page(
    hours: Any, applicant: Any, officer: Any
) -> None:
    siti = signed_in(applicant)
    siti.post("/asisten/", {"handoff": "on"})
    conversation = Conversation.objects.get()
    helpdesk.claim(conversation, officer)
    helpdesk.close(conversation, officer)
    assert 'id="closed"' in main_of(siti.get("/asisten/"))


# --- who sees what ---------------------------------------------------------------------------


def test_a_conversation_of_another_account_is_not_shown_on_someones_chat_page(
    hours: Any, applicant: Any, other_applicant: Any
) -> None:
    siti = signed_in(applicant)
    siti.post("/asisten/", {"question": "Kapan kantor imigrasi buka? Rahasia Siti."})
    theirs = Conversation.objects.get()

    for visitor in (signed_in(other_applicant), Client()):
        session = visitor.session
        session[SESSION_KEY] = str(theirs.public_id)  # e.g. a shared computer's old session
        session.save()
        page = visitor.get("/asisten/")
        assert "Rahasia Siti" not in page.content.decode()
        assert SESSION_KEY not in visitor.session
        visitor.post("/asisten/", {"question": "Kapan kantor imigrasi buka?"})
    assert theirs.messages.filter(role="person").count() == 1
    assert Conversation.objects.count() == 3
    assert "Rahasia Siti" in text_of(siti.get("/asisten/"))


def test_staff_open_only_handed_over_conversations_and_each_opening_is_audited(
    hours: Any, applicant: Any, officer: Any
) -> None:
    chat = answer_question(QUESTION, language="id", account=applicant)
    andi = signed_in(officer)
    assert andi.get(f"/staff/asisten/{chat.conversation_id}/").status_code == 404

    conversation = handed_over(applicant)
    page = andi.get(url(conversation))
    assert page.status_code == 200
    assert QUESTION in text_of(page) and "Answered" in text_of(page)
    read = AuditEntry.objects.get(action="personal_data.read")
    assert read.actor_id == officer.pk and read.subject_id == applicant.pk
    assert read.object_id == str(conversation.public_id)
    assert read.reason == "help desk: conversation opened"


STAFF = ["officer", "supervisor", "content_editor", "auditor", "admin_user"]


@pytest.mark.parametrize("persona", STAFF)
def test_no_staff_role_reaches_the_help_desk_without_a_second_factor(
    hours: Any, persona: str, request: pytest.FixtureRequest
) -> None:
    conversation = handed_over()
    client = signed_in(request.getfixturevalue(persona), second_factor=False)
    for path in ("/staff/asisten/", "/staff/asisten/laporan/", url(conversation)):
        response = client.get(path)
        assert response.status_code == 302, (persona, path)
        assert not response["Location"].startswith(path)
    assert client.post(url(conversation, "ambil")).status_code == 302
    conversation.refresh_from_db()
    assert conversation.assigned_to is None
    assert not AuditEntry.objects.filter(action="personal_data.read").exists()


@pytest.mark.parametrize(
    ("persona", "desk", "report"),
    [
        ("officer", 200, 403),
        ("supervisor", 200, 200),
        ("content_editor", 200, 200),
        ("auditor", 403, 403),
        ("admin_user", 403, 200),
        ("applicant", 403, 403),
    ],
)
def test_roles_of_the_help_desk_and_the_report(
    persona: str, desk: int, report: int, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    client = signed_in(user)
    assert client.get("/staff/asisten/").status_code == desk
    assert client.get("/staff/asisten/laporan/").status_code == report
    home = client.get("/staff/")
    if home.status_code == 200:
        assert ('href="/staff/asisten/"' in home.content.decode()) == (desk == 200)
        assert ('href="/staff/asisten/laporan/"' in home.content.decode()) == (report == 200)


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/staff/asisten/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_help_desk_lists_waiting_conversations_oldest_first_and_mine(
    hours: Any, officer: Any, django_assert_max_num_queries: Any
) -> None:
    older, newer = handed_over(), handed_over()
    Conversation.objects.filter(pk=older.pk).update(
        handoff_at=timezone.now() - dt.timedelta(hours=1)
    )
    taken = handed_over()
    helpdesk.claim(taken, officer)
    andi = signed_in(officer)
    andi.get("/staff/asisten/")  # session and translations warm
    with django_assert_max_num_queries(12):
        page = andi.get("/staff/asisten/").content.decode()
    waiting = page[page.index('id="waiting"') :]
    mine = page[page.index('id="mine"') : page.index('id="waiting"')]
    assert waiting.index(str(older.public_id)) < waiting.index(str(newer.public_id))
    assert str(taken.public_id) in mine and str(taken.public_id) not in waiting
    assert not AuditEntry.objects.filter(action="personal_data.read").exists()


# --- the report ------------------------------------------------------------------------------


def _exchange(
    question: str,
    *,
    outcome: str,
    confidence: float,
    intent: str = "knowledge",
    helpful: bool | None = None,
    days_ago: float = 1,
) -> None:
    when = timezone.now() - dt.timedelta(days=days_ago)
    conversation = Conversation.objects.create()
    Message.objects.create(conversation=conversation, role="person", text=question, created_at=when)
    Message.objects.create(
        conversation=conversation,
        role="assistant",
        text="…",
        outcome=outcome,
        intent=intent,
        confidence=confidence,
        helpful=helpful,
        created_at=when,
    )


def test_the_report_groups_unanswered_and_unsure_questions_with_counts(
    content_editor: Any,
) -> None:
    _exchange("Visa kerja untuk koki?", outcome="out_of_scope", confidence=0.2)
    _exchange("visa kerja untuk koki? ", outcome="clarify", confidence=0.45)
    _exchange("Visa kerja untuk koki?", outcome="out_of_scope", confidence=0.1, days_ago=40)
    _exchange("Bisa bayar pakai QRIS?", outcome="clarify", confidence=0.44, helpful=False)
    _exchange("Cara lapor WNA?", outcome="answered", confidence=0.55)
    _exchange("Cara lapor WNA?", outcome="answered", confidence=0.58, helpful=True)
    _exchange("Biaya paspor?", outcome="answered", confidence=0.9, helpful=True)
    _exchange("[NIK] data tetangga", outcome="out_of_scope", confidence=0.0, intent="unsafe")
    _exchange("", outcome="clarify", confidence=0.0, intent="empty")

    data = report_data()
    assert [(r["question"], r["count"]) for r in data["unanswered"]] == [
        ("visa kerja untuk koki?", 2),
        ("bisa bayar pakai qris?", 1),
    ]
    assert [(r["question"], r["count"]) for r in data["low_confidence"]] == [("cara lapor wna?", 2)]
    assert [(r["question"], r["count"]) for r in data["not_helpful"]] == [
        ("bisa bayar pakai qris?", 1)
    ]
    assert (data["helpful"], data["unhelpful"]) == (2, 1)

    page = signed_in(content_editor).get("/staff/asisten/laporan/")
    html = page.content.decode()
    unanswered = html[html.index('id="unanswered"') : html.index('id="low-confidence"')]
    assert "visa kerja untuk koki?" in unanswered and "tetangga" not in html
    assert 'id="votes-helpful">2<' in html and 'id="votes-unhelpful">1<' in html
