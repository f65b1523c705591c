"""The assistant in a real Chromium, by keyboard, with axe-core: the header control opens the
chat panel, a question's answer appears in the live region with its source as a link, Escape
closes the panel and gives focus back; the chat page and the questions-and-answers page have
no WCAG 2.2 A/AA violation; without JavaScript the control is a plain link to the chat page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import STAFF_TOTP, assert_accessible, sign_in_in_browser
from imigrasi.assistant.actions import answer_question
from imigrasi.assistant.models import Conversation, KnowledgeEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "When are immigration offices open?"
ANSWER = "Immigration offices are open Monday to Friday from 08:00 to 16:00."


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the element is focused: it must be reachable by keyboard."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def is_focused(page: Any, selector: str) -> bool:
    return bool(page.locator(selector).first.evaluate("el => el === document.activeElement"))


@pytest.fixture
def answers(db: None) -> None:
    KnowledgeEntry.objects.create(
        slug="jam-buka-kantor",
        topic="offices",
        questions_id="Jam berapa kantor imigrasi buka?",
        questions_en=QUESTION,
        keywords="jam, buka, hours, open",
        answer_id="Kantor imigrasi buka Senin sampai Jumat pukul 08.00 sampai 16.00.",
        answer_en=ANSWER,
        source="/asisten/tanya-jawab/#jam-buka-kantor",
    )


def test_the_widget_opens_by_keyboard_answers_in_the_live_region_and_closes_with_escape(
    live_server: Any, browser_context: Any, answers: None
) -> None:
    page = browser_context.new_page()
    base = live_server.url
    page.context.add_cookies([{"name": "imigrasi_lang", "value": "en", "url": base}])
    page.goto(f"{base}/")
    launcher = page.locator("button[data-assistant-launcher]")
    panel = page.locator("#assistant-widget")
    expect(page.locator("a[data-assistant-link]")).to_have_count(0)
    expect(panel).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")

    tab_to(page, "button[data-assistant-launcher]")
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    assert is_focused(page, "#assistant-widget-question")
    section = panel.locator("section")
    assert section.get_attribute("aria-labelledby") == "assistant-widget-title"
    log = panel.locator("[role=log]")
    assert log.get_attribute("aria-live") == "polite"
    assert_accessible(page)

    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    expect(log).to_contain_text(ANSWER)
    expect(log.locator("a[href='/asisten/tanya-jawab/#jam-buka-kantor']")).to_have_text(QUESTION)
    assert is_focused(page, "#assistant-widget-question")
    assert_accessible(page)

    # Markup typed into the question is shown as text, never as elements.
    page.keyboard.type('<img src=x onerror="document.title=1">')
    page.keyboard.press("Enter")
    expect(log.locator(".imd-assistant__turn--assistant")).to_have_count(2)
    assert log.locator("img").count() == 0
    assert page.title() != "1"

    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    assert is_focused(page, "button[data-assistant-launcher]")

    # The conversation goes on from another page of the same tab.
    page.goto(f"{base}/asisten/tanya-jawab/")
    page.locator("button[data-assistant-launcher]").click()
    page.locator("#assistant-widget-question").fill(QUESTION)
    page.locator("#assistant-widget-question").press("Enter")
    expect(page.locator("#assistant-widget [role=log]")).to_contain_text(ANSWER)
    conversation = Conversation.objects.get()
    assert conversation.messages.filter(role="person").count() == 3

    # The close button also closes, and gives focus back.
    page.locator("[data-assistant-close]").click()
    expect(page.locator("#assistant-widget")).to_be_hidden()
    assert is_focused(page, "button[data-assistant-launcher]")


def test_a_signed_in_person_asks_about_their_own_application_through_the_widget(
    live_server: Any, browser_context: Any, applicant: Any
) -> None:
    # The API takes the session's account only with the CSRF header from the cookie.
    page = browser_context.new_page()
    base = live_server.url
    page.context.add_cookies([{"name": "imigrasi_lang", "value": "en", "url": base}])
    sign_in_in_browser(page, base, applicant)
    page.locator("button[data-assistant-launcher]").click()
    page.locator("#assistant-widget-question").fill("Where is my application?")
    page.locator("#assistant-widget-question").press("Enter")
    log = page.locator("#assistant-widget [role=log]")
    expect(log).to_contain_text("You have no applications")
    expect(log.locator("a[href='/permohonan/']")).to_be_visible()
    assert Conversation.objects.get().account == applicant


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_chat_and_faq_pages_have_no_wcag_violations(
    live_server: Any, browser_context: Any, answers: None, language: str
) -> None:
    page = browser_context.new_page()
    base = live_server.url
    page.context.add_cookies([{"name": "imigrasi_lang", "value": language, "url": base}])
    page.goto(f"{base}/asisten/")
    assert page.get_attribute("html", "lang") == language
    assert_accessible(page)

    # The plain form, by keyboard: the answer, its source, the vote and the handoff button.
    tab_to(page, "#id_question")
    page.keyboard.type(QUESTION)
    tab_to(page, "#ask button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#transcript")).to_contain_text(ANSWER)
    expect(
        page.locator("#transcript a[href='/asisten/tanya-jawab/#jam-buka-kantor']")
    ).to_be_visible()
    assert_accessible(page)
    tab_to(page, "#transcript button[name=helpful][value=yes]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    page.locator("#handoff-button").click()
    page.wait_for_load_state()
    expect(page.locator("#with-staff")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{base}/asisten/tanya-jawab/")
    expect(page.locator("#jam-buka-kantor")).to_be_visible()
    assert_accessible(page)


def test_without_javascript_the_control_is_a_link_to_the_chat_page(
    live_server: Any, chromium: Any, answers: None
) -> None:
    context = chromium.new_context(java_script_enabled=False, locale="id-ID")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        expect(page.locator("button[data-assistant-launcher]")).to_be_hidden()
        link = page.locator("a[data-assistant-link]")
        expect(link).to_be_visible()
        with page.expect_navigation():
            link.click()
        assert page.url == f"{live_server.url}/asisten/"
        page.fill("#id_question", QUESTION)
        with page.expect_navigation():
            page.click("#ask button[type=submit]")
        expect(page.locator("#transcript")).to_contain_text(QUESTION)
    finally:
        context.close()


def test_the_help_desk_pages_have_no_wcag_violations(
    live_server: Any, browser_context: Any, answers: None, officer: Any, supervisor: Any
) -> None:
    first = answer_question(QUESTION, language="en")
    answer_question(
        "I want to talk to a member of staff", language="en", conversation_id=first.conversation_id
    )
    answer_question("resep rendang yang enak", language="id")
    page = browser_context.new_page()
    base = live_server.url
    sign_in_in_browser(page, base, officer, STAFF_TOTP)
    page.goto(f"{base}/staff/asisten/")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("#waiting a").first.click()
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("#claim").click()
    page.fill("textarea[name=text]", "Kantor buka pukul 08.00.")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#transcript")).to_contain_text("Kantor buka pukul 08.00.")
    assert_accessible(page)

    other = browser_context.new_page()
    other.context.clear_cookies()
    sign_in_in_browser(other, base, supervisor, STAFF_TOTP)
    other.goto(f"{base}/staff/asisten/laporan/")
    expect(other.locator("#unanswered")).to_contain_text("resep rendang yang enak")
    assert_accessible(other)
