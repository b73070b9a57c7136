"""What the resident tells of themselves around a question: a community they were at before or set
another against (我以前在赛罕社区做社工, 拿深圳湾跟赛罕做个对照), a pointer in the question standing for
what they told (…楼下是丹顶鹤社区，它是哪个区的), a story told in sentences before a question of its
own, and which clauses ask at all (没加入什么联盟, 谁也不认识谁 ask nothing). bot/conversation/focus.py
decides with these which part of a message is the question."""
from __future__ import annotations

import re

from knowledge.text import CLAUSE_ENDS, WH_ASK, asks
from knowledge.understand import EXAMPLES

SUBJECTS = ("community", "programme", "person", "list", "place")
ASKED_OF = ("community", "programme", "person", "list")     # what a question is asked of (a place only narrows it)
SENTENCE_SPLIT = re.compile(r"(?<=[。!！？?])|(?<=[a-z]\.)\s+(?=[A-Z])")
LATIN = re.compile(r"[A-Za-z]{3,}")
# a word pointing back at what was told before (它们, 这两个社区, 那个项目, 这位)
BACK = re.compile(r"它|他|她|这两|这俩|那两|这几|那几|这些|那些|这个|那个|这位|那位|这里|那里|这边|那边|该|此|两个社区|两家")
ENGLISH_POINTER = re.compile(r"(?i)\b(?:that|this|it|they|them|those|these|there)\b")
WHICH_ONE = re.compile(r"哪(?:个|家|一个)")      # (余姚有个社区…，是哪个)
WHICH_COMMUNITY = re.compile(r"哪个社区|哪些社区|哪家社区|哪个小区|什么社区")
# a subject the resident tells of as where they were before or what they measure against (我以前在赛罕
# 社区做社工, 我刚从赛罕搬来, 让我想起赛罕的口袋公园, 拿深圳湾跟赛罕做个对照): not what is asked about
BACKGROUND = re.compile(r"(?:以前|原来|之前|过去|曾经|从前)(?:在|住|是|的|那)?|老家(?:在|是)|(?<!自)从|想起|比起")
BACKGROUND_REACH = 10     # characters before a name in which a marker makes it background
# ...or is said as a time gone by (我在赛罕社区的时候) or as what another is set against (跟赛罕做个对照)
WHEN_THERE = re.compile(r"(?:社区)?(?:那边|那儿|那里|这边)?(?:住|待|生活|工作|上班)?(?:的时候|那时候|那会儿|那阵子)")
SET_AGAINST = re.compile(r"(?:做个?)?(?:对照|对比|比一比|比比|相比|比较)")
# ...or is said to be outside what is asked of (我们赛罕社区没加入什么联盟，…联盟首批有多少个社区)
NOT_IN = re.compile(r"(?:社区)?(?:那边)?(?:还|也|并|从)?(?:没有?|不是?|未)(?:加入|参加|参与|上榜|入选|评上|选上|进)")
# a pointer in a question standing for something told before it in the same message (…力邦社区住的
# 基本都是外来务工人员，它的书记叫什么), with the kinds it can stand for, in order (它 after
# 丹顶鹤社区…宁波的区 is the community)
POINTERS = ((re.compile(r"这个人|这人|此人|这位|那位|(?<![其它])他(?!们)|她(?!们)"), (("person",),)),
            (re.compile(r"它(?![们俩])|该社区|这个社区|那个社区|他们那|她们那|那边|那里|那儿"), (("community", "programme"), ("place",))))
# what a community has, not a programme (理念, 书记, 哪个街道)
OF_A_COMMUNITY = re.compile(r"理念|宗旨|口号|工作目标|书记|主任|哪个区|哪个街道|在哪|人口|居民|面积|建成|成立")
# a clause only naming who or what it might be (是深圳湾社区吗), its names left out
GUESS_WORDS = re.compile(r"^(?:那|难道|应该|可能|就)?(?:是不是|是)?(?:吗|吧|呢|对吧|对不对|是不是|没错吧)?$")


def subjects(kb, clause: str) -> list[tuple[object, bool]]:
    """(mention, is background) for each subject a clause names, in order."""
    q = kb.understand(clause)
    # (像老友助老、生育文化这些: examples of what is asked of, no subject of their own)
    examples = [e.span() for e in EXAMPLES.finditer(q.text)]
    return [(m, _background(q.text, m) or any(a <= m.start < b for a, b in examples))
            for m in q.mentions if m.kind in SUBJECTS]


def _background(text: str, m) -> bool:
    return bool(BACKGROUND.search(text, max(0, m.start - BACKGROUND_REACH), m.start) or WHEN_THERE.match(text, m.end) or
                NOT_IN.match(text, m.end) or
                text[m.start - 1:m.start] in ("跟", "和", "同", "与") and SET_AGAINST.match(text, m.end))


def background_only(kb, clause: str) -> bool:
    """A clause telling only of communities the resident was at before or sets against another."""
    said = [background for m, background in subjects(kb, clause) if m.kind == "community"]
    return bool(said) and all(said)


def pointed(parts: list[str], asking: list[bool], kb) -> str | None:
    """The question with its pointer (它, 那边, 这个人) standing for the subject told last before it that
    is no background, when the message tells of several: 我从赛罕搬来，楼下是丹顶鹤社区，它是哪个区的
    asks of 丹顶鹤. None when the question names its own subject or points at nothing."""
    last = max(i for i, a in enumerate(asking) if a)
    asked = kb.understand(parts[last])
    if any(m.kind in SUBJECTS for m in asked.mentions):
        return None
    told = [(m, background) for p in parts[:last] for m, background in subjects(kb, p)]
    # (a short name, 赛罕, is known only in the whole message: what it names counts too)
    named = {m.ids[0] for m in kb.understand("，".join(parts)).mentions if m.kind in ASKED_OF}
    if len(named | {m.ids[0] for m, _ in told}) < 2 and not any(background for _, background in told):
        return None
    for pointer, preferred in POINTERS:
        said = pointer.search(asked.text)
        if said is None:
            continue
        if ("community", "programme") in preferred and OF_A_COMMUNITY.search(asked.text):
            preferred = (("community",), *preferred)   # (…静远社区，听说也搞公益集市的，它的理念是啥: the community's)
        for kinds in preferred:
            target = next((m for m, background in reversed(told) if m.kind in kinds and not background), None)
            if target is not None:
                return asked.text[:said.start()] + target.surface + asked.text[said.end():]
    return None


def after_story(text: str, kb) -> str | None:
    """The last sentence, when it asks a question of its own and those before it only tell a story
    (我孙子特别爱敲鼓…。那个甬上社区节是在哪个社区办的？): a question naming what it asks of, or asking
    which community, without pointing back. A sentence saying where the resident lives is kept."""
    sentences = [x for x in SENTENCE_SPLIT.split(text) if x.strip("，, ")]
    # (English is read by its cues: …moved from Shenzhen Bay. Which Ningbo community…?)
    said = [kb.understand(x).text if LATIN.search(x) else x for x in sentences]
    if len(sentences) < 2 or not asks(said[-1]) or any(asks(x) for x in said[:-1]):
        return None     # (…各评出了几家？…还经过了哪一轮？: every question is asked)
    last = sentences[-1]
    if ENGLISH_POINTER.search(last):
        return None     # (…has more than 1000 minority residents. Which 社区 is that?: it points back)
    asked = kb.understand(last)
    starts = {m.start for m in asked.mentions}
    # (那个甬上社区节: 那个 before a name is no pointer; 这两个社区 is)
    if any(b.end() not in starts for b in BACK.finditer(asked.text)) or \
            not (names(kb, last, ASKED_OF) or WHICH_COMMUNITY.search(said[-1]) or
                 "社区" in said[-1] and WHICH_ONE.search(said[-1])):
        return None
    # (我在深圳湾那边住的时候…: where the resident lived once is no home said)
    kept = [x for x in sentences[:-1] if kb.understand(x).binds and not any(b for _, b in subjects(kb, x))]
    return "，".join([*kept, last]) if len(kept) < len(sentences) - 1 else None


def last_asked(text: str, kb) -> list[str]:
    """What to try when the whole message finds nothing (我在电视上看到甬上社区节，敲锣打鼓的蛮热闹，
    是在哪个社区办的): the last clause that asks, with each of the two clauses before it that name
    something, then alone ([] when the message is that clause)."""
    parts = [p.strip() for p in CLAUSE_ENDS.split(text) if p.strip()]
    asking = [i for i, p in enumerate(parts) if asks(p)]
    if len(parts) < 2 or not asking:
        return []
    last = asking[-1]
    before = [parts[i] + "，" + parts[last] for i in range(last - 1, -1, -1) if kb.understand(parts[i]).mentions]
    return [*before[:2], parts[last]]


def only_a_guess(kb, clause: str) -> bool:
    """Whether a clause only names who or what it might be (是深圳湾社区吗, 是不是虞波)."""
    q = kb.understand(clause)
    rest = q.text
    for m in sorted(q.mentions, key=lambda m: -m.start):
        rest = rest[:m.start] + rest[m.end:]
    return bool(q.mentions) and bool(GUESS_WORDS.match(rest))


# what a question asking only whether there is help says besides its names (宁波的社区有吗, 赛罕这边有人给剪剪不,
# 社区能帮忙吗): with these and one doubled or two characters left, it asks of the trouble told before it
_ASKS_ONLY_WHETHER = re.compile(r"的|这边|那边|这里|那里|这儿|那儿|社区|有没有|有无|有人|有|能不能|能|可以|会不会|会|帮帮?忙|帮帮?|给|管|"
                                r"一下|下|人|吗|不|没有?|么|呢|吧|我们|我|解决|处理|照顾|照应")



def asks_only_whether(kb, clause: str) -> bool:
    """Whether a clause asks only if there is such help, naming nothing it is for (宁波的社区有吗)."""
    q = kb.understand(clause)
    rest = q.text
    for m in sorted(q.mentions, key=lambda m: -m.start):
        rest = rest[:m.start] + rest[m.end:]
    return asks(q.text) and not WH_ASK.search(rest) and len(_ASKS_ONLY_WHETHER.sub("", rest)) <= 2


def names(kb, clause: str, kinds: tuple[str, ...] = SUBJECTS) -> bool:
    return any(m.kind in kinds for m in kb.understand(clause).mentions)
