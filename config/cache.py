"""Django's Redis cache, made to degrade instead of fail: when Redis is down, reads miss and writes are
dropped, so pages keep working (slower) while Redis restarts. After a failure the process leaves Redis
alone for a few seconds, so a Redis that hangs costs one request a timeout, not every cache call."""

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

import redis

logger = logging.getLogger(__name__)

# Seconds during which a process answers from "cache miss" after a Redis failure.
PAUSE_AFTER_FAILURE = 5.0

_lock = threading.Lock()
_down_until = 0.0


def _is_down() -> bool:
    return time.monotonic() < _down_until


def _mark_down(error: Exception) -> None:
    global _down_until
    with _lock:
        if not _is_down():
            logger.warning("cache: Redis unreachable, serving without cache for a while: %s", error)
        _down_until = time.monotonic() + PAUSE_AFTER_FAILURE


def reset() -> None:
    """Try Redis again at the next call (tests)."""
    global _down_until
    with _lock:
        _down_until = 0.0


class ResilientRedisCacheClient(RedisCacheClient):
    def _try(self, name: str, fallback: Any, *args: Any) -> Any:
        """Call the parent's operation; `fallback` when Redis is (or was just) unreachable."""
        if _is_down():
            return fallback
        try:
            return getattr(super(), name)(*args)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            _mark_down(error)
            return fallback

    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        return bool(self._try("add", False, key, value, timeout))

    def get(self, key: Any, default: Any) -> Any:
        return self._try("get", default, key, default)

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        self._try("set", None, key, value, timeout)

    def touch(self, key: Any, timeout: Any) -> bool:
        return bool(self._try("touch", False, key, timeout))

    def delete(self, key: Any) -> bool:
        return bool(self._try("delete", False, key))

    def get_many(self, keys: Any) -> dict[Any, Any]:
        return dict(self._try("get_many", {}, keys))

    def has_key(self, key: Any) -> bool:
        return bool(self._try("has_key", False, key))

    def incr(self, key: Any, delta: int) -> Any:
        value = self._try("incr", _UNAVAILABLE, key, delta)
        if value is _UNAVAILABLE:
            # What Django raises for a missing key; django-ratelimit then fails open (RATELIMIT_FAIL_OPEN).
            raise ValueError("cache unavailable")
        return value

    def set_many(self, data: Any, timeout: Any) -> None:
        self._try("set_many", None, data, timeout)

    def delete_many(self, keys: Any) -> None:
        self._try("delete_many", None, keys)

    def clear(self) -> bool:
        return bool(self._try("clear", False))


_UNAVAILABLE = object()


class ResilientRedisCache(RedisCache):
    """RedisCache whose operations answer "miss" while Redis is unreachable (see the module docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
