"""The public page of an announcement: GET /a/<token> (and /a/<token>/image).

A long announcement sent as a news article links here, as do template and subscription messages
of announcements with an image. The token is random (outbox.create), so pages cannot be listed or
guessed; a page exists only while its announcement is being delivered or done (not before its
time, not after a cancel or withdrawal). The text is escaped by the template (autoescape) and
laid out for a phone; nothing else of the bot is reachable through these routes.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.announcements.media import Images

PAGES = web.AppKey("announcement_pages", object)


class Pages:
    def __init__(self, outbox, templates_dir: str | Path) -> None:
        self.outbox, self.images = outbox, Images(outbox.db)
        self.env = Environment(loader=FileSystemLoader(str(templates_dir)), autoescape=select_autoescape(["html"]))

    def render(self, token: str) -> str | None:
        a = self.outbox.public(token)
        if a is None:
            return None
        paragraphs = [line.strip() for line in a["text"].splitlines() if line.strip()]
        return self.env.get_template("web/article.html").render(
            title=paragraphs[0] if paragraphs else "公告", paragraphs=paragraphs[1:],
            date=datetime.fromtimestamp(a["at"]).strftime("%Y年%m月%d日 %H:%M"), image=bool(a["image_id"]), token=token)


async def article(request: web.Request) -> web.Response:
    html = request.app[PAGES].render(request.match_info["token"])
    if html is None:
        raise web.HTTPNotFound(text="没有这条公告，或它已撤回。")
    # no-cache: a withdrawn announcement's page must go at once, not when a cache expires
    return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-cache",
                                                                       "X-Robots-Tag": "noindex"})


async def image(request: web.Request) -> web.Response:
    pages: Pages = request.app[PAGES]
    a = pages.outbox.public(request.match_info["token"])
    img = pages.images.get(a["image_id"]) if a and a["image_id"] else None
    if img is None:
        raise web.HTTPNotFound()
    return web.Response(body=img["data"], content_type=img["content_type"], headers={"Cache-Control": "public, max-age=3600"})


def mount(app: web.Application, outbox, templates_dir: str | Path) -> None:
    app[PAGES] = Pages(outbox, templates_dir)
    app.router.add_get("/a/{token}", article)
    app.router.add_get("/a/{token}/image", image)
