"""Resident state split between SQLite and Redis, for several worker processes.

What must never be lost stays in SQLite and is written at once, as in `SQLiteResidents`: the
community a resident lives in and whether they follow the account (`last_seen` too, written
behind). The conversation context (open flows and the last topic) lives in Redis, one key per
resident (`linli:ctx:<openid>`, the JSON of `ConversationContext.dumps()`), written before the
reply goes out, so the next message continues the flow on whichever worker it reaches. The key
expires `storage.context_ttl_seconds` after the last change (never before an open flow does); the
SQLite `context` column is left empty.

A flow's step change and its effect cannot commit in one transaction across SQLite and Redis, so
`save_with` runs the effect (committed in SQLite with the resident's row) and then writes the
context: a crash in between leaves the flow at its old step, and the effect must be idempotent
(an announcement remembers the id of the draft it was made from, so a retried 确认 finds it).
"""
from __future__ import annotations

import time
from typing import Callable, TypeVar

from redis.asyncio import Redis

from bot.conversation.context import ConversationContext
from bot.storage.residents import ResidentState, SQLiteResidents

T = TypeVar("T")


class RedisResidents:
    is_async = True     # the dispatcher awaits get/save/save_with (checked once per message)

    def __init__(self, durable: SQLiteResidents, redis: Redis, ttl_seconds: float = 86400,
                 prefix: str = "linli:ctx:") -> None:
        self.durable, self.redis, self.ttl, self.prefix = durable, redis, ttl_seconds, prefix
        self._loaded: dict[str, str] = {}     # openid -> its context as last read, to skip unchanged writes

    async def get(self, openid: str) -> ResidentState:
        state = self.durable.get(openid)
        raw = await self.redis.get(self.prefix + openid)
        text = raw.decode() if raw else ""
        state.context = ConversationContext.loads(text)
        if len(self._loaded) > 10000:       # reads whose save never came (a handler failed)
            self._loaded.clear()
        self._loaded[openid] = text
        return state

    async def save(self, state: ResidentState) -> None:
        self._durable(state, self.durable.save)      # first: a binding stays even if Redis fails now
        await self._write_context(state)

    async def save_with(self, state: ResidentState, effect: Callable[[], T]) -> T:
        """`effect()` and the resident's row commit in SQLite first, then the context is written."""
        result = self._durable(state, lambda durable: self.durable.save_with(durable, effect))
        await self._write_context(state)
        return result

    async def _write_context(self, state: ResidentState) -> None:
        text = state.context.dumps()
        if self._loaded.pop(state.openid, None) == text:
            return
        name = self.prefix + state.openid
        if not text:
            await self.redis.delete(name)
            return
        longest = max((f.expires for f in state.context.flows.values()), default=0.0) - time.time()
        await self.redis.set(name, text, px=int(max(self.ttl, longest) * 1000))

    @staticmethod
    def _durable(state: ResidentState, save: Callable[[ResidentState], T]) -> T:
        """`save` the state as SQLite keeps it: without the conversation context."""
        durable = ResidentState(state.openid, state.community_id, state.subscribed, _NO_CONTEXT, state.last_seen,
                                state.stored)
        result = save(durable)
        state.last_seen, state.stored = durable.last_seen, durable.stored
        return result

    def forget(self, openid: str | None = None) -> None:
        self.durable.forget(openid)

    def flush(self) -> None:
        self.durable.flush()


_NO_CONTEXT = ConversationContext()     # only ever dumped (to "")
