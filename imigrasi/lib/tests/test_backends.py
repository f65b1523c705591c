"""Our thin subclasses of Django's Redis cache and PostgreSQL backend keep the library's
behaviour and only drop per-call overhead."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from django.db import connections

REDIS_LOCATION = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_cache(settings: Any) -> Any:
    import redis

    try:
        redis.Redis.from_url(REDIS_LOCATION, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "imigrasi.lib.redis_cache.ReusingRedisCache",
            "LOCATION": REDIS_LOCATION,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    from django.core.cache import caches

    return caches["default"]


def test_redis_cache_reuses_one_client_and_behaves_like_djangos(redis_cache: Any) -> None:
    assert redis_cache._cache.get_client("a") is redis_cache._cache.get_client("b")
    redis_cache.set("greeting", {"id": "halo"}, 30)
    assert redis_cache.get("greeting") == {"id": "halo"}
    assert redis_cache.add("greeting", "other", 30) is False
    redis_cache.delete("greeting")
    assert redis_cache.get("greeting") is None


def test_count_hit_counts_and_expires_once(redis_cache: Any) -> None:
    assert [redis_cache.count_hit("hits", 60) for _ in range(3)] == [1, 2, 3]
    client = redis_cache._cache.get_client(write=True)
    full_key = redis_cache.make_and_validate_key("hits")
    ttl = client.ttl(full_key)
    assert 0 < ttl <= 60
    redis_cache.count_hit("hits", 600)  # a later hit does not extend the window
    assert client.ttl(full_key) <= 60


def test_rate_limit_on_redis_refuses_over_the_limit(redis_cache: Any) -> None:
    from imigrasi.lib.ratelimit import allow

    results = [allow("kiosk:1", "2/m")[0] for _ in range(3)]
    assert results == [True, True, False]


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_health_check_runs_only_after_idle(monkeypatch: Any) -> None:
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run by `make test-postgres`)")
    from imigrasi.lib.postgresql import base

    connection.ensure_connection()
    assert isinstance(connection, base.DatabaseWrapper)
    checks: list[int] = []

    def is_usable() -> bool:
        checks.append(1)
        return True

    monkeypatch.setattr(connection, "is_usable", is_usable)
    monkeypatch.setattr(connection, "health_check_enabled", True)

    connection.health_check_done = False
    with connection.cursor() as cursor:  # busy: a cursor was opened just now
        cursor.execute("SELECT 1")
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert checks == [] and connection.health_check_done

    connection.health_check_done = False
    connection._used_at = time.monotonic() - base.HEALTH_CHECK_AFTER_IDLE - 1  # idle
    connection.close_if_health_check_failed()
    assert checks == [1] and connection.health_check_done
