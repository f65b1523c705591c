"""The family lookup that pre-fills a child's details, and an officer's manual verification."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from imigrasi.applications.tests.conftest import make
from imigrasi.audit.models import AuditEntry
from imigrasi.registry import actions
from imigrasi.registry.models import CheckStatus, IdentityCheck
from imigrasi.registry.queries import may_resolve, panel_context
from imigrasi.registry.tests.conftest import SITI, UNKNOWN_NIK, Simulator

pytestmark = pytest.mark.django_db

FAMILY = "GET /v1/nik/{nik}/family"


def test_the_family_lookup_returns_sitis_children_with_sex_as_a_letter(
    registry: Simulator, applicant: Any
) -> None:
    members = actions.family_members(
        SITI["nik"], actor=applicant, reference="A1234567890", subject_id=applicant.pk
    )
    assert members is not None and len(members) == 4
    children = [(m.name, m.birth_date, m.sex, m.place_of_birth) for m in members if m.is_child]
    assert children == [
        ("NAYLA PUTRI RAHMAWATI", dt.date(2019, 9, 3), "F", "JAKARTA"),
        ("MUHAMMAD RAFA HIDAYAT", dt.date(2023, 11, 7), "M", "JAKARTA"),
    ]
    assert members[0].relationship == "KEPALA KELUARGA"
    assert SITI["nik"] not in repr(members)  # a stray log line cannot carry them
    audit = AuditEntry.objects.get(action="registry.checked")
    assert audit.actor_id == applicant.pk and audit.object_id == "A1234567890"
    assert audit.after == {"kind": "family", "found": True, "members": 4}


def test_the_family_lookup_of_an_unknown_nik_is_empty(registry: Simulator) -> None:
    assert actions.family_members(UNKNOWN_NIK) == []
    assert actions.family_members("not a nik") == []
    assert registry.calls(FAMILY) == 1


def test_the_family_lookup_when_the_registry_is_down_is_none_and_quick(
    registry: Simulator,
) -> None:
    registry.mode("down")
    started = time.monotonic()
    assert actions.family_members(SITI["nik"]) is None
    assert time.monotonic() - started < 1.0
    assert not AuditEntry.objects.filter(action="registry.checked").exists()


def test_a_malformed_family_answer_is_none_not_a_crash(registry: Simulator) -> None:
    registry.mode("malformed", variant="wrong_types")
    assert actions.family_members(SITI["nik"]) is None


def manual_check(application: Any) -> IdentityCheck:
    check = actions.request_nik_check(
        application.number, application.account_id, SITI["nik"], SITI["name"], dt.date(1991, 4, 12)
    )
    IdentityCheck.objects.filter(pk=check.pk).update(
        status=CheckStatus.MANUAL, attempts=3, next_attempt_at=None, last_error="no answer"
    )
    check.refresh_from_db()
    return check


def test_an_officer_of_the_office_records_a_manual_verification_and_it_is_audited(
    catalog: None, officer: Any, staff_client: Any
) -> None:
    application = make("in_review")
    check = manual_check(application)
    page = f"/staff/permohonan/{application.number}/"
    response = staff_client(officer).post(
        f"/staff/registri/resolve/{check.public_id}/",
        {"outcome": "match", "note": "e-KTP asli diperiksa di loket.", "next": page},
    )
    assert response.status_code == 302 and response["Location"] == page
    check.refresh_from_db()
    assert check.status == CheckStatus.MATCH and check.resolved_by == officer
    assert check.resolution_note == "e-KTP asli diperiksa di loket."
    audit = AuditEntry.objects.get(action="registry.resolved_manually")
    assert audit.actor_id == officer.pk and audit.subject_id == application.account_id
    assert audit.after == {"kind": "nik", "status": "match", "note": "[redacted]"}
    # Settled once: a second officer's late form changes nothing.
    again = staff_client(officer).post(
        f"/staff/registri/resolve/{check.public_id}/", {"outcome": "no_match", "note": "x"}
    )
    assert again.status_code == 302 and again["Location"] == "/staff/"
    check.refresh_from_db()
    assert check.status == CheckStatus.MATCH


def test_an_npwp_resolved_by_hand_becomes_valid_or_invalid(catalog: None, officer: Any) -> None:
    application = make("in_review")
    check = actions.request_npwp_check(application.number, application.account_id, "x")
    IdentityCheck.objects.filter(pk=check.pk).update(status=CheckStatus.MANUAL)
    check.refresh_from_db()
    assert [value for value, _label in check.manual_outcomes()] == ["match", "no_match"]
    actions.do_resolve_manually(check, officer, "no_match", "Surat KPP: NPWP tidak aktif.")
    assert check.status == CheckStatus.INVALID


def test_only_the_offices_staff_may_resolve_and_never_without_a_note(
    catalog: None,
    officer: Any,
    other_office_officer: Any,
    supervisor: Any,
    auditor: Any,
    staff_client: Any,
) -> None:
    application = make("in_review")
    check = manual_check(application)
    assert may_resolve(officer, check) and may_resolve(supervisor, check)
    assert not may_resolve(other_office_officer, check) and not may_resolve(auditor, check)
    assert not may_resolve(application.account, check)
    url = f"/staff/registri/resolve/{check.public_id}/"
    body = {"outcome": "no_match", "note": "Tidak cocok."}
    assert staff_client(other_office_officer).post(url, body).status_code == 404
    assert staff_client(auditor).post(url, body).status_code == 403
    assert staff_client(officer).get(url).status_code == 405
    assert staff_client(officer).post(url, {"outcome": "no_match"}).status_code == 302
    with pytest.raises(ValueError, match="note"):
        actions.do_resolve_manually(check, officer, "no_match", "  ")
    check.refresh_from_db()
    assert (
        check.status == CheckStatus.MANUAL
        and not AuditEntry.objects.filter(action="registry.resolved_manually").exists()
    )


def test_the_panel_shows_each_check_in_words_and_the_form_only_to_the_office(
    catalog: None, officer: Any, other_office_officer: Any
) -> None:
    application = make("in_review")
    check = manual_check(application)
    IdentityCheck.objects.create(
        reference=application.number,
        kind="nik",
        input={},
        status=CheckStatus.PARTIAL,
        attempts=1,
        fields={"nik": True, "name": False, "birth_date": True},
    )
    request = RequestFactory().get(f"/staff/permohonan/{application.number}/")

    def panel(user: Any) -> str:
        request.user = user
        context = panel_context(user, application.number)
        with translation.override("en"):
            return render_to_string("registry/_checks.html", context, request=request)

    html = panel(officer)
    assert "Needs manual verification (registry did not answer)" in html
    assert "Partly matches: check the name and date of birth" in html
    assert "Name: differs" in html and "Date of birth: agrees" in html
    assert f'action="/staff/registri/resolve/{check.public_id}/"' in html
    assert "<legend" in html and f'for="note-{check.public_id}"' in html
    assert "style=" not in html and "<script" not in html
    assert SITI["nik"] not in html
    assert "<form" not in panel(other_office_officer)
