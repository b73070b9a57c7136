"""Staff manage what they sent, and register themselves, from WeChat.

  "我的公告"          -> their recent announcements with status
  "取消公告 12"       -> a scheduled one is dropped
  "撤回公告 12"       -> the rest is stopped and mass sends withdrawn (mass/delete)
  "绑定工作人员 CODE" -> registered as staff with this openid (one-time invite code)
  "我的ID"            -> their own openid (staff and admins only)
Residents accepting a subscription-message template (subscribe_msg_popup_event) are recorded,
so the subscription channel can reach them.
"""
from __future__ import annotations

import json
import re
import time
from datetime import datetime

from bot.conversation.message import NO_REPLY, Message, Reply
from bot.conversation.router import Router

router = Router("announce_manage")
MINE = re.compile(r"^\s*(我的公告|我发的公告|公告列表)\s*[。.!！]?\s*$")
MANAGE = re.compile(r"^\s*(取消公告|撤回公告|撤销公告)\s*#?\s*(\d*)\s*$")
BIND = re.compile(r"^\s*绑定工作人员\s*[:：]?\s*([A-Za-z0-9]{4,16})?\s*$")
MY_ID = re.compile(r"^\s*(我的ID|我的id|我的openid|我的OPENID)\s*$", re.I)
STATUS = {"scheduled": "定时待发", "delivering": "发送中", "done": "已发送", "cancelled": "已取消", "withdrawn": "已撤回"}


def _on(pattern):
    return lambda msg, deps, ctx: deps.announcements is not None and bool(pattern.match(msg.text))


@router.message(_on(MINE), kinds=("text",), score=1.0)
async def mine(msg: Message, deps, state) -> Reply:
    if deps.staff.get(msg.openid) is None:
        return Reply(deps.templates.render("announce_refused", reason="not_staff"))
    items = deps.announcements.mine(msg.openid)
    for a in items:
        a["date"] = datetime.fromtimestamp(a["send_at"]).strftime("%m月%d日 %H:%M")
        due = a["status"] == "scheduled" and a["send_at"] <= time.time()
        a["status_name"] = "排队待发" if due else STATUS.get(a["status"], a["status"])
        a["summary"] = a["text"][:30] + ("…" if len(a["text"]) > 30 else "")
    return Reply(deps.templates.render("announce_mine", items=items))


@router.message(_on(MANAGE), kinds=("text",), score=1.0)
async def manage(msg: Message, deps, state, **_) -> Reply:
    if deps.staff.get(msg.openid) is None:
        return Reply(deps.templates.render("announce_refused", reason="not_staff"))
    action, number = MANAGE.match(msg.text).groups()
    if not number:
        return Reply(deps.templates.render("announce_manage", error="usage", action=action, id=""))
    aid = int(number)
    if action == "取消公告":
        error = deps.announcements.cancel(msg.openid, aid)
        return Reply(deps.templates.render("announce_manage", error=error, id=aid, cancelled=True))
    result = await deps.announcements.withdraw(msg.openid, aid)
    return Reply(deps.templates.render("announce_manage", id=aid, **{"withdrawn": 0, "refused": {},
                                                                      "already_sent": 0, "cancelled": False,
                                                                      **result}))


@router.message(_on(BIND), kinds=("text",), score=1.0)
async def bind(msg: Message, deps, state) -> Reply:
    code = BIND.match(msg.text).group(1)
    if not code:
        return Reply(deps.templates.render("staff_bound", result="unknown"))
    result = deps.announcements.invites.redeem(code, msg.openid)
    if isinstance(result, str):
        return Reply(deps.templates.render("staff_bound", result=result))
    names = "、".join(c.name for c in map(deps.knowledge.community, result.communities) if c)
    return Reply(deps.templates.render("staff_bound", result="ok", staff=result, communities=names))


@router.message(_on(MY_ID), kinds=("text",), score=1.0)
async def my_id(msg: Message, deps, state) -> Reply:
    """Only for registered staff: an admin adding a colleague by hand asks them for it."""
    if deps.staff.get(msg.openid) is None:
        return Reply(deps.templates.render("announce_refused", reason="not_staff"))
    return Reply(deps.templates.render("my_id", openid=msg.openid))


@router.event("subscribe_msg_popup_event", "subscribe_msg_change_event",
              filters=(lambda msg, deps, ctx: deps.announcements is not None,))
async def subscriptions(msg: Message, deps, state) -> Reply:
    """Each accepted template is one message the account may send; a rejection spends them all."""
    raw = msg.fields.get("SubscribeMsgPopupEvent") or msg.fields.get("SubscribeMsgChangeEvent") or "[]"
    try:
        items = json.loads(raw)
    except ValueError:
        return NO_REPLY
    channels = deps.announcements.channels
    for item in items if isinstance(items, list) else []:
        template, status = item.get("TemplateId", ""), item.get("SubscribeStatusString", "")
        if template and status == "accept":
            channels.accept(msg.openid, template)
        elif template and status == "reject":
            channels.refused(msg.openid, template)
    return NO_REPLY
