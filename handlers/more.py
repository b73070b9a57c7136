"""更多: the next page of the last long reply (pages are kept by the one door, bot/conversation/pager.py)."""
from __future__ import annotations

from bot.conversation import pager
from bot.conversation.message import Message, Reply
from bot.conversation.router import Router

router = Router("more")
WORDS = ("更多", "查看更多", "还有吗", "还有呢", "下一页", "继续", "more", "next")


def _is_more(msg: Message, deps, ctx) -> bool:
    return msg.text.strip().strip("。.!！?？").lower() in WORDS


def _score(msg: Message, deps, ctx) -> float:
    """A continuation while pages wait; with none, still above a question (it says there is no more)."""
    return 1.0 if pager.FLOW in ctx["state"].context.flows else 0.55


@router.message(_is_more, score=_score)
async def more(msg: Message, deps, state) -> Reply:
    page = pager.next_page(state, deps.templates)
    if page is None:
        return Reply(deps.templates.render("no_more"), outcome="control", intent="more")
    return Reply(page, outcome="control", intent="more")
