"""Last resort: anything no other handler took gets a polite answer that invents nothing."""
from __future__ import annotations

from bot.conversation.message import NO_REPLY, Message, Reply
from bot.conversation.router import Router

router = Router("fallback")


@router.message(kinds=("text", "voice"), score=0.0)
async def fallback(msg: Message, deps, state) -> Reply:
    return Reply(deps.templates.render_constant("fallback"), outcome="unanswered", intent="fallback", confidence=0.0,
                 repeatable=True, reads_topic=False, reads_community=False)


@router.message(kinds=("location",), score=0.0)
async def location(msg: Message, deps, state) -> Reply:
    return Reply(deps.templates.render_constant("fallback"), outcome="unanswered", intent="fallback", confidence=0.0)


@router.event("click", "scan", "subscribe", "unsubscribe", score=0.0)
async def unhandled_event(msg: Message, deps, state) -> Reply:
    return NO_REPLY
