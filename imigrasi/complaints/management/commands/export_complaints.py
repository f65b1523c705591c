"""manage.py export_complaints [--format json|csv] [--office CODE]: complaints in the LAPOR!
exchange shape (schemas/lapor_complaint.json), without anyone's identity."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand

from imigrasi.audit.recording import record_event
from imigrasi.complaints.lapor import exported
from imigrasi.complaints.models import Complaint
from imigrasi.complaints.staff_views import EXPORT_FIELDS


class Command(BaseCommand):
    help = "Write complaints in the SP4N-LAPOR! exchange shape to standard output."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--office", default="", help="only this office's complaints")

    def handle(self, *args: Any, **options: Any) -> None:
        complaints = Complaint.objects.select_related("office").order_by("created_at")
        if options["office"]:
            complaints = complaints.filter(office__code=options["office"])
        rows = [exported(complaint) for complaint in complaints]
        record_event(
            actor=None,
            system_actor="command:export_complaints",
            action="complaint.exported",
            object_type="complaints.Complaint",
            after={"format": options["format"], "count": len(rows)},
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps({"complaints": rows}, ensure_ascii=False, indent=2))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
