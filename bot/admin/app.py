"""The console's aiohttp sub-application: its state, page rendering and routes."""
from __future__ import annotations

import logging
from datetime import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.admin import auth
from bot.admin.audit import Audit
from bot.admin.users import Users

CONSOLE = web.AppKey("console", object)
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"   # the console's own scripts; nothing from the network
NAV = [("home", "首页", False), ("knowledge", "知识库", False), ("tryit", "试一试", False),
       ("questions", "居民在问", True), ("keywords", "关键词回复", True), ("menu", "菜单", True),
       ("drafts", "文章草稿", True), ("stats", "统计", True), ("announcements", "通知", False),
       ("users", "账号", True)]
log = logging.getLogger("linli.admin")


@dataclass
class Console:
    """What the pages share: settings, the running webhook (its deps are swapped on edits) and stores."""
    cfg: Any
    webhook: Any
    users: Users
    audit: Audit
    kb: Any = None             # bot.admin.kbfiles.KnowledgeFiles
    keywords: Any = None       # bot.admin.keywords.KeywordReplies
    menu: Any = None           # bot.admin.menu.Menu
    drafts: Any = None         # bot.admin.drafts.Drafts
    chats: Any = None          # bot.admin.chats.Chats ("Try it")
    jinja: jinja2.Environment = field(default_factory=lambda: jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True))

    def __post_init__(self) -> None:
        self.jinja.filters["when"] = lambda t: datetime.fromtimestamp(t).strftime("%m-%d %H:%M") if t else ""

    @property
    def db(self):
        return self.webhook.db


async def render(request: web.Request, name: str, status: int = 200, **ctx) -> web.Response:
    console: Console = request.app[CONSOLE]
    user = request.get(auth.USER)
    nav = [(request.app.router[r].url_for(), label, r) for r, label, op in NAV
           if user is not None and (not op or user.operator)]
    html = console.jinja.get_template(name).render(
        user=user, csrf=await auth.csrf_token(request), nav=nav, base=console.cfg.admin.path,
        url=lambda route, **parts: request.app.router[route].url_for(**parts), **ctx)
    return web.Response(text=html, status=status, content_type="text/html")


async def home(request: web.Request) -> web.Response:
    console: Console = request.app[CONSOLE]
    kb = console.webhook.deps.knowledge
    counts = {"communities": len(kb.model.communities), "programmes": len(kb.model.programmes),
              "categories": len(kb.model.categories)} if kb else {}
    return await render(request, "home.html", counts=counts, audit=console.audit.recent(15))


def make_admin_app(webhook) -> web.Application:
    from bot.admin import pages
    from bot.admin.chats import Chats
    from bot.admin.drafts import Drafts
    from bot.admin.kbfiles import KnowledgeFiles
    from bot.admin.keywords import KeywordReplies
    from bot.admin.menu import Menu
    cfg, db = webhook.config, webhook.db
    app = web.Application()
    console = Console(cfg=cfg, webhook=webhook, users=Users(db), audit=Audit(db))
    console.kb = KnowledgeFiles(cfg, db, webhook.deps)
    console.keywords = webhook.deps.keywords if getattr(webhook.deps, "keywords", None) else KeywordReplies(db)
    console.menu = Menu(db)
    console.drafts = Drafts(db)
    console.chats = Chats(db)
    app[CONSOLE] = console
    routes = auth.GuardedRoutes(app, cfg)
    routes.add_route("*", "/login", auth.login_page, name="login")
    routes.add_post("/logout", auth.logout, name="logout")
    routes.add_get("/", home, name="home")
    app.router.add_static("/static", STATIC, name="static")
    pages.register(routes)
    from bot.admin.sync import follow
    app.cleanup_ctx.append(follow)
    return app


def mount(app: web.Application, webhook) -> web.Application:
    """Serve the console under admin.path of the webhook's application."""
    if not webhook.config.admin.secret:
        log.warning("admin.secret is empty: console sign-ins end when the process restarts (set BOT_ADMIN_SECRET)")
    admin = make_admin_app(webhook)
    app.add_subapp(webhook.config.admin.path, admin)
    return admin
