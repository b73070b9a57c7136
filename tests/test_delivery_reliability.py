"""Reliability of announcements and their delivery (issue "Reliability and scale-out"): crash
safety of 确认, ambiguous outcomes, redaction, odd responses, one channel per resident, leases,
credential errors and retrying failed rows, all against the fake WeChat API server."""
from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from announce_helpers import drain, residents, say
from bot.config import load_config
from bot.wiring import build_deliverer, build_webhook
ROOT = Path(__file__).resolve().parent.parent


def tmp_path_of(webhook) -> Path:
    return Path(webhook.config.storage.database)


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


def announce(webhook, community: str = "yubo", text: str = "周六义诊") -> int:
    return webhook.deps.outbox.create("cli", "community", [community], text)   # the CLI gets no WeChat report


def states(webhook, aid: int) -> dict[str, int]:
    return dict(webhook.db.conn.execute("select state, count(*) from outbox where announcement_id = ? group by state",
                                        [aid]).fetchall())


# ---------------------------------------------------------------- 2: 确认 and its draft commit together
async def test_confirm_creates_the_announcement_and_clears_the_draft_in_one_commit(setup, tmp_path):
    _, first = setup(BOT_STORAGE_STATE_FLUSH_SECONDS=5, BOT_STORAGE_STATE_CACHE_ENTRIES=0)
    residents(first, "yubo", 2)
    first.deps.staff.add("oStaff", "张三", ["yubo"])
    await say(first, "oStaff", "发布公告 虞波社区 周六上午义诊")
    first.deps.flush()              # the draft is stored
    await say(first, "oStaff", "确认")     # ... and the process dies before its next batch
    other = sqlite3.connect(tmp_path / "a.db")
    assert other.execute("select count(*) from announcements").fetchone()[0] == 1
    assert '"announce"' not in other.execute("select context from residents where openid = 'oStaff'").fetchone()[0]
    _, restarted = setup(BOT_STORAGE_STATE_CACHE_ENTRIES=0)
    await say(restarted, "oStaff", "确认")  # WeChat's retry of 确认 reaches the restarted process
    assert other.execute("select count(*) from announcements").fetchone()[0] == 1


# ---------------------------------------------------------------- 3: maybe delivered is never blindly re-sent
async def test_timeout_after_delivery_holds_a_customer_service_row(setup, fake_wechat):
    cfg, webhook = setup(BOT_WECHAT_API_TIMEOUT_SECONDS=0.3)
    [openid] = residents(webhook, "yubo", 1)
    aid = announce(webhook)

    async def slow_after_delivering(call):
        if call.path.endswith("custom/send"):
            fake_wechat.delivered.append((call.body["touser"], "accepted"))
            await asyncio.sleep(0.6)           # WeChat sent it, but answers after the client gave up
    fake_wechat.on_call = slow_after_delivering
    await drain(build_deliverer(cfg, webhook))
    await asyncio.sleep(0.7)
    assert len(fake_wechat.calls_to("/cgi-bin/message/custom/send")) == 1
    assert states(webhook, aid) == {"uncertain": 1}
    assert any("maybe sent" in e for e in webhook.deps.outbox.status(aid)["errors"])


async def test_http_5xx_on_customer_service_is_uncertain(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 1)
    aid = announce(webhook)
    fake_wechat.script("/cgi-bin/message/custom/send", ("http", 502), ("http", 502))
    await drain(build_deliverer(cfg, webhook))
    assert len(fake_wechat.calls_to("/cgi-bin/message/custom/send")) == 1 and states(webhook, aid) == {"uncertain": 1}


# ---------------------------------------------------------------- 4: no secret in stored or logged errors
async def test_access_token_never_in_stored_or_logged_errors(setup, fake_wechat, caplog):
    from bot.wiring import setup_logging
    setup_logging("INFO")
    cfg, webhook = setup(max_attempts=1)
    residents(webhook, "yubo", 1, active=False)
    residents(webhook, "dandinghe", 1)
    aid = webhook.deps.outbox.create("cli", "all", [], "义诊")
    fake_wechat.script("/cgi-bin/message/template/send", ("http", 503))
    fake_wechat.script("/cgi-bin/message/custom/send", {"errcode": 40003, "errmsg": "invalid openid rid: x "
                                                        "url=https://api/x?access_token=TOKEN-1&secret=secret"})
    with caplog.at_level(logging.DEBUG):
        await drain(build_deliverer(cfg, webhook))
        logging.getLogger("linli.test").error("call failed: https://api/x?access_token=TOKEN-9&appid=wx")
    stored = " ".join(str(e) for e in webhook.deps.outbox.status(aid)["errors"])
    assert stored and "TOKEN-" not in stored and "secret=secret" not in stored
    rendered = caplog.text
    assert "TOKEN-9" not in rendered and "access_token=***" in rendered


# ---------------------------------------------------------------- 5: odd responses never leave rows claimed
async def test_html_404_from_a_proxy_is_a_transient_error(setup, fake_wechat):
    cfg, webhook = setup(max_attempts=3)
    residents(webhook, "yubo", 2)
    aid = announce(webhook)
    fake_wechat.script("/cgi-bin/message/custom/send", ("http", 404), ("http", 404))
    await drain(build_deliverer(cfg, webhook))
    assert states(webhook, aid) == {"sent": 2}
    assert len(fake_wechat.calls_to("/cgi-bin/message/custom/send")) == 4


# ---------------------------------------------------------------- 6: one channel per resident
async def test_active_resident_of_a_tagged_community_gets_one_message(setup, fake_wechat):
    cfg, webhook = setup(mass_tags="yubo=101")
    active = residents(webhook, "yubo", 3)
    inactive = residents(webhook, "yubo", 3, active=False, prefix="oT")
    fake_wechat.tags[101] = active + inactive        # a tag holds every follower of the community
    aid = announce(webhook)
    await drain(build_deliverer(cfg, webhook))
    got = Counter(o for o, _ in fake_wechat.delivered)
    assert got == Counter(active + inactive)
    assert dict(webhook.db.conn.execute("select channel, count(*) from outbox where announcement_id = ? group by channel",
                                        [aid]).fetchall()) == {"mass": 6}


# ---------------------------------------------------------------- 7: claims are leases
async def test_second_worker_leaves_a_live_workers_claims_alone(setup, fake_wechat):
    cfg, webhook = setup(lease_seconds=0.6, max_attempts=3, BOT_WECHAT_API_TIMEOUT_SECONDS=5)
    residents(webhook, "yubo", 4)
    aid = announce(webhook)
    fake_wechat.delay = 0.8                      # WeChat answers slowly: the calls outlast the lease
    live = build_deliverer(cfg, webhook)
    busy = asyncio.create_task(live.run_once())
    await asyncio.sleep(0.3)
    assert states(webhook, aid) == {"claimed": 4}
    second = build_deliverer(cfg, webhook)      # `serve` or `announce deliver` starting meanwhile
    for _ in range(6):
        await second.settle_expired()
        await second.run_once()
        await asyncio.sleep(0.2)
    await busy
    assert states(webhook, aid) == {"sent": 4}
    assert Counter(o for o, _ in fake_wechat.delivered) == Counter({o: 1 for o, _ in fake_wechat.delivered})
    assert len(fake_wechat.delivered) == 4


async def test_a_dead_workers_expired_claims_are_settled(setup, fake_wechat):
    cfg, webhook = setup(lease_seconds=0.2)
    residents(webhook, "yubo", 2)
    aid = announce(webhook)
    webhook.deps.outbox.queue_due()
    dead = build_deliverer(cfg, webhook)
    for row in webhook.deps.outbox.due(10):
        assert dead.outbox.claim(row, "custom", dead.owner, cfg.delivery.lease_seconds)
    other = build_deliverer(cfg, webhook)
    await other.settle_expired()
    assert states(webhook, aid) == {"claimed": 2}
    await asyncio.sleep(0.3)
    await other.settle_expired()
    assert states(webhook, aid) == {"uncertain": 2}


# ---------------------------------------------------------------- 9: credential errors stop the worker
async def test_credential_error_stops_the_worker_and_retry_resends(setup, fake_wechat, caplog, tmp_path):
    cfg, webhook = setup()
    residents(webhook, "yubo", 5, active=False)
    aid = announce(webhook)
    fake_wechat.script("/cgi-bin/stable_token", {"errcode": 40125, "errmsg": "invalid appsecret"})
    worker = build_deliverer(cfg, webhook)
    with caplog.at_level(logging.ERROR, logger="linli.delivery"):
        await asyncio.wait_for(worker.run(), 5)         # returns on its own: the worker stopped
    assert len(fake_wechat.calls_to("/cgi-bin/stable_token")) == 1
    assert len([r for r in caplog.records if r.name == "linli.delivery"]) == 1
    assert "40125" in caplog.records[-1].getMessage()
    assert states(webhook, aid) == {"pending": 5}       # nothing failed for good
    assert webhook.deps.outbox.status(aid)["worker"].startswith("stopped")
    cfg, restarted = setup()                             # restarted with good credentials
    await drain(build_deliverer(cfg, restarted))
    assert states(webhook, aid) == {"sent": 5}


async def test_announce_retry_resends_failed_rows(setup, fake_wechat):
    cfg, webhook = setup(max_attempts=1)
    residents(webhook, "yubo", 3, active=False)
    aid = announce(webhook)
    fake_wechat.script("/cgi-bin/message/template/send", 40037, 40037, 40037)   # e.g. a wrong template id
    await drain(build_deliverer(cfg, webhook))
    assert states(webhook, aid) == {"failed": 3}
    import subprocess
    import sys
    env = {"BOT_STORAGE_DATABASE": str(tmp_path_of(webhook)), "BOT_WECHAT_TOKEN": "t", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "run_bot.py", "announce", "retry", str(aid)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "3 failed rows" in out.stdout, out.stderr
    await drain(build_deliverer(cfg, webhook))
    assert states(webhook, aid) == {"sent": 3} and len(fake_wechat.delivered) == 3
