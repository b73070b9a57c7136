"""One structured line per message, written in batches.

Formatting a logging.LogRecord and flushing stderr for every message cost more than answering a
greeting, so message lines are JSON-encoded here (orjson: the standard encoder is rebuilt on
every call and cost as much as parsing the message) and handed to the `linli.messages` logger in
batches: at most every `interval` seconds or `batch` lines, and at shutdown. Refusals and errors
still go through logging at once."""
from __future__ import annotations

import asyncio
import logging

import orjson

MESSAGE_LOG = "linli.messages"
logger = logging.getLogger(MESSAGE_LOG)


class AccessLog:
    def __init__(self, interval: float = 0.5, batch: int = 256) -> None:
        self.interval, self.batch = interval, batch
        self._lines: list[bytes] = []
        self._timer: asyncio.TimerHandle | None = None

    def write(self, fields: dict) -> None:
        if not logger.isEnabledFor(logging.INFO):
            return
        self._lines.append(orjson.dumps(fields))
        if len(self._lines) >= self.batch:
            self.flush()
        elif self._timer is None:
            try:
                self._timer = asyncio.get_running_loop().call_later(self.interval, self.flush)
            except RuntimeError:  # no loop (called from a plain thread): write now
                self.flush()

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._lines:
            lines, self._lines = self._lines, []
            logger.info(b"\n".join(lines).decode())
