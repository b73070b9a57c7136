"""Resident state and the question log: what is written at once, what in batches, what is kept
in memory, and the cache of rendered answers."""
from __future__ import annotations

import asyncio

import pytest
import sqlite_utils

from bot.conversation.answers import ReplyCache
from bot.conversation.templates import Templates
from bot.storage.residents import StateStore


@pytest.fixture
def db():
    return sqlite_utils.Database(memory=True)


def stored(db, openid: str):
    return db.execute("select community_id, subscribed, pending, more from residents where openid = ?",
                      [openid]).fetchone()


async def test_a_resident_s_community_is_written_at_once(db):
    store = StateStore(db, flush_seconds=60)
    state = store.get("oA")
    state.community_id = "yubo"
    store.save(state)
    assert stored(db, "oA")[0] == "yubo"


async def test_conversation_is_written_in_a_batch_and_read_from_memory_until_then(db):
    store = StateStore(db, flush_seconds=0.05)
    state = store.get("oB")
    state.pending = {"kind": "need_community", "question": "附近有哪些养老服务"}
    store.save(state)
    assert stored(db, "oB") is None                                 # not yet in the database
    assert store.get("oB").pending["kind"] == "need_community"      # but the next message sees it
    await asyncio.sleep(0.2)                                        # the flush timer fired
    assert '"need_community"' in stored(db, "oB")[2]


async def test_a_full_batch_is_written_without_waiting(db):
    store = StateStore(db, flush_seconds=60, batch=3)
    for i in range(3):
        store.log_question(f"o{i}", "天气怎么样", "fallback", {}, 0.0, False)
    assert db.execute("select count(*) from questions").fetchone()[0] == 3


def test_without_an_event_loop_everything_is_written_at_once(db):
    store = StateStore(db, flush_seconds=60)
    state = store.get("oC")
    state.more = [{"question": "哪些社区有养老服务", "offset": 10}]
    store.save(state)
    store.log_question("oC", "哪些社区有养老服务", "category", {"category": ["elderly"]}, 0.9, True)
    assert "offset" in stored(db, "oC")[3]
    assert db.execute("select intent, entities, answered from questions").fetchone() == (
        "category", '{"category":["elderly"]}', 1)


async def test_a_batched_write_never_undoes_an_unsubscribe_made_elsewhere(db):
    store = StateStore(db, flush_seconds=60)
    state = store.get("oD")
    state.subscribed, state.community_id = 1, "yubo"
    store.save(state)                                               # written at once
    state.pending = {"kind": "context", "question": "虞波社区在哪"}
    store.save(state)                                               # queued
    db.execute("update residents set subscribed = 0 where openid = 'oD'")
    store.forget("oD")                                              # as the delivery worker does
    assert stored(db, "oD")[1] == 0 and '"context"' in stored(db, "oD")[2]
    assert store.get("oD").subscribed == 0


async def test_residents_are_kept_in_memory_unless_several_processes_share_the_database(db):
    store, shared = StateStore(db, cache_entries=10), StateStore(db, cache_entries=0)
    for s in (store, shared):
        state = s.get("oE")
        state.community_id = "yubo"
        s.save(state)
    db.execute("update residents set community_id = 'haichuang' where openid = 'oE'")  # another process
    assert store.get("oE").community_id == "yubo"
    assert shared.get("oE").community_id == "haichuang"


async def test_the_memory_of_residents_is_bounded(db):
    store = StateStore(db, cache_entries=5)
    for i in range(50):
        store.get(f"o{i}")
    assert len(store._known) == 5


def test_the_operators_query_for_unanswered_questions_uses_the_partial_index(db):
    StateStore(db)
    plan = db.execute("explain query plan select at from questions where answered = 0 order by id desc limit 5").fetchall()
    assert "questions_unanswered" in str(plan)


@pytest.fixture
def asked(engine, monkeypatch):
    """Every question the real knowledge engine is asked, in order."""
    calls: list[tuple] = []
    original = engine.answer

    def answer(question, home="", pending=None):
        calls.append((question, home, dict(pending or {})))
        return original(question, home=home, pending=pending)
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
    assert other.pending and other.pending["kind"] == "need_community"
    cache.answer(engine, templates, "虞波社区", "", other.pending)                   # answering that question
    # the cached repeat asked nothing; the last call is the engine re-asking for the named community
    assert [(q, home) for q, home, _ in asked] == [("附近有哪些养老服务", "yubo"), ("附近有哪些养老服务", ""),
                                                  ("虞波社区", ""), ("附近有哪些养老服务", "yubo")]


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
