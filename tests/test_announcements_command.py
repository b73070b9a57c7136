"""The `发布公告` command read against the real knowledge: targets, times, what stays text."""
from __future__ import annotations

from datetime import datetime

import pytest

from bot.announcements.command import parse, parse_cli_time
from bot.announcements.targeting import Resolver

NOW = datetime(2026, 11, 26, 14, 0)      # a Thursday


@pytest.mark.parametrize("text, when", [
    ("发布公告 虞波社区 明天9点 停水", datetime(2026, 11, 27, 9, 0)),
    ("发布公告 虞波社区 下午3点半 停水", datetime(2026, 11, 26, 15, 30)),
    ("发布公告 虞波社区 周六上午8:30 停水", datetime(2026, 11, 28, 8, 30)),
    ("发布公告 虞波社区 下周一 9点 停水", datetime(2026, 12, 7, 9, 0)),
    ("发布公告 虞波社区 12月5日 8点 停水", datetime(2026, 12, 5, 8, 0)),
    ("发布公告 虞波社区 1月3日 晚上7点 停水", datetime(2027, 1, 3, 19, 0)),
    ("发布公告 虞波社区 2026-12-05 08:00 停水", datetime(2026, 12, 5, 8, 0)),
])
def test_send_times(engine, text, when):
    cmd = parse(text, Resolver(engine), NOW)
    assert not cmd.error and cmd.text == "停水" and datetime.fromtimestamp(cmd.send_at) == when


@pytest.mark.parametrize("text", ["发布公告 虞波社区 本周六上午9点在社区服务中心义诊", "发布公告 虞波社区 9点半开会",
                                  "发布公告 虞波社区 周六 义诊"])
def test_a_time_inside_the_text_stays_text(engine, text):
    cmd = parse(text, Resolver(engine), NOW)
    assert cmd.send_at is None and cmd.text == text.split(" ", 2)[2]


def test_past_time_is_flagged(engine):
    assert parse("发布公告 虞波社区 今天9点 停水", Resolver(engine), NOW).error == "past"


def test_targets(engine):
    r = Resolver(engine)
    several = parse("发布公告 虞波社区、后大街社区，停水", r, NOW)
    assert several.targets.ids == ["yubo", "houdajie"] and several.text == "停水"
    district = parse("发布公告 鄞州区 停水", r, NOW)
    assert district.targets.scope == "district" and "dandinghe" in district.targets.ids
    assert parse("发布公告 全体 停水", r, NOW).targets.scope == "all"
    assert parse("发布公告 火星社区 停水", r, NOW).error == "no_target"


def test_cli_time(engine):
    assert datetime.fromtimestamp(parse_cli_time("明天9点", NOW)) == datetime(2026, 11, 27, 9, 0)
    with pytest.raises(ValueError):
        parse_cli_time("soon", NOW)
