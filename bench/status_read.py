"""Status API under load: 100 concurrent mobile clients polling their application's status.

One command, self-contained: it creates a fresh database (PostgreSQL when one answers on
127.0.0.1:5432, else SQLite; choose with --database), fills it with applicants, applications
and bearer tokens, starts the real server (granian WSGI, 2 workers, as `make run`), measures
GET /api/v1/applications/{number}/status and then the same server's trivial endpoint
(/healthz) in the same run, prints one JSON line and cleans up.

    .venv/bin/python bench/status_read.py [--clients 100] [--seconds 15] [--database postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    ROOT,
    bench_environment,
    emit,
    load,
    postgres_available,
    server,
)


def prepare(count: int) -> list[dict[str, str]]:
    """Runs inside the bench environment (its own process): people, applications, tokens."""
    import secrets
    from datetime import timedelta

    import django

    django.setup()
    from django.utils import timezone

    from imigrasi.accounts.models import ApiToken, User
    from imigrasi.accounts.tokens import TOKEN_PREFIX, hash_token, password_fingerprint
    from imigrasi.applications.models import Application, ApplicationEvent, Person
    from imigrasi.applications.numbers import new_application_number
    from imigrasi.catalog.demo import load as load_catalog
    from imigrasi.catalog.models import Office, Service

    load_catalog()
    service = Service.objects.get(code="paspor-baru-dewasa")
    office = Office.objects.get(code="kanim-jakarta-selatan")
    rows = []
    for n in range(count):
        user = User(email=f"bench{n}@example.id", full_name=f"Pemohon Uji {n}")
        user.set_unusable_password()
        user.save()
        person = Person.objects.create(
            account=user,
            relationship="self",
            full_name=f"PEMOHON UJI {n}",
            date_of_birth="1990-01-01",
            sex="F",
        )
        application = Application.objects.create(
            number=new_application_number(),
            account=user,
            person=person,
            service=service,
            workflow="passport",
            office=office,
            status="in_review",
            version=2,
            fee_total=950_000,
            submitted_at=timezone.now(),
            paid_at=timezone.now(),
            due_at=timezone.now() + timedelta(days=4),
        )
        for to_status in ("awaiting_payment", "in_review"):
            event = ApplicationEvent.objects.create(
                application=application, kind="status", actor_label="system", to_status=to_status
            )
        Application.objects.filter(pk=application.pk).update(last_event_id=event.pk)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        ApiToken.objects.create(
            user=user,
            key_hash=hash_token(token),
            prefix=token[:10],
            expires_at=timezone.now() + timedelta(hours=2),
            password_fingerprint=password_fingerprint(user),
        )
        rows.append({"number": application.number, "token": token})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--database", choices=["auto", "sqlite", "postgres"], default="auto")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.prepare)))
        return 0

    database = args.database
    if database == "auto":
        url = os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/imigrasi_bench"
        )
        database = "postgres" if postgres_available(url) else "sqlite"
    with bench_environment(database) as env:
        prepared = subprocess.run(
            [sys.executable, __file__, "--prepare", str(args.applications)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        rows = json.loads(prepared.stdout.strip().splitlines()[-1])
        with server(env, workers=args.workers, threads=args.threads) as base:

            def status_request(n: int, i: int) -> tuple[str, str, dict[str, str], bytes]:
                row = rows[(n + i * args.clients) % len(rows)]
                return (
                    "GET",
                    f"/api/v1/applications/{row['number']}/status",
                    {"Authorization": f"Bearer {row['token']}"},
                    b"",
                )

            def trivial_request(n: int, i: int) -> tuple[str, str, dict[str, str], bytes]:
                return ("GET", "/healthz", {}, b"")

            asyncio.run(load(base, args.clients, 3, status_request))  # warm-up
            status = asyncio.run(load(base, args.clients, args.seconds, status_request))
            trivial = asyncio.run(load(base, args.clients, args.seconds, trivial_request))
    emit(
        {
            "benchmark": "status_read",
            "database": database,
            "clients": args.clients,
            "seconds": args.seconds,
            "requests": status.requests,
            "errors": sum(v for k, v in status.statuses.items() if k != 200),
            "throughput_rps": round(status.rps, 1),
            "p50_ms": status.median_ms(),
            "p95_ms": status.percentile_ms(95),
            "p99_ms": status.percentile_ms(99),
            "trivial_endpoint_rps": round(trivial.rps, 1),
            "trivial_p99_ms": trivial.percentile_ms(99),
            "ratio_to_trivial": round(status.rps / trivial.rps, 2) if trivial.rps else None,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
