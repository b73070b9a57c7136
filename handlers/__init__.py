"""One small module per thing a user can do; each registers itself on its own router."""
from __future__ import annotations

from handlers import announce, announce_manage, announce_recent, ask, events, fallback, location, media, smalltalk
from bot.conversation.router import Dispatcher


def build_dispatcher() -> Dispatcher:
    """Order matters: specific handlers first, the fallback last."""
    dp = Dispatcher()
    dp.include_routers(events.router, media.router, announce.router, announce_manage.router, announce_recent.router, smalltalk.router, location.router, ask.router, fallback.router)
    return dp
