"""Staff compose announcements from WeChat; residents ask for recent ones.

  staff:    "发布公告 虞波社区 本周六上午9点在社区服务中心义诊" -> preview with the audience count
            "确认" -> queued for delivery (the worker sends it); "取消" -> dropped. Nothing is sent
            before confirmation. Admins may also write a district (鄞州区) or 全体 as the target.
  resident: "最近有什么活动" / "有什么通知" -> the recent announcements for their community.
"""
from __future__ import annotations

import re

from bot.conversation.router import Message, Reply, Router
from knowledge.text import compact

router = Router("announce")
COMPOSE = re.compile(r"^\s*(发布公告|发公告|发布通知|发通知)\s*(\S+)\s+(.+)$", re.S)
RECENT = re.compile(r"(最近|近期|这几天|本周|最新).{0,4}(活动|通知|公告)|有什么(活动|通知|公告)|(活动|通知|公告)(有哪些|有什么)")


def _target(deps, word: str):
    """(scope, [ids or district], label) for a community name, a district, or everyone."""
    if word in ("全体", "全部", "所有", "所有社区", "全部社区"):
        return "all", [], "全体关注的居民"
    kb = deps.knowledge
    text = compact(word)
    for m in kb.index.exact(text):
        if m.kind == "community" and m.end - m.start == len(text):
            if len(m.ids) > 1:
                return "ambiguous", m.ids, word
            return "community", m.ids, kb.community(m.ids[0]).name
        if m.kind == "place" and m.end - m.start == len(text):
            place = m.ids[0]
            ids = [c.id for c in kb.model.communities.values() if place in (c.county, c.street, c.city)]
            return "district", ids, place
    fuzzy = kb.index.fuzzy_names(text, "community")
    if fuzzy and len(fuzzy.ids) == 1:
        return "community", fuzzy.ids, kb.community(fuzzy.ids[0]).name
    return None, [], word


def _staff_pending(msg: Message, deps, ctx) -> bool:
    if deps.staff is None or msg.text.strip().strip("。!！") not in ("确认", "取消", "确定", "发送"):
        return False
    return deps.state.get(msg.openid).pending.get("kind") == "announce"


@router.message(lambda msg, deps, ctx: deps.outbox is not None and bool(COMPOSE.match(msg.text)), kinds=("text",))
async def compose(msg: Message, deps) -> Reply:
    t = deps.templates
    staff = deps.staff.get(msg.openid)
    if staff is None:
        return Reply(t.render("announce_refused", reason="not_staff"))
    _, word, text = COMPOSE.match(msg.text).groups()
    scope, targets, label = _target(deps, word)
    if scope is None or scope == "ambiguous":
        return Reply(t.render("announce_refused", reason="unknown_target", target=word))
    if not staff.may_address(scope, targets):
        return Reply(t.render("announce_refused", reason="not_allowed", target=label, staff=staff))
    audience = len(deps.outbox.audience(scope, targets))
    state = deps.state.get(msg.openid)
    state.pending = {"kind": "announce", "scope": scope, "targets": targets, "text": text.strip(), "label": label}
    deps.state.save(state)
    return Reply(t.render("announce_preview", text=text.strip(), label=label, audience=audience))


@router.message(_staff_pending, kinds=("text",))
async def confirm(msg: Message, deps) -> Reply:
    state = deps.state.get(msg.openid)
    draft, state.pending = state.pending, {}
    deps.state.save(state)
    if msg.text.strip().strip("。!！") == "取消":
        return Reply(deps.templates.render("announce_cancelled"))
    staff = deps.staff.get(msg.openid)
    if staff is None or not staff.may_address(draft["scope"], draft["targets"]):
        return Reply(deps.templates.render("announce_refused", reason="not_staff"))
    aid = deps.outbox.create(msg.openid, draft["scope"], draft["targets"], draft["text"], clear_draft_of=msg.openid)
    audience = len(deps.outbox.audience(draft["scope"], draft["targets"]))
    return Reply(deps.templates.render("announce_queued", id=aid, label=draft["label"], audience=audience))


def _asks_recent(msg: Message, deps, ctx) -> bool:
    text = msg.text
    return (deps.outbox is not None and ("活动" in text or "通知" in text or "公告" in text)  # cheap test first
            and bool(RECENT.search(text)) and not COMPOSE.match(text))


@router.message(_asks_recent)
async def recent(msg: Message, deps) -> Reply:
    state = deps.state.get(msg.openid)
    community = deps.knowledge.community(state.community_id) if state.community_id else None
    if community is None:
        return Reply(deps.templates.render("need_community"))
    items = deps.outbox.recent(community.id)
    return Reply(deps.templates.render("recent_announcements", community=community, items=items))
