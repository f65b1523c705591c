"""The office's side: who sees what, the status machine, escalation and the export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from imigrasi.audit.models import AuditEntry
from imigrasi.complaints import actions, rules
from imigrasi.complaints.models import Complaint, ComplaintEvent
from imigrasi.complaints.tests.conftest import filing

pytestmark = pytest.mark.django_db


def test_an_officer_of_the_office_sees_the_complainant_of_an_open_complaint(
    staff_client: Any, office: Any, officer: Any
) -> None:
    complaint, _ = actions.do_file_complaint(filing(office))
    page = staff_client(officer).get(f"/staff/pengaduan/{complaint.number}/").content.decode()
    assert "Rahmat Hidayat" in page and "rahmat@example.id" in page


def test_a_confidential_complaint_hides_the_identity_from_office_staff(
    staff_client: Any, office: Any, officer: Any, supervisor: Any
) -> None:
    complaint, _ = actions.do_file_complaint(filing(office, confidential=True))
    for user in (officer, supervisor):
        page = staff_client(user).get(f"/staff/pengaduan/{complaint.number}/").content.decode()
        assert "Rahmat" not in page and "rahmat@example.id" not in page and "0812" not in page
        assert "the identity is hidden from the office" in page


def test_officers_of_another_office_get_404(
    staff_client: Any, office: Any, other_office_officer: Any
) -> None:
    complaint, _ = actions.do_file_complaint(filing(office))
    client = staff_client(other_office_officer)
    assert client.get(f"/staff/pengaduan/{complaint.number}/").status_code == 404
    assert client.post(f"/staff/pengaduan/{complaint.number}/status/").status_code == 404
    assert complaint.display_number not in client.get("/staff/pengaduan/").content.decode()


def test_the_status_machine_refuses_illegal_transitions(office: Any, officer: Any) -> None:
    complaint, _ = actions.do_file_complaint(filing(office))
    for target in ("assigned", "answered", "followed_up", "received"):
        with pytest.raises(actions.ComplaintError) as refused:
            actions.do_change_status(complaint, officer, target, version=complaint.version)
        assert refused.value.code == "illegal_transition"
    complaint = actions.do_change_status(complaint, officer, "verified", version=1)
    complaint = actions.do_change_status(complaint, officer, "assigned", version=2)
    assert complaint.assigned_to == officer
    complaint = actions.do_change_status(complaint, officer, "followed_up", version=3)
    with pytest.raises(actions.ComplaintError) as refused:
        actions.do_change_status(complaint, officer, "answered", version=4)
    assert refused.value.code == "response_required"
    complaint = actions.do_change_status(
        complaint, officer, "answered", message="Paspor sudah bisa diambil.", version=4
    )
    complaint = actions.do_change_status(complaint, officer, "closed", version=5)
    assert complaint.status == "closed" and complaint.due_on is None
    with pytest.raises(actions.ComplaintError):
        actions.do_change_status(complaint, officer, "followed_up", version=6)
    audit = AuditEntry.objects.filter(action="complaint.status_changed")
    assert audit.count() == 5 and "Paspor sudah" not in str(list(audit.values("after")))


def test_an_officer_moves_a_complaint_on_through_the_page_and_a_stale_form_is_refused(
    staff_client: Any, office: Any, officer: Any
) -> None:
    complaint, _ = actions.do_file_complaint(filing(office))
    client = staff_client(officer)
    url = f"/staff/pengaduan/{complaint.number}/status/"
    assert client.post(url, {"status": "verified", "version": 1}).status_code == 302
    stale = client.post(url, {"status": "assigned", "version": 1})
    assert (
        stale.status_code == 422 and "Someone else changed this complaint" in stale.content.decode()
    )
    illegal = client.post(url, {"status": "closed", "version": 2})
    assert illegal.status_code == 422
    assert Complaint.objects.get().status == "verified"


def test_due_dates_count_working_days_and_skip_holidays() -> None:
    # Friday 14 August 2026; Monday the 17th is Independence Day.
    assert rules.due_on("received", dt.date(2026, 8, 14)) == dt.date(2026, 8, 20)
    # Wednesday 23 December 2026: the 24th is cuti bersama, the 25th Christmas.
    assert rules.due_on("received", dt.date(2026, 12, 23)) == dt.date(2026, 12, 30)
    assert rules.due_on("closed", dt.date(2026, 12, 23)) is None


def test_a_complaint_is_overdue_only_after_its_last_working_day(office: Any) -> None:
    complaint, _ = actions.do_file_complaint(filing(office))
    complaint.due_on = rules.due_on("received", dt.date(2026, 8, 14))
    assert not complaint.is_overdue(dt.date(2026, 8, 20))
    assert complaint.is_overdue(dt.date(2026, 8, 21))


def test_the_sweep_escalates_an_overdue_complaint_once_and_emails_the_supervisors(
    office: Any, supervisor: Any, officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complaint, _ = actions.do_file_complaint(filing(office))
    on_time, _ = actions.do_file_complaint(filing(office))
    Complaint.objects.filter(pk=complaint.pk).update(due_on=dt.date(2026, 1, 2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("complaint_sla", stdout=io.StringIO())
    complaint.refresh_from_db()
    assert complaint.escalated_status == "received" and complaint.escalated_at is not None
    on_time.refresh_from_db()
    assert on_time.escalated_at is None
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert complaint.display_number in mail.outbox[0].subject
    assert "Rahmat" not in mail.outbox[0].body and "Paspor saya" not in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        call_command("complaint_sla", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="escalated").count() == 1


def test_supervisors_see_escalations_and_officers_do_not(
    staff_client: Any, office: Any, supervisor: Any, officer: Any
) -> None:
    complaint, _ = actions.do_file_complaint(filing(office))
    Complaint.objects.filter(pk=complaint.pk).update(due_on=dt.date(2026, 1, 2))
    actions.escalate_overdue()
    page = staff_client(supervisor).get("/staff/pengaduan/eskalasi/")
    assert complaint.display_number in page.content.decode()
    assert staff_client(officer).get("/staff/pengaduan/eskalasi/").status_code == 403


def test_the_staff_csv_export_has_the_lapor_fields_and_no_identity(
    staff_client: Any, office: Any, officer: Any
) -> None:
    complaint, _ = actions.do_file_complaint(filing(office))
    response = staff_client(officer).get("/staff/pengaduan/ekspor.csv")
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["tracking_id"] == complaint.number and rows[0]["status"] == "diterima"
    assert "Rahmat" not in text and "Paspor saya" not in text
