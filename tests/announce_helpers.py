"""Shared helpers of the announcement tests: a bot on a temporary database against the fake
WeChat API, residents put straight into the database, a message said through the dispatcher."""
from __future__ import annotations

import asyncio
import time

from bot.announcements.delivery import Deliverer
from bot.config import load_config
from bot.conversation.router import Message
from bot.wiring import build_webhook
from handlers import build_dispatcher

HOUR = 3600
DISPATCHER = build_dispatcher()


def make_bot(tmp_path, fake_wechat, engine, edges: list, **delivery):
    env = {"BOT_STORAGE_DATABASE": str(tmp_path / "a.db"), "BOT_WECHAT_API_BASE_URL": fake_wechat.base_url,
           "BOT_WECHAT_APP_ID": "wxapp", "BOT_WECHAT_APP_SECRET": "secret", "BOT_DELIVERY_TEMPLATE_ID": "TPL1",
           "BOT_DELIVERY_RATE_PER_SECOND": "100000", "BOT_DELIVERY_BACKOFF_SECONDS": "0.05",
           "BOT_DELIVERY_LIMIT_PAUSE_SECONDS": "0.3"}
    env.update({f"BOT_DELIVERY_{k.upper()}": str(v) for k, v in delivery.items()})
    cfg = load_config(environ=env)
    webhook = build_webhook(cfg, knowledge=engine)
    edges.append(webhook)
    return cfg, webhook


def residents(webhook, community: str, n: int, active: bool = True, prefix: str = "oR") -> list[str]:
    seen = time.time() - (HOUR if active else 72 * HOUR)
    ids = [f"{prefix}{community}{i:05d}" for i in range(n)]
    with webhook.db.conn:
        webhook.db.conn.executemany("insert or replace into residents (openid, community_id, subscribed, context, "
                                    "last_seen) values (?, ?, 1, '', ?)", [(o, community, seen) for o in ids])
    return ids


async def say(webhook, openid: str, text: str) -> str:
    reply = await DISPATCHER.dispatch(Message(kind="text", openid=openid, text=text), webhook.deps)
    return reply.text


async def drain(deliverer: Deliverer, rounds: int = 300) -> None:
    for _ in range(rounds):
        handled = await deliverer.run_once()
        if not handled and not deliverer.outbox.due(1, now=time.time() + 3600):
            return
        if not handled:
            await asyncio.sleep(0.05)
