"""Django's Redis cache with one client object per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call.
With redis-py 8 that constructor fills a case-insensitive table of response callbacks, about
a hundred entries, so on the booking rush path (a rate-limit ``add`` and ``incr`` per request)
building clients cost more CPU than the Redis round trips. A ``redis.Redis`` is safe to share
between threads (each command borrows a connection from the pool), so one per pool suffices.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._clients_lock = threading.Lock()

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # Django's private helpers, untyped in the stubs
        index = django_client._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._clients_lock:
                client = self._clients.get(index)
                if client is None:
                    pool = django_client._get_connection_pool(write)
                    client = django_client._client(connection_pool=pool)
                    self._clients[index] = client
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def count_hit(self, key: str, timeout: int) -> int:
        """Add one to a counter that expires ``timeout`` seconds after its first hit, in one
        round trip (INCR, then EXPIRE NX); the generic add-then-incr takes two."""
        full_key = self.make_and_validate_key(key)
        pipe = self._cache.get_client(full_key, write=True).pipeline(transaction=False)
        pipe.incr(full_key)
        pipe.expire(full_key, timeout, nx=True)
        count, _expiry_set = pipe.execute()
        return int(count)
