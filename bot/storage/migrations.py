"""Schema changes as recorded migrations (sqlite-utils' `Migrations`, one set per owner module).

Each table's owner module declares its migration set `MIGRATIONS`; `apply_all` runs what a
database has not seen yet and records it in `_sqlite_migrations`, so an old database is brought
forward at start-up and a new one is created the same way."""
from __future__ import annotations

import sqlite_utils


def apply_all(db: sqlite_utils.Database) -> None:
    from bot.storage import questions, residents
    for module in (residents, questions):
        module.MIGRATIONS.apply(db)
