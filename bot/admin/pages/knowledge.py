"""Knowledge pages: browse and search each kind, create/edit/delete with field errors, history,
undo, CSV export and import."""
from __future__ import annotations

import json

from aiohttp import web

from bot.admin.app import CONSOLE, render
from bot.admin.auth import GuardedRoutes, user_of
from bot.admin.csvio import export, parse
from bot.admin.forms import from_form, to_form, widget
from bot.admin.kbfiles import KINDS, ChangeRefused

TITLES = {"sources": "来源", "categories": "类别与同义词", "communities": "社区", "programmes": "项目与品牌",
          "contacts": "联系人", "lists": "榜单", "people": "人物", "words": "词组（同义词、资料未涉及）"}


def _kind(request: web.Request):
    kind = KINDS.get(request.match_info["kind"])
    if kind is None:
        raise web.HTTPNotFound(text="no such kind of record")
    return kind


def _may(request: web.Request, kind, *records) -> None:
    user = user_of(request)
    for rec in records:
        if rec is not None and not user.may_edit(kind.community(rec)):
            raise web.HTTPForbidden(text="this record belongs to a community you do not look after")


async def index(request: web.Request) -> web.Response:
    kb = request.app[CONSOLE].kb
    q = request.query.get("q", "").strip()
    kinds = [(k, TITLES.get(k, k), len(kb.records(k))) for k in KINDS]
    hits = [(k, r) for k in KINDS for r in kb.search(k, q)][:100] if q else []
    return await render(request, "kb_index.html", kinds=kinds, q=q, hits=hits, KINDS=KINDS, titles=TITLES)


async def listing(request: web.Request) -> web.Response:
    kind = _kind(request)
    q = request.query.get("q", "")
    user = user_of(request)
    records = request.app[CONSOLE].kb.search(kind.name, q)
    if request.query.get("mine") and not user.operator:
        records = [r for r in records if user.may_edit(kind.community(r))]
    columns = [f.name for f in kind.fields if widget(f) in ("text", "words")][:5]
    return await render(request, "kb_list.html", kind=kind, title=TITLES.get(kind.name, kind.name), q=q,
                        records=records, columns=columns)


async def _form(request, kind, key, values, errors=None, other=(), status=200):
    """The edit form, with its field errors and the record's history."""
    console = request.app[CONSOLE]
    history = console.kb.changes(kind.name, key, 20) if key else []
    kb = console.kb
    choices = {"community": [(r["id"], r["name"]) for r in kb.records("communities")],
               "source": [(r["id"], r["title"]) for r in kb.records("sources")],
               "categories": [(r["id"], r["name"]) for r in kb.records("categories")]}
    return await render(request, "kb_edit.html", status=status, kind=kind, title=TITLES.get(kind.name, kind.name),
                        key=key, values=values, errors=errors or {}, other=list(other), history=history,
                        widget=widget, choices=choices, saved=request.query.get("saved") and status == 200)


async def edit(request: web.Request) -> web.Response:
    """GET shows the form; POST saves (key empty: a new record)."""
    kind = _kind(request)
    console = request.app[CONSOLE]
    key = request.query.get("key") or None
    current = console.kb.get(kind.name, key) if key else None
    if key and current is None:
        raise web.HTTPNotFound(text="no such record")
    _may(request, kind, current)
    if request.method == "GET":
        values = to_form(kind.fields, current) if current else {  # a new record may start from the query
            f.name: request.query.get(f.name, "") for f in kind.fields}
        return await _form(request, kind, key, values)
    form = await request.post()
    record, problems = from_form(kind.fields, form)
    if problems:
        return await _form(request, kind, key, dict(form), problems, status=400)
    _may(request, kind, record)
    try:
        entry = await console.kb.apply_async(user_of(request).name, kind.name, key, record)
    except ChangeRefused as exc:
        return await _form(request, kind, key, dict(form), exc.fields, exc.other, status=400)
    console.audit.record(user_of(request).name, "edit" if key else "create", f"{kind.name}:{entry['key']}", current, record)
    raise web.HTTPFound(request.app.router["kb_edit"].url_for(kind=kind.name).with_query(key=entry["key"], saved=1))


async def delete(request: web.Request) -> web.Response:
    kind = _kind(request)
    console = request.app[CONSOLE]
    key = str((await request.post()).get("key", ""))
    current = console.kb.get(kind.name, key)
    if current is None:
        raise web.HTTPNotFound(text="no such record")
    _may(request, kind, current)
    try:
        await console.kb.apply_async(user_of(request).name, kind.name, key, None)
    except ChangeRefused as exc:
        return await _form(request, kind, key, to_form(kind.fields, current), exc.fields, exc.other, status=400)
    console.audit.record(user_of(request).name, "delete", f"{kind.name}:{key}", current, None)
    raise web.HTTPFound(request.app.router["kb_list"].url_for(kind=kind.name))


async def history(request: web.Request) -> web.Response:
    return await render(request, "kb_history.html", changes=request.app[CONSOLE].kb.changes(limit=200), titles=TITLES)


async def undo(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    change = console.kb.history.get(int(request.match_info["id"]))
    kind = KINDS[change["kind"]]
    for side in ("before", "after"):
        _may(request, kind, json.loads(change[side]) if change[side] else None)
    try:
        entry = await console.kb.undo(user_of(request).name, change["id"])
    except ChangeRefused as exc:
        raise web.HTTPConflict(text=str(exc)) from None
    console.audit.record(user_of(request).name, "undo", f"{kind.name}:{entry['key']}", change["after"], change["before"])
    raise web.HTTPFound(request.app.router["kb_history"].url_for())


async def csv_export(request: web.Request) -> web.Response:
    kind = _kind(request)
    text = export(kind.fields, request.app[CONSOLE].kb.records(kind.name))
    return web.Response(text=text, content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{kind.name}.csv"'})


async def csv_import(request: web.Request) -> web.Response:
    kind = _kind(request)
    console = request.app[CONSOLE]
    user = user_of(request)
    if not user.operator:
        raise web.HTTPForbidden(text="operators and admins only")
    upload = (await request.post()).get("file")
    text = upload.file.read().decode("utf-8") if hasattr(upload, "file") else str(upload or "")
    try:
        records = parse(kind.fields, text)
        changed = await console.kb.replace_all_async(user.name, kind.name, records)
    except ChangeRefused as exc:
        return await render(request, "message.html", status=400, title="导入被拒绝", lines=[str(exc)])
    except (ValueError, UnicodeDecodeError) as exc:
        return await render(request, "message.html", status=400, title="导入被拒绝", lines=[str(exc)])
    console.audit.record(user.name, "import csv", kind.name, None, {"changed": changed})
    return await render(request, "message.html", title="导入完成", lines=[f"{changed} 条记录有变化"])


def routes(router: GuardedRoutes) -> None:
    router.add_get("/knowledge", index, name="knowledge")
    router.add_get("/knowledge/history", history, name="kb_history")
    router.add_post("/knowledge/undo/{id:\\d+}", undo, name="kb_undo")
    router.add_get("/knowledge/{kind}.csv", csv_export, name="kb_csv")
    router.add_post("/knowledge/{kind}/import", csv_import, name="kb_import")
    router.add_get("/knowledge/{kind}", listing, name="kb_list")
    router.add_route("*", "/knowledge/{kind}/edit", edit, name="kb_edit")
    router.add_post("/knowledge/{kind}/delete", delete, name="kb_delete")
