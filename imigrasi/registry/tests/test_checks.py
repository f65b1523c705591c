"""NIK and NPWP checks over real HTTP: verdicts, and every bad day a registry can have."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from imigrasi.audit.models import AuditEntry
from imigrasi.registry import actions, adapters
from imigrasi.registry.models import CheckStatus, IdentityCheck
from imigrasi.registry.queries import checks_for, latest
from imigrasi.registry.tests.conftest import SITI, UNKNOWN_NIK, Simulator
from simulators.launch import ROOT

pytestmark = pytest.mark.django_db

VERIFY = "POST /v1/nik/verify"
VALIDATE = "POST /v1/npwp/validate"
SITI_BIRTH = dt.date(1991, 4, 12)


def siti_check(
    name: str = SITI["name"], birth: dt.date = SITI_BIRTH, nik: str = SITI["nik"]
) -> Any:
    return actions.request_nik_check("A1234567890", 41, nik, name, birth)


def run(check: IdentityCheck) -> IdentityCheck:
    check.refresh_from_db()
    actions.do_run_check(check.pk, check.attempts)
    check.refresh_from_db()
    return check


def test_siti_with_her_own_name_and_date_of_birth_matches_and_the_job_runs_on_commit(
    registry: Simulator, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        check = siti_check(name="Siti  rahmawati")
    check.refresh_from_db()
    assert check.status == CheckStatus.MATCH and check.attempts == 1
    assert check.fields == {"nik": True, "name": True, "birth_date": True}
    assert check.checked_at is not None and check.next_attempt_at is None
    assert check.request_id.startswith("dkc-")
    assert registry.calls(VERIFY) == 1


def test_only_the_verdict_is_stored_and_what_was_asked_is_encrypted(registry: Simulator) -> None:
    check = run(siti_check())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_identitycheck WHERE id = %s", [check.pk])
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert SITI["nik"] not in raw and "RAHMAWATI" not in raw and "1991" not in raw
    assert check.input == {"nik": SITI["nik"], "name": SITI["name"], "birth_date": "1991-04-12"}
    audit = AuditEntry.objects.get(action="registry.checked")
    assert audit.object_id == str(check.public_id) and audit.subject_id == 41
    assert audit.after == {"kind": "nik", "status": "match"}


def test_a_wrong_date_of_birth_is_a_partial_match(registry: Simulator) -> None:
    check = run(siti_check(birth=dt.date(1991, 4, 21)))
    assert check.status == CheckStatus.PARTIAL
    assert check.fields == {"nik": True, "name": True, "birth_date": False}
    with translation.override("en"):
        assert check.get_status_display() == "Partly matches: check the name and date of birth"


def test_a_nik_the_registry_does_not_know_is_no_match(registry: Simulator) -> None:
    check = run(siti_check(nik=UNKNOWN_NIK))
    assert check.status == CheckStatus.NO_MATCH
    assert check.fields == {"nik": False, "name": False, "birth_date": False}


def test_a_registry_that_is_down_keeps_the_check_pending_and_answers_when_back(
    registry: Simulator,
) -> None:
    registry.mode("down")
    check = run(siti_check())
    assert check.status == CheckStatus.PENDING and check.attempts == 1
    assert check.next_attempt_at is not None
    assert check.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)
    assert check.last_error == "population registry: transport"
    registry.mode("normal")
    IdentityCheck.objects.filter(pk=check.pk).update(next_attempt_at=timezone.now())
    assert actions.run_due_checks() == {"match": 1}
    check.refresh_from_db()
    assert check.status == CheckStatus.MATCH and check.attempts == 2 and check.last_error == ""


def test_a_registry_slower_than_the_timeout_keeps_the_check_pending(
    registry: Simulator, settings: Any
) -> None:
    settings.REGISTRY_TIMEOUT_SECONDS = 0.3
    registry.mode("slow", delay=1.0)
    check = run(siti_check())
    assert check.status == CheckStatus.PENDING
    assert check.last_error == "population registry: timeout"


def test_a_registry_over_its_quota_is_asked_again_only_after_its_retry_after(
    registry: Simulator,
) -> None:
    registry.mode("quota", retry_after=600)
    check = run(siti_check())
    assert check.status == CheckStatus.PENDING and check.last_error.endswith("status 429")
    assert check.next_attempt_at is not None
    assert check.next_attempt_at > timezone.now() + dt.timedelta(seconds=590)


@pytest.mark.parametrize("variant", ["truncated", "missing_fields", "wrong_types", "html"])
def test_a_malformed_answer_keeps_the_check_pending_and_never_crashes(
    registry: Simulator, variant: str
) -> None:
    registry.mode("malformed", variant=variant)
    check = run(siti_check())
    assert check.status == CheckStatus.PENDING
    assert check.last_error == "population registry: bad_response"
    assert check.fields == {}


def test_after_the_last_attempt_the_check_waits_for_an_officer(
    registry: Simulator, settings: Any
) -> None:
    registry.mode("error", status=503)
    check = siti_check()
    outcomes = [actions.do_run_check(check.pk, attempt) for attempt in range(3)]
    assert outcomes == ["pending", "pending", "manual"]
    check.refresh_from_db()
    assert check.status == CheckStatus.MANUAL and check.next_attempt_at is None
    assert check.last_error == "no answer after 3 attempts (population registry: status 503)"
    assert registry.calls(VERIFY) == 3
    assert actions.do_run_check(check.pk, 3) == "skipped"  # a late job asks nothing more


def test_a_request_the_registry_refuses_goes_to_an_officer_at_once(registry: Simulator) -> None:
    check = run(siti_check(name="-"))
    assert check.status == CheckStatus.MANUAL and check.attempts == 1
    assert check.last_error == "population registry refused the request (422, name)"


def test_a_duplicated_job_for_the_same_attempt_asks_the_registry_once(
    registry: Simulator,
) -> None:
    check = siti_check()
    assert actions.do_run_check(check.pk, 0) == "match"
    assert actions.do_run_check(check.pk, 0) == "skipped"
    assert registry.calls(VERIFY) == 1


def test_the_sweep_command_runs_the_checks_that_are_due(registry: Simulator, capsys: Any) -> None:
    due = siti_check()
    later = siti_check()
    IdentityCheck.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + dt.timedelta(hours=1)
    )
    call_command("run_registry_checks")
    assert "match 1" in capsys.readouterr().out
    assert [c.status for c in checks_for("A1234567890")] == ["match", "pending"]
    assert latest("A1234567890", "nik") == later and due.pk != later.pk


@pytest.mark.parametrize(
    ("npwp", "status", "fields"),
    [
        (
            "01.316.742.5-061.000",
            "valid",
            {"format": "legacy15", "status": "active", "taxpayer_type": "corporate"},
        ),
        (
            "0013167425061000",
            "valid",
            {"format": "npwp16", "status": "active", "taxpayer_type": "corporate"},
        ),
        (
            SITI["nik"],
            "valid",
            {"format": "nik16", "status": "active", "taxpayer_type": "individual"},
        ),
        (
            "018823056431000",
            "invalid",
            {"format": "legacy15", "status": "inactive", "taxpayer_type": "corporate"},
        ),
        (
            "099999999999000",
            "invalid",
            {"format": "legacy15", "status": "unknown", "taxpayer_type": None},
        ),
    ],
)
def test_an_npwp_is_valid_only_when_registered_and_active(
    tax_office: Simulator, npwp: str, status: str, fields: dict[str, Any]
) -> None:
    check = actions.request_npwp_check("A1234567890", None, npwp)
    assert actions.do_run_check(check.pk, 0) == status
    check.refresh_from_db()
    assert check.fields == {"well_formed": True, **fields}
    assert tax_office.calls(VALIDATE) == 1


def test_a_malformed_npwp_is_invalid_without_asking_the_tax_office(tax_office: Simulator) -> None:
    check = actions.request_npwp_check("A1234567890", None, "12.345.678")
    assert actions.do_run_check(check.pk, 0) == "invalid"
    check.refresh_from_db()
    assert check.fields == {"well_formed": False}
    with translation.override("en"):
        assert check.field_rows() == [("Format", "not an NPWP (15 or 16 digits)")]
    assert tax_office.calls() == 0


def test_a_malformed_tax_office_answer_keeps_the_npwp_check_pending(
    tax_office: Simulator,
) -> None:
    tax_office.mode("malformed", variant="wrong_types")
    check = actions.request_npwp_check("A1234567890", None, "013167425061000")
    assert actions.do_run_check(check.pk, 0) == "pending"
    check.refresh_from_db()
    assert check.last_error == "tax office: bad_response"


def test_the_rate_limit_setting_holds_back_the_request_over_it(
    registry: Simulator, settings: Any, monkeypatch: Any
) -> None:
    settings.REGISTRY_RATE_PER_SECOND = 1
    monkeypatch.setattr("imigrasi.lib.http.RATE_LIMIT_WAIT_SECONDS", 0.05)
    first, second = siti_check(), siti_check()
    assert actions.do_run_check(first.pk, 0) == "match"
    assert actions.do_run_check(second.pk, 0) == "pending"
    second.refresh_from_db()
    assert second.last_error == "population registry: rate_limited"
    assert registry.calls(VERIFY) == 1


def test_nothing_logged_contains_a_nik_name_or_npwp(
    registry: Simulator, tax_office: Simulator, caplog: Any, settings: Any
) -> None:
    caplog.set_level("DEBUG")
    run(siti_check(name="-"))  # refused: 422
    actions.family_members(UNKNOWN_NIK)  # 404, with the NIK in the path
    registry.mode("error", status=503)
    check = siti_check()
    for attempt in range(3):
        actions.do_run_check(check.pk, attempt)
    actions.family_members(SITI["nik"])  # circuit open by now, or 503
    tax_office.mode("down")
    actions.do_run_check(actions.request_npwp_check("A1", None, "013167425061000").pk, 0)
    logged = caplog.text + json.dumps([r.getMessage() for r in caplog.records])
    assert "/v1/nik/[redacted]/family" in logged  # the 404 is logged, its path masked
    for secret in (SITI["nik"], UNKNOWN_NIK, "RAHMAWATI", "1991-04-12", "013167425061000"):
        assert secret not in logged


def test_the_schemas_the_app_validates_with_are_the_agencies_published_ones() -> None:
    copies = sorted(path.name for path in adapters.SCHEMAS.glob("*.json"))
    published = sorted(
        path
        for system in ("population_registry", "tax_office")  # the registries this app calls
        for path in ROOT.glob(f"simulators/{system}/schemas/*.json")
    )
    assert copies == sorted(path.name for path in published)
    for path in published:
        assert (adapters.SCHEMAS / path.name).read_bytes() == path.read_bytes(), path.name
