"""One-time invite codes that register a staff member with their own openid.

An admin runs `run_bot.py staff invite --community 虞波社区 [--name 周]`; the worker sends
`绑定工作人员 CODE` to the account and is registered with the openid WeChat gives that message,
which nobody had to find in logs. A code works once and expires. Owner of `staff_invites`.
"""
from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass

import sqlite_utils

from bot.announcements.staff import Staff, StaffStore

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I/L: read aloud and typed on a phone


@dataclass
class Invite:
    code: str
    communities: list[str]
    role: str
    name: str
    expires_at: float


class Invites:
    def __init__(self, db: sqlite_utils.Database, staff: StaffStore) -> None:
        self.db, self.staff = db, staff
        if not db["staff_invites"].exists():
            db["staff_invites"].create({"code": str, "communities": str, "role": str, "name": str, "created_at": float,
                                        "expires_at": float, "used_by": str, "used_at": float}, pk="code")

    def create(self, communities: list[str], role: str = "staff", name: str = "", hours: float = 72) -> Invite:
        if role not in ("staff", "admin"):
            raise ValueError("role must be staff or admin")
        if role == "staff" and not communities:
            raise ValueError("a staff invite needs at least one community (or role admin)")
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        now = time.time()
        self.db["staff_invites"].insert({"code": code, "communities": json.dumps(communities), "role": role,
                                         "name": name, "created_at": now, "expires_at": now + hours * 3600})
        return Invite(code, communities, role, name, now + hours * 3600)

    def redeem(self, code: str, openid: str, fallback_name: str = "工作人员") -> Staff | str:
        """The new staff member, or why not: unknown, used, expired."""
        code = code.strip().upper()
        row = self.db.conn.execute("select communities, role, name, expires_at, used_by from staff_invites "
                                   "where code = ?", [code]).fetchone()
        if row is None:
            return "unknown"
        if row[4]:
            return "used"
        if row[3] < time.time():
            return "expired"
        with self.db.conn:   # used at most once, even when two messages race
            won = self.db.conn.execute("update staff_invites set used_by = ?, used_at = ? where code = ? and "
                                       "used_by is null", (openid, time.time(), code)).rowcount == 1
        if not won:
            return "used"
        existing = self.staff.get(openid)
        communities = json.loads(row[0])
        if existing is not None:
            communities = list(dict.fromkeys(existing.communities + communities))
        role = "admin" if "admin" in (row[1], existing.role if existing else "") else "staff"
        return self.staff.add(openid, row[2] or (existing.name if existing else fallback_name), communities, role)
