"""Staff announcements: composing with confirmation, permissions, and exactly-once delivery
against the fake WeChat API (error codes, crashes, restarts, 10,000 recipients, schedules)."""
from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

import sqlite_utils

from announce_helpers import drain, residents, say
from bot.announcements.outbox import Outbox
from bot.announcements.delivery import Deliverer
from bot.wiring import build_deliverer


# ------------------------------------------------------------------ composing
async def test_unregistered_people_cannot_announce(setup):
    _, webhook = setup()
    assert "只有登记过的社区工作人员" in await say(webhook, "oNobody", "发布公告 虞波社区 周六义诊")


async def test_staff_may_not_address_another_community(setup):
    _, webhook = setup()
    webhook.deps.staff.add("oStaff", "张三", ["yubo"])
    reply = await say(webhook, "oStaff", "发布公告 丹顶鹤社区 周六义诊")
    assert "只能向自己负责的社区" in reply and "丹顶鹤社区" in reply
    assert "只能向自己负责的社区" in await say(webhook, "oStaff", "发布公告 鄞州区 周六义诊")


async def test_preview_then_confirm_then_delivery(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 3)
    residents(webhook, "dandinghe", 2)
    webhook.deps.staff.add("oStaff", "张三", ["yubo"])
    preview = await say(webhook, "oStaff", "发布公告 虞波社区 本周六上午9点在社区服务中心义诊")
    assert "尚未发送" in preview and "3 位" in preview and "确认" in preview
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert fake_wechat.delivered == []                      # nothing before confirmation
    assert "#1" in await say(webhook, "oStaff", "确认")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert sorted(t for _, t in fake_wechat.delivered) == ["本周六上午9点在社区服务中心义诊"] * 3
    assert {o for o, _ in fake_wechat.delivered} == {f"oRyubo{i:05d}" for i in range(3)}


async def test_cancel_sends_nothing(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 2)
    webhook.deps.staff.add("oStaff", "张三", ["yubo"])
    await say(webhook, "oStaff", "发布公告 虞波社区 文化节")
    assert "不会发送" in await say(webhook, "oStaff", "取消")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert fake_wechat.delivered == [] and webhook.db["announcements"].count == 0


async def test_admin_may_address_a_district(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "dandinghe", 2)
    residents(webhook, "haichuang", 1)
    residents(webhook, "yubo", 1)
    webhook.deps.staff.add("oAdmin", "李四", [], role="admin")
    assert "3 位" in await say(webhook, "oAdmin", "发布公告 鄞州区 停水通知：周日8点到12点")
    await say(webhook, "oAdmin", "确认")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert len(fake_wechat.delivered) == 3


async def test_residents_see_recent_announcements(setup):
    cfg, webhook = setup()
    residents(webhook, "yubo", 1)
    webhook.deps.outbox.create("cli", "community", ["yubo"], "周六文化节，欢迎参加")
    webhook.deps.outbox.queue_due()
    assert "周六文化节" in await say(webhook, "oRyubo00000", "最近有什么活动")
    assert "丹顶鹤社区" in await say(webhook, "oOther", "我住在丹顶鹤社区")
    assert "没有发布新的" in await say(webhook, "oOther", "最近有什么通知")


async def test_an_announcement_another_process_sent_reaches_residents_within_a_second(setup):
    cfg, webhook = setup()
    residents(webhook, "yubo", 1)
    assert "周日书画展" not in await say(webhook, "oRyubo00000", "最近有什么活动")
    other = Outbox(sqlite_utils.Database(cfg.storage.database))    # another worker's own connection
    other.create("cli", "community", ["yubo"], "周日书画展在二楼")
    other.queue_due()
    await asyncio.sleep(1.05)
    assert "周日书画展" in await say(webhook, "oRyubo00000", "社区最近有什么活动")
    webhook.deps.outbox.withdraw(1)                                  # this process's own change: at once
    assert "周日书画展" not in await say(webhook, "oRyubo00000", "最近有什么活动")


# ------------------------------------------------------------------ channels and WeChat's errors
async def test_inactive_residents_get_a_template_message(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 1, active=False)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], "义诊")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    call = fake_wechat.calls_to("/cgi-bin/message/template/send")[0]
    assert call.body["template_id"] == "TPL1" and call.body["client_msg_id"].startswith("linli-")
    assert webhook.deps.outbox.status(aid)["channels"] == {"template": {"sent": 1}}


async def test_45015_falls_back_to_template(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 1)
    fake_wechat.script("/cgi-bin/message/custom/send", 45015)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], "义诊")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert fake_wechat.delivered == [("oRyubo00000", "义诊")]
    assert webhook.deps.outbox.status(aid)["channels"] == {"template": {"sent": 1}}


async def test_limits_back_off_and_resume(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 2)
    fake_wechat.script("/cgi-bin/message/custom/send", 45047)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], "义诊")
    deliverer = Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery, concurrency=1)
    await deliverer.run_once()
    assert deliverer.paused_until > time.time()
    assert webhook.deps.outbox.status(aid)["channels"]["custom"].get("pending", 0) >= 1
    await drain(deliverer)
    assert sorted(o for o, _ in fake_wechat.delivered) == ["oRyubo00000", "oRyubo00001"]


async def test_invalid_token_refreshes_once(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 1)
    await webhook.client.access_token()
    fake_wechat.revoke_tokens()
    webhook.deps.outbox.create("cli", "community", ["yubo"], "义诊")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert len(fake_wechat.delivered) == 1 and len(fake_wechat.calls_to("/cgi-bin/stable_token")) == 2


async def test_43004_marks_the_resident_unsubscribed(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 1)
    assert webhook.deps.residents.get("oRyubo00000").subscribed == 1  # now also kept in memory
    fake_wechat.script("/cgi-bin/message/custom/send", 43004)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], "义诊")
    await drain(build_deliverer(cfg, webhook))
    assert webhook.deps.residents.get("oRyubo00000").subscribed == 0
    st = webhook.deps.outbox.status(aid)
    assert st["channels"]["custom"] == {"failed": 1} and "43004: the resident has unsubscribed" in st["errors"]


async def test_server_errors_retry_with_backoff_where_wechat_drops_repeats(setup, fake_wechat):
    """A 5xx may come after WeChat sent the message: template messages are re-sent under their
    client_msg_id (WeChat drops a repeat within 10 minutes); customer-service ones are not."""
    cfg, webhook = setup()
    residents(webhook, "yubo", 1, active=False)
    fake_wechat.script("/cgi-bin/message/template/send", ("http", 502), ("http", 503))
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], "义诊")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    calls = fake_wechat.calls_to("/cgi-bin/message/template/send")
    assert len(calls) == 3 and len({c.body["client_msg_id"] for c in calls}) == 1
    assert fake_wechat.delivered == [("oRyubo00000", "义诊")]
    assert webhook.deps.outbox.status(aid)["channels"]["template"] == {"sent": 1}


async def test_permanent_failure_is_kept_with_its_reason(setup, fake_wechat):
    cfg, webhook = setup(max_attempts=2)
    residents(webhook, "yubo", 1)
    fake_wechat.script("/cgi-bin/message/custom/send", ("http", 404), ("http", 404), ("http", 404))
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], "义诊")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    st = webhook.deps.outbox.status(aid)
    assert st["channels"]["custom"] == {"failed": 1} and any("gave up after 2 attempts" in e for e in st["errors"])


# ------------------------------------------------------------------ exactly once
async def test_crash_between_claim_and_confirm_neither_loses_nor_doubles(setup, fake_wechat):
    cfg, webhook = setup(lease_seconds=0.3)   # a dead worker's claims expire after 0.3 s
    active = residents(webhook, "yubo", 5)
    inactive = residents(webhook, "yubo", 5, active=False, prefix="oT")
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], "义诊")
    deliverer = Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery, concurrency=1)
    worker = asyncio.create_task(deliverer.run())
    crashed = {"custom": False, "template": False}

    async def crash(call):
        kind = "custom" if call.path.endswith("custom/send") else "template" if call.path.endswith("template/send") else None
        if kind and not crashed[kind] and len(fake_wechat.delivered) >= 2:
            crashed[kind] = True
            worker.cancel()     # the process dies while WeChat is handling the call
    fake_wechat.on_call = crash
    for _ in range(2):          # crash once on each channel, restarting the worker each time
        with pytest.raises(asyncio.CancelledError):
            await worker
        await asyncio.sleep(0.1)  # WeChat finishes the call the dead worker made
        worker = asyncio.create_task(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery, concurrency=1).run())
        for _ in range(100):
            if all(crashed.values()) or worker.done():
                break
            await asyncio.sleep(0.02)
    fake_wechat.on_call = None
    await asyncio.sleep(0.4)
    worker.cancel()
    webhook.deps.outbox.reconcile()     # every lease of the dead workers has expired by now
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    got = Counter(o for o, _ in fake_wechat.delivered)
    assert all(n == 1 for n in got.values()), got                       # nobody got it twice
    st = webhook.deps.outbox.status(aid)
    uncertain = st["channels"].get("custom", {}).get("uncertain", 0)
    assert uncertain == 1                                                # the customer-service row is held
    # WeChat did finish the call the dead worker made: everyone has the message exactly once;
    # the template row was re-sent under its client_msg_id, which WeChat de-duplicated
    assert set(got) == set(active) | set(inactive)
    assert len(fake_wechat.calls_to("/cgi-bin/message/template/send")) == 6
    assert st["channels"]["template"] == {"sent": 5}


async def test_restart_with_pending_rows_delivers_the_rest_once(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 50)
    webhook.deps.outbox.create("cli", "community", ["yubo"], "义诊")
    first = Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery)
    await first.run_once(batch=20)
    assert len(fake_wechat.delivered) == 20
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))   # a new process
    got = Counter(o for o, _ in fake_wechat.delivered)
    assert len(got) == 50 and set(got.values()) == {1}


async def test_ten_thousand_recipients_each_exactly_once(setup, fake_wechat):
    cfg, webhook = setup()
    ids = residents(webhook, "yubo", 6000) + residents(webhook, "yubo", 4000, active=False, prefix="oT")
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], "文化节")
    deliverer = Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery, concurrency=32)
    await drain(deliverer, rounds=500)
    got = Counter(o for o, _ in fake_wechat.delivered)
    assert len(got) == 10000 and set(got.values()) == {1} and set(got) == set(ids)
    st = webhook.deps.outbox.status(aid)
    assert st["status"] == "done" and st["channels"] == {"custom": {"sent": 6000}, "template": {"sent": 4000}}


async def test_scheduled_announcement_waits_for_its_time(setup, fake_wechat):
    cfg, webhook = setup()
    residents(webhook, "yubo", 2)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], "明早停水", send_at=time.time() + 0.5)
    deliverer = Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery)
    await deliverer.run_once()
    assert fake_wechat.delivered == [] and webhook.deps.outbox.status(aid)["status"] == "scheduled"
    await asyncio.sleep(0.6)
    await drain(deliverer)
    assert len(fake_wechat.delivered) == 2 and webhook.deps.outbox.status(aid)["status"] == "done"


def test_cli_announce_and_status(tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    env = {"PATH": "/usr/bin:/bin", "BOT_STORAGE_DATABASE": str(tmp_path / "c.db")}
    run = lambda *a: subprocess.run([sys.executable, "run_bot.py", *a], cwd=root, env=env, capture_output=True,  # noqa: E731
                                    text=True, timeout=120)
    assert run("staff", "list").returncode == 0           # creates the database
    import sqlite3
    with sqlite3.connect(tmp_path / "c.db") as conn:
        conn.execute("insert into residents (openid, community_id, subscribed, last_seen) values ('oR1', 'yubo', 1, ?)",
                     [time.time()])
    out = run("announce", "--community", "虞波社区", "--text", "周六义诊", "--at", "2030-01-01 09:00")
    assert out.returncode == 0 and "announcement #1" in out.stdout and "scheduled" in out.stdout
    status = run("announce", "status", "1")
    assert status.returncode == 0 and "scheduled" in status.stdout
    assert run("staff", "add", "oX", "--name", "王五", "--community", "虞波社区").returncode == 0
    assert "王五" in run("staff", "list").stdout


async def test_mass_send_by_tag_where_configured(setup, fake_wechat):
    cfg, webhook = setup(mass_tags="yubo=101")
    inactive = residents(webhook, "yubo", 30, active=False)
    active = residents(webhook, "yubo", 2, prefix="oA")
    other = residents(webhook, "dandinghe", 2, active=False)
    fake_wechat.tags[101] = inactive + active   # the tag holds the community's followers, active or not
    aid = webhook.deps.outbox.create("cli", "all", [], "文化节")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    mass = fake_wechat.calls_to("/cgi-bin/message/mass/sendall")
    assert len(mass) == 1 and mass[0].body["filter"] == {"is_to_all": False, "tag_id": 101}
    got = Counter(o for o, _ in fake_wechat.delivered)
    assert set(got) == set(inactive) | set(active) | set(other) and set(got.values()) == {1}
    st = webhook.deps.outbox.status(aid)["channels"]
    assert st == {"mass": {"sent": 32}, "template": {"sent": 2}}   # one channel per resident


async def test_mass_send_after_a_crash_is_not_repeated(setup, fake_wechat):
    cfg, webhook = setup(mass_tags="yubo=101", lease_seconds=0.2)
    inactive = residents(webhook, "yubo", 5, active=False)
    fake_wechat.tags[101] = inactive
    webhook.deps.outbox.create("cli", "community", ["yubo"], "停水通知")
    deliverer = Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery)
    worker = asyncio.create_task(deliverer.run())

    async def crash(call):
        if call.path.endswith("mass/sendall"):
            fake_wechat.on_call = None
            worker.cancel()
    fake_wechat.on_call = crash
    with pytest.raises(asyncio.CancelledError):
        await worker
    await asyncio.sleep(0.1)
    assert webhook.db.conn.execute("select count(*) from outbox where state = 'claimed'").fetchone()[0] == 5
    restarted = Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery)
    assert restarted.outbox.reconcile() == {"resent_with_dedup_key": 0, "uncertain": 0}  # the lease still runs
    await asyncio.sleep(0.25)
    restarted.outbox.reconcile()
    await drain(restarted)
    assert len(fake_wechat.calls_to("/cgi-bin/message/mass/sendall")) == 2          # re-sent under the same clientmsgid
    assert Counter(o for o, _ in fake_wechat.delivered) == Counter(inactive)         # WeChat refused the repeat
    assert webhook.db.conn.execute("select count(*) from outbox where state = 'sent'").fetchone()[0] == 5


def test_cli_accepts_what_wechat_accepts_and_refuses_what_cannot_work(tmp_path):
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    env = {"PATH": "/usr/bin:/bin", "BOT_STORAGE_DATABASE": str(tmp_path / "c.db")}
    run = lambda *a: subprocess.run([sys.executable, "run_bot.py", *a], cwd=root, env=env, capture_output=True,  # noqa: E731
                                    text=True, timeout=120)
    no_community = run("staff", "add", "oX", "--name", "周")
    assert no_community.returncode == 2 and "--community" in no_community.stderr
    assert run("staff", "add", "oA", "--name", "李", "--role", "admin").returncode == 0
    short = run("staff", "add", "oY", "--name", "王", "--community", "虞波")
    assert short.returncode == 0 and "yubo" in short.stdout
    namesakes = run("staff", "add", "oZ", "--name", "赵", "--community", "阳光社区")
    assert namesakes.returncode != 0 and "yangguang-a" in namesakes.stderr and "yangguang-b" in namesakes.stderr
    invite = run("staff", "invite", "--community", "虞波社区", "--name", "周")
    assert invite.returncode == 0 and "绑定工作人员" in invite.stdout
    code = invite.stdout.split("invite code ")[1].split()[0]
    with sqlite3.connect(tmp_path / "c.db") as conn:
        assert conn.execute("select communities from staff_invites where code = ?", [code]).fetchone()[0] == '["yubo"]'
        conn.execute("insert into residents (openid, community_id, subscribed, last_seen) values ('oR1', 'yubo', 1, ?)",
                     [time.time()])
    status = run("announce", "status")
    assert status.returncode == 2 and "usage: run_bot.py announce status ID" in status.stderr
    past = run("announce", "--community", "虞波", "--text", "停水", "--at", "2020-01-01 09:00")
    assert past.returncode == 2 and "in the past" in past.stderr
    empty = run("announce", "--community", "后大街社区", "--text", "停水")
    assert empty.returncode == 2 and "empty audience" in empty.stderr
    later = run("announce", "--community", "虞波", "--text", "停水", "--at", "2030-01-01 09:00")
    assert later.returncode == 0 and "1 by custom" in later.stdout
    assert run("announce", "cancel", "1").returncode == 0
    assert "cancelled" in run("announce", "list").stdout


async def test_the_recent_list_notices_another_connections_commit_and_its_own_writes(setup):
    cfg, webhook = setup()
    mine, theirs = webhook.deps.outbox, Outbox(sqlite_utils.Database(cfg.storage.database))
    assert mine.recent("yubo") == []
    theirs.create("cli", "community", ["yubo"], "周日书画展")
    theirs.queue_due()
    await asyncio.sleep(1.05)
    assert [a["text"] for a in mine.recent("yubo")] == ["周日书画展"]
    mine.create("cli", "all", [], "全市停水通知")
    mine.queue_due()
    assert [a["text"] for a in mine.recent("yubo")] == ["全市停水通知", "周日书画展"]
    assert [a["text"] for a in mine.recent("dandinghe")] == ["全市停水通知"]
