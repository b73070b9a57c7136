"""Messages the bot cannot read yet: pictures, video, links, and voice without recognition."""
from __future__ import annotations

from handlers.router import Message, Reply, Router

router = Router("media")


@router.message(kinds=("image", "video", "shortvideo", "link"))
async def media(msg: Message, services) -> Reply:
    return Reply(services.templates.render_constant("media_not_understood", kind=msg.kind))


@router.message(lambda msg, services, ctx: not msg.text.strip(), kinds=("voice",))
async def voice_without_text(msg: Message, services) -> Reply:
    return Reply(services.templates.render_constant("voice_not_understood"))
