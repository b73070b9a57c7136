"""One module per console page; each adds its own routes."""
from __future__ import annotations

from bot.admin.auth import GuardedRoutes


def register(routes: GuardedRoutes) -> None:
    from bot.admin.pages import announcements, drafts, knowledge, keywords, menu, questions, stats, tryit, users
    for page in (knowledge, tryit, questions, keywords, menu, drafts, stats, announcements, users):
        page.routes(routes)
