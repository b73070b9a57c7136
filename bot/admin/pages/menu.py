"""The custom menu: edit up to 3 buttons of up to 5 sub-buttons, push it to WeChat, read it back."""
from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.admin import menu as menus
from bot.admin.app import CONSOLE, render
from bot.admin.auth import GuardedRoutes, need_operator
from bot.channels.wechat.client import WeChatAPIError


def _known_keys(console) -> dict[str, str]:
    kb = console.webhook.deps.knowledge
    keys = {c.menu_key: f"类别：{c.name}" for c in kb.model.categories.values() if c.menu_key} if kb else {}
    keys.update({r.click_key: f"关键词回复：{r.pattern}" for r in console.keywords.all()})
    return keys


def _from_form(form) -> dict:
    buttons = []
    for i in range(menus.MAX_TOP):
        name = str(form.get(f"b{i}", "")).strip()
        if not name:
            continue
        subs = []
        for j in range(menus.MAX_SUB):
            sname, action = str(form.get(f"b{i}s{j}", "")).strip(), str(form.get(f"b{i}s{j}a", "")).strip()
            if sname:
                subs.append({"name": sname, **menus.parse_action(action)})
        top_action = str(form.get(f"b{i}a", "")).strip()
        buttons.append({"name": name, "sub_button": subs} if subs else {"name": name, **menus.parse_action(top_action)})
    return {"button": buttons}


async def page(request: web.Request) -> web.Response:
    user = need_operator(request)
    console = request.app[CONSOLE]
    keys = _known_keys(console)
    menu, problems, note = console.menu.get(), [], request.query.get("note", "")
    if request.method == "POST":
        form = await request.post()
        menu = _from_form(form)
        problems = menus.check(menu, set(keys))
        if not problems:
            before = console.menu.get()
            console.menu.save(menu)
            console.audit.record(user.name, "save menu", "menu", before, menu)
            if form.get("push"):
                try:
                    await menus.push(console.webhook.client, menu)
                except (WeChatAPIError, aiohttp.ClientError, TimeoutError) as exc:
                    problems = [f"WeChat refused the menu: {exc}"]
                else:
                    console.menu.mark_pushed()
                    console.audit.record(user.name, "push menu", "menu", None, menu)
                    raise web.HTTPFound(request.app.router["menu"].url_for().with_query(note="已发布到微信"))
            if not problems:
                raise web.HTTPFound(request.app.router["menu"].url_for().with_query(note="已保存"))
    return await render(request, "menu.html", status=400 if problems else 200, menu=menu, keys=keys,
                        problems=problems, note=note, action=menus.button_action, pushed=console.menu.pushed_at(),
                        MAX_TOP=menus.MAX_TOP, MAX_SUB=menus.MAX_SUB)


async def current(request: web.Request) -> web.Response:
    need_operator(request)
    console = request.app[CONSOLE]
    try:
        got = await menus.fetch(console.webhook.client)
    except (WeChatAPIError, aiohttp.ClientError, TimeoutError) as exc:
        got = {"error": str(exc)}
    import json
    return await render(request, "message.html", title="微信上现在的菜单",
                        lines=[json.dumps(got, ensure_ascii=False, indent=1)])


def routes(router: GuardedRoutes) -> None:
    router.add_route("*", "/menu", page, name="menu")
    router.add_get("/menu/wechat", current, name="menu_wechat")
