"""Per-resident conversation state and the question log, both in the database.

State survives restarts: the community a resident lives in, an open clarifying question
(what was asked and the numbered choices offered), and the unread rest of a long answer.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field

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
        if not db["residents"].exists():
            db["residents"].create({"openid": str, "community_id": str, "subscribed": int, "pending": str,
                                    "more": str, "last_seen": float}, pk="openid")
        if not db["questions"].exists():
            db["questions"].create({"id": int, "at": float, "user": str, "text": str, "intent": str,
                                    "entities": str, "confidence": float, "answered": int}, pk="id")
            db["questions"].create_index(["answered"])

    def get(self, openid: str) -> ResidentState:
        row = self.db.execute("select community_id, subscribed, pending, more, last_seen from residents "
                              "where openid = ?", [openid]).fetchone()
        if row is None:
            return ResidentState(openid)
        return ResidentState(openid, row[0] or "", row[1] or 0, json.loads(row[2] or "{}"),
                             json.loads(row[3] or "[]"), row[4] or 0.0)

    def save(self, state: ResidentState) -> None:
        state.last_seen = time.time()
        row = asdict(state)
        row["pending"] = json.dumps(state.pending, ensure_ascii=False)
        row["more"] = json.dumps(state.more, ensure_ascii=False)
        self.db["residents"].upsert(row, pk="openid")

    def log_question(self, openid: str, text: str, intent: str, entities: dict, confidence: float,
                     answered: bool) -> None:
        self.db["questions"].insert({
            "at": time.time(), "user": hashlib.sha256(openid.encode()).hexdigest()[:12], "text": text[:500],
            "intent": intent, "entities": json.dumps(entities, ensure_ascii=False),
            "confidence": round(confidence, 3), "answered": int(answered)})

    def questions(self, limit: int = 50, only_unanswered: bool = True) -> list[dict]:
        where = "where answered = 0" if only_unanswered else ""
        return list(self.db.query(f"select at, text, intent, confidence, answered from questions {where} "
                                  "order by id desc limit ?", [limit]))
