"""Keep a few child processes running: `make run`'s web server, worker and simulators.

A child that stops is started again after a pause that doubles with each quick failure
(1 s, 2 s, 4 s … up to ``max_delay``) and resets once the child has stayed up for
``stable_after`` seconds; the others keep running meanwhile, so a crashed simulator never takes
the site down. Production uses its own supervisor (systemd, Kubernetes) with the same commands:
this one exists so that `make run` needs nothing installed. It is small on purpose; the
well-kept alternatives (supervisord, circus) would add a configuration format and a daemon to
a development convenience.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Child:
    name: str
    command: Sequence[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0  # consecutive quick failures
    restart_at: float | None = None
    restarts: int = 0
    history: list[int] = field(default_factory=list)  # exit codes, newest last


class Supervisor:
    def __init__(
        self,
        commands: Mapping[str, Sequence[str]],
        *,
        cwd: Path,
        env: Mapping[str, str],
        base_delay: float = 1.0,
        max_delay: float = 30.0,
        stable_after: float = 60.0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.children = {name: Child(name, list(command)) for name, command in commands.items()}
        self.cwd, self.env = cwd, dict(env)
        self.base_delay, self.max_delay, self.stable_after = base_delay, max_delay, stable_after
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.stopping = threading.Event()

    def start(self) -> None:
        for child in self.children.values():
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(child.command, cwd=self.cwd, env=self.env)  # noqa: S603
        child.started_at = time.monotonic()
        child.restart_at = None

    def delay_for(self, failures: int) -> float:
        return float(min(self.max_delay, self.base_delay * 2 ** max(0, failures - 1)))

    def check(self) -> None:
        """One pass: notice stopped children, schedule and perform restarts."""
        now = time.monotonic()
        for child in self.children.values():
            process = child.process
            if child.restart_at is not None:
                if now >= child.restart_at and not self.stopping.is_set():
                    child.restarts += 1
                    self.log(f"{child.name}: restarting (restart {child.restarts})")
                    self._spawn(child)
                continue
            if process is None or process.poll() is None:
                continue
            child.history.append(process.returncode)
            quick = now - child.started_at < self.stable_after
            child.failures = child.failures + 1 if quick else 1
            delay = self.delay_for(child.failures)
            child.restart_at = now + delay
            self.log(
                f"{child.name} stopped (exit {process.returncode}); "
                f"restarting in {delay:.0f} s, the others keep running"
            )

    def run(self, poll_seconds: float = 0.5) -> None:
        self.start()
        while not self.stopping.wait(poll_seconds):
            self.check()
        self.stop()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        running = [c.process for c in self.children.values() if c.process is not None]
        for process in running:
            if process.poll() is None:
                process.terminate()
        for process in running:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
