"""The webhook as WeChat sees it: verification, the three modes, every kind, retries, deadline."""
from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest

from bot.conversation.router import Dispatcher, Reply, Router
from wechat_peer import event, message_xml, reply_text, text


async def test_get_verification_echoes_when_signed(bot):
    resp = await bot.client.get("/wechat", params=bot.query(echostr="hello123"))
    assert resp.status == 200 and await resp.text() == "hello123"


@pytest.mark.parametrize("tamper", ["signature", "timestamp", "nonce"])
async def test_get_verification_refuses_bad_signature(bot, tamper):
    q = bot.query(echostr="hello123")
    q[tamper] = q[tamper] + "0"
    resp = await bot.client.get("/wechat", params=q)
    assert resp.status == 403 and "hello123" not in await resp.text()


async def test_plain_text_message_gets_a_text_reply(bot):
    resp = await bot.post(text("你好"))
    body = await resp.text()
    assert resp.status == 200 and "<MsgType><![CDATA[text]]></MsgType>" in body
    assert "<ToUserName><![CDATA[oResident0001]]></ToUserName>" in body
    assert "小助手" in reply_text(body)


async def test_safe_mode_round_trip(bot):
    q = bot.query()
    resp = await bot.post(text("你好"), encrypt=True, query=q)
    body = await resp.text()
    assert resp.status == 200 and "<Encrypt>" in body and "小助手" not in body
    assert "小助手" in reply_text(bot.decrypt_reply(body, q))


async def test_compatible_mode_round_trip(bot):
    q = bot.query()
    resp = await bot.post(text("你好"), encrypt=True, compatible=True, query=q)
    assert resp.status == 200
    assert "小助手" in reply_text(bot.decrypt_reply(await resp.text(), q))


async def test_safe_mode_refuses_wrong_msg_signature(bot):
    q = bot.query()
    resp = await bot.post(text("你好"), encrypt=True, query=q)
    assert resp.status == 200
    body = message_xml("text", Content="x")
    enc = bot.crypto.encrypt_message(body, q["nonce"], q["timestamp"])
    import xml.etree.ElementTree as ET
    encrypted = ET.fromstring(enc).findtext("Encrypt")
    bad = {**bot.query(), "encrypt_type": "aes", "msg_signature": "0" * 40}
    resp = await bot.client.post("/wechat", params=bad, data=f"<xml><Encrypt>{encrypted}</Encrypt></xml>")
    assert resp.status == 403


async def test_safe_mode_refuses_other_app_id(make_bot):
    from conftest import AES_KEY
    from wechatpy.crypto import WeChatCrypto
    peer, _ = await make_bot()
    peer.crypto = WeChatCrypto(peer.token, AES_KEY, "wxOTHERAPP00000000")
    resp = await peer.post(text("你好"), encrypt=True)
    assert resp.status == 403


async def test_safe_mode_setting_refuses_plain_messages(make_bot):
    peer, _ = await make_bot(BOT_WECHAT_MODE="safe")
    assert (await peer.post(text("你好"))).status == 400
    assert (await peer.post(text("你好"), encrypt=True)).status == 200


KINDS = [
    (message_xml("text", Content="你好"), "smalltalk.greeting"),
    (message_xml("voice", MediaId="m1", Format="amr", Recognition="你好"), "smalltalk.greeting"),
    (message_xml("voice", MediaId="m1", Format="amr"), "media.voice_without_text"),
    (message_xml("image", PicUrl="http://x/y.jpg", MediaId="m2"), "media.media"),
    (message_xml("video", MediaId="m3", ThumbMediaId="t3"), "media.media"),
    (message_xml("shortvideo", MediaId="m4", ThumbMediaId="t4"), "media.media"),
    (message_xml("link", Title="标题", Description="d", Url="http://x"), "media.media"),
    (event("subscribe"), "events.subscribe"),
    (event("subscribe", "qrscene_123"), "events.subscribe"),
    (event("unsubscribe"), "events.unsubscribe"),
    (event("SCAN", "123", Ticket="t"), "events.scan"),
    (event("CLICK", "MENU_HELP"), "smalltalk.help_menu"),
    (event("VIEW", "http://example.invalid/"), "events.silent"),
    (message_xml("event", Event="LOCATION", Latitude=29.87, Longitude=121.55, Precision=30.0), "events.silent"),
    (message_xml("event", Event="TEMPLATESENDJOBFINISH", MsgID=1, Status="success"), "events.silent"),
    (message_xml("event", Event="MASSSENDJOBFINISH", MsgID=2, Status="send success"), "events.silent"),
]


@pytest.mark.parametrize("xml,handler", KINDS, ids=[h + str(i) for i, (_, h) in enumerate(KINDS)])
async def test_every_kind_reaches_its_handler(make_bot, caplog, xml, handler):
    caplog.set_level(logging.INFO, logger="linli.messages")
    peer, webhook = await make_bot()
    resp = await peer.post(xml)
    assert resp.status == 200
    webhook.access_log.flush()
    lines = [json.loads(line) for r in caplog.records if r.name == "linli.messages" for line in r.getMessage().splitlines()]
    assert lines[-1]["handler"] == handler
    assert set(lines[-1]) == {"kind", "event", "openid", "handler", "latency_ms", "outcome"}
    assert all("oResident0001" not in r.getMessage() for r in caplog.records)  # the openid is hashed


async def test_unknown_kind_gets_success(bot):
    resp = await bot.post(message_xml("miniprogrampage", Title="x"))
    assert resp.status == 200 and await resp.text() == "success"
    resp = await bot.post(event("SOME_NEW_EVENT"))
    assert resp.status == 200 and await resp.text() == "success"


async def test_reply_with_cdata_terminator_stays_well_formed(make_bot):
    peer, webhook = await make_bot()
    router = Router("t")

    @router.message()
    async def tricky(msg, deps, state):
        return Reply("a]]>b<c>&d\x01e")
    dp = Dispatcher()
    dp.include_routers(router)
    webhook.dispatcher = dp
    assert await peer.ask(text("x")) == "a]]>b<c>&de"


class Slow:
    """A handler that takes `seconds` and counts its calls (the router is the seam)."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.calls = seconds, 0

    def install(self, webhook) -> None:
        router = Router("slow")

        @router.message()
        async def slow(msg, deps, state):
            self.calls += 1
            await asyncio.sleep(self.seconds)
            return Reply(f"answer {self.calls}")
        dp = Dispatcher()
        dp.include_routers(router)
        webhook.dispatcher = dp


async def test_retry_while_in_flight_is_processed_once(make_bot):
    peer, webhook = await make_bot()
    slow = Slow(0.3)
    slow.install(webhook)
    xml = text("同一条消息", msg_id=42, create_time=int(time.time()))
    first, second = await asyncio.gather(peer.ask(xml), peer.ask(xml))
    assert slow.calls == 1 and first == second == "answer 1"


async def test_retry_after_completion_gets_the_same_reply(make_bot):
    peer, webhook = await make_bot()
    slow = Slow(0)
    slow.install(webhook)
    xml = text("同一条消息", msg_id=43, create_time=int(time.time()))
    assert await peer.ask(xml) == "answer 1"
    assert await peer.ask(xml) == "answer 1"
    assert slow.calls == 1
    metrics = await (await peer.client.get("/metrics")).text()
    assert "linli_retries_deduplicated_total 1.0" in metrics


async def test_same_msgid_from_another_user_is_not_a_retry(make_bot):
    peer, webhook = await make_bot()
    slow = Slow(0)
    slow.install(webhook)
    ts = int(time.time())
    await peer.ask(text("a", msg_id=44, create_time=ts, openid="oUserA"))
    await peer.ask(text("a", msg_id=44, create_time=ts, openid="oUserB"))
    assert slow.calls == 2


async def test_deadline_replies_success_and_sends_later(make_bot, fake_wechat):
    peer, webhook = await make_bot(BOT_SERVER_REPLY_DEADLINE_SECONDS=0.2)
    slow = Slow(0.6)
    slow.install(webhook)
    started = time.monotonic()
    resp = await peer.post(text("慢问题", openid="oSlowUser"))
    assert await resp.text() == "success" and time.monotonic() - started < 0.5
    for _ in range(50):
        if fake_wechat.calls_to("/cgi-bin/message/custom/send"):
            break
        await asyncio.sleep(0.05)
    sent = fake_wechat.calls_to("/cgi-bin/message/custom/send")
    assert len(sent) == 1
    assert sent[0].body == {"touser": "oSlowUser", "msgtype": "text", "text": {"content": "answer 1"}}
    metrics = await (await peer.client.get("/metrics")).text()
    assert 'linli_deadline_fallbacks_total{result="sent"} 1.0' in metrics


async def test_healthz_and_metrics(bot):
    assert (await bot.client.get("/healthz")).status == 200
    await bot.post(text("你好"))
    metrics = await (await bot.client.get("/metrics")).text()
    assert 'linli_requests_total{kind="text",outcome="replied"} 1.0' in metrics
    assert 'linli_reply_seconds_bucket{le="+Inf"} 1.0' in metrics and "linli_reply_seconds_count 1.0" in metrics
    await bot.client.post("/wechat", data=b"<xml/>")  # unsigned: refused, counted, no latency
    metrics = await (await bot.client.get("/metrics")).text()
    assert 'linli_requests_total{kind="-",outcome="refused_403"} 1.0' in metrics
    assert "linli_reply_seconds_count 1.0" in metrics


def test_latency_buckets_count_each_answer_once_in_its_le_bucket():
    from bot.channels.wechat.metrics import Metrics
    m = Metrics()
    for seconds in (0.0005, 0.001, 0.003, 20):
        m.request("text", "replied", seconds)
    text = m.render().decode()
    assert 'linli_reply_seconds_bucket{le="0.001"} 2.0' in text
    assert 'linli_reply_seconds_bucket{le="0.005"} 3.0' in text
    assert 'linli_reply_seconds_bucket{le="10.0"} 3.0' in text
    assert 'linli_reply_seconds_bucket{le="+Inf"} 4.0' in text
    assert 'linli_requests_total{kind="text",outcome="replied"} 4.0' in text


async def test_start_eagerly_runs_sync_answers_inline_and_continues_slow_ones():
    from bot.channels.wechat.webhook import start_eagerly

    async def fast():
        return "now"

    async def slow():
        await asyncio.sleep(0.05)
        await asyncio.sleep(0)
        return "later"

    async def broken():
        await asyncio.sleep(0.01)
        raise ValueError("boom")
    assert start_eagerly(fast()) == ("now", None)
    result, pending = start_eagerly(slow())
    assert result is None and not pending.done() and await pending == "later"
    _, failing = start_eagerly(broken())
    with pytest.raises(ValueError):
        await failing
