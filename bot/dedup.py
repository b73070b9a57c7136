"""Recognising WeChat's retries so a message is processed once.

WeChat retries a message it got no answer to within 5 s, up to three times, with the same
MsgId (events: same FromUserName + CreateTime). The key is openid + CreateTime + MsgId, since
MsgIds have been seen to collide across users. A retry that arrives while the first is still
being handled awaits the same result; one that arrives later gets the stored result.

`Deduplicator` is the small interface; `MemoryDeduplicator` is bounded in entries and time.
Scaling out to several worker processes means putting this behind shared storage (e.g. Redis
SET NX with a TTL plus a result key), which only needs another implementation of `once`.
"""
from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Awaitable, Callable, Protocol, TypeVar

T = TypeVar("T")


def message_key(openid: str, create_time: str | int, msg_id: str, event: str = "") -> str:
    return f"{openid}|{create_time}|{msg_id or 'event:' + event}"


class Deduplicator(Protocol):
    async def once(self, key: str, work: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """Run `work` for the first arrival of `key`; later arrivals get its result. Returns
        (result, was_duplicate)."""


class MemoryDeduplicator:
    def __init__(self, ttl_seconds: float = 60, max_entries: int = 50000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.max_entries, self.clock = ttl_seconds, max_entries, clock
        self._entries: OrderedDict[str, tuple[float, asyncio.Future]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def _evict(self, now: float) -> None:
        entries = self._entries
        while entries:
            key, (born, fut) = next(iter(entries.items()))
            if len(entries) > self.max_entries or (now - born > self.ttl and fut.done()):
                entries.popitem(last=False)
            else:
                break

    async def once(self, key, work):
        now = self.clock()
        self._evict(now)
        found = self._entries.get(key)
        if found is not None and (now - found[0] <= self.ttl or not found[1].done()):
            return await asyncio.shield(found[1]), True
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self._entries[key] = (now, fut)
        try:
            result = await work()
        except BaseException as exc:
            # a failed attempt is forgotten so WeChat's retry can try again
            self._entries.pop(key, None)
            fut.set_exception(exc)
            fut.exception()  # mark retrieved: waiters re-raise it, nobody else must
            raise
        fut.set_result(result)
        return result, False
