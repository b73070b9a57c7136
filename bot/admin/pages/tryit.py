""""Try it": a chat with the bot through the same dispatcher and state as WeChat (the console channel)."""
from __future__ import annotations

import time

from aiohttp import web

from bot.admin.app import CONSOLE, render
from bot.admin.auth import GuardedRoutes, user_of
from bot.conversation.router import Message


async def ask(console, user: str, text: str) -> str:
    """Dispatch a text message exactly as the webhook would, as resident `console:<user>`."""
    webhook = console.webhook
    msg = Message(kind="text", openid=f"console:{user}", text=text, create_time=int(time.time()))
    reply = await webhook.dispatcher.dispatch(msg, webhook.deps)
    if reply.article is not None:
        return f"{reply.article.title}\n{reply.article.description}\n{reply.article.url}".strip()
    return reply.text or "（没有回复）"


async def page(request: web.Request) -> web.Response:
    console = request.app[CONSOLE]
    user = user_of(request).name
    if request.method == "POST":
        form = await request.post()
        if form.get("clear"):
            console.chats.clear(user)
        elif str(form.get("text", "")).strip():
            text = str(form["text"]).strip()[:500]
            console.chats.add(user, [("me", text), ("bot", await ask(console, user, text))])
        raise web.HTTPFound(request.app.router["tryit"].url_for())
    return await render(request, "tryit.html", chat=console.chats.of(user), text=request.query.get("q", ""))


def routes(router: GuardedRoutes) -> None:
    router.add_route("*", "/try", page, name="tryit")
