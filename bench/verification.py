"""Verification for employers and agencies, and the decision-event outbox, under load.

One command, self-contained: a fresh database (PostgreSQL when one answers on
127.0.0.1:5432, else SQLite; choose with --database), the real server (granian WSGI, 2
workers, as ``make run``), the receiving-agency simulator as its own process.

1. **Status checks**: ``--verifiers`` concurrent verifiers (default 100), each an OAuth2
   client of its own with a bearer token from ``/o/token/`` (client credentials), each
   checking a holder's share code with the holder's date of birth at
   ``POST /api/v1/status-checks`` back to back; then the same server's trivial endpoint
   (``/healthz``) with the same concurrency, in the same run: p50/p95/p99 and the throughput
   ratio (target p99 under 300 ms). Then both again with each verifier pausing to one check
   every ``--pace`` seconds (100 verifiers at 2 s: 50 checks/s offered, 4.3 million a day),
   the shape of real employers and agencies (docs/decisions/0010-verification-latency.md).
2. **Outbox drain**: ``--events`` decision events (default 10,000) published through the
   outbox to one subscriber that answers slowly (the simulator's ``slow`` mode, ``--delay``
   seconds per message), delivered by ``--task-workers`` task workers (``manage.py
   db_worker``), while a light stream of web requests measures whether pages wait for it:
   the drain time, the delivery rate, duplicates the receiver saw, and the web p99 before and
   during the drain.

    .venv/bin/python bench/verification.py [--verifiers 100] [--seconds 15] [--pace 2]
        [--events 10000]
        [--delay 0.05] [--task-workers 4] [--database sqlite|postgres]
        [--skip-outbox] [--skip-checks]

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    ROOT,
    Result,
    bench_environment,
    emit,
    load,
    postgres_available,
    redis_choice,
    run_manage,
    server,
)
from simulators.launch import running

WEBHOOK_SECRET = "whsec_" + "YmVuY2gtc2VjcmV0LW9mLWV4YWN0bHktMzItYnl0ZXMh"  # 32 bytes, base64


def _run_step(env: dict[str, str], *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"step {args[1]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- steps that run inside the bench environment (their own process, Django set up) --------


def prepare_checks(verifiers: int, holders: int = 200) -> dict[str, Any]:
    """Holders with granted permits and share codes; one OAuth2 client per verifier."""
    import datetime as dt

    import django

    django.setup()
    from django.utils import timezone

    from imigrasi.accounts.models import User
    from imigrasi.applications.models import Application, Person
    from imigrasi.applications.numbers import new_application_number
    from imigrasi.catalog.demo import load as load_catalog
    from imigrasi.catalog.models import Service
    from imigrasi.credentials.actions import issue_credential
    from imigrasi.sharecodes import codes
    from imigrasi.sharecodes.actions import do_create_share_code, do_register_verifier_client

    load_catalog()
    service = Service.objects.get(code="itap")
    today = timezone.localdate()
    rows = []
    for n in range(holders):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=97 * n)
        user = User(email=f"holder{n}@bench.example", full_name=f"Pemegang Izin {n}")
        user.set_unusable_password()
        user.save()
        person = Person.objects.create(
            account=user, relationship="self", full_name=f"HOLDER {n}",
            date_of_birth=birth.isoformat(), passport_number=f"PB{n:07d}", nationality="AUS",
        )  # fmt: skip
        application = Application.objects.create(
            number=new_application_number(), account=user, person=person, service=service,
            workflow="visa", status="approved",
        )  # fmt: skip
        credential = issue_credential(
            reference=application.number, subject_id=user.pk, document_type="itap",
            holder_name=f"HOLDER {n}", date_of_birth=birth, nationality="AUS",
            document_number=application.number, valid_from=today,
            valid_until=today + dt.timedelta(days=5 * 365),
        )  # fmt: skip
        share = do_create_share_code(user, credential, "employment", 30)
        rows.append({"share_code": codes.display(share.code), "date_of_birth": birth.isoformat()})
    clients = []
    for n in range(verifiers):
        client, secret = do_register_verifier_client(f"PT Pemberi Kerja {n} (bench)", actor=None)
        clients.append({"client_id": client.client_id, "client_secret": secret})
    return {"holders": rows, "clients": clients}


def publish_events(count: int, receiver: str) -> dict[str, Any]:
    """One subscriber at the receiver; ``count`` events published in batches of 500."""
    import django

    django.setup()
    from django.db import transaction

    from imigrasi.catalog.demo import load as load_catalog
    from imigrasi.outbox.actions import publish
    from imigrasi.outbox.models import EventType, Subscriber, SubscriberSecret

    load_catalog()
    subscriber = Subscriber.objects.create(
        code="bench-kemnaker",
        name="Kementerian Ketenagakerjaan (bench)",
        url=f"{receiver}/events/bench",
        event_types=[str(EventType.VISA_GRANTED)],
    )
    SubscriberSecret.objects.create(subscriber=subscriber, secret=WEBHOOK_SECRET)
    started = time.perf_counter()
    for first in range(0, count, 500):
        with transaction.atomic():
            for n in range(first, min(count, first + 500)):
                publish(
                    EventType.VISA_GRANTED,
                    {
                        "application": f"BENCH-{n:06d}",
                        "service": "visa-c312-kerja",
                        "office": "kanim-jakarta-selatan",
                        "decided_on": "2026-12-06",
                        "holder": {"name": "BENCH HOLDER", "nationality": "AUS"},
                    },
                    reference=f"BENCH-{n:06d}",
                )
    return {"published": count, "publish_seconds": round(time.perf_counter() - started, 2)}


def watch_deliveries(events: int) -> dict[str, Any]:
    """Polls the outbox until every delivery is settled; says when (wall clock)."""
    import django

    django.setup()
    from django.db.models import Count

    from imigrasi.outbox.models import Delivery

    while True:
        counts = {
            row["status"]: row["n"]
            for row in Delivery.objects.values("status").annotate(n=Count("pk")).order_by()
        }
        if counts.get("delivered", 0) + counts.get("dead", 0) >= events:
            return {"settled_at": time.time(), "counts": counts}
        time.sleep(0.25)


# --- the parent process ----------------------------------------------------------------------


def _tokens(base: str, clients: list[dict[str, str]]) -> list[str]:
    tokens = []
    with httpx.Client(base_url=base, timeout=30) as http:
        for client in clients:
            answer = http.post(
                "/o/token/",
                data={"grant_type": "client_credentials", "scope": "status:read"},
                auth=(client["client_id"], client["client_secret"]),
            )
            answer.raise_for_status()
            tokens.append(answer.json()["access_token"])
    return tokens


def _percentiles(result: Result) -> dict[str, float]:
    return {
        "p50_ms": result.median_ms(),
        "p95_ms": result.percentile_ms(95),
        "p99_ms": result.percentile_ms(99),
    }


def measure_checks(
    env: dict[str, str], base: str, verifiers: int, seconds: float, pace: float
) -> dict[str, Any]:
    prepared = _run_step(env, "--step", "prepare-checks", "--verifiers", str(verifiers))
    tokens = _tokens(base, prepared["clients"])
    holders = prepared["holders"]

    def check(n: int, i: int) -> tuple[str, str, dict[str, str], bytes]:
        holder = holders[(n + i) % len(holders)]
        body = json.dumps(
            {"share_code": holder["share_code"], "date_of_birth": holder["date_of_birth"]}
        ).encode()
        headers = {"Authorization": f"Bearer {tokens[n]}", "Content-Type": "application/json"}
        return "POST", "/api/v1/status-checks", headers, body

    def trivial(n: int, i: int) -> tuple[str, str, dict[str, str], bytes]:
        return "GET", "/healthz", {}, b""

    asyncio.run(load(base, verifiers, 3, check))  # warm-up: connections, caches
    checks = asyncio.run(load(base, verifiers, seconds, check))
    baseline = asyncio.run(load(base, verifiers, seconds, trivial))
    # The same verifiers at a human pace: each checks once every `pace` seconds.
    paced = asyncio.run(load(base, verifiers, seconds, check, interval=pace))
    paced_trivial = asyncio.run(load(base, verifiers, seconds, trivial, interval=pace))
    return {
        "verifiers": verifiers,
        "paced_interval_s": pace,
        "paced_rps": round(paced.rps, 1),
        "paced_errors": sum(n for s, n in paced.statuses.items() if s != 200),
        **{f"paced_check_{k}": v for k, v in _percentiles(paced).items()},
        "paced_trivial_p99_ms": paced_trivial.percentile_ms(99),
        "check_requests": checks.requests,
        "check_statuses": {str(k): v for k, v in sorted(checks.statuses.items())},
        "check_rps": round(checks.rps, 1),
        **{f"check_{k}": v for k, v in _percentiles(checks).items()},
        "trivial_rps": round(baseline.rps, 1),
        "trivial_p99_ms": baseline.percentile_ms(99),
        "ratio_to_trivial": round(checks.rps / baseline.rps, 2) if baseline.rps else None,
    }


@contextlib.contextmanager
def task_workers(env: dict[str, str], count: int) -> Iterator[None]:
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--interval",
                "0.2",
                "--no-reload",
                "--no-startup-delay",
                "--worker-id",
                f"bench-{n}",
                "-v",
                "0",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(count)
    ]
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def measure_outbox(
    env: dict[str, str], base: str, events: int, delay: float, workers: int
) -> dict[str, Any]:
    directory = Path(tempfile.mkdtemp(prefix="imigrasi-bench-receiver-"))
    receiver_env = {"AGENCY_RECEIVER_SECRET": WEBHOOK_SECRET}
    os.environ.update(receiver_env)  # the simulator reads its secret from the environment
    with running("simulators.agency_receiver.server", directory) as receiver:
        published = _run_step(
            env, "--step", "publish", "--events", str(events), "--receiver", receiver
        )
        httpx.put(
            f"{receiver}/_control/mode", json={"mode": "slow", "delay": delay}
        ).raise_for_status()

        def page(n: int, i: int) -> tuple[str, str, dict[str, str], bytes]:
            return "GET", "/" if n % 2 else "/healthz", {}, b""  # a page and the floor

        # A light, paced stream (4 visitors, 4 requests/s each): what the drain must not slow.
        before = asyncio.run(load(base, 4, 5, page, interval=0.25))
        web = Result()
        started = time.time()
        with task_workers(env, workers):
            watcher = subprocess.Popen(
                [sys.executable, __file__, "--step", "watch", "--events", str(events)],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            while watcher.poll() is None:  # the web, sampled while the workers drain
                sample = asyncio.run(load(base, 4, 1, page, interval=0.25))
                web.latencies += sample.latencies
                for status, n in sample.statuses.items():
                    web.statuses[status] = web.statuses.get(status, 0) + n
            assert watcher.stdout is not None
            settled = json.loads(watcher.stdout.read().strip().splitlines()[-1])
        drain_seconds = settled["settled_at"] - started
        delivered = settled["counts"].get("delivered", 0)
        received = httpx.get(f"{receiver}/_control/received", timeout=30).json()
    return {
        "events": events,
        "subscriber_delay_s": delay,
        "task_workers": workers,
        **published,
        "drain_seconds": round(drain_seconds, 1),
        "delivered": delivered,
        "delivered_per_second": round(delivered / drain_seconds, 1) if drain_seconds else None,
        "receiver_messages": len(received["messages"]),
        "receiver_duplicates": received["duplicates"],
        "receiver_rejected": received["rejected"],
        "web_p99_ms_before": before.percentile_ms(99),
        "web_p99_ms_during_drain": web.percentile_ms(99),
        "web_errors_during_drain": sum(n for s, n in web.statuses.items() if s != 200),
        "web_requests_during_drain": web.requests,
    }


def _signing_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verifiers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument(
        "--pace", type=float, default=2.0, help="seconds between a verifier's checks"
    )
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--task-workers", type=int, default=4)
    parser.add_argument("--database", choices=["auto", "sqlite", "postgres"], default="auto")
    parser.add_argument("--skip-outbox", action="store_true")
    parser.add_argument("--skip-checks", action="store_true")
    parser.add_argument("--step", choices=["prepare-checks", "publish", "watch"])
    parser.add_argument("--receiver", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "prepare-checks":
        print(json.dumps(prepare_checks(args.verifiers)))
        return 0
    if args.step == "publish":
        print(json.dumps(publish_events(args.events, args.receiver)))
        return 0
    if args.step == "watch":
        print(json.dumps(watch_deliveries(args.events)))
        return 0

    database = args.database
    os.environ.setdefault("CREDENTIAL_SIGNING_KEY", _signing_key())
    # Each verifier is a client of its own and checks back to back, far above the per-client
    # limit meant for one client's abuse: the limit is not what is measured here.
    os.environ["STATUS_CHECK_RATE_PER_CLIENT"] = "1000000/m"
    if database == "auto":
        url = os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/imigrasi_bench"
        )
        database = "postgres" if postgres_available(url) else "sqlite"
    redis_url = redis_choice()
    figures: dict[str, Any] = {
        "benchmark": "verification",
        "database": database,
        "cache": "redis" if redis_url else "database",
    }
    with bench_environment(database) as env:
        if redis_url:
            env["REDIS_URL"] = redis_url
        figures.update(_measure(env, args))
    emit(figures)
    return 0


def _measure(env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with server(env) as base:
        if not args.skip_checks:
            figures.update(measure_checks(env, base, args.verifiers, args.seconds, args.pace))
        if not args.skip_outbox:
            run_manage(env, "collectstatic", "--noinput", "-v", "0")  # pages are sampled
            figures.update(measure_outbox(env, base, args.events, args.delay, args.task_workers))
    return figures


if __name__ == "__main__":
    sys.exit(main())
