"""Several workers against one account, sharing a real Redis: a retry landing on another worker
is answered once, one token fetch serves both, every recipient gets one delivery, and
`run_bot.py serve --workers 2` serves one port from two processes."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from bot.channels.wechat.webhook import make_app
from bot.wiring import build_deliverer, build_webhook
from conftest import AES_KEY, APP_ID, TOKEN
from workers import worker_pids
from redis_server import RedisServer, free_port
from wechat_peer import Peer, text

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
async def workers(redis_server, make_config, engine, aiohttp_client):
    """Two workers (own webhook, client, Redis connection) on one database and one Redis."""
    redis_server.flush()
    cfg = make_config(BOT_STORAGE_REDIS_URL=redis_server.url, BOT_STORAGE_STATE_CACHE_ENTRIES=0,
                      BOT_DELIVERY_RATE_PER_SECOND=100000, BOT_DELIVERY_TEMPLATE_ID="TPL1")
    made = []
    for _ in range(2):
        webhook = build_webhook(cfg, knowledge=engine)
        client = await aiohttp_client(make_app(webhook))
        made.append((Peer(client, TOKEN, aes_key=AES_KEY, app_id=APP_ID), webhook))
    return cfg, made


def questions(webhook) -> int:
    webhook.deps.flush()
    return webhook.db.conn.execute("select count(*) from questions").fetchone()[0]


async def test_a_retry_landing_on_the_other_worker_is_answered_once(workers, fake_wechat):
    _, [(a, wa), (b, wb)] = workers
    fake_wechat.delay = 0
    xml, q = text("丹顶鹤社区书记是谁", openid="oRetry"), a.query()
    first, retry = await asyncio.gather(a.ask(xml, query=q), b.ask(xml, query=q))   # both in flight at once
    later = await b.ask(xml, query=q)                                              # and once more, later
    assert first and first == retry == later
    wa.deps.flush()
    assert questions(wb) == 1
    assert wa.metrics.retries._value.get() + wb.metrics.retries._value.get() == 2


async def test_a_signed_query_replayed_on_the_other_worker_is_refused(workers):
    _, [(a, _), (b, _)] = workers
    q = a.query()
    assert (await a.post(text("你好", openid="oA"), query=q)).status == 200
    assert (await b.post(text("发布公告 全体 假消息", openid="oB"), query=q)).status == 403


async def test_one_token_fetch_for_both_workers(workers, fake_wechat):
    _, [(_, wa), (_, wb)] = workers
    await asyncio.gather(*(w.client.send_text(f"o{i}", "hi") for i in range(5) for w in (wa, wb)))
    assert len(fake_wechat.calls_to("/cgi-bin/stable_token")) == 1
    assert len(fake_wechat.calls_to("/cgi-bin/message/custom/send")) == 10


async def test_two_delivery_workers_deliver_once_per_recipient(workers, fake_wechat):
    cfg, [(_, wa), (_, wb)] = workers
    seen = time.time() - 3600
    with wa.db.conn:
        wa.db.conn.executemany("insert into residents (openid, community_id, subscribed, context, last_seen) "
                               "values (?, 'yubo', 1, '', ?)", [(f"oR{i:04d}", seen) for i in range(300)])
    wa.deps.outbox.create("cli", "community", ["yubo"], "停水通知")
    da, db = build_deliverer(cfg, wa), build_deliverer(cfg, wb)
    for _ in range(20):
        await asyncio.gather(da.run_once(50), db.run_once(50))
    got = Counter(o for o, _ in fake_wechat.delivered)
    assert len(got) == 300 and set(got.values()) == {1}
    assert len(fake_wechat.calls_to("/cgi-bin/stable_token")) == 1
    # the leases were in Redis (none in the rows) and each went once its row was confirmed
    assert wa.db.conn.execute("select count(*) from outbox where lease_until is not null").fetchone()[0] == 0
    assert await wa.redis.keys("linli:lease:*") == []


@pytest.fixture
async def deliverers(redis_server, make_config, engine, fake_wechat):
    """Delivery workers of their own (webhook, Redis connection) on one database and one Redis."""
    redis_server.flush()
    made = []

    def make(**settings):
        cfg = make_config(BOT_STORAGE_REDIS_URL=redis_server.url, BOT_STORAGE_STATE_CACHE_ENTRIES=0,
                          BOT_DELIVERY_RATE_PER_SECOND=100000, BOT_WECHAT_API_TIMEOUT_SECONDS=5, **settings)
        webhook = build_webhook(cfg, knowledge=engine)
        made.append(webhook)
        return build_deliverer(cfg, webhook)
    yield make
    for webhook in made:
        await webhook.client.close()
        await webhook.redis.aclose()


def outbox_states(deliverer, ids) -> dict[str, int]:
    marks = ",".join("?" * len(ids))
    return dict(Counter(r[0] for r in deliverer.outbox.db.conn.execute(f"select state from outbox where id in ({marks})", ids)))


async def test_two_deliverers_never_claim_the_same_row(deliverers):
    a, b = deliverers(), deliverers()
    with a.outbox.db.conn:
        a.outbox.db.conn.executemany("insert into residents (openid, community_id, subscribed, context, last_seen) "
                                     "values (?, 'yubo', 1, '', ?)", [(f"oC{i}", time.time()) for i in range(20)])
    a.outbox.create("cli", "community", ["yubo"], "停水通知")
    a.outbox.queue_due()
    rows_a, rows_b = a.outbox.due(20), b.outbox.due(20)
    won = await asyncio.gather(*(w.leases.claim(r, "custom") for pair in zip(rows_a, rows_b)
                                 for w, r in zip((a, b), pair)))
    assert sum(won) == 20 and all(x != y for x, y in zip(won[::2], won[1::2]))   # one winner per row
    # a pending row whose Redis lease is held (its claimer died before claiming the row itself)
    # is taken by nobody until that lease expires
    with a.outbox.db.conn:
        a.outbox.db.conn.execute("update outbox set state = 'pending' where id = ?", [rows_a[0].id])
    assert not await b.leases.claim(b.outbox.due(1)[0], "custom")


async def test_only_a_dead_workers_expired_redis_leases_are_settled(deliverers, fake_wechat):
    """A worker claimed two rows and died (kill -9: its leases are never renewed nor released);
    a live worker is in slow calls that outlast the lease (it renews). A third worker settling
    expired leases meanwhile settles the dead worker's rows only, and only once expired."""
    dead, live, other = (deliverers(BOT_DELIVERY_LEASE_SECONDS=0.6) for _ in range(3))
    with dead.outbox.db.conn:
        dead.outbox.db.conn.executemany("insert into residents (openid, community_id, subscribed, context, last_seen) "
                                        "values (?, 'yubo', 1, '', ?)", [(f"oL{i}", time.time()) for i in range(6)])
    dead.outbox.create("cli", "community", ["yubo"], "停电通知")
    dead.outbox.queue_due()
    died = dead.outbox.due(2)
    for row in died:
        assert await dead.leases.claim(row, "custom")
    await other.settle_expired()
    assert outbox_states(other, [r.id for r in died]) == {"claimed": 2}       # not expired yet: left alone
    fake_wechat.delay = 1.0                      # WeChat answers slowly: the calls outlast the lease
    busy = asyncio.create_task(live.run_once())
    await asyncio.sleep(0.3)
    for _ in range(6):
        await other.settle_expired()
        await asyncio.sleep(0.2)
    await busy
    all_ids = [r[0] for r in other.outbox.db.conn.execute("select id from outbox")]
    assert outbox_states(other, [r.id for r in died]) == {"uncertain": 2}
    assert outbox_states(other, all_ids) == {"uncertain": 2, "sent": 4}
    assert sorted(o for o, _ in fake_wechat.delivered) == sorted({o for o, _ in fake_wechat.delivered})
    assert len(fake_wechat.delivered) == 4


def test_serve_with_two_workers_shares_one_port_and_outlives_a_killed_worker(redis_server, tmp_path):
    port = free_port()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "BOT_SERVER_PORT": str(port), "BOT_WECHAT_TOKEN": TOKEN,
           "BOT_STORAGE_DATABASE": str(tmp_path / "w.db"), "BOT_STORAGE_REDIS_URL": redis_server.url}
    proc = subprocess.Popen([sys.executable, "run_bot.py", "serve", "--workers", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        pids = worker_pids(f"http://127.0.0.1:{port}")
        assert len(pids) == 2, proc.stdout.read1().decode() if proc.poll() is not None else pids
        os.kill(int(next(iter(pids))), signal.SIGKILL)        # one worker dies: the other serves on
        time.sleep(1)     # connections queued on the dead worker's socket are reset; new ones are not
        for _ in range(20):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as resp:
                assert resp.status == 200
        killed, alive = next(iter(pids)), set()
        for _ in range(1200):                                  # until the restarted worker serves too
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as resp:
                alive.add(resp.headers.get("X-Worker"))
            if len(alive - {killed}) == 2:
                break
            time.sleep(0.1)
        proc.send_signal(signal.SIGHUP)                        # reload: rebuilt once, reloaded by each
        time.sleep(5)
    finally:
        proc.terminate()
        proc.wait(20)
    assert proc.returncode == 0
    log = proc.stdout.read().decode()
    assert log.count("knowledge and templates reloaded") == 2 and "refused" not in log, log


def test_several_workers_need_redis(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "BOT_WECHAT_TOKEN": TOKEN, "BOT_STORAGE_DATABASE": str(tmp_path / "w.db")}
    out = subprocess.run([sys.executable, "run_bot.py", "serve", "--workers", "2"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "redis_url" in out.stderr


async def test_a_flow_started_on_one_worker_continues_on_the_other(workers, redis_server):
    """The conversation context is in Redis, written before the reply: the very next message
    continues the flow on the other worker, and the SQLite context column stays empty."""
    cfg, [(a, wa), (b, wb)] = workers
    with wa.db.conn:
        wa.db.conn.execute("insert into residents (openid, community_id, subscribed, context, last_seen) "
                           "values ('oFollower', 'yubo', 1, '', ?)", [time.time()])
    wa.deps.staff.add("oStaffW", "孙", ["yubo"])
    preview = await a.ask(text("发布公告 虞波社区 周六义诊", openid="oStaffW"))
    assert "确认" in preview
    assert 1800_000 <= await wa.redis.pttl("linli:ctx:oStaffW") <= cfg.storage.context_ttl_seconds * 1000
    assert "#" in await b.ask(text("确认", openid="oStaffW"))       # no pause: nothing waits to be written
    assert wb.db["announcements"].count == 1
    assert await wa.redis.exists("linli:ctx:oStaffW") == 0          # the draft is closed for everyone
    wa.deps.flush(), wb.deps.flush()
    contexts = [r[0] for r in wa.db.conn.execute("select context from residents where openid = 'oStaffW'")]
    assert contexts in ([], [""], [None])


async def test_a_crash_between_the_announcement_and_the_closed_draft_doubles_nothing(workers):
    """确认 commits the announcement in SQLite, then closes the draft in Redis. A worker that dies
    in between leaves the draft open in Redis (recreated here exactly: the key as it was before
    the 确认). The retried 确认, on the other worker, answers with the announcement already made."""
    _, [(a, wa), (b, wb)] = workers
    with wa.db.conn:
        wa.db.conn.execute("insert into residents (openid, community_id, subscribed, context, last_seen) "
                           "values ('oFollower', 'yubo', 1, '', ?)", [time.time()])
    wa.deps.staff.add("oStaffC", "孙", ["yubo"])
    await a.ask(text("发布公告 虞波社区 周日停水", openid="oStaffC"))
    key = "linli:ctx:oStaffC"
    before = await wa.redis.get(key)
    first = await a.ask(text("确认", openid="oStaffC"))
    assert "#" in first and wa.db["announcements"].count == 1
    await wa.redis.set(key, before, px=60000)           # the state write that the crash prevented
    again = await b.ask(text("确认", openid="oStaffC"))
    assert again == first                               # answered as done, with the same number
    assert wb.db["announcements"].count == 1
    assert await wa.redis.exists(key) == 0              # and now the draft is closed
    await b.ask(text("确认", openid="oStaffC"))        # nothing left to confirm
    assert wb.db["announcements"].count == 1


async def test_a_worker_dying_while_it_closes_the_draft_doubles_nothing(workers, redis_server):
    """The same crash window, live: Redis holds every write (CLIENT PAUSE WRITE) while a worker
    answers 确认; once the announcement is committed in SQLite the worker dies (its task is
    cancelled while its context write waits). The retried 确认 on the other worker makes nothing new."""
    from redis.asyncio import Redis

    from announce_helpers import DISPATCHER
    from bot.conversation.message import Message
    _, [(a, wa), (b, wb)] = workers
    with wa.db.conn:
        wa.db.conn.execute("insert into residents (openid, community_id, subscribed, context, last_seen) "
                           "values ('oFollower', 'yubo', 1, '', ?)", [time.time()])
    wa.deps.staff.add("oStaffK", "孙", ["yubo"])
    await a.ask(text("发布公告 虞波社区 周一停气", openid="oStaffK"))
    control = Redis.from_url(redis_server.url)
    await control.execute_command("CLIENT", "PAUSE", 10000, "WRITE")
    try:
        dying = asyncio.ensure_future(DISPATCHER.dispatch(Message(kind="text", openid="oStaffK", text="确认"), wa.deps))
        for _ in range(200):
            if wa.db["announcements"].count:
                break
            await asyncio.sleep(0.01)
        assert wa.db["announcements"].count == 1
        await asyncio.sleep(0.1)
        assert not dying.done()                     # still waiting to close the draft in Redis
        dying.cancel()
    finally:
        await control.execute_command("CLIENT", "UNPAUSE")
        await control.aclose()
    # a write the worker had already sent is carried out by Redis once unpaused, whatever became of
    # the worker: the draft is then closed; otherwise it is still open and the retry finds the announcement
    still_open = await wa.redis.exists("linli:ctx:oStaffK")
    again = await b.ask(text("确认", openid="oStaffK"))
    assert ("#1" in again) if still_open else ("#" not in again)
    assert wb.db["announcements"].count == 1


async def test_kill_9_of_a_worker_under_load_loses_no_acknowledged_binding(redis_server, tmp_path):
    """200 residents say where they live while one of two workers is killed; WeChat re-sends
    what got no answer. Every acknowledged binding is in the database, and each is answered."""
    import aiohttp

    from wechat_peer import reply_text, signature
    port, db = free_port(), tmp_path / "k.db"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "BOT_SERVER_PORT": str(port), "BOT_WECHAT_TOKEN": TOKEN,
           "BOT_STORAGE_DATABASE": str(db), "BOT_STORAGE_REDIS_URL": redis_server.url}
    proc = subprocess.Popen([sys.executable, "run_bot.py", "serve", "--workers", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:
            pids: set[str] = set()
            for _ in range(1200):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        pids.add(resp.headers["X-Worker"])
                except aiohttp.ClientError:
                    pass
                if len(pids) == 2:
                    break
                await asyncio.sleep(0.1)
            assert len(pids) == 2

            async def bind(i: int) -> str:
                body = text("我住在虞波社区", openid=f"oKill{i:04d}", msg_id=10**15 + i)
                for attempt in range(20):                   # WeChat's retries, each freshly signed
                    ts, nonce = str(int(time.time())), f"{i}-{attempt}-{time.monotonic_ns()}"
                    q = {"signature": signature(TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce}
                    try:
                        async with http.post(f"http://127.0.0.1:{port}/wechat", params=q, data=body) as resp:
                            if resp.status == 200:
                                return reply_text(await resp.text())
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.2)
                return ""
            tasks = [asyncio.ensure_future(bind(i)) for i in range(200)]
            await asyncio.sleep(0.3)
            os.kill(int(next(iter(pids))), signal.SIGKILL)
            replies = await asyncio.gather(*tasks)
    finally:
        proc.terminate()
        proc.wait(30)
    import sqlite3
    bound = dict(sqlite3.connect(db).execute("select openid, community_id from residents").fetchall())
    assert all(replies), "a resident never got an answer"
    assert all(bound.get(f"oKill{i:04d}") == "yubo" for i in range(200))


async def test_redis_down_while_fetching_the_token_is_a_transient_error(fake_wechat):
    """Nothing was sent, so the outbox row goes back to pending (not left claimed, not uncertain)."""
    from redis.asyncio import Redis

    from bot.channels.wechat.client import TransientError, WeChatClient
    from bot.storage.redis_token import RedisTokenStore
    redis = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0")     # nothing listens there
    client = WeChatClient(fake_wechat.base_url, "wxapp", "secret", RedisTokenStore(redis))
    with pytest.raises(TransientError):
        await client.send_text("oR1", "停水通知")
    await client.close()
    await redis.aclose()
    assert fake_wechat.calls_to("/cgi-bin/message/custom/send") == []


async def test_a_message_whose_worker_died_is_answered_by_the_retry(redis_server):
    from redis.asyncio import Redis

    from bot.storage.redis_dedup import RedisDeduplicator
    redis_server.flush()
    redis = Redis.from_url(redis_server.url)
    dying, live = RedisDeduplicator(redis, 60, wait_seconds=1.0), RedisDeduplicator(redis, 60, wait_seconds=1.0)
    # a worker claimed the message and was killed (-9) before answering: its mark stays behind
    assert await redis.set("linli:msg:oD|1|9", b"\x00running", nx=True, px=dying.running_ms)

    async def answer():
        return ("<xml>reply</xml>", "ask", "replied")
    result, duplicate = await live.once("oD|1|9", answer)
    assert result == ("<xml>reply</xml>", "ask", "replied") and not duplicate
    await redis.aclose()
