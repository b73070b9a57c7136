"""Console accounts (owner of the `admin_users` and `admin_sign_in_addresses` tables): argon2
password hashes and lock-out, per account and per client address."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

import sqlite_utils
from sqlite_utils import Migrations
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("admin", "operator", "staff")
_hasher = PasswordHasher()


MIGRATIONS = Migrations("admin_users")


@MIGRATIONS()
def m001_admin_users(db: sqlite_utils.Database) -> None:
    if not db["admin_users"].exists():
        db["admin_users"].create({"name": str, "role": str, "communities": str, "hash": str, "failures": int,
                                  "locked_until": float, "created": float}, pk="name")


@MIGRATIONS()
def m002_admin_sign_in_addresses(db: sqlite_utils.Database) -> None:
    if not db["admin_sign_in_addresses"].exists():
        db["admin_sign_in_addresses"].create({"address": str, "failures": int, "since": float, "locked_until": float},
                                             pk="address")


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
        self.addresses = db["admin_sign_in_addresses"]
        MIGRATIONS.apply(db)

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

    # per client address: many names tried from one place lock that place out too
    def address_locked(self, address: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        rows = list(self.addresses.rows_where("address = ?", [address]))
        return bool(rows and rows[0]["locked_until"] > now)

    def address_failed(self, address: str, max_failures: int, lockout_seconds: float, now: float | None = None) -> bool:
        """Count a refused sign-in from `address`; True when it locks the address. Failures are
        counted within a window of `lockout_seconds` from the first; a success does not reset the
        count (an attacker's own account must not wipe it)."""
        now = time.time() if now is None else now
        with self.addresses.db.conn:  # expired windows and locks go
            self.addresses.db.conn.execute("delete from admin_sign_in_addresses where since < ? and locked_until < ?",
                                           [now - lockout_seconds, now])
        rows = list(self.addresses.rows_where("address = ?", [address]))
        failures = (rows[0]["failures"] if rows else 0) + 1
        since = rows[0]["since"] if rows else now
        locked = now + lockout_seconds if failures >= max_failures else 0.0
        self.addresses.upsert({"address": address, "failures": 0 if locked else failures,
                               "since": now if locked else since, "locked_until": locked}, pk="address")
        return bool(locked)
