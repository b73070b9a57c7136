"""A resident's question: understood and answered by the knowledge engine, rendered by templates.

Conversation state is read before and written after: the community the resident lives in,
an open clarifying question, and where a long list was cut. Every question is logged with
its intent, entities, confidence and whether it was answered, for operators.
"""
from __future__ import annotations

from bot.conversation.answers import QUESTION_CHARS, for_matching, render_answer
from bot.conversation.templates import clip
from bot.conversation.router import Message, Reply, Router

router = Router("ask")


def answer_text(deps, openid: str, text: str) -> str:
    """The whole question path without WeChat: used by the handler, `ask` and `chat`."""
    kb, store = deps.knowledge, deps.state
    text, cut = for_matching(text)
    state = store.get(openid)
    answer = deps.reply_cache.answer(kb, deps.templates, text, state.community_id, state.pending)
    if answer.bind:
        state.community_id = answer.bind
    state.pending = dict(answer.pending) if answer.pending else {}
    state.more = ([{"question": text, "home": state.community_id, "offset": answer.next_offset}]
                  if answer.next_offset else [])
    store.save(state)
    store.log_question(openid, text, answer.intent, answer.entities, answer.confidence, answer.answered)
    if cut:
        return clip(deps.templates.render("question_cut", chars=QUESTION_CHARS) + "\n" + answer.text)
    return answer.text


def continue_text(deps, openid: str) -> str:
    """The next page of the last long answer ("更多")."""
    kb, store = deps.knowledge, deps.state
    state = store.get(openid)
    if not state.more:
        return deps.templates.render("no_more")
    page = state.more[0]
    answer = kb.answer(page["question"], home=page["home"])
    reply, next_offset = render_answer(deps.templates, answer, kb.model.sources, offset=page["offset"])
    state.more = [{**page, "offset": next_offset}] if next_offset else []
    store.save(state)
    return reply


def _is_more(msg: Message, deps, ctx) -> bool:
    return msg.text.strip().strip("。.!！") in ("更多", "查看更多", "还有吗", "还有呢", "下一页", "继续")


def _has_text(msg: Message, deps, ctx) -> bool:
    return bool(deps.knowledge) and bool(msg.text.strip())


@router.message(_is_more, _has_text)
async def more(msg: Message, deps) -> Reply:
    return Reply(continue_text(deps, msg.openid))


@router.message(_has_text)
async def ask(msg: Message, deps) -> Reply:
    return Reply(answer_text(deps, msg.openid, msg.text))


@router.event("click", filters=(lambda msg, deps, ctx: bool(deps.knowledge and deps.knowledge.menu_question(msg.event_key)),))
async def menu(msg: Message, deps) -> Reply:
    """Menu buttons ask a category question (keys are set per category in categories.yaml)."""
    return Reply(answer_text(deps, msg.openid, deps.knowledge.menu_question(msg.event_key)))
