"""Every change made in the console (owner of the `admin_audit` table): who, when, what, before, after."""
from __future__ import annotations

import json
import time

import sqlite_utils


class Audit:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.table = db["admin_audit"]
        if not self.table.exists():
            self.table.create({"id": int, "at": float, "who": str, "action": str, "entity": str,
                               "before": str, "after": str}, pk="id")
            self.table.create_index(["entity"])

    def record(self, who: str, action: str, entity: str, before=None, after=None) -> None:
        dump = lambda v: None if v is None else json.dumps(v, ensure_ascii=False, default=str)  # noqa: E731
        self.table.insert({"at": time.time(), "who": who, "action": action, "entity": entity,
                           "before": dump(before), "after": dump(after)})

    def recent(self, limit: int = 100) -> list[dict]:
        return list(self.table.rows_where(order_by="id desc", limit=limit))
