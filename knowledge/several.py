"""Several communities in one question: `A和B分别在哪个街道`, `A和B都在镇海吗`, `A和B的书记分别是谁`.
A side the knowledge does not know (白沙社区和后大街社区哪个大) is said to be unknown beside the others.

The question is split into one question per community (the other names, their connective and
the words 分别/都/各自 taken out), each answered as if asked alone, and the answers are shown side
by side. Namesakes still unsettled are left out rather than guessed.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from knowledge.text import ASKS
from knowledge.understand import _NOT_DOING, Query

if TYPE_CHECKING:
    from knowledge.engine import Answer, Engine

CONNECTIVES = "和与跟及、同还"
# a description of the sides before they are named, ending in 的 and the places they are in
DESCRIBED_BEFORE = re.compile(r"^.{4,}?的(?=[^的]{0,8}$)")
SIDE_WORDS = re.compile(r"分别|各自|都|两个社区|这两个|两者|两家|两边|双方|它们|他们|同一个|同个|一样|相同|比较|对比|哪个人多|谁的人多|哪个大")
MOST = 4
SIDE_LEAD = re.compile(r"两家|两边|双方|两个社区|这两个|这俩|它们|它俩|各自|分别")
DIFFERENCE = re.compile(r"不一样|不同|区别|差别|差异")   # asks how they differ, not whether they share a place


def compare(engine: "Engine", q: Query) -> "Answer | None":
    from knowledge.engine import Answer
    if q.binds:
        return None
    picked: list[tuple[int, int, str]] = []
    for m in q.of("community"):
        ids = engine._settle(q, m.ids)
        if len(ids) == 1 and all(ids[0] != c for *_, c in picked):
            picked.append((m.start, m.end, ids[0]))
    # 白沙社区和后大街社区哪个大: a side the knowledge lacks is said to be unknown, beside the other
    unknown = [p for p in q.unknown if p.endswith("社区")] if picked and SIDE_WORDS.search(q.text) else []
    if len(picked) + len(unknown) < 2:
        return None
    picked = picked[:MOST]
    chosen = {c for *_, c in picked}
    # every time a side is named (海窗社区和福成社区…海创是商住型的 福城是什么型的), to leave out of the others
    named_at = [(m.start, m.end, ids[0]) for m in q.of("community")
            if len(ids := engine._settle(q, m.ids)) == 1 and ids[0] in chosen]
    # 凌霄和海创都是年轻人多的社区，两家各自靠什么…: what the message tells of both before it asks
    # is no part of the question each is asked
    asked = SIDE_LEAD.search(q.text, picked[-1][1])
    # (…深圳湾社区的志愿服务平台分别叫什么: what follows 的 is the thing asked of each, nothing told)
    told = asked is not None and asked.start() - picked[-1][1] >= 4 and not ASKS.search(q.text, picked[-1][1], asked.start()) \
        and not q.text.startswith("的", picked[-1][1])
    parts = []
    # (同属奉化区且均入围20强的岳林街道金钟社区与…阳光社区，其各自…: what the sides are told to share
    # before they are named is no part of what each is asked)
    said_of_both = DESCRIBED_BEFORE.match(q.text[:picked[0][0]])
    text_asked = q.text[said_of_both.end():] if said_of_both else q.text
    cut = len(q.text) - len(text_asked)
    own = _own_segments(q.text, picked, asked.start()) if told else None
    for n, keep in enumerate(picked):
        if told:
            name = engine.model.communities[keep[2]].name
            # (…都在做养老服务，两边各自的做法叫啥: the service told of both is what each is asked of)
            service = "" if own else "".join(m.surface for m in q.of("category") if picked[-1][1] <= m.start < asked.start())
            # (深圳湾社区培育的社会组织数量和后大街社区备案的社会组织数量，分别是多少: each side its own measure)
            parts.append(_alone(engine, name + (own[n] if own else service) + SIDE_WORDS.sub("", q.text[asked.start():]), keep[2]))
            continue
        text = text_asked
        for start, end, cid in sorted(named_at, key=lambda p: -p[0]):
            start, end = start - cut, end - cut
            if cid == keep[2] or start < 0:
                continue
            if end < len(text) and text[end] in CONNECTIVES:
                end += 1
            elif start > 0 and text[start - 1] in CONNECTIVES:
                start -= 1
            text = text[:start] + text[end:]
        said = q.text[keep[0]:keep[1]]     # (the 都 of 都市森林 is no side word)
        # (…我闺女住桃园江社区，是不是一个街道的: where each is, whatever else the message tells)
        text = said + comparing if (comparing := _comparative(q)) else \
            SIDE_WORDS.sub("", text.replace(said, "\0")).replace("\0", said)
        parts.append(_alone(engine, text, keep[2]))
    parts += [Answer("unknown_place", {"places": [name]}, "fallback", 0.9, False) for name in unknown[:MOST - len(parts)]]
    ids = [c for *_, c in picked]
    return Answer("several", {"parts": parts}, "compare", min(p.confidence for p in parts),
                  any(p.answered for p in parts), {"community": ids})


def _own_segments(text: str, picked: list[tuple[int, int, str]], asked_at: int) -> list[str] | None:
    """What is said of each side right after its name (A的X和B的Y，分别…: X, Y), when every side has
    some; None when the sides are named together (A和B，两家各自…)."""
    ends = [p[1] for p in picked]
    starts = [p[0] for p in picked[1:]] + [asked_at]
    segments = [text[end:start].rstrip(CONNECTIVES + "，, ") for end, start in zip(ends, starts)]
    # (深圳湾社区和内蒙那个赛罕社区都在…: what follows a connective tells of the next side, not of this one)
    if any(s[:1] in CONNECTIVES for s in segments[:-1]):
        return None
    return segments if all(len(s.strip("的")) >= 2 for s in segments) else None


def _alone(engine: "Engine", text: str, community: str) -> "Answer":
    """One side's question answered as if asked alone: its people, articles and passages first
    (赛罕社区那篇材料是哪年发布的), then what the community's knowledge holds."""
    if "，" in text:     # (丹顶鹤社区是什么时候建的，住的都是什么人: each asked apart)
        return engine.answer(text)
    q = engine.understand(text)
    return engine.wider_than_community(q, community) or engine.about_community(q, engine.model.communities[community])


POPULATION = re.compile(r"人多|人口|人更多|居民多")
AGE_ASKED = re.compile(r"(?:哪个|哪家|谁)(?:更|比较|要)?(?:老|旧|新)(?!人)|(?:更|比较)(?:老|旧)(?!人)|老一点|新一点|历史更?长|"
                       r"建得?(?:更)?(?:早|晚)|哪个先建")
MAKEUP_MORE = re.compile(r"哪个(?:有|是)?[^，,。？?]{0,3}(?:年轻人|年轻居民|青年|老年人|外地人|外来|白领|少数民族)(?![^，,。？?]{0,4}(?:服务|活动|项目))")


def _comparative(q: Query) -> str:
    """`哪个人多` asks each side for its population (not `哪个年轻人多`: which has the kind of
    residents, asked of each as it is); `同一个区/街道吗` for each side's place; `哪个老一点` when each
    was built, `哪个年轻人多` who lives in each (both, when both are asked)."""
    text = q.text
    asked = [ask for rx, ask in ((AGE_ASKED, "是什么时候建的"), (MAKEUP_MORE, "住的都是什么人")) if rx.search(text)]
    if asked:
        return "，".join(asked)
    people = POPULATION.search(text)
    if people and not any(m.kind == "category" and m.start < people.end() and m.end >= people.start() - 1
                          for m in q.mentions):
        return "人口多少"
    if re.search(rf"同一个|同个|一样|相同|都在{_NOT_DOING}|都属于|是(?:不是)?一个(?:区|县|市|街道|镇)", text) and "哪" not in text and \
            not DIFFERENCE.search(text):   # (都在搞智慧社区吗 asks what they do, not where they are)
        return "在哪里"
    return ""
