"""One small module per thing a user can do; each registers itself on its own router."""
from __future__ import annotations

from handlers import announce, ask, events, fallback, keywords, location, media, smalltalk
from bot.conversation.router import Dispatcher


def build_dispatcher() -> Dispatcher:
    """Order matters: specific handlers first, the fallback last. Operators' keyword replies come
    first of all (they take only text and their own KW_ menu clicks, and cost a dict lookup when none is set)."""
    dp = Dispatcher()
    dp.include_routers(keywords.router, events.router, media.router, announce.router, smalltalk.router, location.router, ask.router, fallback.router)
    return dp
