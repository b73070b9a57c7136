"""Channels against the fake WeChat API: subscription messages (订阅通知, bizsend) with their
error codes, the channel recorded per resident, and 10,000 recipients over four channels
delivered exactly once although the worker is killed mid-call on every channel."""
from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

from announce_helpers import drain, residents
from bot.announcements.delivery import Deliverer
from bot.announcements.wechat_api import AccountAPI
from bot.wiring import build_deliverer
from bot.channels.wechat.client import WeChatAPIError


def accept(webhook, fake_wechat, openids, template="SUB1"):
    for o in openids:
        webhook.deps.announcements.channels.accept(o, template)
        fake_wechat.subscribe_accepts.setdefault(o, []).append(template)


async def test_subscription_message_for_residents_who_accepted(setup, fake_wechat):
    cfg, webhook = setup(subscribe_template_id="SUB1", template_url="https://example.org/a")
    subs = residents(webhook, "yubo", 2, active=False, prefix="oS")
    plain = residents(webhook, "yubo", 1, active=False)
    accept(webhook, fake_wechat, subs)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], "本周六上午九点在社区服务中心举办义诊活动，欢迎参加\n第二行")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    calls = fake_wechat.calls_to("/cgi-bin/message/subscribe/bizsend")
    assert sorted(c.body["touser"] for c in calls) == subs
    value = calls[0].body["data"]["thing1"]["value"]
    assert len(value) == 20 and value.startswith("本周六上午九点") and calls[0].body["page"] == "https://example.org/a"
    assert webhook.deps.outbox.status(aid)["channels"] == {"subscribe": {"sent": 2}, "template": {"sent": 1}}
    recorded = dict(webhook.db.conn.execute("select openid, channel from outbox where announcement_id = ?", [aid]).fetchall())
    assert recorded == {subs[0]: "subscribe", subs[1]: "subscribe", plain[0]: "template"}
    # each acceptance allows one message: the next announcement goes by template
    aid2 = webhook.deps.outbox.create("cli", "community", ["yubo"], "停水")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert webhook.deps.outbox.status(aid2)["channels"] == {"template": {"sent": 3}}


async def test_43101_falls_back_to_the_template(setup, fake_wechat):
    cfg, webhook = setup(subscribe_template_id="SUB1")
    [o] = residents(webhook, "yubo", 1, active=False, prefix="oS")
    webhook.deps.announcements.channels.accept(o, "SUB1")          # we think so; WeChat says refused
    aid = webhook.deps.outbox.create("cli", "community", ["yubo"], "停水")
    await drain(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery))
    assert fake_wechat.delivered == [(o, "停水")]
    assert webhook.deps.outbox.status(aid)["channels"] == {"template": {"sent": 1}}
    assert webhook.db.conn.execute("select remaining from subscriptions").fetchone()[0] == 0


async def test_bizsend_refuses_an_overlong_thing_field(setup, fake_wechat):
    _, webhook = setup()
    fake_wechat.add_followers(1)
    fake_wechat.subscribe_accepts["oF000000"] = ["SUB1"]
    with pytest.raises(WeChatAPIError) as exc:
        await AccountAPI(webhook.client).send_subscribe("oF000000", "SUB1", {"thing1": {"value": "字" * 21}})
    assert exc.value.errcode == 47003


async def test_media_upload(setup, fake_wechat):
    _, webhook = setup()
    media_id = await AccountAPI(webhook.client).upload_image(b"\xff\xd8\xff fake jpeg")
    assert fake_wechat.media[media_id].count(b"fake jpeg") == 1


async def test_ten_thousand_over_four_channels_exactly_once_through_crashes(setup, fake_wechat):
    cfg, webhook = setup(subscribe_template_id="SUB1", mass_tags="houdajie=101")
    active = residents(webhook, "yubo", 4000)
    subs = residents(webhook, "yubo", 2000, active=False, prefix="oS")
    plain = residents(webhook, "yubo", 2000, active=False, prefix="oT")
    tagged = residents(webhook, "houdajie", 2000, active=False)
    accept(webhook, fake_wechat, subs)
    fake_wechat.tags[101] = tagged
    everyone = set(active + subs + plain + tagged)
    aid = webhook.deps.outbox.create("cli", "community", ["yubo", "houdajie"], "文化节")
    paths = {"custom/send": "custom", "subscribe/bizsend": "subscribe", "template/send": "template",
             "mass/sendall": "mass"}
    crashed = dict.fromkeys(paths.values(), False)
    worker = None

    async def crash(call):
        kind = next((k for p, k in paths.items() if call.path.endswith(p)), None)
        if kind and not crashed[kind] and len(fake_wechat.delivered) >= 500:
            crashed[kind] = True
            worker.cancel()                         # the process dies while WeChat handles the call
    fake_wechat.on_call = crash
    for _ in range(12):                             # restart after each crash, as a supervisor would
        worker = asyncio.create_task(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery, concurrency=8).run())
        try:
            await asyncio.wait_for(asyncio.shield(worker), 30)
        except asyncio.CancelledError:
            await asyncio.sleep(0.2)                # WeChat finishes the calls the dead worker made
        except asyncio.TimeoutError:
            pass
        if all(crashed.values()) or webhook.deps.outbox.status(aid)["status"] == "done":
            break
    fake_wechat.on_call = None
    if worker.done():
        worker = asyncio.create_task(Deliverer(webhook.deps.outbox, webhook.client, cfg.delivery, concurrency=8).run())
    for _ in range(600):                            # the last worker finishes the announcement
        if webhook.deps.outbox.status(aid)["status"] == "done":
            break
        await asyncio.sleep(0.1)
    worker.cancel()
    assert all(crashed.values()), crashed
    got = Counter(o for o, _ in fake_wechat.delivered)
    assert max(got.values()) == 1                                            # nobody got it twice
    st = webhook.deps.outbox.status(aid)
    held = {r[0] for r in webhook.db.conn.execute("select openid from outbox where state = 'uncertain'")}
    assert set(got) | held == everyone                                       # nobody lost: sent, or held and shown
    never_called = {o for o in held if o not in got}
    assert not never_called or all(st["channels"][ch].get("uncertain") for ch in ("custom", "subscribe")
                                   if st["channels"].get(ch))
    assert st["status"] == "done"
    sent = {ch: states.get("sent", 0) for ch, states in st["channels"].items()}
    assert sent["mass"] == 2000 and sent["template"] == 2000                 # keyed channels re-sent safely
    assert sent["custom"] + st["channels"]["custom"].get("uncertain", 0) == 4000
    assert sent["subscribe"] + st["channels"]["subscribe"].get("uncertain", 0) == 2000
    mass = fake_wechat.calls_to("/cgi-bin/message/mass/sendall")
    assert {c.body["clientmsgid"] for c in mass} == {f"linli-a{aid}-t101"} and len(fake_wechat.mass_sent) == 1


async def test_accepting_a_subscription_in_wechat_is_recorded(make_bot, fake_wechat):
    peer, webhook = await make_bot(BOT_DELIVERY_SUBSCRIBE_TEMPLATE_ID="SUB1", BOT_DELIVERY_TEMPLATE_ID="")
    xml = ("<xml><ToUserName><![CDATA[gh_linli]]></ToUserName><FromUserName><![CDATA[oSub]]></FromUserName>"
           f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
           "<Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent>"
           "<List><TemplateId><![CDATA[SUB1]]></TemplateId><SubscribeStatusString><![CDATA[accept]]>"
           "</SubscribeStatusString><PopupScene>2</PopupScene></List>"
           "<List><TemplateId><![CDATA[OTHER]]></TemplateId><SubscribeStatusString><![CDATA[reject]]>"
           "</SubscribeStatusString><PopupScene>2</PopupScene></List>"
           "</SubscribeMsgPopupEvent></xml>")
    assert await peer.ask(xml) == ""
    with webhook.db.conn:
        webhook.db.conn.execute("insert into residents (openid, community_id, subscribed, last_seen) "
                                "values ('oSub', 'yubo', 1, ?)", [time.time() - 72 * 3600])
    assert webhook.deps.announcements.channels.choose("oSub") == "subscribe"
    fake_wechat.subscribe_accepts["oSub"] = ["SUB1"]
    webhook.deps.outbox.create("cli", "community", ["yubo"], "停水")
    await drain(build_deliverer(webhook.config, webhook))
    assert fake_wechat.delivered == [("oSub", "停水")]
    assert webhook.deps.announcements.channels.choose("oSub") == ""          # the one acceptance is spent
    await webhook.client.close()


async def test_mass_delete_of_an_unknown_send_is_refused(setup, fake_wechat):
    _, webhook = setup()
    with pytest.raises(WeChatAPIError) as exc:
        await AccountAPI(webhook.client).mass_delete(123456)
    assert exc.value.errcode == 40007 and fake_wechat.withdrawn == []
