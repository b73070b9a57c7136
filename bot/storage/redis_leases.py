"""Outbox leases in Redis, shared by every delivery worker (`storage.redis_url`).

A claim is `SET linli:lease:<row id> <owner> NX PX <lease>` followed by the row's own claim in
the database (`state = 'claimed'`); the key goes first, so a crash between the two leaves a
pending row that nobody takes until the key expires, never a claimed row without a lease. Only
the owner renews or deletes its keys (a Lua script compares the owner first), and it deletes them
after the row's state is recorded. `reconcile` settles claimed rows whose key is gone: their
worker died. A row is settled only if it is still the same claim (same `claimed_at`), so a row
released and claimed again meanwhile is left alone.
"""
from __future__ import annotations

from redis.asyncio import Redis

from bot.announcements.outbox import Outbox, Row

# KEYS: leases; ARGV[1]: owner, ARGV[2]: milliseconds. Only the owner's own keys are touched.
_RENEW = """local n = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('PEXPIRE', key, ARGV[2]); n = n + 1 end
end
return n"""
_RELEASE = """local n = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key); n = n + 1 end
end
return n"""


class RedisLeases:
    def __init__(self, redis: Redis, outbox: Outbox, owner: str, seconds: float, prefix: str = "linli:lease:") -> None:
        self.redis, self.outbox, self.owner, self.prefix = redis, outbox, owner, prefix
        self.ms = max(1, int(seconds * 1000))
        self.held: set[int] = set()
        self._renew, self._release = redis.register_script(_RENEW), redis.register_script(_RELEASE)

    def _key(self, row_id: int) -> str:
        return f"{self.prefix}{row_id}"

    async def claim(self, row: Row, channel: str) -> bool:
        if not await self.redis.set(self._key(row.id), self.owner, nx=True, px=self.ms):
            return False
        if self.outbox.claim(row, channel, self.owner, None):
            self.held.add(row.id)
            return True
        await self._release(keys=[self._key(row.id)], args=[self.owner])   # the row was no longer pending
        return False

    async def settled(self, rows: list[Row]) -> None:
        ids = [r.id for r in rows if r.id in self.held]
        if ids:
            self.held.difference_update(ids)
            await self._release(keys=[self._key(i) for i in ids], args=[self.owner])

    async def renew(self) -> None:
        if self.held:
            await self._renew(keys=[self._key(i) for i in self.held], args=[self.owner, self.ms])

    async def reconcile(self) -> dict[str, int]:
        claims = self.outbox.claims()
        if not claims:
            return {"resent_with_dedup_key": 0, "uncertain": 0}
        leases = await self.redis.mget([self._key(i) for i, _ in claims])
        return self.outbox.reconcile(claims=[c for c, lease in zip(claims, leases) if lease is None])
