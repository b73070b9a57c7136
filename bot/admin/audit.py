"""Every change made in the console (owner of the `admin_audit` table): who, when, what, before, after."""
from __future__ import annotations

import json
import time

import sqlite_utils
from sqlite_utils import Migrations


MIGRATIONS = Migrations("admin_audit")


@MIGRATIONS()
def m001_admin_audit(db: sqlite_utils.Database) -> None:
    if not db["admin_audit"].exists():
        db["admin_audit"].create({"id": int, "at": float, "who": str, "action": str, "entity": str,
                                  "before": str, "after": str}, pk="id")
        db["admin_audit"].create_index(["entity"])


class Audit:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.table = db["admin_audit"]
        MIGRATIONS.apply(db)

    def record(self, who: str, action: str, entity: str, before=None, after=None) -> None:
        dump = lambda v: None if v is None else json.dumps(v, ensure_ascii=False, default=str)  # noqa: E731
        self.table.insert({"at": time.time(), "who": who, "action": action, "entity": entity,
                           "before": dump(before), "after": dump(after)})

    def recent(self, limit: int = 100) -> list[dict]:
        return list(self.table.rows_where(order_by="id desc", limit=limit))
