"""The staff register: who may announce, to which communities. Admins may address a district or everyone."""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils
from sqlite_utils import Migrations


MIGRATIONS = Migrations("staff")


@MIGRATIONS()
def m001_staff(db: sqlite_utils.Database) -> None:
    if not db["staff"].exists():
        db["staff"].create({"openid": str, "name": str, "communities": str, "role": str}, pk="openid")


@dataclass
class Staff:
    openid: str
    name: str
    communities: list[str]
    role: str = "staff"

    def may_address(self, scope: str, targets: list[str]) -> bool:
        """Admins: anything. Staff: only named communities of their own (never a district or all)."""
        if self.role == "admin":
            return True
        return scope == "community" and bool(targets) and set(targets) <= set(self.communities)


class StaffStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        MIGRATIONS.apply(db)

    def add(self, openid: str, name: str, communities: list[str], role: str = "staff") -> Staff:
        if role not in ("staff", "admin"):
            raise ValueError("role must be staff or admin")
        self.db["staff"].upsert({"openid": openid, "name": name, "communities": json.dumps(communities), "role": role},
                                pk="openid")
        return Staff(openid, name, communities, role)

    def remove(self, openid: str) -> bool:
        with self.db.conn:
            return self.db.conn.execute("delete from staff where openid = ?", [openid]).rowcount == 1

    def get(self, openid: str) -> Staff | None:
        row = self.db.conn.execute("select openid, name, communities, role from staff where openid = ?", [openid]).fetchone()
        return Staff(row[0], row[1], json.loads(row[2]), row[3]) if row else None

    def all(self) -> list[Staff]:
        return [Staff(r[0], r[1], json.loads(r[2]), r[3])
                for r in self.db.conn.execute("select openid, name, communities, role from staff order by name")]
