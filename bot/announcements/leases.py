"""Who holds a claimed outbox row, and until when: the delivery worker's leases.

A worker claims a row before calling WeChat, renews its leases while it lives, and lets go once
the row's state is recorded (sent, retry, failed, uncertain). `reconcile` settles rows whose lease
is gone (their worker died) by the crash rule in outbox.py. Two homes for the leases, the same
contract:
  DatabaseLeases  in the outbox rows themselves (owner, lease_until): the embedded default
  RedisLeases     a key per claimed row in Redis (bot/storage/redis_leases.py), with
                  `storage.redis_url`: renewals never write to the database
The row's state stays in the database either way.
"""
from __future__ import annotations

import os
import socket
import uuid
from typing import Protocol

from bot.announcements.outbox import Outbox, Row


def worker_name() -> str:
    """Host, process and a random part: unique per delivery worker, readable in the outbox."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class RowLeases(Protocol):
    owner: str

    async def claim(self, row: Row, channel: str) -> bool: ...
    async def settled(self, rows: list[Row]) -> None: ...
    async def renew(self) -> None: ...
    async def reconcile(self) -> dict[str, int]: ...


class DatabaseLeases:
    def __init__(self, outbox: Outbox, owner: str, seconds: float) -> None:
        self.outbox, self.owner, self.seconds = outbox, owner, seconds

    async def claim(self, row: Row, channel: str) -> bool:
        return self.outbox.claim(row, channel, self.owner, self.seconds)

    async def settled(self, rows: list[Row]) -> None:
        """Nothing to do: recording the row's state cleared its owner."""

    async def renew(self) -> None:
        self.outbox.renew(self.owner, self.seconds)

    async def reconcile(self) -> dict[str, int]:
        return self.outbox.reconcile()
