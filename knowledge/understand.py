"""What a question asks: recognised entities plus the cues that say which aspect is wanted.

Cue words are grouped by aspect (where, who, phone, honours, numbers, when, which community,
nearby, binding "I live in ..."). They are data about Chinese questions, not about any one
question; adding a phrasing means adding a cue word here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from knowledge.english import read
from knowledge.matcher import EntityIndex, Mention
from knowledge.text import ASKS, CLAUSE_ENDS, MOBILE, ROLES, bigrams, compact
from knowledge.unknown import CLAUSE_BREAKS, unknown_names

# 都在搞智慧社区吗: 在 + a verb says what they are doing, not where they are (several.py too)
_NOT_DOING = r"(?!搞|做|开展|推进|推行|建设|办|弄|抓|实行|实施|打造|探索|创建|发展|进行|组织)"
ASPECTS = {
    "location": r"在哪(?!一?[次届批年天轮期])|哪里|哪儿|什么地方|位置|地址|地点|门牌|哪栋|哪幢|几号楼|几栋|哪个街道|(?:什么|啥)(?:街道|区|县|市|镇|旗)(?!域|长|里|别|分|间|划|袍)|哪条街|哪个区|哪个县|哪个市|哪个城市|哪个镇|哪个省|属于哪|位于|怎么走|在什么(?!范围|区间|水平|档次|程度|数)|"
                rf"(?:是不是|是否|都)(?:在|属于){_NOT_DOING}[^，,。？?]{{1,8}}(?:区|县|市|街道|镇|旗|吗|嘛|么)|"
                rf"(?:是不是|是否)都?(?:在|属于){_NOT_DOING}|(?:是否|是不是|都)?同(?:属|在)(?:一个|同一)?(?:区|县|市|街道|镇|旗)",
    "phone": rf"电话|{MOBILE}|号码|联系方式|热线|怎么联系|微信号|联系他|联系她",
    "contact": r"书记|主任|负责人|当家人|是谁|谁(?:在|来)?(?:带|领|负责|管事|牵头|主持)|谁在做|叫什么名|叫啥名|队长|联系人|(?<!当)(?<!当个)(?<!个小)(?<!是)(?<!做)(?<!过)领导",
    "honour": r"荣誉|称号|名气|出名在|因为?什么出名|以什么出名|哪一?[次届批](?:评选)?(?:里|中)?(?:上榜|评上|入选)|上(?:过|了)?的?(?:什么|哪个|哪些|啥)榜|上过榜|获得过|获得了|获过|得过|获奖|奖项|评为|评上|级别|(?:什么|啥|哪些|哪个)[\u4e00-\u9fff]{0,5}?奖(?!金|励)|大奖|(?:拿过|拿了|得了).{0,8}?奖(?!金|励)|表彰",
    # 哪几个 asks which ones, not how many
    "figure": r"多少|多不多|(?<!哪)(?<!好)(?<![那这列举])几(?:个|名|家|项|支|位|人|次|级|种|类|年|成|大类|强)|多大|大不大|规模|面积|人口|百分之|比例",
    "time": r"什么时候|啥时候|哪年|哪一年|何时|几几年|什么年代|啥年代|哪个年代|建于|成立于|多久|时间|"
            r"几月|哪个月|哪一?天|几号(?![楼线门院车房])|几日|什么日子|啥日子|日期",
    "which": r"哪(?:个|些|一个|家)(?:宁波|深圳|内蒙古?|[\u4e00-\u9fff]{1,3}[区市县镇旗])?的?社区|是哪(?!一?天|个月)|哪里的|哪个村|谁家|属于哪",
    "what": r"是什么|什么意思|指什么|指的是|介绍|干什么|做什么|怎么样|是啥(?!时候|年代)|啥意思|包括",
    "list": r"有哪些|都有哪|哪几个|哪几|名单|都有谁|有几个|包括哪",
    "rank": r"第几(?!届|批|轮|期)|排名|排第|名次|排在",    # 第几届 asks which round (a list), not a place in one
    # who lives there: 居民是些什么人, 住的主要是, 人群有什么特点, 居民构成
    "residents": r"什么人|哪些人|哪里人|啥人|住的人|住的[^，,。？?]{0,3}?(都|主要|大多|多)是|住着|(居民|人口|人员|人群)的?(构成|结构|组成|来源|特点)|"
                 r"人群|居民(都|主要|大多|多)是|居民[^，,。？?]{0,4}?(特别|特殊)|(特别|特殊)[^，,。？?]{0,4}?居民|"
                 r"年龄层|年龄段|居民[^，,。？?]{0,3}?以(什么|哪)",
}
_ASPECT_RE = {k: re.compile(v) for k, v in ASPECTS.items()}
EVENT_PLACE = re.compile(r"(?:去|到)?(?:哪儿|哪里|哪)(?:个地方|个国家)?(?:演出|表演|演|办|举办|举行|比赛|参赛|交流|访问)|"
                         r"(?:演出|表演|举办|举行)(?:的|了)?(?:地点|地方)?(?:是|在)(?:哪|什么地方)")
ROUND = re.compile(r"首届|首批|第[一二三四五六七八九十\d]{1,2}[届批]")
ROUNDS_PAIRED = re.compile(rf"({ROUND.pattern})(和|与|跟|及|还有)(?={ROUND.pattern})")
ROUND_JOINED = re.compile(rf"(和|与|跟|及|还有)({ROUND.pattern})")


def _shared_tail(text: str, index: EntityIndex) -> str:
    """首届和第二届品质社区 is 首届品质社区和第二届品质社区: two rounds of one list said once."""
    if "届" not in text and "批" not in text:
        return text
    text = _round_after_name(text, index)
    paired = ROUNDS_PAIRED.search(text)
    if paired is None:
        return _tail_after_second(text, index)
    after = paired.end()
    names = [s for s in index.list_names if text.startswith(s, after)]
    second = ROUND.match(text, after)
    if not names or second is None:
        return text
    tail = max(names, key=len)[second.end() - after:]
    return text[:paired.end(1)] + tail + text[paired.end(1):]


def _round_after_name(text: str, index: EntityIndex) -> str:
    """品质社区首批评了几个 is 首批品质社区评了几个: a round said after a list's name is the round of it."""
    for said in ROUND.finditer(text):
        before = text[:said.start()]
        bare = before[:-1] if before.endswith("的") else before
        names = [s for s in index.list_names if bare.endswith(s) and said.group(0) + s in index.list_names]
        if names:
            name = max(names, key=len)
            return bare[:-len(name)] + said.group(0) + name + text[said.end():]
    return text


def _tail_after_second(text: str, index: EntityIndex) -> str:
    """第一届品质社区和第二届比 is 第一届品质社区和第二届品质社区: the second round borrows the first's name."""
    for first in ROUND.finditer(text):
        names = [s for s in index.list_names if text.startswith(s, first.start()) and len(s) > first.end() - first.start()]
        if not names:
            continue
        name = max(names, key=len)
        joined = ROUND_JOINED.match(text, first.start() + len(name))
        if joined is None or any(text.startswith(s, joined.start(2)) and len(s) > len(joined.group(2))
                                 for s in index.list_names):
            continue
        tail = name[first.end() - first.start():]
        return text[:joined.end()] + tail + text[joined.end():]
    return text


# the name of a place, team or event is asked (议事厅叫什么名字), not a person's
THING_NAMED = re.compile(r"(?:厅|室|站|队|团|馆|中心|项目|活动|服务|计划|行动|工程|品牌|平台|组织|协会|俱乐部|学校|学堂|课|班|节目|"
                         r"歌|书|店|街区|空间|驿站|之家|园|基地|工作法|模式|机构|机制|渠道|载体|阵地|地方|场所|做法|办法|举措|经验|品牌项目)"
                         r"的?(?:它|这个|那个)?(?:名字)?(?:叫什么|叫啥|是什么名|是啥名)")
# ...or said right after a kind of thing the knowledge knows (读书会叫啥名字: 读书会 is a category)
NAME_AFTER = re.compile(r"的?(?:名字|名称)?(?:叫什么|叫啥|是什么名|是啥名)")
ROLE_SAID = re.compile(rf"{ROLES}|联系人|领导|是谁|哪位")


FOREIGN_WORDS, FOREIGN_SHARE = 3, 0.75   # English words the knowledge has none for, and their share: nothing to answer
NOT_THIS = re.compile(r"[（(](?:不是|并非|而不是|别和|别跟|不要和|不要跟|别搞混)[^（()）]{1,20}[）)]|"
                      r"[（(][^（()）]{0,20}?\bnot\b[^（()）]{1,20}[）)]|"           # (cheng dong, not dong cheng)
                      r"[，,\s]*(?:别|不要|可别|千万别)(?:跟|和|与|同)[^，,。？?\s]{1,12}?(?:搞混|弄混|混淆|搞错|弄错|混)了?")   # 别跟深圳湾搞混了
QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,12})[”\"」』]")
# how something is done (什么做法, 按什么模式, 怎么搞的): not who does it, and (engine) beside what a programme is
PRACTICE = re.compile(r"(?:什么|啥|哪些|哪种)(?:特别|特色|创新|新|样)?的?(?:做法|办法|制度|机制|经验|模式|举措|措施|特点|思路|方式)|"
                      r"怎么(?:做|管|干|抓|搞|弄|运作|运转)|(?:服务|工作)?(?:理念|宗旨|口号)")
WHO = re.compile(r"谁|叫什么|叫啥|名字|哪位|姓什么|是哪个")
# which area a community is in (哪个区, 哪个街道), and with its other words where it is
WHICH_AREA = re.compile(r"哪个(?:区|县|市|街道|镇|省|旗)|哪个区县|哪一个区")
PLACE_OF_COMMUNITY = re.compile(rf"{WHICH_AREA.pattern}|位于|地址|怎么走|在哪儿?里?$")
NEARBY = re.compile(r"附近|周边|周围|这边|这里(?!面|头)|我们这(?![种样个些么])|我们社区|你们社区|咱们|咱社区|我这(?![种样个些么])|家门口|(?:你们|您们|咱们?|我们)那边|身边|本社区|我们小区|我家附近|离我|我的社区|我家社区")
BIND = re.compile(r"(^住在|^住|我住在|我住|俺住在|俺住|住在|我家在|俺家在|家住|我是|俺是|我们是|我来自|我在|我搬到|搬到了|搬到|搬去了|搬去|"
                  r"(说错了|搞错了|弄错了|不对|错了)是|(搬到|搬去|搬进|搬来|住)的(是|在)|新家(是|在))$")
BESIDES = re.compile(r"除了(.{2,24}?)(?:以外|之外)?[，,]?(?=还|另外|别的|其他|其它)|"
                     r"以(.{2,16}?)为主打?(?:品牌|阵地|项目)?[，,]?(?=.{0,8}?(?:还有|另外|别的|其他|其它|辅助))")   # (以童梦俱乐部为主打，辅助的还有哪些)
EXAMPLES = re.compile(r"(?:像|比如|例如|诸如)(.{2,30}?)(?:这样|这种|这类|这些|那样|那些|之类|等等|等)")
# the home said after its name (金钟社区是我家, 丹顶鹤社区，我住这)
HOME_AFTER = re.compile(r"[，,\s]*(?:就是|是)?(?:我家|我们家|俺家)(?:了|啊|呀)?$|[，,\s]*(?:我|俺)(?:就|家)?住(?:在)?(?:这|这里|这儿)(?:了|啊|呀)?$")
HOME_SIDE = re.compile(r"^(?:这边|那边|这里|那里|这儿|那儿|这块|那块|一带)")
JOINED = re.compile(r"和|与|跟|及|或者|或|还是|、")
# when they came (我住在水岸心境 刚搬过来的): told, nothing asked
MOVED_IN = re.compile(r"(?:刚|才|新|最近|上个月|去年|今年)?(?:搬|搬来|搬过来|搬进来|搬家)(?:来|过来|进来)?")
MY_HOME = re.compile(r"(?:我|俺)们?家(?:就|是)?")
HOME_END = re.compile(r"的?[啊呀哦哈]?")
SELF = re.compile(r"(我|俺|咱|本人)(们)?(家|小区|户口|一家)?(就|也|现在|一直|其实|实际上|本来)?(住在|住|在|是|属于|归|来自|搬到|搬进|搬来|落户)")
ONLY_PLACES_LEFT = re.compile(r"^[的那这个边里归属于在]*$")   # (锦屏街道那个阳光社区)
STOP = re.compile(r"社区|出名|有名|知名|著名|有什么|有哪些|什么|哪些|是谁|叫什么|多少|是什么|吗|呢|的|了|哪个|一下|有没有|请问|俺们|俺|咱们|咱|我们|我|"
                  r"这边|那边|附近|是|有|在|啥|么|怎么样|个|名|家|一|不|吧|呀|想|知道|请|告诉|可以|能|"
                  r"他们|她们|它们|他|她|它|听说|据说|听人说|听闻|有些|一系列|那天|当天|那次|这次|那回|当时|"
                  r"可否告知|可否|告知|敢问|烦请|请教|之中|当中|那个|这个")
# (pronouns, hearsay, 都有些啥, 那天: no content)


@dataclass
class Query:
    text: str                                   # compacted question
    mentions: list[Mention]
    aspects: set[str]
    nearby: bool
    binds: bool                                 # "I live in <community>"
    unknown: list[str] = field(default_factory=list)   # places, communities, rounds and matters the knowledge lacks
    besides_phone: str = ""                     # another clause that asks, beside one asking the phone
    excluded: list[str] = field(default_factory=list)   # programmes and lists said to be known already (除了X，还有…)

    def of(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def ids(self, kind: str) -> list[str]:
        """Ids of one kind in the order said; of several needs, the one said as wanted first (人生地不熟
        想找个零活干: work before neighbours)."""
        cache = self.__dict__.setdefault("_ids", {})
        if kind not in cache:
            said = self.of(kind)
            if kind == "category" and len(said) > 1:
                said = sorted(said, key=lambda m: not WANTED.search(self.text, max(0, m.start - WANTED_REACH), m.start))
            cache[kind] = list(dict.fromkeys(i for m in said for i in m.ids))
        return cache[kind]

    @cached_property
    def residual(self) -> str:
        """The question without its entities and function words: what it is about."""
        text = self.text
        for m in sorted(self.mentions, key=lambda m: -m.start):
            if m.kind in ("community", "place"):
                text = text[:m.start] + " " + text[m.end:]
        return STOP.sub(" ", text)

    @cached_property
    def residual_bigrams(self) -> set[str]:
        return {g for part in self.residual.split() for g in bigrams(part) if len(g) == 2}

    @property
    def content_left(self) -> bool:
        """Anything asked beyond naming a community (used to tell "泰和社区" from a question)."""
        if self.aspects or self.nearby or any(m.kind not in ("community", "place") and not MOVED_IN.fullmatch(m.surface)
                                              for m in self.mentions):
            return True
        rest = self.residual.replace(" ", "")
        rest = re.sub(MOVED_IN.pattern + r"|住|居民|家|老人|人|区|吧|的|啊|哦|嗯|对|好|就是|那|这|里|了", "", rest)
        return len(rest) >= 2


def _says_lives_in(text: str, first: Mention, mentions: list[Mention]) -> bool:
    """`我住在X`, and the looser ways of saying it: 我家是X的, 我们小区属于余姚的X, 我户口在镇海招宝山的X,
    本人住南山X那边: a first-person statement whose only words before the community are places."""
    prefix = text[:first.start]
    joined = JOINED.match(text, first.end)
    if joined and any(m.kind == "community" and m.start == joined.end() for m in mentions):
        return False   # 我在清风社区和广贤社区之间挑房子: two communities weighed, no home said
    if BIND.search(prefix) or HOME_AFTER.match(text, first.end) or \
            MY_HOME.fullmatch(prefix) and HOME_END.fullmatch(text[first.end:]):    # (我家清风社区的)
        return True
    said = None
    for said in SELF.finditer(prefix):
        pass                      # the last statement before the community
    if said is None:
        return False
    rest = prefix[said.end():]
    for p in sorted((m for m in mentions if m.kind == "place" and m.start >= said.end() and m.end <= first.start),
                    key=lambda m: -m.start):
        rest = rest[:p.start - said.end()] + rest[p.end - said.end():]
    return bool(ONLY_PLACES_LEFT.match(rest))


# what residents ask of their community in general words (附近有什么活动, 我们社区有多少人)
COMMUNITY_WORDS = re.compile(r"社区|小区|活动|服务|项目|通知|公告|书记|主任|志愿|设施|中心|队伍|居民|人口|邻居|党员|楼栋")


def asks_of_a_community(q: Query) -> bool:
    """Whether a question asks what a community's knowledge holds: a service, a programme, its
    people, honours or lists, or its activities (附近租房多少钱, 比特币多少钱 do not)."""
    return bool(q.ids("category") or q.ids("programme") or q.ids("list") or
                q.aspects & {"contact", "phone", "honour", "residents", "rank", "list", "time"} or
                COMMUNITY_WORDS.search(q.text))


PLACE_SIDE = ("这边", "这里")
WHICH_COMMUNITY_ASKED = re.compile(r"(?:哪家|哪个|哪些|哪几个|什么)社区")
ROLE_NAMED = re.compile(rf"(?:{ROLES})(?:是|叫|姓)")
LATER_ASK = re.compile(r"有没有|吗|什么|哪|怎么|啥")
SOME = re.compile(r"有好?几(?:个|位|名|家|户)[\u4e00-\u9fff]{1,4}?(?=每天|每周|天天|经常|常常|都要|都在|要|会|想|在)")
# times told of oneself (跟邻居吵了几次架，我去了好几趟): no count asked when a question follows
TOLD_TIMES = re.compile(r"(?:我|俺|跟|和|同)[\u4e00-\u9fff]{0,6}?了(?:好)?几(?:次|回|趟|遍)")
WANTED = re.compile(r"(?:想|要|希望|需要|打算)[^，,。？?\s]*$")
WANTED_REACH = 6


def understand(question: str, index: EntityIndex) -> Query:
    question = NOT_THIS.sub("", question)   # 城东社区（不是东城社区）, …别跟深圳湾搞混了: the name set aside is not asked about
    translated, foreign, said_words = read(question, index.pinyin_names, index.pinyin_words)
    text = compact(translated)
    text = _shared_tail(text, index)
    mentions = index.recognise(text)
    for span in QUOTED.findall(question):   # 那个“三有”是啥: a quoted part of a programme's name
        m = index.quoted(text, compact(span))
        if m is not None and not any(o.start < m.end and m.start < o.end for o in mentions):
            mentions.append(m)
            mentions.sort(key=lambda x: x.start)
    excluded: list[str] = []
    besides = BESIDES.search(text)
    if besides:
        # 除了那个童梦俱乐部，还有啥地方…: what is named there is what the resident knows already
        # (除了进20强的那几个，鄞州区还有哪些社区: a list's members are known already)
        inside = [m for m in mentions if m.kind in ("programme", "list") and besides.start() <= m.start < besides.end()]
        excluded = [i for m in inside for i in m.ids]
        mentions = [m for m in mentions if m not in inside]
    examples = EXAMPLES.search(text)
    if examples and _ASPECT_RE["figure"].search(text[examples.end():]):
        # 像居之馨、老友助老这样的服务项目总共多少项: the programmes named are examples of what is counted
        mentions = [m for m in mentions if not (m.kind == "programme" and examples.start() <= m.start < examples.end())]
    aspects = {name for name, rx in _ASPECT_RE.items() if rx.search(text)}
    some = (SOME.search(text) or TOLD_TIMES.search(text)) if "figure" in aspects else None
    if some and LATER_ASK.search(text, some.end()) and not _ASPECT_RE["figure"].search(text[:some.start()] + text[some.end():]):
        aspects.discard("figure")   # 我们班有几个孩子每天要过关上学，…有没有…: a few of them, no count asked
    clauses = [compact(c) for c in CLAUSE_ENDS.split(question) if compact(c)]
    if len(clauses) > 1 and "phone" in aspects and not _ASPECT_RE["phone"].search(clauses[-1]) and \
            len(clauses[-1]) >= 4 and ASKS.search(clauses[-1]) and \
            not any(_ASPECT_RE["phone"].search(c) and ASKS.search(c) for c in clauses[:-1]):
        # "打了电话没人接，想问下力邦社区有什么给孩子的项目": the question is the last clause (电话多少，我想
        # 打过去问问…: the number is asked, what follows is why)
        aspects.discard("phone")
    if "contact" in aspects and WHICH_COMMUNITY_ASKED.search(text) and not WHO.search(WHICH_COMMUNITY_ASKED.sub("", text)) \
            and not ROLE_NAMED.search(text):
        aspects.discard("contact")   # 首届品质社区当家人里，北仑的是哪家社区: the community is asked, not who leads it
    if "contact" in aspects and PRACTICE.search(text) and not WHO.search(text):
        aspects.discard("contact")   # 书记这块有什么特别的做法: how the secretaries work, not who they are
    if "contact" in aspects and not ROLE_SAID.search(text) and (THING_NAMED.search(text) or any(
            m.kind in ("category", "programme") and NAME_AFTER.match(text, m.end) for m in mentions)):
        aspects.discard("contact")   # 议事厅叫什么名字: the name of a thing, not of a person
        aspects.add("what")
    if "location" in aspects and EVENT_PLACE.search(text) and not PLACE_OF_COMMUNITY.search(text):
        aspects.discard("location")  # 文艺队去哪儿演出了: where an event went, not where the community is
    first = next((m for m in mentions if m.kind == "community"), None)
    binds = first is not None and _says_lives_in(text, first, mentions)
    unknown = unknown_names(question, text, index, mentions)
    if not mentions and len(foreign) >= FOREIGN_WORDS and len(foreign) >= FOREIGN_SHARE * said_words:
        # Who won the Premier League last season: English with hardly a word the knowledge has
        unknown = unknown + [" ".join(foreign[:FOREIGN_WORDS])]
    # 我住赛罕社区这边: the side of the home said with it is where they live, nothing asked nearby
    said = text[:first.end] + HOME_SIDE.sub("", text[first.end:], count=1) if binds else text
    # 宁波这边的社区有吗: the side of a place named is that place, not the resident's surroundings
    if not binds:
        for end in sorted((m.end for m in mentions if m.kind in ("place", "community") and
                           text.startswith(PLACE_SIDE, m.end)), reverse=True):
            said = said[:end] + said[end + 2:]
    return Query(text, mentions, aspects, bool(NEARBY.search(said)), binds, unknown,
                 _besides_phone(question) if "phone" in aspects else "", excluded)




def _besides_phone(question: str) -> str:
    """`海湾社区的服务项目叫啥 有电话没`: the first clause that asks something other than the phone."""
    for clause in CLAUSE_BREAKS.split(question):
        clause = compact(clause)
        if len(clause) >= 4 and ASKS.search(clause) and not _ASPECT_RE["phone"].search(clause):
            return clause
    return ""
