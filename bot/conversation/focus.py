"""What part of a message is the question: the clauses that ask, with those naming an entity and
those that only tell before the question; not where the resident read or heard it, nor a remark
after the question, nor a clause with the cue of another question (打了电话没人接)."""
from __future__ import annotations

import re

from bot.conversation.telling import (ASKED_OF, WHICH_COMMUNITY, after_story, asks_only_whether, background_only,
                                      names, only_a_guess, pointed)
from knowledge.asides import without_asides
from knowledge.asks import asks_apart
from knowledge.text import CLAUSE_ENDS, ENGLISH_ASKS, asks

FRAME = re.compile(r"^(?:我|俺)?(?:看|看到|看了|读到|听|听说|听人说|据说)[^，,。]{0,30}(?:报道|新闻|文章|消息|报纸|节目)"
                   r"(?:里|上|中)?(?:说|讲|提到|写)?的?$")
# who the resident heard it from (我听邻居讲的没听清): not what is asked (邻居 is no neighbourhood service here)
HEARSAY = re.compile(r"[，,\s]*(?:我|俺)?(?:听|听说|听到)(?:邻居|别人|人家|朋友|同事|家里人|老伴|孩子|小区里的人)(?:讲|说|聊)"
                     r"(?:的|过|起)?(?:[，,\s]*没听清楚?|[，,\s]*没听太清)?")

# where the resident read or heard what follows (前两天看报道说…): no part of what is asked
HEARD_THAT = re.compile(r"^(?:前两天|前几天|昨天|之前|上次|最近)?(?:我)?(?:看|看到|看了|听|听说|听人)(?:报道|新闻|报纸|文章|人家|别人)?"
                        r"(?:里|上)?(?:说|讲)(?=[\u4e00-\u9fff]{4,})")
# a question pointing back at the trouble told before it (…有人管这事吗)
POINTS_BACK = re.compile(r"这事|这件事|此事|这个事|这种事|这种情况|这情况|这类|这样的|这些事|这问题|这个问题|这回事|"
                         r"这个?说法|这种说法|这个?做法|这种做法|这个?规矩|这种规矩")
# a clause going on with the question before it (…，是来取经的), and a sentence's end
GOES_ON = re.compile(r"^\s*(?:是|就是|也是|还|而且|并且|又)")
SENTENCE_ENDS = re.compile(r"[。.!！？?]")
BOTH_ASKED = re.compile(r"这两个|那两个|两个社区|这俩|那俩|两家|两边|分别|各自")
# the matter a question is framed in (在老年人服务上，A和B各自的做法)
TOPIC_FRAME = re.compile(r"^(?:在|关于|就|对于|说到|谈到)[\u4e00-\u9fff]{1,12}(?:上|方面|这块|这一块|这方面|领域|问题上)$")


def focus(text: str, kb) -> str:
    """The clauses that ask, with those naming an entity: 打了电话没人接，想问下力邦社区有什么给孩子的项目
    asks about children's programmes, not the phone. Unchanged when every clause or none asks.
    Where the resident read or heard it (我看宁波日报那篇讲当家人的报道) is no part of the question."""
    text = without_asides(kb, text)     # (…是啥，我帮她问问: the remarks after the question)
    text = HEARSAY.sub("", text) if "听" in text else text
    text = HEARD_THAT.sub("", text) if "说" in text else text
    story = after_story(text, kb)
    if story is not None:
        return focus(story, kb)
    parts = [p for p in CLAUSE_ENDS.split(text) if p.strip()]
    if len(parts) < 2 or _number_unknown(text, kb):
        return text
    told = [p for p in parts if not FRAME.match(p.strip())]
    if told and len(told) < len(parts):
        return focus("，".join(told), kb)
    asking = [asks(p) for p in parts]
    # (…出现几次？它有几个品牌在那个名单里: several asks, each answered of what it names; 北京的社区书记
    # election is how? 他们怎么选…: a clause asking in English is asked too)
    if all(asking) or not any(asking) or ENGLISH_ASKS.search(text) or asks_apart(kb, text):
        return text
    said_for = pointed(parts, asking, kb)
    if said_for is not None:
        return said_for
    # (…以前常去赛罕社区老年大学，那个课几点上: kept when nothing else is asked about)
    # (我老伴以前住凌霄社区，我妹妹住都市森林社区，这两个社区的书记分别是哪位: both sides are asked of)
    kept = [i for i, p in enumerate(parts) if asking[i] or BOTH_ASKED.search(text) or not background_only(kb, p)]
    if len(kept) < len(parts) and (any(names(kb, parts[i], ASKED_OF) for i in kept) or
                                   WHICH_COMMUNITY.search(parts[max(i for i, a in enumerate(asking) if a)])):
        return focus("，".join(parts[i] for i in kept), kb)
    # a clause that only tells, before the question (两个小姑娘领唱，唱的是哪首歌), says what is asked
    # about; one that tells with a cue of another question (打了电话没人接) or comes after the
    # question (…有什么活动？我看报道说他们居民来自五湖四海) does not
    last = max(i for i, a in enumerate(asking) if a)
    # (…哪位书记说自己社区很年轻，是来取经的: a clause after a comma going on with what is asked is kept)
    going_on = _going_on(text, parts, last)
    # a question naming its own subject (丹顶鹤社区和凌霄社区…有什么不同) is not about the trouble told
    # before it (我们楼里邻居见面都不打招呼): a clause naming no subject or place is left out then
    # (…两口子三天两头吵架，赛罕社区有人管这事吗: a question pointing back at it is about it)
    # (…试点改老小区的，是深圳湾社区吗: a clause only naming who it might be asks about what was told)
    # (我外婆腿脚不便，家里白天没人…，宁波的社区有吗: a question asking only whether there is help is about it too)
    named = any(a and names(kb, p) and not POINTS_BACK.search(p) and not only_a_guess(kb, p) and
                not asks_only_whether(kb, p) for p, a in zip(parts, asking))
    # (在老年人服务上，A和B各自的做法: the matter the question is framed in is part of it)
    return "，".join(p for i, (p, a) in enumerate(zip(parts, asking))
                    if a or i in going_on or (names(kb, p) or TOPIC_FRAME.match(p.strip()) if named else
                                              kb.understand(p).mentions or (i < last and not kb.understand(p).aspects)))


def _going_on(text: str, parts: list[str], last: int) -> set[int]:
    """The clauses right after the last asking one that go on with it: joined by a comma, not a
    sentence's end, and starting as a continuation (是来取经的), never a remark of its own (我看报道说…)."""
    kept, at = set(), text.find(parts[last]) + len(parts[last])
    for i in range(last + 1, len(parts)):
        start = text.find(parts[i], at)
        if SENTENCE_ENDS.search(text, at, start) or not GOES_ON.match(parts[i]):
            break
        kept.add(i)
        at = start + len(parts[i])
    return kept


def _number_unknown(text: str, kb) -> bool:
    """Whether the message says a number the knowledge lacks (客服热线0755-8882 8155，是不是你们社区的？):
    what the rest asks about, so no clause is left out."""
    return any(any(c.isdigit() for c in said) for said in kb.understand(text).unknown)
