"""SP4N-LAPOR! over real HTTP: complaints in, status updates out, the exchange shape."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from imigrasi.complaints import actions, lapor
from imigrasi.complaints.models import Complaint, LaporUpdate
from imigrasi.complaints.tests.conftest import (
    SECRET,
    LaporSimulator,
    filing,
    lapor_payload,
    post_lapor,
    signed,
)
from simulators.launch import ROOT

pytestmark = pytest.mark.django_db


def test_a_complaint_from_lapor_is_stored_once_even_when_posted_twice(
    client: Any, office: Any, lapor_secret: str
) -> None:
    first = post_lapor(client, lapor_payload())
    second = post_lapor(client, lapor_payload())
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["tracking_id"] == second.json()["tracking_id"]
    assert second.json()["created"] is False
    complaint = Complaint.objects.get()
    assert complaint.source == "lapor" and complaint.lapor_id == "LPR-2026-0001234"
    assert complaint.status == "verified" and complaint.office == office
    assert complaint.contact_name == "Ni Luh Ayu"


def test_an_unsigned_wrongly_signed_or_stale_post_is_refused_and_nothing_is_stored(
    client: Any, office: Any, lapor_secret: str
) -> None:
    body = json.dumps(lapor_payload()).encode()
    for headers in (
        {"HTTP_X_LAPOR_TIMESTAMP": "1", "HTTP_X_LAPOR_SIGNATURE": "v1=00"},
        signed(body, secret="someone-else"),
        signed(body, at=int(time.time()) - 3600),
    ):
        assert post_lapor(client, lapor_payload(), **headers).status_code == 401
    assert not Complaint.objects.exists()


def test_a_body_that_breaks_the_shape_is_refused_naming_the_fields(
    client: Any, office: Any, lapor_secret: str
) -> None:
    response = post_lapor(client, lapor_payload(category="pungli", description="short"))
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"category", "description"}
    assert not Complaint.objects.exists()


def test_an_anonymous_lapor_complaint_keeps_no_identity(
    client: Any, office: Any, lapor_secret: str
) -> None:
    post_lapor(client, lapor_payload(anonymous=True))
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.confidential and complaint.contact_name == ""


@pytest.mark.django_db(transaction=True)
def test_the_simulator_posts_a_complaint_into_the_platform_over_http(
    live_server: Any, office: Any, lapor_channel: LaporSimulator
) -> None:
    answer = lapor_channel.push(url=live_server.url, index=0, times=2)
    statuses = [each["status"] for each in answer["answers"]]
    assert statuses == [201, 200], answer
    assert Complaint.objects.filter(lapor_id=answer["complaint"]["lapor_id"]).count() == 1


def test_a_status_update_stays_pending_while_lapor_is_down_and_is_delivered_after(
    office: Any,
    officer: Any,
    lapor_channel: LaporSimulator,
    django_capture_on_commit_callbacks: Any,
) -> None:
    complaint, _ = actions.do_import_lapor(lapor_payload())
    lapor_channel.mode("down")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_change_status(complaint, officer, "assigned", version=complaint.version)
    update = LaporUpdate.objects.get()
    assert update.state == "pending" and update.attempts == 1 and update.last_error
    assert lapor_channel.received()["updates"] == []
    lapor_channel.mode("normal")
    LaporUpdate.objects.update(next_attempt_at=timezone.now())  # the retry is due
    call_command("complaint_sla", stdout=io.StringIO())
    update.refresh_from_db()
    assert update.state == "delivered" and update.attempts == 2
    received = lapor_channel.received()["updates"]
    assert [(u["lapor_id"], u["status"], u["platform_status"]) for u in received] == [
        ("LPR-2026-0001234", "didisposisikan", "assigned")
    ]


def test_updates_of_one_complaint_reach_lapor_in_order(
    office: Any,
    officer: Any,
    lapor_channel: LaporSimulator,
    django_capture_on_commit_callbacks: Any,
) -> None:
    complaint, _ = actions.do_import_lapor(lapor_payload())
    lapor_channel.mode("error")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = actions.do_change_status(complaint, officer, "assigned", version=1)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_change_status(complaint, officer, "followed_up", version=2)
    assert LaporUpdate.objects.filter(state="pending").count() == 2
    lapor_channel.mode("normal")
    LaporUpdate.objects.update(next_attempt_at=timezone.now())
    actions.deliver_due_updates()
    statuses = [u["platform_status"] for u in lapor_channel.received()["updates"]]
    assert statuses == ["assigned", "followed_up"]


def test_web_complaints_send_nothing_to_lapor(office: Any, officer: Any) -> None:
    complaint, _ = actions.do_file_complaint(filing(office))
    actions.do_change_status(complaint, officer, "verified", version=1)
    assert not LaporUpdate.objects.exists()


def test_the_export_validates_against_the_published_schema(
    office: Any, lapor_secret: str, officer: Any
) -> None:
    web, _ = actions.do_file_complaint(filing(office, confidential=True))
    actions.do_change_status(web, officer, "verified", version=1)
    actions.do_import_lapor(lapor_payload())
    out = io.StringIO()
    call_command("export_complaints", stdout=out)
    rows = json.loads(out.getvalue())["complaints"]
    assert len(rows) == 2
    for row in rows:
        assert lapor.shape_errors(row) == [], row
        assert row["reporter"] is None
    assert {row["status"] for row in rows} == {"diverifikasi"}


def test_the_schemas_are_the_simulators_published_ones() -> None:
    ours = Path(lapor.SCHEMAS)
    theirs = ROOT / "simulators" / "lapor" / "schemas"
    for name in ("lapor_complaint.json", "status_update.json"):
        assert (ours / name).read_text() == (theirs / name).read_text(), name
    lapor.validator("status_update.json")  # a valid JSON Schema


def test_an_unsigned_answer_to_lapor_is_refused_by_the_simulator(
    office: Any,
    officer: Any,
    lapor_channel: LaporSimulator,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LAPOR_SECRET = "not-the-shared-one"
    complaint, _ = actions.do_import_lapor(lapor_payload())
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_change_status(complaint, officer, "assigned", version=1)
    update = LaporUpdate.objects.get()
    assert update.state == "rejected" and lapor_channel.received()["rejected"] == 1
    assert SECRET != settings.LAPOR_SECRET
