"""One message asking several things: `A和B是不是都在镇海？负责人分别是谁？`, `赛罕社区在哪个旗？
获过什么荣誉？`. Each asking sentence is answered as a question of its own and the answers are
shown one after another, instead of the strongest cue deciding and the rest going unanswered.

A sentence that names no subject is asked about the subject the message names (its first
sentence that names one), with that whole sentence when it only tells (the context of each).
Only sentences asking a specific aspect count (where, phone, who, honours, how many, when, rank,
residents), or what someone named said or thinks (`书记是谁？她说加入联盟是想干嘛？`):
`赛罕社区有几支志愿队？都叫什么？` stays one question,
since its second sentence asks about the teams, not about the community. A message whose asking
sentences ask the same aspects (在哪，怎么走) is one question too."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from knowledge.people import OPINION
from knowledge.text import AIM_ASKED, ASKS, COMMUNITY_POINTERS, ENGLISH_ASKS, ROLE, ROLES, compact
from knowledge.understand import ROUND

if TYPE_CHECKING:
    from knowledge.engine import Engine

# (…在哪里啊然后它上百佳的…叫什么: dictated without pauses, 然后 begins the next sentence)
# (…多少人 60岁以上的多少, …叫啥 logo上写的啥: a pause before a number, or after an ask before a word in
# letters, parts asks too)
# (…社区:1. 居民以什么年龄层为主?2. 党总支书记是哪位?: numbered asks, each a sentence)
SENTENCES = re.compile(
    r"(?:(?<=^)|(?<=[:：，,。？?；;\s]))\s*(?:[1-9][.、．)）]|[（(][1-9][)）]|[①-⑨]|[一二三四五六七八九]、)\s*"
    r"(?=[\u4e00-\u9fffA-Za-z“\"])|"
    r"[：:](?=\s*(?:[1-9][.、．)）]|[（(][1-9][)）]|[①-⑨]|[一二三四五六七八九]、))|"
    r"[？?。！!；;]+|"
    r"(?<=[\u4e00-\u9fff])\s*[/／]\s*(?=[\u4e00-\u9fff])|"
    r"(?<=[\u4e00-\u9fff])[，,\s]+(?=[\u4e00-\u9fff0-9])|"
    r"(?<=[啥么吗呢谁几少哪])[，,\s]+(?=[A-Za-z])|"
    r"(?<=[\u4e00-\u9fff])[啊呀嘛啦哈哇噢呢吧]*然后(?=[\u4e00-\u9fff])|"
    r"(?i:,?\s+and\s+(?:roughly\s+|approximately\s+|about\s+|also\s+|then\s+)?"
    r"(?=(?:how|what|which|who|where|when|whose|is|are|does|do|did|since)\b))")
SPECIFIC = frozenset(("location", "phone", "contact", "honour", "figure", "time", "rank", "residents"))
SUBJECTS = ("community", "programme", "person", "list")
LATIN = re.compile(r"[A-Za-z]{3,}")
MEASURE = re.compile(r"(?:多少|几)个?([\u4e00-\u9fff])")
MIN_CHARS, MOST = 4, 3
WHICH_ONE = re.compile(r"哪一个|哪一家|(?:哪个|哪家)(?=是|入|上|评|获|进)")
WHICH_KIND = re.compile(r"哪些|哪个|哪种|哪几|什么样")   # (…，主要是哪些民族: which kinds of a service or group)
# whether there is, or what is called, a kind of thing the sentence names itself (…建成的？有没有专门的
# 议事平台？ / …在哪个街道？百佳品牌榜上它的项目叫什么？): a question of its own beside a specific one
THING_ASKED = re.compile(r"有没有|有无|叫什么|叫啥|是什么|是啥|有什么|有啥")
PRONOUN = re.compile(rf"这位(?:{ROLES})?|那位|[他她](?!们)")
PERSON_LEAD = re.compile(r"^(?:那|那么)?(?:这位|那位|[他她](?!们))")
# a sentence starting by pointing at the community asked of before it (…书记是谁 他们社区最骄傲的是啥)
# a sentence starting by pointing at the team or the people named before it and asking what a thing of
# theirs is called (…队长叫啥名字？他们演的节目叫什么)
# a sentence led by 以及/另外/此外 after another asks something more of what it names (…书记系何人，以及其…
# 所提及的“公益街区”相关情况)
ALSO_LEAD = re.compile(r"^(?:以及|另外|此外|同时|并且|再者)")
QUOTED_PART = re.compile(r"[“\"「].{2,12}?[”\"」]")
# what kind of thing of its own a community is asked for (…书记是谁?主打什么平台?)
WHAT_THING = re.compile(r"(?:什么|啥|哪些|哪个|哪几个)(?:样的|它的|他们的|其)?(?:服务|党建|工作)?(?:平台|品牌|模式|机制|载体|工作法|特色|特点|规模)")
# what a thing of the community's own is called or says, asked beside another ask (服务品牌叫啥 工作目标呢,
# 书记叫啥 logo上写的啥)
OWN_THING = re.compile(r"(?:品牌|平台|模式|机制|制度|载体|工作法|目标|理念|口号|标识|标志|logo|宗旨|特色)"
                       r"(?:[^，,。？?\s]{0,6}?(?:叫什么|叫啥|是什么|是啥|写的啥|写的什么|写着什么|写了什么|写了啥|啥样|什么样|"
                       r"怎么样)|呢$)", re.I)
THING_NOUN = re.compile(r"品牌|平台|模式|机制|制度|载体|工作法|目标|理念|口号|标识|标志|logo|宗旨|特色|特点|规模", re.I)
THEY_LEAD = re.compile(r"^(?:那|那么)?[他她它]们")
COMMUNITY_LEAD = re.compile(rf"^(?:那|那么)?(?:[他她]们社区|[他她]们那边?|它|{COMMUNITY_POINTERS})的?")


def asks_apart(engine: "Engine", question: str) -> list[str]:
    """The standalone questions of a message that asks several specific things; [] otherwise."""
    if len(question) < 2 * MIN_CHARS:
        return []
    parts = _english_parted(SENTENCES.split(question))
    if len(parts) < 2:
        return []
    sentences = _ellipses_filled(_fragments_joined(parts), engine)
    said = [engine.understand(sentence) for sentence in sentences]
    of_community = any(q.of("community") for q in said)
    # an English sentence that names an aspect asks it, said as a question or not ("heard it won an award")
    # (北岸琴森社区 哪个区的 谁管事: short asks of the community the message names)
    asking = [q for q, raw in zip(said, sentences) if (len(q.text) >= MIN_CHARS or of_community and (
              OWN_THING.search(raw) or q.aspects & SPECIFIC and not q.mentions)) and (
              (q.aspects & SPECIFIC or _of_holder(q.text) or COMMUNITY_LEAD.match(q.text) or
               THEY_LEAD.match(q.text) and THING_ASKED.search(q.text) or
               of_community and (WHAT_THING.search(q.text) or OWN_THING.search(q.text) or OWN_THING.search(raw)) or
               q.of("category") and WHICH_KIND.search(q.text) or
               # (A与B:1. 哪一个是首批品质社区,哪一个是入围第二届20强的: which of them is on each list)
               of_community and q.of("list") and WHICH_ONE.search(q.text) or
               of_community and ((q.of("category") or q.of("list")) and THING_ASKED.search(q.text) or
                                 AIM_ASKED.search(q.text))) and
              (ASKS.search(q.text) or ASKS.search(raw) or LATIN.search(raw)) or
              # (…，以及其…所提及的“公益街区”相关情况: asked, though as a request)
              ALSO_LEAD.match(raw.strip()) is not None and bool(q.mentions or QUOTED_PART.search(raw)))]
    # (在哪，怎么走 asks one thing; 首届选出几个？第二届呢？ and 头一届评了几个 第二届又评了几个 ask it of two)
    subjects = {id(q): _subject(q) for q in said}
    if not any(subjects.values()):
        return []
    # a sentence naming nothing asks of the subject named (在哪，怎么走: one ask), but a count of its own
    # (人口有多少？其中60岁以上的老人多少: a part of them counted)
    named = next(s for s in subjects.values() if s)
    if len(asking) < 2 or len({(_asked(q), subjects[id(q)] or ("" if "figure" in q.aspects else named), _round(q))
                               for q in asking}) < 2:
        return []
    return [_pointer_filled(q, said) or _which_of_them(q, said) or
            (q.text if _own_subject(q, subjects) else _in_context(q, said, asking, subjects)) for q in asking[:MOST]]


def _which_of_them(q, said: list) -> str:
    """`哪一个是首批品质社区` after a sentence naming communities asks which of those: with them
    before it ("" when it names a community itself or none was named)."""
    if q.of("community") or not q.of("list") or not WHICH_ONE.search(q.text):
        return ""
    at = next(i for i, x in enumerate(said) if x is q)
    named = next((b for b in reversed(said[:at]) if b.of("community")), None)
    return named.text + "，" + q.text if named is not None else ""


def _english_parted(sentences: list[str]) -> list[str]:
    """An English sentence asking twice without a stop (haichuang community which district whats its
    service brand): parted before its second question word."""
    out: list[str] = []
    for sentence in sentences:
        found = list(ENGLISH_ASKS.finditer(sentence))
        at = next((m.start() for m in found[1:] if sentence[found[0].end():m.start()].split()), None)
        out += [sentence[:at], sentence[at:]] if at is not None and LATIN.search(sentence[:at]) else [sentence]
    return out


def _fragments_joined(sentences: list[str]) -> list[str]:
    """A short ask after a part that asks nothing is one sentence with it (社区服务 几大类, 北岸琴森社区
    哪个区的): typed with a space for a pause, not as two sentences."""
    out: list[str] = []
    for sentence in sentences:
        if out and len(compact(sentence)) < MIN_CHARS and out[-1].strip() and not ASKS.search(out[-1]):
            out[-1] = out[-1].rstrip() + sentence.strip()
        else:
            out.append(sentence)
    return out


# a community pointed at inside a sentence that names something else (百佳品牌榜上它的项目叫什么)
INNER_POINTER = re.compile(rf"它(?!们)|{COMMUNITY_POINTERS}|(?:^|(?<=以及)|(?<=并且)|(?<=同时))其(?=[\u4e00-\u9fff])")   # (formal 其)


# every community the sentence before named (…与总浦桥社区是否同属一个区，…二社区受访负责人分别为何人)
BOTH_POINTER = re.compile(r"[二两]社区|两个社区|这两个社区|这两个|两者|二者|两家|它们|它俩|这俩")


# the resident's own community pointed at (我们社区, 我们那)
HOME_POINTER = re.compile(r"(?:我们|咱们|咱|俺们|我家|我的)(?:社区|小区|这边?|那边?|这里|那里)|本社区")
# a list pointed at (…学弄社区出现几次？它有几个品牌在那个名单里), or a community's place on it (…有几个品牌上榜)
LIST_POINTER = re.compile(r"(?:那个|这个|该|此|那张|这张)(?:名单|榜单|榜)")
ON_A_LIST = re.compile(r"上榜|榜上|入选|入围|上了榜")


def _pointer_filled(q, said: list) -> str:
    """A sentence naming no community but pointing at one (它, 该社区) after a sentence naming one:
    that community set in place of the pointer, and at both (二社区, 它们) after a sentence naming
    several: all of them. A list pointed at (那个名单) is the one named before. "" when none is."""
    at = next(i for i, x in enumerate(said) if x is q)
    listed = None if q.of("list") else \
        LIST_POINTER.search(q.text) or (ON_A_LIST.search(q.text) if q.of("community") else None)
    text = q.text
    if listed is not None:
        named = next((b.text[m.start:m.end] for b in reversed(said[:at]) for m in b.mentions if m.kind == "list"), "")
        # (…榜单:1. 一共多少个品牌?2. 学弄社区有几个品牌上榜: that list)
        text = text[:listed.start()] + named + (text[listed.end():] if LIST_POINTER.match(text, listed.start())
                                                 else text[listed.start():]) if named else text
    if q.of("community"):
        return text if text != q.text else ""
    own = HOME_POINTER.search(text)
    bound = next((b for b in reversed(said[:at]) if b.binds and b.of("community")), None) if own else None
    if bound is not None:   # (我住在丹顶鹤社区。请问:1. 我们社区的书记是谁?2. 我们社区…: the home just said)
        m = bound.of("community")[0]
        return text[:own.start()] + bound.text[m.start:m.end] + text[own.end():]
    both = BOTH_POINTER.search(text)
    if both is not None:
        for before in reversed(said[:at]):
            named = [before.text[m.start:m.end] for m in before.mentions if m.kind == "community"]
            if len(named) >= 2:
                return text[:both.start()] + "和".join(dict.fromkeys(named)) + text[both.end():]
    found = INNER_POINTER.search(text)
    if found is None:
        return text if text != q.text else ""
    for before in reversed(said[:at]):
        named = next((m for m in before.mentions if m.kind == "community"), None)
        if named is not None:
            return text[:found.start()] + before.text[named.start:named.end] + text[found.end():]
    return text if text != q.text else ""


ELLIPSIS = re.compile(r"^(?:那|那么)?(.{2,10}?)(?:的)?呢$")


def _ellipses_filled(sentences: list[str], engine: "Engine") -> list[str]:
    """`X呢` after a sentence asking of something else of the same kind asks it of X (首届选出几个？
    第二届呢？): that sentence with X for its subject."""
    out: list[str] = []
    for sentence in sentences:
        found = ELLIPSIS.match(sentence.strip())
        before = next((engine.understand(x) for x in reversed(out) if x.strip()), None) if found else None
        asked = _asked_of(found.group(1), before, engine) if before is not None and before.aspects & SPECIFIC else None
        out.append(asked or sentence)
    return out


def _asked_of(other: str, before, engine: "Engine") -> str | None:
    """The sentence before (`before`, understood) asked of `other` instead of its subject; None when
    they are not of one kind."""
    held = ROUND.search(before.text) if ROUND.fullmatch(other) else None
    if held:     # (首届评了几家？第二届呢？: the other round of the list)
        return before.text[:held.start()] + other + before.text[held.end():]
    named = engine.understand(other).mentions
    said = [m for m in before.mentions if m.kind in SUBJECTS]
    if len(named) == 1 and said and said[0].kind == named[0].kind:
        return before.text[:said[0].start] + other + before.text[said[0].end:]
    return None


def _own_subject(q, subjects: dict) -> bool:
    """Whether a sentence is asked of what it names itself: 她加入社区联盟是想干嘛 names a list, but
    asks of the person before it."""
    if PERSON_LEAD.match(q.text) and not any(m.kind in ("community", "person") for m in q.mentions):
        return False
    return bool(subjects[id(q)])


def _in_context(q, said: list, asking: list, subjects: dict) -> str:
    """A sentence naming no subject, asked of the nearest sentence before it that names one (else
    the first that does): a sentence that only tells (力邦社区住的基本都是外地来打工的，一共多少人，…)
    is the context of the question; of one that asks, only what it names."""
    at = next(i for i, x in enumerate(said) if x is q)
    before = [x for x in said[:at] if subjects[id(x)]]
    source = before[-1] if before else next(x for x in said if subjects[id(x)])
    prefix = subjects[id(source)] if source in asking else source.text + "，"
    text = q.text
    lead = COMMUNITY_LEAD.match(text) if source.of("community") else None
    text = text[lead.end():] if lead else text
    asked_round, held = ROUND.match(text), ROUND.search(prefix)
    if asked_round and held:     # 首届品质社区…？第二届…？: the second round of the same list
        prefix, text = prefix[:held.start()] + asked_round.group(0) + prefix[held.end():], text[asked_round.end():]
    role = ROLE.search(source.text)
    return prefix + _holder(text, role.group(0) if role else "")


def _holder(text: str, role: str) -> str:
    """他觉得… after `书记是谁`: the role's holder said it (书记觉得…), so the question asks their view;
    她加入联盟是想干嘛: what the holder did."""
    return PRONOUN.sub(role, text, count=1) if role and _of_holder(text) else text


def _of_holder(text: str) -> bool:
    """A sentence asking what someone said, thinks or did (她说…, 他觉得…, 她加入…是想干嘛)."""
    return OPINION.search(text) is not None or PERSON_LEAD.match(text) is not None


def _asked(q) -> tuple:
    """What a sentence asks: its specific aspects, for a count the measure word (多少人 and 多少个省
    are two questions), and the thing of its own it names (品牌叫啥，目标呢 are two)."""
    measure = MEASURE.search(q.text) if "figure" in q.aspects else None
    thing = THING_NOUN.search(q.text)
    return frozenset(q.aspects & SPECIFIC) | ({"said"} if _of_holder(q.text) else set()), \
        measure.group(1) if measure else "", thing.group(0).lower() if thing else ""


def _round(q) -> str:
    """The round of a list a sentence names (首届, 第二届), "" when none."""
    found = ROUND.search(q.text)
    return found.group(0) if found else ""


def _subject(q) -> str:
    """The span of a sentence's named subjects (后大街社区和总浦桥社区), "" when it names none."""
    named = [m for m in q.mentions if m.kind in SUBJECTS]
    return compact(q.text[named[0].start:named[-1].end]) if named else ""
