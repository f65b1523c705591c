"""Demo complaints: one from the website and one disposed by SP4N-LAPOR!, at Jakarta Selatan,
so officers and supervisors have something in each state (idempotent)."""

from __future__ import annotations

import uuid

from imigrasi.catalog.models import Office
from imigrasi.complaints.actions import Filing, do_file_complaint, do_import_lapor

DEMO_TOKEN = uuid.UUID("5f1d3c1e-0000-4000-8000-00000000c0de")


def load() -> list[str]:
    office = Office.objects.filter(code="kanim-jakarta-selatan").first()
    if office is None:
        return ["Complaints: no demo office, skipped"]
    web, secret = do_file_complaint(
        Filing(
            category="waktu-layanan",
            office=office,
            description=(
                "Saya datang sesuai jadwal pukul 09.00 tetapi baru dipanggil pukul 13.30. Tidak "
                "ada informasi di layar antrean."
            ),
            contact_name="Rahmat Hidayat",
            contact_email="rahmat.hidayat@example.id",
        ),
        client_token=DEMO_TOKEN,
    )
    lapor, _created = do_import_lapor(
        {
            "lapor_id": "LPR-2026-0000042",
            "category": "perilaku-petugas",
            "unit_code": office.code,
            "title": "Petugas loket kurang ramah",
            "description": (
                "Petugas di loket pengambilan paspor membentak ibu saya yang kesulitan "
                "mendengar. Mohon ada pembinaan."
            ),
            "status": "diverifikasi",
            "confidential": True,
            "anonymous": True,
            "reporter": None,
        }
    )
    lines = [f"Complaints: {web.display_number} (web), {lapor.display_number} (LAPOR!)"]
    if secret:
        lines.append(f"  track {web.display_number} at /pengaduan/lacak/ with the code {secret}")
    return lines
