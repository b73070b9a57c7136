"""A location message: bind the resident to the community it names or lies in, or say plainly
that it is outside every known community (never forced onto a far-away one)."""
from __future__ import annotations

from bot.conversation.router import Message, Reply, Router

router = Router("location")


@router.message(lambda msg, deps, ctx: bool(deps.knowledge), kinds=("location",))
async def location(msg: Message, deps) -> Reply:
    state = deps.state.get(msg.openid)
    community = deps.knowledge.locate(msg.label, msg.latitude, msg.longitude)
    state.community_id = community.id if community else ""
    state.pending = {}
    deps.state.save(state)
    if community is None:
        return Reply(deps.templates.render("location_unknown", label=msg.label))
    return Reply(deps.templates.render("location_bound", community=community))
