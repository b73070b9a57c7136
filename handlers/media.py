"""Messages the bot cannot read yet: pictures, video, links, and voice without recognition."""
from __future__ import annotations

from bot.conversation.message import Message, Reply
from bot.conversation.router import Router

router = Router("media")


@router.message(kinds=("image", "video", "shortvideo", "link"))
async def media(msg: Message, deps, state) -> Reply:
    return Reply(deps.templates.render_constant("media_not_understood", kind=msg.kind), outcome="unanswered")


@router.message(lambda msg, deps, ctx: not msg.text.strip(), kinds=("voice",))
async def voice_without_text(msg: Message, deps, state) -> Reply:
    return Reply(deps.templates.render_constant("voice_not_understood"), outcome="unanswered")
