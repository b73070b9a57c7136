"""A fake WeChat API server on loopback: records every call, answers like WeChat, injects errors.

Only the endpoints the bot uses are served. Tokens are issued by /cgi-bin/stable_token and
checked on every other call (40001 for an unknown or revoked one), so token handling is
exercised for real. `script(path, *answers)` queues answers for a path: an int is a WeChat
errcode, a dict a JSON body, an HTTP status >= 500 given as ("http", 503).
"""
from __future__ import annotations

import asyncio
import itertools
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Call:
    path: str
    query: dict
    body: dict


@dataclass
class FakeWeChat:
    calls: list[Call] = field(default_factory=list)
    valid_tokens: set = field(default_factory=set)
    delay: float = 0.0
    delivered: list = field(default_factory=list)     # (touser, text) of every message a resident got
    on_call: object = None                            # async hook(call) run before answering (crash injection)
    tags: dict = field(default_factory=dict)           # tag id -> openids, for mass sends
    menu: dict | None = None                          # the custom menu last created (menu/create, menu/get)
    _dedup: set = field(default_factory=set)
    _scripts: dict = field(default_factory=lambda: defaultdict(deque))
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def script(self, path: str, *answers) -> None:
        self._scripts[path].extend(answers)

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    def calls_to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        body = json.loads(raw) if raw else {}
        call = Call(request.path, dict(request.query), body)
        self.calls.append(call)
        if self.on_call is not None:
            await self.on_call(call)
        if self.delay:
            await asyncio.sleep(self.delay)
        queued = self._scripts.get(request.path)
        if queued:
            answer = queued.popleft()
            if isinstance(answer, tuple) and answer[0] == "http":
                return web.Response(status=answer[1], text="upstream error")
            if isinstance(answer, int):
                return web.json_response({"errcode": answer, "errmsg": f"injected {answer}"})
            return web.json_response(answer)
        if request.path == "/cgi-bin/stable_token":
            if body.get("grant_type") != "client_credential" or not body.get("appid") or not body.get("secret"):
                return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
            token = f"TOKEN-{next(self._counter)}"
            self.valid_tokens.add(token)
            return web.json_response({"access_token": token, "expires_in": 7200})
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        if request.path == "/cgi-bin/message/template/send":
            key = (body.get("touser"), body.get("client_msg_id"))
            if body.get("client_msg_id") and key in self._dedup:   # WeChat drops the repeat silently
                return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": 0})
            self._dedup.add(key)
            self.delivered.append((body["touser"], body["data"]["content"]["value"]))
        elif request.path == "/cgi-bin/message/mass/sendall":
            key = ("mass", body.get("clientmsgid"))
            if key in self._dedup:
                return web.json_response({"errcode": 45065, "errmsg": "clientmsgid exist"})
            self._dedup.add(key)
            for openid in self.tags.get(body["filter"]["tag_id"], []):
                self.delivered.append((openid, body["text"]["content"]))
            return web.json_response({"errcode": 0, "errmsg": "send job submission success", "msg_id": next(self._counter)})
        elif request.path == "/cgi-bin/menu/create":
            if not body.get("button") or len(body["button"]) > 3:
                return web.json_response({"errcode": 40017, "errmsg": "invalid button size"})
            self.menu = body
        elif request.path == "/cgi-bin/menu/get":
            if self.menu is None:
                return web.json_response({"errcode": 46003, "errmsg": "menu no exist"})
            return web.json_response({"menu": self.menu})
        elif request.path == "/cgi-bin/message/custom/send":
            self.delivered.append((body["touser"], body["text"]["content"]))
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": next(self._counter)})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app
