"""Follow, unfollow, QR scans, menu clicks and the events that need no answer."""
from __future__ import annotations

from handlers.router import NO_REPLY, Message, Reply, Router

router = Router("events")


def _scene(key: str) -> str:
    return key[len("qrscene_"):] if key.startswith("qrscene_") else key


def bind_scene(msg: Message, services, subscribed: int | None = None):
    """Remember the resident (and the community of a community QR code, when known)."""
    state = services.state.get(msg.openid)
    community = services.knowledge.community_by_scene(_scene(msg.event_key)) if services.knowledge else None
    if community is not None:
        state.community_id = community.id
    if subscribed is not None:
        state.subscribed = subscribed
    services.state.save(state)
    return community


@router.event("subscribe")
async def subscribe(msg: Message, services) -> Reply:
    community = bind_scene(msg, services, subscribed=1)
    examples = services.knowledge.example_questions() if services.knowledge else []
    return Reply(services.templates.render("welcome", community=community, examples=examples))


@router.event("unsubscribe")
async def unsubscribe(msg: Message, services) -> Reply:
    state = services.state.get(msg.openid)
    state.subscribed = 0
    services.state.save(state)
    return NO_REPLY


@router.event("scan")
async def scan(msg: Message, services) -> Reply:
    community = bind_scene(msg, services)
    if community is None:
        return NO_REPLY
    return Reply(services.templates.render("bound", community=community, follow_text=""))


@router.event("view", "location", "templatesendjobfinish", "masssendjobfinish")
async def silent(msg: Message, services) -> Reply:
    """Menu links, periodic location reports and job reports need no answer."""
    return NO_REPLY
