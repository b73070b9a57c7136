"""Keyword and exact-phrase auto-replies: list, create, edit, delete."""
from __future__ import annotations

from dataclasses import asdict

from aiohttp import web

from bot.admin.app import CONSOLE, render
from bot.admin.auth import GuardedRoutes, need_operator

FIELDS = ("match", "pattern", "kind", "text", "title", "description", "url", "picurl")


async def listing(request: web.Request) -> web.Response:
    need_operator(request)
    return await render(request, "keywords.html", replies=request.app[CONSOLE].keywords.all())


async def edit(request: web.Request) -> web.Response:
    user = need_operator(request)
    console = request.app[CONSOLE]
    store = console.keywords
    rid = int(request.query["id"]) if request.query.get("id", "").isdigit() else None
    current = store.get(rid) if rid else None
    if rid and current is None:
        raise web.HTTPNotFound(text="no such keyword reply")
    if request.method == "GET":
        values = asdict(current) if current else {"match": request.query.get("match", "keyword"), "kind": "text",
                                                  "pattern": request.query.get("pattern", "")}
        return await render(request, "keyword_edit.html", values=values, errors={}, rid=rid)
    form = await request.post()
    data = {k: str(form.get(k, "")).strip() for k in FIELDS} | {"id": rid}
    errors = store.check(data)
    if errors:
        return await render(request, "keyword_edit.html", values=data, errors=errors, rid=rid, status=400)
    saved = store.save(data)
    console.audit.record(user.name, "edit" if rid else "create", f"keyword:{saved.id}",
                         asdict(current) if current else None, asdict(saved))
    raise web.HTTPFound(request.app.router["keywords"].url_for().with_query(saved=saved.id))


async def delete(request: web.Request) -> web.Response:
    user = need_operator(request)
    console = request.app[CONSOLE]
    rid = int(request.match_info["id"])
    current = console.keywords.get(rid)
    if current is None:
        raise web.HTTPNotFound(text="no such keyword reply")
    console.keywords.delete(rid)
    console.audit.record(user.name, "delete", f"keyword:{rid}", asdict(current), None)
    raise web.HTTPFound(request.app.router["keywords"].url_for())


def routes(router: GuardedRoutes) -> None:
    router.add_get("/keywords", listing, name="keywords")
    router.add_route("*", "/keywords/edit", edit, name="keyword_edit")
    router.add_post("/keywords/{id:\\d+}/delete", delete, name="keyword_delete")
