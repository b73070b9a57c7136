"""Statistics as server-rendered SVG charts."""
from __future__ import annotations

from aiohttp import web

from bot.admin import charts
from bot.admin.app import CONSOLE, render
from bot.admin.auth import GuardedRoutes, need_operator
from bot.admin.stats import delivery_stats, question_stats


async def page(request: web.Request) -> web.Response:
    need_operator(request)
    console = request.app[CONSOLE]
    console.webhook.deps.flush()
    q = question_stats(console.db, int(request.query.get("days", "30") or 30) if request.query.get("days", "30").isdigit() else 30)
    kb = console.webhook.deps.knowledge
    names = {c.id: c.name for c in kb.model.communities.values()} if kb else {}
    cats = {c.id: c.name for c in kb.model.categories.values()} if kb else {}
    return await render(request, "stats.html", q=q, charts={
        "per_day": charts.columns(q["per_day"]), "rate": charts.columns(q["rate_per_day"], "%"),
        "intents": charts.bars(q["intents"]),
        "communities": charts.bars([(names.get(c, c), n) for c, n in q["communities"]]),
        "categories": charts.bars([(cats.get(c, c), n) for c, n in q["categories"]]),
        "deliveries": charts.bars(delivery_stats(console.db))})


def routes(router: GuardedRoutes) -> None:
    router.add_get("/stats", page, name="stats")
