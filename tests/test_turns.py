"""Repeated turns answered from memory (bot/conversation/turns.py), through the webhook.

A resident who asks what was asked before, in the same situation, gets the same answer without
the decision over every handler being taken again; anything that makes the answer differ — the
last topic, the community, new knowledge, a new keyword reply, a new announcement, an open flow —
gets a fresh answer. Every message is still logged and the state still saved."""
from __future__ import annotations

import sqlite_utils

from knowledge.engine import Engine
from knowledge.loader import load, write
from test_breadth import DATA
from test_conversation import chat

__all__ = ["chat"]   # the conversation tests' resident: chat(*messages, user=...) -> replies


def count_decisions(webhook) -> list[int]:
    """Counts how often the decision over every handler is taken (the costly path a repeat skips)."""
    dispatcher, calls = webhook.dispatcher, [0]
    choose = dispatcher._choose

    async def counted(*args):
        calls[0] += 1
        return await choose(*args)
    dispatcher._choose = counted
    return calls


async def test_a_repeated_question_is_answered_alike_without_deciding_again_and_logged_each_time(chat):
    webhook = chat.webhook
    decisions = count_decisions(webhook)
    first = await chat("后大街社区书记是谁", user="oTurnA")
    again = await chat("后大街社区书记是谁", user="oTurnB")
    assert first == again and "吴民丽" in first[0]
    assert decisions[0] == 1
    webhook.deps.flush()
    rows = list(webhook.db.query("select intent, outcome from questions where text = '后大街社区书记是谁'"))
    assert len(rows) == 2 and rows[0] == rows[1] and rows[0]["outcome"] == "answered"


async def test_the_topic_a_repeated_turn_leaves_is_the_one_the_first_left(chat):
    _, _, _, follow = await chat("凌霄社区书记是谁", "后大街社区在哪", "凌霄社区书记是谁", "那海创社区呢", user="oTurnTopic")
    first = await chat("凌霄社区书记是谁", "那海创社区呢")
    assert follow == first[1]


async def test_the_same_words_after_different_topics_are_decided_afresh(chat):
    _, secretary = await chat("凌霄社区书记是谁", "那海创社区呢")
    _, where = await chat("凌霄社区在哪个街道", "那海创社区呢")
    assert secretary != where and "下应" in where


async def test_a_new_keyword_reply_wins_over_a_remembered_turn(chat):
    webhook = chat.webhook
    [before] = await chat("停车收费标准")
    webhook.deps.keywords.save({"match": "keyword", "pattern": "停车", "kind": "text", "text": "停车请咨询物业：0574-0000"})
    [after] = await chat("停车收费标准")
    assert "0574-0000" not in before and "0574-0000" in after


async def test_new_knowledge_is_answered_at_once(chat):
    webhook = chat.webhook
    [before] = await chat("后大街社区书记是谁")
    data = load(DATA)
    for record in data["people.yaml"] + data["contacts.yaml"]:
        if record["name"] == "吴民丽":
            record["name"] = "吴新丽"
    db = sqlite_utils.Database(memory=True)
    write(db, data)
    webhook.deps.knowledge = Engine.from_database(db)
    [after] = await chat("后大街社区书记是谁")
    assert "吴民丽" in before and "吴新丽" in after


async def test_an_activity_question_shows_an_announcement_queued_since(chat):
    webhook = chat.webhook
    [before] = await chat("虞波社区有什么活动")
    webhook.deps.outbox.create("cli", "community", ["yubo"], "周日虞波社区义诊")
    webhook.deps.outbox.queue_due()
    [after] = await chat("虞波社区有什么活动")
    assert "周日虞波社区义诊" not in before and "周日虞波社区义诊" in after


async def test_a_long_reply_still_opens_its_pages_when_asked_again(chat):
    for user in ("oTurnPagesA", "oTurnPagesB"):
        first, more = await chat("深圳湾社区都有哪些项目", "更多", user=user)
        assert "更多" in first and "没有更多" not in more


async def test_a_question_about_ones_own_community_is_answered_for_each_community(chat):
    webhook = chat.webhook
    decisions = count_decisions(webhook)
    _, houdajie = await chat("我住在后大街社区", "社区书记是谁", user="oTurnHome1")
    _, dushi = await chat("我住在都市森林社区", "社区书记是谁", user="oTurnHome2")
    assert "吴民丽" in houdajie and "许文君" in dushi
    taken = decisions[0]
    await chat("我住在后大街社区", "凌霄社区书记是谁", user="oTurnHome3")
    await chat("我住在都市森林社区", "凌霄社区书记是谁", user="oTurnHome4")
    assert decisions[0] == taken + 1      # 凌霄's secretary is the same for anyone: decided once


async def test_a_remembered_move_is_written_at_once_like_any_other(chat):
    webhook = chat.webhook
    decisions = count_decisions(webhook)
    await chat("我住在凌霄社区", user="oTurnMove1")
    await chat("我住在凌霄社区", user="oTurnMove2")
    assert decisions[0] == 1
    row = webhook.db["residents"].get("oTurnMove2")      # no flush: a resident's community is never batched
    assert row["community_id"] == "lingxiao"
    [own] = await chat("我们社区书记是谁", user="oTurnMove2")
    assert "陈雪波" in own


async def test_a_clarifying_question_asked_from_memory_still_waits_for_the_answer(chat):
    webhook = chat.webhook
    decisions = count_decisions(webhook)
    ask_a, answer_a = await chat("附近有什么养老服务", "我住在后大街社区", user="oTurnNear1")
    taken = decisions[0]
    ask_b, answer_b = await chat("附近有什么养老服务", "我住在后大街社区", user="oTurnNear2")
    assert ask_a == ask_b and "哪个社区" in ask_b
    assert answer_a == answer_b and "老友助老" in answer_b
    assert decisions[0] == taken         # the clarifying question and the answer to it both from memory
    assert webhook.db["residents"].get("oTurnNear2")["community_id"] == "houdajie"


async def test_a_draft_left_open_by_a_remembered_question_can_still_be_confirmed(chat):
    from announce_helpers import residents
    webhook = chat.webhook
    residents(webhook, "yubo", 2)
    for staff in ("oTurnStaff1", "oTurnStaff2"):
        webhook.deps.staff.add(staff, "周", ["yubo"])
        _, where, done = await chat("发布公告 虞波社区 周六义诊", "虞波社区在哪", "确认", user=staff)
        assert "浒山" in where and "#" in done
    assert webhook.db["announcements"].count == 2


async def test_an_expired_clarification_is_not_remembered_as_open(chat):
    webhook = chat.webhook
    await chat("附近有什么养老服务", user="oTurnLate1")
    await chat("附近有什么养老服务", user="oTurnLate2")
    state = webhook.deps.residents.get("oTurnLate2")
    state.context.flows["ask"].expires = 0
    webhook.deps.residents.save(state)
    [fresh] = await chat("后大街社区", user="oTurnLate1")
    [late] = await chat("后大街社区", user="oTurnLate2")
    assert "养老" in fresh.split("\n")[0]           # the open question answered for 后大街
    assert late.startswith("后大街社区（")             # expired: 后大街社区 is asked about on its own



async def test_a_remembered_activity_question_still_reads_todays_announcements(chat):
    webhook = chat.webhook
    decisions = count_decisions(webhook)
    [before] = await chat("后大街社区有什么活动")
    webhook.deps.outbox.create("cli", "community", ["houdajie"], "后大街社区周六包饺子")
    webhook.deps.outbox.queue_due()
    [after] = await chat("后大街社区有什么活动")
    assert decisions[0] == 1 and "包饺子" not in before and "包饺子" in after


async def test_a_short_follow_up_is_remembered_by_the_subject_it_stands_for(chat):
    webhook = chat.webhook
    decisions = count_decisions(webhook)
    _, first = await chat("凌霄社区书记是谁", "有什么养老服务", user="oTurnView1")
    taken = decisions[0]
    _, second = await chat("凌霄社区在哪个街道", "有什么养老服务", user="oTurnView2")
    _, other = await chat("后大街社区在哪个街道", "有什么养老服务", user="oTurnView3")
    assert first == second and "凌霄" in second
    assert "后大街" in other and other != second
    assert decisions[0] == taken + 3      # the other topics' own questions, and 后大街's follow-up


async def test_a_programme_named_alone_is_remembered_once_after_topics_that_name_no_programme(chat):
    webhook = chat.webhook
    decisions = count_decisions(webhook)
    _, first = await chat("凌霄社区书记是谁", "四点钟学校", user="oTurnAlone1")
    taken = decisions[0]
    _, second = await chat("后大街社区在哪个街道", "四点钟学校", user="oTurnAlone2")
    assert first == second and "四点钟学校" in second
    assert decisions[0] == taken + 1      # only the other topic's own question was decided


async def test_a_move_asking_its_own_question_is_remembered_once_for_any_topic(chat):
    webhook = chat.webhook
    decisions = count_decisions(webhook)
    _, first = await chat("凌霄社区书记是谁", "我住在后大街，有什么养老服务", user="oTurnMove1")
    taken = decisions[0]
    _, second = await chat("四点钟学校在哪", "我住在后大街，有什么养老服务", user="oTurnMove2")
    assert first == second and "后大街" in second
    assert decisions[0] == taken + 1      # only the other topic's own question was decided


MIXED = ["后大街社区书记是谁", "那凌霄社区呢", "它在哪个街道", "书记呢", "四点钟学校", "有什么养老服务",
         "不对，我是说海创社区", "我住在后大街", "我搬到凌霄社区了", "我住在后大街，有什么养老服务", "附近有哪些养老服务", "后大街", "1",
         "赛罕社区有什么活动", "那里有什么特色", "他是谁", "你好", "明天会下雨吗", "学弄社区有几个网格",
         "说错了，是丹顶鹤社区", "那丹顶鹤社区的书记呢", "老年大学开了哪些课", "它是哪年开的", "谢谢",
         "深圳湾社区有哪些特色项目", "第二个是做什么的", "最后那个呢", "甬上社区节开场唱的什么歌", "谁唱的",
         "我搬到凌霄了 那边呢", "我搬到海创了，那里怎么样"]


async def test_remembered_turns_answer_exactly_what_deciding_afresh_would(tmp_path, engine):
    """Two residents' stores, one bot remembering turns and one deciding every message afresh, get
    the same long mixed conversation (follow-ups, corrections, moves, choices): every reply and
    every state left behind must agree."""
    import random

    import sqlite_utils

    from bot.config import load_config
    from bot.conversation.message import Message
    from bot.conversation.turns import TurnMemo
    from bot.wiring import build_dependencies
    from handlers import ask, build_dispatcher
    bots = []
    for name, turns in (("memo", TurnMemo(1000, ask.topic_view)), ("fresh", None)):
        cfg = load_config(environ={"BOT_STORAGE_DATABASE": str(tmp_path / f"{name}.db")})
        bots.append((build_dispatcher(turns), build_dependencies(cfg, sqlite_utils.Database(tmp_path / f"{name}.db"),
                                                                  knowledge=engine)))
    pick = random.Random(7)
    for turn in range(400):
        user, text = f"oMixed{pick.randrange(4)}", pick.choice(MIXED)
        replies = []
        for dispatcher, deps in bots:
            reply = await dispatcher.dispatch(Message("text", user, text=text), deps)
            state = deps.residents.get(user)
            replies.append((reply.text, state.community_id, state.context.topic.question, state.context.topic.mentions,
                            sorted(state.context.flows)))
        assert replies[0] == replies[1], f"turn {turn}: {user} sent {text!r}"
    assert len(bots[0][0].turns) > 20
