"""Schema changes as recorded migrations (sqlite-utils' `Migrations`, one set per owner module).

Each table's owner module declares its migration set `MIGRATIONS` and applies it when it is
constructed, so a running bot brings its database forward as it starts; `apply_all` does it for
every owner at once (a database prepared ahead, and the test that every owned table has a set).
What has run is recorded in `_sqlite_migrations`, so an old database is brought forward and a
new one is created the same way. The knowledge tables are not migrated: they are rebuilt from
the knowledge files (knowledge/loader.py)."""
from __future__ import annotations

import importlib

import sqlite_utils

OWNERS = ("bot.storage.residents", "bot.storage.questions", "bot.announcements.staff", "bot.announcements.outbox",
          "bot.announcements.invites", "bot.announcements.channels", "bot.announcements.followers",
          "bot.announcements.service", "bot.channels.wechat.client", "bot.admin.users", "bot.admin.audit",
          "bot.admin.kbfiles", "bot.admin.keywords", "bot.admin.menu", "bot.admin.drafts",
          "bot.admin.chats")


def migration_sets():
    """Every owner module's migration set, in a fixed order."""
    for name in OWNERS:
        module = importlib.import_module(name)
        if hasattr(module, "MIGRATIONS"):
            yield module.MIGRATIONS


def apply_all(db: sqlite_utils.Database) -> None:
    for migrations in migration_sets():
        migrations.apply(db)
