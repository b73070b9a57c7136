"""Staff compose announcements from WeChat: command -> preview -> (choice, pages) -> 确认/取消.

  "发布公告 虞波社区，本周六义诊" -> preview: audience per channel, who cannot be reached, time
  "1" / "2" after namesakes were listed -> the chosen community, then the preview
  "下一页" -> the next page of a long text; "确认" -> queued (or scheduled); "取消" -> dropped
  "发布公告" alone -> the command's format
Parsing, targeting and checks live in bot/announcements (service.py); this module presents.
The draft lives in the conversation state; `_draft`/`_keep`/`_drop` are the one place that
knows where, so it can move to per-flow state.
"""
from __future__ import annotations

from datetime import datetime

from bot.announcements.command import is_command
from bot.announcements.content import pages
from bot.announcements.service import Preview
from bot.conversation.router import Message, Reply, Router

router = Router("announce")
CONFIRM, CANCEL, NEXT = ("确认", "确定", "发送", "确认发送"), ("取消", "放弃", "不发了"), ("下一页", "更多", "继续")


# ------------------------------------------------------------ the draft (one place)
def _draft(deps, openid: str) -> dict | None:
    pending = deps.state.get(openid).pending
    return pending if pending.get("kind") == "announce" else None


def _keep(deps, openid: str, draft: dict) -> None:
    state = deps.state.get(openid)
    state.pending = {**draft, "kind": "announce"}
    deps.state.save(state)


def _drop(deps, openid: str) -> None:
    state = deps.state.get(openid)
    state.pending = {}
    deps.state.save(state)


def _word(msg: Message) -> str:
    return msg.text.strip().strip("。.!！ ")


# ------------------------------------------------------------ presenting
def when_text(ts: float | None) -> str:
    if ts is None:
        return ""
    d = datetime.fromtimestamp(ts)
    return d.strftime("%Y年%m月%d日 ") + "一二三四五六日"[d.weekday()].join(("周", "")) + d.strftime(" %H:%M")


def render_preview(deps, p: Preview) -> str:
    t = deps.templates
    if p.error in ("empty",):
        return t.render("announce_help")
    if p.error == "ambiguous":
        return t.render("announce_choose", word=p.word, choices=p.choices)
    if p.error:
        return t.render("announce_refused", reason=p.error, target=p.word or p.targets.label, when=when_text(p.send_at))
    from bot.announcements.channels import CHANNEL_NAMES
    cfg = deps.announcements.cfg
    return t.render("announce_preview", page=pages(p.text)[0], pages=len(pages(p.text)), fit=p.fit,
                    corrections=p.targets.corrections, label=p.targets.label, audience=p.audience,
                    when=when_text(p.send_at),
                    channels=[(CHANNEL_NAMES[c], n) for c, n in sorted(p.plan.channels.items(), key=lambda kv: -kv[1])],
                    unreachable=sorted(p.plan.unreachable.items()), has_template=bool(cfg.template_id),
                    has_subscribe=bool(cfg.subscribe_template_id))


def _answer(deps, msg: Message, p: Preview) -> Reply:
    if p.error == "ambiguous":
        _keep(deps, msg.openid, {**p.draft(), "choosing": True})
    elif not p.error:
        _keep(deps, msg.openid, {**p.draft(), "page": 1})
    else:
        _drop(deps, msg.openid)
    return Reply(render_preview(deps, p))


# ------------------------------------------------------------ handlers
def _is_compose(msg: Message, deps, ctx) -> bool:
    return deps.announcements is not None and is_command(msg.text)


@router.message(_is_compose, kinds=("text",))
async def compose(msg: Message, deps) -> Reply:
    staff = deps.staff.get(msg.openid)
    if staff is None:
        return Reply(deps.templates.render("announce_refused", reason="not_staff"))
    return _answer(deps, msg, deps.announcements.preview_command(staff, msg.text))


def _choosing(msg: Message, deps, ctx) -> bool:
    if deps.announcements is None or not _word(msg).isdigit():
        return False
    draft = _draft(deps, msg.openid)
    return bool(draft and draft.get("choosing"))


@router.message(_choosing, kinds=("text",))
async def choose(msg: Message, deps) -> Reply:
    draft = _draft(deps, msg.openid)
    p = deps.announcements.choose(deps.staff.get(msg.openid), draft, int(_word(msg)))
    if p is None:
        return Reply(deps.templates.render("announce_refused", reason="bad_choice"))
    return _answer(deps, msg, p)


def _paging(msg: Message, deps, ctx) -> bool:
    if deps.announcements is None or _word(msg) not in NEXT:
        return False
    draft = _draft(deps, msg.openid)
    return bool(draft and not draft.get("choosing") and draft.get("page", 1) < len(pages(draft["text"])))


@router.message(_paging, kinds=("text",))
async def next_page(msg: Message, deps) -> Reply:
    draft = _draft(deps, msg.openid)
    n, all_pages = draft.get("page", 1) + 1, pages(draft["text"])
    _keep(deps, msg.openid, {**draft, "page": n})
    return Reply(deps.templates.render("announce_page", n=n, pages=len(all_pages), page=all_pages[n - 1]))


def _deciding(msg: Message, deps, ctx) -> bool:
    if deps.announcements is None or _word(msg) not in CONFIRM + CANCEL:
        return False
    return _draft(deps, msg.openid) is not None


@router.message(_deciding, kinds=("text",))
async def confirm(msg: Message, deps) -> Reply:
    draft = _draft(deps, msg.openid)
    if draft.get("choosing") and _word(msg) in CONFIRM:
        return Reply(deps.templates.render("announce_refused", reason="bad_choice"))
    _drop(deps, msg.openid)
    if _word(msg) in CANCEL:
        return Reply(deps.templates.render("announce_cancelled"))
    if deps.staff.get(msg.openid) is None:
        return Reply(deps.templates.render("announce_refused", reason="not_staff"))
    result = deps.announcements.submit(msg.openid, draft)
    if isinstance(result, Preview):
        return Reply(render_preview(deps, result))
    aid, p = result
    return Reply(deps.templates.render("announce_queued", id=aid, label=p.targets.label, audience=p.audience,
                                       when=when_text(p.send_at)))
