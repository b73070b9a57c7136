"""Draft from an article: paste it, review each proposal, accept (possibly edited) or reject."""
from __future__ import annotations

import asyncio

from aiohttp import web

from bot.admin.app import CONSOLE, render
from bot.admin.auth import GuardedRoutes, need_operator
from bot.admin.extract import extract
from bot.admin.forms import from_form, to_form
from bot.admin.kbfiles import KINDS, ChangeRefused
from knowledge.schema import SUB_FIELDS, Field

LABELS = {"communities": "社区", "programmes": "项目", "contacts": "联系人", "honours": "荣誉", "figures": "数字",
          "people": "人物"}


def fields_of(kind: str) -> tuple[Field, ...]:
    """The form of a draft: a knowledge record's fields, or for honours and figures their own."""
    if kind in KINDS:
        return KINDS[kind].fields
    subs = SUB_FIELDS[("communities.yaml", kind)]
    return (Field("community", "id", True, "id of the community"),
            *(Field(k, v.rstrip("!"), v.endswith("!")) for k, v in subs.items() if k != "source"))


async def paste(request: web.Request) -> web.Response:
    user = need_operator(request)
    console = request.app[CONSOLE]
    if request.method == "POST":
        form = await request.post()
        text = str(form.get("text", "")).strip()
        title, publisher = str(form.get("title", "")).strip(), str(form.get("publisher", "")).strip()
        errors = {k: "required" for k, v in (("text", text), ("title", title), ("publisher", publisher)) if not v}
        if not errors:
            found = await asyncio.to_thread(extract, text)  # jieba and regexes: off the event loop
            bid = console.drafts.propose(user.name, title, publisher, str(form.get("date", "")).strip(), text,
                                         console.kb, found)
            console.audit.record(user.name, "draft from article", f"drafts:{bid}", None, {"title": title})
            raise web.HTTPFound(request.app.router["draft_batch"].url_for(batch=str(bid)))
        return await render(request, "drafts.html", status=400, errors=errors, values=dict(form),
                            batches=console.drafts.all_batches())
    return await render(request, "drafts.html", errors={}, values={}, batches=console.drafts.all_batches())


async def batch(request: web.Request) -> web.Response:
    return await _batch_page(request, int(request.match_info["batch"]))


async def _batch_page(request: web.Request, bid: int, errors: dict | None = None, status: int = 200) -> web.Response:
    need_operator(request)
    console = request.app[CONSOLE]
    b = console.drafts.batch(bid)
    if b is None:
        raise web.HTTPNotFound(text="no such article")
    items = console.drafts.of(b["id"])
    forms = {d["id"]: (fields_of(d["kind"]), to_form(fields_of(d["kind"]), d["data"])) for d in items}
    return await render(request, "draft_batch.html", status=status, batch=b, items=items, forms=forms,
                        labels=LABELS, errors=errors or {})


async def _ensure_source(console, who: str, b: dict) -> None:
    if console.kb.get("sources", b["source_id"]) is None:
        rec = {"id": b["source_id"], "title": b["title"], "publisher": b["publisher"], "date": b["date"] or None}
        await console.kb.apply_async(who, "sources", None, {k: v for k, v in rec.items() if v is not None or k == "date"})


async def _accept(console, who: str, kind: str, record: dict, b: dict) -> None:
    await _ensure_source(console, who, b)
    if kind in KINDS:
        await console.kb.apply_async(who, kind, None, record)
        return
    community = console.kb.get("communities", record.get("community", ""))
    if community is None:
        raise ChangeRefused({"community": f"unknown community {record.get('community')!r} (accept it first)"}, [])
    item = {k: v for k, v in record.items() if k != "community"}
    if community.get("source") != b["source_id"]:
        item["source"] = b["source_id"]
    after = {**community, kind: [*(community.get(kind) or []), item]}
    try:
        await console.kb.apply_async(who, "communities", community["id"], after)
    except ChangeRefused as exc:
        raise ChangeRefused({k.split(".")[-1]: v for k, v in exc.fields.items()}, exc.other) from None


async def decide(request: web.Request) -> web.Response:
    user = need_operator(request)
    console = request.app[CONSOLE]
    d = console.drafts.get(int(request.match_info["id"]))
    if d is None:
        raise web.HTTPNotFound(text="no such draft")
    b = console.drafts.batch(d["batch"])
    form = await request.post()
    back = request.app.router["draft_batch"].url_for(batch=str(b["id"])).with_fragment(f"d{d['id']}")
    if d["status"] != "pending":
        raise web.HTTPFound(back)
    if form.get("action") == "reject":
        console.drafts.decide(d["id"], "rejected", user.name)
        console.audit.record(user.name, "reject draft", f"drafts:{d['id']}", d["data"], None)
        raise web.HTTPFound(back)
    record, problems = from_form(fields_of(d["kind"]), form)
    if not problems:
        try:
            await _accept(console, user.name, d["kind"], record, b)
        except ChangeRefused as exc:
            problems = exc.fields or {"-": "; ".join(exc.other)}
            if exc.fields and exc.other:
                problems["-"] = "; ".join(exc.other)
    if problems:
        console.drafts.decide(d["id"], "pending", "", record)
        return await _batch_page(request, b["id"], errors={d["id"]: problems}, status=400)
    console.drafts.decide(d["id"], "accepted", user.name, record)
    console.audit.record(user.name, "accept draft", f"{d['kind']}:{record.get('id') or record.get('name')}", None, record)
    raise web.HTTPFound(back)


def routes(router: GuardedRoutes) -> None:
    router.add_route("*", "/drafts", paste, name="drafts")
    router.add_get("/drafts/{batch:\\d+}", batch, name="draft_batch")
    router.add_post("/drafts/item/{id:\\d+}", decide, name="draft_decide")
