"""Write-behind for tables written on every message (conversation state, the question log).

A commit per message cost more than answering it, so such writes are queued and committed
together: at most every `seconds`, when a queue reaches `batch` rows, at shutdown, and at once
when no event loop runs (terminal commands). Each owner module queues its own rows and registers
its flush; one timer serves them all, so one transaction commits them together.

Residents' conversation contexts have a WriteBehind of their own, flushed less often
(`storage.context_flush_seconds`): nearly every message rewrites its resident's row, so waiting
longer writes that row once for many messages (the question log gains nothing from waiting)."""
from __future__ import annotations

import asyncio
from typing import Callable

import sqlite_utils


class WriteBehind:
    def __init__(self, db: sqlite_utils.Database, seconds: float = 0.25, batch: int = 500) -> None:
        self.db, self.seconds, self.batch = db, seconds, batch
        self._writers: list[Callable[[], None]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None

    def register(self, write: Callable[[], None]) -> None:
        """`write()` executes the owner's queued statements (inside the shared transaction)."""
        self._writers.append(write)

    def queued(self, size: int) -> None:
        """An owner queued a row and now holds `size`: flush now or make sure a flush is due."""
        if size < self.batch and self._timer_loop is not None and self._timer_loop.is_running():
            return  # a flush is already due
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or size >= self.batch:
            self.flush()
        elif self._timer is None or self._timer_loop is not loop:
            self._timer, self._timer_loop = loop.call_later(self.seconds, self.flush), loop

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = self._timer_loop = None
        with self.db.conn:
            for write in self._writers:
                write()
