"""Attacks on remembered turns (bot/conversation/turns.py): a turn answered from memory must give
the same reply and leave the same resident state as the turn taken afresh."""
from __future__ import annotations

from test_conversation import chat

__all__ = ["chat"]


async def test_a_remembered_move_moves_a_resident_who_lived_elsewhere(chat):
    webhook = chat.webhook
    # the first time 我住在凌霄社区 is taken, the resident already lives there (moved by other words)
    await chat("我住在凌霄", "我住在凌霄社区", user="oAtkMove1")
    assert webhook.db["residents"].get("oAtkMove1")["community_id"] == "lingxiao"
    await chat("我住在后大街社区", "我住在凌霄社区", user="oAtkMove2")
    assert webhook.db["residents"].get("oAtkMove2")["community_id"] == "lingxiao"


async def test_a_newcomer_told_their_move_is_remembered_is_answered_for_that_community(chat):
    # a resident of 凌霄 says again that they live there: the turn is kept as one that moves no one
    await chat("我住在凌霄社区", "我搬到凌霄社区了", user="oAtkSay1")
    told, own = await chat("我搬到凌霄社区了", "我们社区书记是谁", user="oAtkSay2")
    assert "凌霄社区" in told and "已记住" in told
    assert "陈雪波" in own
