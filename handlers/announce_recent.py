"""Residents ask for recent announcements: dated, newest first, a page at a time.

  "最近有什么活动" / "有什么通知" -> the first page for their community
  "公告第2页"                     -> further back
"""
from __future__ import annotations

import re

from bot.announcements.command import is_command
from bot.conversation.router import Message, Reply, Router

router = Router("announce_recent")
RECENT = re.compile(r"(最近|近期|这几天|本周|最新).{0,4}(活动|通知|公告)|有什么(活动|通知|公告)|(活动|通知|公告)(有哪些|有什么)")
PAGE = re.compile(r"^\s*(?:公告|通知)\s*第\s*(\d{1,3})\s*页\s*$")


def _asks_recent(msg: Message, deps, ctx) -> bool | dict:
    text = msg.text
    if deps.announcements is None or not ("活动" in text or "通知" in text or "公告" in text):  # cheap test first
        return False
    m = PAGE.match(text)
    if m:
        return {"page": max(0, int(m.group(1)) - 1)}
    return bool(RECENT.search(text)) and not is_command(text)


@router.message(_asks_recent)
async def recent(msg: Message, deps, page: int = 0) -> Reply:
    state = deps.state.get(msg.openid)
    community = deps.knowledge.community(state.community_id) if state.community_id else None
    if community is None:
        return Reply(deps.templates.render("need_community"))
    items, more = deps.announcements.recent(community.id, page)
    return Reply(deps.templates.render("recent_announcements", community=community, items=items, more=more, page=page))
