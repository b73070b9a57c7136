"""What residents ask: unanswered and low-confidence questions, grouped, each with a one-click
way to teach the bot (an alias, a synonym, a keyword reply) and to re-ask it in Try it."""
from __future__ import annotations

from aiohttp import web

from bot.admin.app import CONSOLE, render
from bot.admin.asked import group_questions
from bot.admin.auth import GuardedRoutes, need_operator
from bot.admin.kbfiles import ChangeRefused

TARGETS = {"communities": "aliases", "programmes": "aliases", "categories": "synonyms"}


async def page(request: web.Request) -> web.Response:
    need_operator(request)
    console = request.app[CONSOLE]
    rows = console.webhook.deps.questions.recent(2000, only_open=False)
    groups = group_questions(rows)[:100]
    ids = {k: [(r["id"], r.get("name", "")) for r in console.kb.records(k)] for k in TARGETS}
    return await render(request, "questions.html", groups=groups, ids=ids, done=request.query.get("done", ""),
                        error=request.query.get("error", ""))


async def add_alias(request: web.Request) -> web.Response:
    """Add the wording as an alias of a community or programme, or a synonym of a category."""
    user = need_operator(request)
    console = request.app[CONSOLE]
    form = await request.post()
    kind, target, word = str(form.get("kind", "")), str(form.get("target", "")).strip(), str(form.get("word", "")).strip()
    url = request.app.router["questions"].url_for()
    if kind not in TARGETS or not word:
        raise web.HTTPBadRequest(text="kind must be communities, programmes or categories and the word non-empty")
    record = console.kb.get(kind, target)
    if record is None:
        raise web.HTTPFound(url.with_query(error=f"没有这个{kind}：{target}"))
    field = TARGETS[kind]
    after = {**record, field: [*(record.get(field) or []), word]} if word not in (record.get(field) or []) else record
    try:
        await console.kb.apply_async(user.name, kind, target, after)
    except ChangeRefused as exc:
        raise web.HTTPFound(url.with_query(error=str(exc))) from None
    console.audit.record(user.name, f"add {field[:-1]}", f"{kind}:{target}", record, after)
    raise web.HTTPFound(url.with_query(done=word))


def routes(router: GuardedRoutes) -> None:
    router.add_get("/questions", page, name="questions")
    router.add_post("/questions/alias", add_alias, name="questions_alias")
