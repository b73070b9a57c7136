"""Builds the running pieces from a Config: database, deps, outbound client, webhook webhook."""
from __future__ import annotations

import json
import logging
import sys

import sqlite_utils

from bot.channels.wechat.webhook import WeChatWebhook
from bot.channels.wechat.client import TokenStore, WeChatClient, install_redaction
from bot.config import Config
from bot.conversation.turns import TurnMemo
from handlers import ask, build_dispatcher
from bot.conversation.answers import ReplyCache
from bot.conversation.templates import Templates
from bot.conversation.dependencies import Dependencies
from bot.storage.batch import WriteBehind
from bot.storage.questions import QuestionLog
from bot.storage.residents import SQLiteResidents

CONTEXT_BATCH = 5000   # residents' contexts waiting to be written at most (a memory bound between writes)


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    install_redaction()


def open_database(cfg: Config) -> sqlite_utils.Database:
    path = cfg.path(cfg.storage.database) if cfg.storage.database != ":memory:" else None
    if path is None:
        return sqlite_utils.Database(memory=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("pragma journal_mode=wal")
    db.execute("pragma synchronous=normal")
    return db


def load_knowledge(cfg: Config, db: sqlite_utils.Database):
    """The knowledge engine over the database. The database is (re)built from the knowledge files
    when it is empty or the files changed since; if the changed files are refused, the knowledge
    already in the database keeps serving (and an empty database cannot start: KnowledgeError)."""
    from knowledge.engine import Engine
    from knowledge.loader import KnowledgeError, build_database, is_built, is_current
    folder = cfg.path(cfg.knowledge.data_dir)
    if not is_current(db, folder):
        try:
            build_database(db, folder)
        except KnowledgeError as exc:
            if not is_built(db):
                raise
            logging.getLogger("linli.knowledge").error("knowledge files refused, serving the previous build: %s", exc)
    return Engine.from_database(db, threshold=cfg.matching.threshold, margin=cfg.matching.margin)


def prepare_knowledge(cfg: Config) -> None:
    """Build the knowledge into the database if it is missing or stale (before forking workers)."""
    db = open_database(cfg)
    load_knowledge(cfg, db)
    db.conn.close()


def build_dependencies(cfg: Config, db: sqlite_utils.Database, knowledge=None, redis=None) -> Dependencies:
    """`knowledge` may be given (an Engine is immutable, so tests share one); with `redis` the
    conversation context lives there (shared by workers), the rest of a resident in SQLite."""
    from bot.announcements.outbox import Outbox
    from bot.admin.keywords import KeywordReplies
    from bot.announcements.staff import StaffStore
    from bot.announcements.service import Announcements
    writes = WriteBehind(db, seconds=cfg.storage.state_flush_seconds)
    # nearly every message rewrites its resident's context: written less often, one row serves many messages
    context_writes = WriteBehind(db, seconds=cfg.storage.context_flush_seconds, batch=CONTEXT_BATCH)
    residents = SQLiteResidents(db, context_writes, cache_entries=cfg.storage.state_cache_entries)
    if redis is not None:
        from bot.storage.redis_residents import RedisResidents
        residents = RedisResidents(residents, redis, cfg.storage.context_ttl_seconds)
    deps = Dependencies(templates=Templates(cfg.path(cfg.knowledge.templates_dir)), residents=residents,
                        questions=QuestionLog(db, writes),
                        knowledge=knowledge if knowledge is not None else load_knowledge(cfg, db),
                        staff=StaffStore(db), outbox=Outbox(db),
                        reply_cache=ReplyCache(cfg.matching.reply_cache_entries), keywords=KeywordReplies(db))
    deps.announcements = Announcements(db, deps.outbox, deps.staff, cfg.delivery, lambda: deps.knowledge)
    return deps


def build_webhook(cfg: Config, db: sqlite_utils.Database | None = None, knowledge=None) -> WeChatWebhook:
    db = db or open_database(cfg)
    w = cfg.wechat
    redis = shared = None
    if cfg.storage.redis_url:   # what several worker processes must share
        from redis.asyncio import Redis

        from bot.storage.redis_dedup import RedisDeduplicator, RedisReplay
        from bot.storage.redis_token import RedisTokenStore
        redis = Redis.from_url(cfg.storage.redis_url)
        shared = {"dedup": RedisDeduplicator(redis, cfg.dedup.ttl_seconds, cfg.server.reply_deadline_seconds + 1),
                  "replay": RedisReplay(redis)}
    tokens = RedisTokenStore(redis) if redis is not None else TokenStore(db)
    client = WeChatClient(w.api_base_url, w.app_id, w.app_secret, tokens, timeout=w.api_timeout_seconds)
    webhook = WeChatWebhook(config=cfg, dispatcher=build_dispatcher(TurnMemo(cfg.matching.reply_cache_entries, ask.topic_view)), deps=build_dependencies(cfg, db, knowledge, redis),
                            client=client, **(shared or {}))
    from bot.announcements.wechat_api import AccountAPI
    webhook.deps.announcements.api = AccountAPI(client)
    webhook.db, webhook.redis = db, redis
    return webhook


def build_deliverer(cfg: Config, webhook: WeChatWebhook):
    from bot.announcements.delivery import Deliverer
    from bot.announcements.reports import attach_reports
    deps = webhook.deps
    limit = leases = None
    if getattr(webhook, "redis", None) is not None:
        from bot.announcements.leases import worker_name
        from bot.storage.redis_leases import RedisLeases
        from bot.storage.redis_token import RedisRateLimit
        limit = RedisRateLimit(webhook.redis, cfg.delivery.rate_per_second, cfg.wechat.app_id)
        leases = RedisLeases(webhook.redis, deps.outbox, worker_name(), cfg.delivery.lease_seconds)

    def unsubscribed(openid: str) -> None:
        deps.residents.forget(openid)
        deps.announcements.followers.on_event(openid, subscribed=False)
    deliverer = Deliverer(deps.outbox, webhook.client, cfg.delivery, on_unsubscribed=unsubscribed, limit=limit,
                          leases=leases)
    attach_reports(deliverer, deps)
    return deliverer


def rebuild_knowledge(cfg: Config, db: sqlite_utils.Database | None = None) -> bool:
    """Rebuild the knowledge database from the files; False (logged) when a file is refused.

    Validation happens before anything is written and the write is one transaction, so a
    refused file leaves the database as it was."""
    from knowledge.loader import KnowledgeError, build_database
    own = db is None
    db = db or open_database(cfg)
    try:
        build_database(db, cfg.path(cfg.knowledge.data_dir))
    except KnowledgeError as exc:
        for problem in exc.problems[:20]:
            logging.getLogger("linli.knowledge").error("knowledge refused, still serving the previous knowledge: %s",
                                                       problem)
        return False
    finally:
        if own:
            db.conn.close()
    return True


def reload_knowledge(cfg: Config, db: sqlite_utils.Database, deps: Dependencies, rebuild: bool = True) -> bool:
    """Rebuild from the knowledge files (unless `rebuild` is False: serve's parent process did it
    for its workers) and swap the engine (and re-read the reply templates) in; on a bad
    knowledge file keep serving the old."""
    from knowledge.engine import Engine
    log = logging.getLogger("linli.knowledge")
    if rebuild and not rebuild_knowledge(cfg, db):
        return False
    deps.knowledge = Engine.from_database(db, threshold=cfg.matching.threshold, margin=cfg.matching.margin)
    deps.templates = Templates(cfg.path(cfg.knowledge.templates_dir))
    log.info("knowledge and templates reloaded")
    return True


def describe(cfg: Config) -> str:
    """Start-up line with the settings that matter, secrets left out."""
    from knowledge.loader import digest
    return json.dumps({"listen": f"{cfg.server.host}:{cfg.server.port}{cfg.server.path}",
                       "database": cfg.storage.database, "mode": "aes" if cfg.wechat.encoding_aes_key else "plain",
                       "api": cfg.wechat.api_base_url, "redis": bool(cfg.storage.redis_url),
                       "knowledge": digest(cfg.path(cfg.knowledge.data_dir))[:12]}, ensure_ascii=False)


def mount_pages(app, webhook: WeChatWebhook) -> None:
    """Announcement pages (/a/<token>) on the webhook's app: what news links point to."""
    from bot.announcements.pages import mount
    mount(app, webhook.deps.outbox, webhook.config.path(webhook.config.knowledge.templates_dir))


def mount_console(app, webhook: WeChatWebhook):
    """The operators' web console under admin.path, as a sub-application of the webhook's app."""
    from bot.admin.app import mount
    return mount(app, webhook)
