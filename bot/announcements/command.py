"""The `发布公告 <targets> [<time>] <text>` command, read forgivingly.

Separators may be a space, a full-width comma or colon, or nothing at all
(`发布公告虞波社区本周六义诊`); several targets are joined by 、 or ，; a send time is a token
of its own right after the targets (`明天9点`, `周六上午8:30`, `12月5日 8点`, `2026-12-05 08:00`),
so a time written inside the text (`本周六上午9点在服务中心义诊`) stays text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.announcements.targeting import SEPARATORS, Resolver, Targets

PREFIX = re.compile(r"^\s*(?:发布公告|发公告|发布通知|发通知)")
_SEP = f"[{re.escape(SEPARATORS)}：:]*"
_WEEK = "一二三四五六日天"
_DAY = (r"(?P<rel>今天|今日|明天|明日|后天)|(?P<next>下)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])"
        r"|(?:(?P<y>\d{4})[-/年.])?(?P<mo>\d{1,2})[-/月.](?P<d>\d{1,2})[日号]?")
_TIME = r"(?P<ampm>上午|早上|早晨|中午|下午|晚上|傍晚)?(?P<h>\d{1,2})(?:[:：点时](?P<mi>\d{1,2}|半)?分?)"
WHEN = re.compile(rf"^(?:(?:{_DAY})\s*)?(?:{_TIME})(?=[\s，,：:]|$)")


@dataclass
class Command:
    """What a `发布公告` message says. `error` is set when it cannot be used as it is:
    empty (format help), no_target, no_text, past (a send time already gone)."""
    targets: Targets = field(default_factory=Targets)
    text: str = ""
    send_at: float | None = None
    when_text: str = ""
    error: str = ""
    word: str = ""            # the unknown target word, for no_target


def is_command(text: str) -> bool:
    return bool(PREFIX.match(text))


def parse(text: str, resolver: Resolver, now: datetime | None = None) -> Command:
    now = now or datetime.now()
    m = PREFIX.match(text)
    rest = text[m.end():] if m else text
    rest = rest.lstrip(SEPARATORS + "：:")
    if not rest.strip():
        return Command(error="empty")
    cmd = Command()
    pos = 0
    while pos < len(rest):
        found = resolver.prefix(rest[pos:])
        if found is None:
            break
        hit, length = found
        cmd.targets.hits.append(hit)
        pos += length
        sep = re.match(_SEP, rest[pos:]).end()
        if not sep or resolver.prefix(rest[pos + sep:]) is None:
            break                     # the text starts here (a 和 opening it stays in it)
        pos += sep
    if not cmd.targets.hits:
        cmd.word = re.split(f"[{re.escape(SEPARATORS)}：:]", rest.strip(), maxsplit=1)[0][:12]
        cmd.error = "no_target"
        return cmd
    body = rest[pos:].lstrip(" \t\u3000，,、；;：:/").strip()
    when = WHEN.match(body)
    if when:
        at = when_to_datetime(when, now)
        if at is not None:
            cmd.send_at, cmd.when_text = at.timestamp(), when.group(0)
            body = body[when.end():].lstrip(SEPARATORS + "：:").strip()
            if at <= now:
                cmd.error = "past"
    cmd.text = body
    if not body and not cmd.error:
        cmd.error = "no_text"
    return cmd


def when_to_datetime(m: re.Match, now: datetime) -> datetime | None:
    """The absolute local time a WHEN match names (a time alone means today)."""
    g = m.groupdict()
    day = now.date()
    if g["rel"]:
        day += timedelta(days={"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}[g["rel"]])
    elif g["wd"]:
        target = _WEEK.index(g["wd"]) if g["wd"] not in "日天" else 6
        ahead = (target - now.weekday()) % 7
        day += timedelta(days=ahead + (7 if g["next"] else 0))
    elif g["mo"]:
        try:
            day = day.replace(year=int(g["y"] or now.year), month=int(g["mo"]), day=int(g["d"]))
        except ValueError:
            return None
        if not g["y"] and day < now.date():
            day = day.replace(year=day.year + 1)
    hour, minute = int(g["h"]), 0
    if g["mi"]:
        minute = 30 if g["mi"] == "半" else int(g["mi"])
    if g["ampm"] in ("下午", "晚上", "傍晚") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)


def parse_cli_time(text: str | None, now: datetime | None = None) -> float | None:
    """`--at`: the same forms as WeChat, plus ISO; raises ValueError when unreadable."""
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).timestamp()
        except ValueError:
            pass
    m = WHEN.match(text.strip())
    at = when_to_datetime(m, now or datetime.now()) if m and m.end() == len(text.strip()) else None
    if at is None:
        raise ValueError(f"use 'YYYY-MM-DD HH:MM' or e.g. 明天9点, got {text!r}")
    return at.timestamp()
