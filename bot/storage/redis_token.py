"""The access token and the delivery rate limit in Redis, shared by every worker process.

`RedisTokenStore` has the `TokenStore` interface (bot/channels/wechat/client.py) with a lock
across processes, so when the token runs out one worker fetches it (from `stable_token`) and
the others wait and read it. `RedisRateLimit` keeps all workers together under the account's
`delivery.rate_per_second` (a counter per second).
"""
from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager

from redis.asyncio import Redis


class RedisTokenStore:
    def __init__(self, redis: Redis, prefix: str = "linli:token:") -> None:
        self.redis, self.prefix = redis, prefix

    async def get(self, app_id: str) -> tuple[str, float] | None:
        found = await self.redis.hmget(self.prefix + app_id, "token", "expires_at")
        if not found[0]:
            return None
        return found[0].decode(), float(found[1])

    async def put(self, app_id: str, token: str, expires_at: float) -> None:
        name = self.prefix + app_id
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(name, mapping={"token": token, "expires_at": expires_at})
            pipe.expireat(name, int(expires_at))
            await pipe.execute()

    @asynccontextmanager
    async def lock(self, app_id: str):
        """Held while one worker fetches a token; expires by itself should that worker die."""
        async with self.redis.lock(self.prefix + app_id + ":lock", timeout=30, blocking_timeout=40):
            yield


class RedisRateLimit:
    def __init__(self, redis: Redis, rate: float, account: str, prefix: str = "linli:rate:") -> None:
        self.redis, self.rate, self.prefix = redis, max(1, int(rate)), prefix + account + ":"

    async def acquire(self) -> None:
        while True:
            now = time.time()
            name = f"{self.prefix}{int(now)}"
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, 2)
                count, _ = await pipe.execute()
            if count <= self.rate:
                return
            await asyncio.sleep(1 - (now % 1) + 0.001)
