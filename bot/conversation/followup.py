"""Follow-ups, corrections and moves, written out as standalone questions before answering.

The conversation remembers the last answered question in full with the entities it named
(`Topic`). A new message is read against it:
  rebind      我搬到X了 / 我现在住在X / 我住的是X / (哦)说错了，搬到的是X / (after 我住在Y) 说错了，是X  -> 我住在X
  correction  不对/说错了/不是这个，(我问的)是X -> the last question about X; with no entity,
              the rest is asked about the last subject (说错了，我想问老人有多少)
  followup    那X呢 / X呢 -> the last question with X in place of the entity of X's kind;
              它/那里/他 + rest -> the rest about the last programme / community / person;
              a short question naming nothing but asking an aspect or a category (书记呢, 有什么养老服务)
              -> about the last subject (not 哪些社区有…, which asks across communities)
  in one message: 力邦社区书记是哪个？哦说错了，是丹顶鹤社区 / X在哪…不对，我是说Y / 我住X，哦不对，上个月
              搬到Y了，… -> the part before the correction is the last topic of the part after it;
              我原来住X，现在搬到Y了，… -> where the resident lives now (the past home is dropped)
  as_is       anything else, including questions that name their own subject or say 附近.
A short question prefixed with the last subject is only a guess (`guess`): when that reading
finds no answer, the message is answered as it was written."""
from __future__ import annotations

import re
from dataclasses import dataclass

import orjson

from bot.conversation.context import Topic
from bot.conversation.focus import BOTH_ASKED
from bot.conversation.memo import Memo
from knowledge import positions
from knowledge.people import asks_of_quotation, office_head, unknown_name
from knowledge.understand import COMMUNITY_WORDS, HOME_SIDE, NEARBY, Query
from knowledge.text import ASKS, RELATIVES, ROLES, chinese_number, simplified

SUBJECT_KINDS = ("community", "programme", "person", "list")
CORRECTION = re.compile(r"^[哦噢喔啊呃嗯哎唉诶额呀，,\s]*(?:(不对|不是的|我是说|我说的是|我指的是|不是这个|不是这样|错了|说错了|我说错了|"
                        r"我?(?:刚才|刚刚|之前|前面|上面)说错了|我?(?:数|记|看|算)错了|打错了|写错了|搞错了|打错字了|打错字|写错字了|写错字|输错了|更正一下|更正|纠正一下|纠正|手滑了|手滑|手误|口误|讲错了|讲错|说岔了|说岔|(?:此前|之前|刚才|上面)?(?:所述|所说|说的)?有误|(?:不好意思|唔好意思|抱歉|对不起|sorry)(?=[，,\s]*(?:讲错|说错|搞错|记错|打错|写错|弄错|我说的是|我是说|我问的是|我其实|其实))|"
                        r"(?<=[哦噢喔啊呃嗯哎唉诶额])不(?=[，,\s])|不(?=[，,\s]+是)|不是(?=[，,\s]))"
                        r"[啊了呀吧哦，,。.!！：:\s]*)+")
NOT_BUT = re.compile(r"^[哦噢喔啊呃嗯哎唉诶额，,\s]*(?:不是|(?:哎呀|呀)?(?:打成|写成|说成|输成|打的是|写的是)(?=.{1,12}?了?[，,]))"
                     r"(.{1,12}?)了?[，,]?(?:而|应该|其实)?(?:是|我想问|我要问|想问|问的是)(.+)$")    # (哎呀打成学弄了，应该是学苑)
# the excuse said after what was meant (学苑 手滑了, 学苑社区，刚才打错了)
EXCUSE_AFTER = re.compile(r"[，,。\s]*(?:刚才|刚刚)?(?:字|名字)?(?:手滑|手误|口误|打错字?|按错|输错|写错|说错|搞错|看错)了?[啊呀哈。.!！\s]*$")
# (…阳光社区，不是金钟。请问…: what it is not, said after, also before a sentence more)
NOT_AFTER = re.compile(r"[，,\s]+(?:而)?(?:不是|非)[^，,。？?!！]{1,10}(?:[。.!！]+(?=.)|[。.!！]*$)")
# (…大概有多少人,主要是哪几个民族?: a comma before a further ask parts sentences too)
SENTENCE_BREAK = re.compile(r"[？?。！!；;]|(?:[，,]|(?<=[\u4e00-\u9fff])\s+)(?=[^，,\s]*(?:[？?]|吗|呢|什么|啥|哪|谁|几|多少))")
ASKED_HERE = re.compile(r"是不是|吗|么|吧|呢|[？?]|哪|谁|什么|啥")
MEANT = re.compile(r"^(我是说|我说的是|我问的是|我是问|我是想问的是|我是想问|我想问的是|我想问|我想知道|我要问的是|我要问|我指的是|应该是|应为|应是|是问|问的是|想问的是|想问|是|问)")
MOVED = re.compile(r"^(我|俺|我们|我家|我们家)?(上个月|上月|上周|去年|今年|前几天|前阵子|前段时间|最近|已经|刚|刚刚|现在|后来|如今|最后|最终|其实|实际上)*"
                   r"(?:搬了?家?了?[，,\s]*(?:我|我们|我家)?(?:现在|如今|目前)?(?:住在|住)|"   # (刚搬家了，现在住X / 我搬了现在住X)
                   r"搬到的是|搬去的是|搬进的是|搬到|搬去|搬家到|搬进|搬来|搬进了|住的是|现在住在|现在住|住在|新家是|新家在)(了)?")
# (Who is the 书记 of 凌霄社区... sorry no, I mean 丹顶鹤社区: corrected as 不对，我是说 is)
# (…, I mean) at a clause's end is a filler, not a correction: something must follow it
ENGLISH_CORRECTION = re.compile(r"(?i)[\s,.…]*(?:\b(?:sorry|oops|no|wait|actually)\b[\s,.!]*)*\bI\s+mean[t]?\b[\s,:]*"
                                r"(?=[^\s)）?？.。!！,，])")
COURTESY_END = re.compile(r"[，,。.!！\s]*(?:谢谢您?|谢了|多谢|感谢|麻烦(?:你|您)?了|辛苦(?:你|您)?了|thanks|thank you)[啊呀哈啦哦嘛。.!！~～\s]*$",
                          re.IGNORECASE)
# someone or something else moved (学校已经搬到镇海区了): the last question asked of that place, no
# home of the resident's said
OTHER_MOVED = re.compile(rf"^(?:我们|我家|我的|我)?(?:(?:学校|单位|公司|{RELATIVES}|店|门店|工作室)的?){{1,2}}"
                         r"(?:上个月|去年|今年|最近|已经|刚|刚刚|现在|后来)*(?:搬到|搬去|迁到|搬进|换到)了?")
# a correction after a clause of the same message (…不对不对，我是说Y): what precedes is what it corrects
INNER_CORRECTION = re.compile(r"(?:(?:[，,。；;！!？?~～\s—－-]|…+|\.{2,})+|(?<=[\u4e00-\u9fff])(?=不对不对|说错了说错了))"
                              r"(?=[哦噢喔啊呃嗯哎唉诶额]*[，,\s]*(?:(?:不对|不是的|不是这个|说错了|"
                              r"我说错了|打错了|写错了|搞错了|打错字了|写错字了|输错了|错了|更正|纠正|(?<=[哦噢喔啊呃嗯哎唉诶额])不(?=[，,\s])|"
                              r"不是(?=[，,\s]))[啊了呀吧哦]?)+"
                              r"(?:[，,。.!！\s…]|是|我)|[哦噢喔啊呃嗯哎唉诶额]*[，,\s]*不是[^，,。？?]{1,8}[，,]?而?是[^，,。？?]{1,10}(?:[。？?！!\s]*$|[，,](?![^。？?]*[它他她])))")
# (哦不，: a correction; 不 alone is not; …？哦不是X，是Y at the end: one too)
# 我原来住X，现在搬到Y了: the past home is no statement of where the resident lives
PAST_HOME = re.compile(r"^(我|俺|我们|我家)?(原来|原先|以前|之前|本来|过去|早先)(是)?(住在?|在)[^，,。；;！!？?]+[，,。；;]+")
# 它俩, 这两个社区: every community the last question named (海创和福城 … 它俩是同一个街道的吗)
BOTH_PRONOUN = re.compile(r"它们?俩|他们俩|这俩|那俩|这两个社区|那两个社区|这两个|那两个|两个社区|两者|它们")
# 他们 is no one person: their place (他们那), the people the last question named (两位小歌手…她们),
# else what it named (那支腰鼓队…他们有多少人)
PERSON_PRONOUN = re.compile(r"这位书记|这位主任|这位|那位|这个人|此人|[他她](?!们)的?")
PEOPLE_PRONOUN = re.compile(r"[他她]们(?!那|这|所在|的?社区)的?")
PLACE_PRONOUN = re.compile(r"((他们|她们|他|她|它)(的|所在的?)?社区|(他们|她们|他|她)(那里|那儿|那边|那)|那里|那儿|那边|这个社区|该社区|那个社区|"
                           r"那社区|这社区|这个地方|那个地方|(?:它|他们|她们)所在(?:的|地)?)"   # (它所在的口岸: its community's)
                           r"(?!联盟|节|中心|服务|工作)")   # 那个社区联盟 names a list, not the last place
THING_PRONOUN = re.compile(r"它们?的?|这个项目|该项目|那个项目|(?:这个|那个|该)(?:平台|队伍|服务队|工作室|俱乐部|课堂|驿站|站点|模式|机制|体系|工作法|计划)|这里面|那里面|(?<![屋家心手城村楼院店车])(?:里头|里面)|其中")
_STANDS_FOR = {("people",): ("person", "programme", "community"),   # 他们 after what the message names: that
               ("communities",): ("community",)}
# who holds a role somewhere (力邦社区是谁当家？…这位负责人觉得…): 这位 is that holder, not the last person
HOLDER_ASKED = re.compile(rf"谁|当家|{ROLES}")
# one of the programmes the last reply listed, by its place (第二个, 最后那个, 最后一项)
ORDINAL = re.compile(r"第([一二三四五六七八九1-9])(?:个|项|条)|最后(?:一个|那个|那一个|这个|一项|那项)")
TIMES_ASKED = re.compile(r"(?<!好)几[回次遍趟场届]|多少[回次遍趟场届]")
# the last programme said by what it is, at the start (节上都有些啥, 队里有多少人)
HEAD_PRONOUN = re.compile(r"^(?:这个|那个|这|那)?(?:节|文化节|队|队伍|站|中心|馆|工作室|活动|项目|平台|课堂)(?:上|里面|里|中)")
# a kind of thing a programme is (a follow-up naming another kind asks of its community)
THING_KIND = re.compile(r"工作室|服务队|志愿队|队伍|队|服务站|驿站|中心|书屋|馆|俱乐部|平台|学校|学堂|课堂|食堂|大学|议事厅|室|"
                        r"模式|机制|体系|工作法|计划|品牌")
LEAD = re.compile(r"^(那么|那些|这些|那|还有|另外|再问一下|再问|请问)[，,]?")
TAIL = re.compile(r"(的呢|呢|怎么样|咋样|如何)?[？?。.!！~]*$")
SHORT = 18
# the last question asked how many (志愿队有几支, 有多少人): a thing said after it asks the same
COUNT_ASKED = re.compile(r"(?:多少|几)[个支名位家人户项条次种]?[^，,。？?]{0,3}[？?]?$")
# 哪些社区有… asks across communities, 我们社区… about the resident's own: neither is the last subject
OTHER_COMMUNITIES = re.compile(r"(哪|几|多少|那些|我们|咱们?|我家|本)个?些?社区")
# a relative's or friend's home told (我外婆住后大街社区): a need told after it that asks what "the
# community" has, however long, asks of that community (the resident's own home may be elsewhere)
SOMEONE_LIVES = re.compile(rf"^(?:我|我的|我们家?)?(?:{RELATIVES})(?:家)?(?:就|也|现在|一直|目前)?(?:住在|住|在)")
# (read only in a message naming no community: 社区 there is one of the last subject's, or the home's)
COMMUNITY_ASKED = re.compile(r"社区(?=里|那边|那里|有|能|可以|提供|办|搞|组织|给)")
_RESOLVED: Memo[Resolution] = Memo(10000)
_TOPICS: Memo[Topic] = Memo(10000)
_REFERENCES: Memo[tuple] = Memo(10000)


@dataclass(frozen=True, slots=True)
class Resolution:
    question: str
    kind: str = "as_is"        # as_is, followup, correction, rebind
    guess: bool = False        # answer `question`, and the original text if that finds nothing


def resolve(text: str, topic: Topic, kb) -> Resolution:
    """`text` read against the last topic (memoised: a pure function of both and the knowledge)."""
    return _RESOLVED.get((kb,), (text, topic.key()), lambda: _resolve(text, topic, kb))


def _resolve(text: str, topic: Topic, kb) -> Resolution:
    # (啊不對: the patterns below are written simplified; 那江北区的呢？谢谢: the thanks asks nothing)
    t = _without_past_home(COURTESY_END.sub("", simplified(ENGLISH_CORRECTION.sub("，不对，我是说", text.strip()))))
    inner = _inner_correction(t, kb)
    if inner is not None:
        before, after = inner
        said = kb.understand(before)
        return _resolve(after, _topic_of(before, {}, (), said.binds, kb), kb)
    home = _moved_to(t)
    if home:
        return _moved(home, topic, kb)
    elsewhere = _other_moved(t, topic, kb)
    if elsewhere is not None:
        return elsewhere
    rest = _correction(t)
    if rest is not None:
        if not rest:
            return Resolution(t)
        home = _moved_to(rest)
        if home:
            return _moved(home, topic, kb)
        elsewhere = _other_moved(rest, topic, kb)
        if elsewhere is not None:
            return elsewhere
        moved = positions.corrected(topic.question, rest) if topic.question else ""
        if moved:
            return Resolution(moved, "correction")    # 排第3的是哪个 → 我数错了，是第13个
        rest = _name_then_question(_name_first(rest, kb), kb)
        said = kb.understand(rest)
        if said.binds and said.of("community") or topic.bound and said.of("community"):
            # (说错了，我是深圳湾社区的: where the resident lives, said again whatever the last topic;
            # …金钟社区，阳光社区是我老同学住的，我搞混了: what follows, asking nothing, tells of others)
            first = re.split(r"[，,。；;\s]", rest.strip(), maxsplit=1)[0]
            if first != rest.strip() and kb.understand(first).of("community") and not ASKS.search(rest[len(first):]):
                rest = first
            return Resolution(rest if kb.understand(rest).binds else "我住在" + rest, "rebind")
        return _against_topic(rest, topic, kb, "correction") or Resolution(rest, "correction")
    if not topic.question:
        return Resolution(t)
    return _against_topic(t, topic, kb, "followup") or Resolution(t)


WHAT_THERE = re.compile(r"了?(?:那边|那里|那儿|这边|这里)(?:的|又)?(?:呢|怎么样|咋样|如何)?|了?(?:呢|怎么样|咋样|如何)")   # (搬到海创了 那边呢)
ELLIPSIS_END = re.compile(r"[呢？?。！!，,\s]")   # (北仑的呢？ asks nothing of its own)


def _moved(home: str, topic: Topic, kb) -> Resolution:
    """Where the resident says they live now; a district or town said so (不对，我最后搬到的是北仑) names
    no community to remember: the last question is asked of that place instead."""
    said = kb.understand(home)
    # (我住在鄞州，这边有哪些社区: a question of its own, answered as said)
    if not said.of("community") and said.of("place") and topic.question and \
            not ASKS.search(ELLIPSIS_END.sub("", home)):
        place = said.of("place")[0].surface
        return _against_topic(place, topic, kb, "correction") or Resolution(home, "correction")
    named = _home_asked_again(home, kb)
    if named and topic.question:
        # (福城有啥特色 → 我搬到海创了 那边呢: remembered, and the last question asked of the new home)
        again = _against_topic(named, topic, kb, "correction")
        if again is not None:
            return Resolution(f"我住在{named}，{again.question}", "rebind")
    return Resolution("我住在" + home, "rebind")


def _home_asked_again(home: str, kb) -> str:
    """The community a move names when it asks only the same again of it (搬到海创了 那边呢), else ""."""
    lives = kb.understand("住在" + home)     # (a short name is a name after 住在: 搬到海创了)
    named = lives.of("community")
    return named[0].surface if named and WHAT_THERE.fullmatch(lives.text[named[0].end:]) else ""


def _other_moved(t: str, topic: Topic, kb) -> Resolution | None:
    """学校已经搬到镇海区了，那镇海的是哪个: the last question asked of where the school moved; None when
    no one else is said to have moved, or nowhere known."""
    moved = OTHER_MOVED.match(t)
    if moved is None or not topic.question:
        return None
    where = [m for m in kb.understand(t[moved.end():]).mentions if m.kind in ("place", "community")]
    # (as 那镇海的呢 is: every time the last question said the place, the new one instead)
    return _against_topic(where[0].surface, topic, kb, "correction") if where else None


def _name_first(rest: str, kb) -> str:
    """A correction starting with a bare name said as its own clause (我是说学弄，余姚那个。它…): the
    name in full, so what follows it is asked of it (a short name alone is a name; in a sentence
    it may be a word)."""
    first, sep, after = rest.partition("，") if "，" in rest else rest.partition(",")
    if not sep or not first.strip():
        return rest
    alone = [m for m in kb.understand(first).mentions if m.kind == "community" and len(m.ids) == 1]
    if len(alone) != 1 or any(m.kind == "community" for m in kb.understand(rest).mentions):
        return rest
    return kb.community(alone[0].ids[0]).name + sep + after


NAME_SENTENCE = re.compile(r"^\s*(?:是|就是|应该是)?([^。；;\s]{2,16}?)[。；;\s]+(?=\S)")


def _name_then_question(rest: str, kb) -> str:
    """A correction naming the community in a sentence of its own, then asking (是赛罕社区 不是深圳湾。
    养老服务站三位一体是哪三块): one question of that community."""
    found = NAME_SENTENCE.match(rest)
    if found is None:
        return rest
    named = [m for m in kb.understand(found.group(1)).mentions if m.kind == "community" and len(m.ids) == 1]
    after = rest[found.end():]
    if len(named) != 1 or any(m.kind == "community" for m in kb.understand(after).mentions) or not ASKS.search(after):
        return rest
    return kb.community(named[0].ids[0]).name + after


def _without_past_home(t: str) -> str:
    """我原来住X，现在搬到Y了，… without the past home, when the rest says where they live now."""
    past = PAST_HOME.match(t)
    # (…这两个社区的书记分别是谁: the past home is one of the sides asked of)
    return t[past.end():] if past and _moved_to(t[past.end():]) and not BOTH_ASKED.search(t) else t


def _inner_correction(t: str, kb) -> tuple[str, str] | None:
    """(what is corrected, the correction) of a message correcting its own first part, else None.
    The first part must name something (a community, programme, person or list) for the
    correction to replace; 邻居吵架了，不对的地方谁管 corrects nothing."""
    found = INNER_CORRECTION.search(t)
    if found is None or found.start() == 0:
        return None
    before, after = t[:found.start()], t[found.end():]
    if _correction(after) is None or not any(m.kind in SUBJECT_KINDS for m in kb.understand(before).mentions):
        return None
    return before, after


def _moved_to(t: str) -> str:
    """Where 我搬到X了 / 我现在住在X / 我住的是X says the resident lives now ("" if it says no such thing)."""
    moved = MOVED.match(t)
    return t[moved.end():] if moved else ""


def _correction(t: str) -> str | None:
    """What a correction says instead (may be ""), or None when `t` is no correction."""
    m = NOT_BUT.match(t)
    if m:
        return MEANT.sub("", m.group(2).strip("，,。 "))
    m = CORRECTION.match(t)
    if m:   # (说错了，我是深圳湾社区的，不是赛罕: what it is not, said after, is no part of it)
        said = EXCUSE_AFTER.sub("", t[m.end():])
        said = NOT_AFTER.sub(lambda n: "" if n.end() == len(said) else "。", said)
        return MEANT.sub("", said.strip("，,。 "))
    excuse = EXCUSE_AFTER.search(t)
    if excuse and 0 < excuse.start() <= 12 and not ASKED_HERE.search(t[:excuse.start()]):
        return MEANT.sub("", t[:excuse.start()].strip("，,。 "))
    return None


def _references(t: str, kb) -> tuple[Query | None, list[tuple]]:
    """How `t` may refer to the last topic, read from its words alone: the steps `_against_topic`
    tries in order — ("entity", mention) for 那X呢, ("pronoun", match, kinds) for 它/那里/他,
    ("short", body) for 书记呢. No steps: a question of its own, whatever the topic. Memoised: a
    pure function of the text and the knowledge, read on every repeat of a follow-up."""
    return _REFERENCES.get((kb,), t, lambda: _read_references(t, kb))


def _read_references(t: str, kb) -> tuple[Query | None, list[tuple]]:
    q = kb.understand(t)
    # 那边/那里 read as "near me" unless the last subject is what they point at
    if q.binds or (q.nearby and NEARBY.search(PLACE_PRONOUN.sub("", t))) or unknown_name(q) or q.unknown or \
            office_head(t) or asks_of_quotation(t):
        return q, []    # (张伟是谁, 樱花社区呢, 今天天气怎么样, 文明办主任是谁, “X”是谁说的: no follow-up)
    steps: list[tuple] = []
    named = [m for m in q.mentions if m.kind in SUBJECT_KINDS]
    ordinal = ORDINAL.search(q.text)
    if ordinal and not named:   # 最后那个具体优化啥: the last programme the reply listed
        steps.append(("ordinal", ordinal))
    if any(m.how == "quoted" for m in named):
        return q, []    # 这个项目里说的“三有”: the quoted part names the programme meant, whatever 这个 stood for
    if named:       # 那X呢: the message is only an entity: the last question about it
        m = named[0]
        if not TAIL.sub("", LEAD.sub("", _around(q, m, kb))).strip("的"):
            steps.append(("entity", m))
    for pronoun, kinds in ((BOTH_PRONOUN, ("communities",)), (PLACE_PRONOUN, ("community",)),
                           (PERSON_PRONOUN, ("person",)), (PEOPLE_PRONOUN, ("people",)),
                           (THING_PRONOUN, ("programme", "community")), (HEAD_PRONOUN, ("programme",))):
        found = pronoun.search(q.text)
        if found and kinds == ("community",) and any(m.kind == "place" and m.end == found.start() for m in q.mentions):
            continue    # 鄞州那边: the place said with it
        # 他认为品质社区主要看什么: the pronoun stands for the last subject, whatever else is named;
        # 学弄社区和虞波社区…它们的荣誉: for what the message itself named before it
        if found and not any(m.kind in _STANDS_FOR.get(kinds, kinds) and m.end <= found.start() for m in named) and \
                not (kinds == ("person",) and _asks_holder_before(q.text, found.start(), named)):
            steps.append(("pronoun", found, kinds))
    if named:
        return q, steps     # else a question of its own about what it names
    places = q.of("place")  # …宁海县的是哪个？不对，我想问象山的: the last question about that place
    after = HOME_SIDE.sub("", q.text[places[0].end:], count=1) if places else ""   # (鄞州那边呢)
    if places and not TAIL.sub("", LEAD.sub("", q.text[:places[0].start] + after)).strip("的"):
        return q, [("entity", places[0])]
    if places:          # 余姚有什么养老服务: a question of its own about the place it names, unless
        return q, steps  # a pronoun stands for the last subject (它位置在镇海哪个街道)
    body = TAIL.sub("", LEAD.sub("", q.text))
    # an aspect, a category, or the 呢 of an elliptical question (那工作目标呢)
    ending = t.rstrip("？?。.!！~")
    # (那工作目标呢, 后面还有啥活动没, 拿了几回; not 明天会下雨吗: nothing a community holds is asked)
    asks_something = bool(q.aspects - {"which"}) or bool(q.of("category")) or bool(TIMES_ASKED.search(body)) or \
        ending.endswith("呢") or ending.endswith(("没", "没有", "吗")) and bool(COMMUNITY_WORDS.search(body)) or \
        bool(LEAD.match(q.text)) and bool(ASKS.search(body))   # (那…小广场怎么来的: 那 goes on about the last subject)
    # (是哪个街道的, 主要是哪几个民族 ask of the last subject; 哪个社区有… asks across communities)
    if body and len(body) <= SHORT and asks_something and not OTHER_COMMUNITIES.search(body):
        steps.append(("short", body))
    elif (said := COMMUNITY_ASKED.search(q.text)) and q.of("category") and not OTHER_COMMUNITIES.search(q.text):
        steps.append(("their_community", said))   # (我外婆住X → 她不想做饭…社区有啥服务: X's)
    return q, steps


def _own_places(q: Query, m, kb) -> list:
    """The places said before community mention `m` that say where it is (锦屏街道阳光社区: 锦屏街道
    tells which 阳光社区; it asks nothing of its own)."""
    if m.kind != "community":
        return []
    homes = [c for c in map(kb.community, m.ids) if c is not None]
    return [p for p in q.of("place") if p.end <= m.start and
            any(set(p.ids) <= {c.province, c.city, c.county, c.street} for c in homes)]


def _around(q: Query, m, kb) -> str:
    """The text of `q` besides mention `m` and the places saying where it is."""
    spans = [(m.start, m.end)] + [(p.start, p.end) for p in _own_places(q, m, kb)]
    return "".join(ch for i, ch in enumerate(q.text) if not any(a <= i < b for a, b in spans))


def _asks_holder_before(text: str, at: int, named: list) -> bool:
    return any(m.kind in ("community", "programme") and m.end <= at for m in named) and \
        HOLDER_ASKED.search(text, 0, at) is not None


def _topic_steps(text: str, kb) -> list[tuple] | None:
    """The steps reading `text` takes against the last topic ([]: none, the topic is not read);
    None when it reads the whole last question (a correction)."""
    t = _without_past_home(text.strip())
    if _moved_to(t):
        return None   # a move asks the last question again when it was about the home left (handlers/ask.py)
    if _inner_correction(t, kb):
        return []     # corrects itself: read alone
    if _correction(t) is not None:
        return None
    return _references(t, kb)[1]


def names_by_place(text: str, kb) -> bool:
    """Whether `text` names something the last reply listed by its place (第二个, 最后那个)."""
    return ORDINAL.search(kb.understand(text).text) is not None


def reads_topic(text: str, kb) -> bool:
    """Whether reading `text` can depend on the last topic (else its answer is the same after any)."""
    return _topic_steps(text, kb) != []


def is_move(text: str, kb) -> bool:
    """Whether `text` says where the resident lives now (我搬到X了…) and is read without the last topic,
    which only a move asking nothing of its own, or the same again (那边呢), reads."""
    home = _moved_to(_without_past_home(text.strip()))
    return bool(home) and not _home_asked_again(home, kb)


def topic_view(text: str, topic: Topic, kb) -> tuple:
    """The part of `topic` that reading `text` uses, step by step as `_against_topic` reads it: the
    last subject's name when the message only stands in for it (它/那里/书记呢); for 那X呢 the last
    question around its mention of X's kind (nothing when it has none: then X is asked alone);
    a correction reads the whole topic. Two topics with the same view give `text` the same reading."""
    steps = _topic_steps(text, kb)
    if steps is None:
        return topic.key()
    return (bool(topic.question), *(_step_view(step, topic, kb) for step in steps))


def _step_view(step: tuple, topic: Topic, kb) -> tuple | str | None:
    """What one step reads of the topic: for 那X呢 the last question around its mention of X's kind
    (None when it has none), for 网格员呢 the last subject's name and the count the last question
    asked, else the last subject's name ("" when there is none). `_against_topic` reads the topic
    through this alone, so a view is exactly what a reading depends on."""
    if step[0] == "short":
        name = _short_subject(step, topic, kb)
        # (赛罕社区志愿队有几支 → 那网格员呢: how many of them, asked again)
        counted = COUNT_ASKED.search(topic.question) is not None and not ASKS.search(step[1])
        return (name, "有多少" if counted else "") if name else name
    if step[0] == "their_community":
        return _subject_name(topic, ("community",), kb) if SOMEONE_LIVES.match(topic.question) else None
    if step[0] == "entity":
        old = topic.entity(step[1].kind)
        if old is None or old[2] < 0:
            return None
        # the question around every mention of that one (…住北仑，…二十强里北仑区有哪些 → 那江北区的呢)
        spans = sorted((m[2], m[3]) for m in topic.mentions if m[0] == old[0] and m[1] == old[1] and m[2] >= 0)
        cuts = [0, *(x for span in spans for x in span), len(topic.question)]
        return tuple(topic.question[cuts[i]:cuts[i + 1]] for i in range(0, len(cuts), 2))
    if step[0] == "ordinal":
        listed = topic.listed()
        n = chinese_number(step[1].group(1)) if step[1].group(1) else len(listed)
        return _name_of("programme", listed[n - 1], kb) if 0 < n <= len(listed) else None
    if step[0] == "pronoun" and step[2] == ("people",):
        counted = _people_counted(topic, kb)
        if counted:
            return counted      # 60岁以上的老人有多少 → 社区针对他们打造了什么品牌: those people, there
        m = topic.entity("programme")
        asked = THING_KIND.search(step[1].string, step[1].end())
        if m is not None and m[1] in kb.model.programmes and asked and \
                not _is_kind(kb.model.programmes[m[1]], asked.group(0)):
            # 新火聚治理模式… → 他们的党建品牌叫啥: a thing of another kind is their community's
            return kb.community(kb.model.programmes[m[1]].community_id).name
    if step[0] == "pronoun" and not _kind_fits(step[1].group(0), topic, kb):
        return None     # 那个工作室 after 老年大学: another thing of its community (the short step reads it)
    if step[0] == "pronoun" and topic.entity("programme") is None:
        listed = _listed_of_kind(step[1].group(0), topic, kb)
        if listed:
            return listed   # 这个平台 after a reply listing one platform: that one
    return _subject_name(topic, step[2] if step[0] == "pronoun" else ("community", "programme", "person"), kb)


def _people_counted(topic: Topic, kb) -> str:
    """The kind of people the last question counted, with its community (深圳湾社区的老人), when it
    counted people of a kind the services are for; "" otherwise."""
    if not COUNT_ASKED.search(topic.question):
        return ""
    asked = kb.understand(topic.question)
    kinds, place = asked.of("category"), topic.entity("community")
    if not kinds or place is None:
        return ""
    return _name_of("community", place[1], kb) + "的" + asked.text[kinds[0].start:kinds[0].end]


def _short_subject(step: tuple, topic: Topic, kb) -> str:
    m = topic.entity("community", "programme", "person")
    if m is not None and m[0] == "programme" and m[1] in kb.model.programmes:
        programme = kb.model.programmes[m[1]]
        said = THING_KIND.search(step[1])
        # (O2O是什么 → 孩子作业没人辅导 社区有托管吗: what its community has)
        if said and not _is_kind(programme, said.group(0), with_kind=False) or COMMUNITY_ASKED.search(step[1]):
            # 老年大学… → 做手工那个工作室叫啥: another thing of the programme's community
            return kb.community(programme.community_id).name
    return _subject_name(topic, ("community", "programme", "person"), kb)


def _is_kind(programme, word: str, with_kind: bool = True) -> bool:
    """Whether `programme` is a thing of the kind `word` names (平台, 工作室), by its names (and kind)."""
    return word in programme.name + programme.full_name + (programme.kind or "" if with_kind else "")


def _listed_of_kind(said: str, topic: Topic, kb) -> str:
    """The name of the one programme of the kind a pronoun names (这个平台, 这个模式) that the last
    reply listed."""
    kind = THING_KIND.search(said)
    if kind is None:
        return ""
    listed = [kb.model.programmes[pid] for pid in topic.listed() if pid in kb.model.programmes]
    of_kind = [p for p in listed if _is_kind(p, kind.group(0))]
    return of_kind[0].name if len(of_kind) == 1 else ""


def _kind_fits(said: str, topic: Topic, kb) -> bool:
    """Whether a pronoun naming a kind of thing (这个平台, 那个工作室) can stand for the last programme."""
    kind = THING_KIND.search(said)
    m = topic.entity("programme")
    if kind is None or m is None or m[1] not in kb.model.programmes:
        return True
    return _is_kind(kb.model.programmes[m[1]], kind.group(0))


def _against_topic(t: str, topic: Topic, kb, kind: str) -> Resolution | None:
    if not topic.question:
        return None
    q, steps = _references(t, kb)
    if kind == "correction" and not steps and not any(m.kind in SUBJECT_KINDS for m in q.mentions) and \
            0 < len(body := TAIL.sub("", LEAD.sub("", q.text))) <= SHORT:
        steps = [("short", body)]   # 不是，问网格员: the thing asked corrected, of the same subject
    for step in steps:
        read = _step_view(step, topic, kb)
        if not read:
            continue
        if step[0] == "entity":
            m = step[1]
            own = _own_places(q, m, kb)     # kept with the name they qualify (锦屏街道阳光社区)
            said = q.text[own[0].start:m.end] if own else _full_name(m, kb) or q.text[m.start:m.end]
            return Resolution(said.join(read), kind)
        if step[0] == "their_community":
            found = step[1]
            return Resolution(q.text[:found.start()] + read + q.text[found.end():], kind, guess=True)
        if step[0] in ("pronoun", "ordinal"):
            found = step[1]
            raw = simplified(t).strip()
            if SENTENCE_BREAK.search(raw.rstrip("？?。！! ")) and raw.count(found.group(0)) == 1:
                # (那她们社区是什么年代建成的？有没有议事平台？: its sentences kept apart, each asked)
                return Resolution(raw.replace(found.group(0), read, 1), kind)
            return Resolution(q.text[:found.start()] + read + q.text[found.end():], kind)
        name, again = read
        raw = LEAD.sub("", simplified(t).strip())
        if step[0] == "short" and not again and SENTENCE_BREAK.search(raw.rstrip("？?。！! ")):
            # (我们那理念是啥 上班制度啥样: its asks kept apart, each asked of the last subject)
            return Resolution(name + raw, kind, guess=kind == "followup")
        return Resolution(name + step[1] + again, kind, guess=kind == "followup")
    return None


def _full_name(mention, kb) -> str:
    """The full name of a mention said short (福城 -> 福城社区): a bare name read alone is
    recognised, but set into the last question it may not be (福城啥情况)."""
    return _name_of(mention.kind, mention.ids[0], kb) if len(mention.ids) == 1 and mention.kind in ("community", "programme") else ""


def _name_of(kind: str, entity_id: str, kb) -> str:
    """The name a community or programme is known by; a person's id is their name."""
    if kind == "community":
        c = kb.community(entity_id)
        return c.name if c else ""
    if kind == "programme":
        p = kb.model.programmes.get(entity_id)
        return p.name if p else ""
    person = kb.model.people.get(entity_id)   # (the answer's people are kept by name, the question's by id)
    return person.name if person else entity_id


def _subject_name(topic: Topic, kinds: tuple[str, ...], kb) -> str:
    if kinds == ("people",):
        kinds = ("person",) if sum(m[0] == "person" for m in topic.mentions) >= 2 else ("programme", "community")
    if kinds == ("communities",):
        names = list(dict.fromkeys(_name_of("community", m[1], kb) for m in topic.mentions if m[0] == "community"))
        return "和".join(names) if len(names) >= 2 else ""
    m = topic.entity(*kinds)
    communities = [x for x in topic.mentions if x[0] == "community"]
    if m is not None and m[0] == "community" and len({x[1] for x in communities}) >= 2:
        m = communities[-1]   # 它 after several communities (赛罕那边…，力邦社区有多少…？): the one said last
    if m is None and "community" in kinds:    # the community of the programme or person last named
        programme, person = topic.entity("programme"), topic.entity("person")
        if programme is not None and programme[1] in kb.model.programmes:
            return kb.community(kb.model.programmes[programme[1]].community_id).name
        if person is not None:      # (孟佳寅什么职务 → 那个社区组建了哪些队伍)
            home = next((p.community_id for p in kb.model.people.values() if person[1] in (p.id, p.name)), "")
            return _name_of("community", home, kb) if home else ""
    return _name_of(m[0], m[1], kb) if m is not None else ""


def topic_of(question: str, entities_json: str, people: tuple[str, ...], bound: bool, kb,
             listed: tuple[str, ...] = ()) -> Topic:
    """The Topic an answered question leaves: its entities (ambiguous mentions take the one the
    answer was about), the people the answer named (for 他) and the programmes it listed (for 第二个).
    Topics are shared, never changed."""
    return _TOPICS.get((kb,), (question, entities_json, people, bound, listed),
                       lambda: _topic_of(question, orjson.loads(entities_json), people, bound, kb, listed))


def _topic_of(question: str, entities: dict, people: tuple[str, ...], bound: bool, kb,
              listed: tuple[str, ...] = ()) -> Topic:
    q = kb.understand(question)
    mentions = []
    for m in q.mentions:
        if m.kind not in SUBJECT_KINDS and m.kind != "place":   # (a place only for 那X呢 of a place)
            continue
        ids = m.ids if len(m.ids) == 1 else [i for i in m.ids if i in entities.get(m.kind, ())]
        if ids:
            mentions.append([m.kind, ids[0], m.start, m.end])
    for kind in ("community", "programme"):
        if not any(x[0] == kind for x in mentions) and entities.get(kind):
            mentions.append([kind, entities[kind][0], -1, -1])
    mentions += [["person", name, -1, -1] for name in people[:2]]    # (two: 她们 after two girls)
    mentions += [["listed", pid, -1, -1] for pid in listed]
    return Topic(q.text, mentions, bound)
