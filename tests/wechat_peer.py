"""Builds requests exactly as WeChat sends them, using wechatpy for signatures and encryption."""
from __future__ import annotations

import itertools
import random
import time
import xml.etree.ElementTree as ET

from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

_ids = itertools.count(random.randrange(10**15, 10**16))


def signature(token: str, timestamp: str, nonce: str) -> str:
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return signer.signature


def _cdata(v) -> str:
    return "<![CDATA[" + str(v).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def message_xml(kind: str, openid: str = "oResident0001", create_time: int | None = None,
                msg_id: int | None = None, **fields) -> str:
    """A message or event as WeChat posts it; fields become elements (numbers stay bare)."""
    create_time = create_time or int(time.time())
    parts = [f"<ToUserName>{_cdata('gh_linli')}</ToUserName>", f"<FromUserName>{_cdata(openid)}</FromUserName>",
             f"<CreateTime>{create_time}</CreateTime>", f"<MsgType>{_cdata(kind)}</MsgType>"]
    for k, v in fields.items():
        parts.append(f"<{k}>{v if isinstance(v, (int, float)) else _cdata(v)}</{k}>")
    if kind != "event":
        parts.append(f"<MsgId>{msg_id or next(_ids)}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


def text(content: str, **kw) -> str:
    return message_xml("text", Content=content, **kw)


def event(name: str, key: str = "", **kw) -> str:
    return message_xml("event", Event=name, EventKey=key, **kw)


class Peer:
    """Plays WeChat's side of the webhook: signs (and in safe mode encrypts) each request."""

    def __init__(self, client, token: str, path: str = "/wechat", aes_key: str = "", app_id: str = "") -> None:
        self.client, self.token, self.path = client, token, path
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key else None

    def query(self, timestamp: str | None = None, nonce: str | None = None, **extra) -> dict:
        ts = timestamp or str(int(time.time()))
        nonce = nonce or str(random.randrange(10**8, 10**9))
        return {"signature": signature(self.token, ts, nonce), "timestamp": ts, "nonce": nonce, **extra}

    async def post(self, xml: str | bytes, encrypt: bool = False, compatible: bool = False, query=None):
        q = query or self.query()
        body = xml
        if encrypt:
            enc = self.crypto.encrypt_message(xml, q["nonce"], q["timestamp"])
            root = ET.fromstring(enc)
            encrypted, msg_sig = root.findtext("Encrypt"), root.findtext("MsgSignature")
            inner = xml[len("<xml>"):-len("</xml>")] if compatible else ""
            body = f"<xml>{inner}<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
            q = {**q, "encrypt_type": "aes", "msg_signature": msg_sig}
        return await self.client.post(self.path, params=q, data=body)

    async def ask(self, xml: str, **kw) -> str:
        """POST and return the reply's text content ('' for 'success')."""
        resp = await self.post(xml, **kw)
        assert resp.status == 200, await resp.text()
        return reply_text(await resp.text())

    def decrypt_reply(self, body: str, query: dict) -> str:
        root = ET.fromstring(body)
        return self.crypto.decrypt_message(body, root.findtext("MsgSignature"), root.findtext("TimeStamp"),
                                           root.findtext("Nonce"))


def reply_text(body: str) -> str:
    if body in ("", "success"):
        return ""
    root = ET.fromstring(body)
    if root.findtext("MsgType") == "news":
        return "\n".join(filter(None, [root.findtext(".//Title"), root.findtext(".//Description")]))
    return root.findtext("Content") or ""
