"""Keyword and exact-phrase auto-replies set by operators in the console: answered before
understanding (score 1.0: an operator's explicit rule), and from menu buttons whose key names
one (KW_<id>)."""
from __future__ import annotations

from bot.conversation.message import Article, Message, Reply
from bot.conversation.router import Router

router = Router("keywords")


def _reply(hit) -> Reply:
    if hit.kind == "news":
        return Reply(article=Article(hit.title, hit.description, hit.url, hit.picurl))
    return Reply(hit.text)


def _matched(msg: Message, deps, ctx):
    store = deps.keywords
    hit = store.match(msg.text) if store is not None and msg.text else None
    return {"hit": hit} if hit is not None else False


def _clicked(msg: Message, deps, ctx):
    store = deps.keywords
    hit = store.by_click(msg.event_key) if store is not None else None
    return {"hit": hit} if hit is not None else False


@router.message(_matched, score=1.0)
async def keyword(msg: Message, deps, state, hit) -> Reply:
    return _reply(hit)


@router.event("click", filters=(_clicked,))
async def menu_keyword(msg: Message, deps, state, hit) -> Reply:
    return _reply(hit)
