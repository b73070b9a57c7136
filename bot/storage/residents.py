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


@dataclass(slots=True)
class ResidentState:
    openid: str
    community_id: str = ""
    subscribed: int = 0
    pending: dict = field(default_factory=dict)     # {"question": str, "choices": [ids], "kind": str}
    more: list = field(default_factory=list)        # remaining pages of the last long answer
    last_seen: float = 0.0
    stored: tuple | None = field(default=None, repr=False, compare=False)  # the row as stored, to skip unchanged writes


class StateStore:
    """Resident state and the question log in the database, written without a commit per message.

    What must never be lost is written at once: the community a resident lives in and whether
    they follow the account. The conversational rest (an open clarifying question, the unread
    rest of a long answer, when they were last seen) and the question log are written in batches
    every `flush_seconds` (or at `batch` rows, and at shutdown); until then `get` reads them from
    memory. So a crash loses at most that fraction of a second of conversation, never a
    resident's community. Batched rows only touch their own columns, so they never overwrite a
    change made elsewhere (e.g. an unsubscribe noticed by the delivery worker).

    Residents seen lately are also kept in memory (`cache_entries`, oldest dropped first), so a
    conversation reads the database once, not per message: reading a row cost a fifth of
    answering. That is right while one process serves the database (`make run`, `serve`). When
    several processes serve one database, set `cache_entries` to 0: every message then reads
    the row, and another process sees a conversational change at most `flush_seconds` later,
    well below how fast people type."""

    def __init__(self, db: sqlite_utils.Database, flush_seconds: float = 0.25, batch: int = 500,
                 cache_entries: int = 100000) -> None:
        self.db, self.flush_seconds, self.batch, self.cache_entries = db, flush_seconds, batch, cache_entries
        self._questions: list[tuple] = []
        self._dirty: dict[str, tuple] = {}     # openid -> row, conversational columns not yet written
        self._known: dict[str, tuple | None] = {}  # openid -> row as written (None: no row), when cached
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None
        if not db["residents"].exists():
            db["residents"].create({"openid": str, "community_id": str, "subscribed": int, "pending": str,
                                    "more": str, "last_seen": float}, pk="openid")
        if not db["questions"].exists():
            db["questions"].create({"id": int, "at": float, "user": str, "text": str, "intent": str,
                                    "entities": str, "confidence": float, "answered": int}, pk="id")
        # operators look for the unanswered ones: a partial index holds only those, so logging
        # an answered question (most of them) writes no index entry
        db.execute("drop index if exists idx_questions_answered")
        db.execute("create index if not exists questions_unanswered on questions (id) where answered = 0")

    # The hot path uses plain statements on the connection: sqlite-utils' upsert introspects the
    # table on every call, which costs more than the whole answer.
    def get(self, openid: str) -> ResidentState:
        row = self._dirty.get(openid) or self._known.get(openid, _UNKNOWN)
        if row is _UNKNOWN:
            found = self.db.conn.execute(_SELECT, (openid,)).fetchone()
            row = (openid, *found) if found is not None else None
            self._remember(openid, row)
        if row is None:
            return ResidentState(openid)
        return ResidentState(openid, row[1] or "", row[2] or 0, _load(row[3], dict), _load(row[4], list), row[5] or 0.0,
                             row)

    def save(self, state: ResidentState) -> None:
        """Write when something changed; `last_seen` alone is refreshed at most once a minute."""
        now = time.time()
        if now - state.last_seen > 60:
            state.last_seen = now
        row = (state.openid, state.community_id, state.subscribed, _dump(state.pending, "{}"),
               _dump(state.more, "[]"), state.last_seen)
        loaded = state.stored
        if row == loaded:
            return
        state.stored = row
        if (row[1], row[2]) != ((loaded[1] or "", loaded[2] or 0) if loaded else ("", 0)):
            self._dirty.pop(state.openid, None)
            with self.db.conn:
                self.db.conn.execute(_UPSERT_ALL, row)
            self._remember(state.openid, row)
            return
        self._dirty[state.openid] = row
        self._later(len(self._dirty))

    def _remember(self, openid: str, row: tuple | None) -> None:
        if not self.cache_entries:
            return
        known = self._known
        known.pop(openid, None)
        if len(known) >= self.cache_entries:
            del known[next(iter(known))]
        known[openid] = row

    def forget(self, openid: str | None = None) -> None:
        """Drop what is kept in memory of a resident (all residents: None), after a change made
        to the table directly; the next message reads the row again."""
        self.flush()
        if openid is None:
            self._known.clear()
        else:
            self._known.pop(openid, None)

    def log_question(self, openid: str, text: str, intent: str, entities: dict | str, confidence: float,
                     answered: bool) -> None:
        """Queue a question for the operators' log (written with the next batch); `entities` may
        come already JSON-encoded (cached answers carry it so)."""
        if not isinstance(entities, str):
            entities = orjson.dumps(entities).decode()
        self._questions.append((time.time(), openid_hash(openid), text[:500], intent, entities,
                                round(confidence, 3), int(answered)))
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
        dirty, self._dirty = self._dirty, {}
        states = list(dirty.values())
        for openid, row in dirty.items():
            self._remember(openid, row)
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


_UNKNOWN = object()
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
