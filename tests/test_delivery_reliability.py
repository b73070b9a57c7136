"""Reliability of announcements and their delivery (issue "Reliability and scale-out"): crash
safety of 确认, ambiguous outcomes, redaction, odd responses, one channel per resident, leases,
credential errors and retrying failed rows, all against the fake WeChat API server."""
from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest

from bot.config import load_config
from bot.wiring import build_webhook
from handlers import build_dispatcher
from bot.conversation.router import Message

HOUR = 3600


@pytest.fixture
async def setup(tmp_path, fake_wechat, engine):
    webhooks = []

    def make(**settings):
        env = {"BOT_STORAGE_DATABASE": str(tmp_path / "a.db"), "BOT_WECHAT_API_BASE_URL": fake_wechat.base_url,
               "BOT_WECHAT_APP_ID": "wxapp", "BOT_WECHAT_APP_SECRET": "secret", "BOT_DELIVERY_TEMPLATE_ID": "TPL1",
               "BOT_DELIVERY_RATE_PER_SECOND": "100000", "BOT_DELIVERY_BACKOFF_SECONDS": "0.05",
               "BOT_DELIVERY_LIMIT_PAUSE_SECONDS": "0.3", "BOT_WECHAT_API_TIMEOUT_SECONDS": "1"}
        env.update({k.upper() if k.startswith("BOT_") else f"BOT_DELIVERY_{k.upper()}": str(v)
                    for k, v in settings.items()})
        cfg = load_config(environ=env)
        webhook = build_webhook(cfg, knowledge=engine)
        webhooks.append(webhook)
        return cfg, webhook
    yield make
    for webhook in webhooks:
        await webhook.client.close()


def residents(webhook, community: str, n: int, active: bool = True, prefix: str = "oR") -> list[str]:
    seen = time.time() - (HOUR if active else 72 * HOUR)
    ids = [f"{prefix}{community}{i:05d}" for i in range(n)]
    with webhook.db.conn:
        webhook.db.conn.executemany("insert or replace into residents (openid, community_id, subscribed, pending, more, "
                                    "last_seen) values (?, ?, 1, '{}', '[]', ?)", [(o, community, seen) for o in ids])
    return ids


async def say(webhook, openid: str, text: str) -> str:
    reply = await build_dispatcher().dispatch(Message(kind="text", openid=openid, text=text), webhook.deps)
    return reply.text


def announce(webhook, community: str = "yubo", text: str = "周六义诊") -> int:
    return webhook.deps.outbox.create("oStaff", "community", [community], text)


async def drain(deliverer, rounds: int = 200) -> None:
    for _ in range(rounds):
        handled = await deliverer.run_once()
        if not handled and not deliverer.outbox.due(1, now=time.time() + 3600):
            return
        if not handled:
            await asyncio.sleep(0.05)


def states(webhook, aid: int) -> dict[str, int]:
    return dict(webhook.db.conn.execute("select state, count(*) from outbox where announcement_id = ? group by state",
                                        [aid]).fetchall())


# ---------------------------------------------------------------- 2: 确认 and its draft commit together
async def test_confirm_creates_the_announcement_and_clears_the_draft_in_one_commit(setup, tmp_path):
    _, first = setup(BOT_STORAGE_STATE_FLUSH_SECONDS=5, BOT_STORAGE_STATE_CACHE_ENTRIES=0)
    residents(first, "yubo", 2)
    first.deps.staff.add("oStaff", "张三", ["yubo"])
    await say(first, "oStaff", "发布公告 虞波社区 周六上午义诊")
    first.deps.state.flush()              # the draft is stored
    await say(first, "oStaff", "确认")     # ... and the process dies before its next batch
    other = sqlite3.connect(tmp_path / "a.db")
    assert other.execute("select count(*) from announcements").fetchone()[0] == 1
    assert other.execute("select pending from residents where openid = 'oStaff'").fetchone()[0] == "{}"
    _, restarted = setup(BOT_STORAGE_STATE_CACHE_ENTRIES=0)
    await say(restarted, "oStaff", "确认")  # WeChat's retry of 确认 reaches the restarted process
    assert other.execute("select count(*) from announcements").fetchone()[0] == 1
