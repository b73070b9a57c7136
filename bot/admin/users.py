"""Console accounts (owner of the `admin_users` table): argon2 password hashes and lock-out."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("admin", "operator", "staff")
_hasher = PasswordHasher()


@dataclass
class User:
    name: str
    role: str
    communities: list[str]

    def may_edit(self, community: str | None) -> bool:
        """Admins and operators edit everything; staff only records of their own communities."""
        if self.role in ("admin", "operator"):
            return True
        return community is not None and community in self.communities

    @property
    def operator(self) -> bool:
        return self.role in ("admin", "operator")


class Users:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.table = db["admin_users"]
        if not self.table.exists():
            self.table.create({"name": str, "role": str, "communities": str, "hash": str, "failures": int,
                               "locked_until": float, "created": float}, pk="name")

    def add(self, name: str, role: str, password: str, communities: list[str] | None = None) -> User:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 8:
            raise ValueError("the password must have at least 8 characters")
        if role == "staff" and not communities:
            raise ValueError("a staff account needs at least one community")
        self.table.upsert({"name": name, "role": role, "communities": json.dumps(communities or []),
                           "hash": _hasher.hash(password), "failures": 0, "locked_until": 0.0,
                           "created": time.time()}, pk="name")
        return self.get(name)

    def get(self, name: str) -> User | None:
        rows = list(self.table.rows_where("name = ?", [name]))
        if not rows:
            return None
        r = rows[0]
        return User(r["name"], r["role"], json.loads(r["communities"]))

    def all(self) -> list[User]:
        return [User(r["name"], r["role"], json.loads(r["communities"])) for r in self.table.rows_where(order_by="name")]

    def check(self, name: str, password: str, max_failures: int, lockout_seconds: float,
              now: float | None = None) -> tuple[User | None, str]:
        """(user, "") on success, else (None, reason): "locked" or "wrong". A locked account is
        refused even with the right password, so guessing gains nothing while it lasts."""
        now = time.time() if now is None else now
        rows = list(self.table.rows_where("name = ?", [name]))
        if not rows:
            _hasher.hash(password)  # same cost as a real check: no timing hint that the name is unknown
            return None, "wrong"
        r = rows[0]
        if r["locked_until"] and r["locked_until"] > now:
            return None, "locked"
        try:
            _hasher.verify(r["hash"], password)
        except (VerificationError, InvalidHashError):
            failures = (r["failures"] or 0) + 1
            locked = now + lockout_seconds if failures >= max_failures else 0.0
            self.table.update(name, {"failures": 0 if locked else failures, "locked_until": locked})
            return None, "locked" if locked else "wrong"
        self.table.update(name, {"failures": 0, "locked_until": 0.0})
        return User(r["name"], r["role"], json.loads(r["communities"])), ""
