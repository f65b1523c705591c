"""How many counters an office needs: Erlang C, written once, tested against published values.

Walk-ins arrive at random (Poisson); each takes a service time; a counter serves one at a
time. For ``agents`` counters and traffic ``A`` (arrivals × service time, in Erlangs) Erlang C
gives the chance a visitor waits, and the share served within a target wait:
``SL = 1 − C(N, A) · exp(−(N − A) · T / AHT)``. The counters needed are the fewest that meet the
service level without running counters busier than the occupancy cap (people need breaks).
Erlang B is computed by its recurrence, so large offices do not overflow factorials.

pyworkforce implements the same formula but pulls in OR-Tools (≈100 MB) for scheduling we do
not use; this module is 60 lines with its published check values in the tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Staffing:
    agents: int
    service_level: float  # share served within the target wait
    occupancy: float  # share of counter time busy
    waiting_probability: float


def erlang_b(agents: int, traffic: float) -> float:
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that an arrival waits; 1 when the counters cannot keep up."""
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, target_wait: float, handle_time: float) -> float:
    if agents <= traffic:
        return 0.0
    waiting = erlang_c(agents, traffic)
    return 1 - waiting * math.exp(-(agents - traffic) * target_wait / handle_time)


def required_agents(
    arrivals: float,
    interval: float,
    handle_time: float,
    *,
    target_wait: float,
    target_level: float = 0.8,
    max_occupancy: float = 0.85,
) -> Staffing:
    """``arrivals`` in ``interval``; ``interval``, ``handle_time`` and ``target_wait`` in the
    same unit (minutes or seconds)."""
    if arrivals <= 0:
        return Staffing(0, 1.0, 0.0, 0.0)
    traffic = arrivals * handle_time / interval
    # Start at the occupancy cap: every count below it is refused anyway, and a linear walk
    # up from the traffic itself is quadratic on a very large forecast.
    agents = max(1, math.floor(traffic) + 1, math.ceil(traffic / max_occupancy - 1e-9))
    while True:
        level = service_level(agents, traffic, target_wait, handle_time)
        if level >= target_level and traffic / agents <= max_occupancy:
            return Staffing(agents, level, traffic / agents, erlang_c(agents, traffic))
        agents += 1
