"""Recent announcements for residents (最近有什么通知 / 虞波社区最近有公告吗 / 公告第2页), dated,
newest first, a page at a time.

The community is the one the message names, else the resident's; when neither is known the
bot asks, and this flow (`recent`, state `need_community`) answers once the resident says
where they live. `X社区有什么活动` is a question about X's programmes (handlers/ask.py), which
adds X's recent announcements through `for_activity_question`."""
from __future__ import annotations

import re

import orjson

from bot.conversation.message import Message, Reply
from bot.conversation.router import Router

router = Router("recent")
FLOW = "recent"
TTL = 900.0
CUES = ("活动", "通知", "公告")
CUE = re.compile("|".join(CUES))
RECENT = re.compile(r"(最近|近期|这几天|本周|这周|最新|新).{0,4}(活动|通知|公告)|有什么(活动|通知|公告)|有(通知|公告)|"
                    r"(活动|通知|公告)(有哪些|有什么|吗)")
OTHER_SUBJECTS = ("programme", "category", "list", "person", "place")   # (announcements are a community's)
ASKED_OF_KNOWLEDGE = frozenset(("time", "contact", "phone", "location", "figure", "honour", "residents"))
PAGE = re.compile(r"^\s*(?:公告|通知)\s*第\s*(\d{1,3})\s*页\s*$")


def _community(deps, text: str):
    """(the one community named or "", the message says the resident lives there, the message names
    something else the question flow should handle: a namesake community or a subject of another kind)."""
    q = deps.knowledge.understand(text)
    named = q.of("community")
    unique = named[0].ids[0] if named and len(named[0].ids) == 1 else ""
    # a namesake (阳光社区) is the question flow's to settle: it asks which one
    # so is a community or place the knowledge lacks (翠竹园社区有什么活动): it says so
    return unique, q.binds, bool(named and not unique or q.unknown) or \
        any(m.kind in OTHER_SUBJECTS for m in q.mentions)


def _candidate(msg: Message, deps, ctx) -> bool | dict:
    if deps.announcements is None or not deps.knowledge:
        return False
    text = msg.text
    page = PAGE.match(text)
    if page:
        return {"page": max(0, int(page.group(1)) - 1)}
    return CUE.search(text) is not None or FLOW in ctx["state"].context.flows


def _score(msg: Message, deps, ctx) -> float:
    text = msg.text
    if PAGE.match(text):
        return 1.0
    community, _, other = _community(deps, text)
    if ctx["state"].context.flow(FLOW) is not None and community:
        return 1.0
    if CUE.search(text) is None or not RECENT.search(text):
        return -1.0
    if other:
        return 0.3       # 有什么养老活动: the category decides, not the word 活动
    if deps.knowledge.understand(text).aspects & ASKED_OF_KNOWLEDGE:
        return 0.4       # 静远社区上班时间有啥通知吗: the hours are what is asked, the knowledge's to answer
    if "通知" in text or "公告" in text:
        return 0.8
    return 0.4 if community else 0.6


@router.message(_candidate, score=_score)
async def recent(msg: Message, deps, state, page: int = 0) -> Reply:
    community_id, binds, _ = _community(deps, msg.text)
    if binds and community_id:
        state.community_id = community_id
    community_id = community_id or state.community_id
    community = deps.knowledge.community(community_id) if community_id else None
    if community is None:
        state.context.open(FLOW, "need_community", {}, TTL)
        return Reply(deps.templates.render("need_community"), outcome="clarify", intent="recent")
    settles = state.context.flow(FLOW) is not None
    state.context.close(FLOW)
    items, more = deps.announcements.recent(community.id, page)
    return Reply(deps.templates.render("recent_announcements", community=community, items=items, more=more, page=page),
                 intent="recent", settles=settles)


def reads_announcements(deps, question: str) -> bool:
    """Whether the answer to `question` looks at the announcements (which change at any time)."""
    return deps.announcements is not None and "活动" in question


def for_activity_question(deps, question: str, entities_json: str) -> str:
    """Recent announcements of the one community an activity question was about ("" if none)."""
    if not reads_announcements(deps, question):
        return ""
    ids = orjson.loads(entities_json).get("community") or []
    if len(ids) != 1:
        return ""
    items, more = deps.announcements.recent(ids[0])
    community = deps.knowledge.community(ids[0])
    return (deps.templates.render("recent_announcements", community=community, items=items, more=more, page=0)
            if items and community else "")
