"""Webhook fuzzing (hypothesis): a few thousand hostile or odd requests, signed and unsigned,
plain and encrypted, compressed or not. None may get a 5xx or log an error or a traceback."""
from __future__ import annotations

import gzip
import logging
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wechat_peer import message_xml

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
                database=None, derandomize=True)
KINDS = ["text", "voice", "image", "location", "link", "event", "video", "shortvideo", "file", "", "TEXT", "miniprogrampage"]
EVENTS = ["subscribe", "unsubscribe", "SCAN", "CLICK", "VIEW", "LOCATION", "TEMPLATESENDJOBFINISH", "", "weird"]
WORDS = ["社区", "书记", "在哪", "养老", "发布公告", "确认", "取消", "更多", "1", "2", "你好", "]]>", "<", "&amp;",
         "\u202e", "\x00", "\x1f", "\ufffe", "𠀀", "qrscene_yubo", "虞波社区", "鄞州区", "全体", "\n", " "]
texty = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(WORDS), max_size=12).map("".join),
                  st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=1200))
fields = st.dictionaries(st.sampled_from(["Content", "Event", "EventKey", "Recognition", "Location_X", "Location_Y",
                                          "Latitude", "Longitude", "Label", "Title", "MediaId", "Scale", "Ticket"]),
                         st.one_of(texty, st.integers(), st.floats(allow_nan=True)), max_size=5)


@pytest.fixture
def errors(caplog):
    caplog.set_level(logging.INFO)

    def check() -> None:
        bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
        caplog.clear()
        assert not bad, "\n".join(f"{r.name}: {r.getMessage()}" for r in bad)
    return check


def xml_of(kind, openid, create_time, extra) -> str:
    try:
        return message_xml(kind, openid=openid, create_time=create_time, **extra)
    except (TypeError, ValueError):
        return "<xml></xml>"


@settings(max_examples=1500, **SETTINGS)
@given(kind=st.sampled_from(KINDS), event=st.sampled_from(EVENTS), extra=fields,
       openid=st.sampled_from(["oFuzz1", "oFuzz2", "o" + "x" * 200, "", "<o>"]),
       create_time=st.one_of(st.integers(min_value=-1, max_value=2**63), st.just(0)),
       encrypt=st.booleans())
async def test_messages_of_any_shape(bot, errors, kind, event, extra, openid, create_time, encrypt):
    if kind == "event":
        extra = {"Event": event, **extra}
    body = xml_of(kind, openid or "o", create_time, extra)
    if not openid:
        body = body.replace("<FromUserName><![CDATA[o]]></FromUserName>", "")
    resp = await bot.post(body, encrypt=encrypt)
    assert resp.status < 500
    await resp.read()
    errors()


def compress(kind: str, data: bytes) -> bytes:
    return gzip.compress(data) if kind == "gzip" else zlib.compress(data) if kind == "deflate" else data


@settings(max_examples=1000, **SETTINGS)
@given(body=st.one_of(st.binary(max_size=600), texty.map(lambda s: ("<xml>" + s + "</xml>").encode("utf-8", "replace"))),
       encoding=st.sampled_from(["", "gzip", "deflate", "br", "identity"]), corrupt=st.booleans(),
       content_type=st.sampled_from(["text/xml", "application/json", "text/xml; charset=utf-16", "", "multipart/form-data"]))
async def test_raw_bodies_and_encodings(bot, errors, body, encoding, corrupt, content_type):
    data = body if corrupt else compress(encoding, body)
    headers = {"Content-Type": content_type} if content_type else {}
    if encoding:
        headers["Content-Encoding"] = encoding
    resp = await bot.client.post(bot.path, params=bot.query(), data=data, headers=headers)
    assert resp.status < 500
    await resp.read()
    errors()


query_value = st.one_of(st.text(max_size=40), st.sampled_from(["", "0", "-1", "1e9", "aes", "raw", "AES", "nan"]),
                        st.integers().map(str))


@settings(max_examples=600, **SETTINGS)
@given(query=st.dictionaries(st.sampled_from(["signature", "timestamp", "nonce", "echostr", "encrypt_type",
                                              "msg_signature", "openid"]), query_value, max_size=7),
       keep_signature=st.booleans(), method=st.sampled_from(["GET", "POST", "PUT", "HEAD"]))
async def test_queries_of_any_shape(bot, errors, query, keep_signature, method):
    if keep_signature:
        query = {**query, **bot.query()}
    resp = await bot.client.request(method, bot.path, params=query, data=message_xml("text", Content="你好"))
    assert resp.status < 500
    await resp.read()
    errors()
