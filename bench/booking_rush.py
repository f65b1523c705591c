"""Quota-release rush: N applicants (distinct identities) try to book M places at once.

One command, self-contained: it creates a fresh database (PostgreSQL by default: the server of
``DATABASE_URL`` when that is a PostgreSQL URL, else ``BENCH_POSTGRES_URL`` or
127.0.0.1:5432; the bench always uses its own database ``imigrasi_bench`` on that server and
drops it afterwards), prepares applicants with bearer tokens and one slot window of M places,
uses Redis for the cache when one answers on 127.0.0.1:6379 (as a deployment at this scale
would; ``--cache database`` for the embedded default), starts the real server (granian WSGI,
2 workers x 4 threads, as `make run`), lets the
applicants book through ``POST /api/v1/bookings`` (``--concurrency`` at a time, each with its
own Idempotency-Key; a 503 "busy" answer is retried after its Retry-After, as the app does),
then measures the same server's trivial endpoint (/healthz) and checks the database:

    .venv/bin/python bench/booking_rush.py [--applicants 2000] [--places 300]
                                           [--concurrency 200] [--database postgres|sqlite]

It prints one JSON line: attempts, capacity, booked, overbooked, duplicate_people,
throughput_rps, p50_ms, p95_ms, p99_ms, trivial_endpoint_rps (and more detail).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    ROOT,
    Connection,
    Result,
    bench_environment,
    emit,
    load,
    postgres_available,
    redis_choice,
    server,
)


def prepare(applicants: int, places: int) -> dict[str, object]:
    """Runs inside the bench environment (its own process): office, slot window, people."""
    import datetime as dt
    import secrets
    from datetime import timedelta

    import django

    django.setup()
    from django.utils import timezone

    from imigrasi.accounts.models import ApiToken, User
    from imigrasi.accounts.tokens import TOKEN_PREFIX, hash_token, password_fingerprint
    from imigrasi.applications.models import Person
    from imigrasi.appointments.models import Slot
    from imigrasi.appointments.queries import bookable_days, free_slots, slot_ref
    from imigrasi.appointments.setup import configure_office
    from imigrasi.catalog.demo import load as load_catalog
    from imigrasi.catalog.models import Office

    load_catalog()
    office = Office.objects.get(code="kanim-jakarta-selatan")
    configure_office(office)
    day = next(d for d, reason in bookable_days(office) if reason is None)
    slot = free_slots(office, day)[0]
    # The released window: one slot holding all M places (the hottest possible row).
    Slot.objects.filter(pk=slot.pk).update(capacity=places)

    users = [User(email=f"rush{n}@example.id", full_name=f"Pemohon {n}") for n in range(applicants)]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users, batch_size=500)
    users = list(User.objects.filter(email__startswith="rush").order_by("pk"))
    birth = dt.date(1990, 1, 1)
    people = [
        Person(
            account=user,
            relationship="self",
            full_name=f"PEMOHON UJI {n}",
            date_of_birth=birth,
            sex="F",
            # Distinct, well-formed NIKs: Jakarta Selatan district code, birth date, serial.
            nik=f"317405{41 + n % 28:02d}0190{n + 1:04d}"[:16],
        )
        for n, user in enumerate(users)
    ]
    Person.objects.bulk_create(people, batch_size=500)
    people_by_account = {p.account_id: p for p in Person.objects.filter(account__in=users)}
    rows = []
    tokens = []
    for user in users:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        tokens.append(
            ApiToken(
                user=user,
                key_hash=hash_token(token),
                prefix=token[:10],
                expires_at=timezone.now() + timedelta(hours=2),
                password_fingerprint=password_fingerprint(user),
                last_used_at=timezone.now(),
            )
        )
        rows.append({"token": token, "person": str(people_by_account[user.pk].public_id)})
    ApiToken.objects.bulk_create(tokens, batch_size=500)
    return {"slot": slot_ref(slot), "slot_id": slot.pk, "day": day.isoformat(), "rows": rows}


def check(slot_id: int) -> dict[str, int]:
    """Runs inside the bench environment after the rush: what the database says."""
    import django

    django.setup()
    from django.db.models import Count

    from imigrasi.appointments.models import Booking, Slot

    slot = Slot.objects.get(pk=slot_id)
    active = Booking.objects.filter(slot=slot, status__in=["held", "confirmed"])
    duplicates = (
        Booking.objects.filter(status__in=["held", "confirmed"])
        .values("identity_index", "service")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    numbers = list(active.values_list("queue_number", flat=True))
    return {
        "capacity": slot.capacity,
        "taken": slot.taken,
        "booked": active.count(),
        "overbooked": max(0, active.count() - slot.capacity, slot.taken - slot.capacity),
        "duplicate_people": duplicates,
        "duplicate_queue_numbers": len(numbers) - len(set(numbers)),
    }


async def rush(base: str, slot: str, rows: list[dict[str, str]], concurrency: int) -> Result:
    host, port = base.removeprefix("http://").split(":")
    result = Result()
    pending = list(enumerate(rows))
    pending.reverse()

    async def applicant_worker() -> None:
        connection = Connection(host, int(port))
        while pending:
            n, row = pending.pop()
            body = json.dumps(
                {"slot": slot, "service": "paspor-baru-dewasa", "person_id": row["person"]}
            ).encode()
            headers = {
                "Authorization": f"Bearer {row['token']}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"rush-{n:06d}",
            }
            for _attempt in range(20):
                started = time.perf_counter()
                try:
                    status, payload = await connection.request(
                        "POST", "/api/v1/bookings", headers, body
                    )
                except (ConnectionError, asyncio.IncompleteReadError, OSError):
                    status, payload = 0, b""
                    connection = Connection(host, int(port))
                result.record(status, time.perf_counter() - started)
                if status == 503:  # the admission answer: wait as told, then try again
                    retry = json.loads(payload or b"{}").get("retry_after", 1)
                    await asyncio.sleep(float(retry))
                    continue
                if status == 0:
                    continue
                break
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(applicant_worker() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


def _database_choice(requested: str) -> tuple[str, str]:
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        url = configured.rsplit("/", 1)[0] + "/imigrasi_bench"
    else:
        url = os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/imigrasi_bench"
        )
    if requested == "sqlite":
        return "sqlite", url
    if requested == "postgres" or postgres_available(url):
        return "postgres", url
    return "sqlite", url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applicants", type=int, default=2000)
    parser.add_argument("--places", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--database", choices=["auto", "sqlite", "postgres"], default="auto")
    parser.add_argument("--cache", choices=["auto", "redis", "database"], default="auto")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--trivial-seconds", type=float, default=5.0)
    parser.add_argument("--prepare", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--check", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(*args.prepare)))
        return 0
    if args.check:
        print(json.dumps(check(args.check)))
        return 0

    database, pg_url = _database_choice(args.database)
    os.environ["BENCH_POSTGRES_URL"] = pg_url
    redis_url = redis_choice(args.cache)
    with bench_environment(database) as env:
        if redis_url:
            env["REDIS_URL"] = redis_url

        def inside(*extra: str) -> dict[str, object]:
            done = subprocess.run(
                [sys.executable, __file__, *extra],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            return dict(json.loads(done.stdout.strip().splitlines()[-1]))

        prepared = inside("--prepare", str(args.applicants), str(args.places))
        rows = list(prepared["rows"])  # type: ignore[call-overload]
        with server(env, workers=args.workers, threads=args.threads) as base:

            def warm_request(n: int, i: int) -> tuple[str, str, dict[str, str], bytes]:
                row = rows[(n + i) % len(rows)]
                return (
                    "GET",
                    f"/api/v1/bookings/slots?office=kanim-jakarta-selatan&date={prepared['day']}",
                    {"Authorization": f"Bearer {row['token']}"},
                    b"",
                )

            def trivial_request(n: int, i: int) -> tuple[str, str, dict[str, str], bytes]:
                return ("GET", "/healthz", {}, b"")

            asyncio.run(load(base, 8, 1.5, warm_request))  # imports, connections, caches
            booking = asyncio.run(rush(base, str(prepared["slot"]), rows, args.concurrency))
            trivial = asyncio.run(
                load(base, args.concurrency, args.trivial_seconds, trivial_request)
            )
        state = inside("--check", str(prepared["slot_id"]))
    emit(
        {
            "benchmark": "booking_rush",
            "database": database,
            "cache": "redis" if redis_url else "database",
            "applicants": args.applicants,
            "concurrency": args.concurrency,
            "attempts": booking.requests,
            "capacity": state["capacity"],
            "booked": state["booked"],
            "overbooked": state["overbooked"],
            "duplicate_people": state["duplicate_people"],
            "duplicate_queue_numbers": state["duplicate_queue_numbers"],
            "responses": {str(k): v for k, v in sorted(booking.statuses.items())},
            "p50_ms_by_status": booking.median_ms_by_status(),
            "seconds": round(booking.elapsed, 2),
            "throughput_rps": round(booking.rps, 1),
            "p50_ms": booking.median_ms(),
            "p95_ms": booking.percentile_ms(95),
            "p99_ms": booking.percentile_ms(99),
            "trivial_endpoint_rps": round(trivial.rps, 1),
            "trivial_p99_ms": trivial.percentile_ms(99),
            "ratio_to_trivial": round(booking.rps / trivial.rps, 2) if trivial.rps else None,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
