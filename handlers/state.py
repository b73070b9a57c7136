"""Per-resident conversation state and the question log, both in the database.

State survives restarts: the community a resident lives in, an open clarifying question
(what was asked and the numbered choices offered), and the unread rest of a long answer.
"""
from __future__ import annotations

import asyncio
import functools
import hashlib
import time
from dataclasses import dataclass, field

import orjson
import sqlite_utils


@dataclass
class ResidentState:
    openid: str
    community_id: str = ""
    subscribed: int = 0
    pending: dict = field(default_factory=dict)     # {"question": str, "choices": [ids], "kind": str}
    more: list = field(default_factory=list)        # remaining pages of the last long answer
    last_seen: float = 0.0


class StateStore:
    """Resident state and the question log in the database, written without a commit per message.

    What must never be lost is written at once: the community a resident lives in and whether
    they follow the account. The conversational rest (an open clarifying question, the unread
    rest of a long answer, when they were last seen) and the question log are written in batches
    every `flush_seconds` (or at `batch` rows, and at shutdown); until then `get` reads them from
    memory. So a crash loses at most that fraction of a second of conversation, never a
    resident's community; with several worker processes another worker may see such a change
    that much later, well below how fast people type. Batched rows only touch their own
    columns, so they never overwrite a change made elsewhere (e.g. an unsubscribe noticed by
    the delivery worker)."""

    def __init__(self, db: sqlite_utils.Database, flush_seconds: float = 0.25, batch: int = 500) -> None:
        self.db, self.flush_seconds, self.batch = db, flush_seconds, batch
        self._questions: list[tuple] = []
        self._dirty: dict[str, tuple] = {}     # openid -> row, conversational columns not yet written
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None
        if not db["residents"].exists():
            db["residents"].create({"openid": str, "community_id": str, "subscribed": int, "pending": str,
                                    "more": str, "last_seen": float}, pk="openid")
        if not db["questions"].exists():
            db["questions"].create({"id": int, "at": float, "user": str, "text": str, "intent": str,
                                    "entities": str, "confidence": float, "answered": int}, pk="id")
            db["questions"].create_index(["answered"])

    # The hot path uses plain statements on the connection: sqlite-utils' upsert introspects the
    # table on every call, which costs more than the whole answer.
    def get(self, openid: str) -> ResidentState:
        row = self._dirty.get(openid)
        if row is None:
            found = self.db.conn.execute(_SELECT, (openid,)).fetchone()
            if found is None:
                state = ResidentState(openid)
                state._loaded = None  # type: ignore[attr-defined]
                return state
            row = (openid, *found)
        state = ResidentState(openid, row[1] or "", row[2] or 0, _load(row[3], dict), _load(row[4], list), row[5] or 0.0)
        state._loaded = row  # type: ignore[attr-defined]  # as stored: compared before writing
        return state

    def save(self, state: ResidentState) -> None:
        """Write when something changed; `last_seen` alone is refreshed at most once a minute."""
        now = time.time()
        if now - state.last_seen > 60:
            state.last_seen = now
        row = (state.openid, state.community_id, state.subscribed, _dump(state.pending, "{}"),
               _dump(state.more, "[]"), state.last_seen)
        loaded = getattr(state, "_loaded", None)
        if row == loaded:
            return
        state._loaded = row  # type: ignore[attr-defined]
        if (row[1], row[2]) != ((loaded[1] or "", loaded[2] or 0) if loaded else ("", 0)):
            self._dirty.pop(state.openid, None)
            with self.db.conn:
                self.db.conn.execute(_UPSERT_ALL, row)
            return
        self._dirty[state.openid] = row
        self._later(len(self._dirty))

    def log_question(self, openid: str, text: str, intent: str, entities: dict, confidence: float,
                     answered: bool) -> None:
        """Queue a question for the operators' log (written with the next batch)."""
        self._questions.append((time.time(), openid_hash(openid), text[:500], intent,
                                orjson.dumps(entities).decode(), round(confidence, 3), int(answered)))
        self._later(len(self._questions))

    def _later(self, queued: int) -> None:
        """Flush now when the batch is full or no event loop runs (terminal commands); else within
        `flush_seconds` (one timer per batch, on the loop that is running)."""
        if queued < self.batch and self._timer_loop is not None and self._timer_loop.is_running():
            return  # a flush is already due
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or queued >= self.batch:
            self.flush()
        elif self._timer is None or self._timer_loop is not loop:
            self._timer, self._timer_loop = loop.call_later(self.flush_seconds, self.flush), loop

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = self._timer_loop = None
        if not self._questions and not self._dirty:
            return
        rows, self._questions = self._questions, []
        states, self._dirty = list(self._dirty.values()), {}
        with self.db.conn:
            if rows:
                self.db.conn.executemany(
                    "insert into questions (at, user, text, intent, entities, confidence, answered) "
                    "values (?, ?, ?, ?, ?, ?, ?)", rows)
            if states:
                self.db.conn.executemany(_UPSERT_CONVERSATION, states)

    def questions(self, limit: int = 50, only_unanswered: bool = True) -> list[dict]:
        self.flush()
        where = "where answered = 0" if only_unanswered else ""
        return list(self.db.query(f"select at, text, intent, confidence, answered from questions {where} "
                                  "order by id desc limit ?", [limit]))


_SELECT = "select community_id, subscribed, pending, more, last_seen from residents where openid = ?"
_INSERT = "insert into residents (openid, community_id, subscribed, pending, more, last_seen) values (?, ?, ?, ?, ?, ?) "
_UPSERT_ALL = _INSERT + ("on conflict(openid) do update set community_id = excluded.community_id, subscribed = "
                         "excluded.subscribed, pending = excluded.pending, more = excluded.more, last_seen = excluded.last_seen")
_UPSERT_CONVERSATION = _INSERT + ("on conflict(openid) do update set pending = excluded.pending, more = excluded.more, "
                                  "last_seen = excluded.last_seen")


def _dump(value, empty: str) -> str:
    return orjson.dumps(value).decode() if value else empty


def _load(text: str | None, kind: type):
    return orjson.loads(text) if text and len(text) > 2 else kind()


@functools.lru_cache(maxsize=65536)
def openid_hash(openid: str) -> str:
    """Residents are logged by a hash of their openid, never the openid itself."""
    return hashlib.sha256(openid.encode()).hexdigest()[:12]
