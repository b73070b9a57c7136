"""Keyword and exact-phrase auto-replies (owner of the `keyword_replies` table).

Kept in memory as one dict of exact phrases and one compiled alternation of keywords, rebuilt
on every change, so checking a message costs a dict lookup and one regex search."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass

import sqlite_utils
from sqlite_utils import Migrations

CLICK_PREFIX = "KW_"


MIGRATIONS = Migrations("keyword_replies")


@MIGRATIONS()
def m001_keyword_replies(db: sqlite_utils.Database) -> None:
    if not db["keyword_replies"].exists():
        db["keyword_replies"].create({"id": int, "match": str, "pattern": str, "kind": str, "text": str, "title": str,
                                      "description": str, "url": str, "picurl": str, "created": float}, pk="id")


@dataclass(frozen=True)
class KeywordReply:
    id: int
    match: str         # "exact" (the whole message) or "keyword" (anywhere in it)
    pattern: str
    kind: str          # "text" or "news"
    text: str = ""
    title: str = ""
    description: str = ""
    url: str = ""
    picurl: str = ""

    @property
    def click_key(self) -> str:
        return f"{CLICK_PREFIX}{self.id}"


def _norm(text: str) -> str:
    return text.strip().strip("。.!！?？~～").lower()


class KeywordReplies:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.table = db["keyword_replies"]
        MIGRATIONS.apply(db)
        self._load()

    def reload(self) -> None:
        """Read the replies again (another worker saved one)."""
        self._load()

    def _load(self) -> None:
        self._all = [KeywordReply(**{k: r[k] or "" if k != "id" else r[k] for k in KeywordReply.__dataclass_fields__})
                     for r in self.table.rows_where(order_by="id")]
        self._exact = {_norm(r.pattern): r for r in self._all if r.match == "exact"}
        words = sorted((r for r in self._all if r.match == "keyword"), key=lambda r: -len(r.pattern))
        self._by_word = {r.pattern.lower(): r for r in words}
        self._regex = re.compile("|".join(re.escape(r.pattern.lower()) for r in words)) if words else None
        self._by_id = {r.id: r for r in self._all}

    @property
    def generation(self) -> list:
        """An object whose identity changes whenever the replies are read again (memos compare it)."""
        return self._all

    def all(self) -> list[KeywordReply]:
        return list(self._all)

    def get(self, rid: int) -> KeywordReply | None:
        return self._by_id.get(rid)

    def match(self, text: str) -> KeywordReply | None:
        """The reply for a message: an exact phrase first, else the longest keyword it contains."""
        if not self._all:
            return None
        hit = self._exact.get(_norm(text))
        if hit is None and self._regex is not None:
            m = self._regex.search(text.lower())
            hit = self._by_word[m.group(0)] if m else None
        return hit

    def by_click(self, key: str) -> KeywordReply | None:
        if not key.startswith(CLICK_PREFIX) or not key[len(CLICK_PREFIX):].isdigit():
            return None
        return self._by_id.get(int(key[len(CLICK_PREFIX):]))

    def check(self, data: dict) -> dict[str, str]:
        """Problems by field of a reply about to be saved."""
        problems = {}
        if data.get("match") not in ("exact", "keyword"):
            problems["match"] = "must be exact or keyword"
        if not str(data.get("pattern", "")).strip():
            problems["pattern"] = "must be non-empty text"
        if data.get("kind") not in ("text", "news"):
            problems["kind"] = "must be text or news"
        elif data["kind"] == "text" and not str(data.get("text", "")).strip():
            problems["text"] = "a text reply needs its text"
        elif data["kind"] == "news" and not str(data.get("title", "")).strip():
            problems["title"] = "a news reply needs a title"
        if len(str(data.get("text", "")).encode()) > 2000:
            problems["text"] = "longer than WeChat allows in one reply (2000 bytes)"
        for f in ("url", "picurl"):
            if data.get(f) and not str(data[f]).startswith(("http://", "https://")):
                problems[f] = "must be an http(s) address"
        clash = next((r for r in self._all if r.match == data.get("match") and _norm(r.pattern) == _norm(str(data.get("pattern", "")))
                      and r.id != data.get("id")), None)
        if clash:
            problems["pattern"] = f"already used by reply #{clash.id}"
        return problems

    def save(self, data: dict) -> KeywordReply:
        row = {k: str(data.get(k, "")).strip() for k in ("match", "pattern", "kind", "text", "title", "description",
                                                           "url", "picurl")}
        if data.get("id"):
            self.table.update(int(data["id"]), row)
            rid = int(data["id"])
        else:
            rid = self.table.insert({**row, "created": time.time()}).last_pk
        self._load()
        return self._by_id[rid]

    def delete(self, rid: int) -> None:
        self.table.delete(rid)
        self._load()
