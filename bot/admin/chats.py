""""Try it" conversations (owner of the `admin_chats` table), kept in the database so that the
chat shows the same whichever worker serves the page (`serve --workers N`)."""
from __future__ import annotations

import time

import sqlite_utils
from sqlite_utils import Migrations

KEEP = 40   # lines shown and kept per console user

MIGRATIONS = Migrations("admin_chats")


@MIGRATIONS()
def m001_admin_chats(db: sqlite_utils.Database) -> None:
    if not db["admin_chats"].exists():
        db["admin_chats"].create({"id": int, "user": str, "who": str, "text": str, "at": float}, pk="id")
        db["admin_chats"].create_index(["user"])


class Chats:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db, self.table = db, db["admin_chats"]
        MIGRATIONS.apply(db)

    def of(self, user: str) -> list[tuple[str, str]]:
        rows = self.db.conn.execute("select who, text from admin_chats where user = ? order by id desc limit ?",
                                    [user, KEEP]).fetchall()
        return [(who, text) for who, text in reversed(rows)]

    def add(self, user: str, lines: list[tuple[str, str]]) -> None:
        now = time.time()
        with self.db.conn:
            self.db.conn.executemany("insert into admin_chats (user, who, text, at) values (?, ?, ?, ?)",
                                     [(user, who, text, now) for who, text in lines])
            self.db.conn.execute("delete from admin_chats where user = ? and id not in (select id from admin_chats "
                                 "where user = ? order by id desc limit ?)", [user, user, KEEP])

    def clear(self, user: str) -> None:
        with self.db.conn:
            self.db.conn.execute("delete from admin_chats where user = ?", [user])
