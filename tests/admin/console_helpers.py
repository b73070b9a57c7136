"""What the console tests share: the signed-in client that carries the CSRF token like a browser form."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


class ConsoleClient:
    def __init__(self, client, base: str = "/admin") -> None:
        self.client, self.base = client, base

    async def csrf(self, path: str = "/") -> str:
        resp = await self.client.get(self.base + path)
        return CSRF.search(await resp.text()).group(1)

    async def login(self, name: str, password: str = PASSWORD):
        token = await self.csrf("/login")
        return await self.client.post(self.base + "/login", data={"_csrf": token, "name": name, "password": password},
                                      allow_redirects=False)

    async def get(self, path: str, **kw):
        return await self.client.get(self.base + path, **kw)

    async def post(self, path: str, data=None, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf:
            data["_csrf"] = await self.csrf()
        return await self.client.post(self.base + path, data=data, allow_redirects=kw.pop("allow_redirects", False), **kw)
