"""A location message: bind the resident to the community it names or lies in, or say plainly
that it is outside every known community (never forced onto a far-away one)."""
from __future__ import annotations

from bot.conversation.message import Message, Reply
from bot.conversation.router import Router

router = Router("location")


@router.message(lambda msg, deps, ctx: bool(deps.knowledge), kinds=("location",))
async def location(msg: Message, deps, state) -> Reply:
    community = deps.knowledge.locate(msg.label, msg.latitude, msg.longitude)
    state.community_id = community.id if community else ""
    state.context.close("ask")      # a location settles "where do you live?"; it asks nothing else
    if community is None:
        return Reply(deps.templates.render("location_unknown", label=msg.label))
    return Reply(deps.templates.render("location_bound", community=community))
