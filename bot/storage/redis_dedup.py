"""Retry de-duplication and replay memory in Redis, shared by every worker process.

Same contracts as `MemoryDeduplicator` and `MemoryReplay` (bot/channels/wechat/dedup.py): the
first arrival of a message runs it; a retry that reaches any worker meanwhile waits for that
result (polling its key), and one that comes later gets the stored result. Keys expire by
themselves (SET ... NX PX), so Redis never needs cleaning.
"""
from __future__ import annotations

import asyncio
import time

import orjson
from redis.asyncio import Redis

_RUNNING = b"\x00running"


class RedisDeduplicator:
    def __init__(self, redis: Redis, ttl_seconds: float = 60, wait_seconds: float = 5.0, prefix: str = "linli:msg:") -> None:
        self.redis, self.ttl_ms, self.wait, self.prefix = redis, int(ttl_seconds * 1000), wait_seconds, prefix
        self.running_ms = max(100, int((wait_seconds - 0.5) * 1000))
        self._pending: set[asyncio.Future] = set()

    async def once(self, key, work):
        name = self.prefix + key
        # the "running" mark expires before waiting retries give up, so a worker that dies while
        # answering leaves nothing stuck: a retry then finds the key gone and answers itself
        if await self.redis.set(name, _RUNNING, nx=True, px=self.running_ms):
            try:
                result = await work()
            except BaseException:
                await asyncio.shield(self.redis.delete(name))  # forgotten, so WeChat's retry can try again
                raise
            # stored without waiting for Redis: the reply goes out now; a retry meanwhile polls
            stored = asyncio.ensure_future(self.redis.set(name, orjson.dumps(result), px=self.ttl_ms))
            self._pending.add(stored)
            stored.add_done_callback(self._pending.discard)
            return result, False
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            value = await self.redis.get(name)
            if value is None:                      # the first attempt failed: this one runs it
                return await self.once(key, work)
            if value != _RUNNING:
                return tuple(orjson.loads(value)), True
            await asyncio.sleep(0.02)
        raise TimeoutError(f"message {key} still running on another worker")


class RedisReplay:
    def __init__(self, redis: Redis, prefix: str = "linli:query:") -> None:
        self.redis, self.prefix = redis, prefix

    is_async = True

    async def first(self, query: str, message: str, ttl: float) -> tuple[str, float] | None:
        # SET NX GET (Redis 7): stores when new and returns what was there, in one round trip
        now = time.time()
        old = await self.redis.set(self.prefix + query, f"{now:.3f} {message}", nx=True, px=int(ttl * 1000), get=True)
        if old is None:
            return None
        born, _, first = old.decode().partition(" ")
        return first, now - float(born)
