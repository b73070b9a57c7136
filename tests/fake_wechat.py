"""A fake WeChat API server on loopback: records every call, answers like WeChat, injects errors.

Only the endpoints the bot uses are served. Tokens are issued by /cgi-bin/stable_token and
checked on every other call (40001 for an unknown or revoked one), so token handling is
exercised for real. `script(path, *answers)` queues answers for a path: an int is a WeChat
errcode, a dict a JSON body, an HTTP status >= 500 given as ("http", 503).

Followers: `add_followers(n)` makes an account with n followers (openids in subscription
order, optional tags and QR scenes); user/get pages them 10,000 at a time by next_openid,
user/info/batchget answers at most 100 (45035 beyond, 40003 for an unknown openid), tags/get,
tags/getidlist and user/tag/get answer from `follower_tags` and `tag_names`.
Subscription messages (subscribe/bizsend) reach only openids in `subscribe_accepts`
(template ids they accepted; one accepted = one message, then 43101); a `thing` field
over 20 characters is 47003. mass/delete withdraws a known msg_id (else 40007).
media/upload stores an image and answers a media_id: 40004 for an unknown media type, 40005
when the file is not a JPEG/PNG/GIF/BMP, 45001 over `image_limit` bytes (thumb: 64 KB);
media/get gives a stored file back (40007 for an unknown media_id). media/uploadnews stores an
mpnews article (40007 when its thumb_media_id is unknown, 44003 without title or content).
message/custom/send takes text, image (a known media_id) and news (one article, else 45008);
message/mass/sendall takes text, image and mpnews (an uploaded news media_id, else 40007).
"""
from __future__ import annotations

import asyncio
import email
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
    followers: list = field(default_factory=list)       # openids in subscription order
    follower_info: dict = field(default_factory=dict)   # openid -> extra user/info fields
    follower_tags: dict = field(default_factory=dict)   # openid -> [tag ids]
    tag_names: dict = field(default_factory=dict)       # tag id -> name
    subscribe_accepts: dict = field(default_factory=dict)  # openid -> [template ids accepted, one per send]
    mass_sent: dict = field(default_factory=dict)       # msg_id -> body of a mass send
    withdrawn: list = field(default_factory=list)       # msg_ids withdrawn
    media: dict = field(default_factory=dict)           # media_id -> bytes
    news: dict = field(default_factory=dict)            # news media_id -> articles (media/uploadnews)
    image_limit: int = 10 * 1024 * 1024                 # WeChat's limit for a temporary image
    page_size: int = 10000
    menu: dict | None = None                          # the custom menu last created (menu/create, menu/get)
    _dedup: set = field(default_factory=set)
    _scripts: dict = field(default_factory=lambda: defaultdict(deque))
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def script(self, path: str, *answers) -> None:
        self._scripts[path].extend(answers)

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    def add_followers(self, n: int, prefix: str = "oF", tags: dict | None = None,
                      scenes: dict | None = None) -> list[str]:
        """n followers; `tags`/`scenes`: openid -> tag ids / qr_scene_str."""
        ids = [f"{prefix}{i:06d}" for i in range(len(self.followers), len(self.followers) + n)]
        self.followers.extend(ids)
        for o, t in (tags or {}).items():
            self.follower_tags[o] = list(t)
        for o, scene in (scenes or {}).items():
            self.follower_info[o] = {"subscribe_scene": "ADD_SCENE_QR_CODE", "qr_scene_str": scene}
        return ids

    def _user_get(self, next_openid: str) -> dict:
        start = 0
        if next_openid:
            if next_openid not in self.followers:
                return {"errcode": 40003, "errmsg": "invalid openid"}
            start = self.followers.index(next_openid) + 1
        page = self.followers[start:start + self.page_size]
        if not page:
            return {"total": len(self.followers), "count": 0, "next_openid": ""}
        return {"total": len(self.followers), "count": len(page), "data": {"openid": page}, "next_openid": page[-1]}

    def _batchget(self, body: dict) -> dict:
        users = body.get("user_list") or []
        if len(users) > 100:
            return {"errcode": 45035, "errmsg": "user_list size exceeds limit (100)"}
        known, out = set(self.followers), []
        for u in users:
            o = u.get("openid", "")
            if o not in known:
                return {"errcode": 40003, "errmsg": f"invalid openid {o}"}
            info = {"subscribe": 1, "openid": o, "subscribe_time": 1700000000 + self.followers.index(o) % 1000,
                    "subscribe_scene": "ADD_SCENE_SEARCH", "qr_scene": 0, "qr_scene_str": "",
                    "tagid_list": self.follower_tags.get(o, []), "language": "zh_CN"}
            info.update(self.follower_info.get(o, {}))
            out.append(info)
        return {"user_info_list": out}

    def _bizsend(self, body: dict) -> dict:
        accepted = self.subscribe_accepts.get(body.get("touser"), [])
        if body.get("template_id") not in accepted:
            return {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
        for key, value in (body.get("data") or {}).items():
            if key.startswith("thing") and len(value.get("value", "")) > 20:
                return {"errcode": 47003, "errmsg": f"argument invalid! data.{key}.value"}
        accepted.remove(body["template_id"])
        text = " ".join(v.get("value", "") for v in body["data"].values())
        self.delivered.append((body["touser"], text))
        return {"errcode": 0, "errmsg": "ok"}

    def _upload(self, kind: str | None, content_type: str, raw: bytes) -> dict:
        if kind not in ("image", "voice", "video", "thumb"):
            return {"errcode": 40004, "errmsg": "invalid media type"}
        msg = email.message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
        files = [part.get_payload(decode=True) for part in msg.walk() if part.get_filename()]
        data = files[0] if files else b""
        if not data.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM")):
            return {"errcode": 40005, "errmsg": "invalid file type"}
        if len(data) > (64 * 1024 if kind == "thumb" else self.image_limit):
            return {"errcode": 45001, "errmsg": "media size out of limit"}
        media_id = f"MEDIA-{next(self._counter)}"
        self.media[media_id] = data
        key = "thumb_media_id" if kind == "thumb" else "media_id"
        return {"type": kind, key: media_id, "created_at": 1700000000}

    def _uploadnews(self, body: dict) -> dict:
        articles = body.get("articles") or []
        for a in articles:
            if a.get("thumb_media_id") not in self.media:
                return {"errcode": 40007, "errmsg": "invalid media_id"}
            if not a.get("title") or not a.get("content"):
                return {"errcode": 44003, "errmsg": "empty news data"}
        if not articles:
            return {"errcode": 44003, "errmsg": "empty news data"}
        media_id = f"NEWS-{next(self._counter)}"
        self.news[media_id] = articles
        return {"type": "news", "media_id": media_id, "created_at": 1700000000}

    def _custom(self, body: dict) -> dict | None:
        """A customer-service message of any kind; an error answer, or None when delivered."""
        kind, to = body.get("msgtype"), body["touser"]
        if kind == "news":
            articles = body["news"].get("articles") or []
            if len(articles) != 1:
                return {"errcode": 45008, "errmsg": "article size out of limit"}
            self.delivered.append((to, f"[news] {articles[0]['title']} | {articles[0]['description']} | "
                                       f"{articles[0]['url']}"))
        elif kind == "image":
            if body["image"].get("media_id") not in self.media:
                return {"errcode": 40007, "errmsg": "invalid media_id"}
            self.delivered.append((to, f"[image] {body['image']['media_id']}"))
        else:
            self.delivered.append((to, body["text"]["content"]))
        return None

    def _mass_content(self, body: dict) -> str | dict:
        kind = body.get("msgtype")
        if kind == "mpnews":
            articles = self.news.get(body["mpnews"].get("media_id"))
            if articles is None:
                return {"errcode": 40007, "errmsg": "invalid media_id"}
            return f"[mpnews] {articles[0]['title']}"
        if kind == "image":
            if body["image"].get("media_id") not in self.media:
                return {"errcode": 40007, "errmsg": "invalid media_id"}
            return f"[image] {body['image']['media_id']}"
        return body["text"]["content"]

    def calls_to(self, path: str) -> list[Call]:
        return [c for c in self.calls if c.path == path]

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        multipart = request.content_type.startswith("multipart/")
        body = json.loads(raw) if raw and not multipart else {}
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
        path = request.path
        if path == "/cgi-bin/user/get":
            return web.json_response(self._user_get(request.query.get("next_openid", "")))
        if path == "/cgi-bin/user/info/batchget":
            return web.json_response(self._batchget(body))
        if path == "/cgi-bin/tags/get":
            counts = {t: sum(t in v for v in self.follower_tags.values()) for t in self.tag_names}
            return web.json_response({"tags": [{"id": t, "name": n, "count": counts[t]} for t, n in self.tag_names.items()]})
        if path == "/cgi-bin/tags/getidlist":
            if body.get("openid") not in set(self.followers):
                return web.json_response({"errcode": 40003, "errmsg": "invalid openid"})
            return web.json_response({"tagid_list": self.follower_tags.get(body["openid"], [])})
        if path == "/cgi-bin/user/tag/get":
            if body.get("tagid") not in self.tag_names:
                return web.json_response({"errcode": 45159, "errmsg": "invalid tag id"})
            members = [o for o in self.followers if body["tagid"] in self.follower_tags.get(o, [])]
            return web.json_response({"count": len(members), "data": {"openid": members},
                                      "next_openid": members[-1] if members else ""})
        if path == "/cgi-bin/message/subscribe/bizsend":
            return web.json_response(self._bizsend(body))
        if path == "/cgi-bin/message/mass/delete":
            msg_id = body.get("msg_id")
            if msg_id not in self.mass_sent:
                return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
            self.withdrawn.append(msg_id)
            return web.json_response({"errcode": 0, "errmsg": "ok"})
        if path == "/cgi-bin/media/upload":
            return web.json_response(self._upload(request.query.get("type"), request.headers["Content-Type"], raw))
        if path == "/cgi-bin/media/get":
            data = self.media.get(request.query.get("media_id"))
            if data is None:
                return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
            return web.Response(body=data, content_type="image/jpeg")
        if path == "/cgi-bin/media/uploadnews":
            return web.json_response(self._uploadnews(body))
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
            content = self._mass_content(body)
            if isinstance(content, dict):
                return web.json_response(content)
            self._dedup.add(key)
            for openid in self.tags.get(body["filter"]["tag_id"], []):
                self.delivered.append((openid, content))
            msg_id = next(self._counter)
            self.mass_sent[msg_id] = body
            return web.json_response({"errcode": 0, "errmsg": "send job submission success", "msg_id": msg_id})
        elif request.path == "/cgi-bin/menu/create":
            if not body.get("button") or len(body["button"]) > 3:
                return web.json_response({"errcode": 40017, "errmsg": "invalid button size"})
            self.menu = body
        elif request.path == "/cgi-bin/menu/get":
            if self.menu is None:
                return web.json_response({"errcode": 46003, "errmsg": "menu no exist"})
            return web.json_response({"menu": self.menu})
        elif request.path == "/cgi-bin/message/custom/send":
            refused = self._custom(body)
            if refused is not None:
                return web.json_response(refused)
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": next(self._counter)})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app
