"""Shared pieces of the benchmarks: a throwaway database, the real server, a load generator.

Every benchmark is one command that prepares its own data, starts the server it measures
(granian WSGI, as `make run` does), measures, prints one JSON line and stops everything. The
baseline (a trivial endpoint of the same server, in the same run) makes figures comparable
across machines.

The load generator is a small asyncio HTTP/1.1 client with keep-alive connections: it costs
far less CPU per request than a general-purpose client, which matters because it shares the
two cores with the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def postgres_available(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


@contextlib.contextmanager
def bench_environment(database: str) -> Iterator[dict[str, str]]:
    """Environment for a fresh installation: own VAR_DIR, own database (dropped afterwards)."""
    var_dir = Path(tempfile.mkdtemp(prefix="imigrasi-bench-"))
    env = {
        **os.environ,
        "VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "imigrasi.settings",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    pg_url = os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/imigrasi_bench"
    )
    if database == "postgres":
        import psycopg

        admin = pg_url.rsplit("/", 1)[0] + "/postgres"
        name = pg_url.rsplit("/", 1)[1]
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = pg_url
    try:
        run_manage(env, "migrate", "--noinput", "-v", "0")
        run_manage(env, "createcachetable")
        yield env
    finally:
        if database == "postgres":
            import psycopg

            with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_url.rsplit("/", 1)[1]}" WITH (FORCE)')
        shutil.rmtree(var_dir, ignore_errors=True)


def run_manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(env: dict[str, str], *, workers: int = 2, threads: int = 4) -> Iterator[str]:
    """granian WSGI, as in production (`make run` uses the same command)."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(VENV_BIN / "granian"),
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--no-ws",
            "--log-level",
            "error",
            "--backlog",
            "2048",
            "imigrasi.wsgi:application",
        ],
        cwd=ROOT,
        env={**env, "ALLOWED_HOSTS": "127.0.0.1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0
    by_status: dict[int, list[float]] = field(default_factory=dict)

    def record(self, status: int, seconds: float) -> None:
        self.latencies.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.by_status.setdefault(status, []).append(seconds)

    def median_ms_by_status(self) -> dict[str, float]:
        return {
            str(status): round(statistics.median(values) * 1000, 1)
            for status, values in sorted(self.by_status.items())
        }

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))
        return round(ordered[index] * 1000, 1)

    def median_ms(self) -> float:
        return round(statistics.median(self.latencies) * 1000, 1) if self.latencies else 0.0


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None and self.writer is not None
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(body)}",
        ]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            self.writer.close()
            self.writer = None
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        length = 0
        close = False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value.strip())
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        payload = await self.reader.readexactly(length) if length else b""
        if close:
            self.writer.close()
            self.writer = None
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def load(
    base: str,
    clients: int,
    seconds: float,
    make_request: Callable[[int, int], tuple[str, str, dict[str, str], bytes]],
    interval: float = 0.0,
) -> Result:
    """``clients`` connections, each sending requests back to back for ``seconds`` or, with
    ``interval``, one request every ``interval`` seconds (people and systems that pause
    between requests; starts spread over the first interval)."""
    host, port = base.removeprefix("http://").split(":")
    result = Result()
    stop_at = time.perf_counter() + seconds

    async def client(n: int) -> None:
        connection = Connection(host, int(port))
        i = 0
        if interval:
            await asyncio.sleep(interval * n / clients)
        while time.perf_counter() < stop_at:
            method, path, headers, body = make_request(n, i)
            started = time.perf_counter()
            try:
                status, _ = await connection.request(method, path, headers, body)
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                status = 0
                connection = Connection(host, int(port))
            result.record(status, time.perf_counter() - started)
            i += 1
            if interval:
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - started)))
        connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    result.elapsed = time.perf_counter() - started
    return result


async def gather_limited(jobs: list[Callable[[], Awaitable[object]]], limit: int) -> list[object]:
    semaphore = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[object]]) -> object:
        async with semaphore:
            return await job()

    return list(await asyncio.gather(*(run(job) for job in jobs)))


def redis_choice(requested: str = "auto") -> str:
    """A deployment at this scale runs Redis for the cache (rate limits): use it when one
    answers (a dedicated, flushed database index), else the embedded database cache."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    if requested == "database":
        return ""
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
    except Exception:
        if requested == "redis":
            raise
        return ""
    return url


def emit(figures: dict[str, object]) -> None:
    print(json.dumps(figures, sort_keys=False))
