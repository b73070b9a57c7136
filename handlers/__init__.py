"""One small module per thing a user can do; each registers itself on its own router.

Which handler answers is decided by score (see bot/conversation/router.py); the order below
only breaks ties, so the fallback comes last."""
from __future__ import annotations

from bot.conversation.router import Dispatcher
from bot.conversation.turns import TurnMemo
from handlers import (announce, announce_manage, ask, events, fallback, home, keywords, location, media, more,
                      recent, smalltalk)


def build_dispatcher(turns: TurnMemo | None = None) -> Dispatcher:
    dp = Dispatcher(turns)
    dp.include_routers(keywords.router, events.router, media.router, announce.router, announce_manage.router,
                       more.router, smalltalk.router, home.router, recent.router, location.router, ask.router, fallback.router)
    return dp
