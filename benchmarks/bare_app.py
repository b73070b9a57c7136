"""Baseline for the load benchmark: a bare aiohttp app that checks the signature and returns a
fixed text reply. Whatever Linli does beyond this is what the ratio measures."""
from __future__ import annotations

import hashlib
import hmac
import sys

from aiohttp import web

TOKEN = "benchtoken"
REPLY = ("<xml><ToUserName><![CDATA[o]]></ToUserName><FromUserName><![CDATA[gh]]></FromUserName>"
         "<CreateTime>0</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[ok]]></Content></xml>")


async def wechat(request: web.Request) -> web.Response:
    q = request.query
    expected = hashlib.sha1("".join(sorted([TOKEN, q.get("timestamp", ""), q.get("nonce", "")])).encode()).hexdigest()
    if not hmac.compare_digest(expected, q.get("signature", "")):
        return web.Response(status=403)
    await request.read()
    return web.Response(text=REPLY, content_type="application/xml")


if __name__ == "__main__":
    app = web.Application()
    app.router.add_post("/wechat", wechat)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
