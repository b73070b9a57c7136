"""Recognising WeChat's retries so a message is processed once.

WeChat retries a message it got no answer to within 5 s, up to three times, with the same
MsgId (events: same FromUserName + CreateTime). The key is openid + CreateTime + MsgId, since
MsgIds have been seen to collide across users; an event's key also holds its Event and
EventKey, since two events of one resident (a scan and a menu click) can share a second. A retry that arrives while the first is still
being handled awaits the same result; one that arrives later gets the stored result.

`Deduplicator` is the small interface; `MemoryDeduplicator` is bounded in entries and time.
With several worker processes this is `bot.storage.redis_dedup.RedisDeduplicator` (SET NX with a
TTL plus a result key), another implementation of `once`.

`ReplayMemory` remembers each signed query (timestamp, nonce, signature) for the whole window
in which its timestamp is accepted, so a captured request cannot be replayed once the retry
memory has forgotten it, nor its signed query reused with another body.
"""
from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Awaitable, Callable, Protocol, TypeVar

T = TypeVar("T")


def message_key(openid: str, create_time: str | int, msg_id: str, event: str = "", event_key: str = "") -> str:
    return f"{openid}|{create_time}|{msg_id}" if msg_id else f"{openid}|{create_time}|event:{event}|{event_key}"


class Deduplicator(Protocol):
    async def once(self, key: str, work: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """Run `work` for the first arrival of `key`; later arrivals get its result. Returns
        (result, was_duplicate)."""


_RUNNING = object()


class _Entry:
    """One message: when it arrived, its result once known, retries waiting for it meanwhile."""
    __slots__ = ("born", "result", "waiters")

    def __init__(self, born: float) -> None:
        self.born, self.result, self.waiters = born, _RUNNING, None


SWEEP_SECONDS = 1.0   # expired entries are swept at most this often; lookups check age themselves


class MemoryDeduplicator:
    """In-process de-duplication. A retry waiting for a message in flight gets a Future of its
    own (cancelling one retry cancels nothing else); a message answered without waiting, as most
    are, costs no Future at all. Expired entries are swept once a second, not per message (a
    found entry's age is checked anyway), so a message costs one dict lookup and one insert."""

    def __init__(self, ttl_seconds: float = 60, max_entries: int = 50000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.max_entries, self.clock = ttl_seconds, max_entries, clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._sweep_at = float("-inf")

    def __len__(self) -> int:
        return len(self._entries)

    def _evict(self, now: float) -> None:
        """Full, the oldest goes (one in, one out: at a steady rate one pop per message); once a
        second, the expired ones go."""
        entries = self._entries
        while len(entries) > self.max_entries:
            entries.popitem(last=False)
        if now < self._sweep_at:
            return
        self._sweep_at = now + SWEEP_SECONDS
        while entries:
            oldest = next(iter(entries.values()))
            if now - oldest.born > self.ttl and oldest.result is not _RUNNING:
                entries.popitem(last=False)
            else:
                break

    async def once(self, key, work):
        now = self.clock()
        if now >= self._sweep_at or len(self._entries) > self.max_entries:   # (_evict's own tests, ahead of the call)
            self._evict(now)
        entry = self._entries.get(key)
        if entry is not None:
            if entry.result is _RUNNING:
                waiter = asyncio.get_running_loop().create_future()
                if entry.waiters is None:
                    entry.waiters = []
                entry.waiters.append(waiter)
                return await waiter, True
            if now - entry.born <= self.ttl:
                return entry.result, True
            del self._entries[key]          # expired, not yet swept: it goes to the end as new
        entry = self._entries[key] = _Entry(now)
        try:
            result = await work()
        except BaseException as exc:
            # a failed attempt is forgotten so WeChat's retry can try again
            if self._entries.get(key) is entry:
                del self._entries[key]
            for waiter in entry.waiters or ():
                if not waiter.done():
                    waiter.set_exception(exc)
            raise
        entry.result = result
        for waiter in entry.waiters or ():
            if not waiter.done():
                waiter.set_result(result)
        return result, False


class ReplayMemory(Protocol):
    is_async: bool     # False: `seen` answers at once (no await: a coroutine per message saved)

    async def first(self, query: str, message: str, ttl: float) -> tuple[str, float] | None:
        """Remember that signed `query` carried `message` (for `ttl` seconds); None when the query
        is new, else (the message key it carried the first time, seconds since then)."""

    def seen(self, query: str, message: str, ttl: float) -> tuple[str, float] | None:
        """`first`, for a memory that need not be awaited."""


class MemoryReplay:
    """In-process replay memory, bounded in entries (the oldest go first) and time."""

    def __init__(self, max_entries: int = 300000, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_entries, self.clock = max_entries, clock
        self._seen: OrderedDict[str, tuple[float, str, float]] = OrderedDict()
        self._sweep_at = float("-inf")

    is_async = False

    async def first(self, query: str, message: str, ttl: float) -> tuple[str, float] | None:
        return self.seen(query, message, ttl)

    def seen(self, query: str, message: str, ttl: float) -> tuple[str, float] | None:
        now, seen = self.clock(), self._seen
        while len(seen) >= self.max_entries:       # full: the oldest goes, one for one
            seen.popitem(last=False)
        if now >= self._sweep_at:                  # expired ones swept once a second, as above
            self._sweep_at = now + SWEEP_SECONDS
            while seen and next(iter(seen.values()))[0] < now:
                seen.popitem(last=False)
        found = seen.get(query)
        if found is not None:
            if found[0] >= now:
                return found[1], now - found[2]
            del seen[query]                 # expired, not yet swept: it goes to the end as new
        seen[query] = (now + ttl, message, now)
        return None
