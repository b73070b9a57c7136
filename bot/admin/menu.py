"""The account's custom menu (owner of the `admin_menu` table): edited in the console, pushed to
WeChat with menu/create and read back with menu/get. Click keys name a category's menu_key or a
keyword reply (KW_<id>); the handlers answer both."""
from __future__ import annotations

import json
import time

import sqlite_utils

MAX_TOP, MAX_SUB = 3, 5


def parse_action(action: str) -> dict:
    """"https://..." -> a view button, anything else -> a click button with that key."""
    action = action.strip()
    if action.startswith(("http://", "https://")):
        return {"type": "view", "url": action}
    return {"type": "click", "key": action}


def button_action(button: dict) -> str:
    return button.get("url", "") if button.get("type") == "view" else button.get("key", "")


def check(menu: dict, known_keys: set[str]) -> list[str]:
    """WeChat's limits (3 buttons, 5 sub-buttons, name lengths) and click keys that lead somewhere."""
    problems = []
    buttons = menu.get("button", [])
    if not buttons:
        problems.append("the menu needs at least one button")
    if len(buttons) > MAX_TOP:
        problems.append(f"at most {MAX_TOP} buttons")
    for b in buttons:
        if len(b["name"].encode()) > 16:
            problems.append(f"button {b['name']!r}: name longer than 16 bytes")
        subs = b.get("sub_button", [])
        if len(subs) > MAX_SUB:
            problems.append(f"button {b['name']!r}: at most {MAX_SUB} sub-buttons")
        for s in subs or [b]:
            if s is not b and len(s["name"].encode()) > 60:
                problems.append(f"{s['name']!r}: name longer than 60 bytes")
            if s.get("type") == "click" and s.get("key") not in known_keys:
                problems.append(f"{s['name']!r}: unknown key {s.get('key')!r} (a category's menu key or KW_<id>)")
    return problems


class Menu:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.table = db["admin_menu"]
        if not self.table.exists():
            self.table.create({"id": int, "menu": str, "saved": float, "pushed": float}, pk="id")

    def get(self) -> dict:
        rows = list(self.table.rows_where("id = 1"))
        return json.loads(rows[0]["menu"]) if rows else {"button": []}

    def pushed_at(self) -> float | None:
        rows = list(self.table.rows_where("id = 1"))
        return rows[0]["pushed"] if rows else None

    def save(self, menu: dict) -> None:
        self.table.upsert({"id": 1, "menu": json.dumps(menu, ensure_ascii=False), "saved": time.time()}, pk="id")

    def mark_pushed(self) -> None:
        self.table.update(1, {"pushed": time.time()})


async def push(client, menu: dict) -> dict:
    return await client.call("/cgi-bin/menu/create", menu)


async def fetch(client) -> dict:
    """The menu WeChat has now (menu/get is a GET with the token)."""
    token = await client.access_token()
    session = await client.session()
    async with session.get(client.base_url + "/cgi-bin/menu/get", params={"access_token": token}) as resp:
        return json.loads(await resp.read() or b"{}")
