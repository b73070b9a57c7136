"""Last resort: anything no other handler took gets a polite answer that invents nothing."""
from __future__ import annotations

from bot.conversation.router import NO_REPLY, Message, Reply, Router

router = Router("fallback")


@router.message(kinds=("text", "voice"))
async def fallback(msg: Message, deps) -> Reply:
    return Reply(deps.templates.render_constant("fallback"))


@router.message(kinds=("location",))
async def location(msg: Message, deps) -> Reply:
    return Reply(deps.templates.render_constant("fallback"))


@router.event("click", "scan", "subscribe", "unsubscribe")
async def unhandled_event(msg: Message, deps) -> Reply:
    return NO_REPLY
