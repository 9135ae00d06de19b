"""The Redis cache degrades to misses while Redis is down, and comes back by itself."""

import socket
import time

from django.core.cache import cache

import pytest

from config import cache as resilient_cache


@pytest.fixture
def redis_cache(settings):
    def use(url: str, timeout: float = 1) -> None:
        settings.CACHES = {
            "default": {
                "BACKEND": "config.cache.ResilientRedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
            }
        }
        resilient_cache.reset()

    yield use
    resilient_cache.reset()


def test_while_redis_is_down_reads_miss_and_writes_are_dropped_then_it_works_again(
    private_redis, redis_cache
):
    redis_cache(private_redis.url(0))
    cache.set("figure", 42)
    assert cache.get("figure") == 42

    private_redis.stop()
    started = time.monotonic()
    assert cache.get("figure", "missing") == "missing"
    cache.set("figure", 43)
    assert cache.add("other", 1) is False
    assert cache.get_many(["figure"]) == {}
    with pytest.raises(ValueError):  # what django-ratelimit expects of a cache that lost the key
        cache.incr("figure")
    assert time.monotonic() - started < 1

    private_redis.start()
    resilient_cache.reset()  # or wait PAUSE_AFTER_FAILURE seconds
    cache.set("figure", 44)
    assert cache.get("figure") == 44


def test_after_a_failure_the_cache_leaves_a_hanging_redis_alone_for_a_while(redis_cache):
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        redis_cache(f"redis://127.0.0.1:{listener.getsockname()[1]}/0", timeout=0.3)

        started = time.monotonic()
        assert cache.get("a") is None  # waits for the timeout once
        first = time.monotonic() - started
        started = time.monotonic()
        for key in range(20):
            assert cache.get(f"key-{key}") is None
        others = time.monotonic() - started

    assert 0.25 < first < 1
    assert others < 0.1  # not twenty timeouts: the cache is known to be down
