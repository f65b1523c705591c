"""The survey page: one answer per link, anonymity, and clear answers to bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from imigrasi.feedback.models import Invitation, Response
from imigrasi.feedback.tests.conftest import ANSWERS

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return f"/survei/{token}/"


def test_the_survey_asks_the_nine_questions_without_sign_in(
    client: Any, invitation: tuple[Invitation, str]
) -> None:
    _invitation, token = invitation
    page = client.get(url(token))
    assert page.status_code == 200
    body = page.content.decode()
    for number in range(1, 10):
        assert f'name="u{number}"' in body
    assert body.count('type="radio"') == 36
    assert 'name="anonymous"' in body
    assert page["Referrer-Policy"] == "same-origin"
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]


def test_answers_are_kept_with_the_account_and_the_link_dies(
    client: Any, invitation: tuple[Invitation, str], applicant: Any
) -> None:
    invitation_, token = invitation
    sent = client.post(
        url(token), {**ANSWERS, "u4": "4", "age_band": "30_39", "suggestion": "Cepat."}
    )
    assert sent.status_code == 302
    assert sent["Location"].startswith("/survei/terima-kasih/?kantor=kanim-jakarta-selatan")
    response = Response.objects.get()
    assert response.account_id == applicant.pk
    assert response.invitation_id == invitation_.pk
    assert response.scores == (3, 3, 3, 4, 3, 3, 3, 3, 3)
    assert response.age_band == "30_39"
    assert response.suggestion == "Cepat."
    assert response.served_on == invitation_.served_on
    invitation_.refresh_from_db()
    assert invitation_.used_on == timezone.localdate()
    assert client.get(sent["Location"]).status_code == 200


def test_an_anonymous_answer_stores_no_account_and_no_link(
    client: Any, invitation: tuple[Invitation, str]
) -> None:
    invitation_, token = invitation
    client.post(url(token), {**ANSWERS, "anonymous": "on"})
    response = Response.objects.get()
    assert response.account_id is None
    assert response.invitation_id is None
    assert (response.office_id, response.service_id) == (
        invitation_.office_id,
        invitation_.service_id,
    )


def test_a_walk_in_is_not_asked_about_an_account_and_stays_anonymous(
    client: Any, walk_in_invitation: tuple[Invitation, str]
) -> None:
    _invitation, token = walk_in_invitation
    assert b'name="anonymous"' not in client.get(url(token)).content
    client.post(url(token), ANSWERS)
    assert Response.objects.get().account_id is None


def test_a_second_answer_with_the_same_link_is_refused_and_nothing_is_stored_twice(
    client: Any, invitation: tuple[Invitation, str]
) -> None:
    _invitation, token = invitation
    client.post(url(token), ANSWERS)
    client.cookies["imigrasi_lang"] = "en"
    again = client.post(url(token), {**ANSWERS, "u1": "1"})
    assert again.status_code == 410
    assert b"You have already answered" in again.content
    assert Response.objects.count() == 1
    assert client.get(url(token)).status_code == 410


def test_a_forged_link_is_not_found(client: Any, invitation: tuple[Invitation, str]) -> None:
    for token in ("A" * 43, "x", "A" * 200):
        assert client.get(url(token)).status_code == 404
        assert client.post(url(token), ANSWERS).status_code == 404
    assert not Response.objects.exists()


def test_an_expired_link_explains_itself(client: Any, invitation: tuple[Invitation, str]) -> None:
    invitation_, token = invitation
    Invitation.objects.filter(pk=invitation_.pk).update(expires_at=timezone.now())
    assert client.get(url(token)).status_code == 410
    assert client.post(url(token), ANSWERS).status_code == 410
    assert not Response.objects.exists()


@pytest.mark.parametrize("bad", ["0", "5", "-1", "3.5", "", "empat"])
def test_an_out_of_range_score_is_refused_with_a_message_and_nothing_is_stored(
    client: Any, invitation: tuple[Invitation, str], bad: str
) -> None:
    _invitation, token = invitation
    page = client.post(url(token), {**ANSWERS, "u7": bad})
    assert page.status_code == 400
    assert b"govuk-error-summary" in page.content
    assert "pertanyaan 7" in page.content.decode()  # the field named, in the default language
    assert not Response.objects.exists()
    assert client.get(url(token)).status_code == 200  # the link still works


def test_the_database_refuses_a_score_outside_1_to_4_whatever_the_caller(
    invitation: tuple[Invitation, str],
) -> None:
    from django.db import IntegrityError

    from imigrasi.feedback import actions

    invitation_, _token = invitation
    with pytest.raises(IntegrityError):
        actions.do_submit_response(invitation_, {**ANSWERS, "u3": 9}, anonymous=True)


def test_a_flood_from_one_address_is_limited(client: Any, catalog: None, settings: Any) -> None:
    from imigrasi.feedback.tests.conftest import invite

    settings.FEEDBACK_SUBMIT_RATE = "3/m/ip"
    tokens = [invite(reference=f"flood-{n}")[1] for n in range(5)]
    codes = [client.post(url(token), ANSWERS).status_code for token in tokens]
    assert codes == [302, 302, 302, 429, 429]
    assert Response.objects.count() == 3
    limited = client.post(url(tokens[4]), ANSWERS)
    assert int(limited["Retry-After"]) > 0


def test_one_link_cannot_be_hammered_with_bad_answers(
    client: Any, invitation: tuple[Invitation, str], settings: Any
) -> None:
    settings.FEEDBACK_LINK_RATE = "2/h/link"
    _invitation, token = invitation
    codes = [client.post(url(token), {"u1": "9"}).status_code for _ in range(3)]
    assert codes == [400, 400, 429]
