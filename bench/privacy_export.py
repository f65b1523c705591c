"""A copy of someone's data (UU PDP access right): how long the worker takes to build it.

The target is "within minutes" for the heaviest ordinary account: 5 people (the most one
account may apply for), each with a sent application and its scans. One command: a fresh
database (SQLite, or PostgreSQL with --database postgres), the account built through the real
actions, then the archive built three times (JSON + PDF summary + decrypted documents,
encrypted for storage, as the task does) and, as the same-run baseline, the one-page
application receipt rendered by the same PDF engine. Prints one JSON line.

    .venv/bin/python bench/privacy_export.py [--applications 5] [--database sqlite]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT, bench_environment, emit


def measure(applications: int, repeats: int) -> dict[str, object]:
    """Runs inside the bench environment (its own process)."""
    import django

    django.setup()
    from imigrasi.accounts.models import User
    from imigrasi.applications.demo import DemoCase, build_application
    from imigrasi.applications.receipts import render_receipt
    from imigrasi.catalog.demo import load as load_catalog
    from imigrasi.lib import crypto
    from imigrasi.privacy.export import build_archive

    load_catalog()
    email = "siti.bench@example.id"
    people = [
        ("SITI RAHMAWATI", "1991-04-12", "F", "3174055204910003"),
        ("BUDI SANTOSO", "1989-02-03", "M", "3174050302890005"),
        ("ANISA PUTRI", "2015-07-21", "F", "3174056107150002"),
        ("RIZKY PRATAMA", "2012-11-09", "M", "3174050911120004"),
        ("SRI WAHYUNI", "1962-01-30", "F", "3174057001620001"),
    ]
    office = "kanim-jakarta-selatan"
    built = []
    for name, birth, sex, nik in people[:applications]:
        service = "paspor-anak" if birth > "2008" else "paspor-baru-dewasa"
        case = DemoCase(email, service, office, "in_review", name, birth, sex, nik)
        built.append(build_application(case))
    account = User.objects.get(email=email)
    documents = sum(a.documents.count() for a in built)

    def timed(work: object) -> float:
        started = time.perf_counter()
        work()  # type: ignore[operator]
        return time.perf_counter() - started

    sizes: list[int] = []

    def export() -> None:
        archive = build_archive(account)
        sizes.append(len(crypto.key_ring().encrypt_bytes(archive, "bench")))

    timed(export)  # warm-up: templates, fonts
    export_s = [timed(export) for _ in range(repeats)]
    receipt_s = [timed(lambda: render_receipt(None, built[0])) for _ in range(repeats)]
    return {
        "applications": len(built),
        "documents": documents,
        "archive_bytes": sizes[-1],
        "export_median_s": round(statistics.median(export_s), 3),
        "export_max_s": round(max(export_s), 3),
        "receipt_pdf_median_s": round(statistics.median(receipt_s), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.applications, args.repeats)))
        return 0
    with bench_environment(args.database) as env:
        result = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                "--applications",
                str(args.applications),
                "--repeats",
                str(args.repeats),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    emit(
        {
            "benchmark": "privacy_export",
            "database": args.database,
            **figures,
            "ratio_to_receipt": round(
                figures["export_median_s"] / figures["receipt_pdf_median_s"], 1
            ),
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
