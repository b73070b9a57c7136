"""The `ask` flow: a resident's question, answered from the knowledge, with its clarification.

States, all in this flow's own slot of the conversation context:
  (none)          a question: follow-ups and corrections are written out in full
                  (bot/conversation/followup.py), then answered by the knowledge engine;
  choose          the bot asked which of several communities was meant (numbered choices);
                  the next message may pick one by number or name;
  need_community  the bot asked where the resident lives; the next message may say so.
Fallbacks: a message that does not settle the open question is answered as a new question
and the open question is dropped; the open question expires after `TTL` seconds anyway.
The last answered question becomes the context's topic, for the next follow-up."""
from __future__ import annotations

import re

import orjson

from functools import partial

from bot.conversation.answers import QUESTION_CHARS, for_matching
from bot.conversation import followup
from bot.conversation.focus import focus
from bot.conversation.telling import last_asked
from bot.conversation.followup import reads_topic, resolve, topic_of
from bot.conversation.message import Message, Reply
from bot.conversation.router import Router
from knowledge.slots import asks_a_detail
from knowledge.understand import asks_of_a_community
from handlers import recent

router = Router("ask")
# a message asking who someone is (两个小女孩叫什么, 是哪位)
WHO_ASKED = re.compile(r"谁|哪位|哪个人|名字|(?:孩|娃|姑娘|丫头|阿姨|大妈|大爷|老人|人)叫(?:什么|啥)")
FLOW = "ask"
TTL = 900.0


def _still_of_subject(kb, found, text: str) -> bool:
    """A guess's "not known" is said of the last subject when the message asks something of a
    community (社区里老人吃饭要交多少钱) or a detail of the subject (白领之家 → 报名找谁，有电话吗)."""
    about = orjson.loads(found.entities)
    said = kb.understand(text)
    return bool(about.get("community") and asks_of_a_community(said) or
                about.get("programme") and asks_a_detail(said))


def answer(deps, state, text: str) -> Reply:
    """The whole question path without a channel: used by the handler and the menu."""
    kb, ctx = deps.knowledge, state.context
    home_before, topic_before = state.community_id, ctx.topic
    text, cut = for_matching(text)
    open_flow = ctx.flow(FLOW)
    open_question = {"kind": open_flow.step, **open_flow.data} if open_flow else {}
    resolution = resolve(text, ctx.topic, kb) if not open_flow else None
    question = focus(resolution.question, kb) if resolution else text
    found = deps.reply_cache.answer(kb, deps.templates, question, state.community_id, open_question)
    read_community = found.uses_residence
    # a guess that finds only "not known" of the last subject still says it of that subject when the
    # message asks something of a community (社区里老人吃饭要交多少钱: the fee is not in the material);
    # otherwise (比特币现在多少钱) the message is answered as written
    if resolution is not None and resolution.guess and not found.answered and not _still_of_subject(kb, found, text):
        question = text
        found = deps.reply_cache.answer(kb, deps.templates, text, state.community_id, open_question)
        read_community = read_community or found.uses_residence
    elif WHO_ASKED.search(text) and (resolution is not None and resolution.guess or
                                     not open_flow and not found.answered):
        # a guess about the last subject gives way to the message's own answer about someone it
        # describes (打头阵唱歌的两个小女孩叫什么: the girls, not 幸福苑's services or its secretary)
        for asked in (text, _after_passage(deps, topic_before, state.community_id, text)):
            alone = deps.reply_cache.answer(kb, deps.templates, asked, state.community_id, open_question) \
                if asked else None
            if alone is not None and alone.answered and alone.intent in ("person", "passage") and alone.people:
                question, found = asked, alone
                read_community = read_community or found.uses_residence
                break
    if found.intent == "fallback" and not found.confidence and not open_flow:   # (never an honest "not known")
        # (我在电视上看到甬上社区节，敲锣打鼓的蛮热闹，是在哪个社区办的: the telling drowns the
        # question; the question asked alone may still be answered)
        for alone in last_asked(question, kb):
            retried = deps.reply_cache.answer(kb, deps.templates, alone, state.community_id, open_question)
            if retried.answered:
                question, found = alone, retried
                read_community = read_community or found.uses_residence
                break
    if found.chosen_community:
        state.community_id = found.chosen_community
    if found.open_question:
        data = {k: v for k, v in found.open_question.items() if k != "kind"}
        ctx.open(FLOW, found.open_question["kind"], data, TTL)
    else:
        ctx.close(FLOW)
    # a question understood but not answerable (资料里没有虞波社区书记) is still the topic: 那学弄呢
    if found.intent not in ("clarify", "fallback") and (found.answered or found.entities != "{}"):
        asked = open_question.get("question", question) if open_question else question
        ctx.topic = topic_of(asked, found.entities, found.people, found.intent == "lives_in", kb,
                             _still_listed(text, topic_before, found.listed, kb))
    text_out = found.text
    if resolution is not None and resolution.kind == "rebind":
        read_community = True   # whether the last question is asked again depends on the home before
        # (我搬到海棠社区了，那边有啥品牌: the message asks its own question, answered instead)
        again = _asked_again(deps, topic_before, home_before, state.community_id) if found.intent == "lives_in" else None
        if again is not None:
            text_out += "\n\n" + again[1].text
            ctx.topic = topic_of(again[0], again[1].entities, again[1].people, False, kb, again[1].listed)
    if cut:
        text_out = deps.templates.render("question_cut", chars=QUESTION_CHARS) + "\n" + text_out
    # the announcements change at any time: read afresh each time the answer is given
    fresh = partial(recent.for_activity_question, question=question, entities_json=found.entities) \
        if recent.reads_announcements(deps, question) else None
    outcome = "clarify" if found.intent == "clarify" else "answered" if found.answered else "unanswered"
    # a move that asks its own question is answered alone: the same after any topic
    read_topic = reads_topic(text, kb) and (found.intent == "lives_in" or not followup.is_move(text, kb))
    return Reply(text_out, outcome=outcome, intent=found.intent, confidence=found.confidence,
                 entities=found.entities, settles=bool(open_flow) and found.open_question == {} and found.answered,
                 repeatable=True, reads_topic=read_topic, reads_community=read_community, fresh=fresh,
                 moves_to=found.chosen_community or "")


def _asked_again(deps, topic, home_before: str, home: str):
    """(question, answer) of the last question asked again for the new home, when it was about the
    home the resident just moved from (我们社区上了什么榜 → 我搬到洪都社区了); else None."""
    kb = deps.knowledge
    said = topic.entity("community")
    if not home_before or home == home_before or said is None or said[1] != home_before or said[2] < 0 or \
            topic.bound and not kb.understand(topic.question).content_left:
        return None   # (a topic that only said where the resident lived is no question to ask again;
        # 我住赛罕社区，社区里谁能出面调解 → 说错了，我是深圳湾社区的: it asked one, asked again)
    question = topic.question[:said[2]] + kb.community(home).name + topic.question[said[3]:]
    found = deps.reply_cache.answer(kb, deps.templates, question, home, {})
    return (question, found) if found.answered else None


def _asks_who_alone(text: str, kb) -> bool:
    """`text` asks who and names nothing: only such a message reads the last question itself."""
    return WHO_ASKED.search(text) is not None and not kb.understand(text).mentions


def _after_passage(deps, topic, home: str, text: str) -> str:
    """The last question and `text` as one, when the last answer was a passage (or a person found by
    what the passage tells) and `text` asks who and names nothing
    (红歌快闪唱的哪首歌 → 是谁唱的: whoever the passage's event names, not its community's people)."""
    if not topic.question or not _asks_who_alone(text, deps.knowledge):
        return ""
    last = deps.reply_cache.answer(deps.knowledge, deps.templates, topic.question, home, {})
    return f"{topic.question}，{text}" if last.intent in ("passage", "person") else ""


def _still_listed(text: str, topic, listed: tuple[str, ...], kb) -> tuple[str, ...]:
    """What a later 第三个 counts in: after 第一个是做什么的 still the list the first came from."""
    return topic.listed() if len(listed) < 2 and followup.names_by_place(text, kb) else listed


def topic_view(text: str, topic, deps) -> tuple:
    """The part of the last topic the question path reads for `text` (bot/conversation/turns.py);
    a question asking who and naming nothing reads the last question too (`_after_passage`), one
    naming a listed programme by its place the whole list (`_still_listed`)."""
    text = for_matching(text)[0]
    view = followup.topic_view(text, topic, deps.knowledge)
    if followup.names_by_place(text, deps.knowledge):
        view = (*view, topic.listed())     # (the list a 第一个 leaves for the next)
    return (*view, topic.question) if _asks_who_alone(text, deps.knowledge) else view


def _has_text(msg: Message, deps, ctx) -> bool:
    return bool(deps.knowledge) and bool(msg.text.strip())


@router.message(_has_text, score=0.5)
async def ask(msg: Message, deps, state) -> Reply:
    return answer(deps, state, msg.text)


def _menu_question(msg: Message, deps, ctx) -> bool:
    return bool(deps.knowledge and deps.knowledge.menu_question(msg.event_key))


@router.event("click", filters=(_menu_question,))
async def menu(msg: Message, deps, state) -> Reply:
    """Menu buttons ask a category question (keys are set per category in categories.yaml)."""
    return answer(deps, state, deps.knowledge.menu_question(msg.event_key))
