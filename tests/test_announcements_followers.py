"""Follower sync against the fake WeChat API: paging, batches of 100, a fault mid-way and a
resume with nothing lost or doubled; events keep the list current; who is in the audience."""
from __future__ import annotations

from collections import Counter

import pytest

from bot.announcements.wechat_api import AccountAPI
from bot.channels.wechat.client import WeChatAPIError
from bot.config import load_config
from bot.conversation.router import Message
from bot.wiring import build_webhook
from handlers import build_dispatcher


@pytest.fixture
async def webhook(tmp_path, fake_wechat, engine):
    cfg = load_config(environ={"BOT_STORAGE_DATABASE": str(tmp_path / "f.db"), "BOT_WECHAT_API_BASE_URL": fake_wechat.base_url,
                               "BOT_WECHAT_APP_ID": "wxapp", "BOT_WECHAT_APP_SECRET": "secret",
                               "BOT_DELIVERY_MASS_TAGS": "yubo=101", "BOT_DELIVERY_TEMPLATE_ID": "TPL1"})
    w = build_webhook(cfg, knowledge=engine)
    yield w
    await w.client.close()


async def test_twenty_thousand_followers_survive_a_fault_and_resume(webhook, fake_wechat):
    ids = fake_wechat.add_followers(20000, tags={f"oF{i:06d}": [101] for i in range(0, 20000, 10)})
    followers = webhook.deps.announcements.followers
    api = AccountAPI(webhook.client)
    calls = {"n": 0}

    async def fault(call):          # the 130th batch (in the second page) fails with a WeChat limit
        if call.path == "/cgi-bin/user/info/batchget":
            calls["n"] += 1
            if calls["n"] == 130:
                fake_wechat.script("/cgi-bin/user/info/batchget", 45009)
    fake_wechat.on_call = fault
    with pytest.raises(WeChatAPIError) as exc:
        await followers.sync(api, rate_per_second=100000)
    assert exc.value.errcode == 45009
    cur = followers.cursor()
    assert cur["imported"] == 129 * 100 and cur["page_from"] == ids[9999] and cur["done_in_page"] == 2900
    assert not cur["finished_at"]
    fake_wechat.on_call = None
    summary = await followers.sync(api, rate_per_second=100000)
    assert summary.resumed and summary.imported == 20000 - 12900 and summary.total == 20000
    rows = [r[0] for r in webhook.db.conn.execute("select openid from followers")]
    assert Counter(rows) == Counter(ids)                                        # nothing lost, nothing doubled
    asked = Counter(o["openid"] for c in fake_wechat.calls_to("/cgi-bin/user/info/batchget")
                    for o in c.body["user_list"])
    assert set(asked) == set(ids) and max(asked.values()) <= 2                 # only the failed batch asked twice
    assert sum(n == 2 for n in asked.values()) == 100
    assert all(len(c.body["user_list"]) <= 100 for c in fake_wechat.calls_to("/cgi-bin/user/info/batchget"))
    assert summary.subscribed == 20000 and summary.bound == 2000               # tag 101 binds to 虞波社区
    # a later full sync starts from the top again and changes nothing
    again = await followers.sync(api, rate_per_second=100000)
    assert not again.resumed and again.imported == 20000
    assert webhook.db["followers"].count == 20000


async def test_sync_keeps_scene_and_tags_and_binds_by_qr_scene(webhook, fake_wechat, engine):
    scene = next(k for k in engine.by_scene)          # a community QR scene the knowledge knows
    fake_wechat.add_followers(3, tags={"oF000001": [7, 101]}, scenes={"oF000002": scene})
    await webhook.deps.announcements.followers.sync(AccountAPI(webhook.client), 1000)
    rows = {r[0]: r[1:] for r in webhook.db.conn.execute("select openid, scene, qr_scene, tags, community_id from followers")}
    assert rows["oF000001"][2] == "[7, 101]" and rows["oF000001"][3] == "yubo"
    assert rows["oF000002"][:2] == ("ADD_SCENE_QR_CODE", scene)
    assert rows["oF000002"][3] == engine.community_by_scene(scene).id
    assert rows["oF000000"][3] == ""


async def test_batchget_error_codes_of_the_fake(webhook, fake_wechat):
    fake_wechat.add_followers(2)
    api = AccountAPI(webhook.client)
    with pytest.raises(WeChatAPIError) as exc:
        await api.user_info_batch([f"oF{i:06d}" for i in range(101)])
    assert exc.value.errcode == 45035
    with pytest.raises(WeChatAPIError) as exc:
        await api.user_info_batch(["oNobody"])
    assert exc.value.errcode == 40003
    with pytest.raises(WeChatAPIError) as exc:
        await api.user_list("oNobody")
    assert exc.value.errcode == 40003


async def test_tags_of_the_fake(webhook, fake_wechat):
    fake_wechat.tag_names = {101: "虞波居民", 7: "志愿者"}
    fake_wechat.add_followers(3, tags={"oF000001": [7]})
    api = AccountAPI(webhook.client)
    assert {t["name"]: t["count"] for t in await api.tags()} == {"虞波居民": 0, "志愿者": 1}
    assert await api.tags_of("oF000001") == [7]
    assert (await api.tag_members(7))["data"]["openid"] == ["oF000001"]
    with pytest.raises(WeChatAPIError) as exc:
        await api.tag_members(999)
    assert exc.value.errcode == 45159


async def say(webhook, openid: str, text: str = "", kind: str = "text", event: str = "", key: str = "") -> str:
    msg = Message(kind=kind, openid=openid, text=text, event=event, event_key=key)
    return (await build_dispatcher().dispatch(msg, webhook.deps)).text


async def test_audience_counts_imported_followers_and_residents_who_never_resubscribed(webhook, fake_wechat):
    fake_wechat.add_followers(5, tags={f"oF{i:06d}": [101] for i in range(3)})
    await webhook.deps.announcements.followers.sync(AccountAPI(webhook.client), 1000)
    await say(webhook, "oOld", "我住在虞波社区")           # followed before the bot; never (re)subscribed
    webhook.deps.flush()
    people = webhook.deps.outbox.audience("community", ["yubo"])
    assert set(people) == {"oF000000", "oF000001", "oF000002", "oOld"}
    await say(webhook, "oF000001", kind="event", event="unsubscribe")
    assert "oF000001" not in webhook.deps.outbox.audience("community", ["yubo"])
    await say(webhook, "oF000001", kind="event", event="subscribe")
    assert "oF000001" in webhook.deps.outbox.audience("community", ["yubo"])
    await say(webhook, "oOld", kind="event", event="unsubscribe")
    assert "oOld" not in webhook.deps.outbox.audience("community", ["yubo"])


async def test_tag_audience(webhook, fake_wechat):
    fake_wechat.add_followers(4, tags={"oF000001": [7], "oF000003": [7, 101]})
    await webhook.deps.announcements.followers.sync(AccountAPI(webhook.client), 1000)
    assert webhook.deps.outbox.audience("tag", ["7"]) == ["oF000001", "oF000003"]


def test_cli_followers_sync_shows_progress_and_summary(tmp_path):
    """The terminal command runs end to end against a fake server in another process."""
    import socket
    import subprocess
    import sys
    import threading
    from pathlib import Path

    from aiohttp import web

    from fake_wechat import FakeWeChat
    fake = FakeWeChat()
    fake.add_followers(250)
    fake.page_size = 100
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    import asyncio
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(fake.app())
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.SockSite(runner, sock).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        root = Path(__file__).resolve().parent.parent
        env = {"PATH": "/usr/bin:/bin", "BOT_STORAGE_DATABASE": str(tmp_path / "s.db"),
               "BOT_WECHAT_API_BASE_URL": f"http://127.0.0.1:{port}", "BOT_WECHAT_APP_ID": "wxapp",
               "BOT_WECHAT_APP_SECRET": "secret", "BOT_DELIVERY_FOLLOWERS_RATE_PER_SECOND": "1000", "COLUMNS": "120"}
        out = subprocess.run([sys.executable, "run_bot.py", "followers", "sync"], cwd=root, env=env,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert "250 followers imported in 4 page(s)" in out.stdout and "250/250" in out.stdout
        status = subprocess.run([sys.executable, "run_bot.py", "followers", "status"], cwd=root, env=env,
                                capture_output=True, text=True, timeout=120)
        assert "finished: 250 of 250" in status.stdout
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


async def test_admins_address_a_wechat_tag_by_name(webhook, fake_wechat):
    fake_wechat.tag_names = {7: "志愿者"}
    fake_wechat.add_followers(4, tags={"oF000001": [7], "oF000003": [7]})
    api = AccountAPI(webhook.client)
    webhook.deps.announcements.followers.save_tags(await api.tags())
    await webhook.deps.announcements.followers.sync(api, 1000)
    webhook.deps.staff.add("oAdmin", "李", [], "admin")
    webhook.deps.staff.add("oStaff", "周", ["yubo"])
    preview = await say(webhook, "oAdmin", "发布公告 标签:志愿者 周六集合")
    assert "标签“志愿者”，共 2 位" in preview and "周六集合" in preview
    assert "只能向自己负责的社区" in await say(webhook, "oStaff", "发布公告 标签:志愿者 周六集合")
