"""Admission control for rush endpoints: a bounded number of bookings in flight per process.

At a quota release thousands arrive at once. Rather than letting every request queue inside
the database (timeouts, then errors), each server process lets a fixed number of booking
transactions run; the next ones wait briefly, and beyond that the person gets an honest
answer — how many are ahead of them in this process and when to try again — instead of an
error page. Capacity correctness never depends on this: the database enforces it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Busy(Exception):
    waiting: int
    retry_after: int


class Gate:
    def __init__(self, limit: int, wait_seconds: float) -> None:
        self.limit = limit
        self.wait_seconds = wait_seconds
        self._semaphore = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self._waiting = 0
        self._recent_seconds = 0.05  # moving estimate of one booking's duration

    @contextmanager
    def admit(self) -> Iterator[None]:
        with self._lock:
            self._waiting += 1
            ahead = self._waiting
        acquired = self._semaphore.acquire(timeout=self.wait_seconds)
        with self._lock:
            self._waiting -= 1
        if not acquired:
            estimate = ahead * self._recent_seconds / max(1, self.limit)
            raise Busy(waiting=ahead, retry_after=max(1, math.ceil(estimate)))
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            with self._lock:
                self._recent_seconds = 0.9 * self._recent_seconds + 0.1 * elapsed
            self._semaphore.release()


_gates: dict[str, Gate] = {}
_gates_lock = threading.Lock()


def gate(name: str, limit: int, wait_seconds: float) -> Gate:
    with _gates_lock:
        existing = _gates.get(name)
        if existing is None or existing.limit != limit:
            existing = _gates[name] = Gate(limit, wait_seconds)
        return existing
