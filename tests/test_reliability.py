"""Regression tests for the reliability defects (issue "Reliability and scale-out"), one or more
per defect, each through the webhook or the delivery use case against the fake WeChat server."""
from __future__ import annotations

import asyncio
import time

from wechat_peer import text

SEEDS = "社区居民服务中心开展了养老助老、儿童托管、法律咨询和志愿服务等活动，欢迎大家参加。" * 10


def long_text(chars: int) -> str:
    return (SEEDS * (chars // len(SEEDS) + 1))[:chars]


# ---------------------------------------------------------------- 1: long messages
def test_matching_is_linear_in_the_text(engine):
    """20,000 characters used to take minutes (jieba re-segmented the text per candidate)."""
    started = time.perf_counter()
    engine.index.recognise(long_text(20000))
    assert time.perf_counter() - started < 3


async def test_long_message_is_cut_said_so_and_a_greeting_is_not_held_up(make_bot):
    peer, webhook = await make_bot()
    started = time.monotonic()
    long_reply = asyncio.ensure_future(peer.ask(text(long_text(6000), openid="oLong")))
    await asyncio.sleep(0)
    greeting = await peer.ask(text("你好", openid="oGreeter"))
    greeted_after = time.monotonic() - started
    reply = await long_reply
    assert greeting and greeted_after < 2
    assert time.monotonic() - started < webhook.config.server.reply_deadline_seconds + 0.5
    assert "300" in reply and len(reply.encode("utf-8")) <= 2048
