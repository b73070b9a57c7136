"""Staff compose announcements from WeChat: command -> preview -> (choice, pages) -> 确认/取消.

  "发布公告 虞波社区，本周六义诊" -> preview: audience per channel, who cannot be reached, time
  "1" / "2" after namesakes were listed -> the chosen community, then the preview
  "下一页" -> the next page of a long text; "确认" -> queued (or scheduled); "取消" -> dropped
  "图文" / "分条" -> a long text as a news article (its page) or as numbered parts, preview again
  an image message while a draft waits -> the image is attached (uploaded), preview again
  "发布公告" alone -> the command's format
Parsing, targeting and checks live in bot/announcements (service.py); this module presents.
The draft is this flow's own state (`announce`, expiring after `TTL` seconds): any other message
in between is answered as usual and leaves the draft waiting. All of these handlers score 1.0:
they only accept a message while their step is open (or a command). 确认 closes the draft and
creates the announcement together (`ResidentStates.save_with`: one transaction in SQLite; with the
context in Redis, the draft's id makes a retried 确认 find the announcement already made).
"""
from __future__ import annotations

from datetime import datetime

from bot.announcements.command import is_command
from bot.announcements.content import pages
from bot.announcements.service import Preview, from_draft
from bot.conversation.message import Message, Reply
from bot.conversation.router import Router

router = Router("announce")
FLOW = "announce"
TTL = 1800.0
CONFIRM, CANCEL, NEXT = ("确认", "确定", "发送", "确认发送"), ("取消", "放弃", "不发了"), ("下一页", "更多", "继续")
FORMS = {"图文": "article", "改为图文": "article", "图文消息": "article", "分条": "split", "改为分条": "split",
         "分条发送": "split"}


# ------------------------------------------------------------ the draft (this flow's state)
def _draft(state) -> dict | None:
    flow = state.context.flow(FLOW)
    return flow.data if flow is not None else None


def _keep(state, draft: dict) -> None:
    state.context.open(FLOW, "choose" if draft.get("choosing") else "confirm", draft, TTL)


def _drop(state) -> None:
    state.context.close(FLOW)


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
                    has_subscribe=bool(cfg.subscribe_template_id), form=p.form, asked=p.asked_form,
                    image=bool(p.image_id), link=p.link, has_pages=bool(cfg.public_url))


def _answer(deps, state, p: Preview) -> Reply:
    if p.error == "ambiguous":
        _keep(state, {**p.draft(), "choosing": True})
    elif not p.error:
        _keep(state, {**p.draft(), "page": 1})
    else:
        _drop(state)
    return _control(render_preview(deps, p))


def _control(text: str) -> Reply:
    return Reply(text, intent="announce", outcome="control")


# ------------------------------------------------------------ handlers
def _is_compose(msg: Message, deps, ctx) -> bool:
    return deps.announcements is not None and is_command(msg.text)


@router.message(_is_compose, kinds=("text",), score=1.0)
async def compose(msg: Message, deps, state) -> Reply:
    staff = deps.staff.get(msg.openid)
    if staff is None:
        return _control(deps.templates.render("announce_refused", reason="not_staff"))
    return _answer(deps, state, deps.announcements.preview_command(staff, msg.text))


def _choosing(msg: Message, deps, ctx) -> bool:
    if deps.announcements is None or not _word(msg).isdigit():
        return False
    draft = _draft(ctx["state"])
    return bool(draft and draft.get("choosing"))


@router.message(_choosing, kinds=("text",), score=1.0)
async def choose(msg: Message, deps, state) -> Reply:
    draft = _draft(state)
    p = deps.announcements.choose(deps.staff.get(msg.openid), draft, int(_word(msg)))
    if p is None:
        return _control(deps.templates.render("announce_refused", reason="bad_choice"))
    return _answer(deps, state, p)


def _paging(msg: Message, deps, ctx) -> bool:
    if deps.announcements is None or _word(msg) not in NEXT:
        return False
    draft = _draft(ctx["state"])
    return bool(draft and not draft.get("choosing") and draft.get("page", 1) < len(pages(draft["text"])))


@router.message(_paging, kinds=("text",), score=1.0)
async def next_page(msg: Message, deps, state) -> Reply:
    draft = _draft(state)
    n, all_pages = draft.get("page", 1) + 1, pages(draft["text"])
    _keep(state, {**draft, "page": n})
    return _control(deps.templates.render("announce_page", n=n, pages=len(all_pages), page=all_pages[n - 1]))


def _deciding(msg: Message, deps, ctx) -> bool:
    if deps.announcements is None or _word(msg) not in CONFIRM + CANCEL:
        return False
    return _draft(ctx["state"]) is not None


@router.message(_deciding, kinds=("text",), score=1.0)
async def confirm(msg: Message, deps, state) -> Reply:
    draft = _draft(state)
    if draft.get("choosing") and _word(msg) in CONFIRM:
        return _control(deps.templates.render("announce_refused", reason="bad_choice"))
    _drop(state)
    if _word(msg) in CANCEL:
        return _control(deps.templates.render("announce_cancelled"))
    if deps.staff.get(msg.openid) is None:
        return _control(deps.templates.render("announce_refused", reason="not_staff"))
    result = deps.residents.save_with(state, lambda: deps.announcements.submit(msg.openid, draft))
    if deps.residents.is_async:
        result = await result
    if isinstance(result, Preview):
        return _control(render_preview(deps, result))
    aid, p = result
    return _control(deps.templates.render("announce_queued", id=aid, label=p.targets.label, audience=p.audience,
                                          when=when_text(p.send_at)))


def _reforming(msg: Message, deps, ctx) -> bool:
    if deps.announcements is None or _word(msg) not in FORMS:
        return False
    draft = _draft(ctx["state"])
    return bool(draft and not draft.get("choosing"))


@router.message(_reforming, kinds=("text",), score=1.0)
async def reform(msg: Message, deps, state) -> Reply:
    """The staff member chooses how a long text goes; the preview says what will be sent."""
    draft = {**_draft(state), "form": FORMS[_word(msg)]}
    return _answer(deps, state, deps.announcements.settle(deps.staff.get(msg.openid), from_draft(draft)))


def _attaching(msg: Message, deps, ctx) -> bool:
    draft = _draft(ctx["state"]) if deps.announcements is not None else None
    return bool(draft and not draft.get("choosing") and msg.fields.get("MediaId"))


@router.message(_attaching, kinds=("image",), score=1.0)
async def attach(msg: Message, deps, state) -> Reply:
    """An image sent while a draft waits goes with the announcement (fetched and uploaded)."""
    draft = _draft(state)
    got = await deps.announcements.attach_media(msg.fields["MediaId"])
    if got.error:
        return _control(deps.templates.render("announce_image_refused", reason=got.error, detail=got.detail))
    p = deps.announcements.settle(deps.staff.get(msg.openid), from_draft({**draft, "image_id": got.id}))
    return _answer(deps, state, p)
