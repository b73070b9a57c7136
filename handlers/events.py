"""Follow, unfollow, QR scans, menu clicks and the events that need no answer."""
from __future__ import annotations

from bot.conversation.message import NO_REPLY, Message, Reply
from bot.conversation.router import Router

router = Router("events")


def _scene(key: str) -> str:
    return key[len("qrscene_"):] if key.startswith("qrscene_") else key


def bind_scene(msg: Message, deps, state, subscribed: int | None = None):
    """Remember the resident (and the community of a community QR code, when known)."""
    community = deps.knowledge.community_by_scene(_scene(msg.event_key)) if deps.knowledge else None
    if community is not None:
        state.community_id = community.id
    if subscribed is not None:
        state.subscribed = subscribed
    return community


@router.event("subscribe")
async def subscribe(msg: Message, deps, state) -> Reply:
    community = bind_scene(msg, deps, state, subscribed=1)
    if deps.announcements is not None:   # the follower list stays current between syncs
        deps.announcements.followers.on_event(msg.openid, True, _scene(msg.event_key))
    examples = deps.knowledge.example_questions() if deps.knowledge else []
    return Reply(deps.templates.render("welcome", community=community, examples=examples))


@router.event("unsubscribe")
async def unsubscribe(msg: Message, deps, state) -> Reply:
    state.subscribed = 0
    if deps.announcements is not None:
        deps.announcements.followers.on_event(msg.openid, False)
    return NO_REPLY


@router.event("scan")
async def scan(msg: Message, deps, state) -> Reply:
    community = bind_scene(msg, deps, state)
    if community is None:
        return NO_REPLY
    return Reply(deps.templates.render("bound", community=community, follow_text=""))


@router.event("view", "location", "templatesendjobfinish", "masssendjobfinish")
async def silent(msg: Message, deps, state) -> Reply:
    """Menu links, periodic location reports and job reports need no answer."""
    return NO_REPLY
