"""The account's followers, imported from WeChat and kept current from events.

Owner of the `wechat_tags` table (the account's tags, read at sync) and the `followers` table (one row per follower: subscribed, when, the subscribe scene and
QR scene, WeChat tags, the community they are bound to by tag or QR scene) and `follower_sync`
(the import's cursor). Without this, only residents who subscribed after the bot went live
would be reached.

The import walks user/get (up to 10,000 openids a page, paged by next_openid) and asks
user/info/batchget for 100 at a time, under a rate limit. After every batch the cursor (the
next_openid that fetched the current page and how many of that page are done) is written in
the same transaction as the batch's rows, so an interrupted sync resumes where it stopped:
nothing lost, and since rows are keyed by openid, nothing doubled.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Callable

import sqlite_utils

BATCH = 100


def ensure_tables(db: sqlite_utils.Database) -> None:
    if not db["followers"].exists():
        db["followers"].create({"openid": str, "subscribed": int, "subscribe_time": int, "scene": str,
                                "qr_scene": str, "tags": str, "community_id": str, "updated_at": float},
                               pk="openid", defaults={"subscribed": 1, "tags": "[]", "community_id": ""})
        db["followers"].create_index(["community_id"])
    if not db["wechat_tags"].exists():
        db["wechat_tags"].create({"id": int, "name": str, "count": int}, pk="id")
    if not db["follower_sync"].exists():
        db["follower_sync"].create({"id": int, "page_from": str, "done_in_page": int, "imported": int,
                                    "total": int, "started_at": float, "finished_at": float}, pk="id")


@dataclass
class SyncSummary:
    imported: int            # follower rows written in this run
    total: int               # followers WeChat counts
    subscribed: int          # followers in the table now marked subscribed
    bound: int               # of those, bound to a community by tag or QR scene
    resumed: bool            # this run continued an interrupted one
    pages: int


class Followers:
    def __init__(self, db: sqlite_utils.Database, tag_communities: dict[int, str] | None = None,
                 scene_community: Callable[[str], str] | None = None) -> None:
        """`tag_communities`: WeChat tag id -> community id (delivery.mass_tags, read the other
        way round); `scene_community(scene)`: community id of a QR scene, or ''."""
        self.db, self.tag_communities = db, tag_communities or {}
        self.scene_community = scene_community or (lambda scene: "")
        ensure_tables(db)

    def _community(self, tags: list[int], qr_scene: str) -> str:
        for t in tags:
            if t in self.tag_communities:
                return self.tag_communities[t]
        return self.scene_community(qr_scene) if qr_scene else ""

    def record(self, infos: list[dict], cursor: tuple[str, int] | None = None) -> int:
        """Write user/info rows (and the cursor) in one transaction; returns rows written."""
        now, rows = time.time(), []
        for u in infos:
            tags = [int(t) for t in u.get("tagid_list", [])]
            qr = str(u.get("qr_scene_str") or u.get("qr_scene") or "")
            rows.append((u["openid"], int(u.get("subscribe", 1)), int(u.get("subscribe_time", 0)),
                         str(u.get("subscribe_scene", "")), qr, json.dumps(tags), self._community(tags, qr), now))
        with self.db.conn:
            self.db.conn.executemany(
                "insert into followers (openid, subscribed, subscribe_time, scene, qr_scene, tags, community_id, "
                "updated_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict(openid) do update set subscribed = "
                "excluded.subscribed, subscribe_time = excluded.subscribe_time, scene = excluded.scene, qr_scene = "
                "excluded.qr_scene, tags = excluded.tags, community_id = excluded.community_id, "
                "updated_at = excluded.updated_at", rows)
            if cursor is not None:
                self.db.conn.execute("update follower_sync set page_from = ?, done_in_page = ?, imported = "
                                     "imported + ? where id = 1", (cursor[0], cursor[1], len(rows)))
        return len(rows)

    def save_tags(self, tags: list[dict]) -> None:
        """The account's tags (tags/get), so staff can address `标签:名称`."""
        with self.db.conn:
            self.db.conn.execute("delete from wechat_tags")
            self.db.conn.executemany("insert into wechat_tags (id, name, count) values (?, ?, ?)",
                                     [(int(t["id"]), str(t["name"]), int(t.get("count", 0))) for t in tags])

    def tag_names(self) -> dict[str, int]:
        return {name: tid for tid, name in self.db.conn.execute("select id, name from wechat_tags")}

    def on_event(self, openid: str, subscribed: bool, qr_scene: str = "") -> None:
        """A subscribe or unsubscribe event: the row follows it at once."""
        community = self.scene_community(qr_scene) if qr_scene else ""
        with self.db.conn:
            self.db.conn.execute(
                "insert into followers (openid, subscribed, subscribe_time, scene, qr_scene, tags, community_id, "
                "updated_at) values (?, ?, ?, ?, ?, '[]', ?, ?) on conflict(openid) do update set subscribed = "
                "excluded.subscribed, updated_at = excluded.updated_at, qr_scene = coalesce(nullif(excluded.qr_scene, "
                "''), qr_scene), community_id = coalesce(nullif(excluded.community_id, ''), community_id)",
                (openid, int(subscribed), int(time.time()) if subscribed else 0,
                 "ADD_SCENE_QR_CODE" if qr_scene else "", qr_scene, community, time.time()))

    def cursor(self) -> dict | None:
        row = self.db.conn.execute("select page_from, done_in_page, imported, total, finished_at from follower_sync "
                                   "where id = 1").fetchone()
        return None if row is None else dict(zip(("page_from", "done_in_page", "imported", "total", "finished_at"), row))

    async def sync(self, api, rate_per_second: float = 10.0,
                   progress: Callable[[int, int], None] | None = None) -> SyncSummary:
        """Import every follower (resuming an interrupted run); `progress(done, total)` hears of
        each batch. API errors propagate; the cursor keeps what was done."""
        from bot.announcements.delivery import RateLimit  # delivery imports the outbox, which imports this
        limit = RateLimit(rate_per_second)
        cur = self.cursor()
        resumed = cur is not None and not cur["finished_at"]
        if not resumed:
            with self.db.conn:
                self.db.conn.execute("insert or replace into follower_sync (id, page_from, done_in_page, imported, total, "
                                     "started_at, finished_at) values (1, '', 0, 0, 0, ?, null)", [time.time()])
            cur = self.cursor()
        page_from, skip, pages, imported = cur["page_from"], cur["done_in_page"], 0, 0
        done = cur["imported"]
        while True:
            await limit.acquire()
            page = await api.user_list(page_from)
            pages += 1
            total = int(page.get("total", 0))
            with self.db.conn:
                self.db.conn.execute("update follower_sync set total = ? where id = 1", [total])
            openids = (page.get("data") or {}).get("openid", [])
            for start in range(skip, len(openids), BATCH):
                chunk = openids[start:start + BATCH]
                await limit.acquire()
                infos = await api.user_info_batch(chunk)
                n = self.record(infos, (page_from, start + len(chunk)))
                imported, done = imported + n, done + n
                if progress:
                    progress(done, total)
            skip = 0
            nxt = page.get("next_openid") or ""
            if not openids or not nxt or int(page.get("count", len(openids))) == 0:
                break
            page_from = nxt
            with self.db.conn:
                self.db.conn.execute("update follower_sync set page_from = ?, done_in_page = 0 where id = 1", [nxt])
        with self.db.conn:
            self.db.conn.execute("update follower_sync set finished_at = ? where id = 1", [time.time()])
        subscribed, bound = self.db.conn.execute(
            "select count(*), sum(community_id != '') from followers where subscribed = 1").fetchone()
        return SyncSummary(imported, total, subscribed, bound or 0, resumed, pages)
