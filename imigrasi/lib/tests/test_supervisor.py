"""`make run`'s supervisor restarts a crashed child with backoff and leaves the others alone."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from pathlib import Path

import httpx

from imigrasi.lib.billing import generate_keypair
from imigrasi.lib.supervisor import Supervisor

ROOT = Path(__file__).resolve().parents[3]
SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_of(supervisor: Supervisor, name: str):
    process = supervisor.children[name].process
    assert process is not None
    return process


def wait_until(condition, supervisor: Supervisor, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        supervisor.check()
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_a_killed_simulator_comes_back_and_the_web_process_is_untouched():
    port = free_port()
    private, _ = generate_keypair()
    simulator = [
        sys.executable,
        "-m",
        "simulators.payment_channel.server",
        "--port",
        str(port),
        "--quiet",
    ]
    supervisor = Supervisor(
        {"web": SLEEPER, "payments": simulator},
        cwd=ROOT,
        env={**os.environ, "PAYMENT_SIMULATOR_PRIVATE_KEY_B64": private},
        base_delay=0.2,
        log=lambda line: None,
    )

    def simulator_answers() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    supervisor.start()
    try:
        wait_until(simulator_answers, supervisor)
        web_pid = process_of(supervisor, "web").pid
        os.kill(process_of(supervisor, "payments").pid, signal.SIGKILL)
        wait_until(lambda: supervisor.children["payments"].restarts == 1, supervisor)
        wait_until(simulator_answers, supervisor)
        assert process_of(supervisor, "web").pid == web_pid
        assert process_of(supervisor, "web").poll() is None
        assert supervisor.children["payments"].history == [-signal.SIGKILL]
    finally:
        supervisor.stop()


def test_quick_failures_back_off_and_a_stable_run_resets_the_delay():
    supervisor = Supervisor({}, cwd=ROOT, env={}, base_delay=1, max_delay=30)
    assert [supervisor.delay_for(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    crashing = [sys.executable, "-c", "raise SystemExit(3)"]
    supervisor = Supervisor(
        {"broken": crashing},
        cwd=ROOT,
        env=os.environ,
        base_delay=0.05,
        stable_after=60,
        log=lambda line: None,
    )
    supervisor.start()
    try:
        wait_until(lambda: supervisor.children["broken"].restarts >= 3, supervisor)
        child = supervisor.children["broken"]
        assert child.history[:3] == [3, 3, 3]
        assert child.failures >= 3  # each quick failure doubled the next pause
    finally:
        supervisor.stop()


def test_stopping_ends_every_child():
    supervisor = Supervisor(
        {"a": SLEEPER, "b": SLEEPER}, cwd=ROOT, env=os.environ, log=lambda line: None
    )
    supervisor.start()
    supervisor.stop(timeout=5)
    assert all(process_of(supervisor, name).poll() is not None for name in supervisor.children)
