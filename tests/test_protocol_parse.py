"""The flat-shape reader gives exactly what lxml gives, for every body it accepts.

`parse_xml` reads the shape WeChat sends every message in with one regular expression and hands
everything else to lxml; these bodies are generated near that shape (CDATA or plain fields,
whitespace, control characters, ampersands, brackets, nesting, mismatched tags) so both paths
are exercised and compared."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.wechat.protocol import BadRequest, _flat_fields, _lxml_fields, _text_message, parse_xml

TAGS = st.sampled_from(["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Recognition",
                        "Event", "a_1", "X"])
SAFE = st.text(alphabet=st.sampled_from(list("社区书记 \t\n>![CDATA-x1\x7f😀")), max_size=12)
CHARS = st.one_of(SAFE, SAFE, SAFE, st.text(alphabet=st.sampled_from(list("社区 \r&<>]]![x\x01\x0b\ufffe")), max_size=12))


@st.composite
def field(draw) -> str:
    tag = draw(TAGS)
    closing = draw(st.sampled_from([tag] * 9 + ["Other"]))
    body = draw(CHARS)
    form = draw(st.sampled_from(["cdata", "cdata", "plain", "plain", "nested", "empty"]))
    if form == "cdata":
        body = f"<![CDATA[{body}]]>"
    elif form == "nested":
        body = f"<item><Key>{body}</Key></item>"
    elif form == "empty":
        body = ""
    space = draw(st.sampled_from(["", "", "\n", " \t", "\r\n"]))
    return f"{space}<{tag}>{body}</{closing}>"


@st.composite
def document(draw) -> str:
    fields = "".join(draw(st.lists(field(), max_size=6)))
    head = draw(st.sampled_from(["<xml>"] * 6 + ["<root>", " <xml>", '<?xml version="1.0"?><xml>']))
    tail = draw(st.sampled_from(["</xml>"] * 5 + ["</xml>\n", "</root>", ""]))
    return head + fields + tail


def outcome(read, body: bytes):
    try:
        return read(body)
    except BadRequest:
        return "refused"


@settings(max_examples=3000, deadline=None)
@given(document())
def test_the_flat_reader_agrees_with_lxml(doc):
    body = doc.encode("utf-8")
    flat = _flat_fields(doc)
    if flat is not None:
        assert flat == _lxml_fields(body)
    assert outcome(parse_xml, body) == outcome(_lxml_fields, body)


@st.composite
def text_message(draw) -> str:
    """Text messages in WeChat's field order, with the spacing, brackets and characters around
    the edges of what the narrow reader takes (some it must leave to the others)."""
    space = st.sampled_from(["", "", "", "", "\n", " \t", "\r\n"])
    number = st.sampled_from(["1764180000"] * 8 + ["0", "", " 1", "12a"])
    parts = [("ToUserName", f"<![CDATA[{draw(CHARS)}]]>"), ("FromUserName", f"<![CDATA[{draw(CHARS)}]]>"),
             ("CreateTime", draw(number)), ("MsgType", draw(st.sampled_from(["<![CDATA[text]]>"] * 8 + ["text", "<![CDATA[voice]]>"]))),
             ("Content", draw(st.sampled_from([f"<![CDATA[{draw(CHARS)}]]>"] * 4 + [draw(SAFE)]))), ("MsgId", draw(number))]
    if draw(st.integers(0, 5)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), ("MsgDataId", draw(number)))
    return "<xml>" + "".join(f"{draw(space)}<{t}>{v}</{t}>" for t, v in parts) + draw(space) + "</xml>" + draw(space)


@settings(max_examples=3000, deadline=None)
@given(text_message())
def test_the_text_message_reader_agrees_with_the_flat_reader(doc):
    fast = _text_message(doc)
    if fast is not None:
        assert fast == _flat_fields(doc) == _lxml_fields(doc.encode("utf-8"))
    assert outcome(parse_xml, doc.encode("utf-8")) == outcome(_lxml_fields, doc.encode("utf-8"))


def test_a_wechat_text_message_takes_the_flat_path_and_keeps_what_was_written():
    doc = ("<xml><ToUserName><![CDATA[gh_1]]></ToUserName>\n<FromUserName><![CDATA[ o1 ]]></FromUserName>"
           "<CreateTime>1764180000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           "<Content><![CDATA[ 后大街社区 & <书记> ]]></Content><MsgId>1</MsgId></xml>")
    assert _flat_fields(doc) == {"ToUserName": "gh_1", "FromUserName": "o1", "CreateTime": "1764180000",
                                 "MsgType": "text", "Content": " 后大街社区 & <书记> ", "MsgId": "1"}
    assert _text_message(doc) == _flat_fields(doc)
    assert _text_message(doc.replace("<MsgId>", "<MsgDataId>7</MsgDataId><MsgId>")) is None   # another shape
    assert parse_xml(doc.encode()) == _lxml_fields(doc.encode())


@pytest.mark.parametrize("doc", [
    "<xml><Content>a &amp; b</Content></xml>",                       # an entity: lxml decodes it
    "<xml><Content><![CDATA[a\r\nb]]></Content></xml>",              # \r\n: the parser rewrites it
    "<xml><List><item><A>1</A></item></List></xml>",                 # nested items
    "<?xml version='1.0'?><xml><Content>x</Content></xml>",          # a declaration
])
def test_other_shapes_are_left_to_lxml(doc):
    assert _flat_fields(doc) is None
    assert parse_xml(doc.encode()) == _lxml_fields(doc.encode())


@pytest.mark.parametrize("doc", ["<xml><Content>a</Cont></xml>", "<xml><Content>\x01</Content></xml>",
                                 "<xml><Content>a]]>b</Content></xml>", "<root><A>1</A></root>"])
def test_malformed_or_foreign_bodies_are_still_refused(doc):
    with pytest.raises(BadRequest):
        parse_xml(doc.encode())
