"""Hostile or broken input: refused with the right status, never a crash, nothing expanded."""
from __future__ import annotations

import asyncio
import logging
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wechat_peer import text

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>"""

XXE = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>1</MsgId></xml>"""


async def test_missing_signature_is_403(bot):
    resp = await bot.client.post("/wechat", data=text("你好"))
    assert resp.status == 403


async def test_wrong_signature_is_403(bot):
    q = bot.query()
    q["signature"] = "f" * 40
    assert (await bot.post(text("你好"), query=q)).status == 403


async def test_non_ascii_signature_is_403_not_an_error(bot):
    q = bot.query()
    q["signature"] = "签名" * 20
    assert (await bot.post(text("你好"), query=q)).status == 403


async def test_stale_timestamp_is_refused(bot):
    q = bot.query(timestamp=str(int(time.time()) - 3600))
    assert (await bot.post(text("你好"), query=q)).status == 403


async def test_oversized_body_is_413(bot):
    resp = await bot.post(text("长" * 40000))
    assert resp.status == 413


async def test_billion_laughs_is_400_and_not_expanded(bot, caplog):
    caplog.set_level(logging.WARNING)
    resp = await bot.post(BILLION_LAUGHS)
    assert resp.status == 400
    assert "lollol" not in await resp.text()
    assert any("DOCTYPE" in r.getMessage() for r in caplog.records)


async def test_xxe_is_400_and_reads_nothing(bot):
    resp = await bot.post(XXE)
    body = await resp.text()
    assert resp.status == 400 and "root:" not in body


async def test_malformed_xml_is_400(bot):
    for body in (b"<xml><Content>unclosed", b"not xml at all", b"<html></html>", b"",
                 b"<xml><MsgType>text</MsgType></xml>", b"\xff\xfe\x00<"):
        resp = await bot.post(body)
        assert resp.status == 400, body


async def test_deeply_nested_xml_is_400(bot):
    body = b"<xml>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</xml>"
    assert (await bot.post(body)).status == 400


async def test_comments_and_processing_instructions_are_not_fields(bot):
    body = text("你好").replace("<MsgType>", "<!-- a comment --><?pi data?><MsgType>")
    reply = await bot.ask(body)
    assert "小助手" in reply


async def test_refusals_never_log_secrets(bot, caplog):
    caplog.set_level(logging.DEBUG)
    q = bot.query()
    q["signature"] = "0" * 40
    await bot.post(text("你好"), query=q)
    await bot.post(BILLION_LAUGHS)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "refused_403" in logged and "testtoken" not in logged and "secret" not in logged


async def test_server_survives_hostile_input_and_keeps_answering(bot):
    await bot.post(BILLION_LAUGHS)
    await bot.post(b"<xml>")
    assert "小助手" in await bot.ask(text("你好"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300) | st.text(max_size=200).map(lambda s: ("<xml>" + s + "</xml>").encode()))
async def test_arbitrary_bodies_never_crash(bot, body):
    resp = await bot.post(body)
    assert resp.status in (200, 400)


async def _in_parts(body: bytes, pause: float = 0.0):
    """A body sent chunked (no Content-Length), its second half after `pause` seconds."""
    half = len(body) // 2
    yield body[:half]
    if pause:
        await asyncio.sleep(pause)
    yield body[half:]


async def test_an_oversized_chunked_body_is_413(bot):
    resp = await bot.client.post(bot.path, params=bot.query(), data=_in_parts(text("长" * 40000).encode()))
    assert resp.status == 413


async def test_a_body_still_arriving_when_the_webhook_starts_is_read_whole(bot):
    resp = await bot.client.post(bot.path, params=bot.query(),
                                 data=_in_parts(text("后大街社区书记是谁").encode(), pause=0.05))
    assert resp.status == 200 and "吴民丽" in await resp.text()
