"""The `announce` flow: staff compose an announcement from WeChat.

  "发布公告 虞波社区 本周六上午9点在社区服务中心义诊" -> preview with the audience count; the
  draft waits in this flow's own state (step `confirm`, expiring after `TTL` seconds);
  "确认" -> queued for delivery (the worker sends it); "取消" -> dropped. Nothing is sent before
  confirmation. Admins may also write a district (鄞州区) or 全体 as the target. Any other
  message in between is answered as usual and leaves the draft waiting.
Residents' recent announcements are handlers/recent.py."""
from __future__ import annotations

import re

from bot.conversation.router import Message, Reply, Router
from knowledge.text import compact

router = Router("announce")
FLOW = "announce"
TTL = 1800.0
CONFIRM_WORDS = ("确认", "确定", "发送")
CANCEL_WORDS = ("取消",)
COMPOSE = re.compile(r"^\s*(发布公告|发公告|发布通知|发通知)\s*(\S+)\s+(.+)$", re.S)


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


def _answers_draft(msg: Message, deps, ctx) -> bool:
    if deps.staff is None or msg.text.strip().strip("。!！") not in CONFIRM_WORDS + CANCEL_WORDS:
        return False
    return ctx["state"].context.flow(FLOW) is not None


@router.message(lambda msg, deps, ctx: deps.outbox is not None and bool(COMPOSE.match(msg.text)), kinds=("text",), score=1.0)
async def compose(msg: Message, deps, state) -> Reply:
    t = deps.templates
    staff = deps.staff.get(msg.openid)
    if staff is None:
        return Reply(t.render("announce_refused", reason="not_staff"), intent="announce", outcome="control")
    _, word, text = COMPOSE.match(msg.text).groups()
    scope, targets, label = _target(deps, word)
    if scope is None or scope == "ambiguous":
        return Reply(t.render("announce_refused", reason="unknown_target", target=word))
    if not staff.may_address(scope, targets):
        return Reply(t.render("announce_refused", reason="not_allowed", target=label, staff=staff))
    audience = len(deps.outbox.audience(scope, targets))
    state.context.open(FLOW, "confirm", {"scope": scope, "targets": targets, "text": text.strip(), "label": label}, TTL)
    return Reply(t.render("announce_preview", text=text.strip(), label=label, audience=audience),
                 intent="announce", outcome="control")


@router.message(_answers_draft, kinds=("text",), score=1.0)
async def confirm(msg: Message, deps, state) -> Reply:
    draft = state.context.flow(FLOW).data
    state.context.close(FLOW)
    if msg.text.strip().strip("。!！") in CANCEL_WORDS:
        return Reply(deps.templates.render("announce_cancelled"), intent="announce", outcome="control")
    staff = deps.staff.get(msg.openid)
    if staff is None or not staff.may_address(draft["scope"], draft["targets"]):
        return Reply(deps.templates.render("announce_refused", reason="not_staff"), intent="announce", outcome="control")
    aid = deps.residents.save_with(state, lambda: deps.outbox.create(msg.openid, draft["scope"], draft["targets"],
                                                                     draft["text"]))
    audience = len(deps.outbox.audience(draft["scope"], draft["targets"]))
    return Reply(deps.templates.render("announce_queued", id=aid, label=draft["label"], audience=audience),
                 intent="announce", outcome="control")
