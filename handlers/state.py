"""Per-resident conversation state and the question log, both in the database.

State survives restarts: the community a resident lives in, an open clarifying question
(what was asked and the numbered choices offered), and the unread rest of a long answer.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field

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
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._queued: list[tuple] = []
        self._flushed = time.monotonic()
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
        row = self.db.conn.execute("select community_id, subscribed, pending, more, last_seen from residents "
                                   "where openid = ?", [openid]).fetchone()
        if row is None:
            state = ResidentState(openid)
            state._loaded = None  # type: ignore[attr-defined]
        else:
            state = ResidentState(openid, row[0] or "", row[1] or 0, json.loads(row[2] or "{}"),
                                  json.loads(row[3] or "[]"), row[4] or 0.0)
            state._loaded = (openid, *row)  # type: ignore[attr-defined]  # as stored: compared before writing
        return state

    def save(self, state: ResidentState) -> None:
        """Write when something changed; `last_seen` alone is refreshed at most once a minute."""
        now = time.time()
        if now - state.last_seen > 60:
            state.last_seen = now
        row = (state.openid, state.community_id, state.subscribed, json.dumps(state.pending, ensure_ascii=False),
               json.dumps(state.more, ensure_ascii=False), state.last_seen)
        if row == getattr(state, "_loaded", None):
            return
        with self.db.conn:
            self.db.conn.execute("insert or replace into residents (openid, community_id, subscribed, pending, more, "
                                 "last_seen) values (?, ?, ?, ?, ?, ?)", row)
        state._loaded = row  # type: ignore[attr-defined]

    def log_question(self, openid: str, text: str, intent: str, entities: dict, confidence: float,
                     answered: bool) -> None:
        """Queue a question for the log; written in batches (a commit per question cost more than
        the answer), at the latest after a second or 50 questions, on reading, and at shutdown."""
        self._queued.append((time.time(), hashlib.sha256(openid.encode()).hexdigest()[:12], text[:500], intent,
                             json.dumps(entities, ensure_ascii=False), round(confidence, 3), int(answered)))
        if len(self._queued) >= 50 or time.monotonic() - self._flushed > 1.0:
            self.flush()

    def flush(self) -> None:
        self._flushed = time.monotonic()
        if not self._queued:
            return
        rows, self._queued = self._queued, []
        with self.db.conn:
            self.db.conn.executemany(
                "insert into questions (at, user, text, intent, entities, confidence, answered) values (?, ?, ?, ?, ?, ?, ?)",
                rows)

    def questions(self, limit: int = 50, only_unanswered: bool = True) -> list[dict]:
        self.flush()
        where = "where answered = 0" if only_unanswered else ""
        return list(self.db.query(f"select at, text, intent, confidence, answered from questions {where} "
                                  "order by id desc limit ?", [limit]))
