"""The WeChat API calls announcements need beyond sending: followers, tags, subscription
messages (订阅通知), withdrawing a mass send, media (images, mpnews articles) and messages
other than text (image, news, mpnews). Built on the shared client (its token handling:
one refresh and one retry on an invalid token); GET endpoints go through `get`.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from bot.channels.wechat.client import TransientError, WeChatAPIError


class AccountAPI:
    def __init__(self, client) -> None:
        self.client = client

    async def get(self, path: str, params: dict | None = None) -> dict:
        """GET with the token; the same refresh-once rule as `client.call` (`client.with_token`)."""
        session = await self.client.session()

        async def request(token: str) -> dict:
            async with session.get(self.client.base_url + path, params={**(params or {}), "access_token": token}) as resp:
                if resp.status >= 500:
                    raise aiohttp.ClientResponseError(resp.request_info, (), status=resp.status,
                                                      message=f"WeChat API answered HTTP {resp.status}")
                return json.loads(await resp.read() or b"{}")
        return await self.client.with_token(request)

    async def user_list(self, next_openid: str = "") -> dict[str, Any]:
        """user/get: up to 10,000 follower openids after `next_openid`."""
        return await self.get("/cgi-bin/user/get", {"next_openid": next_openid} if next_openid else {})

    async def user_info_batch(self, openids: list[str]) -> list[dict]:
        """user/info/batchget: at most 100 openids per call."""
        data = await self.client.call("/cgi-bin/user/info/batchget",
                                      {"user_list": [{"openid": o, "lang": "zh_CN"} for o in openids]})
        return data.get("user_info_list", [])

    async def tags(self) -> list[dict]:
        return (await self.get("/cgi-bin/tags/get")).get("tags", [])

    async def tags_of(self, openid: str) -> list[int]:
        return (await self.client.call("/cgi-bin/tags/getidlist", {"openid": openid})).get("tagid_list", [])

    async def tag_members(self, tag_id: int, next_openid: str = "") -> dict:
        return await self.client.call("/cgi-bin/user/tag/get", {"tagid": tag_id, "next_openid": next_openid})

    async def send_subscribe(self, openid: str, template_id: str, data: dict, page: str = "") -> dict:
        """subscribe/bizsend (订阅通知): needs the resident's acceptance of the template; 43101
        when they refused it or it is used up."""
        payload = {"touser": openid, "template_id": template_id, "data": data}
        if page:
            payload["page"] = page
        return await self.client.call("/cgi-bin/message/subscribe/bizsend", payload)

    async def mass_delete(self, msg_id: int | str, article_idx: int = 0) -> dict:
        """mass/delete: withdraws a mass send (WeChat can only withdraw news and video ones)."""
        return await self.client.call("/cgi-bin/message/mass/delete", {"msg_id": int(msg_id), "article_idx": article_idx})

    async def _form(self, path: str, params: dict, form_fields: tuple) -> dict:
        """A multipart upload with the token (refreshed once when refused). Uploading reaches no
        resident, so a lost connection is only ever a TransientError."""
        session = await self.client.session()

        async def request(token: str) -> dict:
            form = aiohttp.FormData()
            form.add_field(*form_fields[:2], filename=form_fields[2], content_type=form_fields[3])
            try:
                async with session.post(self.client.base_url + path, params={**params, "access_token": token},
                                        data=form) as resp:
                    status, raw = resp.status, await resp.read()
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                raise TransientError(f"{path}: {type(exc).__name__}") from None
            try:
                body = json.loads(raw or b"{}") if status < 500 else None
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise TransientError(f"{path}: HTTP {status}, not a JSON object")
            return body
        return await self.client.with_token(request)

    async def upload(self, data: bytes, kind: str = "image", filename: str = "image.jpg",
                     content_type: str = "image/jpeg") -> str:
        """media/upload (temporary media, kept by WeChat for 3 days) -> media_id. WeChat refuses
        an unknown type (40004), a file that is no image (40005) or one too large (45001)."""
        body = await self._form("/cgi-bin/media/upload", {"type": kind}, ("media", data, filename, content_type))
        return body.get("media_id") or body.get("thumb_media_id") or ""

    async def upload_image(self, data: bytes, filename: str = "image.jpg") -> str:
        return await self.upload(data, "image", filename)

    async def media_get(self, media_id: str) -> bytes:
        """media/get: a file a resident or staff member sent (its MediaId), as bytes."""
        session = await self.client.session()
        token = await self.client.access_token()
        try:
            async with session.get(self.client.base_url + "/cgi-bin/media/get",
                                   params={"access_token": token, "media_id": media_id}) as resp:
                raw, kind = await resp.read(), resp.content_type
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise TransientError(f"media/get: {type(exc).__name__}") from None
        if kind in ("application/json", "text/plain"):
            body = json.loads(raw or b"{}")
            raise WeChatAPIError(int(body.get("errcode", -1)), str(body.get("errmsg", "")))
        return raw

    async def upload_news(self, articles: list[dict]) -> str:
        """media/uploadnews: an mpnews article for a mass send -> its media_id."""
        return (await self.client.call("/cgi-bin/media/uploadnews", {"articles": articles}))["media_id"]

    async def send_custom(self, openid: str, message: dict) -> dict:
        """message/custom/send with a prepared message: {"msgtype": "text"|"image"|"news", ...}."""
        return await self.client.call("/cgi-bin/message/custom/send", {"touser": openid, **message})

    async def mass_send(self, tag_id: int, message: dict, clientmsgid: str) -> dict:
        """message/mass/sendall to a tag with a prepared message (text, image or mpnews)."""
        return await self.client.call("/cgi-bin/message/mass/sendall", {
            "filter": {"is_to_all": False, "tag_id": tag_id}, **message, "clientmsgid": clientmsgid,
            "send_ignore_reprint": 0})
