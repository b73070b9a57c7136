"""Resident state, conversation context and the question log: what is written at once, what in
batches, what is kept in memory, migrations, and the cache of rendered answers."""
from __future__ import annotations

import asyncio

import pytest
import sqlite_utils

from bot.conversation.answers import ReplyCache
from bot.conversation.templates import Templates
from bot.storage.batch import WriteBehind
from bot.storage.questions import QuestionLog
from bot.storage.residents import SQLiteResidents


@pytest.fixture
def db():
    return sqlite_utils.Database(memory=True)


def stores(db, seconds: float = 60, batch: int = 500, cache_entries: int = 100000):
    writes = WriteBehind(db, seconds=seconds, batch=batch)
    return SQLiteResidents(db, writes, cache_entries=cache_entries), QuestionLog(db, writes)


def stored(db, openid: str):
    return db.execute("select community_id, subscribed, context from residents where openid = ?", [openid]).fetchone()


def log(questions: QuestionLog, openid: str, text: str, outcome: str = "unanswered", intent: str = "fallback") -> None:
    questions.log(openid, text, channel="wechat", intent=intent, runner_up="", confidence=0.0, outcome=outcome)


async def test_a_resident_s_community_is_written_at_once(db):
    residents, _ = stores(db)
    state = residents.get("oA")
    state.community_id = "yubo"
    residents.save(state)
    assert stored(db, "oA")[0] == "yubo"


async def test_conversation_is_written_in_a_batch_and_read_from_memory_until_then(db):
    residents, _ = stores(db, seconds=0.05)
    state = residents.get("oB")
    state.context.open("ask", "need_community", {"question": "附近有哪些养老服务"}, ttl=60)
    residents.save(state)
    assert stored(db, "oB") is None                                           # not yet in the database
    assert residents.get("oB").context.flow("ask").step == "need_community"  # but the next message sees it
    await asyncio.sleep(0.2)                                                  # the flush timer fired
    assert '"need_community"' in stored(db, "oB")[2]


async def test_a_full_batch_is_written_without_waiting(db):
    _, questions = stores(db, batch=3)
    for i in range(3):
        log(questions, f"o{i}", "天气怎么样")
    assert db.execute("select count(*) from questions").fetchone()[0] == 3


def test_without_an_event_loop_everything_is_written_at_once(db):
    residents, questions = stores(db)
    state = residents.get("oC")
    state.context.open("pager", "pages", {"pages": ["第二页"], "total": 2}, ttl=60)
    residents.save(state)
    questions.log("oC", "哪些社区有养老服务", channel="console", intent="category", runner_up="recent.recent",
                  confidence=0.9, outcome="answered", entities='{"category":["elderly"]}')
    assert "第二页" in stored(db, "oC")[2]
    assert db.execute("select channel, intent, runner_up, entities, outcome from questions").fetchone() == (
        "console", "category", "recent.recent", '{"category":["elderly"]}', "answered")


async def test_a_batched_write_never_undoes_an_unsubscribe_made_elsewhere(db):
    residents, _ = stores(db)
    state = residents.get("oD")
    state.subscribed, state.community_id = 1, "yubo"
    residents.save(state)                                           # written at once
    state.context.open("ask", "choose", {"question": "阳光社区在哪", "choices": ["a", "b"]}, ttl=60)
    residents.save(state)                                           # queued
    db.execute("update residents set subscribed = 0 where openid = 'oD'")
    residents.forget("oD")                                          # as the delivery worker does
    assert stored(db, "oD")[1] == 0 and '"choose"' in stored(db, "oD")[2]
    assert residents.get("oD").subscribed == 0


async def test_residents_are_kept_in_memory_unless_several_processes_share_the_database(db):
    (store, _), (shared, _) = stores(db, cache_entries=10), stores(db, cache_entries=0)
    for s in (store, shared):
        state = s.get("oE")
        state.community_id = "yubo"
        s.save(state)
    db.execute("update residents set community_id = 'haichuang' where openid = 'oE'")  # another process
    assert store.get("oE").community_id == "yubo"
    assert shared.get("oE").community_id == "haichuang"


async def test_the_memory_of_residents_is_bounded(db):
    residents, _ = stores(db, cache_entries=5)
    for i in range(50):
        residents.get(f"o{i}")
    assert len(residents._known) == 5


def test_the_operators_query_for_unanswered_questions_uses_the_partial_index(db):
    stores(db)
    plan = db.execute("explain query plan select at from questions where outcome in ('unanswered', 'clarify') "
                      "order by id desc limit 5").fetchall()
    assert "questions_open" in str(plan)


def test_a_clarification_answered_in_the_next_turn_leaves_the_unanswered_view(db):
    _, questions = stores(db)
    log(questions, "oF", "阳光社区在哪", outcome="clarify", intent="clarify")
    log(questions, "oF", "1", outcome="control", intent="ask")
    log(questions, "oG", "阳光社区书记是谁", outcome="clarify", intent="clarify")   # never answered
    log(questions, "oG", "比特币多少钱")
    questions.settle("oF")
    assert [r["text"] for r in questions.recent()] == ["比特币多少钱", "阳光社区书记是谁"]
    assert len(questions.recent(only_open=False)) == 4


def test_migrations_bring_an_old_database_forward_and_are_recorded(db):
    db["residents"].create({"openid": str, "community_id": str, "subscribed": int, "pending": str, "more": str,
                            "last_seen": float}, pk="openid")
    db["residents"].insert({"openid": "old", "community_id": "yubo", "subscribed": 1, "pending": "{}", "more": "[]",
                            "last_seen": 1.0})
    db["questions"].create({"id": int, "at": float, "user": str, "text": str, "intent": str, "entities": str,
                            "confidence": float, "answered": int}, pk="id")
    db["questions"].insert({"at": 1.0, "user": "u", "text": "天气", "intent": "fallback", "entities": "{}",
                            "confidence": 0.0, "answered": 0})
    residents, questions = stores(db)
    assert residents.get("old").community_id == "yubo"
    assert set(db["residents"].columns_dict) == {"openid", "community_id", "subscribed", "context", "last_seen"}
    assert questions.recent()[0]["outcome"] == "unanswered"
    applied = {r["name"] for r in db["_sqlite_migrations"].rows}
    assert {"m001_residents", "m002_conversation_context", "m002_channel_runner_up_outcome"} <= applied
    stores(db)                                                       # a second start applies nothing again
    assert db.execute("select count(*) from _sqlite_migrations").fetchone()[0] == len(applied)


@pytest.fixture
def asked(engine, monkeypatch):
    """Every question the real knowledge engine is asked, in order."""
    calls: list[tuple] = []
    original = engine.answer

    def answer(question, resident_community="", open_question=None):
        calls.append((question, resident_community, dict(open_question or {})))
        return original(question, resident_community=resident_community, open_question=open_question)
    monkeypatch.setattr(engine, "answer", answer)
    return calls


@pytest.fixture
def templates():
    from bot.config import ROOT
    return Templates(ROOT / "templates")


def test_a_question_asked_again_in_the_same_situation_is_answered_from_the_cache(engine, asked, templates):
    cache = ReplyCache(100)
    first = cache.answer(engine, templates, "附近有哪些养老服务", "yubo", {})
    assert "养老" in first.text
    assert cache.answer(engine, templates, "附近有哪些养老服务", "yubo", {}) is first
    other = cache.answer(engine, templates, "附近有哪些养老服务", "", {})              # no community known
    assert other.open_question and other.open_question["kind"] == "need_community"
    cache.answer(engine, templates, "虞波社区", "", other.open_question)                   # answering that question
    # the cached repeat asked nothing; the last call is the engine re-asking for the named community
    assert [(q, home) for q, home, _ in asked] == [("附近有哪些养老服务", "yubo"), ("附近有哪些养老服务", ""),
                                                  ("虞波社区", ""), ("附近有哪些养老服务", "yubo")]


def test_an_answer_that_does_not_depend_on_where_the_resident_lives_is_kept_once_for_everyone(engine, asked,
                                                                                              templates):
    cache = ReplyCache(100)
    named = [cache.answer(engine, templates, "后大街社区书记是谁", home, {}) for home in ("", "yubo", "haichuang")]
    assert named[0] is named[1] is named[2] and len(asked) == 1          # asked once for three residents
    nearby = [cache.answer(engine, templates, "附近有哪些养老服务", home, {}) for home in ("yubo", "haichuang")]
    assert nearby[0].text != nearby[1].text and len(asked) == 3          # "附近" is answered per community
    assert cache.answer(engine, templates, "附近有哪些养老服务", "haichuang", {}) is nearby[1] and len(asked) == 3


def test_the_cache_empties_when_the_knowledge_or_templates_are_replaced(engine, asked, templates):
    from bot.config import ROOT
    cache = ReplyCache(100)
    cache.answer(engine, templates, "虞波社区在哪", "", {})
    cache.answer(engine, Templates(ROOT / "templates"), "虞波社区在哪", "", {})   # reloaded templates
    assert len(cache) == 1 and len(asked) == 2


def test_the_cache_is_bounded_and_can_be_switched_off(engine, asked, templates):
    cache = ReplyCache(3)
    for name in ("虞波社区在哪", "海创社区在哪", "泉水社区在哪", "贺丞社区在哪"):
        cache.answer(engine, templates, name, "", {})
    assert len(cache) == 3
    off = ReplyCache(0)
    off.answer(engine, templates, "虞波社区在哪", "", {})
    off.answer(engine, templates, "虞波社区在哪", "", {})
    assert len(off) == 0 and len(asked) == 6


def test_constant_replies_are_rendered_once_per_context(templates):
    calls = []
    original = templates.render
    templates.render = lambda name, **ctx: calls.append(name) or original(name, **ctx)
    a = templates.render_constant("greeting", examples=("附近有哪些养老服务",))
    b = templates.render_constant("greeting", examples=("附近有哪些养老服务",))
    templates.render_constant("greeting", examples=("哪个社区有四点钟学校",))
    assert a == b and "附近有哪些养老服务" in a and calls == ["greeting", "greeting"]


def test_every_table_the_bot_owns_comes_from_a_recorded_migration_set(db):
    from bot.storage.migrations import apply_all, migration_sets
    apply_all(db)
    recorded = {r["migration_set"] for r in db["_sqlite_migrations"].rows}
    assert recorded == {m.name for m in migration_sets()}
    assert {"residents", "questions", "staff", "announcements", "outbox", "followers", "access_tokens",
            "admin_users", "admin_audit", "keyword_replies"} <= set(db.table_names())
    before = db.execute("select count(*) from _sqlite_migrations").fetchone()[0]
    apply_all(db)                                                    # nothing runs twice
    assert db.execute("select count(*) from _sqlite_migrations").fetchone()[0] == before


async def test_the_question_log_is_written_soon_and_the_context_once_for_many_messages(tmp_path, engine):
    from bot.config import load_config
    from bot.wiring import build_dependencies
    cfg = load_config(environ={"BOT_STORAGE_DATABASE": str(tmp_path / "p.db"), "BOT_STORAGE_STATE_FLUSH_SECONDS": "0.05",
                               "BOT_STORAGE_CONTEXT_FLUSH_SECONDS": "0.6"})
    disk = sqlite_utils.Database(tmp_path / "p.db")
    deps = build_dependencies(cfg, disk, knowledge=engine)
    for n in range(3):
        state = deps.residents.get("oPace")
        state.context.open("ask", "need_community", {"question": f"附近有哪些养老服务{n}"}, ttl=60)
        deps.residents.save(state)
        log(deps.questions, "oPace", f"附近有哪些养老服务{n}")
    await asyncio.sleep(0.2)
    assert disk.execute("select count(*) from questions").fetchone()[0] == 3     # the log: within a quarter second
    assert stored(disk, "oPace") is None                                         # the context: not yet
    await asyncio.sleep(0.6)
    assert "养老服务2" in stored(disk, "oPace")[2]                                 # one row, the latest context
    state = deps.residents.get("oPace")
    state.context.close("ask")
    deps.residents.save(state)
    deps.flush()                                                                 # at shutdown: everything
    assert "养老服务2" not in (stored(disk, "oPace")[2] or "")


def test_a_context_is_written_as_before_and_residents_on_one_topic_share_it_when_read():
    import orjson

    from bot.conversation.context import ConversationContext, FlowState, Topic
    topic = Topic('后大街社区书记是谁', [["community", "houdajie", 0, 5]], False)
    ctx = ConversationContext({"ask": FlowState("need_community", {"question": 'x,"topic":y'}, 99.5)}, topic)
    text = ctx.dumps()
    assert text == orjson.dumps({"flows": {"ask": ["need_community", {"question": 'x,"topic":y'}, 99.5]},
                                 "topic": [topic.question, topic.mentions, topic.bound]}).decode()
    one, two = ConversationContext.loads(text), ConversationContext.loads(text)
    assert one.topic is two.topic and one.topic == topic and one.flows == ctx.flows
    assert one.flows["ask"] is not two.flows["ask"]           # flows are each resident's own
    assert ConversationContext.loads('{"topic": ["a", [], true], "flows": {}}').topic == Topic("a", [], True)
