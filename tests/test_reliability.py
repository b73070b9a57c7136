"""Regression tests for the reliability defects (issue "Reliability and scale-out"), one or more
per defect, each through the webhook or the delivery use case against the fake WeChat server."""
from __future__ import annotations

import asyncio
import logging
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


# ---------------------------------------------------------------- 8: replays
async def test_a_replay_after_the_retry_memory_forgot_is_not_processed_again(make_bot):
    peer, webhook = await make_bot(BOT_DEDUP_TTL_SECONDS=1)
    webhook.deps.staff.add("oStaff", "张三", ["yubo"])
    with webhook.db.conn:     # an audience to address
        webhook.db.conn.execute("insert into residents (openid, community_id, subscribed, context, last_seen) "
                                "values ('oRyubo', 'yubo', 1, '', strftime('%s', 'now'))")
    compose, confirm = text("发布公告 虞波社区 周六义诊", openid="oStaff"), text("确认", openid="oStaff")
    q1, q2 = peer.query(), peer.query()
    assert "确认" in await peer.ask(compose, query=q1)
    assert "#" in await peer.ask(confirm, query=q2)
    await asyncio.sleep(1.2)                                  # the retry memory has forgotten both
    for xml, q in ((compose, q1), (confirm, q2)):              # the captured pair, replayed
        assert (await peer.post(xml, query=q)).status in (200, 403)
    assert webhook.db.conn.execute("select count(*) from announcements").fetchone()[0] == 1


async def test_a_signed_query_cannot_carry_another_message(bot):
    q = bot.query()
    assert (await bot.post(text("你好", openid="oA"), query=q)).status == 200
    assert (await bot.post(text("发布公告 全体 假消息", openid="oB"), query=q)).status == 403


async def test_wechats_retry_with_the_same_query_is_answered_once(make_bot):
    peer, webhook = await make_bot()
    xml, q = text("丹顶鹤社区书记是谁", openid="oRetry"), peer.query()
    first, again = await peer.ask(xml, query=q), await peer.ask(xml, query=q)
    assert first and first == again
    assert webhook.metrics.retries._value.get() == 1


# ---------------------------------------------------------------- 10: broken bodies, long URLs
async def raw_exchange(peer, data: bytes, close_early: bool = False) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", peer.client.server.port)
    writer.write(data)
    await writer.drain()
    if close_early:
        await asyncio.sleep(0.1)
        writer.close()
        await asyncio.sleep(0.2)
        return b""
    answer = await asyncio.wait_for(reader.read(200), 5)
    writer.close()
    return answer


def no_traceback(caplog) -> None:
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], caplog.text


async def test_corrupt_gzip_is_400_without_traceback(bot, caplog):
    q = "&".join(f"{k}={v}" for k, v in bot.query().items())
    head = (f"POST /wechat?{q} HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\n").encode()
    with caplog.at_level(logging.INFO):
        answer = await raw_exchange(bot, head + b"0123456789")
    assert answer.startswith(b"HTTP/1.1 400")
    no_traceback(caplog)


async def test_client_gone_mid_body_is_one_quiet_line(bot, caplog):
    q = "&".join(f"{k}={v}" for k, v in bot.query().items())
    head = f"POST /wechat?{q} HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n".encode()
    with caplog.at_level(logging.INFO):
        await raw_exchange(bot, head + b"<xml><Content>", close_early=True)
    no_traceback(caplog)


async def test_url_over_8190_bytes_is_refused_without_traceback(bot, caplog):
    with caplog.at_level(logging.INFO):
        answer = await raw_exchange(bot, b"GET /wechat?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.split(b" ")[1] in (b"400", b"414")
    no_traceback(caplog)
    assert len([r for r in caplog.records if r.name == "aiohttp.server"]) <= 1


# ---------------------------------------------------------------- 12: UTF-8 only
async def test_utf16_and_utf32_bodies_are_refused(bot):
    doctype = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "boom">]>' + text("&e;")
    for body in (doctype.encode("utf-16"), doctype.encode("utf-16-le"), text("你好").encode("utf-32")):
        assert (await bot.post(body)).status == 400


# ---------------------------------------------------------------- 13: events in one second
async def test_two_events_in_the_same_second_are_both_handled(make_bot):
    from wechat_peer import event
    peer, webhook = await make_bot()
    now = int(time.time())
    first = await peer.ask(event("CLICK", "MENU_ELDERLY", openid="oTwo", create_time=now))
    second = await peer.ask(event("CLICK", "MENU_CHILDREN", openid="oTwo", create_time=now))
    assert first and second
    assert webhook.metrics.retries._value.get() == 0          # the second was not taken for a retry


# ---------------------------------------------------------------- 11: slow clients, floods of log lines
async def test_half_open_connections_neither_block_nor_outlive_the_header_timeout(make_config, engine, unused_tcp_port):
    from bot.channels.wechat.serving import serve
    from bot.channels.wechat.webhook import make_app
    from bot.wiring import build_webhook
    cfg = make_config(BOT_SERVER_PORT=unused_tcp_port, BOT_SERVER_HEADER_TIMEOUT_SECONDS=1,
                      BOT_SERVER_MAX_CONNECTIONS=32)
    stop = asyncio.Event()
    server = asyncio.ensure_future(serve(make_app(build_webhook(cfg, knowledge=engine)), cfg, stop=stop))
    await asyncio.sleep(0.5)
    slow = []
    for _ in range(60):                      # more than max_connections, each stuck in its headers
        reader, writer = await asyncio.open_connection("127.0.0.1", unused_tcp_port)
        writer.write(b"POST /wechat HTTP/1.1\r\nHost: x\r\n")
        slow.append((reader, writer))
    await asyncio.sleep(1.6)                 # past the header timeout: they have all been closed
    closed = 0
    for reader, writer in slow:
        try:
            closed += await asyncio.wait_for(reader.read(100), 1) == b""
        except (ConnectionError, asyncio.TimeoutError):
            closed += 1
        writer.close()
    assert closed == len(slow)
    reader, writer = await asyncio.open_connection("127.0.0.1", unused_tcp_port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert (await asyncio.wait_for(reader.read(100), 2)).startswith(b"HTTP/1.1 200")
    writer.close()
    stop.set()
    await server


def test_repeated_log_lines_are_rate_limited():
    from bot.channels.wechat.serving import RepeatLimit
    now = [0.0]
    limit = RepeatLimit(burst=5, period=10, clock=lambda: now[0])
    record = lambda: logging.LogRecord("asyncio", logging.ERROR, "f", 1, "socket.accept() out of system resource", None, None)  # noqa: E731
    passed = sum(limit.filter(record()) for _ in range(10000))
    assert passed == 5
    now[0] = 11
    summary = record()
    assert limit.filter(summary) and "9995 more" in summary.getMessage()


# ---------------------------------------------------------------- 14: the public default token
def test_default_token_is_refused_off_loopback_and_warned_about_on_it(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    env = {"PATH": "/usr/bin:/bin", "BOT_STORAGE_DATABASE": str(tmp_path / "t.db"), "BOT_SERVER_HOST": "0.0.0.0"}
    out = subprocess.run([sys.executable, "run_bot.py", "serve"], cwd=root, env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2 and "default token" in out.stderr
    from bot.channels.wechat.serving import check_token
    from bot.config import load_config
    assert "PUBLIC DEFAULT" in check_token(load_config(environ={"BOT_SERVER_HOST": "127.0.0.1"}))
    assert check_token(load_config(environ={"BOT_WECHAT_TOKEN": "real", "BOT_SERVER_HOST": "0.0.0.0"})) is None
