"""The WeChat API calls announcements need beyond sending: followers, tags, subscription
messages (订阅通知), withdrawing a mass send. Built on the shared client (its token handling:
one refresh and one retry on an invalid token); GET endpoints go through `get`.
"""
from __future__ import annotations

import json
from typing import Any

import aiohttp

from bot.channels.wechat.client import TOKEN_INVALID, WeChatAPIError


class AccountAPI:
    def __init__(self, client) -> None:
        self.client = client

    async def get(self, path: str, params: dict | None = None) -> dict:
        """GET with the token; same refresh-once rule as `client.call`."""
        session = await self.client.session()
        stale = None
        for _ in range(2):
            token = await self.client.access_token(stale=stale)
            async with session.get(self.client.base_url + path,
                                   params={**(params or {}), "access_token": token}) as resp:
                if resp.status >= 500:
                    raise aiohttp.ClientResponseError(resp.request_info, (), status=resp.status,
                                                      message=f"WeChat API answered HTTP {resp.status}")
                data = json.loads(await resp.read() or b"{}")
            code = int(data.get("errcode", 0) or 0)
            if code not in TOKEN_INVALID:
                break
            stale = token
        if code:
            raise WeChatAPIError(code, str(data.get("errmsg", "")))
        return data

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

    async def upload_image(self, data: bytes, filename: str = "image.jpg") -> str:
        """media/upload (temporary image) -> media_id."""
        session = await self.client.session()
        token = await self.client.access_token()
        form = aiohttp.FormData()
        form.add_field("media", data, filename=filename, content_type="image/jpeg")
        async with session.post(self.client.base_url + "/cgi-bin/media/upload",
                                params={"access_token": token, "type": "image"}, data=form) as resp:
            body = json.loads(await resp.read() or b"{}")
        if int(body.get("errcode", 0) or 0):
            raise WeChatAPIError(int(body["errcode"]), str(body.get("errmsg", "")))
        return body["media_id"]
