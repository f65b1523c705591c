"""Personal-data breaches: the 3 × 24-hour clock, who is told, told once, by whom, and the
notice itself in each person's language (UU 27/2022 Art. 46)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import STAFF_TOTP, make_user
from imigrasi.applications.models import Application, Person
from imigrasi.appointments.models import Booking, Pool, Slot
from imigrasi.audit.models import AuditEntry
from imigrasi.catalog.models import Service
from imigrasi.privacy import breach
from imigrasi.privacy.breach import BreachError
from imigrasi.privacy.models import BreachIncident, BreachScope, BreachStatus, DataCategory

WIB = ZoneInfo("Asia/Jakarta")
WHAT_HAPPENED = "Daftar kunjungan dikirim ke alamat yang salah oleh Siti Rahmawati."
REMEDIATION = "Kami menarik kembali berkas itu dan mengganti kata sandi sistem."


# --- set-up ------------------------------------------------------------------------------------


@pytest.fixture
def dpo(db: None) -> Any:
    return make_user(
        "yusuf@imigrasi.example",
        "privacy_officer",
        None,
        "Yusuf Hakim",
        totp_secret=STAFF_TOTP,
    )


@pytest.fixture
def dpo_client(staff_client: Any, dpo: Any) -> Any:
    return staff_client(dpo)


@pytest.fixture
def service(db: None) -> Service:
    return Service.objects.create(
        code="paspor-uji",
        family="passport",
        workflow="passport",
        citizenship="citizen",
        name_id="Paspor uji",
        name_en="Test passport",
        summary_id="-",
        summary_en="-",
    )


_counter = iter(range(1, 1_000_000))


def _person(account: Any) -> Person:
    return Person.objects.create(
        account=account, relationship="self", full_name="X", date_of_birth="1990-01-01"
    )


def application_at(account: Any, office: Any, service: Service) -> Application:
    return Application.objects.create(
        number=f"T{next(_counter):010d}",
        account=account,
        person=_person(account),
        service=service,
        workflow="passport",
        office=office,
    )


def booking_at(account: Any, office: Any, service: Service) -> Booking:
    n = next(_counter)
    start = timezone.now() + dt.timedelta(days=3, hours=n)
    slot = Slot.objects.create(
        office=office,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        pool=Pool.ONLINE,
        capacity=5,
    )
    return Booking.objects.create(
        code=f"B{n:07d}",
        account=account,
        person=_person(account),
        identity_index=f"id-{n}",
        service=service,
        office=office,
        slot=slot,
    )


def incident_for(dpo: Any, *, hours_ago: float = 1, **assessment: Any) -> BreachIncident:
    incident = breach.do_open_incident(
        dpo,
        {
            "title": "Visit list sent to a wrong address",
            "discovered_at": timezone.now() - dt.timedelta(hours=hours_ago),
            "what_happened": WHAT_HAPPENED,
        },
    )
    if assessment:
        data = {
            "data_categories": [DataCategory.CONTACT, DataCategory.IDENTITY],
            "remediation": REMEDIATION,
            "estimated_subjects": 10,
            **assessment,
        }
        incident = breach.do_update_incident(incident, dpo, data)
    return incident


def notify(incident: BreachIncident, dpo: Any, capture: Any) -> int:
    with capture(execute=True):
        return breach.do_notify_subjects(incident, dpo)


def recipients(mailoutbox: list[Any]) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


# --- the clock ---------------------------------------------------------------------------------


def test_the_deadline_is_three_times_24_hours_after_discovery(dpo: Any) -> None:
    incident = incident_for(dpo, hours_ago=30.5)

    clock = breach.clock(incident)

    assert clock.deadline == incident.discovered_at + dt.timedelta(hours=72)
    assert clock.hours_left == 41
    assert not clock.overdue


@pytest.mark.parametrize(
    ("authority", "subjects", "overdue"),
    [(False, False, True), (True, False, True), (False, True, True), (True, True, False)],
)
def test_it_is_overdue_after_the_deadline_while_either_notice_is_missing(
    dpo: Any, authority: bool, subjects: bool, overdue: bool
) -> None:
    incident = incident_for(dpo, hours_ago=79.5)
    later = incident.discovered_at + dt.timedelta(hours=2)
    BreachIncident.objects.filter(pk=incident.pk).update(
        authority_notified_at=later if authority else None,
        subjects_notified_at=later if subjects else None,
    )
    incident.refresh_from_db()

    clock = breach.clock(incident)

    assert clock.overdue is overdue
    assert clock.hours_over == 8  # started hours past the deadline
    assert clock.hours_left == 0


def test_it_is_not_overdue_before_the_deadline_nor_once_closed(dpo: Any) -> None:
    fresh = incident_for(dpo, hours_ago=71)
    old = incident_for(dpo, hours_ago=100)
    breach.do_close_incident(old, dpo, breach.CloseOutcome.NOT_A_BREACH)
    old.refresh_from_db()

    assert not breach.clock(fresh).overdue
    assert not breach.clock(old).overdue


def test_the_list_puts_open_incidents_first_by_deadline_and_flags_the_overdue_one(
    dpo: Any, dpo_client: Any
) -> None:
    recent = incident_for(dpo, hours_ago=2)
    overdue = incident_for(dpo, hours_ago=90)
    closed = incident_for(dpo, hours_ago=200)
    breach.do_close_incident(closed, dpo, breach.CloseOutcome.NOT_A_BREACH)

    page = dpo_client.get(reverse("staff:privacy_staff:incidents")).content.decode()

    open_table = page[page.index('id="open-incidents"') : page.index('id="closed-incidents"')]
    assert open_table.index(overdue.reference) < open_table.index(recent.reference)
    assert closed.reference not in open_table
    overdue_row = open_table[open_table.index(f'id="incident-{overdue.reference}"') :]
    assert overdue_row.index('data-clock="overdue"') < overdue_row.index(recent.reference)
    recent_row = open_table[open_table.index(f'id="incident-{recent.reference}"') :]
    assert 'data-clock="running"' in recent_row and "69" in recent_row
    assert closed.reference in page[page.index('id="closed-incidents"') :]


def test_the_detail_shows_the_clock_and_the_timeline_of_the_incident(
    dpo: Any, dpo_client: Any
) -> None:
    incident = incident_for(dpo, hours_ago=80, scope=BreachScope.ALL_ACCOUNTS)
    breach.do_record_authority_notice(
        incident, dpo, incident.discovered_at + dt.timedelta(hours=70), "B-123/PDP/2026"
    )

    page = dpo_client.get(
        reverse("staff:privacy_staff:incident", args=[incident.public_id])
    ).content.decode()

    assert 'data-clock="overdue"' in page
    assert "B-123/PDP/2026" in page
    timeline = page[page.index('id="timeline"') :]
    assert [
        action
        for action in ("breach_opened", "breach_assessed", "breach_authority_notified")
        if f'data-action="privacy.{action}"' in timeline
    ] == ["breach_opened", "breach_assessed", "breach_authority_notified"]
    assert "Yusuf Hakim" in timeline


def test_references_are_numbered_per_year_and_a_number_taken_meanwhile_is_skipped(
    dpo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    year = timezone.localtime(timezone.now(), WIB).year
    first = incident_for(dpo)
    real = breach._next_reference
    answers = iter([first.reference])  # what a racing officer would have read

    monkeypatch.setattr(breach, "_next_reference", lambda y: next(answers, None) or real(y))
    second = incident_for(dpo)

    assert first.reference == f"PDP-{year}-0001"
    assert second.reference == f"PDP-{year}-0002"


# --- who is told -------------------------------------------------------------------------------


def test_every_active_applicant_account_is_in_scope_for_all_accounts(
    dpo: Any, applicant: Any, other_applicant: Any, officer: Any
) -> None:
    closed = make_user("tutup@example.id")
    closed.is_active = False
    closed.save()

    incident = incident_for(dpo, scope=BreachScope.ALL_ACCOUNTS)

    assert set(breach.affected_accounts(incident)) == {applicant, other_applicant}


def test_office_scope_is_applicants_with_an_application_or_a_booking_there_and_nobody_else(
    dpo: Any,
    service: Service,
    office: Any,
    other_office: Any,
    officer: Any,
    applicant: Any,
    other_applicant: Any,
) -> None:
    booked = make_user("rudi@example.id")
    elsewhere = make_user("wayan@example.id")
    make_user("nothing@example.id")
    application_at(applicant, office, service)
    booking_at(booked, office, service)
    booking_at(booked, office, service)  # twice there, told once
    application_at(elsewhere, other_office, service)
    booking_at(elsewhere, other_office, service)
    application_at(other_applicant, None, service)  # no office chosen yet

    incident = incident_for(dpo, scope=BreachScope.OFFICE, scope_office=office)

    assert sorted(a.email for a in breach.affected_accounts(incident)) == [
        "rudi@example.id",
        "siti@example.id",
    ]


def test_listed_scope_matches_known_addresses_and_ignores_the_rest(
    dpo: Any, applicant: Any, other_applicant: Any
) -> None:
    incident = incident_for(
        dpo,
        scope=BreachScope.LISTED,
        scope_emails="  SITI@example.id \n\nnobody@example.id\nsiti@example.id\n",
    )

    assert list(breach.affected_accounts(incident)) == [applicant]
    assert incident.scope_emails == "siti@example.id\nnobody@example.id"


# --- told once ---------------------------------------------------------------------------------


def test_the_notice_is_sent_once_even_if_the_notification_runs_twice(
    dpo: Any,
    applicant: Any,
    other_applicant: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    incident = incident_for(dpo, scope=BreachScope.LISTED, scope_emails="siti@example.id")

    assert notify(incident, dpo, django_capture_on_commit_callbacks) == 1
    assert breach.send_breach_notices.call(incident.pk) == 0  # a duplicate run of the task
    with pytest.raises(BreachError, match="everyone_notified"):
        notify(incident, dpo, django_capture_on_commit_callbacks)
    assert recipients(mailoutbox) == ["siti@example.id"]

    # The scope widens: only the person not told yet is emailed.
    breach.do_update_incident(incident, dpo, {"scope_emails": "siti@example.id\nbudi@example.id"})
    assert notify(incident, dpo, django_capture_on_commit_callbacks) == 1

    assert recipients(mailoutbox) == ["budi@example.id", "siti@example.id"]
    incident.refresh_from_db()
    assert incident.subjects_notified == 2
    assert incident.subjects_notified_at is not None
    assert incident.status == BreachStatus.NOTIFYING  # the PDP institution is still to be told


def test_a_failed_email_is_retried_by_the_next_run_and_the_notice_is_not_complete_until_then(
    dpo: Any,
    applicant: Any,
    other_applicant: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    incident = incident_for(dpo, scope=BreachScope.ALL_ACCOUNTS)
    real = breach.send_breach_notice

    def flaky(incident: Any, account: Any) -> None:
        if account.email == "budi@example.id":
            raise ConnectionError("mail server down")
        real(incident, account)

    monkeypatch.setattr(breach, "send_breach_notice", flaky)
    notify(incident, dpo, django_capture_on_commit_callbacks)
    incident.refresh_from_db()
    assert incident.subjects_notified == 1 and incident.subjects_notified_at is None

    monkeypatch.setattr(breach, "send_breach_notice", real)
    assert notify(incident, dpo, django_capture_on_commit_callbacks) == 1

    assert recipients(mailoutbox) == ["budi@example.id", "siti@example.id"]
    incident.refresh_from_db()
    assert incident.subjects_notified == 2 and incident.subjects_notified_at is not None


def test_both_notices_make_it_notified_and_then_it_can_be_closed(
    dpo: Any, applicant: Any, django_capture_on_commit_callbacks: Any
) -> None:
    incident = incident_for(dpo, scope=BreachScope.ALL_ACCOUNTS)
    with pytest.raises(BreachError, match="notices_missing"):
        breach.do_close_incident(incident, dpo, breach.CloseOutcome.NOTIFIED)

    notify(incident, dpo, django_capture_on_commit_callbacks)
    breach.do_record_authority_notice(incident, dpo, timezone.now(), "B-1")
    incident.refresh_from_db()
    assert incident.status == BreachStatus.NOTIFIED

    breach.do_close_incident(incident, dpo, breach.CloseOutcome.NOTIFIED)
    with pytest.raises(BreachError, match="closed"):
        breach.do_update_incident(incident, dpo, {"estimated_subjects": 3})


def test_people_cannot_be_notified_before_the_assessment_says_what_they_must_be_told(
    dpo: Any, applicant: Any
) -> None:
    incident = incident_for(dpo)

    with pytest.raises(BreachError, match="assessment_incomplete"):
        breach.do_notify_subjects(incident, dpo)


# --- who may act -------------------------------------------------------------------------------


def _urls(incident: BreachIncident) -> list[str]:
    args = [incident.public_id]
    return [
        reverse("staff:privacy_staff:incident_new"),
        reverse("staff:privacy_staff:incident_assess", args=args),
        reverse("staff:privacy_staff:incident_authority", args=args),
        reverse("staff:privacy_staff:incident_notify", args=args),
        reverse("staff:privacy_staff:incident_close", args=args),
    ]


def test_applicants_and_officers_cannot_read_or_act(
    dpo: Any, applicant: Any, officer: Any, client: Any, staff_client: Any
) -> None:
    incident = incident_for(dpo)
    reads = [
        reverse("staff:privacy_staff:incidents"),
        reverse("staff:privacy_staff:incident", args=[incident.public_id]),
    ]
    client.force_login(applicant)
    assert {client.get(url).status_code for url in reads + _urls(incident)} == {403}
    assert {client.post(url).status_code for url in _urls(incident)} == {403}

    as_officer = staff_client(officer)
    assert {as_officer.get(url).status_code for url in reads + _urls(incident)} == {403}
    assert {as_officer.post(url).status_code for url in _urls(incident)} == {403}


def test_an_administrator_may_read_but_not_act(
    dpo: Any, admin_user: Any, staff_client: Any, mailoutbox: list[Any]
) -> None:
    incident = incident_for(dpo, scope=BreachScope.ALL_ACCOUNTS)
    admin = staff_client(admin_user)

    assert admin.get(reverse("staff:privacy_staff:incidents")).status_code == 200
    page = admin.get(reverse("staff:privacy_staff:incident", args=[incident.public_id]))
    assert page.status_code == 200 and b'id="actions"' not in page.content
    assert {
        admin.post(url, {"outcome": "not_a_breach"}).status_code for url in _urls(incident)
    } == {403}
    with pytest.raises(BreachError, match="not_allowed"):
        breach.do_notify_subjects(incident, admin_user)
    incident.refresh_from_db()
    assert incident.status == BreachStatus.OPEN and not mailoutbox


def test_a_privacy_officer_without_a_second_factor_is_sent_to_prove_one(
    dpo: Any, client: Any
) -> None:
    incident = incident_for(dpo)
    client.force_login(dpo)  # password only

    for url in [reverse("staff:privacy_staff:incidents"), *_urls(incident)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    response = client.post(_urls(incident)[-1], {"outcome": "not_a_breach"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == BreachStatus.OPEN


# --- the workflow through the pages, and its audit trail ---------------------------------------


def test_the_officer_runs_the_whole_workflow_and_every_step_is_audited_without_personal_values(
    dpo: Any,
    dpo_client: Any,
    applicant: Any,
    other_applicant: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    discovered = timezone.localtime(timezone.now() - dt.timedelta(hours=5), WIB)
    response = dpo_client.post(
        reverse("staff:privacy_staff:incident_new"),
        {
            "title": "Visit list sent to a wrong address",
            "discovered_at": discovered.strftime("%Y-%m-%dT%H:%M"),
            "occurred_from": (discovered - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "what_happened": WHAT_HAPPENED,
        },
    )
    incident = BreachIncident.objects.get()
    assert response.status_code == 302
    assert incident.discovered_at == discovered.replace(second=0, microsecond=0)
    args = [incident.public_id]

    bad = dpo_client.post(
        reverse("staff:privacy_staff:incident_assess", args=args),
        {"scope": "listed", "scope_emails": "siti@example.id\nnot an address"},
    )
    assert bad.status_code == 400
    assert b'href="#id_data_categories_0"' in bad.content
    assert b'href="#id_scope_emails"' in bad.content
    response = dpo_client.post(
        reverse("staff:privacy_staff:incident_assess", args=args),
        {
            "what_happened": WHAT_HAPPENED,
            "data_categories": ["contact", "visits"],
            "scope": "listed",
            "scope_emails": "siti@example.id\nbudi@example.id\nunknown@example.id",
            "estimated_subjects": "3",
            "remediation": REMEDIATION,
        },
    )
    assert response.status_code == 302
    form = dpo_client.get(reverse("staff:privacy_staff:incident_assess", args=args))
    assert b"siti@example.id" not in form.content  # the list is never shown again

    confirm = dpo_client.get(reverse("staff:privacy_staff:incident_notify", args=args))
    assert confirm.status_code == 200
    assert b'<input type="hidden" name="accounts" value="2"' in confirm.content
    stale = dpo_client.post(
        reverse("staff:privacy_staff:incident_notify", args=args), {"accounts": "3"}
    )
    assert stale.status_code == 409 and not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        response = dpo_client.post(
            reverse("staff:privacy_staff:incident_notify", args=args), {"accounts": "2"}
        )
    assert response.status_code == 302
    assert recipients(mailoutbox) == ["budi@example.id", "siti@example.id"]

    response = dpo_client.post(
        reverse("staff:privacy_staff:incident_authority", args=args),
        {
            "notified_at": timezone.localtime(timezone.now(), WIB).strftime("%Y-%m-%dT%H:%M"),
            "reference": "B-77/PDP",
        },
    )
    assert response.status_code == 302
    response = dpo_client.post(
        reverse("staff:privacy_staff:incident_close", args=args), {"outcome": "notified"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == BreachStatus.CLOSED

    entries = AuditEntry.objects.filter(object_id=str(incident.public_id))
    assert set(entries.values_list("action", flat=True)) == {
        "privacy.breach_opened",
        "privacy.breach_assessed",
        "privacy.breach_notice_requested",
        "privacy.breach_subject_notified",
        "privacy.breach_subjects_notified",
        "privacy.breach_authority_notified",
        "privacy.breach_closed",
    }
    told = entries.filter(action="privacy.breach_subject_notified")
    assert {e.subject_id for e in told} == {applicant.pk, other_applicant.pk}
    recorded = json.dumps(
        [[e.before, e.after, e.reason] for e in entries], ensure_ascii=False
    ).lower()
    for personal in ("@example.id", "siti", "budi", "rahmawati", "daftar kunjungan", "kata sandi"):
        assert personal not in recorded


# --- the notice itself -------------------------------------------------------------------------


def test_the_notice_says_what_when_and_what_to_do_in_each_persons_language(
    dpo: Any,
    applicant: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    english = make_user("john@example.com", full_name="John Smith")
    english.preferred_language = "en"
    english.save()
    incident = breach.do_open_incident(
        dpo,
        {
            "title": "Leak",
            "discovered_at": dt.datetime(2026, 8, 10, 9, 30, tzinfo=WIB),
            "occurred_from": dt.datetime(2026, 5, 2, 8, 0, tzinfo=WIB),
            "occurred_until": dt.datetime(2026, 8, 9, 17, 0, tzinfo=WIB),
            "what_happened": WHAT_HAPPENED,
        },
    )
    incident = breach.do_update_incident(
        incident,
        dpo,
        {
            "data_categories": [DataCategory.IDENTITY, DataCategory.DOCUMENTS],
            "scope": BreachScope.ALL_ACCOUNTS,
            "remediation": REMEDIATION,
        },
    )

    notify(incident, dpo, django_capture_on_commit_callbacks)

    by_address = {message.to[0]: message for message in mailoutbox}
    for address, language, words in [
        ("siti@example.id", "id", ["Pejabat pelindungan data pribadi", "Agustus", "Mei"]),
        ("john@example.com", "en", ["Data protection officer", "August", "May"]),
    ]:
        message = by_address[address]
        html = message.alternatives[0][0]
        with translation.override(language):
            categories = [str(DataCategory.IDENTITY.label), str(DataCategory.DOCUMENTS.label)]
        for part in (message.body, html):
            for expected in [
                *words,
                *categories,
                "10",
                "2026",
                "09:30",
                WHAT_HAPPENED,
                REMEDIATION,
                breach.DPO_EMAIL,
                incident.reference,
            ]:
                assert expected in part, (address, expected)
        assert incident.reference in message.subject
        assert f'lang="{language}"' in html
    assert "Agustus" not in by_address["john@example.com"].body
    assert "Data protection officer" not in by_address["siti@example.id"].body
