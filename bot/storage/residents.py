"""The residents table: who follows the account, which community they live in, and their
conversation context (open flows and the last topic, see bot/conversation/context.py).

`ResidentStates` is the interface handlers rely on; `SQLiteResidents` is the embedded
implementation; `RedisResidents` (redis_residents.py) keeps the conversation context in Redis for
several workers, with the same methods as coroutines (`is_async`)."""
from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import dataclass, field
from typing import Callable, Protocol, TypeVar

import sqlite_utils
from sqlite_utils import Migrations

from bot.conversation.context import ConversationContext
from bot.storage.batch import WriteBehind

MIGRATIONS = Migrations("residents")
T = TypeVar("T")


@MIGRATIONS()
def m001_residents(db: sqlite_utils.Database) -> None:
    if not db["residents"].exists():
        db["residents"].create({"openid": str, "community_id": str, "subscribed": int, "pending": str,
                                "more": str, "last_seen": float}, pk="openid")


@MIGRATIONS()
def m002_conversation_context(db: sqlite_utils.Database) -> None:
    """One JSON column for every flow's state and the last topic, instead of one shared
    `pending` slot and a `more` list (open questions are short-lived: not carried over)."""
    db["residents"].add_column("context", str)
    db["residents"].transform(drop={"pending", "more"})


@dataclass(slots=True)
class ResidentState:
    openid: str
    community_id: str = ""                  # the community the resident lives in ("" unknown)
    subscribed: int = 0
    context: ConversationContext = field(default_factory=ConversationContext)
    last_seen: float = 0.0
    stored: tuple | None = field(default=None, repr=False, compare=False)  # the row as stored, to skip unchanged writes


class ResidentStates(Protocol):
    is_async: bool      # True: get, save and save_with are coroutines (a shared store)

    def get(self, openid: str) -> ResidentState: ...
    def save(self, state: ResidentState) -> None: ...
    def save_with(self, state: ResidentState, effect: Callable[[], T]) -> T: ...
    def forget(self, openid: str | None = None) -> None: ...
    def flush(self) -> None: ...


class SQLiteResidents:
    """Resident state in the database, written without a commit per message.

    What must never be lost is written at once: the community a resident lives in and whether
    they follow the account. The conversation context and `last_seen` are written behind
    (`WriteBehind`); until then `get` reads them from memory, so a crash loses at most that
    fraction of a second of conversation, never a resident's community. Batched rows touch only
    their own columns, so they never overwrite a change made elsewhere (an unsubscribe noticed by
    the delivery worker).

    Residents seen lately are also kept in memory (`cache_entries`, oldest dropped first): reading
    a row cost a fifth of answering. That is right while one process serves the database; when
    several do, set `cache_entries` to 0 and every message reads the row."""

    is_async = False

    def __init__(self, db: sqlite_utils.Database, writes: WriteBehind, cache_entries: int = 100000) -> None:
        self.db, self.writes, self.cache_entries = db, writes, cache_entries
        self._dirty: dict[str, tuple] = {}     # openid -> row, conversational columns not yet written
        self._known: dict[str, tuple | None] = {}  # openid -> row as written (None: no row), when cached
        MIGRATIONS.apply(db)
        writes.register(self._write_dirty)

    # The hot path uses plain statements: sqlite-utils' upsert introspects the table on every call.
    def get(self, openid: str) -> ResidentState:
        row = self._dirty.get(openid) or self._known.get(openid, _UNKNOWN)
        if row is _UNKNOWN:
            found = self.db.conn.execute(_SELECT, (openid,)).fetchone()
            row = (openid, *found) if found is not None else None
            self._remember(openid, row)
        if row is None:
            return ResidentState(openid)
        return ResidentState(openid, row[1] or "", row[2] or 0, ConversationContext.loads(row[3]), row[4] or 0.0, row)

    def save(self, state: ResidentState) -> None:
        """Write when something changed; `last_seen` alone is refreshed at most once a minute."""
        now = time.time()
        if now - state.last_seen > 60:
            state.last_seen = now
        row = _row(state)
        loaded = state.stored
        if row == loaded:
            return
        if (row[1], row[2]) != ((loaded[1] or "", loaded[2] or 0) if loaded else ("", 0)):
            with self.db.conn:
                self._write_now(state, row)
            return
        state.stored = row
        self._dirty[state.openid] = row
        self.writes.queued(len(self._dirty))

    def save_with(self, state: ResidentState, effect: Callable[[], T]) -> T:
        """Run `effect()` and write `state` in one transaction: a flow's step change and its effect
        (an announcement created on 确认) commit together, so a crash leaves both or neither and a
        retried message finds the flow already moved on. `effect` must write through `db.atomic()`."""
        with self.db.atomic():
            result = effect()
            self._write_now(state, _row(state))
        return result

    def _write_now(self, state: ResidentState, row: tuple) -> None:
        self._dirty.pop(state.openid, None)
        self.db.conn.execute(_UPSERT_ALL, row)
        state.stored = row
        self._remember(state.openid, row)

    def _remember(self, openid: str, row: tuple | None) -> None:
        if not self.cache_entries:
            return
        known = self._known
        known.pop(openid, None)
        if len(known) >= self.cache_entries:
            del known[next(iter(known))]
        known[openid] = row

    def forget(self, openid: str | None = None) -> None:
        """Drop what is kept in memory of a resident (everyone: None) after a change made to the
        table directly; the next message reads the row again."""
        self.flush()
        if openid is None:
            self._known.clear()
        else:
            self._known.pop(openid, None)

    def flush(self) -> None:
        self.writes.flush()

    def _write_dirty(self) -> None:
        if not self._dirty:
            return
        dirty, self._dirty = self._dirty, {}
        for openid, row in dirty.items():
            self._remember(openid, row)
        self.db.conn.executemany(_UPSERT_CONVERSATION, list(dirty.values()))


def _row(state: ResidentState) -> tuple:
    return (state.openid, state.community_id, state.subscribed, state.context.dumps(), state.last_seen)


_UNKNOWN = object()
_SELECT = "select community_id, subscribed, context, last_seen from residents where openid = ?"
_INSERT = "insert into residents (openid, community_id, subscribed, context, last_seen) values (?, ?, ?, ?, ?) "
_UPSERT_ALL = _INSERT + ("on conflict(openid) do update set community_id = excluded.community_id, subscribed = "
                         "excluded.subscribed, context = excluded.context, last_seen = excluded.last_seen")
_UPSERT_CONVERSATION = _INSERT + "on conflict(openid) do update set context = excluded.context, last_seen = excluded.last_seen"


@functools.lru_cache(maxsize=65536)
def openid_hash(openid: str) -> str:
    """Residents are logged by a hash of their openid, never the openid itself."""
    return hashlib.sha256(openid.encode()).hexdigest()[:12]
