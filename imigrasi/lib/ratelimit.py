"""Fixed-window rate limits on the shared cache (database table or Redis).

For public endpoints that allauth's limits do not cover (the status check). A window is
"count / period seconds" per key; over the limit the caller answers 429 with a translated
message and a Retry-After.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def parse_rate(rate: str) -> tuple[int, int]:
    """ "10/m" → (10, 60); "5/300s" → (5, 300); units s, m, h."""
    count_text, _, period_text = rate.partition("/")
    period_text = period_text.split("/")[0]
    units = {"s": 1, "m": 60, "h": 3600}
    unit = period_text[-1]
    amount = int(period_text[:-1] or "1") if unit in units else int(period_text)
    return int(count_text), amount * units.get(unit, 1)


def allow(key: str, rate: str) -> tuple[bool, int]:
    """Count one hit; return (allowed, seconds until the window resets)."""
    limit, period = parse_rate(rate)
    window = int(time.time()) // period
    cache_key = f"rl:{key}:{window}"
    count_hit = getattr(cache, "count_hit", None)  # Redis: one round trip (lib.redis_cache)
    if count_hit is not None:
        count = count_hit(cache_key, period + 5)
    elif cache.add(cache_key, 1, timeout=period + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=period + 5)
            count = 1
    retry_after = period - int(time.time()) % period
    return count <= limit, retry_after


def client_ip(request: object) -> str:
    meta = getattr(request, "META", {})
    return str(meta.get("REMOTE_ADDR", "unknown"))
