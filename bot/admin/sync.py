"""Console changes reach every worker: with `serve --workers N` a knowledge edit or a keyword
reply saved through one process's console must be answered by all of them.

The database is what the workers share, so each process looks there about once a second: the
knowledge build's digest (`kb_meta`, written by every build) and a fingerprint of the keyword
replies. When either moved and this process did not make the change itself, it reloads: the
engine from the database (no rebuild, the files were built by whoever changed them), in a worker
thread on a connection of its own, like the console's own edits."""
from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3

from aiohttp import web

EVERY_SECONDS = 1.0
log = logging.getLogger("linli.admin")


class Follower:
    """Notices changes other processes wrote to the shared database and loads them here."""

    def __init__(self, cfg, webhook) -> None:
        self.cfg, self.webhook = cfg, webhook
        self.engine = webhook.deps.knowledge
        self.digest = self._digest()
        self.keywords = self._keywords()

    def _digest(self) -> str:
        try:
            row = self.webhook.db.conn.execute("select value from kb_meta where key = 'digest'").fetchone()
        except sqlite3.Error:
            return ""
        return row[0] if row else ""

    def _keywords(self) -> str:
        try:
            rows = self.webhook.db.conn.execute("select * from keyword_replies order by id").fetchall()
        except sqlite3.Error:
            return ""
        return hashlib.sha1(repr(rows).encode()).hexdigest()

    def _reload_knowledge(self) -> bool:
        from bot.wiring import open_database, reload_knowledge
        db = open_database(self.cfg)
        try:
            return reload_knowledge(self.cfg, db, self.webhook.deps, rebuild=False)
        finally:
            db.conn.close()

    async def check(self) -> None:
        deps = self.webhook.deps
        digest, keywords = self._digest(), self._keywords()
        if deps.knowledge is not self.engine:       # reloaded here meanwhile (an edit in this console, HUP)
            self.engine, self.digest = deps.knowledge, digest
        elif digest and digest != self.digest:
            self.digest = digest
            if await asyncio.to_thread(self._reload_knowledge):
                log.info("knowledge changed by another process: reloaded")
            self.engine = deps.knowledge
        if keywords != self.keywords:
            self.keywords = keywords
            deps.keywords.reload()


async def follow(app: web.Application):
    """cleanup_ctx of the console: the follower runs while the app serves (file databases only:
    an in-memory one has no other process)."""
    from bot.admin.app import CONSOLE
    console = app[CONSOLE]
    task = None
    if console.cfg.storage.database != ":memory:":
        follower = Follower(console.cfg, console.webhook)

        async def loop() -> None:
            while True:
                await asyncio.sleep(EVERY_SECONDS)
                try:
                    await follower.check()
                except Exception:   # never let one bad look end the following
                    log.exception("following other processes' console changes failed")
        task = asyncio.create_task(loop())
    yield
    if task is not None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
