"""Announcements, thinly: compose with audience preview, schedule, progress and per-resident report,
through bot.announcements' Outbox (the same rules as from WeChat: staff address only their communities)."""
from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.admin.app import CONSOLE, render
from bot.admin.auth import user_of
from bot.storage.residents import openid_hash


def _targets(request, form) -> tuple[str, list[str]]:
    user = user_of(request)
    targets = [t for t in form.getall("community", []) if t]
    if form.get("all") and user.operator:
        return "all", []
    if not targets:
        raise web.HTTPBadRequest(text="choose at least one community")
    if not all(user.may_edit(t) for t in targets):
        raise web.HTTPForbidden(text="staff may address only their own communities")
    return "community", targets


def _when(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        return datetime.strptime(text.strip().replace("T", " "), "%Y-%m-%d %H:%M").timestamp()
    except ValueError:
        raise web.HTTPBadRequest(text="time: use YYYY-MM-DD HH:MM") from None


async def page(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    user = user_of(request)
    outbox = console.webhook.deps.outbox
    kb = console.webhook.deps.knowledge
    communities = [(c.id, c.display) for c in kb.model.communities.values() if user.may_edit(c.id)] if kb else []
    preview = None
    form = {}
    if request.method == "POST":
        form = await request.post()
        text = str(form.get("text", "")).strip()
        scope, targets = _targets(request, form)
        if not text:
            raise web.HTTPBadRequest(text="the announcement needs a text")
        if form.get("action") == "preview":
            preview = len(outbox.audience(scope, targets))
        else:
            aid = outbox.create(f"console:{user.name}", scope, targets, text, _when(str(form.get("send_at", ""))))
            console.audit.record(user.name, "announce", f"announcement:{aid}", None,
                                 {"scope": scope, "targets": targets, "text": text})
            raise web.HTTPFound(request.app.router["announcement"].url_for(id=str(aid)))
    ids = [r[0] for r in console.db.conn.execute("select id from announcements order by id desc limit 30")]
    items = [outbox.status(i) for i in ids]
    items = [a for a in items if user.operator or (a["targets"] and all(user.may_edit(t) for t in a["targets"]))]
    return await render(request, "announcements.html", communities=communities, items=items, preview=preview,
                        form=form, chosen=form.getall("community", []) if form else [])


async def detail(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    user = user_of(request)
    try:
        st = console.webhook.deps.outbox.status(int(request.match_info["id"]))
    except KeyError:
        raise web.HTTPNotFound(text="no such announcement") from None
    if not user.operator and not (st["targets"] and all(user.may_edit(t) for t in st["targets"])):
        raise web.HTTPForbidden(text="not one of your communities")
    rows = [(openid_hash(o), s, c or "-", e or "") for o, s, c, e in console.db.conn.execute(
        "select openid, state, channel, error from outbox where announcement_id = ? order by id limit 500", [st["id"]])]
    done = sum(n for states in st["channels"].values() for k, n in states.items() if k in ("sent", "failed", "uncertain"))
    return await render(request, "announcement.html", st=st, rows=rows, done=done)


def routes(app: web.Application) -> None:
    app.router.add_route("*", "/announcements", page, name="announcements")
    app.router.add_get("/announcements/{id:\\d+}", detail, name="announcement")
