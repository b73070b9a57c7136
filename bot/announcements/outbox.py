"""Announcements and their outbox: one row per (announcement, recipient), each with its state.

States of an outbox row:
  pending   -> due at next_at; the worker may claim it
  claimed   -> a worker took it and is calling WeChat (attempts counted at claim)
  sent      -> WeChat accepted it (msgid kept)
  failed    -> will not be sent; `error` says why (unsubscribed, no channel, permanent error)
  uncertain -> a crash came between the call and its confirmation on a channel WeChat cannot
               de-duplicate; it is held, never re-sent on its own (see reconcile)

Exactly once. Rows are unique per (announcement, openid), so queueing twice adds nothing. Each
row's channel is decided once, before anything is sent (a resident gets one channel per
announcement). A row is claimed with `UPDATE ... WHERE state = 'pending'` before the call (one
worker wins, also across processes) and confirmed after. A claim is a lease: it names its owner
(host, process, worker) and expires `delivery.lease_seconds` after it was last renewed; a live
worker renews its leases, so only rows of a worker that died are ever settled (the leases are
kept in the rows, or in Redis with `storage.redis_url`: leases.py). `reconcile` settles rows
whose lease expired (by the same rule as an ambiguous answer from WeChat):
  * template messages carry client_msg_id = "linli-<row id>", which WeChat uses to drop a
    repeat for the same openid within 10 minutes: such rows first claimed less than 10 minutes
    ago go back to pending and are sent again safely;
  * mass sends carry clientmsgid = "linli-a<announcement>-t<tag>", and WeChat refuses a repeat
    within 24 hours (45065, counted as sent): such rows first claimed less than 24 h ago go
    back to pending;
  * anything else (customer-service messages have no such key) becomes `uncertain`: not lost,
    since it is counted and shown by `announce status`, and not doubled, since only an operator
    (`announce resend-uncertain ID`) can send it again.
Failed rows are re-sent only on an operator's word (`announce retry ID`).

Parts. A customer-service delivery may be several messages (numbered parts of a long text, then
an image): `parts_sent` counts those WeChat confirmed, written after each one. A row sent again
(a limit, a retry, an operator's `announce retry`) starts after them, so a delivered part is
never sent twice; a part whose answer was lost is settled by the crash rule like a whole row.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
import time
from dataclasses import dataclass

import sqlite_utils
from sqlite_utils import Migrations

from bot.announcements.audience import community_of, recipients
from bot.channels.wechat.client import redact

TEMPLATE_DEDUP_SECONDS = 600     # WeChat drops a template message repeating openid + client_msg_id this long
MASS_DEDUP_SECONDS = 24 * 3600   # WeChat refuses a mass send repeating its clientmsgid this long (45065)


@dataclass
class Row:
    id: int
    announcement_id: int
    openid: str
    attempts: int
    channel: str
    text: str
    parts_sent: int = 0
    form: str = ""          # '' (text, split when long) | 'article' (a news link to its page)
    token: str = ""         # the announcement's page: <delivery.public_url>/a/<token>
    image_id: int = 0       # an attached image (media.py), 0 for none


MIGRATIONS = Migrations("outbox")


@MIGRATIONS()
def m001_announcements_and_outbox(db: sqlite_utils.Database) -> None:
    if not db["announcements"].exists():
        db["announcements"].create({"id": int, "author": str, "scope": str, "targets": str, "text": str,
                                    "created_at": float, "send_at": float, "status": str, "audience": int}, pk="id")
    if not db["outbox"].exists():
        db["outbox"].create({"id": int, "announcement_id": int, "openid": str, "state": str, "channel": str,
                             "attempts": int, "next_at": float, "claimed_at": float, "msgid": str, "error": str},
                            pk="id", not_null={"announcement_id", "openid", "state"},
                            defaults={"state": "pending", "channel": "", "attempts": 0, "next_at": 0.0})
        db["outbox"].create_index(["announcement_id", "openid"], unique=True)
        db["outbox"].create_index(["state", "next_at"])


@MIGRATIONS()
def m002_leases(db: sqlite_utils.Database) -> None:
    """A claim is a lease: its worker, until when, and when the row was first tried."""
    columns = db["outbox"].columns_dict
    for name, kind in (("owner", str), ("lease_until", float), ("first_at", float)):
        if name not in columns:
            db["outbox"].add_column(name, kind)
    if not db["delivery_worker"].exists():
        db["delivery_worker"].create({"id": int, "status": str, "at": float}, pk="id")


@MIGRATIONS()
def m003_forms_images_parts(db: sqlite_utils.Database) -> None:
    """How a long text goes (form), the page token, an attached image, the mass-send article
    (mpnews media id and when it was uploaded) and per-row part progress."""
    columns = db["announcements"].columns_dict
    for name, kind in (("form", str), ("token", str), ("image_id", int), ("news_media_id", str),
                       ("news_at", float)):
        if name not in columns:
            db["announcements"].add_column(name, kind)
    if "parts_sent" not in db["outbox"].columns_dict:
        db["outbox"].add_column("parts_sent", int, not_null_default=0)
    db["announcements"].create_index(["token"], if_not_exists=True)


@MIGRATIONS()
def m004_draft_ids(db: sqlite_utils.Database) -> None:
    """The draft an announcement was made from: a retried 确认 finds it instead of making a second."""
    if "draft_id" not in db["announcements"].columns_dict:
        db["announcements"].add_column("draft_id", str)
    db["announcements"].create_index(["draft_id"], unique=True, if_not_exists=True)


OTHERS_SEEN_SECONDS = 1.0   # another process's announcement reaches `recent` within this


class Outbox:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        MIGRATIONS.apply(db)
        self._recent: dict[str, list[dict]] = {}
        self._recent_stamp: tuple[int, int] | None = None
        self._others_checked, self._others_version = float("-inf"), 0

    def _x(self, sql: str, params=()) -> int:
        with self.db.conn:
            return self.db.conn.execute(sql, params).rowcount

    # ------------------------------------------------------------ announcements
    def audience(self, scope: str, targets: list[str]) -> list[str]:
        """Followers the announcement reaches: everyone, those of the target communities (a
        district is given as the ids of its communities), or of WeChat tags (see audience.py)."""
        return recipients(self.db, scope, targets)

    def create(self, author: str, scope: str, targets: list[str], text: str, send_at: float | None = None,
               form: str = "", image_id: int = 0, draft_id: str | None = None) -> int:
        """A new announcement, with an unguessable token for its page. Written through
        `db.atomic()`, so it nests in the transaction that closes the staff member's draft
        (`ResidentStates.save_with`). Made from a draft with an id, it is made once: the same draft
        again gives the announcement already made (the draft's close may live elsewhere, in Redis,
        and be lost by a crash after this commit)."""
        made = self.by_draft(draft_id) if draft_id else None
        if made is not None:
            return made[0]
        now = time.time()
        try:
            with self.db.atomic():      # nests: the staff member's flow may commit with it
                cur = self.db.conn.execute(
                    "insert into announcements (author, scope, targets, text, created_at, send_at, status, audience, "
                    "form, token, image_id, draft_id) values (?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?, ?, ?)",
                    (author, scope, json.dumps(targets, ensure_ascii=False), text, now, send_at or now,
                     len(self.audience(scope, targets)), form, secrets.token_urlsafe(18), image_id or 0, draft_id))
        except sqlite3.IntegrityError:      # another process made it from the same draft meanwhile
            made = self.by_draft(draft_id) if draft_id else None
            if made is None:
                raise
            return made[0]
        return cur.lastrowid

    def by_draft(self, draft_id: str) -> tuple[int, int] | None:
        """(id, audience) of the announcement made from this draft, if any."""
        return self.db.conn.execute("select id, audience from announcements where draft_id = ?", [draft_id]).fetchone()

    def public(self, token: str) -> dict | None:
        """The announcement a page token names, once it is being delivered (not before, not
        after a withdrawal or cancel)."""
        row = self.db.conn.execute("select id, text, send_at, image_id, status from announcements where token = ?",
                                   [token]).fetchone() if token else None
        if row is None or row[4] not in ("delivering", "done"):
            return None
        return {"id": row[0], "text": row[1], "at": row[2], "image_id": row[3] or 0}

    def news_media(self, announcement_id: int) -> tuple[str, float]:
        row = self.db.conn.execute("select news_media_id, news_at from announcements where id = ?",
                                   [announcement_id]).fetchone()
        return (row[0] or "", row[1] or 0.0) if row else ("", 0.0)

    def set_news_media(self, announcement_id: int, media_id: str) -> None:
        self._x("update announcements set news_media_id = ?, news_at = ? where id = ?",
                (media_id, time.time(), announcement_id))

    def part_sent(self, row: Row, n: int) -> None:
        """WeChat confirmed the first `n` parts of the row's customer-service delivery."""
        self._x("update outbox set parts_sent = ? where id = ? and state = 'claimed'", (n, row.id))
        row.parts_sent = n

    def queue_due(self, now: float | None = None) -> list[int]:
        """Materialise recipients of announcements whose time has come (idempotent)."""
        now = now or time.time()
        queued = []
        for aid, scope, targets in self.db.conn.execute(
                "select id, scope, targets from announcements where status = 'scheduled' and send_at <= ?", [now]).fetchall():
            recipients = self.audience(scope, json.loads(targets))
            with self.db.conn:
                self.db.conn.executemany("insert or ignore into outbox (announcement_id, openid, state, channel, attempts, "
                                         "next_at) values (?, ?, 'pending', '', 0, 0)", [(aid, o) for o in recipients])
                self.db.conn.execute("update announcements set status = 'delivering', audience = ? where id = ?",
                                     (len(recipients), aid))
            queued.append(aid)
        return queued

    def recent(self, community_id: str, limit: int = 5, offset: int = 0) -> list[dict]:
        """Announcements sent to the community, newest first; `offset` pages further back.

        Every question about 活动 asks this, so the list is read once per change of the
        database: any write on this connection (`total_changes`) or, checked once a second,
        another process's commit (`PRAGMA data_version`)."""
        stamp = (self.db.conn.total_changes, self._others())
        if stamp != self._recent_stamp:
            self._recent, self._recent_stamp = {}, stamp
        found = self._recent.get(community_id)
        if found is None:
            found = self._recent[community_id] = self._read_recent(community_id)
        return [dict(item) for item in found[offset:offset + limit]]

    def _others(self) -> int:
        now = time.monotonic()
        if now - self._others_checked >= OTHERS_SEEN_SECONDS:
            self._others_checked = now
            self._others_version = self.db.conn.execute("pragma data_version").fetchone()[0]
        return self._others_version

    def _read_recent(self, community_id: str) -> list[dict]:
        rows = self.db.conn.execute(
            "select id, text, send_at, scope, targets from announcements where status in ('delivering', 'done') "
            "order by send_at desc limit 500").fetchall()
        return [{"id": aid, "text": text, "at": send_at} for aid, text, send_at, scope, targets in rows
                if scope == "all" or community_id in json.loads(targets)]

    # ------------------------------------------------------------ rows
    def due(self, limit: int, now: float | None = None) -> list[Row]:
        now = now or time.time()
        return [Row(*r) for r in self.db.conn.execute(
            "select o.id, o.announcement_id, o.openid, o.attempts, o.channel, a.text, o.parts_sent, "
            "coalesce(a.form, ''), coalesce(a.token, ''), coalesce(a.image_id, 0) from outbox o "
            "join announcements a on a.id = o.announcement_id where o.state = 'pending' and o.next_at <= ? "
            "order by o.id limit ?", (now, limit)).fetchall()]

    def assign_channel(self, row: Row, channel: str) -> str:
        """Decide the row's channel once, before any send; returns the channel the row has."""
        if not row.channel:
            self._x("update outbox set channel = ? where id = ? and channel = ''", (channel, row.id))
            found = self.db.conn.execute("select channel from outbox where id = ?", [row.id]).fetchone()
            row.channel = found[0] if found else channel
        return row.channel

    def claim(self, row: Row, channel: str, owner: str = "", lease_seconds: float | None = 60.0) -> bool:
        """Take the row before calling WeChat; False when another worker already did. Without
        `lease_seconds` the lease is kept elsewhere (Redis, see leases.py)."""
        now = time.time()
        until = now + lease_seconds if lease_seconds is not None else None
        won = self._x("update outbox set state = 'claimed', channel = ?, claimed_at = ?, attempts = attempts + 1, "
                      "owner = ?, lease_until = ?, first_at = coalesce(first_at, ?) where id = ? and state = 'pending'",
                      (channel, now, owner, until, now, row.id)) == 1
        if won:
            row.channel, row.attempts = channel, row.attempts + 1
        return won

    def renew(self, owner: str, lease_seconds: float) -> int:
        """Extend the leases of a live worker's claimed rows."""
        return self._x("update outbox set lease_until = ? where state = 'claimed' and owner = ?",
                       (time.time() + lease_seconds, owner))

    def first_claimed(self, row: Row) -> float:
        found = self.db.conn.execute("select first_at from outbox where id = ?", [row.id]).fetchone()
        return (found[0] or time.time()) if found else time.time()

    def community_of(self, openid: str) -> str:
        return community_of(self.db, openid)

    def confirm(self, row: Row, msgid: str) -> None:
        self._x("update outbox set state = 'sent', msgid = ?, error = null, owner = null where id = ? and state = 'claimed'",
                (msgid, row.id))

    def retry(self, row: Row, at: float, error: str, channel: str | None = None) -> None:
        self._x("update outbox set state = 'pending', next_at = ?, error = ?, channel = coalesce(?, channel), owner = null "
                "where id = ? and state = 'claimed'", (at, redact(error), channel, row.id))

    def release(self, row: Row, error: str) -> None:
        """Back to pending without counting the attempt (nothing was sent: the worker stops)."""
        self._x("update outbox set state = 'pending', attempts = max(0, attempts - 1), error = ?, owner = null "
                "where id = ? and state = 'claimed'", (redact(error), row.id))

    def fail(self, row: Row, error: str) -> None:
        self._x("update outbox set state = 'failed', error = ?, owner = null where id = ? and state in ('claimed', 'pending')",
                (redact(error), row.id))

    def hold(self, row: Row, error: str) -> None:
        """Uncertain: WeChat may have delivered it and cannot de-duplicate a second send."""
        self._x("update outbox set state = 'uncertain', error = ?, owner = null where id = ? and state = 'claimed'",
                (redact(error), row.id))

    def claims(self) -> list[tuple[int, float]]:
        """(id, claimed_at) of every claimed row."""
        return self.db.conn.execute("select id, claimed_at from outbox where state = 'claimed'").fetchall()

    def reconcile(self, now: float | None = None, claims: list[tuple[int, float]] | None = None) -> dict[str, int]:
        """Settle claimed rows whose lease expired (the rule is in the module docstring): by the
        rows' own `lease_until`, or the given `claims` (id, claimed_at) whose lease (in Redis) is gone."""
        now = now or time.time()
        if claims is None:
            expired, each = "state = 'claimed' and coalesce(lease_until, 0) < ?", [[now]]
        else:
            expired, each = "state = 'claimed' and id = ? and claimed_at = ?", [list(c) for c in claims]
        again = held = 0
        with self.db.conn:
            for params in each:
                again += self.db.conn.execute(
                    f"update outbox set state = 'pending', next_at = 0, owner = null where {expired} and "
                    "((channel = 'template' and coalesce(first_at, claimed_at) > ?) or "
                    "(channel = 'mass' and coalesce(first_at, claimed_at) > ?))",
                    [*params, now - TEMPLATE_DEDUP_SECONDS, now - MASS_DEDUP_SECONDS]).rowcount
                held += self.db.conn.execute(f"update outbox set state = 'uncertain', owner = null, error = "
                                             f"'worker died between call and confirmation' where {expired}", params).rowcount
        return {"resent_with_dedup_key": again, "uncertain": held}

    def resend_uncertain(self, announcement_id: int) -> int:
        return self._x("update outbox set state = 'pending', next_at = 0 where announcement_id = ? and state = 'uncertain'",
                       [announcement_id])

    def retry_failed(self, announcement_id: int) -> int:
        """Failed rows queued again (an operator fixed the cause); unsubscribed residents stay out."""
        with self.db.conn:
            n = self.db.conn.execute(
                "update outbox set state = 'pending', next_at = 0, attempts = 0, error = null, channel = '' "
                "where announcement_id = ? and state = 'failed' and coalesce(error, '') not like '43004%'",
                [announcement_id]).rowcount
            if n:
                self.db.conn.execute("update announcements set status = 'delivering' where id = ? and status = 'done'",
                                     [announcement_id])
        return n

    def set_worker_status(self, status: str) -> None:
        """What the delivery worker last said of itself ('running', or why it stopped)."""
        self.db["delivery_worker"].upsert({"id": 1, "status": redact(status), "at": time.time()}, pk="id")

    def worker_status(self) -> str:
        row = self.db.conn.execute("select status from delivery_worker where id = 1").fetchone()
        return row[0] if row else ""

    def finish_done(self) -> None:
        self._x("update announcements set status = 'done' where status = 'delivering' and not exists "
                "(select 1 from outbox o where o.announcement_id = announcements.id and o.state in ('pending', 'claimed'))")

    def status(self, announcement_id: int) -> dict:
        a = self.db.conn.execute("select id, text, status, audience, send_at, scope, targets from announcements where id = ?",
                                 [announcement_id]).fetchone()
        if a is None:
            raise KeyError(announcement_id)
        counts: dict[str, dict[str, int]] = {}
        for state, channel, n in self.db.conn.execute(
                "select state, channel, count(*) from outbox where announcement_id = ? group by state, channel",
                [announcement_id]):
            counts.setdefault(channel or "-", {})[state] = n
        errors = dict(self.db.conn.execute("select error, count(*) from outbox where announcement_id = ? and "
                                           "state in ('failed', 'uncertain') group by error", [announcement_id]).fetchall())
        partial = self.db.conn.execute("select count(*) from outbox where announcement_id = ? and state != 'sent' "
                                       "and parts_sent > 0", [announcement_id]).fetchone()[0]
        return {"id": a[0], "text": a[1], "status": a[2], "audience": a[3], "send_at": a[4], "scope": a[5],
                "targets": json.loads(a[6]), "channels": counts, "errors": errors, "worker": self.worker_status(),
                "partial": partial}

    # ------------------------------------------------------------ management (cancel, withdraw, lists)
    def cancel(self, announcement_id: int) -> bool:
        """A scheduled announcement is dropped before its time; False once delivery began."""
        return self._x("update announcements set status = 'cancelled' where id = ? and status = 'scheduled'",
                       [announcement_id]) == 1

    def withdraw(self, announcement_id: int) -> list[str]:
        """Stop what is not sent yet and mark the announcement withdrawn; returns the msg ids of
        its mass sends (WeChat withdraws those through mass/delete)."""
        with self.db.conn:
            self.db.conn.execute("update outbox set state = 'failed', error = 'withdrawn by the sender' "
                                 "where announcement_id = ? and state = 'pending'", [announcement_id])
            self.db.conn.execute("update announcements set status = 'withdrawn' where id = ? and status in "
                                 "('scheduled', 'delivering', 'done')", [announcement_id])
        return [r[0] for r in self.db.conn.execute(
            "select distinct msgid from outbox where announcement_id = ? and channel = 'mass' and state = 'sent' "
            "and msgid not in ('', 'repeat')", [announcement_id])]

    def by_author(self, author: str | None, limit: int = 10) -> list[dict]:
        """Newest first: one author's announcements, or everyone's (None)."""
        where, params = ("where author = ?", [author]) if author is not None else ("", [])
        return [{"id": r[0], "text": r[1], "status": r[2], "audience": r[3], "send_at": r[4], "author": r[5]}
                for r in self.db.conn.execute("select id, text, status, audience, send_at, author from announcements "
                                              f"{where} order by id desc limit ?", [*params, limit])]

    def author_of(self, announcement_id: int) -> str | None:
        row = self.db.conn.execute("select author from announcements where id = ?", [announcement_id]).fetchone()
        return row[0] if row else None
