"""WeChat official-account wire format: signatures, safe XML parsing, reply rendering, AES.

Parsing uses lxml (libxml2) with entity resolution, DTD loading and network access switched
off, and only after a byte-level refusal of any DOCTYPE or ENTITY declaration, so entity
expansion (billion laughs) and external entities (XXE) can never happen. lxml rather than the
standard library's C ElementTree because its parser is built once and reused (ElementTree builds
an expat parser per message): about 68k instead of 80k instructions per message under callgrind,
though in wall-clock time the two were within noise; it also limits nesting depth.

Crypto is wechatpy's (PrpCrypto); signatures are compared in constant time here because
wechatpy compares them with `!=`.
"""
from __future__ import annotations

import hashlib
import json
import hmac
import re
import time
from lxml import etree

from wechatpy.crypto import PrpCrypto
from wechatpy.exceptions import InvalidAppIdException

from bot.conversation.message import Message, Reply

_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)|<\?xml-stylesheet", re.IGNORECASE)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True, encoding="utf-8")


_VERBATIM = frozenset(("Content", "Recognition"))  # what the resident wrote is kept as written


class BadRequest(ValueError):
    """The body cannot be accepted; str() is the reason that gets logged."""


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_ok(expected_parts: tuple[str, ...], given: str) -> bool:
    given = given or ""
    if not given.isascii():   # compare_digest takes ASCII strings only; a hex digest is ASCII
        return False
    return hmac.compare_digest(sign(*expected_parts), given)


# The shape WeChat sends every message in: <xml>, then flat fields, each one CDATA section or
# plain text, then </xml>. Characters XML forbids or rewrites (controls, \r) and anything that
# needs an entity (& <) or could end a section (]) are outside it, so for a body of this shape
# lxml's result is known in advance; any other body is parsed by lxml.
_NAME = "[A-Za-z_][A-Za-z0-9_]*"
_SECTION = "[^\\]\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]*"
_PLAIN = "[^<&\\]\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]*"
_FIELD = re.compile(rf"([ \t\n]*<({_NAME})>(?:<!\[CDATA\[({_SECTION})\]\]>|({_PLAIN}))</\2>)")
_SPACE = " \t\n"


_W = f"[{_SPACE}]*"
_TEXT_MESSAGE = re.compile(
    rf"<xml>{_W}<ToUserName><!\[CDATA\[({_SECTION})\]\]></ToUserName>{_W}"
    rf"<FromUserName><!\[CDATA\[({_SECTION})\]\]></FromUserName>{_W}<CreateTime>([0-9]+)</CreateTime>{_W}"
    rf"<MsgType><!\[CDATA\[text\]\]></MsgType>{_W}<Content><!\[CDATA\[({_SECTION})\]\]></Content>{_W}"
    rf"<MsgId>([0-9]+)</MsgId>{_W}</xml>{_W}")


def _text_message(text: str) -> dict[str, str] | None:
    """The fields of a text message in the very order WeChat writes them, else None: one match
    and no per-field work, a third of `_flat_fields`' cost for the message residents send most."""
    m = _TEXT_MESSAGE.fullmatch(text)
    if m is None:
        return None
    to, sender, create_time, content, msg_id = m.groups()
    return {"ToUserName": to.strip(), "FromUserName": sender.strip(), "CreateTime": create_time,
            "MsgType": "text", "Content": content, "MsgId": msg_id}


def _flat_fields(text: str) -> dict[str, str] | None:
    """The fields of a body of the flat shape (what parse_xml would return), else None.

    One pass: the fields found between <xml> and </xml> never overlap, so they are the whole of
    it exactly when their lengths add up to its length (anything else between them is a gap)."""
    if not text.startswith("<xml>"):
        return None
    body = text.rstrip(_SPACE)
    if not body.endswith("</xml>"):
        return None
    end = len(body[:-6].rstrip(_SPACE))
    found = _FIELD.findall(text, 5, end)
    if sum(len(f[0]) for f in found) != end - 5:
        return None
    return {tag: (section or plain) if tag in _VERBATIM else (section or plain).strip()
            for _, tag, section, plain in found}


def parse_xml(body: bytes) -> dict[str, str]:
    """Top-level fields of a WeChat XML message; refuses DTDs and anything malformed.

    Only UTF-8 is accepted (WeChat sends nothing else): a UTF-16 or UTF-32 body could hide a
    DOCTYPE from the byte-level check, so any body that is not NUL-free UTF-8 is refused first,
    and the parser reads UTF-8 whatever the XML declaration claims. A body of the flat shape every
    message has is read by one regular expression (a third of lxml's cost; the two agree, tested
    with generated bodies), a text message in WeChat's own field order by a narrower one; lxml
    reads the rest."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("body is not UTF-8") from None
    if b"\x00" in body:
        raise BadRequest("body is not UTF-8 (NUL bytes: UTF-16 or UTF-32?)")
    fields = _text_message(text)
    if fields is None:
        fields = _flat_fields(text)
    if fields is not None:
        return fields
    if _FORBIDDEN.search(body):
        raise BadRequest("xml declares a DOCTYPE or ENTITY")
    return _lxml_fields(body)


def _lxml_fields(body: bytes) -> dict[str, str]:
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise BadRequest(f"malformed xml: {exc}") from None
    if root.tag != "xml":
        raise BadRequest(f"root element is <{str(root.tag)[:20]}>, expected <xml>")
    fields = {}
    for child in root:
        tag, text = child.tag, child.text or ""
        if len(child):  # a list of items (SubscribeMsgPopupEvent): JSON of each item's fields
            fields[tag] = json.dumps([{g.tag: (g.text or "").strip() for g in item} for item in child],
                                     ensure_ascii=False)
            continue
        fields[tag] = text if tag in _VERBATIM else text.strip()
    return fields


def _float(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def to_message(f: dict[str, str]) -> Message:
    """Build the plain Message handlers see; a voice message's text is its Recognition."""
    kind = f.get("MsgType", "").lower()
    openid = f.get("FromUserName", "")
    if not kind or not openid:
        raise BadRequest("message lacks MsgType or FromUserName")
    try:
        create_time = int(f.get("CreateTime") or 0)
    except ValueError:
        raise BadRequest("CreateTime is not a number") from None
    text, lat, lng, label = "", None, None, ""
    if kind == "text":
        text = f.get("Content", "")
    elif kind == "voice":
        text = f.get("Recognition", "")
    elif kind == "location":
        lat, lng, label = _float(f.get("Location_X", "")), _float(f.get("Location_Y", "")), f.get("Label", "")
    elif kind == "link":
        text = f.get("Title", "")
    event = f.get("Event", "").lower() if kind == "event" else ""
    if event == "location":
        lat, lng = _float(f.get("Latitude", "")), _float(f.get("Longitude", ""))
    return Message(kind=kind, openid=openid, account=f.get("ToUserName", ""), create_time=create_time,
                   msg_id=f.get("MsgId", "") or f.get("MsgID", ""), text=text, event=event,
                   event_key=f.get("EventKey", ""), latitude=lat, longitude=lng, label=label, fields=f)


def cdata(text: str) -> str:
    """CDATA section that stays well-formed whatever the text holds (splits any ']]>')."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


_NEWS = ("<xml><ToUserName>{to}</ToUserName><FromUserName>{frm}</FromUserName><CreateTime>{ts}</CreateTime>"
         "<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item>"
         "<Title>{title}</Title><Description>{desc}</Description><PicUrl>{pic}</PicUrl><Url>{url}</Url>"
         "</item></Articles></xml>")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_SAFE: dict[str, str] = {}


def safe_cdata(text: str) -> str:
    """CDATA of a text with the control characters XML cannot carry dropped; memoised (bounded),
    since most replies are repeats (cached answers, greetings) and scanning a 2 KB answer cost
    more than building the rest of the reply."""
    safe = _SAFE.get(text)
    if safe is None:
        safe = cdata(_CONTROL.sub("", text))
        if len(_SAFE) >= 2048:
            _SAFE.clear()
        _SAFE[text] = safe
    return safe


def reply_parts(reply: Reply, msg: Message, now: int | None = None) -> tuple[str, ...]:
    """Passive reply XML for `msg`, as the parts it is joined from. The de-duplication memory keeps
    these until a retry can no longer come (tens of thousands of messages at full load): the
    answer's part is the shared, memoised one (`safe_cdata`), so each message holds a few short
    strings rather than its own copy of a long answer."""
    ts = str(int(now or time.time()))
    to, frm = cdata(msg.openid), cdata(msg.account)
    if reply.article is not None:
        a = reply.article
        return (_NEWS.format(to=to, frm=frm, ts=ts, title=safe_cdata(a.title), desc=safe_cdata(a.description),
                             pic=cdata(a.picurl), url=cdata(a.url)),)
    return ("<xml><ToUserName>", to, "</ToUserName><FromUserName>", frm, "</FromUserName><CreateTime>", ts,
            _TEXT_MIDDLE, safe_cdata(reply.text), "</Content></xml>")


_TEXT_MIDDLE = "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>"


def render_reply(reply: Reply, msg: Message, now: int | None = None) -> str:
    """Passive reply XML for `msg`."""
    return "".join(reply_parts(reply, msg, now))


class Crypto:
    """Safe-mode envelope: check msg_signature, decrypt, and encrypt replies (wechatpy's AES)."""

    def __init__(self, token: str, encoding_aes_key: str, app_id: str) -> None:
        import base64
        self.token, self.app_id = token, app_id
        self._prp = PrpCrypto(base64.b64decode(encoding_aes_key + "="))

    def decrypt(self, encrypted: str, msg_signature: str, timestamp: str, nonce: str) -> bytes:
        if not signature_ok((self.token, timestamp, nonce, encrypted), msg_signature):
            raise PermissionError("bad msg_signature")
        try:
            return self._prp.decrypt(encrypted, self.app_id).encode("utf-8")
        except InvalidAppIdException:
            raise PermissionError("encrypted for another app id") from None
        except Exception as exc:  # padding, base64, length: all mean a corrupt envelope
            raise BadRequest(f"cannot decrypt: {type(exc).__name__}") from None

    def encrypt(self, xml: str, nonce: str, timestamp: str | None = None) -> str:
        ts = timestamp or str(int(time.time()))
        encrypted = self._prp.encrypt(xml, self.app_id).decode()
        return ("<xml><Encrypt>{e}</Encrypt><MsgSignature>{s}</MsgSignature><TimeStamp>{t}</TimeStamp>"
                "<Nonce>{n}</Nonce></xml>").format(e=cdata(encrypted), s=cdata(sign(self.token, ts, nonce, encrypted)),
                                                   t=ts, n=cdata(nonce))
