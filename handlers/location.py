"""A location message: bind the resident to the community it names or lies in, or say plainly
that it is outside every known community (never forced onto a far-away one)."""
from __future__ import annotations

from handlers.router import Message, Reply, Router

router = Router("location")


@router.message(lambda msg, services, ctx: bool(services.knowledge), kinds=("location",))
async def location(msg: Message, services) -> Reply:
    state = services.state.get(msg.openid)
    community = services.knowledge.locate(msg.label, msg.latitude, msg.longitude)
    state.community_id = community.id if community else ""
    state.pending = {}
    services.state.save(state)
    if community is None:
        return Reply(services.templates.render("location_unknown", label=msg.label))
    return Reply(services.templates.render("location_bound", community=community))
